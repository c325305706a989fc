"""Scale-out: N ``scrapy crawl news`` workers started with the same ``REDIS_URL`` crawl as one.

What changes with ``REDIS_URL`` (the :class:`~newsbot.scale_out.ScaleOut` add-on switches it on; without it
nothing here runs and a crawl is exactly the single-machine one):

- the frontier and dupefilter are shared (:mod:`newsbot.state.frontier`);
- the article store is Redis (:mod:`newsbot.state.redis_store`), so every worker knows
  what any worker exported;
- an article found by two workers under two URLs is exported by the first to claim it
  (:class:`~newsbot.scale_out.SharedDedupPipeline`, per crawl);
- site locks are Redis leases held by the crawl, not ``flock``s held by one process:
  the workers of a crawl share them, another crawl of the same sites is refused (exit 75);
- each worker has its own id and writes ``<run-id>-<worker>-<n>.jsonl`` and
  ``runs/<run-id>-<worker>.json``; the run id is shared by the crawl's workers.

Pending batches of a worker that died are settled by the next worker to start on the
same machine (where the files are): at once when that worker's process is gone, else
once its lease has expired.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twisted.internet import task

from ..paths import new_run_id
from .crawl_state import CrawlState, crawl_sites
from .lock import SiteLocked
from .store import StateStore, Validators

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler


logger = logging.getLogger(__name__)

LEASE_TTL = 30.0
"""Seconds a worker's liveness and the crawl's site leases last without a refresh (refreshed every third)."""

# Take every site's lease for this crawl, or none: a lease held by another crawl names it.
_LEASE = """
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder and holder ~= ARGV[1] then return {i, holder} end
end
for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'PX', ARGV[2]) end
return {}
"""
# Join a crawl (KEYS: members, run, the crawl's other keys): with no live member left, start a new one.
_JOIN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', unpack(KEYS)) end
redis.call('SET', KEYS[2], ARGV[1], 'NX')
local run = redis.call('GET', KEYS[2])
local me = run .. '-' .. ARGV[2]
if redis.call('ZSCORE', KEYS[1], me) then return false end
redis.call('ZADD', KEYS[1], tonumber(ARGV[3]) + tonumber(ARGV[4]), me)
return run
"""
# Claim an article's keys for this crawl unless another worker claimed any of them first.
_CLAIM = """
for _, k in ipairs(ARGV) do
  if redis.call('SISMEMBER', KEYS[1], k) == 1 then return 0 end
end
redis.call('SADD', KEYS[1], unpack(ARGV))
return 1
"""


def crawl_prefix(prefix: str, spider: Spider) -> str:
    """``<prefix>:crawl:<site>,<site>...``: the keys the workers crawling the same sites share."""
    return f"{prefix}:crawl:{','.join(crawl_sites(spider))}"


class RedisCrawlState(CrawlState):
    """A worker's side of a shared crawl: Redis store, site leases, worker liveness, run id ``<run>-<worker>``."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        from .redis_store import RedisStateStore, connect  # redis is an optional extra: only with REDIS_URL

        settings = crawler.settings
        assert crawler.spider is not None
        self.redis = connect(settings["REDIS_URL"])
        self.prefix: str = settings["NEWSBOT_REDIS_PREFIX"]
        self.worker: str = settings.get("NEWSBOT_WORKER") or secrets.token_hex(3)
        self.shared = RedisStateStore(self.redis, self.prefix)
        self.crawl = crawl = crawl_prefix(self.prefix, crawler.spider)
        self.queue_key, self.seen_key, self.busy_key = f"{crawl}:queue", f"{crawl}:seen", f"{crawl}:busy"
        self.claims_key, self.found_key, self.dirty_key = f"{crawl}:claims", f"{crawl}:found", f"{crawl}:dirty"
        self.members_key = f"{crawl}:members"
        self.crawl_keys = [self.members_key, f"{crawl}:run", self.queue_key, self.seen_key, self.busy_key,
                           self.claims_key, self.found_key, self.dirty_key]  # fmt: skip
        self.run_id = self._join()
        """``<crawl's run id>-<worker>``; also this process's identity in Redis (liveness, busy, pending batches)."""
        self.last_out = False
        """Set by the scheduler: nothing is queued and no other worker is busy, so this one ends the crawl."""
        self._lease = self.redis.register_script(_LEASE)
        self.claim_script = self.redis.register_script(_CLAIM)
        self.heartbeat = task.LoopingCall(self._refresh)

    def _join(self) -> str:
        """Join the crawl of these sites, or start a new one (new run id, empty frontier) when no member is alive.

        Members that died on this machine are known dead at once (their process is gone); elsewhere, once
        their lease expires. A crawl whose members all died is not resumed: its queue lost what they held,
        so the next crawl discovers again from the start points.
        """
        for member in self.redis.zrange(self.members_key, 0, -1):
            if not self.shared.worker_alive(member.decode()):
                self.redis.zrem(self.members_key, member)
        args = [new_run_id(), self.worker, int(time.time() * 1000), int(LEASE_TTL * 1000)]
        run = self.redis.register_script(_JOIN)(keys=self.crawl_keys, args=args)
        if not run:
            raise RuntimeError(f"another live worker of this crawl is named {self.worker} (NEWSBOT_WORKER)")
        run_id = f"{run.decode()}-{self.worker}"
        self.shared.announce(run_id, LEASE_TTL)
        return run_id

    def open(self) -> None:
        """Take the sites' leases, settle dead workers' batches, then keep the leases alive; idempotent."""
        starting = self.store is None
        super().open()
        if starting:
            self.heartbeat.start(LEASE_TTL / 3, now=False)

    def _lock_sites(self) -> SiteLocked | None:
        return self._take_leases()

    def _open_store(self) -> StateStore:
        return self.shared

    def _lease_keys(self) -> list[str]:
        return [f"{self.prefix}:lock:{site}" for site in self.sites]

    def _take_leases(self) -> SiteLocked | None:
        answer = self._lease(keys=self._lease_keys(), args=[self.crawl, int(LEASE_TTL * 1000)])
        if not answer:
            return None
        index, holder = answer
        key = self._lease_keys()[index - 1]
        return SiteLocked(self.sites[index - 1], Path(key), holder.decode())

    def _refresh(self) -> None:
        self.shared.announce(self.run_id, LEASE_TTL)
        self.redis.zadd(self.members_key, {self.run_id: int((time.time() + LEASE_TTL) * 1000)}, xx=True)
        self._take_leases()

    def _settle_pending(self) -> None:
        """Settle the batches of workers on this machine that are gone (their lease expired or their process died)."""
        for worker in sorted(self.shared.pending_locks()):
            if worker != self.run_id and not self.worker_alive(worker):
                self._count_settled(self.shared.reconcile(worker))

    def worker_alive(self, worker: str) -> bool:
        return self.shared.worker_alive(worker)

    def batch_lock(self, record: Mapping[str, Any]) -> str:
        """A batch is settled by whoever outlives its worker, so it is filed under the worker's run."""
        return self.run_id

    def publish(self, reason: str = "finished") -> None:
        """Tell the crawl how this worker did so far: the validators it found, or that it was not clean."""
        if self.refused is not None:
            return
        if not self.clean(reason):
            self.redis.set(self.dirty_key, self.run_id)
        if self.found_validators:
            found = {url: json.dumps([v.etag, v.last_modified]) for url, v in self.found_validators.items()}
            self.redis.hset(self.found_key, mapping=found)

    def finish(self, reason: str) -> bool:
        """The last worker out keeps the validators every worker found, only if the whole crawl was clean.

        A 304 next time skips everything the feed led to, whichever worker exported it: one worker
        that failed, or died (its busy mark left behind), keeps the old validators for every feed.
        """
        self.publish(reason)
        if not self.last_out:
            return False
        others = {w.decode() for key in (self.members_key, self.busy_key) for w in self.redis.zrange(key, 0, -1)}
        died = sorted(w for w in others - {self.run_id} if not self.worker_alive(w))
        clean = not died and not self.redis.exists(self.dirty_key)
        if clean:
            found = self.redis.hgetall(self.found_key)
            self.shared.save_validators({url.decode(): Validators(*json.loads(v)) for url, v in found.items()})
        self.redis.delete(*self.crawl_keys)
        logger.info("Last worker out: the crawl's frontier is deleted%s", "" if clean else f" (not clean: {died})")
        return clean

    def close(self) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        self.redis.zrem(self.members_key, self.run_id)
        self.shared.retire(self.run_id)
        self.shared.close()

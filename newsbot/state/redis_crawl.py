"""Scale-out: N ``scrapy crawl news`` workers started with the same ``REDIS_URL`` crawl as one.

What changes with ``REDIS_URL`` (the :class:`ScaleOut` add-on switches it on; without it
nothing here runs and a crawl is exactly the single-machine one):

- the frontier and dupefilter are shared (:mod:`newsbot.state.frontier`);
- the article store is Redis (:mod:`newsbot.state.redis_store`), so every worker knows
  what any worker exported;
- an article found by two workers under two URLs is exported by the first to claim it
  (:class:`SharedDedupPipeline`, per crawl);
- site locks are Redis leases held by the crawl, not ``flock``s held by one process:
  the workers of a crawl share them, another crawl of the same sites is refused (exit 75);
- each worker has its own id and writes ``<run-id>-<worker>-<n>.jsonl`` and
  ``runs/<run-id>-<worker>.json``; the run id is shared by the crawl's workers.

Pending batches of a worker that died are settled by the next worker to start on the
same machine (where the files are): at once when that worker's process is gone, else
once its lease has expired.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import CloseSpider
from scrapy.settings import BaseSettings
from twisted.internet import task

from ..exporters import new_run_id
from ..pipelines import DedupPipeline
from .crawl import LOCKED, CrawlState, crawl_sites
from .lock import SiteLocked

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from .redis_store import RedisStateStore

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


class ScaleOut:
    """Scrapy add-on (``ADDONS``): with ``REDIS_URL`` set, the shared scheduler and duplicate check."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        settings.set("SCHEDULER", "newsbot.state.frontier.RedisScheduler", "addon")
        settings.replace_in_component_priority_dict("ITEM_PIPELINES", DedupPipeline, SharedDedupPipeline)


class RedisCrawlState(CrawlState):
    """A worker's side of a shared crawl: Redis store, site leases, worker liveness, run id ``<run>-<worker>``."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        from .redis_store import connect  # redis is an optional extra: imported only when REDIS_URL is set

        settings = crawler.settings
        assert crawler.spider is not None
        self.redis = connect(settings["REDIS_URL"])
        self.prefix: str = settings["NEWSBOT_REDIS_PREFIX"]
        self.worker: str = settings.get("NEWSBOT_WORKER") or secrets.token_hex(3)
        self.crawl = crawl_prefix(self.prefix, crawler.spider)
        self.redis.set(f"{self.crawl}:run", new_run_id(), nx=True)
        self.run_id = f"{self.redis.get(f'{self.crawl}:run').decode()}-{self.worker}"
        self.claims_key = f"{self.crawl}:claims"
        self._lease = self.redis.register_script(_LEASE)
        self.claim_script = self.redis.register_script(_CLAIM)
        self.heartbeat = task.LoopingCall(self._refresh)
        self.shared: RedisStateStore | None = None

    def open(self) -> None:
        """Take the sites' leases, announce this worker, settle dead workers' batches; idempotent."""
        if self.refused is not None:
            raise CloseSpider(LOCKED)
        if self.store is not None:
            return
        from .redis_store import RedisStateStore

        assert self.crawler.spider is not None
        self.sites = crawl_sites(self.crawler.spider)
        store = RedisStateStore(self.redis, self.prefix)
        store.announce(self.worker, LEASE_TTL)
        refused = self._take_leases()
        if refused is not None:
            store.retire(self.worker)
            self.refused = refused
            logger.error("Refusing to crawl: %s", refused)
            raise CloseSpider(LOCKED)
        self.store = self.shared = store  # type: ignore[assignment]  # same calls as StateStore
        self._settle_pending()
        self.heartbeat.start(LEASE_TTL / 3, now=False)

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
        assert self.shared is not None
        self.shared.announce(self.worker, LEASE_TTL)
        self._take_leases()

    def _settle_pending(self) -> None:
        """Settle the batches of workers on this machine that are gone (their lease expired or their process died)."""
        assert self.shared is not None
        for worker in sorted(self.shared.pending_locks()):
            if worker != self.worker and not self.worker_alive(worker):
                self._count_settled(self.shared.reconcile(worker))

    def worker_alive(self, worker: str) -> bool:
        assert self.shared is not None
        return self.shared.worker_alive(worker)

    def batch_lock(self, record: Mapping[str, Any]) -> str:
        """A batch is settled by whoever outlives its worker, so it is filed under the worker."""
        return self.worker

    def close(self) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        if self.shared is not None:
            self.shared.retire(self.worker)
            self.shared.close()


class SharedDedupPipeline(DedupPipeline):
    """Each article once per crawl across all its workers: the first to claim any of its keys exports it."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.stats)
        state = CrawlState.of(crawler)
        assert isinstance(state, RedisCrawlState)
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedDedupPipeline:
        return cls(crawler)

    def claim(self, keys: set[str]) -> bool:
        return bool(self.state.claim_script(keys=[self.state.claims_key], args=sorted(keys)))

"""The Redis backend of the article store, for N crawl workers on one or several machines (setting ``REDIS_URL``).

It answers the same calls as :class:`~newsbot.state.store.StateStore` (the SQLite store,
still the default) over these keys, ``<prefix>`` being ``NEWSBOT_REDIS_PREFIX``::

    <prefix>:articles      HASH  record id -> JSON of what the store knows (Known fields + batch)
    <prefix>:aliases       HASH  normalized URL -> record id
    <prefix>:validators    HASH  normalized feed/sitemap URL -> JSON [etag, last_modified, stored_at]
    <prefix>:fingerprints  HASH  record id -> duplicate_of "|" MinHash bytes; its order in a ZSET ``:seq``
    <prefix>:pending       HASH  batch path -> JSON {temp, lock, run_id, host, created_at, entries}
    <prefix>:worker:<id>   STRING "host pid", expiring: a worker is alive while it refreshes it
    <prefix>:templates:... learned site templates (:class:`RedisTemplateStore`)

None of them expires: they are what was exported, as the SQLite file is. Exactly-once
works as in SQLite: a batch is pending before its file is written and marked exported
(one Lua script: the articles, their aliases and the pending entry go together) after
the rename. Run Redis with ``appendonly yes`` (``appendfsync always`` for the guarantee
the SQLite store gives under a power cut), or a restart forgets what was exported.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from ..extraction.templates import (
    MAX_SIGNATURES_PER_SITE,
    MAX_URLS_PER_SITE,
    MIN_PAGES,
    WINDOW,
    TemplateStore,
    decay_per_page,
    threshold,
    total_weight,
)
from ..urls import normalize_url
from .store import Known, Reconciled, Seen, Validators, settle_batches, utc_now

# A Redis restart or failover takes a few seconds: every command is retried for about 15 s before the
# crawl sees the error (10 tries, waits doubling from 0.1 s up to 2 s).
RETRY = Retry(ExponentialBackoff(cap=2.0, base=0.1), retries=10)
HOST = socket.gethostname()

# One sighting (or a batch of them) applied as the SQLite store's upsert does: first_seen kept, lastmod only
# ever newer, batch kept when the sighting has none; then the batch's pending entry goes, in the same step.
_APPLY = """
local batch, path = ARGV[1], ARGV[2]
for _, s in ipairs(cjson.decode(ARGV[3])) do
  local old = redis.call('HGET', KEYS[1], s.id)
  local rec = {id = s.id, site = s.site, url = s.url, content_hash = s.content_hash,
               extractor_version = s.extractor_version, version = s.version, lastmod = s.lastmod,
               first_seen = s.seen_at, last_seen = s.seen_at, batch = batch}
  if batch == '' then rec.batch = cjson.null end
  if old then
    local o = cjson.decode(old)
    rec.first_seen = o.first_seen
    if o.lastmod ~= cjson.null and (s.lastmod == cjson.null or s.lastmod <= o.lastmod) then rec.lastmod = o.lastmod end
    if batch == '' then rec.batch = o.batch end
  end
  redis.call('HSET', KEYS[1], s.id, cjson.encode(rec))
  for _, url in ipairs(s.aliases) do redis.call('HSET', KEYS[2], url, s.id) end
end
if path ~= '' then redis.call('HDEL', KEYS[3], path) end
return 1
"""

# Newest fingerprint in, the oldest beyond ``keep`` out, in one step.
_FINGERPRINT = """
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', seq - tonumber(ARGV[3]))
for _, id in ipairs(old) do redis.call('HDEL', KEYS[1], id) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', seq - tonumber(ARGV[3]))
return seq
"""


def connect(url: str) -> redis.Redis:
    """A client for ``url`` (``redis://host:port/db``) that rides out a restart of a few seconds."""
    client = redis.Redis.from_url(
        url, retry=RETRY, retry_on_error=[redis.ConnectionError, redis.TimeoutError], socket_timeout=30
    )
    client.ping()  # a wrong URL fails here, before the crawl starts, not at the first request
    return client


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RedisStateStore:
    """The article store in Redis, shared by every worker started with the same ``REDIS_URL``."""

    def __init__(self, client: redis.Redis, prefix: str = "newsbot") -> None:
        self.redis = client
        self.prefix = prefix
        self._articles, self._aliases = f"{prefix}:articles", f"{prefix}:aliases"
        self._validators, self._pending = f"{prefix}:validators", f"{prefix}:pending"
        self._fingerprints = f"{prefix}:fingerprints"
        self._apply_script = client.register_script(_APPLY)
        self._fingerprint_script = client.register_script(_FINGERPRINT)

    def close(self) -> None:
        self.redis.close()

    # ------------------------------------------------------------ workers

    def worker_key(self, worker: str) -> str:
        return f"{self.prefix}:worker:{worker}"

    def announce(self, worker: str, ttl: float) -> None:
        """This worker is alive for ``ttl`` more seconds (its pending batches are in flight, not abandoned)."""
        self.redis.set(self.worker_key(worker), f"{HOST} {os.getpid()}", px=int(ttl * 1000))

    def retire(self, worker: str) -> None:
        self.redis.delete(self.worker_key(worker))

    def worker_alive(self, worker: str) -> bool:
        """Its key has not expired, and when it ran on this machine, its process still exists.

        The process check lets a rerun settle a ``kill -9``-ed worker's batches at once rather
        than after the key expires.
        """
        value = self.redis.get(self.worker_key(worker))
        if value is None:
            return False
        host, _, pid = value.decode().partition(" ")
        return host != HOST or process_alive(int(pid))

    # ------------------------------------------------------------ articles

    def _known(self, raw: bytes | None) -> Known | None:
        if raw is None:
            return None
        data = json.loads(raw)
        return Known(**{field: data[field] for field in Known.__dataclass_fields__})

    def lookup(self, url: str) -> Known | None:
        """The exported article this URL (any alias, any variant normalization removes) belongs to."""
        id = self.redis.hget(self._aliases, normalize_url(url))
        return None if id is None else self._known(self.redis.hget(self._articles, id))

    def find(self, id: str | None, urls: Iterable[str | None]) -> Known | None:
        """The exported article with this id, else the one any of ``urls`` is an alias of."""
        if id and (known := self._known(self.redis.hget(self._articles, id))) is not None:
            return known
        for url in urls:
            if url and (known := self.lookup(url)) is not None:
                return known
        return None

    def touch(self, seen: Seen) -> None:
        """Record a sighting of an already exported article that is not exported again."""
        self._apply([seen], batch="", path="")

    def _apply(self, entries: Sequence[Seen], batch: str, path: str) -> None:
        payload = [
            {**asdict(seen), "aliases": sorted({normalize_url(url) for url in seen.aliases if url})}
            for seen in entries
        ]
        keys = [self._articles, self._aliases, self._pending]
        self._apply_script(keys=keys, args=[batch, path, json.dumps(payload, ensure_ascii=False)])

    # ------------------------------------------------------------ batches

    def begin_batch(self, path: Path, temp: Path, lock: str, run_id: str, entries: Sequence[Seen]) -> None:
        """Record a batch before its file is written: what to mark exported once it is in place."""
        pending = {
            "temp": str(temp), "lock": lock, "run_id": run_id, "host": HOST, "created_at": utc_now(),
            "entries": [asdict(seen) for seen in entries],
        }  # fmt: skip
        self.redis.hset(self._pending, str(path), json.dumps(pending, ensure_ascii=False))

    def finish_batch(self, path: Path) -> None:
        """The batch file is in place: mark its articles exported and forget the pending entry, atomically."""
        raw = self.redis.hget(self._pending, str(path))
        if raw is None:
            return  # another worker on this machine settled it first
        entries = [Seen(**{**data, "aliases": tuple(data["aliases"])}) for data in json.loads(raw)["entries"]]
        self._apply(entries, batch=str(path), path=str(path))

    def abandon_batch(self, path: Path) -> None:
        """The batch file never reached its name: forget it; its articles stay unexported."""
        self.redis.hdel(self._pending, str(path))

    def _pending_batches(self) -> dict[str, dict[str, Any]]:
        return {path.decode(): json.loads(raw) for path, raw in self.redis.hgetall(self._pending).items()}

    def pending_locks(self) -> set[str]:
        """The workers that left batches pending on this machine (crashed, or running now).

        Only this machine's: whether a batch file reached its name can be seen only where it was written.
        """
        return {batch["lock"] for batch in self._pending_batches().values() if batch["host"] == HOST}

    def reconcile(self, lock: str) -> Reconciled:
        """Settle the pending batches of worker ``lock`` on this machine; call it once that worker is gone."""
        batches = self._pending_batches().items()
        return settle_batches(
            self, sorted((Path(p), Path(b["temp"])) for p, b in batches if b["lock"] == lock and b["host"] == HOST)
        )

    # ------------------------------------------------------------ conditional GET

    def validators(self, url: str) -> Validators | None:
        raw = self.redis.hget(self._validators, normalize_url(url))
        if raw is None:
            return None
        etag, last_modified, _ = json.loads(raw)
        return Validators(etag, last_modified)

    def save_validators(self, found: Mapping[str, Validators]) -> None:
        if found:
            now = utc_now()
            self.redis.hset(
                self._validators,
                mapping={normalize_url(url): json.dumps([v.etag, v.last_modified, now]) for url, v in found.items()},
            )

    # ------------------------------------------------------------ near-duplicate fingerprints

    def save_fingerprint(self, id: str, signature: bytes, duplicate_of: str | None, keep: int) -> None:
        """Remember an article's fingerprint as the newest; only the newest ``keep`` are kept."""
        value = (duplicate_of or "").encode() + b"|" + signature
        keys = [self._fingerprints, f"{self._fingerprints}:order", f"{self._fingerprints}:seq"]
        self._fingerprint_script(keys=keys, args=[id, value, keep])

    def fingerprints(self) -> list[tuple[str, bytes, str | None]]:
        """``(id, signature, duplicate_of)`` of the kept fingerprints, oldest first (as the index loads them)."""
        ids = self.redis.zrange(f"{self._fingerprints}:order", 0, -1)
        values = self.redis.hmget(self._fingerprints, ids) if ids else []
        out = []
        for id, value in zip(ids, values):
            if value is not None:
                duplicate_of, _, signature = value.partition(b"|")
                out.append((id.decode(), signature, duplicate_of.decode() or None))
        return out


# A signature's value: "pages weight seen" (as the SQLite columns; the weight as of page ``seen``, in a form
# that reads back as the same double). A value that is a bare count was learned before the window: it gets the
# share of its site's pages it had then, as the SQLite store's migration gives it.
_SIGNATURE_VALUES = """
local function total_weight(pages, decay) return (1 - decay ^ pages) / (1 - decay) end
local function read(value, legacy_pages, legacy_total)
  local pages, weight, seen = string.match(value, '^(%d+) (%S+) (%d+)$')
  if pages then return tonumber(pages), tonumber(weight), tonumber(seen) end
  pages = tonumber(value)
  return pages, pages * legacy_total / legacy_pages, legacy_pages
end
local function write(pages, weight, seen)
  return pages .. ' ' .. string.format('%.17g', weight) .. ' ' .. seen
end
"""
# One page's signatures counted for its site, once per URL, with the SQLite store's weights and bounds.
_LEARN = _SIGNATURE_VALUES + """
if redis.call('ZSCORE', KEYS[3], ARGV[1]) then return 0 end
local site, decay = ARGV[2], tonumber(ARGV[5])
local before = tonumber(redis.call('HGET', KEYS[1], site) or 0)
local stored = redis.call('HGET', KEYS[2], site)
local total = tonumber(stored or 0)
if before > 0 and not stored then  -- learned before the window: every value in the new form first
  total = total_weight(before, decay)
  local all = redis.call('HGETALL', KEYS[4])
  for i = 1, #all, 2 do redis.call('HSET', KEYS[4], all[i], write(read(all[i + 1], before, total))) end
end
local count = before + 1
redis.call('HSET', KEYS[1], site, count)
redis.call('HSET', KEYS[2], site, string.format('%.17g', total * decay ^ 1 + 1))
redis.call('ZADD', KEYS[3], count, ARGV[1])
local min_pages = tonumber(ARGV[6])
local indexed = redis.call('EXISTS', KEYS[5]) == 1
for i = 7, #ARGV do
  local old = redis.call('HGET', KEYS[4], ARGV[i])
  if old then
    local pages, weight, seen = read(old)
    redis.call('HSET', KEYS[4], ARGV[i], write(pages + 1, weight * decay ^ (count - seen) + 1, count))
    if indexed and pages + 1 == min_pages then redis.call('SADD', KEYS[5], ARGV[i]) end  -- (built with the rest)
  else
    redis.call('HSET', KEYS[4], ARGV[i], write(1, 1.0, count))
  end
end
if not indexed then  -- a site learned before the index (or with nothing repeated yet): build it from the hash
  local all = redis.call('HGETALL', KEYS[4])
  for i = 1, #all, 2 do
    if tonumber(string.match(all[i + 1], '^%d+')) >= min_pages then redis.call('SADD', KEYS[5], all[i]) end
  end
end
local max_signatures = tonumber(ARGV[3])
if redis.call('HLEN', KEYS[4]) > max_signatures then  -- the lightest go first, ties by signature (as in SQLite)
  local all = redis.call('HGETALL', KEYS[4])
  local weights = {}
  for i = 1, #all, 2 do
    local _, weight, seen = read(all[i + 1])
    weights[#weights + 1] = {all[i], weight * decay ^ (count - seen)}
  end
  table.sort(weights, function(a, b) return a[2] < b[2] or (a[2] == b[2] and a[1] < b[1]) end)
  for i = 1, #weights - math.floor(max_signatures / 2) do
    redis.call('HDEL', KEYS[4], weights[i][1])
    redis.call('SREM', KEYS[5], weights[i][1])
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', count - tonumber(ARGV[4]))
return count
"""
# The signatures seen on at least ARGV[2] pages whose weight at page ARGV[1] is at least ARGV[3] (decay ARGV[4];
# bare counts read with the site's pages and total weight ARGV[1] and ARGV[5]). Only the signatures of the
# site's "repeated" set (KEYS[2], kept by the learn script) can be: most of a site's signatures are story text
# seen once, so the set is a small part of the hash; without the set (a site learned before it) every one is read.
_BOILERPLATE = _SIGNATURE_VALUES + """
local now, min_pages, need, decay = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local names, values = {}, {}
if redis.call('EXISTS', KEYS[2]) == 1 then
  names = redis.call('SMEMBERS', KEYS[2])
  for i, name in ipairs(names) do values[i] = redis.call('HGET', KEYS[1], name) end
else
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do names[#names + 1], values[#values + 1] = all[i], all[i + 1] end
end
local out = {}
for i, name in ipairs(names) do
  local value = values[i]
  if value then
    local pages, weight, seen = read(value, now, tonumber(ARGV[5]))
    if pages >= min_pages and weight * decay ^ (now - seen) >= need then out[#out + 1] = name end
  end
end
return out
"""


class RedisTemplateStore(TemplateStore):
    """Learned templates shared by a crawl's workers, so a page gets the same template whichever worker fetched it.

    Keys: ``<prefix>:templates:pages`` HASH site -> pages learned, ``<prefix>:templates:weights`` HASH site ->
    its total weight; per site ``<prefix>:templates:<site>:urls`` ZSET url id -> page number and
    ``<prefix>:templates:<site>:signatures`` HASH signature -> "pages weight seen", and
    ``<prefix>:templates:<site>:repeated`` SET of its signatures seen on MIN_PAGES - 1 pages or more (the
    only ones boilerplate can be: reading them, not the whole hash, is the per-page cost). The weights, window and
    bounds are the SQLite store's (:mod:`newsbot.state.template_store`); nothing is cached in the process, since other workers keep learning.
    """

    def __init__(self, client: redis.Redis, prefix: str = "newsbot", window: int = WINDOW) -> None:
        self.redis = client
        self.prefix = f"{prefix}:templates"
        self.decay = decay_per_page(window)
        self._learn = client.register_script(_LEARN)
        self._boilerplate_of = client.register_script(_BOILERPLATE)

    def close(self) -> None:
        self.redis.close()

    def _site_keys(self, site: str) -> list[str]:
        site_keys = [f"{self.prefix}:{site}:urls", f"{self.prefix}:{site}:signatures", f"{self.prefix}:{site}:repeated"]
        return [f"{self.prefix}:pages", f"{self.prefix}:weights", *site_keys]

    def pages(self, site: str) -> int:
        return int(self.redis.hget(f"{self.prefix}:pages", site) or 0)

    def knows(self, site: str, url_id: str) -> bool:
        return self.redis.zscore(f"{self.prefix}:{site}:urls", url_id) is not None

    def learn(self, site: str | None, url_id: str, signatures: Iterable[str]) -> bool:
        """Count one page's signatures for its site; False (nothing learned) for a known URL or no site."""
        if not site:
            return False
        args = [url_id, site, MAX_SIGNATURES_PER_SITE, MAX_URLS_PER_SITE, self.decay, MIN_PAGES - 1, *sorted(set(signatures))]
        return bool(self._learn(keys=self._site_keys(site), args=args))

    def boilerplate(self, site: str | None) -> frozenset[str]:
        """Signatures the site's template says are boilerplate (empty before MIN_PAGES pages)."""
        if not site:
            return frozenset()
        pages_key, weights_key, _, signatures_key, repeated_key = self._site_keys(site)
        with self.redis.pipeline() as read:  # one MULTI: the pages and the weight of the same moment
            stored_pages, stored_weight = read.hget(pages_key, site).hget(weights_key, site).execute()
        pages = int(stored_pages or 0)
        if pages < MIN_PAGES:
            return frozenset()
        legacy = total_weight(pages, self.decay)  # a site not learned into since the window came
        weight = float(stored_weight) if stored_weight is not None else legacy
        args = [pages, MIN_PAGES - 1, threshold(weight), self.decay, legacy]
        rows = self._boilerplate_of(keys=[signatures_key, repeated_key], args=args)
        return frozenset(row.decode() for row in rows)

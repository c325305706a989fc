"""The shared request frontier of N crawl workers (setting ``REDIS_URL``): one queue and one dupefilter in Redis.

Workers started with the same ``REDIS_URL`` and the same sites form one crawl, keyed by
its lock names (:func:`~newsbot.state.crawl_state.crawl_sites`)::

    <prefix>:crawl:<sites>:queue    LIST  requests as JSON, pushed right, popped left (FIFO)
    <prefix>:crawl:<sites>:seen     SET   request fingerprints (Scrapy's REQUEST_FINGERPRINTER, 20 bytes)
    <prefix>:crawl:<sites>:busy     ZSET  worker run id -> until when (ms) it counts as busy
    <prefix>:crawl:<sites>:members  ZSET  worker run id -> until when (ms) its lease lasts
    <prefix>:crawl:<sites>:run      STRING the run id every worker of this crawl shares
    <prefix>:crawl:<sites>:claims   SET   article keys claimed for export in this crawl
    <prefix>:crawl:<sites>:found    HASH  feed/sitemap validators found, saved only if the whole crawl was clean
    <prefix>:crawl:<sites>:dirty    STRING set by a worker that failed (no validators are saved then)

(the last five are kept by :class:`~newsbot.state.redis_crawl.RedisCrawlState`).

Every worker runs the spider's own ``start()``; the shared dupefilter lets one copy of
each start request in. The crawl ends when the queue is empty and no live worker is
busy; the last worker to close deletes these keys, so the next crawl discovers again
from its start points (what was exported stays in the article store).

Why not scrapy-redis (0.9.1, its latest release): its ``Scheduler`` deletes the shared
queue and dupefilter when any one worker closes (``SCHEDULER_PERSIST=False``) or keeps
them forever (``True``: the next day's crawl would find every feed already seen); a worker
whose queue is momentarily empty closes while others still add requests (its
``RedisSpider`` idles instead, a start path Scrapy >= 2.16 no longer has); it pickles
requests (code execution for anyone who can write to Redis); and it cannot keep a
request that must stay in its process (the held-pages release of
:mod:`newsbot.state.template_hold`, whose callback is a closure). This module is the
small part of it newsbot needs, over redis-py.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections import deque
from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.request import request_from_dict
from twisted.internet import task

from .crawl_state import CrawlState
from .redis_crawl import RedisCrawlState

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

BUSY_TTL = 30.0
"""A worker that stops refreshing its busy mark (killed on another machine) stops counting after this long."""
START_TAKEN = "newsbot/frontier/start_taken"
"""Stat: start requests another worker of the crawl queued or popped first (so this worker's start was read)."""
TICK = 0.5
"""Seconds between refreshes of this worker's busy mark and looks at the shared queue while waiting on others."""


# A request the crawl has not seen goes on the queue in the same step: one round trip (and, with
# appendfsync always, one fsync) instead of two. KEYS: seen set, queue; ARGV: fingerprint ("" for a
# request that is never filtered), the encoded request. 1 when queued, 0 when seen before.
_ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1
"""


def encode_request(request: Request, spider: Spider) -> bytes | None:
    """The request as JSON, or None when it cannot leave this process (a closure callback, meta that is not data)."""
    try:
        data = request.to_dict(spider=spider)
    except ValueError:  # the callback is not a method of the spider
        return None
    data["headers"] = {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in data["headers"].items()}
    data["body"] = base64.b64encode(data["body"]).decode("ascii")
    try:
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    except TypeError:
        return None


def decode_request(raw: bytes, spider: Spider) -> Request:
    data = json.loads(raw)
    data["body"] = base64.b64decode(data["body"])
    return request_from_dict(data, spider=spider)


class RedisScheduler(BaseScheduler):
    """Scheduler over the shared frontier (``SCHEDULER`` when ``REDIS_URL`` is set, see
    :class:`~newsbot.scale_out.ScaleOut`). Requests that cannot be serialized stay
    in a local queue, served first.
    """

    def __init__(self, crawler: Crawler, state: RedisCrawlState) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.state = state
        self.redis = state.redis
        self.fingerprinter = crawler.request_fingerprinter
        self.local: deque[Request] = deque()
        self.busy_until = 0.0
        self.last = False
        self.starts_queued = self.starts_popped = 0
        """Start requests this worker put on / took off the shared queue: the difference went to another worker."""
        self.ticker = task.LoopingCall(self._tick)
        self.enqueue_script = self.redis.register_script(_ENQUEUE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        state = CrawlState.of(crawler)
        assert isinstance(state, RedisCrawlState), "RedisScheduler needs REDIS_URL"
        return cls(crawler, state)

    # ------------------------------------------------------------ life cycle

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue_key, self.seen_key, self.busy_key = self.state.queue_key, self.state.seen_key, self.state.busy_key
        self._mark_busy()
        self.crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        self.ticker.start(TICK, now=False)
        if queued := self.redis.llen(self.queue_key):
            logger.info("Joining a crawl in progress: %d requests queued", queued)

    def close(self, reason: str) -> None:
        """Leave the crawl; the last worker out (nothing queued, nobody busy) ends it (CrawlState.finish)."""
        if self.ticker.running:
            self.ticker.stop()
        self.redis.zrem(self.busy_key, self.state.run_id)
        if (taken := self.starts_queued - self.starts_popped) > 0:
            self.stats.inc_value(START_TAKEN, taken)
        self.state.last_out = self.last and not self.redis.llen(self.queue_key) and not self.others_busy()

    # ------------------------------------------------------------ requests

    def has_pending_requests(self) -> bool:
        return bool(self.local) or bool(self.redis.llen(self.queue_key))

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = b"" if request.dont_filter else self.fingerprinter.fingerprint(request)
        raw = encode_request(request, self.spider)
        if raw is None:
            if fingerprint and not self.redis.sadd(self.seen_key, fingerprint):
                return self._filtered(request)
            self.local.append(request)
            self.stats.inc_value("scheduler/enqueued/local")
        else:
            if not self.enqueue_script(keys=[self.seen_key, self.queue_key], args=[fingerprint, raw]):
                return self._filtered(request)
            self.starts_queued += "depth" not in request.meta
            self.stats.inc_value("scheduler/enqueued/redis")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def _filtered(self, request: Request) -> bool:
        self.stats.inc_value("dupefilter/filtered")
        if "depth" not in request.meta:  # no depth yet: a start request, which another worker already took
            self.stats.inc_value(START_TAKEN)
        return False

    def next_request(self) -> Request | None:
        if self.local:
            self.stats.inc_value("scheduler/dequeued")
            return self.local.popleft()
        self._mark_busy()  # before the pop: a peer never sees the queue empty and this worker idle with work in hand
        raw = self.redis.lpop(self.queue_key)
        if raw is None:
            return None
        self.stats.inc_value("scheduler/dequeued/redis")
        self.stats.inc_value("scheduler/dequeued")
        request = decode_request(raw, self.spider)
        self.starts_popped += "depth" not in request.meta
        return request

    # ------------------------------------------------------------ who is still working

    def _mark_busy(self) -> None:
        """Refresh this worker's busy mark, at most every third of its lifetime (one Redis write, not one per pop)."""
        now = time.time()
        if self.busy_until - now > BUSY_TTL * 2 / 3:
            return
        self.busy_until = now + BUSY_TTL
        self.redis.zadd(self.busy_key, {self.state.run_id: int(self.busy_until * 1000)})

    def others_busy(self) -> list[str]:
        """Live workers of this crawl, besides this one, that may still add requests."""
        marks = self.redis.zrangebyscore(self.busy_key, int(time.time() * 1000), "+inf")
        workers = [mark.decode() for mark in marks]
        me = self.state.run_id
        return [w for w in workers if w != me and self.state.worker_alive(w)]

    def spider_idle(self) -> None:
        """Nothing to do here: stay while another worker may still add requests, else let the crawl close."""
        self.state.publish()  # before leaving the busy set: whoever ends the crawl must know how this worker did
        self.busy_until = 0.0
        self.redis.zrem(self.busy_key, self.state.run_id)
        if self.others_busy():
            raise DontCloseSpider
        self.last = True

    def _tick(self) -> None:
        """Keep the busy mark fresh while working; while waiting on others, look again.

        Scrapy's engine asks an idle scheduler (and its idle handlers) only every 5 s: a peer's new
        requests, or its leaving, are seen within TICK instead.
        """
        if self.busy_until:
            self._mark_busy()
        else:
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()

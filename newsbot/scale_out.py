"""The scale-out add-on: with ``REDIS_URL`` set, N ``scrapy crawl news`` workers crawl as one.

It swaps in the shared scheduler (:mod:`newsbot.state.frontier`) and the shared duplicate check
below; the worker's side of the crawl state is :mod:`newsbot.state.redis_crawl`. It sits above
both the state and the pipelines, which therefore need not know about each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.settings import BaseSettings

from .pipelines import DedupPipeline
from .state.crawl_state import CrawlState
from .state.redis_crawl import RedisCrawlState

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ScaleOut:
    """Scrapy add-on (``ADDONS``): with ``REDIS_URL`` set, the shared scheduler and duplicate check."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        settings.set("SCHEDULER", "newsbot.state.frontier.RedisScheduler", "addon")
        settings.replace_in_component_priority_dict("ITEM_PIPELINES", DedupPipeline, SharedDedupPipeline)


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

"""Fault injection for crawl tests: a pipeline that raises on chosen pages, as a bug in a pipeline step would.

No real page is known to make newsbot raise (each one found is fixed), so the crawl tests of
per-page isolation add this step through ``-s ITEM_PIPELINES=...`` with ``PYTHONPATH`` on tests/.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

FAIL_SETTING = "NEWSBOT_TEST_FAIL_PATHS"
"""Comma-separated URL path endings whose pages raise."""
PIPELINE = "faults.FailingPipeline"


class FailingPipeline:
    def __init__(self, paths: list[str]) -> None:
        self.paths = paths

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailingPipeline:
        return cls(crawler.settings.getlist(FAIL_SETTING))

    def process_item(self, item: Any) -> Any:
        url = ItemAdapter(item).get("url") or ""
        if any(url.endswith(path) for path in self.paths):
            raise RuntimeError(f"injected fault for {url.rsplit('/', 1)[-1]}")
        return item

"""Item pipelines, in order: extract -> validate -> deduplicate -> export. Thin adapters around the core."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem

from .exporters import BatchWriter, new_run_id, run_summary_path, write_json
from .extraction import Article, ExtractionError, extract
from .extraction.urls import url_id

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from .items import Page

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Page -> Article through the extraction core; unreadable pages are skipped and counted.

    Extraction is CPU-bound and runs in the reactor thread: simple, and fast enough at
    one site's politeness rate; move it to a process pool if crawls ever get CPU-bound.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Page) -> Article:
        page = ItemAdapter(item)
        try:
            article = extract(page["body"], page["url"], page["headers"])
        except ExtractionError as err:
            self.stats.inc_value("newsbot/errors/extraction")
            logger.warning("Skipped %s: %s", page["url"], err)
            raise DropItem(f"extraction failed: {err}", log_level="DEBUG") from err
        return dataclasses.replace(
            article, requested_url=page["requested_url"], fetched_at=page["fetched_at"], http_status=page["status"]
        )


def _drop(stats: StatsCollector, reason: str) -> DropItem:
    """Count a drop by reason; the log line stays at DEBUG because drops are the normal case."""
    stats.inc_value(f"newsbot/dropped/{reason}")
    return DropItem(reason, log_level="DEBUG")


class ValidatePipeline:
    """Only articles with a title and a body go on; everything else is dropped by reason."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        record = ItemAdapter(item)
        if not record.get("is_article"):
            raise _drop(self.stats, record.get("drop_reason") or "not_article")
        if not (record.get("title") or "").strip():
            raise _drop(self.stats, "no_title")
        if not (record.get("body") or "").strip():
            raise _drop(self.stats, "empty_body")
        return item


class DedupPipeline:
    """Each article once per crawl, whether reached by its URL, a variant of it or its canonical URL."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        record = ItemAdapter(item)
        # url_id normalizes, so every key is "sha256 of a normalized URL", the same space as ``id``.
        keys = {url_id(url) for url in (record.get("url"), record.get("canonical_url")) if url}
        if record.get("id"):
            keys.add(record["id"])
        if keys & self.seen:
            raise _drop(self.stats, "duplicate")
        self.seen |= keys
        return item


class ExportPipeline:
    """Records to atomic JSONL batches (see :mod:`newsbot.exporters`); the run summary at the end.

    The item itself is passed on unchanged, so ``FEEDS`` (``-o x.jsonl``) exports the same records.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.root = Path(settings["NEWSBOT_OUTPUT_DIR"])
        self.run_id: str = settings.get("NEWSBOT_RUN_ID") or new_run_id()
        self.writer = BatchWriter(self.root, self.run_id, settings.getint("NEWSBOT_BATCH_SIZE"))
        # After CoreStats' own spider_closed handler (connected earlier), so the summary
        # carries finish_reason and elapsed time.
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.stats.set_value("newsbot/run_id", self.run_id)

    def process_item(self, item: Any) -> Any:
        self.writer.add(ItemAdapter(item).asdict())
        self.stats.inc_value("newsbot/exported")
        return item

    def close_spider(self) -> None:
        self.writer.flush()

    def spider_closed(self) -> None:
        summary = {
            "run_id": self.run_id,
            "files": [str(path) for path in self.writer.files],
            "stats": self.stats.get_stats(),
        }
        write_json(run_summary_path(self.root, self.run_id), summary)

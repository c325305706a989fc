"""Item pipelines, in order: extract -> validate -> deduplicate -> state -> export. Thin adapters around the core.

Every drop is counted (stats ``newsbot/dropped/<reason>``) and listed with its URL in
the run summary (:class:`~newsbot.state.crawl_state.CrawlState` listens to ``item_dropped``), and so
is every page an exception stopped (``newsbot/failed_pages``; ``item_error``, ``spider_error``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.exceptions import DropItem
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from .checks import describe
from .drops import drop_item
from .exporters import BatchNotWritten, BatchWriter, write_json
from .extraction import Article, ExtractionError
from .items import Page
from .paths import run_summary_path
from .policy import reservation_reason
from .state.crawl_state import LOCKED, CrawlState
from .urls import url_id
from .workers import PageExtractor

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class PageLogFormatter(LogFormatter):
    """Scrapy's log lines, with a page that raised named by URL, exception type and message.

    Scrapy's own line for a pipeline error prints the whole item (a page's body bytes) and leaves
    the error to the traceback below it; the traceback still follows, for whoever debugs it.
    """

    def item_error(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        url = ItemAdapter(item).get("url") or getattr(response, "url", "")
        return {"level": logging.ERROR, "msg": "Page failed: %(url)s: %(error)s",
                "args": {"url": url, "error": describe(exception)}}  # fmt: skip

    def spider_error(
        self, failure: Failure, request: Request, response: Response | Failure, spider: Spider
    ) -> LogFormatterResult:
        return {"level": logging.ERROR, "msg": "Page failed: %(url)s: %(error)s",
                "args": {"url": request.url, "error": describe(failure.value)}}  # fmt: skip


class ExtractPipeline:
    """Page -> Article through the extraction core, with the crawl's learned templates and the
    page's site hints; unreadable pages are skipped and counted.

    A page whose publisher reserved it (robots noindex/noarchive/noai, TDM-Reservation; see
    :mod:`newsbot.policy`) is dropped with that reason first, unless NEWSBOT_RESPECT_ROBOTS_META is off.

    Extraction is CPU-bound: with NEWSBOT_EXTRACT_WORKERS > 0 it runs in a pool of worker
    processes while the reactor keeps fetching (:mod:`newsbot.workers`).
    """

    def __init__(self, stats: StatsCollector, extractor: PageExtractor, respect_reservations: bool = True) -> None:
        self.stats = stats
        self.extractor = extractor
        self.respect_reservations = respect_reservations

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        extractor = PageExtractor.from_crawler(crawler)
        return cls(crawler.stats, extractor, crawler.settings.getbool("NEWSBOT_RESPECT_ROBOTS_META"))

    async def process_item(self, item: Page) -> Article:
        page = ItemAdapter(item)
        if self.respect_reservations and (reason := reservation_reason(page["headers"], page["body"])):
            raise drop_item(self.stats, reason)
        try:
            return await self.extractor.record(item)
        except ExtractionError as err:
            self.stats.inc_value("newsbot/errors/extraction")
            logger.warning("Skipped %s: %s", page["url"], err)
            raise DropItem(f"extraction failed: {err}", log_level="DEBUG") from err




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
            raise drop_item(self.stats, record.get("drop_reason") or "not_article")
        if not (record.get("title") or "").strip():
            raise drop_item(self.stats, "no_title")
        if not (record.get("body") or "").strip():
            raise drop_item(self.stats, "empty_body")
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
        if not self.claim(keys):
            raise drop_item(self.stats, "duplicate")
        return item

    def claim(self, keys: set[str]) -> bool:
        """True when none of an article's keys was seen before in this crawl (and now they are)."""
        if keys & self.seen:
            return False
        self.seen |= keys
        return True


class StatePipeline:
    """Across runs: an article the store knows goes on only if its text changed, as ``version`` + 1.

    A changed ``content_hash`` alone is not enough when the extractor changed too and no
    feed or sitemap dated the page newer: that is an extractor upgrade, not an edit, and
    re-exporting every article after an upgrade is what this pipeline exists to prevent.
    Known articles not exported are still recorded (new URLs, dates), at once.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.state = CrawlState.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.state.open()

    def process_item(self, item: Any) -> Any:
        record = ItemAdapter(item)
        known = self.state.known(record)
        if known is None:
            record["version"] = 1
            return item
        if record.get("content_hash") == known.content_hash:
            self.state.touch(record, known.version)
            raise drop_item(self.stats, "unchanged")
        upgraded = record.get("extractor_version") != known.extractor_version
        if upgraded and not self.state.says_changed(known, self.state.lastmod_of(record)):
            self.state.touch(record, known.version)
            raise drop_item(self.stats, "extractor_upgrade")
        record["version"] = known.version + 1
        return item


class ExportPipeline:
    """Records to atomic JSONL batches, exactly once (see :mod:`newsbot.exporters`); the run summary at the end.

    The item itself is passed on unchanged, so ``FEEDS`` (``-o x.jsonl``) exports the same records.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.state = CrawlState.of(crawler)
        self.root = Path(settings["NEWSBOT_OUTPUT_DIR"])
        self.run_id = self.state.run_id
        self.writer = BatchWriter(
            self.root,
            self.run_id,
            settings.getint("NEWSBOT_BATCH_SIZE"),
            journal=self.state,
            commit_delay=settings.getfloat("NEWSBOT_COMMIT_DELAY"),
            on_failure=self.batch_failed,
        )
        # After CoreStats' own spider_closed handler (connected earlier), so the summary
        # carries finish_reason and elapsed time.
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.stats.set_value("newsbot/run_id", self.run_id)
        self.state.open()

    def process_item(self, item: Any) -> Any:
        # An Article's own to_dict: ItemAdapter's asdict gives the same dict, but asks every adapter about
        # each of the thousands of values it holds (3 ms a page in the reactor thread).
        record = item.to_dict() if isinstance(item, Article) else ItemAdapter(item).asdict()
        self.count_exported(record)
        self.writer.add(record)
        return item

    def count_exported(self, record: Mapping[str, Any], n: int = 1) -> None:
        """Counted when buffered, so the run's numbers add up while it runs; a batch that fails takes them back."""
        self.stats.inc_value("newsbot/exported", n)
        self.stats.inc_value("newsbot/exported/" + ("new" if record.get("version", 1) == 1 else "updated"), n)

    def close_spider(self) -> None:
        self.writer.flush()

    def batch_failed(self, failure: BatchNotWritten) -> None:
        """Its pages failed, each listed: not marked exported, so the next run (into a usable folder) exports them."""
        logger.error("%s; its %d pages are listed as failed", failure, len(failure.records))
        for record in failure.records:
            self.count_exported(record, -1)
            self.state.page_failed(record.get("url") or "", failure.cause)

    def spider_closed(self, reason: str) -> None:
        try:
            validators_saved = self.state.finish(reason)
            write_json(run_summary_path(self.root, self.run_id), self.summary(reason, validators_saved))
        finally:
            self.state.close()

    def summary(self, reason: str, validators_saved: bool) -> dict[str, Any]:
        """``output/runs/<run-id>.json``: the counts a person reads, every drop and error by URL, Scrapy's stats."""
        stats = self.stats.get_stats()
        state = self.state
        summary: dict[str, Any] = {
            "run_id": self.run_id,
            "sites": state.sites,
            "finish_reason": reason,
            "counts": run_counts(stats),
            "files": [str(path) for path in self.writer.files],
            "dropped": state.dropped,
            "errors": state.errors,
            "failed_pages": state.failed_pages,
            "reconciled": state.reconciled,
            "validators_saved": validators_saved,
            "stats": stats,
        }
        if reason == LOCKED and state.refused is not None:
            refused = state.refused
            summary["refused"] = {"site": refused.site, "lock": str(refused.path), "holder": refused.holder}
        return summary


def run_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The run's numbers by name, from Scrapy's stats (which stay in the summary as they are)."""

    def by_prefix(prefix: str) -> dict[str, int]:
        return {key.removeprefix(prefix): n for key, n in sorted(stats.items()) if key.startswith(prefix)}

    return {
        "requests": stats.get("downloader/request_count", 0),
        "pages_fetched": stats.get("downloader/response_count", 0),
        "not_modified": stats.get("newsbot/not_modified", 0),
        "known_skipped": stats.get("newsbot/skipped/known", 0),
        "older_than_since": stats.get("newsbot/links/older_than_since", 0),
        "refetched": by_prefix("newsbot/refetched/"),
        "exported": stats.get("newsbot/exported", 0),
        "new": stats.get("newsbot/exported/new", 0),
        "updated": stats.get("newsbot/exported/updated", 0),
        "duplicates": stats.get("newsbot/dropped/duplicate", 0),
        "near_duplicates": stats.get("newsbot/near_duplicates", 0),
        "dropped": by_prefix("newsbot/dropped/"),
        "errors": by_prefix("newsbot/errors/"),
        "failed_pages": stats.get("newsbot/failed_pages", 0),
        "duration_s": stats.get("elapsed_time_seconds"),
    }

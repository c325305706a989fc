"""Where a crawl's pages become records: in the reactor thread, or in a pool of worker processes.

Extraction is CPU-bound and the reactor has one thread, so with NEWSBOT_EXTRACT_WORKERS > 0
pages are extracted in that many processes while the reactor keeps fetching, and a crawl
uses every core. A worker gets what one page needs: the page, its site config and its
site's boilerplate as the crawl's template store has it now (a
:class:`~newsbot.extraction.TemplateSnapshot`). It decodes and parses the page once, for the
record and for the page's template :class:`~newsbot.extraction.Lesson`; the main process
teaches the lesson to the store, so learned state (SQLite or Redis) keeps one writer.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.asyncio import is_asyncio_available

from .extraction import Article, ExtractionError, Lesson, TemplateSnapshot
from .items import Page
from .records import read_page
from .sites import SiteConfig, sites_in
from .state.template_hold import templates_of
from .urls import site_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from .extraction import TemplateStore

logger = logging.getLogger(__name__)

# Spawned, not forked: a worker must not inherit the crawl's sockets, SQLite handles or site locks
# (a forked child would keep a killed crawl's flock, and the next crawl would be refused).
_CONTEXT = multiprocessing.get_context("spawn")
# How often a worker checks that its crawl process is still there.
PARENT_CHECK_S = 0.5


def default_workers() -> int:
    """One worker per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _exit_with(crawl: int) -> None:
    """Worker initializer: when the crawl process dies without closing the pool (``kill -9``), the worker
    exits too, instead of waiting forever for work that will not come (its queue never reports EOF)."""

    def watch() -> None:
        while os.getppid() == crawl:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="newsbot-parent-watch", daemon=True).start()


def worker_count(value: object) -> int:
    """NEWSBOT_EXTRACT_WORKERS as a number of processes; a clear error for anything but a whole number >= 0."""
    try:
        workers = int(str(value))
    except ValueError:
        workers = -1
    if workers < 0:
        raise ValueError(f"NEWSBOT_EXTRACT_WORKERS must be a whole number, 0 or more (0: no pool); got {value!r}")
    return workers


class PageExtractor:
    """Turns a crawl's pages into records and teaches each page's lesson to the crawl's template store.

    With ``workers`` > 0 extraction runs in a process pool. A page whose extraction raises
    anything but :class:`ExtractionError` (a bug, or a worker process that died) is dropped,
    counted (``newsbot/errors/extraction_failed``) and logged with its URL; a dead worker's pool
    is replaced, so the crawl goes on either way. The pool is shut down when the spider closes.
    """

    def __init__(
        self,
        stats: StatsCollector,
        templates: TemplateStore | None = None,
        sites: Mapping[str, SiteConfig] | None = None,
        workers: int = 0,
    ) -> None:
        self.stats = stats
        self.templates = templates
        self.sites = sites or {}
        self.workers = workers
        self.pool = self._new_pool()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageExtractor:
        settings = crawler.settings
        workers = worker_count(settings.get("NEWSBOT_EXTRACT_WORKERS"))
        if workers and not is_asyncio_available():
            raise ValueError(
                "NEWSBOT_EXTRACT_WORKERS needs Scrapy's asyncio reactor (TWISTED_REACTOR); set it to 0 to extract"
                " in the reactor thread"
            )
        sites = sites_in(settings.get("NEWSBOT_SITES_DIR"))  # the crawl's own, for the spider's ``source`` names
        extractor = cls(crawler.stats, templates_of(crawler), sites, workers)
        crawler.stats.set_value("newsbot/extract_workers", workers)
        crawler.signals.connect(extractor.close, signal=signals.spider_closed)
        return extractor

    def _new_pool(self) -> ProcessPoolExecutor | None:
        if not self.workers:
            return None
        return ProcessPoolExecutor(self.workers, mp_context=_CONTEXT, initializer=_exit_with, initargs=(os.getpid(),))

    async def record(self, page: Page) -> Article:
        """The page's record, extracted with its site's template as learned so far; then the page is learned."""
        config = self.sites.get(page.source or "")
        snapshot = self.templates.snapshot(site_of(page.url)) if self.templates is not None else None
        learn = self.templates is not None
        try:
            if self.pool is None:
                record, lesson = read_page(page, snapshot, config, learn)
            else:
                record, lesson = await self._in_pool(page, snapshot, config, learn)
        except ExtractionError:
            raise  # not an HTML page: the extract pipeline skips and counts it
        except Exception as err:
            self.stats.inc_value("newsbot/errors/extraction_failed")
            logger.error("Extraction of %s failed: %r", page.url, err, exc_info=err)
            raise DropItem(f"extraction failed: {err!r}", log_level="DEBUG") from err
        if lesson is not None and self.templates is not None:
            lesson.into(self.templates)
        return record

    async def _in_pool(
        self, page: Page, snapshot: TemplateSnapshot | None, config: SiteConfig | None, learn: bool
    ) -> tuple[Article, Lesson | None]:
        pool = self.pool
        assert pool is not None
        try:
            return await asyncio.wrap_future(pool.submit(read_page, page, snapshot, config, learn))
        except BrokenProcessPool:
            # A worker died (killed, out of memory): the pages it took down fail; a new pool takes the next ones.
            if self.pool is pool:
                logger.error("An extraction worker died; starting a new pool of %d", self.workers)
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self._new_pool()
            raise

    def close(self) -> None:
        """Stop the workers and wait for them, so none outlives the crawl."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

"""One crawl's side of the state directory, shared by the state middlewares and pipelines of one crawler.

It holds the site lock and the store for the length of the crawl, settles what an
earlier, killed crawl left pending, keeps this run's bookkeeping (feed dates seen,
validators found, drops, fetch errors and failed pages for the run summary) and is the
exporter's :class:`~newsbot.exporters.Journal`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import CloseSpider

from ..checks import describe
from ..discovery import parse_date
from ..paths import new_run_id
from ..urls import normalize_url, site_of
from .lock import SiteLock, SiteLocked
from .store import Known, Reconciled, Seen, StateStore, Validators, utc_now

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

LOCKED = "site_locked"
"""The ``finish_reason`` of a crawl refused because another one holds the site's lock."""

_STATES: WeakKeyDictionary[Crawler, CrawlState] = WeakKeyDictionary()


def crawl_sites(spider: Spider) -> list[str]:
    """The lock names of a crawl: its site configs' names, else the start URL's site (as :func:`lock_name`)."""
    names = [site.name for site in getattr(spider, "sites", ())]
    start = site_of(getattr(spider, "start_url", None))
    return sorted(names or ([start] if start else [spider.name]))


def lock_name(record: Mapping[str, Any]) -> str:
    """The lock a record is exported under: its site config's, else its site's."""
    return record.get("source") or record.get("site") or ""


def _newest(dates: Iterable[str | None]) -> str | None:
    return max((d for d in dates if d), default=None)


class CrawlState:
    """Lock, store and run bookkeeping of one crawler; get it with :meth:`of`."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.state_dir = Path(settings["NEWSBOT_STATE_DIR"])
        self.run_id: str = settings.get("NEWSBOT_RUN_ID") or new_run_id()
        self.revisit = timedelta(hours=settings.getfloat("NEWSBOT_REVISIT_HOURS"))
        self.sites: list[str] = []
        self.locks: dict[str, SiteLock] = {}
        self.store: StateStore | None = None
        self.refused: SiteLocked | None = None
        self.reconciled: dict[str, list[str]] = {"finished": [], "abandoned": []}
        self.lastmods: dict[str, str] = {}
        """Normalized URL -> newest lastmod/updated any feed or sitemap gave it in this run."""
        self.skipped_known: set[str] = set()
        """Ids of known articles not requested this run: the summary counts articles, not the links to them."""
        self.found_validators: dict[str, Validators] = {}
        """Feeds and sitemaps read in full this run, with the validators to send next time."""
        self.dropped: list[dict[str, str]] = []
        self.errors: list[dict[str, str]] = []
        self.transient_errors = 0
        self.failed_pages: list[dict[str, str]] = []
        """``{url, error}`` of every page an exception stopped (a bug, not the page's verdict)."""
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlState:
        """The crawler's state: shared through Redis when REDIS_URL is set (newsbot.state.redis_crawl)."""
        if crawler not in _STATES:
            if crawler.settings.get("REDIS_URL"):
                from .redis_crawl import RedisCrawlState

                _STATES[crawler] = RedisCrawlState(crawler)
            else:
                _STATES[crawler] = cls(crawler)
        return _STATES[crawler]

    # ------------------------------------------------------------ life cycle

    def open(self) -> None:
        """Lock the sites, open the store, settle pending batches; idempotent. CloseSpider if a site is locked."""
        if self.refused is not None:
            raise CloseSpider(LOCKED)
        if self.store is not None:
            return
        assert self.crawler.spider is not None
        self.sites = crawl_sites(self.crawler.spider)
        refused = self._lock_sites()
        if refused is not None:
            self.refused = refused
            self.close()
            logger.error("Refusing to crawl: %s", refused)
            raise CloseSpider(LOCKED) from refused
        self.store = self._open_store()
        self._settle_pending()

    def _lock_sites(self) -> SiteLocked | None:
        """Take every site's lock (a crawl of several sites holds all of them, or refuses); the refusal, if any."""
        for name in self.sites:
            lock = SiteLock(self.state_dir, name)
            try:
                lock.acquire(holder=f"run {self.run_id}")
            except SiteLocked as err:
                return err
            self.locks[name] = lock
        return None

    def _open_store(self) -> StateStore:
        return StateStore(self.state_dir)

    def _settle_pending(self) -> None:
        """Reconcile the batches killed crawls left pending: this site's, and any other site not crawling now.

        Another site's too, because the same articles may next be crawled under another lock
        name (a start URL one day, a site config the next): an unsettled batch would be exported twice.
        """
        assert self.store is not None
        for name in sorted(self.store.pending_locks()):
            other = None if name in self.locks else SiteLock(self.state_dir, name)
            try:
                if other is not None:
                    other.acquire(holder=f"run {self.run_id} settling batches")
            except SiteLocked:
                continue  # that crawl is alive: its batches are in flight, not abandoned
            try:
                settled = self.store.reconcile(name)
            finally:
                if other is not None:
                    other.release()
            self._count_settled(settled)

    def _count_settled(self, settled: Reconciled) -> None:
        for kind, paths in (("finished", settled.finished), ("abandoned", settled.abandoned)):
            self.reconciled[kind] += [str(path) for path in paths]
            self.stats.inc_value(f"newsbot/reconciled/{kind}", len(paths))
            for path in paths:
                logger.info("Pending batch %s of an earlier crawl %s", path, kind)

    def finish(self, reason: str) -> bool:
        """Keep the validators found, only if the run finished cleanly; True when they were saved.

        A 304 next time means "nothing new here", which is only true if everything this
        feed led to was exported: a failed fetch or an error anywhere keeps the old
        validators, so the next run reads the feed again and retries what failed.
        """
        clean = self.clean(reason)
        if clean and self.found_validators:
            assert self.store is not None
            self.store.save_validators(self.found_validators)
        return clean

    def clean(self, reason: str) -> bool:
        """Finished, with no failed fetch worth a retry and no error logged."""
        return (
            reason == "finished"
            and self.store is not None
            and not self.transient_errors
            and not self.failed_pages
            and not self.stats.get_value("log_count/ERROR")
        )

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
        for lock in self.locks.values():
            lock.release()

    # ------------------------------------------------------------ before fetching

    @property
    def since(self) -> str | None:
        """This run's ``--since`` cut-off as stored with validators (UTC ISO 8601), None without one."""
        since = getattr(self.crawler.spider, "since", None)
        return since.astimezone(timezone.utc).isoformat(timespec="seconds") if since is not None else None

    def validators(self, url: str) -> Validators | None:
        """The validators to send for ``url``: none when this run's window reaches further back than the
        run that saved them, whose 304 would hide the entries it skipped as too old."""
        if self.store is None or (found := self.store.validators(url)) is None:
            return None
        if found.since is not None and (self.since is None or self.since < found.since):
            self.stats.inc_value("newsbot/conditional/wider_since")
            logger.info("Fetching %s in full: --since reaches further back than when it was last read", url)
            return None
        return found

    def wants(self, url: str, lastmod: str | None) -> bool:
        """Fetch ``url``? Yes unless it is a known article that no feed or sitemap shows changed.

        ``lastmod`` is what the feed or sitemap that named ``url`` says (None for a link on a page).
        """
        if self.store is None:
            return True
        key = normalize_url(url)
        if (when := parse_date(lastmod)) is not None:
            stamp = when.isoformat(timespec="seconds")
            self.lastmods[key] = max(self.lastmods.get(key, stamp), stamp)
        known = self.store.lookup(key)
        if known is None:
            return True
        if self.says_changed(known, self.lastmods.get(key)):
            self.stats.inc_value("newsbot/refetched/lastmod")
            return True
        if self.in_revisit_window(known):
            self.stats.inc_value("newsbot/refetched/revisit")
            return True
        self.skipped_known.add(known.id)
        self.stats.set_value("newsbot/skipped/known", len(self.skipped_known))
        return False

    @staticmethod
    def says_changed(known: Known, lastmod: str | None) -> bool:
        """Is a feed's or sitemap's date newer than the newest stored, or (none stored) than our last fetch?"""
        return lastmod is not None and lastmod > (known.lastmod or known.last_seen)

    def in_revisit_window(self, known: Known) -> bool:
        """Opt-in (``NEWSBOT_REVISIT_HOURS``): fresh stories get corrected, so fetch them again for a while."""
        if not self.revisit:
            return False
        return datetime.fromisoformat(known.first_seen) + self.revisit > datetime.now(timezone.utc)

    # ------------------------------------------------------------ after extraction

    def lastmod_of(self, record: Mapping[str, Any]) -> str | None:
        """The newest date this run's feeds and sitemaps gave any of the record's URLs."""
        return _newest(self.lastmods.get(normalize_url(url)) for url in _urls(record))

    def seen(self, record: Mapping[str, Any], version: int) -> Seen:
        return Seen(
            id=record["id"],
            url=record["url"],
            site=record.get("site"),
            aliases=tuple(_urls(record)),
            content_hash=record.get("content_hash"),
            extractor_version=record.get("extractor_version"),
            version=version,
            lastmod=self.lastmod_of(record),
            seen_at=record.get("fetched_at") or utc_now(),
        )

    def known(self, record: Mapping[str, Any]) -> Known | None:
        assert self.store is not None
        return self.store.find(record.get("id"), _urls(record))

    def touch(self, record: Mapping[str, Any], version: int) -> None:
        """A known article fetched again and not exported: remember its new URLs and dates."""
        assert self.store is not None
        self.store.touch(self.seen(record, version))

    # ------------------------------------------------------------ Journal (see newsbot.exporters)

    def begin_batch(self, path: Path, temp: Path, records: Sequence[Mapping[str, Any]]) -> None:
        assert self.store is not None
        entries = [self.seen(record, record.get("version") or 1) for record in records]
        self.store.begin_batch(path, temp, self.batch_lock(records[0]), self.run_id, entries)

    def batch_lock(self, record: Mapping[str, Any]) -> str:
        """The lock whose holder settles the batch if this crawl dies: the record's site lock."""
        return lock_name(record)

    def finish_batch(self, path: Path) -> None:
        assert self.store is not None
        self.store.finish_batch(path)

    # ------------------------------------------------------------ what the run summary lists

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        self.dropped.append({"url": ItemAdapter(item).get("url") or "", "reason": str(exception)})

    def item_error(self, item: Any, response: Response | None, failure: Failure) -> None:
        """A pipeline raised on this page: Scrapy logged it and went on with the next page.

        Nothing of it reached the store (batches are marked exported only once written), so the
        next run fetches it again; the kept feed validators make sure that run reads its feed.
        """
        url = ItemAdapter(item).get("url") or (response.url if response is not None else "")
        self.page_failed(url, failure.value)

    def spider_error(self, failure: Failure, response: Response) -> None:
        """The spider (or a spider middleware) raised on this response; its other pages go on."""
        self.page_failed(response.url, failure.value)

    def page_failed(self, url: str, error: BaseException | None) -> None:
        self.stats.inc_value("newsbot/failed_pages")
        self.failed_pages.append({"url": url, "error": describe(error)})

    def fetch_failed(self, url: str, kind: str, transient: bool) -> None:
        self.stats.inc_value(f"newsbot/errors/{kind}")
        self.errors.append({"url": url, "kind": kind})
        if transient:
            self.transient_errors += 1

    def refused_request(self, url: str, reason: str) -> None:
        self.stats.inc_value("newsbot/dropped/request_refused")
        self.dropped.append({"url": url, "reason": reason})


def _urls(record: Mapping[str, Any]) -> list[str]:
    """The URLs a record names itself by: final, requested, canonical."""
    return [url for url in (record.get("url"), record.get("requested_url"), record.get("canonical_url")) if url]

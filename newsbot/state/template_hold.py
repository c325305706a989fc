"""Learned site templates in a crawl: learn from every fetched page, hold a new site's first pages back.

The template store (:class:`~newsbot.state.template_store.SqliteTemplateStore`, or
:class:`~newsbot.state.redis_store.RedisTemplateStore` with ``REDIS_URL``) lives in the
state folder, beside the article store. A site's template applies from its
fourth distinct page on, so the first pages of a site the store has not seen
yet are learned here and held in memory until the template is ready, then
released through the pipelines (extracted with it) exactly once. Whatever is
still held when the crawl runs dry is released then, with what was learned
so far. Once a site's template is ready, its pages are learned where they are
extracted (:mod:`newsbot.workers`), from the same parse.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response

from ..extraction import ExtractionError, learn
from ..extraction.templates import MIN_PAGES, WINDOW, decay_per_page
from ..items import Page
from ..urls import site_of
from .template_store import SqliteTemplateStore

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from .redis_store import RedisTemplateStore

_ATTRIBUTE = "_newsbot_templates"
# The request that carries held pages back into the crawl once it runs dry: no network (data: URI).
RELEASE_URL = "data:,"
RELEASE = "newsbot_release_held"


def templates_of(crawler: Crawler) -> SqliteTemplateStore | RedisTemplateStore | None:
    """The crawl's template store (one per crawler, in NEWSBOT_STATE_DIR, or Redis with REDIS_URL, over the last
    NEWSBOT_TEMPLATE_WINDOW pages of each site); None when NEWSBOT_TEMPLATES is off."""
    if not crawler.settings.getbool("NEWSBOT_TEMPLATES"):
        return None
    store = getattr(crawler, _ATTRIBUTE, None)
    window = crawler.settings.getint("NEWSBOT_TEMPLATE_WINDOW", WINDOW)
    try:
        decay_per_page(window)
    except ValueError as err:
        raise ValueError(f"NEWSBOT_TEMPLATE_WINDOW: {err}") from None
    if store is None and crawler.settings.get("REDIS_URL"):  # shared by the crawl's workers
        from .redis_store import RedisTemplateStore, connect

        client = connect(crawler.settings["REDIS_URL"])
        store = RedisTemplateStore(client, crawler.settings["NEWSBOT_REDIS_PREFIX"], window)
    if store is None:
        store = SqliteTemplateStore(Path(crawler.settings["NEWSBOT_STATE_DIR"]), window)
        setattr(crawler, _ATTRIBUTE, store)
        crawler.signals.connect(store.close, signal=signals.spider_closed)
    return store


class TemplateHoldMiddleware:
    """Spider middleware: learns each page into its site's template and holds pages until it is ready."""

    def __init__(self, crawler: Crawler, templates: SqliteTemplateStore | RedisTemplateStore) -> None:
        self.crawler = crawler
        self.templates = templates
        self.held: dict[str, list[Page]] = {}
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TemplateHoldMiddleware:
        templates = templates_of(crawler)
        if templates is None:
            raise NotConfigured("NEWSBOT_TEMPLATES is off")
        return cls(crawler, templates)

    def _sort(self, obj: Any) -> list[Any]:
        """What goes on now: the object itself, the site's held pages with it, or nothing yet.

        A page of a site whose template is ready goes on unlearned: extraction learns it from
        the parse it makes anyway (:func:`~newsbot.extraction.extract_and_learn`).
        """
        if not isinstance(obj, Page):
            return [obj]
        site = site_of(obj.url)
        if site is not None and site not in self.held and self.templates.pages(site) >= MIN_PAGES:
            return [obj]
        try:
            learn(obj.body, obj.url, self.templates, obj.headers)
        except ExtractionError:
            return [obj]  # the extract pipeline reports it
        if site is None or self.templates.pages(site) >= MIN_PAGES:
            return [*self.held.pop(site, []), obj] if site else [obj]
        self.held.setdefault(site, []).append(obj)
        self.crawler.stats.inc_value("newsbot/templates/held")
        return []

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        if response.meta.get(RELEASE):
            yield from result
            return
        for obj in result:
            yield from self._sort(obj)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in result:
            for out in [obj] if response.meta.get(RELEASE) else self._sort(obj):
                yield out

    def spider_idle(self) -> None:
        """The crawl ran dry with pages still held: send them on with what was learned, then let it close."""
        if not self.held:
            return
        held = [page for pages in self.held.values() for page in pages]
        self.held.clear()
        self.crawler.stats.inc_value("newsbot/templates/released_at_end", len(held))

        def release(response: Response) -> list[Page]:
            return held

        self.crawler.engine.crawl(Request(RELEASE_URL, callback=release, meta={RELEASE: True}, dont_filter=True))
        raise DontCloseSpider

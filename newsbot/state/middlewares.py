"""Scrapy middlewares over the state store: known articles are not requested; feeds and sitemaps cost a 304.

Both are no-ops until a state pipeline has opened the crawl's state (see
:class:`~newsbot.state.crawl_state.CrawlState`), which happens before the first request.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.gz import gzip_magic_number

from ..discovery import LISTED_MODIFIED, SNIFF_BYTES, sniff_kind
from .crawl_state import CrawlState
from .store import Validators

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

CONDITIONAL = "newsbot_conditional"
"""Request meta key: validators from the store were sent with this request."""
INDEX_KINDS = frozenset({"feed", "sitemap"})
# The root element of a sitemap index, with or without a namespace prefix: it comes first in the document.
_SITEMAP_INDEX = re.compile(rb"<(?:[\w.-]+:)?sitemapindex\b")
# Worth a retry on the next run (and no 304 until then); any other 4xx is the page's final answer.
TRANSIENT_STATUSES = frozenset({408, 425, 429})


class KnownArticleMiddleware:
    """Spider middleware: drops the spider's requests for articles the store has already exported.

    Requests pass when a feed or sitemap gives the URL a newer date than the store's
    (request meta ``newsbot_listed_modified``) or inside the revisit window. Start requests
    are never dropped: a start URL is where the user asked to begin.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.state = CrawlState.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownArticleMiddleware:
        return cls(crawler)

    def _wanted(self, obj: Any) -> bool:
        return not isinstance(obj, Request) or self.state.wants(obj.url, obj.meta.get(LISTED_MODIFIED))

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        return (obj for obj in result if self._wanted(obj))

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in result:
            if self._wanted(obj):
                yield obj


def _takes_validators(response: Response) -> bool:
    """A feed or a sitemap of pages, by content like the spider (a gzipped one is sniffed after inflating its head).

    Not a sitemap index: many are static lists of the same child sitemaps while the children
    change, so a 304 there would hide every new article. It is fetched in full (it is small);
    its children answer 304 themselves.
    """
    head = response.body[:SNIFF_BYTES]
    if gzip_magic_number(response):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(response.body, SNIFF_BYTES)
        except zlib.error:
            return False
    return sniff_kind(head) in INDEX_KINDS and not _SITEMAP_INDEX.search(head)


class ConditionalGetMiddleware:
    """Downloader middleware: ETag / Last-Modified for feeds and sitemaps, and the run's fetch failures.

    Validators are stored only for feeds and sitemaps of pages (sniffed by content), so
    pages and sitemap indexes are always fetched in full. A 304 ends the request: nothing in the feed is new.
    Placed below RetryMiddleware (550), it sees final answers, not attempts.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.state = CrawlState.of(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(crawler)

    @staticmethod
    def _own(request: Request) -> bool:
        """Scrapy's internal requests (robots.txt) are none of the state's business."""
        return request.callback is not NO_CALLBACK

    def process_request(self, request: Request) -> None:
        if not self._own(request):
            return
        validators = self.state.validators(request.url)
        if validators is None:
            return
        if validators.etag:
            request.headers.setdefault(b"If-None-Match", validators.etag)
        if validators.last_modified:
            request.headers.setdefault(b"If-Modified-Since", validators.last_modified)
        request.meta[CONDITIONAL] = True

    def process_response(self, request: Request, response: Response) -> Response:
        if self.state.store is None or not self._own(request):
            return response
        if response.status == 304 and request.meta.get(CONDITIONAL):
            self.stats.inc_value("newsbot/not_modified")
            raise IgnoreRequest(f"not modified: {request.url}")
        if response.status >= 400:
            transient = response.status >= 500 or response.status in TRANSIENT_STATUSES
            self.state.fetch_failed(request.url, f"http_{response.status}", transient)
        elif response.status == 200 and _takes_validators(response):
            etag, modified = response.headers.get(b"ETag"), response.headers.get(b"Last-Modified")
            if etag or modified:
                self.state.found_validators[request.url] = Validators(
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                    self.state.since,
                )
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if self.state.store is None or not self._own(request):
            return
        if isinstance(exception, IgnoreRequest):  # e.g. forbidden by robots.txt: not an error, but listed
            self.state.refused_request(request.url, str(exception) or type(exception).__name__)
        else:
            self.state.fetch_failed(request.url, f"download_{type(exception).__name__}", transient=True)

"""The ``news`` spider: from a feed, sitemap or section page, fetch the site's pages; never judge them."""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response
from scrapy.http.headers import Headers
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

from ..extraction.urls import normalize_url, site_of
from ..items import Page

# What a document is, by the local name of its root element (namespace prefix dropped):
# URLs lie (feeds at /news, sitemaps at /index.php), content does not.
ROOT_KINDS: dict[str, str] = {
    "rss": "feed",  # RSS 0.9x / 2.0
    "feed": "feed",  # Atom
    "rdf": "feed",  # RSS 1.0 (rdf:RDF)
    "urlset": "sitemap",
    "sitemapindex": "sitemap",
    "html": "html",
}
FOLLOW_SCHEMES = frozenset({"http", "https"})
# The root element comes first in any document, so only the head of a body is sniffed.
SNIFF_BYTES = 4096
# Request meta key: may this page's links be followed? Pages named by a feed or sitemap are leaves,
# or a feed start would turn into a crawl of the whole site.
FOLLOW_LINKS = "newsbot_follow_links"

_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.S)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def sniff_kind(body: bytes) -> str | None:
    """``feed``, ``sitemap`` or ``html`` from the document's first element; None for anything else.

    >>> sniff_kind(b'<?xml version="1.0"?><!-- <html> --><rss version="2.0"><channel/></rss>')
    'feed'
    >>> sniff_kind(b"<!doctype html><title>x</title><p>tag soup without an html element")
    'html'
    >>> sniff_kind(b'{"json": "<p>not markup</p>"}') is None
    True
    """
    head = _COMMENT.sub(b"", body[:SNIFF_BYTES].removeprefix(codecs.BOM_UTF8)).lstrip()
    match = _FIRST_TAG.search(head)
    if not head.startswith(b"<") or match is None:
        return None
    name = match.group(1).rpartition(b":")[2].decode("ascii").lower()
    if name in ROOT_KINDS:
        return ROOT_KINDS[name]
    # XML with another root is some other format; markup without <html> is still an HTML page.
    return None if head.startswith(b"<?xml") else "html"


def feed_links(body: bytes) -> list[str]:
    """Item links of an RSS 2.0, RSS 1.0 or Atom document, in document order."""
    # No entities, no network: a feed is untrusted input (billion laughs, XXE).
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, remove_comments=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    links = []
    for entry in root.iter("{*}item", "{*}entry"):
        link = _entry_link(entry)
        if link:
            links.append(link)
    return links


def _entry_link(entry: etree._Element) -> str | None:
    for link in entry.iterchildren("{*}link"):
        href = link.get("href")
        if href is None:  # RSS: the URL is the text
            return (link.text or "").strip() or None
        if link.get("rel", "alternate") == "alternate":  # Atom: rel=self/edit/enclosure are not the page
            return href.strip() or None
    for guid in entry.iterchildren("{*}guid"):  # RSS item without <link>: a permalink guid is the URL
        if guid.get("isPermaLink", "true") != "false":
            return (guid.text or "").strip() or None
    return None


def sitemap_locs(body: bytes) -> list[str]:
    """``<loc>`` URLs of a sitemap (pages) or sitemap index (more sitemaps)."""
    try:
        return [entry["loc"] for entry in Sitemap(body) if entry["loc"]]
    except etree.XMLSyntaxError:
        return []


def site_key(url: str) -> tuple[str | None, int | None]:
    """Site and explicit port: www/bare host and http/https are one site, another port is not.

    >>> site_key("https://www.example.com:443/a") == site_key("http://example.com/b")
    True
    """
    return site_of(url), urlsplit(normalize_url(url)).port


def header_dict(headers: Headers) -> dict[str, str]:
    """Scrapy's multi-valued byte headers as the plain ``str`` mapping the extraction core reads."""
    return {name.lower(): value for name, value in headers.to_unicode_dict().items()}


def check_start(url: str | None) -> str:
    """The normalized start URL; ValueError unless it is an http(s) URL with a host."""
    if not url or urlsplit(url).scheme not in FOLLOW_SCHEMES or not site_of(url):
        raise ValueError(f"the start must be an http(s) URL, got {url!r}")
    return normalize_url(url)


class NewsSpider(Spider):
    """Crawl one site from ``-a start=URL``, yielding every HTML page fetched as a :class:`Page`.

    Whether a page is an article is the extraction core's call, not the spider's.
    """

    name = "news"

    def __init__(self, start: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = check_start(start)
        self.site = site_key(self.start_url)
        # Scrapy's OffsiteMiddleware also drops redirects to other hosts; is_followable is stricter.
        self.allowed_domains = [site_of(self.start_url)]
        self.link_extractor = LinkExtractor()  # <a>/<area> hrefs, minus images, media and archives

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.start_url, callback=self.parse, meta={FOLLOW_LINKS: True})

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Page | Request]:
        body = self.unpacked_body(response)
        kind = sniff_kind(body)
        self.crawler.stats.inc_value(f"newsbot/responses/{kind or 'other'}")
        if kind == "feed":
            yield from self.follow(feed_links(body), response, follow_links=False)
        elif kind == "sitemap":
            yield from self.follow(sitemap_locs(body), response, follow_links=False)
        elif kind == "html":
            yield Page(
                url=response.url,
                requested_url=(response.meta.get("redirect_urls") or [response.url])[0],
                status=response.status,
                headers=header_dict(response.headers),
                body=body,
                fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            )
            if response.meta.get(FOLLOW_LINKS):
                html = response.replace(cls=HtmlResponse, body=body)
                links = (link.url for link in self.link_extractor.extract_links(html))
                yield from self.follow(links, response, follow_links=True)

    def unpacked_body(self, response: Response) -> bytes:
        """The body, gunzipped when it is a gzip file (``sitemap.xml.gz``) rather than a gzip transfer."""
        if not gzip_magic_number(response):
            return response.body
        try:
            return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except (OSError, EOFError, ValueError) as err:  # ValueError: larger than DOWNLOAD_MAXSIZE
            self.logger.warning("Cannot gunzip %s: %s", response.url, err)
            return b""

    def follow(self, urls: Iterable[str], response: Response, follow_links: bool) -> Iterator[Request]:
        """Requests for the followable ``urls``, normalized so Scrapy's dupefilter sees one URL per page."""
        for url in urls:
            absolute = response.urljoin(url)
            if self.is_followable(absolute):
                yield Request(normalize_url(absolute), callback=self.parse, meta={FOLLOW_LINKS: follow_links})

    def is_followable(self, url: str) -> bool:
        """Only http(s) URLs on the start URL's site are ever requested; refusals are counted."""
        if urlsplit(url).scheme not in FOLLOW_SCHEMES:
            self.crawler.stats.inc_value("newsbot/links/not_http")
            return False
        if site_key(url) != self.site:
            self.crawler.stats.inc_value("newsbot/links/offsite")
            return False
        return True

"""The ``news`` spider: from feeds, sitemaps and section pages, fetch a site's pages; never judge them."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.http.headers import Headers
from scrapy.http.request import NO_CALLBACK
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import BaseSettings
from scrapy.utils.gz import gunzip, gzip_magic_number

from .. import __version__
from ..checks import HTTP_SCHEMES, http_url
from ..discovery import (
    LISTED_MODIFIED,
    Entry,
    feed_entries,
    feed_links,
    is_pagination,
    looks_like_article,
    parse_since,
    robots_sitemaps,
    sitemap_entries,
    sniff_kind,
)
from ..items import Page
from ..sites import SiteConfig, SiteConfigError, download_slots, select_sites, shipped_sites, site_for_url, sites_in
from ..urls import normalize_url, site_of

# Request meta keys. A page with a section depth is a listing whose links are read (0 = a start point);
# pages without one are leaves, or a feed start would turn into a crawl of the whole site.
SECTION_DEPTH = "newsbot_section_depth"
# Scrapy's own key: a site with a configured delay keeps exactly that delay instead of AutoThrottle's.
FIXED_DELAY = "autothrottle_dont_adjust_delay"
# The page names its own next page: <a rel="next"> or <link rel="next">.
# Scrapy's request priority (default 0) for the feeds and sitemaps a page announces: read before its links.
ANNOUNCED_PRIORITY = 1
NEXT_PAGE_XPATH = "//*[self::a or self::link][contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"


def site_key(url: str) -> tuple[str | None, int | None]:
    """Site and explicit port: www/bare host and http/https are one site, another port is not.

    >>> site_key("https://www.example.com:443/a") == site_key("http://example.com/b")
    True
    """
    return site_of(url), urlsplit(normalize_url(url)).port


def header_dict(headers: Headers) -> dict[str, str]:
    """Scrapy's multi-valued byte headers as the plain ``str`` mapping the extraction core reads."""
    return {name.lower(): value for name, value in headers.to_unicode_dict().items()}  # type: ignore[misc]  # keys are str there


def user_agent(contact: str) -> str:
    """``newsbot/<version> (+contact)``: who runs the crawl, so a site's operator can write before blocking it.

    >>> user_agent("https://ops.example/bot").endswith(" (+https://ops.example/bot)")
    True
    """
    return f"newsbot/{__version__} (+{contact})" if contact else f"newsbot/{__version__}"


def is_loopback(url: str) -> bool:
    """Is ``url`` on this machine (the demo, the fixture site, a test server)? Nobody else's server to warn for.

    >>> is_loopback("http://127.0.0.1:8080/"), is_loopback("http://[::1]/"), is_loopback("https://news.example/")
    (True, True, False)
    """
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_start(url: str | None) -> str:
    """The normalized start URL; :class:`~newsbot.checks.UsageError` unless it is an http(s) URL with a host."""
    return http_url(url, "the start")


class NewsSpider(Spider):
    """Crawl configured sites (``-a site=NAME|all``) or one start URL (``-a start=URL``), yielding every
    HTML page fetched as a :class:`Page`; ``-a since=2d`` skips feed and sitemap entries older than that.

    Whether a page is an article is the extraction core's call; the spider only guesses which
    links are worth a request (the site's article patterns, else :func:`looks_like_article`).
    """

    name = "news"

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """DOWNLOAD_SLOTS from the sites of NEWSBOT_SITES_DIR: settings.py only knows the shipped ones; the
        User-Agent with NEWSBOT_CONTACT, however it was set (an explicit ``-s USER_AGENT`` still wins)."""
        super().update_settings(settings)
        settings.set("USER_AGENT", user_agent(settings.get("NEWSBOT_CONTACT", "")), priority="spider")
        try:
            sites = sites_in(settings.get("NEWSBOT_SITES_DIR"))
        except SiteConfigError:
            return  # from_crawler reports it
        settings.set("DOWNLOAD_SLOTS", download_slots(sites.values()), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Spider:  # type: ignore[override]  # or a RefusedSpider
        """The spider choosing from NEWSBOT_SITES_DIR's sites; for bad arguments (``-a site=nope``) a spider
        that logs the one-line reason and closes, where Scrapy would print an asyncio traceback.
        (``scrapy crawl`` and ``newsbot crawl`` check arguments and folders first: see :func:`newsbot.runner.check_crawl`.)"""
        try:
            kwargs.setdefault("catalogue", sites_in(crawler.settings.get("NEWSBOT_SITES_DIR")))
            spider = super().from_crawler(crawler, *args, **kwargs)
        except ValueError as err:  # SiteConfigError is one too
            return RefusedSpider.from_crawler(crawler, reason=str(err), name=cls.name)
        crawler.signals.connect(spider.robots_read, signal=signals.response_received)
        starts = [url for url in (spider.start_url, *(u for s in spider.sites for u in s.start_points)) if url]
        if not crawler.settings.get("NEWSBOT_CONTACT") and not all(map(is_loopback, starts)):
            spider.logger.warning(
                "No contact in the User-Agent: set NEWSBOT_CONTACT (environment or -s) to a URL or an e-mail"
                " address where the sites you crawl can reach you"
            )
        return spider

    def __init__(
        self,
        start: str | None = None,
        site: str | None = None,
        since: str | None = None,
        catalogue: Mapping[str, SiteConfig] | None = None,
        **kwargs: Any,
    ) -> None:
        """``catalogue``: the sites to choose from by name (Python callers only); default the package's."""
        super().__init__(**kwargs)
        catalogue = shipped_sites() if catalogue is None else catalogue
        try:
            self.sites: list[SiteConfig] = select_sites(site, catalogue)
        except KeyError as err:
            raise ValueError(err.args[0]) from None
        self.start_url = check_start(start) if start is not None or not self.sites else None
        # The configs that judge URLs: the chosen sites, plus the start URL's own site when it has a file.
        self.configs = list(self.sites)
        start_site = site_for_url(self.start_url, catalogue.values()) if self.start_url else None
        if start_site is not None and start_site not in self.configs:
            self.configs.append(start_site)
        self.since: datetime | None = parse_since(since) if since else None
        # A config's domain is its host on any port (a config names hosts, and a site on a test port is still
        # that site); a start URL without a config keeps its exact port, so the crawl never leaves that server.
        self.config_hosts = {domain for s in self.configs for domain in s.domains}
        self.site_keys = {site_key(self.start_url)} if self.start_url else set()
        # Scrapy's OffsiteMiddleware also drops redirects to other hosts; is_followable is stricter.
        # Feed and sitemap hosts are allowed too: they may live elsewhere (feeds.bbci.co.uk).
        hosts = self.config_hosts | {host for host, _ in self.site_keys}
        hosts |= {site_of(url) for s in self.sites for url in s.start_points}
        self.allowed_domains = sorted(h for h in hosts if h)
        self.link_extractor = LinkExtractor()  # <a>/<area> hrefs, minus images, media and archives
        self.robots_sitemaps: dict[tuple[str | None, int | None], list[str]] = {}
        """By site key: the ``Sitemap:`` lines of the robots.txt Scrapy read for that site."""

    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites:
            for url in site.feeds + site.sitemaps:
                yield self.request(url)
            for url in site.sections:
                yield self.request(url, depth=0)
        if self.start_url:
            yield self.request(self.start_url, depth=0)

    def site_for(self, url: str) -> SiteConfig | None:
        return site_for_url(url, self.configs)

    def request(self, url: str, depth: int | None = None, modified: datetime | None = None) -> Request:
        """A request for the normalized ``url``, so Scrapy's dupefilter sees one URL per page."""
        meta: dict[str, Any] = {}
        if depth is not None:
            meta[SECTION_DEPTH] = depth
        if modified is not None:
            meta[LISTED_MODIFIED] = modified.isoformat()
        site = self.site_for(url)
        if site is not None and site.download_delay is not None:
            meta[FIXED_DELAY] = True
        return Request(normalize_url(url), callback=self.parse, meta=meta)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Page | Request]:
        body = self.unpacked_body(response)
        kind = sniff_kind(body)
        self.crawler.stats.inc_value(f"newsbot/responses/{kind or 'other'}")
        if kind == "feed":
            yield from self.follow_entries(feed_entries(body, response.url), response)
        elif kind == "sitemap":
            yield from self.follow_entries(sitemap_entries(body, response.url), response)
        elif kind == "html":
            requested = (response.meta.get("redirect_urls") or [response.url])[0]
            site = self.site_for(response.url) or self.site_for(requested)
            yield Page(
                url=response.url,
                requested_url=requested,
                status=response.status,
                headers=header_dict(response.headers),
                body=body,
                fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                source=site.name if site else None,
                listed_modified=response.meta.get(LISTED_MODIFIED),
            )
            depth = response.meta.get(SECTION_DEPTH)
            if depth is not None:
                page = response.replace(cls=HtmlResponse, body=body)
                yield from self.follow_announced(page, depth)
                yield from self.follow_section(page, depth)

    def robots_read(self, response: Response, request: Request) -> None:
        """Keep the sitemaps a site's robots.txt announces, as Scrapy's robots.txt middleware fetches it
        (before any other request to the site), so they cost no request of their own."""
        if request.callback is not NO_CALLBACK or urlsplit(request.url).path != "/robots.txt":
            return
        if response.status == 200 and isinstance(response, TextResponse):
            self.robots_sitemaps[site_key(response.url)] = [response.urljoin(u) for u in robots_sitemaps(response.text)]

    def follow_announced(self, response: HtmlResponse, depth: int) -> Iterator[Request]:
        """What a listing page announces besides its links: its feeds (``<link rel="alternate">`` of a feed
        type), and, on the start page of a site without a file, the sitemaps of its robots.txt. Both are read
        like start points (their entries are leaves)."""
        feeds = [response.urljoin(href) for href in feed_links(response.selector.root)]
        # A site file names the sitemaps to read (robots.txt often lists whole archives); a bare start URL has only these.
        unconfigured_start = depth == 0 and self.site_for(response.url) is None
        sitemaps = self.robots_sitemaps.get(site_key(response.url), []) if unconfigured_start else []
        for url in dict.fromkeys([*feeds, *sitemaps]):
            if self.is_followable(url):
                self.count("announced")
                # Before the page's links: the dates a feed gives its articles must reach the state store with
                # them, or an article exported first from a link has no date to tell a later edit by.
                yield self.request(url).replace(priority=ANNOUNCED_PRIORITY)

    def unpacked_body(self, response: Response) -> bytes:
        """The body, gunzipped when it is a gzip file (``sitemap.xml.gz``) rather than a gzip transfer."""
        if not gzip_magic_number(response):
            return response.body
        try:
            return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except (OSError, EOFError, ValueError) as err:  # ValueError: larger than DOWNLOAD_MAXSIZE
            self.logger.warning("Cannot gunzip %s: %s", response.url, err)
            return b""

    def follow_entries(self, entries: Iterable[Entry], response: Response) -> Iterator[Request]:
        """Every listed page (or sitemap) on the site, unless older than ``since`` or denied by the site's patterns."""
        for entry in entries:
            url = response.urljoin(entry.url)
            # A sitemap index on a feed host (not the site's) may list its sitemaps on that same host.
            same_host = entry.is_sitemap and site_key(url) == site_key(response.url)
            if not (same_host or self.is_followable(url)):
                continue
            if self.since is not None and entry.modified is not None and entry.modified < self.since:
                self.count("older_than_since")
            elif not entry.is_sitemap and self.denied(url):
                self.count("not_article")
            else:
                yield self.request(url, modified=entry.modified)

    def follow_section(self, response: HtmlResponse, depth: int) -> Iterator[Request]:
        """Articles of a listing page as leaves; its next pages (any same-site page, with no config) as listings.

        Listings are followed only ``max_depth`` levels below the start point (setting ``NEWSBOT_SECTION_DEPTH``).
        """
        site = self.site_for(response.url)
        max_depth = self.settings.getint("NEWSBOT_SECTION_DEPTH")
        if site is not None and site.max_depth is not None:
            max_depth = site.max_depth
        next_pages = {response.urljoin(href) for href in response.xpath(NEXT_PAGE_XPATH).getall()}
        links = [link.url for link in self.link_extractor.extract_links(response)]
        for url in dict.fromkeys([*links, *sorted(next_pages)]):
            if not self.is_followable(url):
                continue
            if url not in next_pages and self.is_article_url(url):
                yield self.request(url)
            elif not (url in next_pages or is_pagination(url) or site is None):
                self.count("not_article")
            elif depth >= max_depth:
                self.count("too_deep")
            else:
                yield self.request(url, depth=depth + 1)

    def denied(self, url: str) -> bool:
        """Do the site's own patterns say the URL is no article? Listed pages of unknown sites all go."""
        site = self.site_for(url)
        return site is not None and site.is_article_url(url) is False

    def is_article_url(self, url: str) -> bool:
        """The site's article patterns decide; with none, the generic heuristics guess."""
        site = self.site_for(url)
        verdict = site.is_article_url(url) if site is not None else None
        return looks_like_article(url) if verdict is None else verdict

    def is_followable(self, url: str) -> bool:
        """Only http(s) URLs on the crawled sites are ever requested; refusals are counted."""
        if urlsplit(url).scheme not in HTTP_SCHEMES:
            self.count("not_http")
            return False
        if site_of(url) not in self.config_hosts and site_key(url) not in self.site_keys:
            self.count("offsite")
            return False
        return True

    def count(self, reason: str) -> None:
        """Links not requested, by reason (stats ``newsbot/links/<reason>``)."""
        self.crawler.stats.inc_value(f"newsbot/links/{reason}")


class RefusedSpider(Spider):
    """What ``scrapy crawl news`` runs when its arguments cannot start a crawl: the reason, then close.

    No class-level ``name``, so Scrapy's spider loader never lists it; it is named per instance.
    """

    def __init__(self, reason: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reason = reason

    async def start(self) -> AsyncIterator[Request]:
        self.logger.error("%s", self.reason)
        raise CloseSpider("bad_arguments")
        yield  # type: ignore[unreachable]  # an async generator, as Scrapy's start() must be

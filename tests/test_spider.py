"""The news spider on hand-built Scrapy responses: feeds, sitemap chains, --since, section pages, site configs."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from newsbot.items import Page
from newsbot.sites import SiteConfig, parse_site, shipped_sites
from newsbot.discovery import LISTED_MODIFIED
from newsbot.spiders.news import FIXED_DELAY, SECTION_DEPTH, NewsSpider, RefusedSpider, site_key

SITE = "https://news.example"
SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "discovery"
SETTINGS = {"NEWSBOT_SECTION_DEPTH": 2, "DOWNLOAD_MAXSIZE": 1 << 20}
NEWS_EXAMPLE = {
    "name": "news-example",
    "domains": ["news.example"],
    "language": "en",
    "start": {
        "feeds": ["https://feeds.news-cdn.example/latest.rss"],
        "sitemaps": [f"{SITE}/sitemap_index.xml"],
        "sections": [f"{SITE}/world/"],
        "max_depth": 1,
    },
    "articles": {"allow": [r"^/[a-z]+/\d{4}/\d{2}/\d{2}/[a-z-]+$"], "deny": ["^/video/"]},
    "politeness": {"download_delay": 2.0},
}
CATALOGUE = {"news-example": parse_site(NEWS_EXAMPLE, Path("news-example.toml"))}

SECTION = b"""<!DOCTYPE html><html><head><title>World</title>
<link rel="next" href="/world/?page=2"></head><body>
<nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/tags/ferry/">Ferry</a></nav>
<a href="/world/2025/06/03/harbour-reopens-after-storm?utm_campaign=x">One</a>
<a href="politics/2025/06/02/budget-talks-resume">Two (relative)</a>
<a href="https://www.news.example/economy/2025/05/27/grain-exports-rise">Three</a>
<a href="/video/2025/06/01/harbour-storm-footage">Video</a>
<a href="/world/?page=3">3</a>
<a href="https://other.example/2025/06/02/partner-story">Off-site</a>
<a href="http://news.example:8080/world/2025/06/03/other-port">Other port</a>
<a href="ftp://news.example/file.txt">FTP</a>
<a href="mailto:desk@news.example">Mail</a> <a href="javascript:void(0)">JS</a>
<a href="/images/photo.jpg">Photo</a>
</body></html>"""


def spider_for(**kwargs) -> NewsSpider:
    return NewsSpider.from_crawler(get_crawler(NewsSpider, SETTINGS), catalogue=CATALOGUE, **kwargs)


@pytest.fixture
def spider() -> NewsSpider:
    """A start URL on a site without a config: generic heuristics."""
    return NewsSpider.from_crawler(get_crawler(NewsSpider, SETTINGS), catalogue={}, start=f"{SITE}/world/")


@pytest.fixture
def configured() -> NewsSpider:
    return spider_for(site="news-example")


def respond(cls: type[Response], url: str, body: bytes, meta: dict | None = None, **kw) -> Response:
    return cls(url=url, body=body, request=Request(url, meta=meta or {}), **kw)


def requests_of(output: list) -> list[Request]:
    return [r for r in output if isinstance(r, Request)]


def requested(output: list) -> list[str]:
    return [r.url for r in requests_of(output)]


def stat(spider: NewsSpider, key: str) -> int | None:
    return spider.crawler.stats.get_value(key)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def starts(spider: NewsSpider) -> list[Request]:
    async def collect() -> list[Request]:
        return [r async for r in spider.start()]

    return asyncio.run(collect())


# ---- feeds


def test_feed_is_recognised_whatever_its_url_and_content_type(spider: NewsSpider) -> None:
    # Served as text/html at an extension-less URL: still a feed, so no page item.
    output = list(spider.parse(respond(HtmlResponse, f"{SITE}/latest", sample("rss.xml"))))
    assert not [o for o in output if isinstance(o, Page)]
    assert requested(output) == [
        "https://news.example/world/2025/06/03/harbour-reopens-after-storm",  # tracking parameters, fragment gone
        "https://news.example/politics/2025/06/02/budget-talks-resume",  # relative link resolved
        "https://news.example/culture/2025/05/20/museum-night-returns",
        "https://news.example/economy/2025/05/27/grain-exports-rise",
    ]
    assert stat(spider, "newsbot/links/offsite") == 1
    assert stat(spider, "newsbot/responses/feed") == 1


def test_listed_pages_are_leaves_that_carry_their_listed_date(spider: NewsSpider) -> None:
    requests = requests_of(list(spider.parse(respond(XmlResponse, f"{SITE}/atom.xml", sample("atom.xml")))))
    assert [r.meta.get(LISTED_MODIFIED) for r in requests] == [
        "2025-06-03T06:30:00+00:00",
        "2025-06-02T17:05:00+00:00",
        "2025-05-27T04:45:00+00:00",
    ]
    assert all(SECTION_DEPTH not in r.meta for r in requests)
    article = respond(HtmlResponse, requests[0].url, SECTION, meta=requests[0].meta)
    output = list(spider.parse(article))
    assert [type(o) for o in output] == [Page]  # a leaf: its links are not followed
    assert output[0].listed_modified == "2025-06-03T06:30:00+00:00"


def test_rdf_feed(spider: NewsSpider) -> None:
    output = list(spider.parse(respond(XmlResponse, f"{SITE}/rdf.xml", sample("rdf.xml"))))
    assert requested(output) == [
        "https://news.example/world/2025/06/03/harbour-reopens-after-storm",
        "https://news.example/economy/2025/05/27/grain-exports-rise",
    ]


def test_since_skips_older_feed_entries() -> None:
    spider = spider_for(start=f"{SITE}/", since="2025-06-02T18:00:00Z")
    output = list(spider.parse(respond(XmlResponse, f"{SITE}/rss.xml", sample("rss.xml"))))
    assert requested(output) == [
        "https://news.example/world/2025/06/03/harbour-reopens-after-storm",
        "https://news.example/culture/2025/05/20/museum-night-returns",  # old, but updated since
    ]
    assert stat(spider, "newsbot/links/older_than_since") == 2


def test_since_as_a_duration_is_counted_back_from_now() -> None:
    spider = spider_for(start=f"{SITE}/", since="2d")
    assert requested(list(spider.parse(respond(XmlResponse, f"{SITE}/rss.xml", sample("rss.xml"))))) == []
    assert stat(spider, "newsbot/links/older_than_since") == 4  # every dated 2025 entry is older than 2 days


def test_a_bad_since_is_refused() -> None:
    with pytest.raises(ValueError, match="ISO date"):
        NewsSpider(start=f"{SITE}/", since="last week")


# ---- sitemaps: index -> gzipped sitemap -> news sitemap


def test_sitemap_index_to_gzipped_sitemap_to_news_sitemap_since() -> None:
    configured = spider_for(site="news-example", since="2025-06-01")
    index = list(configured.parse(respond(XmlResponse, f"{SITE}/sitemap_index.xml", sample("sitemap_index.xml"))))
    assert requested(index) == [
        "https://news.example/sitemaps/2025-06.xml.gz",  # the 2019 archive has not changed since
        "https://news.example/sitemaps/news.xml",  # no lastmod: read it to know
    ]
    # The .gz file comes as it is stored (no Content-Encoding), so the spider unpacks it itself.
    monthly = respond(Response, index[0].url, gzip.compress(sample("sitemap-2025-06.xml")), meta=index[0].meta)
    pages = list(configured.parse(monthly))
    assert requested(pages) == [
        "https://news.example/world/2025/06/03/harbour-reopens-after-storm",
        "https://www.news.example/politics/2025/06/02/budget-talks-resume",
    ]
    news = list(configured.parse(respond(XmlResponse, index[1].url, sample("news_sitemap.xml"))))
    assert [(r.url, r.meta[LISTED_MODIFIED]) for r in requests_of(news)] == [
        ("https://news.example/world/2025/06/03/ferry-timetable-changes", "2025-06-03T05:00:00+00:00"),
        ("https://news.example/culture/2025/05/20/museum-night-returns", "2025-06-02T21:00:00+00:00"),
    ]
    assert stat(configured, "newsbot/responses/sitemap") == 3
    assert stat(configured, "newsbot/links/older_than_since") == 3  # 2019 archive, grain exports, rail freight
    assert stat(configured, "newsbot/links/not_article") == 2  # the video page and /world/ (the site's patterns)


def test_a_sitemap_index_on_a_feed_host_may_list_sitemaps_there(configured: NewsSpider) -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://feeds.news-cdn.example/sitemap-1.xml</loc></sitemap>
    <sitemap><loc>https://tracker.example/sitemap.xml</loc></sitemap></sitemapindex>"""
    output = list(configured.parse(respond(XmlResponse, "https://feeds.news-cdn.example/index.xml", index)))
    assert requested(output) == ["https://feeds.news-cdn.example/sitemap-1.xml"]
    pages = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://feeds.news-cdn.example/world/2025/06/03/copy</loc></url></urlset>"""
    assert list(configured.parse(respond(XmlResponse, "https://feeds.news-cdn.example/sitemap-1.xml", pages))) == []


def test_without_a_config_every_listed_page_on_the_site_is_requested(spider: NewsSpider) -> None:
    response = respond(Response, f"{SITE}/sitemaps/2025-06.xml.gz", gzip.compress(sample("sitemap-2025-06.xml")))
    assert len(requested(list(spider.parse(response)))) == 5


def test_broken_gzip_is_skipped_not_fatal(spider: NewsSpider) -> None:
    response = respond(Response, f"{SITE}/sitemap.xml.gz", gzip.compress(sample("sitemap-2025-06.xml"))[:12])
    assert list(spider.parse(response)) == []
    assert stat(spider, "newsbot/responses/other") == 1


# ---- section pages


def test_section_page_without_a_config(spider: NewsSpider) -> None:
    response = respond(
        HtmlResponse,
        f"{SITE}/world/",
        SECTION,
        meta={SECTION_DEPTH: 0, "redirect_urls": [f"{SITE}/world"]},
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8", "X-Multi": ["a", "b"]},
    )
    output = list(spider.parse(response))
    page = output[0]
    assert isinstance(page, Page)
    assert (page.url, page.requested_url, page.status, page.body) == (f"{SITE}/world/", f"{SITE}/world", 200, SECTION)
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["x-multi"] == "a,b"
    assert page.fetched_at.endswith("+00:00")
    assert (page.source, page.listed_modified) == (None, None)
    depths = {r.url: r.meta.get(SECTION_DEPTH) for r in requests_of(output)}
    assert depths == {
        "https://news.example/": 1,  # no config: any other page of the site may be a listing
        "https://news.example/world/": 1,
        "https://news.example/tags/ferry/": 1,
        "https://news.example/world/2025/06/03/harbour-reopens-after-storm": None,  # articles are leaves
        "https://news.example/world/politics/2025/06/02/budget-talks-resume": None,
        "https://www.news.example/economy/2025/05/27/grain-exports-rise": None,
        "https://news.example/video/2025/06/01/harbour-storm-footage": None,
        "https://news.example/world/?page=3": 1,
        "https://news.example/world/?page=2": 1,  # <link rel="next">
    }
    assert stat(spider, "newsbot/links/offsite") == 2  # other host, other port
    assert stat(spider, "newsbot/links/not_http") == 1  # ftp (mailto/javascript never become links)


def test_listings_stop_at_the_section_depth(spider: NewsSpider) -> None:
    output = list(spider.parse(respond(HtmlResponse, f"{SITE}/world/?page=2", SECTION, meta={SECTION_DEPTH: 2})))
    assert all(SECTION_DEPTH not in r.meta for r in requests_of(output))  # articles only
    assert len(requests_of(output)) == 4
    assert stat(spider, "newsbot/links/too_deep") == 5


def test_section_page_of_a_configured_site(configured: NewsSpider) -> None:
    output = list(configured.parse(respond(HtmlResponse, f"{SITE}/world/", SECTION, meta={SECTION_DEPTH: 0})))
    assert output[0].source == "news-example"
    assert {r.url: r.meta.get(SECTION_DEPTH) for r in requests_of(output)} == {
        "https://news.example/world/2025/06/03/harbour-reopens-after-storm": None,
        "https://www.news.example/economy/2025/05/27/grain-exports-rise": None,
        "http://news.example:8080/world/2025/06/03/other-port": None,  # a config's domain is its host on any port
        "https://news.example/world/?page=3": 1,  # pagination only: the config names its sections
        "https://news.example/world/?page=2": 1,
    }
    # home, world, tags (not listings of a configured site); the relative link's path and the video (patterns)
    assert stat(configured, "newsbot/links/not_article") == 5
    assert all(r.meta[FIXED_DELAY] for r in requests_of(output))  # the site asks for a fixed delay
    deeper = list(configured.parse(respond(HtmlResponse, f"{SITE}/world/?page=2", SECTION, meta={SECTION_DEPTH: 1})))
    assert [r.meta.get(SECTION_DEPTH) for r in requests_of(deeper)] == [None, None, None]  # max_depth = 1: the three articles


def test_html_served_as_plain_bytes_still_yields_links(spider: NewsSpider) -> None:
    output = list(spider.parse(respond(Response, f"{SITE}/world/", SECTION, meta={SECTION_DEPTH: 0})))
    assert isinstance(output[0], Page)
    assert "https://news.example/world/2025/06/03/harbour-reopens-after-storm" in requested(output)


def test_non_markup_is_neither_page_nor_links(spider: NewsSpider) -> None:
    response = respond(TextResponse, f"{SITE}/data.json", b'{"a": "<a href=/x>x</a>"}', encoding="utf-8")
    assert list(spider.parse(response)) == []
    assert stat(spider, "newsbot/responses/other") == 1


# ---- start points and arguments


def test_site_start_points(configured: NewsSpider) -> None:
    assert [(r.url, r.meta.get(SECTION_DEPTH)) for r in starts(configured)] == [
        ("https://feeds.news-cdn.example/latest.rss", None),
        ("https://news.example/sitemap_index.xml", None),
        ("https://news.example/world/", 0),
    ]
    # The feed host is allowed to be fetched, but its links to itself are not the site's.
    assert configured.allowed_domains == ["feeds.news-cdn.example", "news.example"]
    assert not configured.is_followable("https://feeds.news-cdn.example/other.rss")


def test_a_start_url_on_a_configured_site_uses_its_config_but_only_that_start() -> None:
    spider = spider_for(start="https://www.news.example/world/")
    assert [r.url for r in starts(spider)] == ["https://www.news.example/world/"]
    page = next(iter(spider.parse(respond(HtmlResponse, f"{SITE}/world/2025/06/03/x", b"<html></html>"))))
    assert page.source == "news-example"


def test_start_request_normalized() -> None:
    spider = NewsSpider(start="https://News.Example/world/?utm_source=x")
    assert [(r.url, r.meta[SECTION_DEPTH]) for r in starts(spider)] == [("https://news.example/world/", 0)]


def test_unknown_site_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown site 'nope'; known sites: news-example"):
        NewsSpider(site="nope", catalogue=CATALOGUE)


def test_scrapy_gets_a_spider_that_logs_bad_arguments_and_closes() -> None:
    spider = spider_for(site="nope")
    assert isinstance(spider, RefusedSpider)
    assert spider.reason.startswith("unknown site 'nope'; known sites: news-example")


@pytest.mark.parametrize("start", [None, "", "news.example/world", "file:///tmp/x.html", "ftp://news.example/"])
def test_start_must_be_http(start: str | None) -> None:
    with pytest.raises(ValueError, match="http"):
        NewsSpider(start=start)


def test_all_shipped_sites() -> None:
    sites: dict[str, SiteConfig] = shipped_sites()
    spider = NewsSpider(site="all")
    assert {s.name for s in spider.sites} == set(sites)
    assert len(starts(spider)) == sum(len(s.start_points) for s in sites.values())
    bbc = spider.site_for("https://www.bbc.co.uk/news/articles/c0000000")
    assert bbc is not None and bbc.name == "bbc"


@pytest.mark.parametrize(
    ("url", "followable"),
    [
        ("https://news.example/a", True),
        ("http://www.news.example/a", True),  # www and scheme do not make another site
        ("https://news.example:443/a", True),
        ("https://news.example:8443/a", False),
        ("https://sub.news.example/a", False),
        ("https://news.example.evil/a", False),
        ("file:///etc/passwd", False),
        ("ftp://news.example/a", False),
    ],
)
def test_is_followable(spider: NewsSpider, url: str, followable: bool) -> None:
    assert spider.is_followable(url) is followable


def test_start_url_sets_the_allowed_domain(spider: NewsSpider) -> None:
    assert spider.allowed_domains == ["news.example"]
    assert spider.start_url == "https://news.example/world/"
    assert site_key("http://127.0.0.1:8000/x") != site_key("http://127.0.0.1:8001/x")


def _user_agent(cmdline: dict[str, object]) -> str:
    """The User-Agent header Scrapy's own middleware sends for a crawl run with ``-s`` these settings."""
    from scrapy.crawler import Crawler
    from scrapy.downloadermiddlewares.useragent import UserAgentMiddleware
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    settings.setdict(cmdline, priority="cmdline")
    crawler = Crawler(NewsSpider, settings)
    request = Request(f"{SITE}/")
    UserAgentMiddleware.from_crawler(crawler).process_request(request)
    return request.headers[b"User-Agent"].decode()


def test_the_contact_setting_goes_into_the_user_agent() -> None:
    from newsbot import __version__

    assert _user_agent({"NEWSBOT_CONTACT": "https://ops.example/bot"}) == f"newsbot/{__version__} (+https://ops.example/bot)"
    assert _user_agent({"NEWSBOT_CONTACT": ""}) == f"newsbot/{__version__}"
    # An explicit -s USER_AGENT still wins.
    assert _user_agent({"NEWSBOT_CONTACT": "x@example.org", "USER_AGENT": "mine/1"}) == "mine/1"


CONTACT_WARNING = "NEWSBOT_CONTACT"


@pytest.mark.parametrize(
    ("start", "contact", "warned"),
    [
        (f"{SITE}/", "", True),  # a real site, nobody to write to: warn
        (f"{SITE}/", "ops@example.org", False),
        ("http://127.0.0.1:8123/index.html", "", False),  # the demo, the fixture site: loopback
        ("http://localhost:8123/", "", False),
        ("http://[::1]:8123/", "", False),
    ],
)
def test_a_real_crawl_without_a_contact_is_warned_about(
    start: str, contact: str, warned: bool, caplog: pytest.LogCaptureFixture
) -> None:
    crawler = get_crawler(NewsSpider, {**SETTINGS, "NEWSBOT_CONTACT": contact})
    with caplog.at_level("WARNING"):
        NewsSpider.from_crawler(crawler, start=start)
    assert any(CONTACT_WARNING in r.getMessage() for r in caplog.records if r.levelname == "WARNING") == warned


def test_a_site_crawl_without_a_contact_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler(NewsSpider, {**SETTINGS, "NEWSBOT_CONTACT": ""})
    with caplog.at_level("WARNING"):
        NewsSpider.from_crawler(crawler, site="news-example", catalogue=CATALOGUE)
    assert any(CONTACT_WARNING in r.getMessage() for r in caplog.records)

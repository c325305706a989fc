"""The state middlewares on hand-built Scrapy requests and responses, over a real store."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError

import newsbot.settings
from newsbot.discovery import LISTED_MODIFIED
from newsbot.spiders.news import NewsSpider
from newsbot.state import Seen, StateStore, Validators
from newsbot.state.crawl_state import CrawlState
from newsbot.state.middlewares import CONDITIONAL, ConditionalGetMiddleware, KnownArticleMiddleware

SITE = "https://news.example"
KNOWN = f"{SITE}/a/known.html"
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>'
VALIDATORS = {"ETag": '"v1"', "Last-Modified": "Mon, 22 Apr 2024 06:00:00 GMT"}


def parse(response: Response) -> None:
    """Stands for the spider's callback: the middlewares only tell own requests from Scrapy's internal ones."""


@pytest.fixture
def crawler(tmp_path: Path):
    settings = {name: getattr(newsbot.settings, name) for name in dir(newsbot.settings) if name.isupper()}
    settings.update(NEWSBOT_STATE_DIR=str(tmp_path / "state"), NEWSBOT_OUTPUT_DIR=str(tmp_path / "out"))
    crawler = get_crawler(NewsSpider, settings)
    crawler.spider = NewsSpider.from_crawler(crawler, start=f"{SITE}/")
    with StateStore(tmp_path / "state") as store:
        store.touch(Seen("id-k", KNOWN, "news.example", (KNOWN,), "h", "1.0", 1, "2024-04-08T04:45:00+00:00", "x"))
        store.save_validators({f"{SITE}/rss.xml": Validators('"v1"', "Mon, 22 Apr 2024 06:00:00 GMT")})
    state = CrawlState.of(crawler)
    state.open()
    yield crawler
    state.close()


def request(url: str, **meta: object) -> Request:
    return Request(url, callback=parse, meta=dict(meta))


# ---------------------------------------------------------------- known articles


def outputs() -> list[object]:
    return [
        {"item": 1},
        request(f"{SITE}/a/new.html"),
        request(KNOWN + "?utm_source=home"),
        request(KNOWN, **{LISTED_MODIFIED: "2024-04-23T07:00:00+00:00"}),
        request(f"{SITE}/world/", newsbot_section_depth=1),
    ]


def urls(results: list[object]) -> list[object]:
    return [r.url if isinstance(r, Request) else r for r in results]


def test_known_articles_are_not_requested_unless_listed_as_changed(crawler) -> None:
    middleware = KnownArticleMiddleware.from_crawler(crawler)
    response = HtmlResponse(f"{SITE}/", body=b"<html></html>")
    kept = list(middleware.process_spider_output(response, outputs()))
    assert urls(kept) == [{"item": 1}, f"{SITE}/a/new.html", KNOWN, f"{SITE}/world/"]
    assert crawler.stats.get_value("newsbot/skipped/known") == 1
    assert crawler.stats.get_value("newsbot/refetched/lastmod") == 1


def test_the_async_path_filters_the_same(crawler) -> None:
    middleware = KnownArticleMiddleware.from_crawler(crawler)
    response = HtmlResponse(f"{SITE}/", body=b"<html></html>")

    async def produce():
        for obj in outputs():
            yield obj

    async def collect() -> list[object]:
        return [obj async for obj in middleware.process_spider_output_async(response, produce())]

    assert urls(asyncio.run(collect())) == [{"item": 1}, f"{SITE}/a/new.html", KNOWN, f"{SITE}/world/"]


# ---------------------------------------------------------------- conditional GET


def test_stored_validators_make_the_request_conditional(crawler) -> None:
    middleware = ConditionalGetMiddleware.from_crawler(crawler)
    feed = request(f"{SITE}/rss.xml")
    middleware.process_request(feed)
    assert feed.headers[b"If-None-Match"] == b'"v1"'
    assert feed.headers[b"If-Modified-Since"] == b"Mon, 22 Apr 2024 06:00:00 GMT"
    assert feed.meta[CONDITIONAL] is True
    page = request(f"{SITE}/a/new.html")
    middleware.process_request(page)
    assert b"If-None-Match" not in page.headers and CONDITIONAL not in page.meta


def test_a_304_ends_the_request_and_is_counted(crawler) -> None:
    middleware = ConditionalGetMiddleware.from_crawler(crawler)
    feed = request(f"{SITE}/rss.xml")
    middleware.process_request(feed)
    with pytest.raises(IgnoreRequest):
        middleware.process_response(feed, Response(feed.url, status=304, request=feed))
    assert crawler.stats.get_value("newsbot/not_modified") == 1


@pytest.mark.parametrize(
    ("url", "body", "kept"),
    [
        (f"{SITE}/rss.xml", RSS, True),
        (f"{SITE}/sitemap.xml.gz", gzip.compress(b'<?xml version="1.0"?><urlset></urlset>'), True),
        (f"{SITE}/world/", b"<!doctype html><html><body>section</body></html>", False),  # pages: always in full
        # A sitemap index may stay the same while its children change: always in full.
        (f"{SITE}/sitemap-index.xml", b'<?xml version="1.0"?><sitemapindex xmlns="x"></sitemapindex>', False),
        (f"{SITE}/sm.xml.gz", gzip.compress(b'<?xml version="1.0"?><sm:sitemapindex></sm:sitemapindex>'), False),
    ],
)
def test_validators_are_found_for_feeds_and_sitemaps_only(crawler, url: str, body: bytes, kept: bool) -> None:
    middleware = ConditionalGetMiddleware.from_crawler(crawler)
    req = request(url)
    response = Response(url, status=200, body=body, headers=VALIDATORS, request=req)
    assert middleware.process_response(req, response) is response
    found = CrawlState.of(crawler).found_validators
    assert found == ({url: Validators('"v1"', "Mon, 22 Apr 2024 06:00:00 GMT")} if kept else {})


def test_a_feed_without_validators_is_not_remembered(crawler) -> None:
    middleware = ConditionalGetMiddleware.from_crawler(crawler)
    req = request(f"{SITE}/atom.xml")
    middleware.process_response(req, XmlResponse(req.url, body=RSS, request=req))
    assert CrawlState.of(crawler).found_validators == {}


@pytest.mark.parametrize(("status", "transient"), [(500, True), (503, True), (429, True), (404, False), (410, False)])
def test_http_errors_are_listed_by_kind(crawler, status: int, transient: bool) -> None:
    middleware = ConditionalGetMiddleware.from_crawler(crawler)
    req = request(f"{SITE}/a/broken.html")
    middleware.process_response(req, TextResponse(req.url, status=status, body=b"x", request=req))
    state = CrawlState.of(crawler)
    assert state.errors == [{"url": req.url, "kind": f"http_{status}"}]
    assert crawler.stats.get_value(f"newsbot/errors/http_{status}") == 1
    assert state.transient_errors == int(transient)


def test_download_errors_and_refusals(crawler) -> None:
    middleware = ConditionalGetMiddleware.from_crawler(crawler)
    middleware.process_exception(request(f"{SITE}/a/down.html"), ConnectionRefusedError())
    middleware.process_exception(request(f"{SITE}/private/x.html"), IgnoreRequest("Forbidden by robots.txt"))
    state = CrawlState.of(crawler)
    assert state.errors == [{"url": f"{SITE}/a/down.html", "kind": "download_ConnectionRefusedError"}]
    assert state.transient_errors == 1
    assert state.dropped == [{"url": f"{SITE}/private/x.html", "reason": "Forbidden by robots.txt"}]


def test_scrapys_own_requests_are_left_alone(crawler) -> None:
    middleware = ConditionalGetMiddleware.from_crawler(crawler)
    robots = Request(f"{SITE}/robots.txt", callback=NO_CALLBACK)
    middleware.process_request(robots)
    middleware.process_response(robots, TextResponse(robots.url, status=404, body=b"", request=robots))
    assert CrawlState.of(crawler).errors == [] and b"If-None-Match" not in robots.headers

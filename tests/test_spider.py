"""The news spider on hand-built Scrapy responses: content sniffing, link following, refusals."""

from __future__ import annotations

import asyncio
import gzip

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from newsbot.items import Page
from newsbot.spiders.news import FOLLOW_LINKS, NewsSpider, feed_links, site_key, sniff_kind

SITE = "https://news.example"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
<item><title>One</title><link>https://news.example/a/one.html?utm_source=rss#top</link></item>
<item><title>Two</title><link>/a/two.html</link></item>
<item><title>Elsewhere</title><link>https://other.example/a/three.html</link></item>
<item><title>Guid only</title><guid>https://news.example/a/four.html</guid></item>
<item><title>Opaque guid</title><guid isPermaLink="false">tag:news.example,2026:5</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
<link rel="self" href="https://news.example/atom"/>
<entry><title>One</title><link rel="edit" href="https://news.example/edit/1"/>
<link rel="alternate" type="text/html" href="https://news.example/a/one.html"/></entry>
<entry><title>Two</title><link href="https://news.example/a/two.html"/></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://news.example/"><title>News</title><link>https://news.example/</link></channel>
<item rdf:about="https://news.example/a/one.html"><title>One</title><link>https://news.example/a/one.html</link></item>
</rdf:RDF>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example/a/one.html</loc></url>
<url><loc>https://www.news.example/a/two.html</loc></url>
<url><loc>https://cdn.news.example/a/three.html</loc></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/sitemap-2026.xml.gz</loc></sitemap>
<sitemap><loc>https://tracker.example/sitemap.xml</loc></sitemap>
</sitemapindex>"""

SECTION = b"""<!DOCTYPE html><html><head><title>World</title></head><body>
<nav><a href="/">Home</a> <a href="/world/">World</a></nav>
<a href="/a/one.html">One</a> <a href="a/two.html?utm_campaign=x">Two</a>
<a href="https://www.news.example/a/three.html">Three</a>
<a href="https://other.example/a/four.html">Off-site</a>
<a href="http://news.example:8080/a/five.html">Other port</a>
<a href="ftp://news.example/file.txt">FTP</a>
<a href="mailto:desk@news.example">Mail</a> <a href="javascript:void(0)">JS</a>
<a href="/images/photo.jpg">Photo</a>
</body></html>"""


@pytest.fixture
def spider() -> NewsSpider:
    return NewsSpider.from_crawler(get_crawler(NewsSpider), start=f"{SITE}/world/")


def respond(cls: type[Response], url: str, body: bytes, meta: dict | None = None, **kw) -> Response:
    return cls(url=url, body=body, request=Request(url, meta=meta or {}), **kw)


def requested(output: list) -> list[str]:
    return [r.url for r in output if isinstance(r, Request)]


def stat(spider: NewsSpider, key: str) -> int | None:
    return spider.crawler.stats.get_value(key)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (RSS, "feed"),
        (ATOM, "feed"),
        (RDF, "feed"),
        (URLSET, "sitemap"),
        (SITEMAP_INDEX, "sitemap"),
        (SECTION, "html"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by <html> tools -->\n<rss><channel/></rss>', "feed"),
        (b'<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "html"),
        (b"\n  <head><title>no html element</title></head><p>text", "html"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', None),
        (b'{"html": "<p>json</p>"}', None),
        (b"\x89PNG\r\n\x1a\n<html>", None),
        (b"", None),
    ],
)
def test_sniff_kind_reads_the_content(body: bytes, kind: str | None) -> None:
    assert sniff_kind(body) == kind


def test_feed_links_rss_atom_rdf() -> None:
    assert feed_links(RSS) == [
        "https://news.example/a/one.html?utm_source=rss#top",
        "/a/two.html",
        "https://other.example/a/three.html",
        "https://news.example/a/four.html",
    ]
    assert feed_links(ATOM) == ["https://news.example/a/one.html", "https://news.example/a/two.html"]
    assert feed_links(RDF) == ["https://news.example/a/one.html"]


def test_feed_entities_are_not_expanded() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>
    <rss><channel><item><link>https://news.example/&c;</link></item></channel></rss>"""
    assert all("aaaaaaaaaa" not in link for link in feed_links(laughs))


def test_feed_is_recognised_whatever_its_url_and_content_type(spider: NewsSpider) -> None:
    # Served as text/html at an extension-less URL: still a feed, so no page item.
    output = list(spider.parse(respond(HtmlResponse, f"{SITE}/latest", RSS)))
    assert not [o for o in output if isinstance(o, Page)]
    assert requested(output) == [
        "https://news.example/a/one.html",  # tracking parameter and fragment gone
        "https://news.example/a/two.html",  # relative link resolved
        "https://news.example/a/four.html",
    ]
    assert stat(spider, "newsbot/links/offsite") == 1
    assert stat(spider, "newsbot/responses/feed") == 1


def test_pages_named_by_a_feed_are_leaves(spider: NewsSpider) -> None:
    request = next(r for r in spider.parse(respond(XmlResponse, f"{SITE}/rss", RSS)) if isinstance(r, Request))
    assert request.meta[FOLLOW_LINKS] is False
    article = respond(HtmlResponse, request.url, SECTION, meta=request.meta)
    assert [type(o) for o in spider.parse(article)] == [Page]


def test_sitemap_urlset_follows_same_site_only(spider: NewsSpider) -> None:
    output = list(spider.parse(respond(XmlResponse, f"{SITE}/sitemap.xml", URLSET)))
    assert requested(output) == ["https://news.example/a/one.html", "https://www.news.example/a/two.html"]
    assert stat(spider, "newsbot/links/offsite") == 1  # a subdomain is another site


def test_gzipped_sitemap_index_without_xml_headers(spider: NewsSpider) -> None:
    response = respond(Response, f"{SITE}/sitemaps", gzip.compress(SITEMAP_INDEX))
    assert requested(list(spider.parse(response))) == ["https://news.example/sitemap-2026.xml.gz"]
    assert stat(spider, "newsbot/responses/sitemap") == 1


def test_broken_gzip_is_skipped_not_fatal(spider: NewsSpider) -> None:
    response = respond(Response, f"{SITE}/sitemap.xml.gz", gzip.compress(URLSET)[:12])
    assert list(spider.parse(response)) == []
    assert stat(spider, "newsbot/responses/other") == 1


def test_section_page_is_a_page_item_and_its_site_links_are_followed(spider: NewsSpider) -> None:
    url = f"{SITE}/world/"
    response = respond(
        HtmlResponse,
        url,
        SECTION,
        meta={FOLLOW_LINKS: True, "redirect_urls": [f"{SITE}/world"]},
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8", "X-Multi": ["a", "b"]},
    )
    output = list(spider.parse(response))
    page = output[0]
    assert isinstance(page, Page)
    assert (page.url, page.requested_url, page.status, page.body) == (url, f"{SITE}/world", 200, SECTION)
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["x-multi"] == "a,b"
    assert page.fetched_at.endswith("+00:00")
    assert requested(output) == [
        "https://news.example/",
        "https://news.example/world/",
        "https://news.example/a/one.html",
        "https://news.example/world/a/two.html",
        "https://www.news.example/a/three.html",
    ]
    assert all(r.meta[FOLLOW_LINKS] for r in output[1:])
    assert stat(spider, "newsbot/links/offsite") == 2  # other host, other port
    assert stat(spider, "newsbot/links/not_http") == 1  # ftp (mailto/javascript never become links)


def test_html_served_as_plain_bytes_still_yields_links(spider: NewsSpider) -> None:
    response = respond(Response, f"{SITE}/world/", SECTION, meta={FOLLOW_LINKS: True})
    output = list(spider.parse(response))
    assert isinstance(output[0], Page)
    assert "https://news.example/a/one.html" in requested(output)


def test_non_markup_is_neither_page_nor_links(spider: NewsSpider) -> None:
    response = respond(TextResponse, f"{SITE}/data.json", b'{"a": "<a href=/x>x</a>"}', encoding="utf-8")
    assert list(spider.parse(response)) == []
    assert stat(spider, "newsbot/responses/other") == 1


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


@pytest.mark.parametrize("start", [None, "", "news.example/world", "file:///tmp/x.html", "ftp://news.example/"])
def test_start_must_be_http(start: str | None) -> None:
    with pytest.raises(ValueError):
        NewsSpider(start=start)


def test_start_request_follows_links() -> None:
    spider = NewsSpider(start="https://News.Example/world/?utm_source=x")

    async def collect() -> list[Request]:
        return [r async for r in spider.start()]

    requests = asyncio.run(collect())
    assert [(r.url, r.meta[FOLLOW_LINKS]) for r in requests] == [("https://news.example/world/", True)]

"""Discovery helpers on hand-written feed and sitemap samples (fixtures/discovery) and the fixture site's pages."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

import pytest

from newsbot.fixture_site import FIXTURE_SITE
from newsbot.discovery import (
    Entry,
    feed_entries,
    is_pagination,
    looks_like_article,
    parse_date,
    parse_since,
    sitemap_entries,
    sniff_kind,
)

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "discovery"
MANIFEST = json.loads((FIXTURE_SITE / "manifest.json").read_text(encoding="utf-8"))


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (sample("rss.xml"), "feed"),
        (sample("atom.xml"), "feed"),
        (sample("rdf.xml"), "feed"),
        (sample("sitemap_index.xml"), "sitemap"),
        (sample("news_sitemap.xml"), "sitemap"),
        ((FIXTURE_SITE / "index.html").read_bytes(), "html"),
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


def test_rss_entries_with_their_newest_date() -> None:
    assert feed_entries(sample("rss.xml")) == [
        Entry(
            "https://news.example/world/2025/06/03/harbour-reopens-after-storm?utm_source=rss&utm_medium=feed#top",
            utc("2025-06-03T06:30:00+00:00"),
        ),
        Entry("/politics/2025/06/02/budget-talks-resume", utc("2025-06-02T17:05:00+00:00")),
        Entry("https://partner.example/2025/06/02/partner-story", utc("2025-06-02T12:00:00+00:00")),
        # the permalink guid is the URL; atom:updated is newer than pubDate and wins
        Entry("https://news.example/culture/2025/05/20/museum-night-returns", utc("2025-06-02T21:00:00+00:00")),
        Entry("https://news.example/economy/2025/05/27/grain-exports-rise", utc("2025-05-27T04:45:00+00:00")),
    ]  # the item with an opaque guid and no link names no page


def test_atom_entries_use_the_alternate_link_and_updated() -> None:
    assert feed_entries(sample("atom.xml")) == [
        Entry("https://news.example/world/2025/06/03/harbour-reopens-after-storm", utc("2025-06-03T06:30:00+00:00")),
        Entry("https://news.example/politics/2025/06/02/budget-talks-resume", utc("2025-06-02T17:05:00+00:00")),
        Entry("https://news.example/economy/2025/05/27/grain-exports-rise", utc("2025-05-27T04:45:00+00:00")),
    ]


def test_rdf_entries_read_dc_date_and_rdf_about() -> None:
    assert feed_entries(sample("rdf.xml")) == [
        Entry("https://news.example/world/2025/06/03/harbour-reopens-after-storm", utc("2025-06-03T06:30:00+00:00")),
        Entry("https://news.example/economy/2025/05/27/grain-exports-rise", utc("2025-05-27T04:45:00+00:00")),
    ]


def test_sitemap_index_entries_are_sitemaps_with_lastmod() -> None:
    assert sitemap_entries(sample("sitemap_index.xml")) == [
        Entry("https://news.example/sitemaps/2025-06.xml.gz", utc("2025-06-03T09:00:00+00:00"), is_sitemap=True),
        Entry("https://news.example/sitemaps/2019-01.xml.gz", utc("2019-02-01T00:00:00+00:00"), is_sitemap=True),
        Entry("https://news.example/sitemaps/news.xml", None, is_sitemap=True),
    ]


def test_urlset_lastmod_in_every_w3c_precision() -> None:
    assert [(e.url.rsplit("/", 1)[-1], e.modified, e.is_sitemap) for e in sitemap_entries(sample("sitemap-2025-06.xml"))] == [
        ("harbour-reopens-after-storm", utc("2025-06-03T06:10:00+00:00"), False),
        ("budget-talks-resume", utc("2025-06-02T00:00:00+00:00"), False),
        ("grain-exports-rise", utc("2025-05-27T04:45:00+00:00"), False),
        ("harbour-storm-footage", utc("2025-06-01T12:00:00+00:00"), False),
        ("", None, False),  # /world/ has no lastmod
    ]


def test_news_sitemap_reads_publication_date_and_a_later_lastmod() -> None:
    assert sitemap_entries(sample("news_sitemap.xml")) == [
        Entry("https://news.example/world/2025/06/03/ferry-timetable-changes", utc("2025-06-03T05:00:00+00:00")),
        Entry("https://news.example/culture/2025/05/20/museum-night-returns", utc("2025-06-02T21:00:00+00:00")),
        Entry("https://news.example/economy/2025/05/28/rail-freight-record", utc("2025-05-28T00:00:00+00:00")),
    ]


def test_broken_and_hostile_xml() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>
    <rss><channel><item><link>https://news.example/&c;</link></item></channel></rss>"""
    assert all("aaaaaaaaaa" not in entry.url for entry in feed_entries(laughs))
    xxe = b"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/hostname">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://news.example/&x;</loc></url></urlset>"""
    assert all(entry.url == "https://news.example/" for entry in sitemap_entries(xxe))
    assert feed_entries(b"") == [] and sitemap_entries(b"not xml at all") == []
    # a cut download: the entries before the last still count; the last may be cut (and the parser
    # cannot tell), so it waits for the next run
    cut = sample("sitemap-2025-06.xml")
    inside_second_loc = cut.index(b"https://www.news.example") + 12
    after_second_entry = cut.index(b"</url>", inside_second_loc) + 6
    assert [e.url.rsplit("/", 1)[-1] for e in sitemap_entries(cut[:inside_second_loc])] == ["harbour-reopens-after-storm"]
    assert [e.url.rsplit("/", 1)[-1] for e in sitemap_entries(cut[:after_second_entry])] == ["harbour-reopens-after-storm"]
    assert len(feed_entries(sample("rss.xml")[:-20])) == len(feed_entries(sample("rss.xml"))) - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 03 Jun 2025 08:30:00 +0200", "2025-06-03T06:30:00+00:00"),
        ("Mon, 02 Jun 2025 17:05:00 GMT", "2025-06-02T17:05:00+00:00"),
        ("2025-06-03", "2025-06-03T00:00:00+00:00"),
        ("2025-06-03T08:10+02:00", "2025-06-03T06:10:00+00:00"),
        ("2025-06-03T08:10:00.123Z", "2025-06-03T08:10:00.123000+00:00"),
        ("2025-06-03T08:10:00", "2025-06-03T08:10:00+00:00"),  # no zone: UTC
    ],
)
def test_parse_date(text: str, expected: str) -> None:
    assert parse_date(text) == datetime.fromisoformat(expected)


@pytest.mark.parametrize("text", [None, "", "yesterday", "32/13/2025", "2025-13-45"])
def test_unreadable_dates_are_none(text: str | None) -> None:
    assert parse_date(text) is None


NOW = datetime(2025, 6, 3, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2d", "2025-06-01T12:00:00+00:00"),
        ("12h", "2025-06-03T00:00:00+00:00"),
        ("30m", "2025-06-03T11:30:00+00:00"),
        ("1w", "2025-05-27T12:00:00+00:00"),
        (" 3D ", "2025-05-31T12:00:00+00:00"),
        ("2025-06-01", "2025-06-01T00:00:00+00:00"),
        ("2025-06-01T06:00:00+06:00", "2025-06-01T00:00:00+00:00"),
    ],
)
def test_parse_since(value: str, expected: str) -> None:
    assert parse_since(value, NOW) == datetime.fromisoformat(expected)


@pytest.mark.parametrize("value", ["", "2", "2 days", "yesterday", "-2d", "Tue, 03 Jun 2025 08:30:00 GMT", "2025-13-01"])
def test_parse_since_refuses_with_the_accepted_forms(value: str) -> None:
    with pytest.raises(ValueError, match="ISO date"):
        parse_since(value, NOW)


def _links(page: str) -> set[str]:
    base = "https://steppe-herald.example/"
    html = (FIXTURE_SITE / page).read_text(encoding="utf-8")
    hrefs = {urljoin(base + page, h.replace("&amp;", "&")) for h in re.findall(r'href="(/[^"]*)"', html)}
    return {h for h in hrefs if not h.endswith((".css", ".xml", ".ico"))}


@pytest.mark.parametrize("page", ["index.html", "world/index.html", "kazakhstan/index.html", "tags/economy.html"])
def test_article_heuristics_on_the_fixture_site_listings(page: str) -> None:
    """Every link to a manifest article looks like one; home, sections, tags, about and contact do not."""
    links = _links(page)
    articles = {link for link in links if link.split("?")[0].removeprefix("https://steppe-herald.example/") in MANIFEST["articles"]}
    assert articles
    assert {link for link in links if looks_like_article(link)} == articles


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://en.tengrinews.kz/world/us-and-russian-military-talks-wednesday-carter-262421/", True),  # id
        ("https://www.kommersant.ru/doc/7715044", True),  # numeric id
        ("https://www.theguardian.com/world/2024/feb/24/death-toll-in-valencia-fire", True),  # date folder
        ("https://elpais.com/internacional/2024-10-15/bruselas-sondea.html", True),  # ISO date
        ("https://www.sankei.com/article/20250121-QBJP5I25BBIG5IZ76XZNDHDB5Q/", True),  # yyyymmdd
        ("https://news.example/how-the-new-ferry-timetable-works", True),  # long slug
        ("https://news.example/новый-порядок-въезда-в-город", True),  # long slug, Cyrillic
        ("https://news.example/", False),
        ("https://news.example/world/", False),
        ("https://news.example/world/?page=2", False),
        ("https://news.example/tag/ferry-timetable-changes-2025/", False),  # tag page, however long
        ("https://news.example/authors/jane-doe-smith-jones", False),
        ("https://news.example/about-us", False),
        ("https://news.example/2025/06/03/harbour.jpg", False),
        ("https://news.example/feeds/latest-world-news-2025.xml", False),
    ],
)
def test_looks_like_article(url: str, article: bool) -> None:
    assert looks_like_article(url) is article


@pytest.mark.parametrize(
    ("url", "paged"),
    [
        ("https://news.example/world/?page=2", True),
        ("https://news.example/world/?sort=new&p=3", True),
        ("https://news.example/world/page/2/", True),
        ("https://news.example/news/?PAGEN_1=4", True),
        ("https://news.example/world/", False),
        ("https://news.example/world/2025/06/03/page-turner-novel", False),
        ("https://news.example/world/?id=2", False),
    ],
)
def test_is_pagination(url: str, paged: bool) -> None:
    assert is_pagination(url) is paged


def test_sloppy_but_whole_feeds_keep_every_entry() -> None:
    sloppy = (b"<rss><channel><item><title>Tom &amp; Jerry&nbsp;return</title><link>https://news.example/1</link></item>"
              b"<item><title>Salt & pepper</title><link>https://news.example/2</link></item></channel></rss>\n")  # fmt: skip
    assert [e.url for e in feed_entries(sloppy)] == ["https://news.example/1", "https://news.example/2"]


def test_feed_links_follow_xml_base_and_entries_with_unreadable_dates_stay() -> None:
    """fixtures/feed-site's Atom feed: nested xml:base, a root-relative link, a year-1 date and a date in words."""
    body = (Path(__file__).resolve().parent.parent / "fixtures" / "feed-site" / "feeds" / "atom.xml").read_bytes()
    body = body.replace(b"__BASE__", b"https://bay.example")
    entries = feed_entries(body, "https://bay.example/feeds/atom.xml")
    assert [(e.url, e.modified is None) for e in entries] == [
        ("https://bay.example/stories/library-opens-night-reading-room.html", False),
        ("https://bay.example/stories/orchard-growers-count-frost-damage.html", True),
        ("https://bay.example/stories/museum-returns-stolen-manuscript.html", True),
    ]

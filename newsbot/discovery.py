"""Discovery, as pure functions: what a document is, which pages a feed or sitemap lists and when they changed,
which links of a section page are articles or its next page, which feeds a page and which sitemaps a
robots.txt announce, and how old is too old (``--since``).

Scrapy-free and below both its users: the spider (:mod:`newsbot.spiders.news`) navigates with it and
the crawl state (:mod:`newsbot.state`) reads the same dates and document kinds."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from .urls import load_url_table, pattern_target

# Request meta key: when the feed or sitemap that named the page says it last changed (ISO 8601, UTC).
# The spider sets it; the state middleware reads it to tell a changed article from a known one.
LISTED_MODIFIED = "newsbot_listed_modified"
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
# The root element comes first in any document, so only the head of a body is sniffed.
SNIFF_BYTES = 4096
# Entry elements whose text says when the entry last changed; the newest present wins.
# RSS: pubDate, dc:date (RSS 1.0), atom:updated; Atom: updated, published;
# sitemaps: lastmod and Google News' news:publication_date (inside news:news).
DATE_FIELDS = ("pubDate", "date", "updated", "published", "modified", "lastmod", "publication_date")
# Durations for --since: 30m, 12h, 2d, 1w.
DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.I)
DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

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


@dataclass(frozen=True)
class Entry:
    """One page a feed or sitemap lists."""

    url: str
    """Resolved against ``xml:base`` and the document's URL when it was given; may carry tracking parameters."""
    modified: datetime | None = None
    """When the document says the page last changed (UTC); None when it does not say."""
    is_sitemap: bool = False
    """A sitemap index entry: another sitemap, not a page."""


def parse_date(text: str | None) -> datetime | None:
    """An aware UTC datetime from RFC 822 (RSS) or ISO 8601 / W3C (Atom, sitemaps); None when unreadable.

    A date without a zone is taken as UTC.

    >>> parse_date("0001-01-01T00:00:00+01:00") is None  # a CMS's empty date, out of range in UTC
    True
    >>> parse_date("Tue, 03 Jun 2025 10:00:00 +0200").isoformat()
    '2025-06-03T08:00:00+00:00'
    >>> parse_date("2025-06-03").isoformat()
    '2025-06-03T00:00:00+00:00'
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    try:
        return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    except OverflowError:  # year 1 or 9999 shifted across midnight UTC: a placeholder, not a date
        return None


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """The cut-off of ``--since``: an ISO date or time, or a duration back from ``now`` (``30m``, ``12h``, ``2d``, ``1w``).

    >>> parse_since("2d", datetime(2025, 6, 3, tzinfo=timezone.utc)).isoformat()
    '2025-06-01T00:00:00+00:00'
    """
    match = DURATION.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        return (now or datetime.now(timezone.utc)) - timedelta(**{DURATION_UNITS[unit]: amount})
    when = parse_date(value) if re.match(r"^\s*\d{4}-\d{2}-\d{2}", value) else None
    if when is None:
        raise ValueError(f"--since takes an ISO date (2025-06-01), date-time or a duration (30m, 12h, 2d, 1w), got {value!r}")
    return when


def _xml_root(body: bytes, base_url: str | None = None) -> tuple[etree._Element | None, bool]:
    """The document's root, and whether the document broke off before its closing root tag (a cut download).

    Sloppy feeds (``&nbsp;``, a bare ``&``) are read as well as the parser can; only the end is checked.
    ``base_url`` is where the document came from: each element's ``.base`` is then its absolute base URL,
    with every ``xml:base`` above it applied.
    """
    # No entities, no network: feeds and sitemaps are untrusted input (billion laughs, XXE).
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, remove_comments=True)
    try:
        root = etree.fromstring(body, parser, base_url=base_url)
    except etree.XMLSyntaxError:
        return None, True
    if root is None:
        return None, True
    closing = re.compile(rb"</([\w.-]+:)?" + re.escape(etree.QName(root).localname.encode()) + rb"\s*>\s*$")
    return root, closing.search(body[-SNIFF_BYTES:]) is None


def _complete(entries: list[Entry], cut: bool) -> list[Entry]:
    """A document that broke off may end inside its last entry (``<loc>https://www.n``): that one is dropped."""
    return entries[:-1] if cut else entries


def _modified(entry: etree._Element) -> datetime | None:
    """The newest date among the entry's date fields, searched among children and grandchildren (news:news)."""
    dates = [
        parse_date(el.text)
        for el in entry.iter()
        if isinstance(el.tag, str) and etree.QName(el).localname in DATE_FIELDS
    ]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def _resolved(element: etree._Element, url: str | None) -> str | None:
    """``url`` as written in ``element``, made absolute by the element's base (``xml:base``, the document URL)."""
    url = (url or "").strip()
    return urljoin(element.base or "", url) if url else None


def feed_entries(body: bytes, base_url: str | None = None) -> list[Entry]:
    """Item links of an RSS 2.0, RSS 1.0 (RDF) or Atom document with their dates, in document order.

    An entry whose date cannot be read is kept, with no date (``--since`` cannot judge it).
    """
    root, cut = _xml_root(body, base_url)
    if root is None:
        return []
    entries = []
    for item in root.iter("{*}item", "{*}entry"):
        link = _entry_link(item)
        if link:
            entries.append(Entry(link, _modified(item)))
    return _complete(entries, cut)


def _entry_link(entry: etree._Element) -> str | None:
    for link in entry.iterchildren("{*}link"):
        href = link.get("href")
        if href is None:  # RSS: the URL is the text
            return _resolved(link, link.text)
        if link.get("rel", "alternate") == "alternate":  # Atom: rel=self/edit/enclosure are not the page
            return _resolved(link, href)
    for guid in entry.iterchildren("{*}guid"):  # RSS item without <link>: a permalink guid is the URL
        if guid.get("isPermaLink", "true") != "false":
            return _resolved(guid, guid.text)
    # RSS 1.0 item without <link>
    return _resolved(entry, entry.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"))


def sitemap_entries(body: bytes, base_url: str | None = None) -> list[Entry]:
    """``<loc>`` URLs of a sitemap (pages) or sitemap index (more sitemaps), with ``lastmod`` / news publication date."""
    root, cut = _xml_root(body, base_url)
    if root is None:
        return []
    entries = []
    for item in root.iterchildren("{*}url", "{*}sitemap"):
        loc = next((_resolved(el, el.text) for el in item.iterchildren("{*}loc") if el.text and el.text.strip()), None)
        if loc:
            entries.append(Entry(loc, _modified(item), is_sitemap=etree.QName(item).localname == "sitemap"))
    return _complete(entries, cut)


@lru_cache(maxsize=1)
def _link_patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    """The URL table shared with the article verdict; every page kind's folders count as "not an article"."""
    data = load_url_table("url_shapes")
    lists = {key: data[key] for key in ("article", "not_article", "pagination", "feed_type")}
    lists["not_article"] = [*lists["not_article"], *(p for kind in data["page_kinds"].values() for p in kind)]
    return {key: tuple(re.compile(p, re.I) for p in value) for key, value in lists.items()}


def looks_like_article(url: str) -> bool:
    """The generic guess for a site without article patterns: dated, numbered or long-slugged, and not a listing.

    >>> looks_like_article("https://news.example/world/2024/05/03/harbour-reopens")
    True
    >>> looks_like_article("https://news.example/tags/harbour/")
    False
    """
    target, patterns = pattern_target(url), _link_patterns()
    if any(p.search(target) for p in patterns["not_article"]):
        return False
    return any(p.search(target) for p in patterns["article"])


def is_pagination(url: str) -> bool:
    """Does the URL look like page N of a listing (``?page=2``, ``/page/2/``)?"""
    target = pattern_target(url)
    return any(p.search(target) for p in _link_patterns()["pagination"])



def is_feed_type(mime: str | None) -> bool:
    """Does a ``<link rel="alternate">`` of this ``type`` announce a feed?

    >>> is_feed_type("application/atom+xml"), is_feed_type("text/html")
    (True, False)
    """
    if not mime:
        return False
    return any(p.search(mime) for p in _link_patterns()["feed_type"])


ALTERNATE_XPATH = "//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')][@href]"


def feed_links(root: etree._Element) -> list[str]:
    """The ``href`` of each ``<link rel="alternate">`` of a feed type on a parsed page, as written (unresolved).

    >>> from lxml import html
    >>> feed_links(html.fromstring('<link rel="alternate" type="application/rss+xml" href="/rss">'
    ...                            '<link rel="alternate" hreflang="de" href="/de/">'))
    ['/rss']
    """
    return [link.get("href") for link in root.xpath(ALTERNATE_XPATH) if is_feed_type(link.get("type"))]


_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)


def robots_sitemaps(text: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, in order; they stand outside any user-agent group.

    >>> robots_sitemaps("User-agent: *\\nDisallow: /x\\n\\nSitemap: https://news.example/sitemap.xml\\n")
    ['https://news.example/sitemap.xml']
    """
    return _SITEMAP_LINE.findall(text)

"""``newsbot sites new URL``: propose a site file from what the site itself announces.

It reads the site's robots.txt (``Sitemap:`` lines), its home page (``<link rel="alternate">``
feeds, ``<html lang>``) and, when those name none, a few common feed and sitemap paths; of
the sitemaps it prefers Google News ones. Parsing is the crawler's own
(:mod:`newsbot.discovery`), so what is proposed is what a crawl will read.

It fetches only the site's own host and port (``www.`` or not, http or https): a URL on
another host (a feed CDN, a sitemap elsewhere) is written into the proposal as a comment,
never requested, and a redirect off the site is not followed. Every request has a timeout
and a size cap, robots.txt is obeyed, and there are at most ``MAX_REQUESTS`` of them.
"""

from __future__ import annotations

import json
import tomllib
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeGuard
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from lxml import etree, html

from .discovery import feed_entries, feed_links, robots_sitemaps, sitemap_entries, sniff_kind
from .sites import LANGUAGE, NAME, SiteConfig, SiteConfigError, load_sites, parse_site
from .spiders.news import site_key, user_agent
from .urls import site_of

TIMEOUT = 10.0
"""Seconds a request may take: a hung server must not hang the command."""
MAX_BYTES = 8 * 1024 * 1024
"""Read at most this much of a response: enough for a home page or a sitemap's first entries, never a disk."""
MAX_REQUESTS = 20
"""All requests of one proposal, redirects included."""
MAX_REDIRECTS = 5
FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")
"""Tried, in order, only when the home page announces no feed."""
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")
"""Tried, in order, only when robots.txt names no sitemap."""
NEWS_SITEMAP_NAMESPACE = b"http://www.google.com/schemas/sitemap-news/0.9"
NEWS_CHILDREN = 3
"""Child sitemaps of an index whose URL says "news" that are read to find a news sitemap."""


class ProposalError(ValueError):
    """The site cannot be read (the home page does not answer with HTML); the message says why."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as they are, so each hop is checked against the site before it is followed."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Fetched:
    url: str
    """The final URL, after the redirects followed."""
    body: bytes
    """At most ``MAX_BYTES``, gunzipped when it was a gzip file (``sitemap.xml.gz``)."""


@dataclass
class Proposal:
    """What the site announced, as a site file's fields, and what was seen but not used (comments)."""

    name: str
    domain: str
    language: str | None
    feeds: list[tuple[str, str]] = field(default_factory=list)
    """(URL, who announced it)."""
    sitemaps: list[tuple[str, str]] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    elsewhere: list[tuple[str, str]] = field(default_factory=list)
    """(URL, what it is): announced on another host, so not fetched and not proposed."""

    def toml(self) -> str:
        """The site file, in the format of ``newsbot/sites/*.toml``; it loads with :func:`newsbot.sites.parse_site`."""
        today = date.today().isoformat()
        lines = [
            f"# Proposed by `newsbot sites new` on {today}: check every line before crawling.",
            f"name = {_quoted(self.name)}",
            f"domains = [{_quoted(self.domain)}]",
            f"language = {_quoted(self.language or 'en')}"
            + ("" if self.language else "  # the home page declares none: set the edition's language"),
            "",
            "[start]",
        ]
        for key, entries in (("feeds", self.feeds), ("sitemaps", self.sitemaps)):
            if entries:
                lines.append(f"{key} = [")
                lines += [f"    {_quoted(url)},  # {source}, read {today}" for url, source in entries]
                lines.append("]")
        lines.append(f"sections = [{', '.join(map(_quoted, self.sections))}]  # the home page")
        lines += [f"# not fetched, on another host ({what}): {url}" for url, what in self.elsewhere]
        lines += [
            "",
            "# [articles] allow = [...]: none yet, so the generic heuristics pick the article links.",
            "",
        ]
        return "\n".join(lines)

    def config(self) -> SiteConfig:
        """The proposal as the site loader reads it: a proposal that does not load is a bug here, not the user's."""
        return parse_site(tomllib.loads(self.toml()), Path(f"{self.name}.toml"))


def _quoted(text: str) -> str:
    """A TOML basic string: JSON's string escapes are valid TOML."""
    return json.dumps(text, ensure_ascii=False)


class SiteReader:
    """Fetches from one site only, within the limits above, counting its requests."""

    def __init__(self, url: str, contact: str = "") -> None:
        self.site = site_key(url)
        self.requests = 0
        self.robots: RobotFileParser | None = None
        self.opener = urllib.request.build_opener(_NoRedirects)
        self.opener.addheaders = [("User-Agent", user_agent(contact))]

    def on_site(self, url: str) -> bool:
        return urlsplit(url).scheme in ("http", "https") and site_key(url) == self.site

    def get(self, url: str) -> Fetched | None:
        """The response to ``url``, following redirects that stay on the site; None when it is off the site,
        refused by robots.txt, over the request budget, or does not answer 200."""
        for _ in range(MAX_REDIRECTS + 1):
            if not self.on_site(url) or self.requests >= MAX_REQUESTS:
                return None
            if self.robots is not None and not self.robots.can_fetch("newsbot", url):
                return None
            self.requests += 1
            try:
                with self.opener.open(url, timeout=TIMEOUT) as response:
                    return Fetched(response.url, _gunzipped(response.read(MAX_BYTES)))
            except urllib.error.HTTPError as err:
                location = err.headers.get("Location") if 300 <= err.code < 400 else None
                err.close()
                if not location:
                    return None
                url = urljoin(url, location)
            except (OSError, ValueError, zlib.error):  # refused, timed out, reset, a bad URL, a broken gzip
                return None
        return None

    def read_robots(self, base: str) -> list[str]:
        """The robots.txt's ``Sitemap:`` URLs (all of them, this site's or not); its rules apply from now on."""
        fetched = self.get(urljoin(base, "/robots.txt"))
        self.robots = RobotFileParser()
        text = fetched.body.decode("utf-8", "replace") if fetched else ""
        self.robots.parse(text.splitlines())
        return [urljoin(base, url) for url in robots_sitemaps(text)]


def _gunzipped(body: bytes) -> bytes:
    """A gzip file's content (at most ``MAX_BYTES`` of it, so no zip bomb), anything else as it is."""
    if body[:2] != b"\x1f\x8b":
        return body
    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_BYTES)


def _is(fetched: Fetched | None, kind: str) -> TypeGuard[Fetched]:
    """Did the request answer with a document of ``kind`` (``html``, ``feed``, ``sitemap``), by its content?"""
    return fetched is not None and sniff_kind(fetched.body) == kind


def _name(domain: str) -> str:
    """``news.example`` -> ``news-example``: a valid site name from the host."""
    return "-".join(part for part in domain.replace(".", "-").split("-") if part)


def _language(root: etree._Element) -> str | None:
    """The home page's ``<html lang>`` as a site file takes it (``de-DE`` -> ``de``), or None."""
    lang = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    primary = lang.split("-")[0].split("_")[0].lower()
    return primary if primary and LANGUAGE.match(primary) else None


def propose(url: str, contact: str = "", name: str | None = None) -> tuple[Proposal, SiteReader]:
    """A site file for the site at ``url`` (its home page or any page of it), and the reader that fetched it."""
    reader = SiteReader(url, contact)
    home = urljoin(url, "/")
    announced_sitemaps = reader.read_robots(home)
    page = reader.get(home)
    if not _is(page, "html"):
        raise ProposalError(f"{home}: no HTML home page on the site (not 200, off-site redirect or not HTML)")
    domain = site_of(page.url) or ""
    name = name or _name(domain)
    if not NAME.match(name):
        raise ProposalError(f"{name!r} is not a site name (lowercase letters, digits and dashes); give --name")
    root = html.fromstring(page.body, base_url=page.url)
    proposal = Proposal(name, domain, _language(root), sections=[page.url])

    # Feeds: what the home page announces, else the first common path that serves one.
    for href in feed_links(root):
        link = urljoin(page.url, href)
        if not reader.on_site(link):
            proposal.elsewhere.append((link, "a feed the home page announces"))
            continue
        fetched = reader.get(link)
        if _is(fetched, "feed") and feed_entries(fetched.body, fetched.url):
            proposal.feeds.append((fetched.url, "announced by the home page"))
    if not proposal.feeds and not proposal.elsewhere:
        for path in FEED_PATHS:
            fetched = reader.get(urljoin(home, path))
            if _is(fetched, "feed") and feed_entries(fetched.body, fetched.url):
                proposal.feeds.append((fetched.url, f"found at {path}"))
                break

    # Sitemaps: robots.txt's, else the first common path that serves one; of an index, its news sitemaps.
    announced = [url for url in announced_sitemaps if reader.on_site(url)]
    proposal.elsewhere += [(url, "a robots.txt Sitemap: line") for url in announced_sitemaps if url not in announced]
    candidates = [(url, "robots.txt Sitemap: line") for url in announced]
    candidates = candidates or [(urljoin(home, path), f"found at {path}") for path in SITEMAP_PATHS]
    plain: list[tuple[str, str]] = []
    news: list[tuple[str, str]] = []
    for sitemap, source in candidates:
        fetched = reader.get(sitemap)
        if not _is(fetched, "sitemap"):
            continue
        if NEWS_SITEMAP_NAMESPACE in fetched.body:
            news.append((fetched.url, f"{source}, a news sitemap"))
            continue
        entries = sitemap_entries(fetched.body, fetched.url)
        plain.append((fetched.url, source))
        children = [e.url for e in entries if e.is_sitemap and "news" in e.url.lower()]
        for child in children[:NEWS_CHILDREN]:
            got = reader.get(child)
            if _is(got, "sitemap") and NEWS_SITEMAP_NAMESPACE in got.body:
                news.append((got.url, f"a news sitemap listed in {fetched.url}"))
        if not announced:
            break  # one common path that serves a sitemap is enough
    proposal.sitemaps = news or plain
    proposal.config()
    return proposal, reader


def write_proposal(proposal: Proposal, directory: Path) -> Path:
    """Write ``<directory>/<name>.toml``; refuse a name or a domain the folder's sites already have."""
    path = directory / f"{proposal.name}.toml"
    if path.exists():
        raise SiteConfigError(f"{path}: exists; give another --name or edit that file")
    for site in load_sites(directory).values():
        if proposal.domain in site.domains:
            raise SiteConfigError(f"{path}: domains: {proposal.domain!r} already belongs to site {site.name!r}")
    path.write_text(proposal.toml(), encoding="utf-8")
    return path

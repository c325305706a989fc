"""Learned per-site templates: blocks that recur on many pages of a site are its boilerplate.

Rules only know boilerplate someone wrote a pattern for. A site's own chrome
(its widgets, footers, promos in a language no table covers) repeats on every
page, so counting where each block sits and what it says, per site, finds it
with no per-site code. A block's *signature* is a hash of its DOM path (tags
and class tokens, digits masked so generated class names and changing numbers
still match) and its normalized text. Each distinct URL counts once, so
re-extracting a page never teaches newsbot that its own text is boilerplate.

The store is a SQLite file in the state directory (``templates.sqlite3``);
it is bounded: each site keeps at most ``MAX_SIGNATURES_PER_SITE``
signatures, the rare ones pruned first, and a site's memory of URLs is a
bounded table too.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lxml.html import HtmlElement

from .clean import fold, text_of

# From a site's fourth distinct page on, what its template says is removed.
MIN_PAGES = 4
# A signature seen on at least this share of a site's pages (and at least MIN_PAGES - 1 times) is boilerplate.
MIN_SHARE = 0.5
# Bounds that keep the store (and memory) flat however many pages and sites a crawl sees.
MAX_SIGNATURES_PER_SITE = 4000
MAX_URLS_PER_SITE = 5000
# Sites whose boilerplate sets stay in memory (least recently used go first).
CACHED_SITES = 256
# Text longer than this is story text whatever its position: never a template block.
MAX_BLOCK_CHARS = 600
FILE_NAME = "templates.sqlite3"

_DIGITS = re.compile(r"\d+")
_TEXT_TAGS = frozenset({"p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "a", "span", "div", "b", "strong", "small", "figcaption", "caption", "label", "button"})


def _step(el: HtmlElement) -> str:
    classes = sorted({_DIGITS.sub("0", c) for c in (el.get("class") or "").split()})
    return el.tag + "".join(f".{c}" for c in classes)


def _own_text(el: HtmlElement) -> str:
    """Text that sits directly in the element (not in child elements)."""
    return " ".join(t for t in (el.text, *(c.tail for c in el)) if t and t.strip())


@dataclass(frozen=True)
class TemplateBlock:
    signature: str
    element: HtmlElement
    text: str
    """Visible text, white space collapsed (the signature uses its folded form)."""


def template_blocks(tree: HtmlElement) -> Iterator[TemplateBlock]:
    """Elements that hold text of their own, with their signatures, in document order."""
    body = tree.find("body")
    if body is None:
        return
    paths: dict[HtmlElement, str] = {body: "body"}
    for el in body.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        path = paths[el] = f"{paths.get(el.getparent(), '?')}/{_step(el)}"
        if el.tag not in _TEXT_TAGS or not _own_text(el):
            continue
        text = text_of(el)
        if not text or len(text) > MAX_BLOCK_CHARS:
            continue
        key = f"{path}\n{_DIGITS.sub('0', fold(text))}"
        yield TemplateBlock(hashlib.blake2b(key.encode("utf-8"), digest_size=12).hexdigest(), el, text)


class Templates(Protocol):
    """What extraction reads from learned templates: a site's boilerplate signatures."""

    def boilerplate(self, site: str | None) -> frozenset[str]: ...


@dataclass(frozen=True)
class TemplateSnapshot:
    """One site's boilerplate as a store had it: read-only and small, so it travels to a worker process."""

    site: str | None
    signatures: frozenset[str]

    def boilerplate(self, site: str | None) -> frozenset[str]:
        return self.signatures if site == self.site else frozenset()


@dataclass(frozen=True)
class Lesson:
    """What one page teaches its site's template: the page's block signatures, under its id (each URL counts once)."""

    site: str | None
    url_id: str
    signatures: frozenset[str]

    def into(self, store: TemplateStore) -> bool:
        """Count the page into ``store``; False when nothing was learned (a known URL, no site)."""
        return store.learn(self.site, self.url_id, self.signatures)


def need(pages: int) -> int:
    """On how many of a site's ``pages`` (at least MIN_PAGES) a signature must be seen to be boilerplate."""
    return max(MIN_PAGES - 1, int(MIN_SHARE * min(pages, MAX_URLS_PER_SITE) + 0.999))


class TemplateStore:
    """Signature counts per site, persisted in ``<state>/templates.sqlite3`` (or in memory)."""

    def __init__(self, state_dir: str | Path | None = None) -> None:
        if state_dir is None:
            target = ":memory:"
        else:
            Path(state_dir).mkdir(parents=True, exist_ok=True)
            target = str(Path(state_dir) / FILE_NAME)
        self._db = sqlite3.connect(target)
        self._db.executescript(
            """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS pages (site TEXT, url_id TEXT, seq INTEGER, PRIMARY KEY (site, url_id));
            CREATE TABLE IF NOT EXISTS sites (site TEXT PRIMARY KEY, pages INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS signatures (site TEXT, signature TEXT, pages INTEGER NOT NULL,
                                                   PRIMARY KEY (site, signature));
            """
        )
        self._boilerplate: OrderedDict[str, frozenset[str]] = OrderedDict()

    def close(self) -> None:
        self._db.close()

    def pages(self, site: str) -> int:
        row = self._db.execute("SELECT pages FROM sites WHERE site = ?", (site,)).fetchone()
        return row[0] if row else 0

    def knows(self, site: str, url_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM pages WHERE site = ? AND url_id = ?", (site, url_id)).fetchone() is not None

    def learn(self, site: str | None, url_id: str, signatures: Iterable[str]) -> bool:
        """Count one page's signatures for its site; False (nothing learned) for a known URL or no site."""
        if not site or self.knows(site, url_id):
            return False
        with self._db:
            count = self.pages(site) + 1
            self._db.execute("INSERT OR REPLACE INTO sites VALUES (?, ?)", (site, count))
            self._db.execute("INSERT INTO pages VALUES (?, ?, ?)", (site, url_id, count))
            self._db.executemany(
                "INSERT INTO signatures VALUES (?, ?, 1) ON CONFLICT (site, signature) DO UPDATE SET pages = pages + 1",
                [(site, s) for s in set(signatures)],
            )
            self._bound(site, count)
        self._boilerplate.pop(site, None)
        return True

    def _bound(self, site: str, count: int) -> None:
        """Forget the rarest signatures and the oldest URLs once a site passes its bounds."""
        (n,) = self._db.execute("SELECT COUNT(*) FROM signatures WHERE site = ?", (site,)).fetchone()
        if n > MAX_SIGNATURES_PER_SITE:
            self._db.execute(
                "DELETE FROM signatures WHERE site = ? AND signature IN (SELECT signature FROM signatures WHERE site = ?"
                " ORDER BY pages ASC LIMIT ?)",
                (site, site, n - MAX_SIGNATURES_PER_SITE // 2),
            )
        if count > MAX_URLS_PER_SITE:
            self._db.execute("DELETE FROM pages WHERE site = ? AND seq <= ?", (site, count - MAX_URLS_PER_SITE))

    def snapshot(self, site: str | None) -> TemplateSnapshot:
        """The site's boilerplate now, for extraction in another process."""
        return TemplateSnapshot(site, self.boilerplate(site))

    def boilerplate(self, site: str | None) -> frozenset[str]:
        """Signatures the site's template says are boilerplate (empty before MIN_PAGES pages)."""
        if not site:
            return frozenset()
        if site in self._boilerplate:
            self._boilerplate.move_to_end(site)
            return self._boilerplate[site]
        pages = self.pages(site)
        if pages < MIN_PAGES:
            return frozenset()
        rows = self._db.execute("SELECT signature FROM signatures WHERE site = ? AND pages >= ?", (site, need(pages)))
        learned = self._boilerplate[site] = frozenset(r[0] for r in rows)
        if len(self._boilerplate) > CACHED_SITES:
            self._boilerplate.popitem(last=False)
        return learned

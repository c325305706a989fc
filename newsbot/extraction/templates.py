"""Learned per-site templates: blocks that recur on many of a site's recent pages are its boilerplate.

Rules only know boilerplate someone wrote a pattern for. A site's own chrome
(its widgets, footers, promos in a language no table covers) repeats on every
page, so counting where each block sits and what it says, per site, finds it
with no per-site code. A block's first *signature* is a hash of its DOM path
(tags and class tokens, digits masked so generated class names and changing
numbers still match) and its normalized text. A block that stands alone (no
words directly in its parent: a label, a sign-off line, a menu entry) has a
second one, of its own tag and classes and its text wherever it sits, so a
label learned on a site's ordinary pages still goes on a long read or a
gallery page that places it elsewhere; a word linked inside a sentence never
stands alone, so it never matches a menu entry. Blocks are signed on the whole
page, before a site's hints move its content root, so hints never change a
signature. Each distinct URL counts once, so re-extracting a page never
teaches newsbot that its own text is boilerplate.

Counts are a share of the site's recent pages: each page weighs ``1 - 1/window``
times the page after it, so a block's weight over the site's total weight is
its share of (about) the last ``window`` pages. A block on a quarter of a big
site's pages stays a quarter, and a redesign's blocks take over from the old
ones within the window.

This module is the learning logic and runs inside extraction: blocks are signed
on the intact parsed page (stage 3), and the site's boilerplate blocks are dropped
right after hints (stage 5), before the generic cleaning rules and trafilatura.
The stores that keep the counts are in :mod:`newsbot.state.template_store` (SQLite)
and :mod:`newsbot.state.redis_store` (Redis); the core reaches them only through
:class:`TemplateStore`. Both are bounded: each site keeps at most
``MAX_SIGNATURES_PER_SITE`` signatures, the lightest pruned first, and a site's
memory of URLs is bounded too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from lxml.html import HtmlElement

from .clean import Removal, fold, text_of

# From a site's fourth distinct page on, what its template says is removed.
MIN_PAGES = 4
# A signature seen on at least this share of a site's recent pages (and at least MIN_PAGES - 1 times) is boilerplate.
MIN_SHARE = 0.5
# The recent pages that share is taken over: a page this many pages old weighs 1/e of the newest.
WINDOW = 1000
# Float slack when a weight is compared with its threshold (both stores compute both in doubles).
_SLACK = 1e-9
# Bounds that keep the store (and memory) flat however many pages and sites a crawl sees.
MAX_SIGNATURES_PER_SITE = 4000
MAX_URLS_PER_SITE = 5000
# Text longer than this is story text whatever its position: never a template block.
MAX_BLOCK_CHARS = 600

_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"\w")
_TEXT_TAGS = frozenset({"p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "a", "span", "div", "b", "strong", "small", "figcaption", "caption", "label", "button"})


def _step(el: HtmlElement) -> str:
    classes = sorted({_DIGITS.sub("0", c) for c in (el.get("class") or "").split()})
    return el.tag + "".join(f".{c}" for c in classes)


def _own_texts(el: HtmlElement) -> Iterator[str]:
    """Text that sits directly in the element (not in child elements), piece by piece."""
    return (t for t in (el.text, *(c.tail for c in el)) if t and not t.isspace())


def _has_own_text(el: HtmlElement) -> bool:
    """``any(_own_texts(el))`` without the generator: asked of every element of every page."""
    text = el.text
    return bool(text and not text.isspace()) or any(c.tail and not c.tail.isspace() for c in el)


def _holds_no_words(parent: HtmlElement) -> bool:
    """No words directly in a block's parent: the block is a line or label of its own (a menu entry,
    a meta line's part), not a phrase inside a sentence or beside a label."""
    return not any(_WORD.search(t) for t in _own_texts(parent))


def _hash(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class TemplateBlock:
    signatures: tuple[str, ...]
    """Where it sits and what it says; then, for a block that stands alone, what it is and says wherever it sits."""
    element: HtmlElement
    text: str
    """Visible text, white space collapsed (the signatures use its folded form)."""


def template_blocks(tree: HtmlElement) -> Iterator[TemplateBlock]:
    """Elements that hold text of their own, with their signatures, in document order.

    Sign the page before hints move its content root: a signature holds the block's path in the whole page.
    """
    body = tree.find("body")
    if body is None:
        return
    paths: dict[HtmlElement, str] = {body: "body"}
    steps: dict[tuple[str, str | None], str] = {}  # a page repeats a few tag and class pairs many times
    alone: dict[HtmlElement, bool] = {}  # _holds_no_words by parent: siblings share the answer
    for el in body.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        key = (el.tag, el.get("class"))
        step = steps.get(key) or steps.setdefault(key, _step(el))
        parent = el.getparent()
        path = paths[el] = f"{paths.get(parent, '?')}/{step}"
        if el.tag not in _TEXT_TAGS or not _has_own_text(el):
            continue
        text = text_of(el)
        if not text or len(text) > MAX_BLOCK_CHARS:
            continue
        said = _DIGITS.sub("0", fold(text))
        if parent not in alone:
            alone[parent] = _holds_no_words(parent)
        anywhere = (_hash(f"~{step}\n{said}"),) if alone[parent] else ()  # "~": no path starts with it
        yield TemplateBlock((_hash(f"{path}\n{said}"), *anywhere), el, text)


class Templates(Protocol):
    """What extraction reads from learned templates: a site's boilerplate signatures."""

    def boilerplate(self, site: str | None) -> frozenset[str]: ...


class TemplateStore(Templates, Protocol):
    """What learning writes to as well: the stores in :mod:`newsbot.state` (SQLite, Redis) implement it.

    The core never opens a store; whoever runs it passes one in (or a :class:`TemplateSnapshot`).
    """

    def learn(self, site: str | None, url_id: str, signatures: Iterable[str]) -> bool:
        """Count one page's signatures for its site; False (nothing learned) for a known URL or no site."""
        ...

    def snapshot(self, site: str | None) -> TemplateSnapshot:
        """The site's boilerplate now, for extraction in another process."""
        return TemplateSnapshot(site, self.boilerplate(site))


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


def remove_template_blocks(
    tree: HtmlElement, blocks: Iterable[TemplateBlock], boilerplate: frozenset[str]
) -> list[Removal]:
    """Drop the blocks (signed on the whole page) with a boilerplate signature that are still in ``tree``: hints
    may have dropped some, with whatever lay outside the content root, and a block may have gone with its parent."""
    removed = []
    for block in blocks:
        matched = next((s for s in block.signatures if s in boilerplate), None)
        if matched is not None and any(a is tree for a in block.element.iterancestors()):
            removed.append(Removal(f"template:{matched}", block.text))
            block.element.drop_tree()
    return removed


def decay_per_page(window: int) -> float:
    """What a page weighs next to the page after it, for a share over about the last ``window`` pages."""
    if window < 1:
        raise ValueError(f"template window must be at least 1 page, not {window}")
    return 1 - 1 / window


def total_weight(pages: int, decay: float) -> float:
    """A site's weight after ``pages`` pages: what a signature seen on every one of them weighs."""
    return (1 - decay**pages) / (1 - decay)


def threshold(site_weight: float) -> float:
    """The weight at which a signature is boilerplate on a site of ``site_weight``."""
    return MIN_SHARE * site_weight - _SLACK

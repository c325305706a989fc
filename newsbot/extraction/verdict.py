"""Is this page one article? The verdict and, when not, the reason a crawl reports.

Its signals are read from the intact page (stage 3); the verdict is given on the extracted blocks (stage 12).

A page is weighed twice: what says "one article" (a declared article type, a declared
publication date, a byline, a dated URL) against what says another kind of page (a
product, a category, a listing, a forum thread, documentation, a service page), read
from the intact page before cleaning: declared types, URL folders, buy buttons and
prices, code blocks, headline cards. The tables are ``patterns/page_kinds.json`` and
``newsbot/urls/url_shapes.json``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from ..urls import is_home_page, load_url_table
from .blocks import LinkTexts
from .clean import MIN_HEADLINE_CHARS, fold
from .metadata import PUBLISHED_META, Metadata
from .page import ARTICLE_TYPES, ParsedPage, jsonld_types
from .patterns import load_patterns
from .record import Block

# A body shorter than this (in Latin-letter equivalents, see ``text_weight``) is a stub,
# a gallery or a teaser, not an article.
MIN_ARTICLE_CHARS = 300
# Pages that declare themselves articles (og:type, JSON-LD) may be shorter.
MIN_DECLARED_ARTICLE_CHARS = 150
# A Chinese, Japanese or Korean character carries about as much text as two to three
# Latin letters (a 150-character Chinese story is about 100 English words), so it counts
# this much towards the length thresholds. Thai is written with an alphabet: one letter each.
WIDE_SCRIPT_WEIGHT = 2.5
_WIDE_SCRIPT = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
# Page types that say "not one article".
NON_ARTICLE_TYPES = frozenset({"website", "profile", "collectionpage", "itemlist", "searchresultspage", "webpage"})
# A body made of headlines linking elsewhere at least this much is a section or tag page.
LISTING_SHARE = 0.4
MIN_LISTING_HEADLINES = 3
# A card's teaser (the element right after a heading that is one link to another page) is this long.
MIN_TEASER_CHARS, MAX_TEASER_CHARS = 20, 400
TEASER_TAGS = frozenset({"p", "div", "span"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# A page with at least this many buy buttons sells several items: a category page.
MIN_CATEGORY_BUY_BUTTONS = 3
# Documentation shows code: at least this many <pre> blocks.
MIN_CODE_BLOCKS = 3
# Weights of the evidence for a kind of page: a declared type, a weak type, any one other signal.
TYPE_WEIGHT, WEAK_TYPE_WEIGHT, SIGNAL_WEIGHT = 2.0, 1.0, 1.0
# A kind wins over the article when its evidence reaches this and outweighs the article's.
MIN_KIND_EVIDENCE = 2.0


def text_weight(text: str) -> float:
    """Length in Latin-letter equivalents: each CJK character counts ``WIDE_SCRIPT_WEIGHT``.

    >>> text_weight("abc"), text_weight("東京都")
    (3.0, 7.5)
    """
    wide = len(_WIDE_SCRIPT.findall(text))
    return len(text) - wide + wide * WIDE_SCRIPT_WEIGHT


@lru_cache(maxsize=1)
def _url_kinds() -> dict[str, tuple[re.Pattern[str], ...]]:
    kinds = load_url_table("url_shapes")["page_kinds"]
    return {kind: tuple(re.compile(p, re.I) for p in patterns) for kind, patterns in kinds.items()}


@lru_cache(maxsize=2)
def _story_shapes(table: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in load_url_table("url_shapes")[table])


@lru_cache(maxsize=1)
def _kind_table() -> dict[str, Any]:
    return load_patterns("page_kinds")


def _path(url: str | None) -> str:
    parts = urlsplit(url or "")
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def article_like_url(url: str | None) -> bool:
    """A URL shaped like a story (``url_shapes.json``: a date or a long numeric id, or a story's
    name, a long slug, where no folder names another kind of page)."""
    path = urlsplit(url or "").path
    if any(p.search(path) for p in _story_shapes("story")):
        return True
    return any(p.search(path) for p in _story_shapes("story_name")) and not url_kinds(path)  # the path's folders


def url_kinds(url: str | None) -> set[str]:
    """The page kinds (drop reasons) whose folders the URL's path names."""
    target = _path(url)
    return {kind for kind, patterns in _url_kinds().items() if any(p.search(target) for p in patterns)}


@dataclass(frozen=True)
class PageSignals:
    """What the intact page says about its kind; read before cleaning strips scripts, forms and buttons."""

    types: frozenset[str] = frozenset()
    """Declared types: og:type, JSON-LD @type and microdata itemtype, lowercased."""
    dated: bool = False
    """The page declares a publication date (a meta tag or JSON-LD ``datePublished``)."""
    prices: int = 0
    """Price fields (``product:price:amount``, ``itemprop="price"``)."""
    buy_buttons: int = 0
    """Buttons and links whose text adds to a cart or buys."""
    code_blocks: int = 0
    """``<pre>`` blocks."""
    teasers: frozenset[str] = frozenset()
    """Folded teaser texts of the page's cards: the element right after a heading that is all one link
    to another page (a section index shows a headline and a one-line teaser per story)."""


def _buy_buttons(body: HtmlElement) -> int:
    phrases: tuple[str, ...] = tuple(_kind_table()["buy"])
    count = 0
    for el in body.iter("button", "a", "input"):
        text = el.get("value") if el.tag == "input" else el.text_content()
        if text and " ".join(text.split()).casefold().startswith(phrases):
            count += 1
    return count


def _card_teasers(body: HtmlElement, url: str) -> frozenset[str]:
    """The teasers of headline cards: an h2–h4 that is (nearly) all one link to another page,
    followed by an element of teaser length."""
    own = url.split("#")[0]
    teasers = set()
    for heading in body.iter("h2", "h3", "h4"):
        link = next(heading.iter("a"), None)
        if link is None or not link.get("href") or urljoin(url, link.get("href")).split("#")[0] == own:
            continue
        link_text = fold(link.text_content())
        if len(link_text) < MIN_HEADLINE_CHARS or len(link_text) < 0.8 * len(fold(heading.text_content())):
            continue
        # the teaser: the first sibling before the next heading long enough to be one (a date may come between)
        for sibling in heading.itersiblings():
            if sibling.tag in HEADING_TAGS:
                break
            if sibling.tag in TEASER_TAGS and MIN_TEASER_CHARS <= len(text := fold(sibling.text_content())) <= MAX_TEASER_CHARS:
                teasers.add(text)
                break
    return frozenset(teasers)


def page_signals(page: ParsedPage) -> PageSignals:
    """Read the page's kind signals from the intact tree (call before cleaning)."""
    types = {t for obj in page.jsonld for t in jsonld_types(obj)}
    types |= {t.casefold() for t in page.meta.get("og:type", [])}
    body = page.tree.find("body")
    for el in page.tree.iter():
        if isinstance(el.tag, str) and (itemtype := el.get("itemtype")):
            types |= {t.rstrip("/").rsplit("/", 1)[-1].casefold() for t in itemtype.split()}
    dated = any(page.meta.get(key) for key in PUBLISHED_META) or any("datePublished" in obj for obj in page.jsonld)
    prices = len(page.meta.get("product:price:amount", [])) + len(page.meta.get("og:price:amount", []))
    prices += len(page.tree.xpath("//*[@itemprop='price']"))
    if body is None:
        return PageSignals(frozenset(types), dated, prices)
    return PageSignals(
        types=frozenset(types),
        dated=dated,
        prices=prices,
        buy_buttons=_buy_buttons(body),
        code_blocks=sum(1 for _ in body.iter("pre")),
        teasers=_card_teasers(body, page.url),
    )


def headline_share(blocks: list[Block], links: LinkTexts, teasers: frozenset[str] = frozenset()) -> tuple[float, int]:
    """Share of body text (and count of blocks) that is a headline (starts with the text of a link
    on the page) or a card's teaser."""
    total = sum(len(b.text) for b in blocks) or 1
    headlines = [b for b in blocks if links.headline_prefix(b.text) or fold(b.text) in teasers]
    return sum(len(b.text) for b in headlines) / total, len(headlines)


def kind_evidence(signals: PageSignals, url: str | None) -> dict[str, float]:
    """How strongly the page looks like each kind of non-article page (drop reason -> weight)."""
    table = _kind_table()
    evidence: defaultdict[str, float] = defaultdict(float)
    for kind, types in table["types"].items():
        if signals.types & set(types):
            evidence[kind] += TYPE_WEIGHT
    for kind, types in table["weak_types"].items():
        if signals.types & set(types):
            evidence[kind] += WEAK_TYPE_WEIGHT
    for kind in url_kinds(url):
        evidence[kind] += SIGNAL_WEIGHT
    if signals.buy_buttons >= MIN_CATEGORY_BUY_BUTTONS:
        evidence["category_page"] += SIGNAL_WEIGHT
    elif signals.buy_buttons:
        evidence["product_page"] += SIGNAL_WEIGHT
    if signals.prices:
        evidence["product_page"] += SIGNAL_WEIGHT
    if signals.code_blocks >= MIN_CODE_BLOCKS:
        evidence["documentation_page"] += SIGNAL_WEIGHT
    if url and is_home_page(url):
        evidence["listing_page" if len(signals.teasers) >= MIN_LISTING_HEADLINES else "service_page"] += TYPE_WEIGHT
    return evidence


def article_evidence(meta: Metadata, signals: PageSignals, url: str | None) -> float:
    """How strongly the page says "one article": declared type, declared date, byline, story-shaped URL."""
    declared = bool(signals.types & (ARTICLE_TYPES - {"techarticle"}))
    return float(declared + signals.dated + bool(meta.authors) + article_like_url(url))


def article_verdict(
    blocks: list[Block], links: LinkTexts, meta: Metadata, signals: PageSignals, url: str | None
) -> str | None:
    """None for an article, else the drop reason."""
    chars = sum(text_weight(b.text) for b in blocks)
    if chars == 0:
        return "empty_body"
    types = meta.types
    declared = any("article" in t or "posting" in t for t in types)
    if chars < (MIN_DECLARED_ARTICLE_CHARS if declared else MIN_ARTICLE_CHARS):
        return "too_short"
    share, count = headline_share(blocks, links, signals.teasers)
    if share >= LISTING_SHARE and count >= MIN_LISTING_HEADLINES:
        return "listing_page"
    evidence = kind_evidence(signals, url)
    if evidence:
        kind, weight = max(evidence.items(), key=lambda item: (item[1], item[0]))
        article = article_evidence(meta, signals, url)
        if weight >= MIN_KIND_EVIDENCE and weight >= article:
            return kind
        if article == 0 and not declared and not meta.dated:
            return kind  # nothing at all says article (not even a date in the text): a weak sign names the page
    if not declared and types & NON_ARTICLE_TYPES and chars < 3 * MIN_ARTICLE_CHARS:
        return "not_article_type"
    if not declared and not meta.dated and not article_like_url(url):
        return "no_article_signals"
    return None

"""Is this page one article? The verdict and, when not, the reason a crawl reports."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .blocks import LinkTexts
from .record import Block

# A body shorter than this is a stub, a gallery or a teaser, not an article.
MIN_ARTICLE_CHARS = 300
# Pages that declare themselves articles (og:type, JSON-LD) may be shorter.
MIN_DECLARED_ARTICLE_CHARS = 150
# Page types that say "not one article".
NON_ARTICLE_TYPES = frozenset({"website", "profile", "collectionpage", "itemlist", "searchresultspage", "webpage"})
# A body made of headlines linking elsewhere at least this much is a section or tag page.
LISTING_SHARE = 0.4
MIN_LISTING_HEADLINES = 3

_DATE_IN_PATH = re.compile(r"(?:^|[/_-])(?:19|20)\d{2}(?:[/_-]?\d{1,2}){0,2}(?:[/_.-]|$)")
_ID_IN_PATH = re.compile(r"\d{4,}")
_SLUG_WORDS = re.compile(r"[-_]")


def article_like_url(url: str | None) -> bool:
    """A URL shaped like a story: a date, a long numeric id or a slug of three or more words."""
    if not url:
        return False
    path = urlsplit(url).path
    last = path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return bool(_DATE_IN_PATH.search(path) or _ID_IN_PATH.search(path) or len(_SLUG_WORDS.split(last)) >= 3)


def headline_share(blocks: list[Block], links: LinkTexts) -> tuple[float, int]:
    """Share of body text (and count of blocks) that starts with the text of a link on the page."""
    total = sum(len(b.text) for b in blocks) or 1
    headlines = [b for b in blocks if links.headline_prefix(b.text)]
    return sum(len(b.text) for b in headlines) / total, len(headlines)


def article_verdict(
    blocks: list[Block], links: LinkTexts, types: set[str], published: str | None, url: str | None
) -> str | None:
    """None for an article, else the drop reason."""
    chars = sum(len(b.text) for b in blocks)
    if chars == 0:
        return "empty_body"
    declared = any("article" in t or "posting" in t for t in types)
    if chars < (MIN_DECLARED_ARTICLE_CHARS if declared else MIN_ARTICLE_CHARS):
        return "too_short"
    share, count = headline_share(blocks, links)
    if share >= LISTING_SHARE and count >= MIN_LISTING_HEADLINES:
        return "listing_page"
    if not declared and types & NON_ARTICLE_TYPES and chars < 3 * MIN_ARTICLE_CHARS:
        return "not_article_type"
    if not declared and published is None and not article_like_url(url):
        return "no_article_signals"
    return None

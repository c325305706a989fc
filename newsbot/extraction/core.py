"""The extraction cascade: decode, parse once, clean, main text, metadata, record."""

from __future__ import annotations

from collections.abc import Mapping

import trafilatura
from lxml.html import HtmlElement

from .. import __version__
from .blocks import LinkTexts, body_blocks, drop_noise, place_lead, site_names
from .clean import clean_tree, count_shown
from .decode import decode_html
from .metadata import detect_language, read_metadata
from .page import ExtractionError, Page, parse_html
from .record import Article, Block, content_hash
from .structure import divs_to_paragraphs, split_double_breaks, unwrap_layout_tables
from .urls import is_home_page, site_of, url_id
from .verdict import article_verdict

def _canonical(page: Page, site: str | None) -> str | None:
    """The canonical link, kept only when it is on the page's own site and not a home page."""
    href = page.canonical
    if not href or not href.startswith(("http://", "https://")):
        return None
    if site is not None and site_of(href) != site:
        return None
    return None if is_home_page(href) else href


# At most this many blocks from the fast path means it dumped the whole page or found nothing …
FEW_BLOCKS = 2
# … and a short result holding less than this share of the page's paragraph text means it
# stopped early. (A long result may rightly skip a second story appended below the first.)
SHORT_RESULT_CHARS = 1500
MIN_PARAGRAPH_SHARE = 0.5
STORY_PARAGRAPH_CHARS = 80


def _stopped_early(blocks: list[Block], tree: HtmlElement) -> bool:
    chars = sum(len(b.text) for b in blocks)
    if chars >= SHORT_RESULT_CHARS:
        return False
    paragraphs = sum(n for p in tree.iter("p") if (n := len(p.text_content())) >= STORY_PARAGRAPH_CHARS)
    return chars < MIN_PARAGRAPH_SHARE * paragraphs


def _better_retry(blocks: list[Block], retry: list[Block]) -> bool:
    if len(blocks) <= FEW_BLOCKS:
        return len(retry) > len(blocks)
    return sum(len(b.text) for b in retry) > sum(len(b.text) for b in blocks)


def main_text(tree: HtmlElement, url: str, fast: bool) -> list[Block]:
    """trafilatura's main-content step on our cleaned tree (it works on its own copy)."""
    doc = trafilatura.bare_extraction(tree, url=url, fast=fast, include_comments=False, include_tables=True)
    return body_blocks(doc.body if doc is not None else None)


def extract(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> Article:
    """Turn one fetched page into an article record (fetch fields left empty).

    Same bytes, URL and headers always give the same record.
    """
    if not body or not body.strip():
        raise ExtractionError("empty document")
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    decoded = decode_html(body, lowered.get("content-type"))
    page = Page.from_tree(parse_html(decoded.text), url)
    meta = read_metadata(page)

    site = site_of(url)
    canonical = _canonical(page, site)
    if site is None and canonical is not None:
        site = site_of(canonical)  # a saved file knows its site only from its canonical link

    # Metadata has read the intact tree; from here on it is cleaned in place.
    cleaned = page.tree
    if (body_el := cleaned.find("body")) is not None:
        unwrap_layout_tables(body_el)
    clean_tree(cleaned)
    if body_el is not None:
        split_double_breaks(body_el)
        divs_to_paragraphs(body_el)
    links = LinkTexts(cleaned)
    names = site_names(meta.sitename, site)
    blocks, _ = drop_noise(main_text(cleaned, url, fast=True), meta.title, names, links)
    if len(blocks) <= FEW_BLOCKS or _stopped_early(blocks, cleaned):
        # trafilatura's fast path dumped the page, found nothing or stopped early: its full
        # cascade (readability/justext comparison) is worth the extra time on this page
        retry, _ = drop_noise(main_text(cleaned, url, fast=False), meta.title, names, links)
        if _better_retry(blocks, retry):
            blocks = retry
    blocks, lead = place_lead(blocks, meta.descriptions, lambda text: count_shown(cleaned, text))

    paragraphs = [b.text for b in blocks]
    body_text = "\n\n".join(paragraphs)
    drop_reason = article_verdict(blocks, links, meta.types, meta.published, canonical or url)
    return Article(
        url=url,
        id=url_id(canonical or url),
        canonical_url=canonical,
        site=site,
        title=meta.title,
        lead=lead,
        body=body_text,
        blocks=blocks,
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        language=detect_language(body_text, meta.language_declared),
        tags=meta.tags,
        image=meta.image,
        content_hash=content_hash(paragraphs),
        extractor_version=__version__,
        is_article=drop_reason is None,
        drop_reason=drop_reason,
    )

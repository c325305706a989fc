"""The extraction cascade: decode, parse once, clean, main text, metadata, record."""

from __future__ import annotations

from collections.abc import Mapping

import lxml.html
import trafilatura
from lxml import etree

from .. import __version__
from .decode import decode_html
from .record import Article, Block, content_hash
from .urls import site_of, url_id


class ExtractionError(ValueError):
    """The input cannot be read as an HTML page at all (empty, binary, not markup)."""


def parse_html(text: str) -> lxml.html.HtmlElement:
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as err:
        raise ExtractionError(f"not an HTML document: {err}") from err
    return tree


def extract(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> Article:
    """Turn one fetched page into an article record (fetch fields left empty)."""
    if not body or not body.strip():
        raise ExtractionError("empty document")
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    decoded = decode_html(body, headers.get("content-type"))
    tree = parse_html(decoded.text)
    doc = trafilatura.bare_extraction(tree, url=url, fast=True, include_comments=False, with_metadata=True)
    blocks = []
    if doc is not None and doc.body is not None:
        blocks = [Block("paragraph", " ".join(el.itertext()).strip()) for el in doc.body if "".join(el.itertext()).strip()]
    paragraphs = [b.text for b in blocks]
    article = Article(
        url=url,
        id=url_id(url),
        site=site_of(url),
        title=doc.title if doc else None,
        body="\n\n".join(paragraphs),
        blocks=blocks,
        content_hash=content_hash(paragraphs),
        extractor_version=__version__,
        is_article=bool(paragraphs),
        drop_reason=None if paragraphs else "empty_body",
    )
    return article

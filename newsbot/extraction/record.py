"""The article record: the one JSON object per article that every output carries.

Built last (stage 14), from the blocks and metadata the earlier stages produced.

The contract is ``article.schema.json`` beside this module (JSON Schema 2020-12): field names and
their order are fixed, new fields are additions at the end, and each addition (or change of meaning) takes the
next ``schema_version``: 2 added publisher, description, section, images, word_count, published_utc, warc_file
and warc_record_id; 3 added the ``code`` block type.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 3

_SPACE = re.compile(r"\s+")
# Chinese and Japanese write no spaces between words: each Han, Hiragana or Katakana character counts as a
# word (as word counters for these languages do); every other run of word characters (Hangul too) is one.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_WORD = re.compile(f"[{_UNSPACED}]|(?:(?![{_UNSPACED}])\\w)+")


@dataclass
class Block:
    """One structural piece of the body, in reading order."""

    type: str
    """One of paragraph, heading, quote, list_item, table, code."""
    text: str


@dataclass
class Article:
    """Every field is always present in the JSON; unknown values are None or empty."""

    url: str
    """Final URL after redirects (``file://`` for a local file, ``stdin:`` for standard input)."""
    id: str | None = None
    """sha256 hex of the normalized canonical URL, else of the normalized final URL."""
    requested_url: str | None = None
    """The URL that was asked for, before redirects (fetch field)."""
    canonical_url: str | None = None
    """The page's canonical link, kept only when it is on the same site and not the home page."""
    site: str | None = None
    """Lowercased host without a leading ``www.``; subdomain editions are distinct sites."""
    source: str | None = None
    """Name of the site config that produced this record, if any."""
    title: str | None = None
    """The headline, without the site name."""
    lead: str | None = None
    """The standfirst; when present it is also the first paragraph of ``body``."""
    body: str = ""
    """Paragraphs and sub-headings joined by a blank line."""
    blocks: list[Block] = field(default_factory=list)
    """The body's paragraphs and headings with their kind, in reading order."""
    authors: list[str] = field(default_factory=list)
    """People's names, each once; never the site's own name."""
    published: str | None = None
    """ISO 8601, as precise as the page gives; a time zone only when the page gives one."""
    modified: str | None = None
    language: str | None = None
    """ISO 639-1 code."""
    tags: list[str] = field(default_factory=list)
    """Keywords and categories the page declares."""
    image: str | None = None
    """The lead image's URL, made absolute when the page URL is http(s)."""
    fetched_at: str | None = None
    """UTC ISO 8601 time of the fetch (fetch field)."""
    http_status: int | None = None
    """HTTP status of the final response (fetch field)."""
    content_hash: str | None = None
    """sha256 hex of ``body`` in its normal form (see :func:`content_hash`)."""
    extractor_version: str | None = None
    """newsbot version that made the record: records of one version are comparable."""
    is_article: bool = False
    """False for pages that are not one article (listings, stubs); such records are flagged, not dropped."""
    drop_reason: str | None = None
    """Why the page is not an article; None when ``is_article`` is true."""
    schema_version: int = SCHEMA_VERSION
    version: int = 1
    """1 when first exported; + 1 each time the article is exported again because its text changed."""
    duplicate_of: str | None = None
    """The ``id`` of the article this one is a near-duplicate of (another URL or site), if any."""
    publisher: str | None = None
    """The publisher's display name (og:site_name, else the JSON-LD publisher's name)."""
    description: str | None = None
    """The summary the page declares (meta description, else og, twitter or JSON-LD description)."""
    section: str | None = None
    """The site section (article:section, else JSON-LD articleSection, else the last breadcrumb above the page)."""
    images: list[dict[str, str | None]] = field(default_factory=list)
    """Every picture of the article once, ``{url, caption, credit}``, the lead image first (see ``images.py``)."""
    word_count: int = 0
    """Words of ``body`` (see :func:`word_count`)."""
    published_utc: str | None = None
    """``published`` as UTC (``…Z``); None when the page gives no time or no time zone."""
    warc_file: str | None = None
    """File name of the WARC holding the page's raw capture (in ``<output>/warc/<site>/``; fetch field)."""
    warc_record_id: str | None = None
    """``WARC-Record-ID`` of the page's response record in ``warc_file`` (fetch field)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object, fields in declaration order (blocks as plain objects)."""
        return asdict(self)


def normal_paragraph(text: str) -> str:
    """NFC and one space for every run of white space: the form hashes and comparisons use."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def word_count(text: str) -> int:
    """Runs of word characters (``\\w+``), with each Chinese or Japanese character counted as one word."""
    return sum(1 for _ in _WORD.finditer(text))


def content_hash(paragraphs: list[str]) -> str:
    """sha256 of the body after NFC, white space collapsed per paragraph, joined by a blank line."""
    text = "\n\n".join(p for p in map(normal_paragraph, paragraphs) if p)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

"""The record in other vocabularies, for ``newsbot extract --format``: schema.org ``NewsArticle`` (JSON-LD)
and Zyte's Article. docs/record.md has the field-by-field table and what each side has that the other lacks.

Both are views of the newsbot record, not a second extractor: a field the record leaves empty is left
out (JSON-LD and Zyte's items omit what is unknown rather than write null).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

SCHEMA_ORG = "https://schema.org"
# Properties schema.org defines on Article only: a page that is not one article is a WebPage, its text ``text``.
_ARTICLE_ONLY = ("articleBody", "articleSection", "wordCount")


def _present(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the unknown: None, "" and empty lists go."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def to_schemaorg(record: Mapping[str, Any]) -> dict[str, Any]:
    """A schema.org ``NewsArticle`` (``WebPage`` for a page that is not one article), as JSON-LD."""
    item = _present(
        {
            "@context": SCHEMA_ORG,
            "@type": "NewsArticle" if record.get("is_article") else "WebPage",
            "identifier": record.get("id"),
            "url": record.get("url"),
            "mainEntityOfPage": record.get("canonical_url"),
            "headline": record.get("title"),
            "abstract": record.get("lead"),
            "description": record.get("description"),
            "articleBody": record.get("body"),
            "articleSection": record.get("section"),
            "wordCount": record.get("word_count") if record.get("body") else None,
            "author": [{"@type": "Person", "name": name} for name in record.get("authors") or []],
            "datePublished": record.get("published"),
            "dateModified": record.get("modified"),
            "inLanguage": record.get("language"),
            "keywords": record.get("tags"),
            "image": [
                _present({"@type": "ImageObject", "url": image["url"], "caption": image.get("caption"),
                          "creditText": image.get("credit")})
                for image in record.get("images") or []
            ],
            "publisher": _present({"@type": "Organization", "name": record.get("publisher")})
            if record.get("publisher")
            else None,
            "version": record.get("version"),
        }
    )
    if item["@type"] == "WebPage":
        if "articleBody" in item:
            item["text"] = item["articleBody"]
        item = {key: value for key, value in item.items() if key not in _ARTICLE_ONLY}
    return item


def _utc_seconds(value: str | None) -> str | None:
    """An ISO 8601 time as Zyte's ``YYYY-MM-DDThh:mm:ssZ``."""
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_zyte(record: Mapping[str, Any]) -> dict[str, Any]:
    """Zyte's Article (Zyte API ``article``, zyte-common-items ``Article``)."""
    images = [{"url": image["url"]} for image in record.get("images") or []]
    return _present(
        {
            "url": record.get("url"),
            "canonicalUrl": record.get("canonical_url"),
            "headline": record.get("title"),
            # Zyte: "If the actual publication date is not found, dateModified value is taken."
            "datePublished": record.get("published") or record.get("modified"),
            "dateModified": record.get("modified"),
            "authors": [{"name": name} for name in record.get("authors") or []],
            "inLanguage": record.get("language"),
            "mainImage": images[0] if images else None,
            "images": images,
            "description": record.get("description"),
            "articleBody": record.get("body"),
            "metadata": _present(
                {
                    "probability": 1.0 if record.get("is_article") else 0.0,
                    "dateDownloaded": _utc_seconds(record.get("fetched_at")),
                }
            ),
        }
    )


FORMATS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "jsonl": dict,
    "schemaorg": to_schemaorg,
    "zyte": to_zyte,
}
"""``--format`` name -> the record as that format writes it (one JSON object a line in each)."""

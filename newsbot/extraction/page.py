"""The parsed page bundle: tree, meta tags and JSON-LD read once, shared by every step."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

# JSON-LD types that describe one article (schema.org and its common subtypes).
ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "reviewnewsarticle", "backgroundnewsarticle", "blogposting", "liveblogposting", "report",
        "scholarlyarticle", "techarticle", "socialmediaposting", "advertisercontentarticle", "satiricalarticle",
    }
)


class ExtractionError(ValueError):
    """The input cannot be read as an HTML page at all (empty, binary, not markup)."""


def parse_html(text: str) -> HtmlElement:
    """Parse once; the one place markup becomes a tree."""
    if "\x00" in text[:2048]:
        raise ExtractionError("binary data, not an HTML document")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as err:
        raise ExtractionError(f"not an HTML document: {err}") from err


def _flatten_jsonld(data: Any) -> list[dict[str, Any]]:
    """Every object of a JSON-LD script: @graph members, nested lists and a WebPage's mainEntity included."""
    if isinstance(data, list):
        return [obj for item in data for obj in _flatten_jsonld(item)]
    if not isinstance(data, dict):
        return []
    nested = [value for key in ("@graph", "mainEntity") if (value := data.get(key)) is not None]
    return [data, *(obj for value in nested for obj in _flatten_jsonld(value))]


def jsonld_types(obj: dict[str, Any]) -> set[str]:
    types = obj.get("@type")
    items = types if isinstance(types, list) else [types]
    return {str(t).rsplit("/", 1)[-1].casefold() for t in items if t}


@dataclass
class Page:
    tree: HtmlElement
    url: str
    meta: dict[str, list[str]] = field(default_factory=dict)
    """Meta tag contents keyed by lowercased name, property, itemprop or http-equiv."""

    @classmethod
    def from_tree(cls, tree: HtmlElement, url: str) -> Page:
        meta: dict[str, list[str]] = {}
        for el in tree.iter("meta"):
            content = el.get("content")
            key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
            if key and content and content.strip():
                meta.setdefault(key.strip().lower(), []).append(content.strip())
        return cls(tree=tree, url=url, meta=meta)

    def first_meta(self, *keys: str) -> str | None:
        for key in keys:
            values = self.meta.get(key)
            if values:
                return values[0]
        return None

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        objects: list[dict[str, Any]] = []
        for script in self.tree.iter("script"):
            if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
                continue
            try:
                objects.extend(_flatten_jsonld(json.loads(script.text)))
            except ValueError:
                continue  # broken JSON-LD is common; the rest of the page still counts
        return objects

    @cached_property
    def jsonld_article(self) -> dict[str, Any] | None:
        for obj in self.jsonld:
            if jsonld_types(obj) & ARTICLE_TYPES:
                return obj
        return None

    @cached_property
    def canonical(self) -> str | None:
        for link in self.tree.iter("link"):
            if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
                return link.get("href").strip()
        return None

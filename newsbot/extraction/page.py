"""The parsed page bundle: tree, meta tags and JSON-LD read once, shared by every step.

Built right after decoding (stage 2), before anything reads or cleans the tree."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from .decode import drop_controls, looks_binary

# JSON-LD types that describe one article (schema.org and its common subtypes).
ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "reviewnewsarticle", "backgroundnewsarticle", "blogposting", "liveblogposting", "report",
        "scholarlyarticle", "techarticle", "socialmediaposting", "advertisercontentarticle", "satiricalarticle",
    }
)


class ExtractionError(ValueError):
    """The input cannot be read as an HTML page at all (empty, binary, not markup), or the
    core failed on it: the only exception ``extract`` and ``learn`` raise, naming the cause."""


# An XML declaration (XHTML) says how bytes are encoded; the text is decoded already, and
# lxml refuses a decoded string that still declares an encoding.
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")


def _markup(text: str) -> str:
    """Decoded page text as the parser takes it: no control characters, no XML declaration."""
    return _XML_DECLARATION.sub("", drop_controls(text), count=1)


def _html_parser() -> etree.HTMLParser:
    """libxml2's HTML parser giving lxml.html elements through a C-level class lookup.

    ``lxml.html``'s own parser asks a Python method for the class of every element each
    time an element object is made (3.5 million calls on 250 pages, a tenth of the
    extraction time); its special classes (forms, inputs, labels) are never used here.
    """
    parser = etree.HTMLParser()
    lookup = etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity
    )
    parser.set_element_class_lookup(lookup)
    return parser


PARSER = _html_parser()
"""Every tree of a page comes from this parser (as lxml.html's module parser, one serves all threads)."""


def parse_html(text: str) -> HtmlElement:
    """Parse once; the one place a page's markup becomes a tree.

    libxml2's HTML parser neither reads a DOCTYPE's internal subset nor loads anything,
    so entities an XHTML page declares are never expanded (no XXE, no billion laughs).
    """
    if looks_binary(text):
        raise ExtractionError("binary data, not an HTML document")
    markup = _markup(text)
    try:
        tree = lxml.html.document_fromstring(markup, parser=PARSER)
    except (etree.ParserError, ValueError) as err:
        raise ExtractionError(f"not an HTML document: {err}") from err
    if _swallowed(tree) >= SWALLOWED_SHARE and (repaired := _html5_repair(markup)) is not None:
        tree = repaired
    _cut_long_attributes(tree)
    return tree


# Page regions that are never the story. When one of them holds this share of the body's
# text, an end tag was most likely lost: libxml2 ignores ``</aside>`` while an element
# opened inside it is still open, and the rest of the page ends up inside the aside (or
# the header, nav or footer), where every extractor drops it. An HTML5 parser closes the
# open elements there, as browsers do.
REGION_TAGS = frozenset({"aside", "header", "nav", "footer"})
SWALLOWED_SHARE = 0.8
# The HTML5 parse replaces libxml2's only when it leaves at most this share in one region.
REPAIRED_SHARE = 0.5


def _shown_chars(element: HtmlElement) -> int:
    """Characters of text under ``element``, scripts and styles left out (a big inline script
    before the region would hide the share). Unlike ``clean.INVISIBLE_TAGS``, ``<noscript>``
    counts: a story kept only there is read from it later (hydration), and a lexbor re-parse
    would turn that markup into raw text."""
    unshown = sum(len(node.text_content()) for node in element.iter("script", "style", "template"))
    return len(element.text_content()) - unshown


def _swallowed(tree: HtmlElement) -> float:
    """The largest share of the body's text inside one aside, header, nav or footer
    (the outermost holds the most, so no ancestor walk is needed)."""
    body = tree.find("body")
    total = _shown_chars(body) if body is not None else 0
    if total <= 0:
        return 0.0
    return max((_shown_chars(region) for region in body.iter(*REGION_TAGS)), default=0) / total


def _html5_repair(markup: str) -> HtmlElement | None:
    """The page parsed the HTML5 way (lexbor), serialized with every element closed and read
    by lxml again; None unless that takes the text out of the region that held it."""
    try:
        repaired = lxml.html.document_fromstring(LexborHTMLParser(markup).html or "", parser=PARSER)
    except (SelectolaxError, etree.ParserError, ValueError):  # lexbor refused the input, or lxml its output
        return None  # libxml2's tree stands
    return repaired if _swallowed(repaired) <= REPAIRED_SHARE else None


# No class, id, link or meta content a rule reads is longer; inline images (data: URLs)
# and serialized state are, and every class/id pattern scanned them whole (9 MB of
# class and id values took 5 s).
MAX_ATTRIBUTE_CHARS = 4096


def _cut_long_attributes(tree: HtmlElement) -> None:
    for value in tree.xpath(f"//@*[string-length(.) > {MAX_ATTRIBUTE_CHARS}]"):
        value.getparent().set(value.attrname, value[:MAX_ATTRIBUTE_CHARS])


def parse_fragment(html: str, wrapper: str) -> HtmlElement:
    """Markup found inside a page (hydration data, JSON-LD) as one ``wrapper`` element."""
    return lxml.html.fragment_fromstring(_markup(html), create_parent=wrapper, parser=PARSER)


# JSON-LD describes an article a few levels deep (@graph, mainEntity, author): deeper
# values are cut, so no reader recurses without bound.
MAX_JSONLD_DEPTH = 16


def _tame_json(data: Any) -> Any:
    """``data`` with every string free of control characters and nesting cut below
    ``MAX_JSONLD_DEPTH`` (an iterative walk: the point is to bound recursion)."""
    if isinstance(data, str):
        return drop_controls(data)
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        container, depth = stack.pop()
        keys = range(len(container)) if isinstance(container, list) else list(container)
        for key in keys:
            value = container[key]
            if isinstance(value, str):
                container[key] = drop_controls(value)
            elif isinstance(value, (list, dict)):
                if depth + 1 >= MAX_JSONLD_DEPTH:
                    container[key] = None
                else:
                    stack.append((value, depth + 1))
    return data


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


JSON_LD_TYPE = "application/ld+json"


def json_ld_scripts(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The page's JSON-LD ``<script>`` elements that hold any text (the type attribute read leniently)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == JSON_LD_TYPE and script.text:
            yield script


@dataclass
class ParsedPage:
    """A page parsed once: its tree and what every stage reads from it (meta tags, JSON-LD, canonical link).

    Not :class:`newsbot.items.Page`, the fetched page (bytes, headers, URLs) a crawl hands over."""

    tree: HtmlElement
    url: str
    meta: dict[str, list[str]] = field(default_factory=dict)
    """Meta tag contents keyed by lowercased name, property, itemprop or http-equiv."""

    @classmethod
    def from_tree(cls, tree: HtmlElement, url: str) -> ParsedPage:
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
        for script in json_ld_scripts(self.tree):
            try:
                data = json.loads(script.text)
            except (ValueError, RecursionError):
                continue  # broken JSON-LD is common (and some nests deeper than Python recurses); the rest still counts
            objects.extend(_flatten_jsonld(_tame_json(data)))
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

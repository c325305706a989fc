"""A site's extraction hints applied to a page, ahead of the extraction core.

The core does not take hints yet. :func:`apply_hints` is the tree step it can call
after parsing; :func:`hinted_page` wraps it for callers that only have bytes (the
per-site tests, which check that a site's hints never make its record worse).
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree
from lxml.html import HtmlElement

from ..extraction.decode import decode_html
from ..extraction.page import parse_html
from . import Hints, css_to_xpath


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """Matches not inside another match, in document order: a nested match is already kept or dropped."""
    chosen = set(elements)
    return [el for el in elements if not any(anc in chosen for anc in el.iterancestors())]


def _keep_only(body: HtmlElement, roots: list[HtmlElement]) -> None:
    """Empty <body> but for ``roots`` and the page's JSON-LD: structured metadata (authors, dates) is no boilerplate."""
    scripts = body.iterfind(".//script[@type='application/ld+json']")
    kept = roots + [s for s in scripts if not any(r is s or r in s.iterancestors() for r in roots)]
    for child in list(body):
        body.remove(child)
    body.text = None
    for element in kept:
        element.tail = None  # text after it belonged to its old parent
        body.append(element)  # lxml moves it out of the detached subtree


def apply_hints(tree: HtmlElement, hints: Hints) -> None:
    """Cut ``tree`` down in place: keep only the content root in <body>, then drop the boilerplate selectors.

    A root selector that matches nothing is skipped: templates change, and the whole page beats no page.
    """
    body = tree.find("body")
    if body is not None:
        for css in hints.content_root:
            roots = _outermost(body.xpath(css_to_xpath(css)))
            if roots:
                _keep_only(body, roots)
                break
    for css in hints.drop:
        for element in _outermost(tree.xpath(css_to_xpath(css))):
            if element.getparent() is not None:  # <html> itself cannot go
                element.drop_tree()  # keeps the tail text, which belongs to the parent


def hinted_page(body: bytes, headers: Mapping[str, str] | None, hints: Hints) -> tuple[bytes, dict[str, str]]:
    """The page with ``hints`` applied, as UTF-8 bytes and headers that say so."""
    content_type = {k.lower(): v for k, v in (headers or {}).items()}.get("content-type")
    tree = parse_html(decode_html(body, content_type).text)
    apply_hints(tree, hints)
    html = etree.tostring(tree, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return html.encode("utf-8"), {"content-type": "text/html; charset=utf-8"}

"""Per-site extraction hints (from a site config) applied to the parsed tree, before the generic rules.

Stage 4: after the intact page is read and signed, before the learned templates and trafilatura.

A hint is data: CSS selectors for the article's container and for boilerplate
the generic rules miss, and regular expressions for the site's own boilerplate
wording, which is no general pattern (one publisher's dialog or promo line).
A root selector that matches nothing is skipped: templates change, and the
whole page beats no page.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml.html import HtmlElement

from ..hints import Hints, css_to_xpath
from .clean import shows_more_than, text_of
from .patterns import load_patterns


@lru_cache(maxsize=256)
def _text_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _drop_text(body: HtmlElement, patterns: tuple[str, ...]) -> None:
    """Remove the innermost elements whose short text (at most a promo's length) a pattern finds.

    Innermost, so the match takes its own paragraph and never the story beside it.
    """
    regex, limit = _text_regex(patterns), load_patterns("promos")["max_chars"]
    found = [
        el for el in body.iterdescendants() if isinstance(el.tag, str) and not shows_more_than(el, limit) and regex.search(text_of(el))
    ]
    enclosing = {a for el in found for a in el.iterancestors()}
    for el in found:
        if el not in enclosing:
            el.drop_tree()  # keeps the tail text, which belongs to the parent


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
    """Cut ``tree`` down in place: keep only the content root in <body>, then drop the boilerplate selectors
    and the blocks of the site's own boilerplate wording.

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
    if body is not None and hints.drop_text:
        _drop_text(body, hints.drop_text)

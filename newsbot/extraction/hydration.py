"""Story text that a page ships outside its visible markup, for pages that show no story.

Read before cleaning strips scripts (stage 3); used after the verdict (stage 13) when it found no story.

Pages rendered by a JavaScript framework (React Query, Next.js, Nuxt …) may send an
empty article container and the story as an HTML string inside a ``<script>`` (a JSON
state object or the framework's flight data); others declare it only as JSON-LD
``articleBody``, or write it only inside ``<noscript>`` for clients without scripts.
When the visible page holds no story, these are read in that order: the longest HTML
string with paragraph markup in the scripts, then ``articleBody``, then the longest
story-length ``<noscript>``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml.html import HtmlElement

from .structure import STORY_PARAGRAPH_CHARS

# Escaped or plain paragraph markup: a script holding none of these carries no story HTML.
_HTML_HINTS = ("\\u003cp", "\\u003cbr", "<p>", "<p ", "<br")
# Hydration state is large; small scripts are trackers and settings.
MIN_SCRIPT_CHARS = 2000
# A JSON string literal long enough to be a story.
_STRING = re.compile(r'"((?:[^"\\\n]|\\.){400,}?)"(?=\s*[,}\]])')
# Paragraph or line-break tags a story's HTML holds at least.
MIN_PARAGRAPH_TAGS = 3
# Flight data nests JSON inside JS strings: look this many levels deep.
MAX_NESTING = 2


def hydration_scripts(tree: HtmlElement) -> list[str]:
    """The page's scripts that may carry story HTML; read before cleaning strips scripts."""
    return [
        text
        for script in tree.iter("script")
        if (text := script.text) and len(text) >= MIN_SCRIPT_CHARS and any(h in text for h in _HTML_HINTS)
    ]


def _paragraph_tags(html: str) -> int:
    return html.count("<p") + html.count("<br")


def _strings(text: str, depth: int = 0) -> list[str]:
    """Decoded JSON string literals in a script, and those nested inside them."""
    found = []
    for match in _STRING.finditer(text):
        try:
            value = json.loads(f'"{match.group(1)}"')
        except ValueError:
            continue
        found.append(value)
        if depth + 1 < MAX_NESTING and "\\u003c" in value:
            found += _strings(value, depth + 1)
    return found


def embedded_story_html(scripts: list[str]) -> str | None:
    """The longest HTML string with paragraph markup in the hydration scripts, if any."""
    candidates = [s for text in scripts for s in _strings(text) if _paragraph_tags(s) >= MIN_PARAGRAPH_TAGS]
    return max(candidates, key=len, default=None)


def _noscript_html(tree: HtmlElement) -> str | None:
    """The inner markup of the body's longest ``<noscript>`` holding story-length text."""
    body = tree.find("body")
    boxes = [n for n in body.iter("noscript") if len(n.text_content().strip()) >= STORY_PARAGRAPH_CHARS] if body is not None else []
    if not boxes:
        return None
    box = max(boxes, key=lambda n: len(n.text_content()))
    return html.escape(box.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in box)


def _article_body_html(value: Any) -> str | None:
    """JSON-LD ``articleBody`` as markup: kept as it is when it is markup, else one paragraph per line."""
    if not isinstance(value, str) or not value.strip():
        return None
    if _paragraph_tags(value):
        return value
    return "".join(f"<p>{html.escape(line.strip())}</p>" for line in value.splitlines() if line.strip())


@dataclass(frozen=True)
class HiddenStory:
    """Where a page may keep its story outside the visible markup, read before cleaning strips it."""

    scripts: list[str]
    article_body: str | None
    noscript: str | None

    @classmethod
    def read(cls, tree: HtmlElement, jsonld_article: dict[str, Any] | None) -> HiddenStory:
        article_body = _article_body_html(jsonld_article.get("articleBody")) if jsonld_article else None
        return cls(hydration_scripts(tree), article_body, _noscript_html(tree))

    def candidates(self) -> list[str]:
        """The story's markup from each source that has one, in order of trust."""
        return [found for found in (embedded_story_html(self.scripts), self.article_body, self.noscript) if found]

"""Story text that a page ships only inside its hydration data.

Pages rendered by a JavaScript framework (React Query, Next.js, Nuxt …) may send an
empty article container and the story as an HTML string inside a ``<script>`` (a JSON
state object or the framework's flight data). When the visible page holds no story, the
longest such HTML string with paragraph markup is the story's own markup.
"""

from __future__ import annotations

import json
import re

from lxml.html import HtmlElement

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

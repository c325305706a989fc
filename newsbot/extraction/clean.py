"""Rule-based boilerplate removal on the parsed tree, before main-text extraction.

Each rule is a small function ``rule(tree) -> list[Removal]`` that finds
one kind of boilerplate by its text (patterns in ``patterns/*.json``, every
language in one table) and by the shape of the block around it, never by class
or id names, so it works on sites no one wrote a rule for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from lxml.html import HtmlElement

from .patterns import load_patterns

# Elements whose text is never visible page text.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
_INLINE_TAGS = frozenset({"a", "span", "b", "strong", "em", "i", "u", "small", "mark", "label", "abbr", "time", "font", "sup", "sub", "s"})
_TEXT_BLOCK_TAGS = frozenset({"p", "li", "td", "th", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption"})
_WORD = re.compile(r"[\w'’-]+")
_SPACE = re.compile(r"\s+")
# A block's text this long is story text, whatever else sits around it.
STORY_PARAGRAPH_CHARS = 100


@dataclass(frozen=True)
class Removal:
    """What a rule removed, for ``--explain``."""

    rule: str
    text: str


def fold(text: str) -> str:
    """Comparison form: NFKC, case-folded, white space collapsed, edge punctuation stripped."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
    return text.strip(" :：.…!|-–—•·»«>")


def text_of(el: HtmlElement) -> str:
    return _SPACE.sub(" ", el.text_content()).strip()


def _visible(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Elements with their own visible text, in document order."""
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        if el.text and el.text.strip():
            if any(isinstance(a.tag, str) and a.tag in _SKIP_TAGS for a in el.iterancestors()):
                continue
            yield el


def _drop(el: HtmlElement, rule: str, removed: list[Removal]) -> None:
    if el.getparent() is None:
        return
    removed.append(Removal(rule, text_of(el)))
    el.drop_tree()  # keeps the tail text in place


def _link_share(el: HtmlElement) -> float:
    """Share of an element's text that sits inside links."""
    total = len(text_of(el))
    if not total:
        return 0.0
    return sum(len(text_of(a)) for a in el.iter("a")) / total


def _has_story_text(el: HtmlElement) -> bool:
    """Holds a paragraph-length text block that is not a link (a headline list has none)."""
    for block in el.iter(*_TEXT_BLOCK_TAGS, "div"):
        if block.tag == "div" and len(block):
            continue  # only leaf divs stand for paragraphs
        if len(text_of(block)) >= STORY_PARAGRAPH_CHARS and _link_share(block) < 0.5:
            return True
    return False


def shows_text(tree: HtmlElement, text: str) -> bool:
    """True when some visible element's whole text is ``text`` (folded)."""
    wanted = fold(text)
    for el in _visible(tree):
        own = fold(el.text)
        if not own or not wanted.startswith(own[:40]):
            continue
        for box in (el, *el.iterancestors()):
            folded = fold(text_of(box))
            if folded == wanted:
                return True
            if len(folded) > len(wanted):
                break
    return False


# --- share bars --------------------------------------------------------------


@lru_cache(maxsize=1)
def _share_vocab() -> tuple[frozenset[str], frozenset[str]]:
    data = load_patterns("share_labels")
    labels = frozenset(fold(x) for langs in data["labels"].values() for x in langs)
    words = frozenset(w for x in labels | set(data["networks"]) for w in _WORD.findall(fold(x)))
    return labels, words


def is_share_text(text: str) -> bool:
    """All words are share labels or network names."""
    _, words = _share_vocab()
    tokens = _WORD.findall(fold(text))
    return bool(tokens) and all(t in words for t in tokens)


def remove_share_bars(tree: HtmlElement) -> list[Removal]:
    labels, _ = _share_vocab()
    removed: list[Removal] = []
    for el in list(_visible(tree)):
        if el.getparent() is None or fold(el.text) not in labels and not is_share_text(el.text):
            continue
        box = el
        while box.getparent() is not None and box.getparent().tag not in ("body", "html"):
            parent = box.getparent()
            if len(text_of(parent)) > 200 or not is_share_text(text_of(parent)):
                break
            box = parent
        text = text_of(box)
        if not any(fold(t) in labels for t in [text, *box.itertext()] if t.strip()):
            continue  # network names alone may be a link inside a sentence
        if box.tag in _INLINE_TAGS and box.getparent() is not None and not is_share_text(text_of(box.getparent())):
            continue
        _drop(box, "share_bar", removed)
    return removed


# --- "read also" blocks --------------------------------------------------------


@lru_cache(maxsize=1)
def _read_also_markers() -> tuple[str, ...]:
    data = load_patterns("read_also")
    return tuple(sorted({fold(m) for ms in data["markers"].values() for m in ms}, key=len, reverse=True))


def read_also_marker(text: str) -> str | None:
    folded = fold(text)
    for marker in _read_also_markers():
        if folded.startswith(marker) and (len(folded) == len(marker) or not folded[len(marker)].isalnum()):
            return marker
    return None


def remove_read_also(tree: HtmlElement) -> list[Removal]:
    """A marker ("Read also", "Читайте также" …) with its headline links; story text around stays."""
    removed: list[Removal] = []
    for el in list(_visible(tree)):
        if el.getparent() is None:
            continue
        own = text_of(el)
        marker = read_also_marker(own)
        if marker is None or len(own) > len(marker) + 200:
            continue
        if len(own) > len(marker) + 3 and _link_share(el) < 0.5:
            continue  # "Related to this, ..." is a sentence, not a marker
        box = el
        while box.getparent() is not None and box.getparent().tag not in ("body", "html"):
            parent = box.getparent()
            rest = len(text_of(parent)) - len(marker)
            if rest > 1500 or _has_story_text(parent) or _link_share(parent) * len(text_of(parent)) < 0.6 * rest:
                break
            box = parent
        sibling = box.getnext()
        _drop(box, "read_also", removed)
        # headline lists that follow a bare marker heading
        while sibling is not None and text_of(sibling) and _link_share(sibling) >= 0.6 and not _has_story_text(sibling):
            following = sibling.getnext()
            _drop(sibling, "read_also", removed)
            sibling = following
    return removed


# --- promos, consent banners and widgets ---------------------------------------


@lru_cache(maxsize=1)
def _promo_regex() -> tuple[re.Pattern[str], int]:
    data = load_patterns("promos")
    alternatives = [p for ps in data["patterns"].values() for p in ps]
    return re.compile("|".join(f"(?:{p})" for p in alternatives), re.IGNORECASE), data["max_chars"]


def _smallest_block(el: HtmlElement, limit: int) -> HtmlElement:
    """Climb from an inline hit to the block that holds it, while the text stays under limit."""
    box = el
    while box.tag in _INLINE_TAGS and box.getparent() is not None and len(text_of(box.getparent())) <= limit:
        box = box.getparent()
    return box


def remove_promos(tree: HtmlElement) -> list[Removal]:
    regex, limit = _promo_regex()
    removed: list[Removal] = []
    for el in list(_visible(tree)):
        if el.getparent() is None or not regex.search(el.text):
            continue
        box = _smallest_block(el, limit)
        if len(text_of(box)) <= limit:
            _drop(box, "promo", removed)
    return removed


@lru_cache(maxsize=1)
def _consent_vocab() -> tuple[tuple[str, ...], tuple[str, ...], int]:
    data = load_patterns("consent")
    return tuple(data["cookie_words"]), tuple(data["action_words"]), data["max_chars"]


def remove_consent(tree: HtmlElement) -> list[Removal]:
    cookie_words, action_words, limit = _consent_vocab()
    removed: list[Removal] = []
    for el in list(_visible(tree)):
        if el.getparent() is None:
            continue
        low = el.text.casefold()
        if not any(w in low for w in cookie_words):
            continue
        box = el
        while box.getparent() is not None and box.getparent().tag not in ("body", "html") and len(text_of(box.getparent())) <= limit:
            box = box.getparent()
        low = text_of(box).casefold()
        if len(low) <= limit and any(w in low for w in action_words):
            _drop(box, "consent", removed)
    return removed


@lru_cache(maxsize=1)
def _widget_headings() -> tuple[frozenset[str], int]:
    data = load_patterns("widgets")
    return frozenset(fold(h) for hs in data["headings"].values() for h in hs), data["max_chars"]


def remove_widgets(tree: HtmlElement) -> list[Removal]:
    """A widget title ("Exchange Rates", "Погода" …) and the small block it heads."""
    headings, limit = _widget_headings()
    removed: list[Removal] = []
    for el in list(_visible(tree)):
        if el.getparent() is None or fold(text_of(el)) not in headings:
            continue
        box = el
        while box.getparent() is not None and box.getparent().tag not in ("body", "html"):
            parent = box.getparent()
            if len(text_of(parent)) > limit or _has_story_text(parent):
                break
            box = parent
        if box is not el:  # a bare sub-heading inside a story is not a widget
            _drop(box, "widget", removed)
    return removed


Rule = Callable[[HtmlElement], list[Removal]]

RULES: tuple[tuple[str, Rule], ...] = (
    ("consent", remove_consent),
    ("share_bar", remove_share_bars),
    ("read_also", remove_read_also),
    ("promo", remove_promos),
    ("widget", remove_widgets),
)


def clean_tree(tree: HtmlElement) -> list[Removal]:
    """Apply every rule in order; the tree is edited in place."""
    removed: list[Removal] = []
    for _, rule in RULES:
        removed.extend(rule(tree))
    return removed

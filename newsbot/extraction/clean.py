"""Rule-based boilerplate removal on the parsed tree, before main-text extraction.

Stage 7: after hints and learned templates, before the paragraph structure and trafilatura.

Each rule finds one kind of boilerplate by its text (patterns in
``patterns/*.json``, every language in one table) and by the shape of the block
around it, never by class or id names, so it works on sites no one wrote a
rule for. A rule is two small functions: ``hit(text)`` says whether an
element's own short text is its cue, ``box(el)`` returns the block to remove
around that element (or None to keep it). One pass over the tree finds every
cue; boxes are removed afterwards.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from lxml import etree
from lxml.html import HtmlElement

from .page import JSON_LD_TYPE, json_ld_scripts
from .patterns import load_patterns

# Never visible text; removed from the working copy first so no rule sees them.
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg")
FORUM_POSTING = "DiscussionForumPosting"
INLINE_TAGS = frozenset({"a", "span", "b", "strong", "em", "i", "u", "small", "mark", "label", "abbr", "time", "font", "sup", "sub", "s", "button"})
_TEXT_BLOCK_TAGS = ("p", "li", "td", "th", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption")
_WORD = re.compile(r"[\w'’-]+")
_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t\n\r:：.…!|-–—•·»«>\"'“”„()[]#*"
# A box holding a text block this long holds story text, whatever else sits around it, so the box
# rules leave it. Stricter than structure.STORY_PARAGRAPH_CHARS (80), which measures paragraphs of a
# story already found: a box is removed whole, so it takes a longer block to keep it.
STORY_BLOCK_CHARS = 100
# Cues are short: an element's own text longer than this is never one.
MAX_CUE_CHARS = 250


@dataclass(frozen=True)
class Removal:
    """What a rule removed, for ``--explain``."""

    rule: str
    text: str


# Typographic quotes and apostrophes compare equal to plain ones: a heading repeating the
# title with "’" where the meta title has "'" is still the title.
_PLAIN_QUOTES = (*((q, "'") for q in "‘’‚‛′"), *((q, '"') for q in "“”„‟″"))


# Texts of a page are folded about eight times each (by the rules, the link index, the lead search):
# the cache answers the repeats; a page holds a few thousand texts, so a window of them is enough.
FOLD_CACHE = 8192


@lru_cache(maxsize=FOLD_CACHE)
def fold(text: str) -> str:
    """Comparison form: NFKC, quotes plain, case-folded, white space collapsed, edge punctuation stripped."""
    if not text.isascii():  # (ASCII text is already NFKC with plain quotes: skip the costly part)
        text = unicodedata.normalize("NFKC", text)
        for fancy, plain in _PLAIN_QUOTES:
            if fancy in text:  # (faster than str.translate, which is slow on non-ASCII text)
                text = text.replace(fancy, plain)
    return " ".join(text.split()).casefold().strip(_EDGE_PUNCTUATION)


def text_of(el: HtmlElement) -> str:
    if not isinstance(el.tag, str):
        return ""  # comments and processing instructions show no text
    return _SPACE.sub(" ", el.text_content()).strip()


def _link_chars(el: HtmlElement) -> int:
    return sum(len(text_of(a)) for a in el.iter("a"))


def link_share(el: HtmlElement) -> float:
    """Share of an element's text that sits inside links."""
    total = len(text_of(el))
    return _link_chars(el) / total if total else 0.0


# Containers that may hold story text written straight into them, between their children.
LOOSE_TEXT_HOSTS = ("div", "section", "article", "main", "td")


def loose_chars(el: HtmlElement) -> int:
    """Characters of text directly in a container with children (its own text and their tails)."""
    if not len(el):
        return 0
    return len((el.text or "").strip()) + sum(len((c.tail or "").strip()) for c in el)


def _in_list(block: HtmlElement, root: HtmlElement) -> bool:
    """``block`` is a list item or inside one, below ``root``."""
    if block.tag == "li":
        return True
    for ancestor in block.iterancestors():
        if ancestor is root:
            return False
        if ancestor.tag == "li":
            return True
    return False


def _has_story_text(el: HtmlElement, outside_lists: bool = False) -> bool:
    """Holds a paragraph-length text block that is not a link (a headline list has none);
    with ``outside_lists``, list items do not count (a list box's items may be long). Text
    written straight into a container between its children is story text too."""
    for block in el.iter(*_TEXT_BLOCK_TAGS, *LOOSE_TEXT_HOSTS):
        if outside_lists and _in_list(block, el):
            continue
        if block.tag in LOOSE_TEXT_HOSTS and loose_chars(block) >= STORY_BLOCK_CHARS:
            return True
        if block.tag == "div" and len(block):
            continue  # only leaf divs stand for paragraphs
        if block.tag not in _TEXT_BLOCK_TAGS and block.tag != "div":
            continue  # a section or article counts by its loose text only
        if len(text_of(block)) >= STORY_BLOCK_CHARS and link_share(block) < 0.5:
            if next(block.iterancestors("a"), None) is None:  # a teaser card's text inside a link is no story
                return True
    return False


def _is_page_level(el: HtmlElement) -> bool:
    parent = el.getparent()
    return parent is None or parent.tag in ("body", "html")


def _climb(el: HtmlElement, keep_going: Callable[[HtmlElement], bool]) -> HtmlElement:
    """The highest ancestor-or-self reached while ``keep_going(parent)`` holds, below <body>."""
    box = el
    while not _is_page_level(box) and keep_going(box.getparent()):
        box = box.getparent()
    return box


# --- share bars --------------------------------------------------------------


@lru_cache(maxsize=1)
def _share_vocab() -> tuple[frozenset[str], frozenset[str]]:
    data = load_patterns("share_labels")
    labels = frozenset(fold(x) for langs in data["labels"].values() for x in langs)
    words = frozenset(w for x in labels | set(data["networks"]) for w in _WORD.findall(fold(x)))
    return labels, words


# Share bars are a few words; longer text is never one.
MAX_SHARE_CHARS = 120


def is_share_text(text: str) -> bool:
    """All words are share labels or network names."""
    if len(text) > MAX_SHARE_CHARS:
        return False
    _, words = _share_vocab()
    tokens = _WORD.findall(fold(text))
    return bool(tokens) and all(t in words for t in tokens)


def _share_hit(text: str) -> bool:
    return len(text) <= 60 and is_share_text(text)


def _share_box(el: HtmlElement) -> HtmlElement | None:
    labels, _ = _share_vocab()
    box = _climb(el, lambda p: len(text_of(p)) <= 200 and is_share_text(text_of(p)))
    if not any(fold(t) in labels for t in (text_of(box), *box.itertext()) if t.strip()):
        return None  # network names alone may be a link inside a sentence
    parent = box.getparent()
    if box.tag in INLINE_TAGS and parent is not None and not is_share_text(text_of(parent)):
        return None
    return box


# --- "read also" blocks --------------------------------------------------------


@lru_cache(maxsize=1)
def _read_also_regex() -> re.Pattern[str]:
    markers = sorted({fold(m) for ms in load_patterns("read_also")["markers"].values() for m in ms}, key=len, reverse=True)
    return re.compile(r"^(?:" + "|".join(map(re.escape, markers)) + r")(?!\w)")


def read_also_marker(text: str) -> str | None:
    """The "read also"-style marker a text starts with, if any."""
    match = _read_also_regex().match(fold(text))
    return match.group(0) if match else None


def _read_also_hit(text: str) -> bool:
    return len(text) <= 250 and read_also_marker(text) is not None


# What may follow a marker in its own element: a colon, a dash, an arrow.
MARKER_PUNCTUATION_CHARS = 3
# A heading may name the box after its marker in a few words ("More from The Nation").
MAX_MARKER_TITLE_WORDS = 3
_BOX_TITLE_TAGS = ("h2", "h3", "h4", "h5", "h6")


def _read_also_box(el: HtmlElement) -> HtmlElement | None:
    """The marker with the headline links it heads; story text around stays."""
    own = text_of(el)
    marker = read_also_marker(own)
    if marker is None or len(own) > len(marker) + 200:
        return None
    titled = False  # "More from The Nation": a heading naming what the box holds
    if len(own) > len(marker) + MARKER_PUNCTUATION_CHARS and link_share(el) < 0.5:
        if el.tag not in _BOX_TITLE_TAGS or len(own.split()) > len(marker.split()) + MAX_MARKER_TITLE_WORDS:
            return None  # "Related to this, ..." is a sentence, not a marker
        titled = True

    own_links = _link_chars(el)

    def headline_block(parent: HtmlElement) -> bool:
        rest = len(text_of(parent)) - len(own)  # what the marker's element does not hold
        if rest <= MARKER_PUNCTUATION_CHARS:
            return True  # the marker's own wrapper (<p><strong>Read also:</strong></p>)
        if rest > 1500:
            return False
        if not _has_story_text(parent) and _link_chars(parent) - own_links >= 0.6 * rest:
            return True
        return _teasers_only(parent, own)

    box = _climb(el, headline_block)
    return None if titled and box is el else box  # a titled heading goes only with its teasers


# Link texts shorter than this are menu items, not headlines or teasers.
MIN_HEADLINE_CHARS = 15
# A teaser card is one linked headline with a blurb, this long in all.
MAX_TEASER_CARD_CHARS = 600
# … and its other links are labels shorter than this ("Konflikty zbrojne", an author's name).
MAX_TEASER_LABEL_CHARS = 30


def _stands_alone(link: HtmlElement) -> bool:
    """No text right before or after it, bare or in an inline sibling: a headline of its own,
    not a link inside a sentence. (A sibling repeating the link's text is its screen-reader copy.)"""
    text = text_of(link)
    node = link
    while True:  # out through inline wrappers (<strong><a>…</a></strong>) to the link's own block
        previous, following, parent = node.getprevious(), node.getnext(), node.getparent()
        before = previous.tail if previous is not None else parent.text if parent is not None else None
        if (before or "").strip() or (node.tail or "").strip():
            return False
        if any(n is not None and n.tag in INLINE_TAGS and text_of(n) not in ("", text) for n in (previous, following)):
            return False
        if parent is None or parent.tag not in INLINE_TAGS:
            return True
        node = parent


def _is_teaser_card(el: HtmlElement) -> bool:
    """One other story's headline, a link standing on its own, with its blurb (the blurb is
    not a link: the card is no link list, but it is no story text either). Other links are
    short labels (section, author) or the headline's picture."""
    if len(text_of(el)) > MAX_TEASER_CARD_CHARS:
        return False
    links = [(a, len(text_of(a))) for a in el.iter("a")]
    headline, chars = max(links, key=lambda pair: pair[1], default=(None, 0))
    if headline is None or chars < MIN_HEADLINE_CHARS or not _stands_alone(headline):
        return False
    href = headline.get("href")
    return all(a.get("href") == href or n < MAX_TEASER_LABEL_CHARS for a, n in links)


def _teasers_only(el: HtmlElement, label: str = "") -> bool:
    """Every part of ``el`` is the marker's element or its wrapper (text ``label``), a link
    list, a teaser card or a row of them."""
    if len((el.text or "").strip()) > MARKER_PUNCTUATION_CHARS:
        return False
    teasers = 0
    for child in el:
        if len((child.tail or "").strip()) > MARKER_PUNCTUATION_CHARS:
            return False  # text between the parts: a sentence, not a box
        text = text_of(child)
        if not text or (label and fold(text) == fold(label)):
            continue
        if link_share(child) < 0.6 and not _is_teaser_card(child) and not _teasers_only(child):
            return False
        teasers += 1
    return teasers > 0


def _read_also_followers(box: HtmlElement) -> list[HtmlElement]:
    """Headline lists and teaser cards right after a bare marker heading."""
    followers = []
    sibling = box.getnext()
    while sibling is not None and text_of(sibling):  # (clean_tree stripped comments first)
        if (link_share(sibling) < 0.6 or _has_story_text(sibling)) and not _is_teaser_card(sibling):
            break
        followers.append(sibling)
        sibling = sibling.getnext()
    return followers


# --- headed boxes: widgets, polls -------------------------------------------------


@cache
def _box_headings(table: str) -> tuple[frozenset[str], int]:
    """A table of box titles (widgets, polls, source lists, summaries, breadcrumbs' home links) and
    the most text such a box holds."""
    data = load_patterns(table)
    return frozenset(fold(h) for hs in data["headings"].values() for h in hs), data["max_chars"]


# A box title is a few words.
MAX_BOX_TITLE_CHARS = 40


def _box_title_hit(text: str, table: str) -> bool:
    return len(text) <= MAX_BOX_TITLE_CHARS and fold(text) in _box_headings(table)[0]


def _headed_box(el: HtmlElement, table: str, outside_lists: bool = False) -> HtmlElement | None:
    """The element titled with one of ``table``'s headings and the small block it heads."""
    headings, limit = _box_headings(table)
    if fold(text_of(el)) not in headings:
        return None
    return _climb(el, lambda p: len(text_of(p)) <= limit and not _has_story_text(p, outside_lists))


# Tables of box titles whose box is small and holds no story text, with the tags such a box
# must hold: widgets ("Exchange Rates", "Погода" …) and reader polls ("Umfrage", "Опрос" …),
# whose answers are form fields (a "poll" heading in an API's docs is a method's name).
HEADED_BOX_TABLES = {"widget": ("widgets", ()), "poll": ("polls", ("input", "select", "label", "form"))}


def _headed_box_rule(name: str, table: str, needs: tuple[str, ...]) -> Rule:
    """A box titled with one of ``table``'s headings and the small block it heads, holding one of ``needs``."""

    def box(el: HtmlElement) -> HtmlElement | None:
        found = _headed_box(el, table)
        if found is el or (needs and found is not None and next(found.iter(*needs), None) is None):
            return None  # a bare sub-heading inside a story is no box
        return found

    return Rule(name, lambda text: _box_title_hit(text, table), box)


# --- breadcrumbs ------------------------------------------------------------------------


def _breadcrumb_hit(text: str) -> bool:
    return _box_title_hit(text, "breadcrumbs")


def _breadcrumb_box(el: HtmlElement) -> HtmlElement | None:
    """A link to the home page ("Home", "Главная", "首页" …) heading a short row of links: the
    breadcrumb trail above the headline (or a menu). A lone home link is no trail."""
    if el.tag != "a" and next(el.iterancestors("a"), None) is None:
        return None
    _, limit = _box_headings("breadcrumbs")
    box = _climb(el, lambda p: len(text_of(p)) <= limit and link_share(p) >= 0.5 and not _has_story_text(p))
    return box if sum(1 for a in box.iter("a") if text_of(a)) >= 2 else None


# --- list boxes: source lists, summaries -------------------------------------------

# Tables of box titles whose box is a list: the sources a story used, a "key points" summary.
LIST_BOX_TABLES = {"sources": "sources", "summary": "summaries"}
_LIST_TAGS = ("ul", "ol", "dl")
# Besides its lists (and less than them) a list box holds its title and a line or two (an
# "i" button, a disclaimer).
MAX_LIST_BOX_EXTRA_CHARS = 200


def _list_box_rule(name: str, table: str) -> Rule:
    """A box titled with one of ``table``'s headings (the whole title) that holds lists and no
    story text outside them; a bare such heading goes with the lists right after it."""

    def hit(text: str) -> bool:
        return _box_title_hit(text, table)

    def lists_after(box: HtmlElement) -> list[HtmlElement]:
        lists: list[HtmlElement] = []
        if not hit(text_of(box)):
            return lists  # a whole box brings its own list
        sibling = box.getnext()
        while sibling is not None and sibling.tag in _LIST_TAGS:
            lists.append(sibling)
            sibling = sibling.getnext()
        return lists

    def box(el: HtmlElement) -> HtmlElement | None:
        found = _headed_box(el, table, outside_lists=True)
        if found is None or found is el:
            return found if found is not None and lists_after(found) else None
        lists = [x for x in found.iter(*_LIST_TAGS) if next(x.iterancestors(*_LIST_TAGS), None) is None]
        listed = sum(len(text_of(x)) for x in lists)
        outside = len(text_of(found)) - listed
        return found if outside <= min(listed, MAX_LIST_BOX_EXTRA_CHARS) else None  # mostly its lists

    return Rule(name, hit, box, lists_after)


@lru_cache(maxsize=1)
def _cue_matcher() -> Callable[[str], bool]:
    """One cheap prefilter for every rule's cue, so the Python checks run on few elements.

    A set lookup on the text's first two letters rejects almost every element
    before the (slow, many-branch) anchored regular expression runs.
    """
    labels, _ = _share_vocab()
    tables = ("breadcrumbs", *(table for table, _ in HEADED_BOX_TABLES.values()), *LIST_BOX_TABLES.values())
    headings = frozenset().union(*(_box_headings(t)[0] for t in tables))
    markers = [fold(m) for ms in load_patterns("read_also")["markers"].values() for m in ms]
    prefixes = frozenset(c[:2] for c in (*labels, *headings, *markers))

    def alternation(words: Iterable[str]) -> str:
        return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))

    regex = re.compile(
        rf"\W*(?:(?:{alternation(labels)}|{alternation(headings)})\W*$|(?:{alternation(markers)})(?!\w))",
        re.IGNORECASE,
    )
    return lambda text: text.lstrip(_EDGE_PUNCTUATION)[:2].casefold() in prefixes and regex.match(text) is not None


@dataclass(frozen=True)
class Rule:
    name: str
    hit: Callable[[str], bool]
    box: Callable[[HtmlElement], HtmlElement | None]
    followers: Callable[[HtmlElement], list[HtmlElement]] = lambda box: []


RULES: tuple[Rule, ...] = (
    Rule("share_bar", _share_hit, _share_box),
    Rule("read_also", _read_also_hit, _read_also_box, _read_also_followers),
    *(_headed_box_rule(name, table, needs) for name, (table, needs) in HEADED_BOX_TABLES.items()),
    Rule("breadcrumb", _breadcrumb_hit, _breadcrumb_box),
    *(_list_box_rule(name, table) for name, table in LIST_BOX_TABLES.items()),
)


def _attached(el: HtmlElement, root: HtmlElement) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is root:
            return True
    return el is root


def _drop(el: HtmlElement, rule: str, removed: list[Removal]) -> None:
    """Remove an element, keeping its tail text; a removed block leaves a paragraph break behind.

    Without the break, the text before and after a "read also" box inserted
    between two bare text runs would fuse into one paragraph.
    """
    removed.append(Removal(rule, text_of(el)))
    if el.tag not in INLINE_TAGS and el.tail and el.tail.strip():
        for _ in range(2):
            el.addprevious(el.makeelement("br"))
        el.getprevious().tail, el.tail = el.tail, None
    el.drop_tree()


# A <figure> holding one of these is story content (WordPress wraps tables, quotes and
# lists in figures); any other figure is a picture, video or embed with its caption.
_STORY_IN_FIGURES = ("table", "blockquote", "ul", "ol", "pre")


# A box (with the elements that follow it) holding more than this share of the page's text, with
# no story paragraph left outside it, is the page's content: a listing under "Latest news".
MAX_BOX_PAGE_SHARE = 0.5
# (Smaller boxes are not weighed against the page: reading its whole text costs more than they can hold.)
MIN_BOX_PAGE_CHECK_CHARS = 1000


def _is_the_page(body: HtmlElement, parts: list[HtmlElement]) -> bool:
    chars = sum(len(text_of(x)) for x in parts)
    if chars <= MIN_BOX_PAGE_CHECK_CHARS or chars <= MAX_BOX_PAGE_SHARE * len(text_of(body)):
        return False
    inside = {el for part in parts for el in part.iter()}
    return not any(len(text_of(p)) >= STORY_BLOCK_CHARS for p in body.iter("p") if p not in inside)


def clean_tree(tree: HtmlElement) -> list[Removal]:
    """Apply every rule; the tree is edited in place. Returns what was removed, in order."""
    forum = [s.text for s in json_ld_scripts(tree) if FORUM_POSTING in s.text]
    etree.strip_elements(tree, *INVISIBLE_TAGS, with_tail=False)
    if (head := tree.find("head")) is not None:
        # A thread's JSON-LD goes back into <head>, where no rule reads it: trafilatura tells a forum thread
        # (its replies are content, not comments to prune) by a DiscussionForumPosting there
        for text in forum:
            etree.SubElement(head, "script", type=JSON_LD_TYPE).text = text
    # Comments go but their tails stay: text after a `<!-- -->` is still the sentence's text
    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
    body = tree.find("body")
    if body is None:
        return []
    removed: list[Removal] = []
    for figure in [f for f in body.iter("figure") if next(f.iter(*_STORY_IN_FIGURES), None) is None]:
        if _attached(figure, body) and text_of(figure):
            # an empty <figure> keeps the picture's place: trafilatura reads a figure left in its
            # fallback's output as page furniture taken with the story and tries its second
            # fallback (justext), which finds the story where readability took the wrong box
            figure.addprevious(figure.makeelement("figure"))
            _drop(figure, "figure", removed)
    # a caption outside any <figure> (a video player's) describes a picture all the same
    for caption in [c for c in body.iter("figcaption") if next(c.iterancestors("figure"), None) is None]:
        if text_of(caption):
            _drop(caption, "figure", removed)
    cue = _cue_matcher()
    hits = []
    for el in body.iter():
        text = el.text
        if not text or len(text) > MAX_CUE_CHARS or not cue(text):  # (no comments left to skip)
            continue
        for rule in RULES:
            if rule.hit(text):
                hits.append((rule, el))
                break
    for rule, el in hits:
        if not _attached(el, body):
            continue  # already gone with an earlier box
        box = rule.box(el)
        if box is None or box is body:
            continue
        followers = rule.followers(box)
        if _is_the_page(body, [box, *followers]):
            continue  # "Latest news" heading a listing page's whole list: the page, not a box beside it
        _drop(box, rule.name, removed)
        for follower in followers:
            _drop(follower, rule.name, removed)
    return removed


# Characters of folded text compared before an element's whole text is folded.
_PREFIX_CHARS = 8


# Folding shrinks visible characters at most this much (NFKC joins a Hangul jamo triple into one syllable).
_MAX_FOLD_SHRINK = 4


def shows_more_than(el: HtmlElement, limit: int) -> bool:
    """Whether ``el`` shows more than ``limit`` characters (edge white space aside), reading no further."""
    shown = 0
    for text in el.itertext():
        shown += len(text.strip())
        if shown > limit:
            return True
    return False


def count_shown(tree: HtmlElement, text: str) -> int:
    """How many separate elements show exactly ``text`` (folded) as their whole visible text."""
    wanted = fold(text)
    head = wanted[:_PREFIX_CHARS]
    limit = _MAX_FOLD_SHRINK * len(wanted) + _PREFIX_CHARS
    # Each box's folded text once (None: it shows more than the text). Matches share their
    # ancestors, and reading a big container's whole text again for each one made this quadratic.
    folded_texts: dict[HtmlElement, str | None] = {}

    def folded(box: HtmlElement) -> str | None:
        if box not in folded_texts:
            folded_texts[box] = None if shows_more_than(box, limit) else fold(text_of(box))
        return folded_texts[box]

    body = tree.find("body")
    boxes: set[HtmlElement] = set()
    for el in body.iter() if body is not None else ():
        own = el.text
        # cheap prefix test first: folding every element's whole text costs more than the rest
        if not own or not isinstance(el.tag, str):
            continue
        prefix = fold(own.lstrip()[: 4 * _PREFIX_CHARS])
        if not prefix or not (prefix.startswith(head) or head.startswith(prefix)):
            continue  # (a prefix shorter than head: the text goes on inside an inline child)
        match = None
        for box in (el, *el.iterancestors()):
            shown = folded(box)
            if shown == wanted:
                match = box  # keep climbing: wrappers around the same text are the same copy
            elif shown is None or len(shown) > len(wanted):
                break
        if match is not None:
            boxes.add(match)
    return len(boxes)

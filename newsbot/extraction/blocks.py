"""From trafilatura's body tree to ordered blocks, then text-level clean-up.

After trafilatura (stages 10 and 11): the rules here see text, where the tree rules (clean.py) saw boxes.

Rules here see each block's text: titles and paragraphs repeated on the page
appear once, credit and source lines go, and the lead is found and put first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from itertools import takewhile
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

from ..urls import brand_label, site_of
from .clean import MIN_HEADLINE_CHARS, Removal, fold, is_share_text, read_also_marker, text_of
from .patterns import load_patterns
from .record import Block, normal_paragraph
from .structure import STORY_PARAGRAPH_CHARS

_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")


def element_text(el: _Element) -> str:
    """An element's text as one normalized paragraph."""
    return normal_paragraph("".join(_shown_texts(el, frozenset())))


HEADINGS = frozenset({"head", "h1", "h2", "h3", "h4", "h5", "h6"})
_QUOTES = frozenset({"quote", "blockquote"})
_CODE = frozenset({"code", "pre"})  # trafilatura's code block; a readability body's <pre>
_LISTS = frozenset({"list", "ul", "ol", "dl"})
_ITEMS = ("item", "li", "dt", "dd")


# A line break (trafilatura's <lb/>, HTML's <br>) separates the words on either side of it,
# and so does a block (trafilatura's XML or HTML) inside another: a card's fields in one item.
_LINE_BREAKS = frozenset({"lb", "br"})
_BLOCKS = frozenset({*HEADINGS, "p", "div", "section", "article", *_QUOTES, *_ITEMS, *_LISTS, "table", "row", "tr", "cell", "td", "th"})


def _shown_texts(el: _Element, skip: frozenset[str]) -> Iterator[str]:
    """The text of ``el`` in order, a line break or a block's edge as a space, the subtrees tagged ``skip`` left out."""
    if el.text:
        yield el.text
    for child in el:
        if child.tag in _LINE_BREAKS:
            yield " "
        elif isinstance(child.tag, str) and child.tag not in skip:  # (a comment's text is not shown)
            edge = " " if child.tag in _BLOCKS else ""
            yield edge
            yield from _shown_texts(child, skip)
            yield edge
        if child.tail:
            yield child.tail


def item_text(item: _Element) -> str:
    """A list item's own text as one normalized paragraph: its nested lists are items of their own."""
    return normal_paragraph("".join(_shown_texts(item, _LISTS)))


def table_text(table: _Element) -> str:
    """Rows on their own lines, cells separated by " | "."""
    rows = []
    for row in table.iter("row", "tr"):
        cells = [element_text(c) for c in row.iter("cell", "td", "th")]
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)


def text_kind(tag: str) -> str:
    """The block type of a text element that is no list item or table: heading, quote, code or paragraph."""
    return "heading" if tag in HEADINGS else "quote" if tag in _QUOTES else "code" if tag in _CODE else "paragraph"


def _walk(el: _Element, blocks: list[Block]) -> None:
    """One element of an extracted body: trafilatura's XML (p, head, list …) or, from its
    readability fallback, plain HTML containers (div, p, h2, ul …), which are walked into."""
    tag = el.tag
    if tag in _LISTS:
        items = (item_text(item) for item in el.iter(*_ITEMS))
        blocks.extend(Block("list_item", text) for text in items if text)
    elif tag == "table":
        if text := table_text(el):
            blocks.append(Block("table", text))
    elif tag in HEADINGS or tag in _QUOTES or tag == "p" or not len(el):
        if text := element_text(el):
            blocks.append(Block(text_kind(tag), text))
    else:
        if el.text and el.text.strip():
            blocks.append(Block("paragraph", normal_paragraph(el.text)))
        for child in el:
            if isinstance(child.tag, str):
                _walk(child, blocks)
            if child.tail and child.tail.strip():
                blocks.append(Block("paragraph", normal_paragraph(child.tail)))


def body_blocks(body: _Element | None) -> list[Block]:
    """An extracted body as typed blocks in reading order."""
    blocks: list[Block] = []
    for el in body if body is not None else ():
        if isinstance(el.tag, str):
            _walk(el, blocks)
    return blocks


def _top_level_bar(pattern: str) -> bool:
    """Whether ``pattern`` is itself an alternation (``\\ba|b``): its ``\\b`` binds the first branch only."""
    depth, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1  # (the escaped character is a literal)
        elif char == "[":  # a character class: "(", ")" and "|" inside it are literals
            i += 2 if pattern.startswith("[^", i) else 1
            i += pattern.startswith("]", i)  # ("]" first in a class is a literal)
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
        i += 1
    return False


def _bounded(pattern: str) -> bool:
    """Whether the whole of ``pattern`` starts at a word boundary (its ``\\b`` can be shared)."""
    return pattern.startswith(r"\b") and not _top_level_bar(pattern)


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    """One regex of lowercase patterns, matched against lowercased text (much faster than IGNORECASE).

    The patterns that start at a word boundary share one ``\\b`` in front of their alternation:
    the same matches, and the regex engine tests the boundary once per position instead of
    once per pattern (half the time of the promo search).
    """
    bounded: list[str] = []
    others: list[str] = []
    for p in patterns:
        if _bounded(p):
            bounded.append(p.removeprefix(r"\b"))
        else:
            others.append(p)
    parts = [rf"\b(?:{'|'.join(f'(?:{p})' for p in bounded)})"] if bounded else []
    return re.compile("|".join(parts + [f"(?:{p})" for p in others]))


class AnyPattern:
    """Many lowercase patterns, searched as a few regexes of at most ``CHUNK`` patterns each.

    Python's regex engine skips ahead to the positions where some pattern can start only when
    it knows the characters they start with, and a regex of a hundred alternatives starts with
    nearly any letter: split into sorted chunks (word-bounded patterns apart, as they share
    one ``\\b``), the promo search takes 2.5 times less time, with the same answer.
    """

    CHUNK = 24

    def __init__(self, patterns: Iterable[str]) -> None:
        patterns = sorted(set(patterns))
        groups = [[p for p in patterns if _bounded(p)], [p for p in patterns if not _bounded(p)]]
        self._regexes = tuple(
            _alternation(group[i : i + self.CHUNK]) for group in groups for i in range(0, len(group), self.CHUNK)
        )

    def found_in(self, text: str) -> bool:
        return any(regex.search(text) is not None for regex in self._regexes)


@lru_cache(maxsize=1)
def _promo_regex() -> tuple[AnyPattern, int, AnyPattern, int]:
    data = load_patterns("promos")
    calls = data["closing_calls"]
    return (
        AnyPattern(p for ps in data["patterns"].values() for p in ps),
        data["max_chars"],
        AnyPattern(calls["patterns"]),
        calls["max_chars"],
    )


@lru_cache(maxsize=1)
def _consent_regexes() -> tuple[re.Pattern[str], re.Pattern[str], int]:
    data = load_patterns("consent")

    def words(key: str) -> re.Pattern[str]:
        # longest first: "utilizamos" matches whole, not as "utiliza" and a rest (see _word_ends)
        return _alternation(map(re.escape, sorted(data[key], key=len, reverse=True)))

    return words("cookie_words"), words("action_words"), data["max_chars"]


@lru_cache(maxsize=1)
def _social_regex() -> AnyPattern:
    return AnyPattern(load_patterns("social_embeds")["patterns"])


# An embedded post is a tweet-length text plus its signature.
MAX_EMBED_CHARS = 800


def is_social_embed(text: str) -> bool:
    return len(text) <= MAX_EMBED_CHARS and _social_regex().found_in(text.lower())


@lru_cache(maxsize=1)
def _caption_regex() -> tuple[re.Pattern[str], int]:
    data = load_patterns("captions")
    starters = sorted({s for ss in data["starters"].values() for s in ss}, key=len, reverse=True)
    return re.compile(rf"^(?:{'|'.join(map(re.escape, starters))})(?!\w)"), data["max_chars"]


def is_caption(text: str) -> bool:
    regex, limit = _caption_regex()
    return len(text) <= limit and regex.match(text.lower()) is not None


def is_promo(text: str) -> bool:
    """A short call to action, or a longer appeal that ends with one."""
    regex, limit, closing, closing_limit = _promo_regex()
    low = text.lower()
    if len(text) <= limit and regex.found_in(low):
        return True
    return len(text) <= closing_limit and closing.found_in(low)


def is_consent(text: str) -> bool:
    cookie, action, limit = _consent_regexes()
    if len(text) > limit:
        return False
    low = text.lower()
    cookies = {m.group() for m in cookie.finditer(low)}
    # a consent word and another action word, each a whole word: prose that says "consent" twice, or
    # "agreements", is no banner ("did not sign the informed consent … 109 consented participants")
    return any(cookies - {a.group()} for a in action.finditer(low) if _word_ends(low, a.end()))


# An English action word ends here, or after an inflection ("agree", "agreed"; not "agreements").
# Words of scripts without spaces (同意) end wherever they match.
_INFLECTED_END = re.compile(r"(?:s|d|ed|ing)?(?![^\W\d_])")


def _word_ends(text: str, end: int) -> bool:
    return not text[end - 1].isascii() or _INFLECTED_END.match(text, end) is not None


# A name-like word of a byline: a letter, then letters, digits, dots, apostrophes or hyphens.
_NAME_WORD = r"[^\W\d_][\w.'’-]*"


@lru_cache(maxsize=1)
def _byline_regex() -> tuple[re.Pattern[str], int]:
    data = load_patterns("bylines")
    prefixes = sorted({p for ps in data["prefixes"].values() for p in ps}, key=len, reverse=True)
    # prefix, optional colon, then one to five name-like words and nothing else
    name = _NAME_WORD
    pattern = rf"^(?i:{'|'.join(map(re.escape, prefixes))})\s*[:：]?\s+(?P<names>{name}(?:\s*(?:,|and|und|et|y|e|и|ve|&)?\s*{name}){{0,5}})\s*$"
    suffixes = sorted({s for ss in data["suffixes"].values() for s in ss}, key=len, reverse=True)
    # names, then the title after them: "홍길동 기자", "박준석 기자 외 1명", "山田太郎記者"
    titled = rf"^(?P<titled>{name}(?:[\s,·]+{name}){{0,2}}?)\s*(?:{'|'.join(map(re.escape, suffixes))})(?:\s*외\s*\d+\s*명)?\s*$"
    return re.compile(f"{pattern}|{titled}"), data["max_chars"]


_CONNECTORS = frozenset({"and", "und", "et", "y", "e", "и", "ve", "&", "van", "von", "de", "da", "di", "del", "der", "al", "bin", "ibn"})


def is_byline(text: str) -> bool:
    """"By Jane Doe", "Автор: Иван Петров": a credit prefix and capitalised names only."""
    regex, limit = _byline_regex()
    match = regex.match(text) if len(text) <= limit else None
    if match is None:
        return False
    words = re.findall(_NAME_WORD, match.group("names") or match.group("titled"))
    return all(not w[0].islower() or w.lower() in _CONNECTORS for w in words)


@lru_cache(maxsize=1)
def _credit_regex() -> tuple[AnyPattern, int]:
    data = load_patterns("credits")
    return AnyPattern(data["patterns"]), data["max_chars"]


def site_names(sitename: str | None, site: str | None) -> set[str]:
    """Ways a page names its own site: og:site_name, the host and its brand label ("tengrinews")."""
    return {fold(name) for name in (sitename, site, brand_label(site)) if name}


def is_credit_line(text: str, names: set[str]) -> bool:
    regex, limit = _credit_regex()
    return len(text) <= limit and (regex.found_in(text.lower()) or fold(text) in names)


# Tables of short lines attached to a story, each its own kind: a block up to the table's
# max_chars in which one of its patterns (any language) is found goes.
LINE_TABLES = {"copyright": "copyright", "editor_line": "editors", "photo_credit": "photo_credits", "ad_label": "ad_labels"}


@cache
def _line_regex(table: str) -> tuple[AnyPattern, int]:
    data = load_patterns(table)
    return AnyPattern(p for ps in data["patterns"].values() for p in ps), data["max_chars"]


def line_kind(text: str) -> str | None:
    """Which of :data:`LINE_TABLES` a short line falls under ("© 2024 Reuters", "责任编辑：王伟", "Archivbild: dpa")."""
    low = text.lower()
    for rule, table in LINE_TABLES.items():
        regex, limit = _line_regex(table)
        if len(text) <= limit and regex.found_in(low):
            return rule
    return None


# A trail's item is a section's name: a few words.
MAX_TRAIL_ITEM_WORDS = 4


@lru_cache(maxsize=1)
def _breadcrumb_table() -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str], int, int]:
    data = load_patterns("breadcrumbs")
    return (
        frozenset(fold(h) for hs in data["headings"].values() for h in hs),
        re.compile(rf"\s*[{re.escape(data['separators'])}]\s*"),
        re.compile(rf"\s[{re.escape(data['trail_separators'])}]\s"),
        data["max_chars"],
        data["max_item_chars"],
    )


def is_breadcrumb(text: str) -> bool:
    """ "Home › News › World", "Главная / Новости": a short trail of section names. It starts at the
    home page, or its separators are arrows only a trail uses (">", "→" and "=>" are code's and
    lists' too); no item is a sentence."""
    homes, separator, arrow, limit, item_limit = _breadcrumb_table()
    if len(text) > limit or text.rstrip().endswith(_SENTENCE_END):
        return False
    items = separator.split(fold(text))
    if len(items) < 2 or not all(0 < len(i) <= item_limit and len(i.split()) <= MAX_TRAIL_ITEM_WORDS for i in items):
        return False
    return items[0] in homes or arrow.search(text) is not None


_TIME = re.compile(r"(?<!\d)\d{1,2}[:時]\d{2}(?!\d)")
_YEAR = r"(?:19|20)\d{2}(?!\d)"
# Numeric dates: a day and a month that exist, one separator twice ("20/50/30" is a rule of thumb,
# "1/2.75" a sensor size, neither a date).
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    rf"(?<!\d)(?:\d{{4}}(?P<ymd>[./-]){_MONTH}(?P=ymd){_DAY}"  # 2024-05-01
    rf"|{_DAY}(?P<dmy>[./-]){_MONTH}(?P=dmy)(?:\d{{4}}|\d{{2}})"  # 12.03.2024
    rf"|{_MONTH}(?P<mdy>[./-]){_DAY}(?P=mdy)(?:\d{{4}}|\d{{2}}))(?!\d)"  # 3/12/24
    rf"|(?<!\d)\d{{1,2}}\.?\s+[^\W\d_]+\.?,?\s+{_YEAR}"  # 17 January 2024, 3. Mai 2024
    rf"|[^\W\d_]+\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}"  # January 17, 2024
    r"|(?<!\d)\d{4}年\d{1,2}月\d{1,2}日"  # 2024年12月3日
)
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
# A dateline is short and mostly numbers: "13 October 2015, 18:12", "Updated 2024-05-01 09:30".
DATELINE_MAX_CHARS = 60
DATELINE_MAX_WORDS = 4


def is_dateline(text: str) -> bool:
    """A time, or a whole date (day, month and year); a lone year with a few words
    ("Since May 2022 chief supervisor", "Top 10 moments of 2023") is a sub-heading."""
    return (
        len(text) <= DATELINE_MAX_CHARS
        and len(_LETTER_WORD.findall(text)) <= DATELINE_MAX_WORDS
        and (_TIME.search(text) is not None or _DATE.search(text) is not None)
    )


# A block whose text is at least this much one link's text is that link (a teaser), not prose.
LINK_BLOCK_SHARE = 0.8


# Links marked as paid or unvouched-for (affiliate shops, deals) stay link texts wherever they point.
_PAID_REL = frozenset({"nofollow", "sponsored"})


def _without_fragment(url: str) -> tuple[str, str, str]:
    """Host, path (no trailing slash) and query: the page a link leads to, whichever of its places."""
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path.rstrip("/"), parts.query


class LinkTexts:
    """The texts of a page's links, to tell headline and teaser blocks from story text."""

    def __init__(self, tree: _Element, url: str | None = None) -> None:
        """``url``: the page's, so that plain links to other sites (a changelog's, a citation's) are not
        taken for teasers."""
        body = tree.find("body")
        self._by_head: dict[str, list[str]] = {}
        self._longest = 0
        brand = brand_label(site_of(url))
        here = _without_fragment(url or "")
        for a in body.iter("a") if body is not None else ():
            href = (a.get("href") or "").strip()
            if href.startswith("#") or ("#" in href and _without_fragment(urljoin(url or "", href)) == here):
                continue  # a table of contents: the page's own headings, not teasers of other stories
            text = fold(text_of(a))
            if len(text) < MIN_HEADLINE_CHARS:
                continue
            if (
                brand
                and href.startswith(("http", "//"))
                and not _PAID_REL.intersection((a.get("rel") or "").lower().split())
                and brand_label(site_of(urljoin(url or "", href))) not in (brand, None)
            ):
                continue  # a link to another site: a source, not a teaser of this site's stories
            self._by_head.setdefault(text[:MIN_HEADLINE_CHARS], []).append(text)
            self._longest = max(self._longest, len(text))

    def headline_prefix(self, text: str) -> int:
        """Length of the longest link text the (folded) text starts with; 0 if none."""
        key = fold(text)
        return max((len(link) for link in self._by_head.get(key[:MIN_HEADLINE_CHARS], ()) if key.startswith(link)), default=0)

    def is_link_block(self, text: str) -> bool:
        if len(text) * LINK_BLOCK_SHARE > self._longest + 10:
            return False  # longer than any link text could cover
        return self.headline_prefix(text) >= LINK_BLOCK_SHARE * len(fold(text))


# "Read also: <headline>" lines are at most this long; longer text after a marker is prose.
MAX_READ_ALSO_LINE_CHARS = 200


# After a marker, at most one word ("here", "more") before the separator that heads the headline.
_MARKER_SEPARATOR = re.compile(r"\s*(?:[^\W\d_]+\s*)?[:：–—|»›]")


def _after_colon(text: str, marker: str) -> bool:
    """ "Les også: <headline>", "Read more here | <headline>": a marker, a separator, then a
    headline-length line."""
    return len(text) <= MAX_READ_ALSO_LINE_CHARS and _MARKER_SEPARATOR.match(fold(text)[len(marker) :]) is not None


# A teaser card shows its headline twice (image link label, then title): "Headline Headline".
MIN_DOUBLED_CHARS = 15


def _is_doubled(text: str) -> bool:
    half = len(text) // 2
    return half >= MIN_DOUBLED_CHARS and text[half] == " " and text[:half] == text[half + 1 :]


def _noise_kind(text: str, names: set[str], links: LinkTexts | None) -> str | None:
    """Which block-level rule a text falls under, if any."""
    if (links is not None and links.is_link_block(text)) or _is_doubled(text):
        return "link_block"
    if is_dateline(text):
        return "dateline"
    if is_share_text(text):
        return "share_bar"
    if is_credit_line(text, names):
        return "credit_line"
    if (line := line_kind(text)) is not None:
        return line
    if is_byline(text):
        return "byline"
    if len(text) <= MAX_READ_ALSO_LINE_CHARS and (marker := read_also_marker(text)) is not None and (
        len(text) < 40 or _after_colon(text, marker)
    ):
        return "read_also"
    if is_breadcrumb(text):
        return "breadcrumb"
    if is_promo(text):
        return "promo"
    if is_social_embed(text):
        return "social_embed"
    if is_caption(text):
        return "caption"
    if is_consent(text):
        return "consent"
    return None


# A later block that contains an earlier one of at least this length, making up
# at least this share of it, is a copy of it.
MIN_NEAR_COPY_CHARS = 60
NEAR_COPY_SHARE = 0.7
# A lead is a sentence or more, never a one-word kicker.
MIN_LEAD_CHARS = 40
# Characters of an earlier block's start that index it for the near-copy search.
_COPY_PREFIX_CHARS = 32


class _EarlierTexts:
    """Earlier long blocks, found again inside a later one without comparing it to each of them
    (pairwise search made pages of thousands of paragraphs quadratic): a copy starts at most
    ``1 - NEAR_COPY_SHARE`` of the later text in, so only those offsets are looked up."""

    def __init__(self) -> None:
        self._by_prefix: dict[str, list[str]] = {}

    def add(self, key: str) -> None:
        self._by_prefix.setdefault(key[:_COPY_PREFIX_CHARS], []).append(key)

    def copied_in(self, key: str) -> bool:
        """Whether an earlier text of at least ``NEAR_COPY_SHARE`` of ``key``'s length is inside it."""
        shortest = NEAR_COPY_SHARE * len(key)
        for offset in range(int(len(key) - shortest) + 1):
            for earlier in self._by_prefix.get(key[offset : offset + _COPY_PREFIX_CHARS], ()):
                if len(earlier) >= shortest and key.startswith(earlier, offset):
                    return True
        return False


def drop_noise(
    blocks: Iterable[Block],
    title: str | None,
    names: set[str],
    links: LinkTexts | None = None,
    headlines: Iterable[str] = (),
    repeats: bool = False,
) -> tuple[list[Block], list[Removal]]:
    """Remove title repeats, share labels, markers, credits and promos; keep each text once.

    ``headlines`` are the page's other versions of its title (og, JSON-LD, <h1>): a block
    repeating one of them is the headline shown again, not story text. ``repeats`` keeps
    the text a page shows again on purpose (a manual's step under each language's tab), as a
    code block always is; the title shown again still goes.
    """
    titles = {fold(t) for t in (title, *headlines) if t}
    title_words = {w for t in titles if (w := _words(t))}
    seen: set[str] = set(titles)
    long_seen = _EarlierTexts()
    kept: list[Block] = []
    removed: list[Removal] = []
    blocks = list(blocks)
    sections = _linked_section_heads(blocks, links) if links is not None else set()
    headings = Counter(fold(block.text) for block in blocks if block.type == "heading")
    begun = False  # a story paragraph kept: below it, a sub-heading may start with the headline
    for i, block in enumerate(blocks):
        key = fold(block.text)
        if not key:
            continue
        if key in seen and block.type == "code":
            kind: str | None = None  # a snippet shown again on purpose (a request and its response, two steps)
        elif key in seen:
            kind = "title" if key in titles else "duplicate"
            if kind == "duplicate" and (repeats or (headings[key] >= MIN_ITEM_LABELS and _heads_new_prose(blocks[i + 1 :], seen))):
                kind = None  # shown again on purpose, or a label each item of a list repeats ("Key features", "Pros") over its own text
        elif (words := _words(key)) in title_words or (not begun and any(_headline_with_label(words, t) for t in title_words)):
            kind = "title"  # "Kicker Headline" or "Headline | Section" above the story, punctuated its own way: the headline again
        elif long_seen.copied_in(key):
            kind = "duplicate"  # the same paragraph again behind a dateline or kicker ("Neuss · …")
        else:
            kind = _noise_kind(block.text, names, links)
            if kind == "link_block" and i in sections:
                kind = None  # a listed item's linked name heading its own write-up, not a teaser
        if kind is not None:
            removed.append(Removal(kind, block.text))
            continue
        seen.add(key)
        if len(key) >= MIN_NEAR_COPY_CHARS and block.type != "quote":
            long_seen.add(key)  # (a paragraph holding a quote's words is the story; the quote, its pull quote)
        kept.append(block)
        begun = begun or (block.type != "heading" and len(block.text) >= STORY_PARAGRAPH_CHARS)
    return kept, removed


# A sub-heading repeated at least this many times, each time over at least this much new text,
# labels a part of each item of a list: it stays every time.
MIN_ITEM_LABELS = 3
MIN_SECTION_PROSE_CHARS = 100


def _section(following: list[Block]) -> Iterator[Block]:
    """The blocks under a heading: those after it, up to the next heading."""
    return takewhile(lambda block: block.type != "heading", following)


def _heads_new_prose(following: list[Block], seen: set[str]) -> bool:
    """Whether the blocks under a heading hold text not seen before on the page."""
    return sum(len(block.text) for block in _section(following) if fold(block.text) not in seen) >= MIN_SECTION_PROSE_CHARS


# A teaser card is a linked headline and one teaser of at most this many characters; a heading
# followed by more prose than that before the next heading opens a section of the story.
MAX_TEASER_CHARS = 400
# A listicle names at least this many items in linked headings (one such heading amid a story is a related-story link).
MIN_LINKED_SECTIONS = 2


def _linked_section_heads(blocks: list[Block], links: LinkTexts) -> set[int]:
    """Indexes of linked headings that each open a section of prose, when there are enough of them
    to be a listicle's items ("10 best kettles": each kettle's linked name heads its review)."""
    heads = {
        i
        for i, block in enumerate(blocks)
        if block.type == "heading" and links.is_link_block(block.text) and _opens_section(blocks[i + 1 :], links)
    }
    return heads if len(heads) >= MIN_LINKED_SECTIONS else set()


def _opens_section(following: list[Block], links: LinkTexts) -> bool:
    """Whether the blocks under a linked heading are prose of the page's own (not link blocks)
    longer than a teaser card's."""
    prose = 0
    for block in _section(following):
        if links.is_link_block(block.text):
            return False
        prose += len(block.text)
    return prose > MAX_TEASER_CHARS


_WORD_RUN = re.compile(r"\w+")


def _words(key: str) -> str:
    """A folded text's words only: "Kicker: Headline – "Quote"" and "Kicker Headline - Quote" agree."""
    return " ".join(_WORD_RUN.findall(key))


# A headline shown with a kicker or section label adds at most this much text to it.
MAX_HEADLINE_LABEL_CHARS = 40
MIN_LABELLED_HEADLINE_CHARS = 20


def _headline_with_label(key: str, title: str) -> bool:
    """The folded block is the folded headline with a short label before or after it."""
    if len(title) < MIN_LABELLED_HEADLINE_CHARS or len(key) - len(title) > MAX_HEADLINE_LABEL_CHARS:
        return False
    return key != title and (key.endswith(title) or key.startswith(title))


# Author bio boxes close a story: a short block among the last few that starts with an author's name.
BIO_TAIL_BLOCKS = 3
MAX_BIO_CHARS = 600


# A bio may put the author's role first ("Korrespondent Jane Doe ist …"): the name starts within this many words.
MAX_BIO_ROLE_WORDS = 2


def _opens_with_name(key: str, name: str) -> bool:
    at = key.find(name)
    if at < 0 or key[at + len(name) : at + len(name) + 1] not in " ,(":
        return False
    return at == 0 or (key[at - 1] == " " and len(key[:at].split()) <= MAX_BIO_ROLE_WORDS)


def drop_author_bios(blocks: list[Block], authors: list[str]) -> tuple[list[Block], list[Removal]]:
    """ "Jane Doe is a senior reporter who …" (or "Correspondent Jane Doe covers …") at the end
    of a story is the author box, not the story."""
    names = [fold(a) for a in authors if len(a) >= 5]
    if not names or len(blocks) <= BIO_TAIL_BLOCKS:
        return blocks, []
    cut = len(blocks) - BIO_TAIL_BLOCKS
    kept, removed = blocks[:cut], []
    for block in blocks[cut:]:
        key = fold(block.text)
        if len(block.text) <= MAX_BIO_CHARS and any(_opens_with_name(key, n) for n in names):
            removed.append(Removal("author_bio", block.text))
        else:
            kept.append(block)
    return kept, removed


# A quote this long or longer that repeats words of another block is a pull quote.
MIN_PULL_QUOTE_CHARS = 30


def drop_pull_quotes(blocks: list[Block]) -> tuple[list[Block], list[Removal]]:
    """A quote block whose words stand in a paragraph of the story (before or after it) is
    a pull quote: the sentence shown twice, once as display type. A quote found nowhere
    else on the list is the story quoting someone and stays."""
    paragraphs = [fold(b.text) for b in blocks if b.type != "quote"]
    kept, removed = [], []
    for block in blocks:
        key = fold(block.text)
        if block.type == "quote" and len(key) >= MIN_PULL_QUOTE_CHARS and any(key in p for p in paragraphs):
            removed.append(Removal("pull_quote", block.text))
        else:
            kept.append(block)
    return kept, removed


# A kicker or section label above the standfirst ("Transports", "Exclusive") is a few words, not a sentence.
MAX_KICKER_WORDS = 3
MAX_KICKER_BLOCKS = 2
_SENTENCE_END = (".", "!", "?", "…", ":", "。")


def _is_label(block: Block) -> bool:
    text = block.text
    return len(text) < MIN_LEAD_CHARS and len(text.split()) <= MAX_KICKER_WORDS and not text.endswith(_SENTENCE_END)


def drop_kickers(blocks: list[Block], teasers: list[str]) -> tuple[list[Block], list[Removal]]:
    """Labels above the block that repeats the page's description go: the lead starts the body."""
    for _, key in _teasers(teasers):
        for k, block in enumerate(blocks[: MAX_KICKER_BLOCKS + 1]):
            if key in fold(block.text):
                if k and all(_is_label(b) for b in blocks[:k]):
                    return blocks[k:], [Removal("kicker", b.text) for b in blocks[:k]]
                break
    return blocks, []


def _teasers(teasers: list[str]) -> list[tuple[str, str]]:
    """Lead-length teasers with their comparison key: folded, a trailing ellipsis cut off,
    a teaser written twice in a row (a CMS slip: "Lead. Lead.") once. A block shows a teaser
    when its folded text contains the key (the same text, the text the teaser cuts short,
    or the text behind a dateline)."""
    once = [t[: len(t) // 2] if _is_doubled(t) else t for t in teasers]
    return [(t, fold(_ELLIPSIS.sub("", t))) for t in once if len(t) >= MIN_LEAD_CHARS]


def place_lead(blocks: list[Block], teasers: list[str], shown: Callable[[str], int]) -> tuple[list[Block], str | None]:
    """Find the lead and make it body's first paragraph, exactly once.

    The lead is the page's declared teaser (og/meta description) when the
    page also shows it: either already the first paragraph (possibly behind
    a dateline), or a visible element the main-text step left out
    (standfirsts often sit outside the story container). Without a matching
    teaser, a first paragraph the page shows more than once (standfirst plus
    its copy in the story, or a mobile duplicate) is the lead. A lead whose
    text also runs on inside a later paragraph is no separate lead at all.
    """
    blocks, lead = _find_lead(blocks, teasers, shown)
    if lead is not None and any(lead in b.text for b in blocks[1:]):
        return blocks, None
    return blocks, lead


# A teaser made this much of the story's own paragraphs is the story's start in a box, not a standfirst.
OWN_TEXT_SHARE = 0.8


def _find_lead(blocks: list[Block], teasers: list[str], shown: Callable[[str], int]) -> tuple[list[Block], str | None]:
    first = blocks[0] if blocks and blocks[0].type == "paragraph" else None
    folded = [fold(b.text) for b in blocks]  # (each block once, whatever the number of teasers)
    for teaser, key in _teasers(teasers):
        if first is not None and key in folded[0]:
            return blocks, first.text
        if any(key in k for k in folded):
            continue  # a description copied from further down the story is no lead
        if sum(len(k) for k in folded if len(k) >= MIN_LEAD_CHARS and k in key) >= OWN_TEXT_SHARE * len(key):
            continue  # a box of the story's own paragraphs (a post's header and text) is its start, not a lead
        if shown(teaser):
            lead = normal_paragraph(teaser)
            return [Block("paragraph", lead), *blocks], lead
    if first is not None and len(first.text) >= MIN_LEAD_CHARS and shown(first.text) > 1:
        return blocks, first.text
    return blocks, None

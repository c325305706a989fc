"""Fit the extracted blocks to the story's container: put back what trafilatura's choice of
one container lost, and cut the sidebar it let in.

After trafilatura: ``restore_structure`` on its blocks (stage 10), ``cut_sidebar_tail`` with the block rules (stage 11).

trafilatura keeps one container's text. On a page without a container it recognises it
recovers bare paragraphs, quotes and tables, and loses the sub-headings and lists between
them; on a story split into chunks it keeps the first chunk; a container chosen too wide
brings the sidebar's labels along after the story. Matching the extracted blocks back to
the page's text units finds all three.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import accumulate

from lxml.etree import _Element

from .blocks import HEADINGS, element_text, item_text, table_text, text_kind
from .clean import Removal, fold, link_share
from .page import REGION_TAGS
from .record import Block
from .structure import STORY_PARAGRAPH_CHARS

# Text units of a page, in reading order, for matching extracted blocks back to the page.
_UNIT_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "table", "pre")
# Unclassed wrappers of a unit inside a chunk: the chunk is the classed element around them.
_UNIT_WRAPPERS = frozenset({"ul", "ol", "dl", "blockquote"})
_RESTORABLE = frozenset({"h2", "h3", "h4", "h5", "h6", "li"})
# A heading or list item with at least this share of its text in links is navigation.
MAX_RESTORED_LINK_SHARE = 0.5
# A sub-heading is at most this long; longer "headings" are a teaser's headline and blurb.
MAX_RESTORED_HEADING_CHARS = 150
# Labels ("Tags:") and cut-off names ("Jane D…") end like this.
_LABEL_ENDS = (":", "：", "...", "…")


def _units(body: _Element) -> list[tuple[_Element, str]]:
    """The page's top-level text units in reading order (a <p> inside a quote or list item
    belongs to it), with their text: a list item's own, as its block has it (without its nested list)."""
    units: list[tuple[_Element, str]] = []
    inside: set[_Element] = set()  # units nested in the last top-level one
    for el in body.iter(*_UNIT_TAGS):
        if el in inside:
            continue
        inside = set(el.iterdescendants(*_UNIT_TAGS))
        if text := table_text(el) if el.tag == "table" else item_text(el) if el.tag == "li" else element_text(el):
            units.append((el, text))
    return units


def _restorable(el: _Element, text: str, anchor: _Element) -> bool:
    """A heading or plain list item beside the story text: not a teaser inside a link or a
    card with its own headline and picture, not a label, and not the title of a box that holds
    more than it (a "Current issue" widget), nested at most two wrappers below the story's blocks."""
    if el.tag not in _RESTORABLE or next(el.iterancestors("a"), None) is not None:
        return False
    if len(text) > MAX_RESTORED_HEADING_CHARS or text.endswith(_LABEL_ENDS):
        return False
    if link_share(el) >= MAX_RESTORED_LINK_SHARE:
        return False
    if el.tag == "li" and next(el.iter(*HEADINGS, "img", "picture", "figure"), None) is not None:
        return False
    block = el.getparent() if el.tag == "li" else el
    story = _containers(anchor)
    own = fold(element_text(block))
    node = block
    for _ in range(2):
        node = node.getparent()
        if node is None:
            return False
        if node in story:
            return True
        if fold(element_text(node)) != own:
            return False
    return False


def _containers(el: _Element) -> set[_Element]:
    """Parent and grandparent: story blocks wrapped one level deeper than their neighbours still match."""
    parent = el.getparent()
    grandparent = parent.getparent() if parent is not None else None
    return {p for p in (parent, grandparent) if p is not None}


# A unit shorter than this matches a block only exactly, never as part of it.
MIN_PART_CHARS = 20


# How far past the last match a unit's text is looked for: units and blocks run in the same
# reading order, so a unit not found this close is not shown (and searching every later block
# for each unshown unit made pages of thousands of units quadratic).
LOOKAHEAD_CHARS = 20_000
_SEPARATOR = "\x00"  # (never in page text: decoding drops control characters)


class _ShownBlocks:
    """The extracted blocks' folded texts, searched for a unit from a given block on."""

    def __init__(self, folds: list[str]) -> None:
        self._joined = _SEPARATOR.join(folds)
        self._starts = list(accumulate((len(f) + 1 for f in folds), initial=0))[: len(folds)]
        self._exact: dict[str, list[int]] = {}
        for i, text in enumerate(folds):
            self._exact.setdefault(text, []).append(i)

    def find(self, unit: str, start: int, after: int) -> tuple[int, int] | None:
        """(index, end) of the first block from ``start`` that is this unit's text or contains
        it (a short unit only as the whole block), looking no further than ``LOOKAHEAD_CHARS``
        past position ``after`` (the end of the last match) for where it starts."""
        if len(unit) < MIN_PART_CHARS:
            indices = self._exact.get(unit, [])
            at = bisect_left(indices, start)
            return (indices[at], self._starts[indices[at]] + len(unit)) if at < len(indices) else None
        if _SEPARATOR in unit or start >= len(self._starts):
            return None
        found = self._joined.find(unit, self._starts[start], max(after, self._starts[start]) + LOOKAHEAD_CHARS + len(unit))
        if found < 0:
            return None
        return bisect_right(self._starts, found) - 1, found + len(unit)


def _matched_units(body: _Element, folds: list[str]) -> Iterator[tuple[_Element, str, int | None]]:
    """The page's units in reading order, each with the index of the block that shows it
    (searched from the last match on), or None."""
    shown = _ShownBlocks(folds)
    previous, end = 0, 0
    for el, text in _units(body):
        match = shown.find(fold(text), previous, end)
        if match is not None:
            previous, end = match
        yield el, text, match[0] if match is not None else None


def restore_structure(tree: _Element, blocks: list[Block]) -> list[Block]:
    """Put back what trafilatura's choice of one container lost: sub-headings and list items
    between two extracted story blocks, and the story's other chunks before and after them.

    When a page has no container trafilatura recognises, it recovers the story from bare
    paragraphs, quotes and tables and loses the headings and lists between them. A gap
    between two extracted blocks that holds only headings and link-free list items is
    part of the story; a gap that also holds other text (a teaser box, a caption) is not.
    """
    body = tree.find("body")
    if body is None or not blocks:
        return blocks
    folds = [fold(b.text) for b in blocks]
    out = list(blocks)
    inserted = 0
    placed: dict[_Element, int] = {}  # each matched unit's place in ``out``
    previous: int | None = None  # index of the block the last matched unit showed
    anchor: _Element | None = None  # and that unit
    gap: list[Block] | None = []  # restorable units since then; None once other text intervened
    for el, text, index in _matched_units(body, folds):
        if index is not None:
            if previous is not None and gap:
                out[previous + 1 + inserted : previous + 1 + inserted] = gap
                inserted += len(gap)
            previous, anchor, gap = index, el, []
            placed.setdefault(el, index + inserted)
        elif anchor is not None and gap is not None:
            gap = [*gap, Block(_unit_kind(el.tag), text)] if _restorable(el, text, anchor) else None
    if anchor is None:
        return out
    known = set(folds)
    first = next((el for el in placed if _chunk_container(el, body) is not None), None)
    start = _chunk_container(first, body) if first is not None else None
    before, chunk = _chunk_blocks(_sibling_chunks(body, start)[0], known) if start is not None else ([], None)
    end = _chunk_container(anchor, body)
    after, _ = _chunk_blocks(_sibling_chunks(body, end)[1], known) if end is not None else ([], None)
    at = _place_after(body, chunk, placed) if chunk is not None else 0
    return out[:at] + before + out[at:] + after


def _place_after(body: _Element, chunk: _Element, placed: dict[_Element, int]) -> int:
    """Where an earlier chunk's blocks go: before the first extracted block that follows it."""
    inside = set(chunk.iter())
    seen = False
    for el in body.iter():
        if el is chunk:
            seen = True
        elif seen and el not in inside and el in placed:
            return placed[el]
    return 0


def _is_modifier(token: str) -> bool:
    """A class that only varies a block's look: "-bottom-space", "body--wide", "is-last"."""
    return token.startswith(("-", "is-", "has-")) or "--" in token


def _same_kind(el: _Element, kind: set[str]) -> bool:
    """Its classes are the container's, give or take modifiers ("body" and "body -bottom-space")."""
    classes = set((el.get("class") or "").split())
    return bool(classes & kind) and all(_is_modifier(t) for t in classes ^ kind)


# Page regions outside the story: a chunk in one of them that the story's container is not in
# is a widget that shares the page builder's classes (a footer's "Our office" text block).
_REGION_ROLES = frozenset({"banner", "contentinfo", "navigation", "complementary"})


def _regions(el: _Element) -> set[_Element]:
    return {a for a in el.iterancestors() if a.tag in REGION_TAGS or a.get("role") in _REGION_ROLES}


def _sibling_chunks(body: _Element, container: _Element) -> tuple[list[_Element], list[_Element]]:
    """Elements with ``container``'s tag and kind of class before it (after the <h1> above it, the
    story's headline) and after it (up to the next <h1>, the next story), in the page regions it is in."""
    inside = set(container.iter())
    regions = _regions(container)
    kind = set((container.get("class") or "").split())
    before: list[_Element] = []
    after: list[_Element] = []
    passed = False
    for el in body.iter(container.tag, "h1"):
        if el is container:
            passed = True
        elif el.tag == "h1":
            if passed:
                break
            before = []
        elif el not in inside and _same_kind(el, kind) and _regions(el) <= regions:
            (after if passed else before).append(el)
    wrappers = set(container.iterancestors())
    return [el for el in before if el not in wrappers], after


def _unit_kind(tag: str) -> str:
    return "list_item" if tag == "li" else "table" if tag == "table" else text_kind(tag)


def _chunk_blocks(chunks: list[_Element], known: set[str]) -> tuple[list[Block], _Element | None]:
    """The text units of chunks that hold story-length paragraphs, minus what is already known,
    and the first chunk they come from.

    Long stories are often split into chunks (one container per few paragraphs, an ad or
    promo between them); the main-text step keeps one run of chunks. Elements of the same
    kind (tag, and class give or take modifiers) as the first extracted block's container
    before it, and as the last block's after it, holding story-length paragraphs, are the
    rest of the story.
    """
    blocks: list[Block] = []
    first: _Element | None = None
    for chunk in chunks:
        units = _units(chunk)
        if not any(len(t) >= STORY_PARAGRAPH_CHARS and el.tag == "p" and link_share(el) < MAX_RESTORED_LINK_SHARE for el, t in units):
            continue
        first = chunk if first is None else first
        for el, text in units:
            key = fold(text)
            if key in known or link_share(el) >= MAX_RESTORED_LINK_SHARE:
                continue
            known.add(key)
            blocks.append(Block(_unit_kind(el.tag), text))
    return blocks, first


def _chunk_container(el: _Element, body: _Element) -> _Element | None:
    """The classed container a story block sits in: what the story's other chunks look like."""
    container = el.getparent()
    while container is not None and container.tag in _UNIT_WRAPPERS and not container.get("class"):
        container = container.getparent()  # (a list item's or a quote's paragraph: the list is no chunk)
    return None if container is None or container is body or not container.get("class") else container


# The story's container holds at least this share of its story-length paragraphs' text.
STORY_CONTAINER_SHARE = 0.9
# A tail outside that container is a sidebar when less than this share of its text is in
# story-length paragraphs (labels, prices, headings), and it has at least this many blocks.
MAX_SIDEBAR_STORY_SHARE = 0.5
MIN_SIDEBAR_BLOCKS = 3


def _block_elements(body: _Element, blocks: list[Block]) -> dict[int, _Element]:
    """For each block shown by a page unit, the first such unit (reading order kept)."""
    owner: dict[int, _Element] = {}
    for el, _, index in _matched_units(body, [fold(b.text) for b in blocks]):
        if index is not None:
            owner.setdefault(index, el)
    return owner


def _story_container(owner: dict[int, _Element], blocks: list[Block]) -> _Element | None:
    """The deepest element holding most of the story-length paragraphs' text."""
    held: dict[_Element, int] = {}
    total = 0
    for index, el in owner.items():
        if len(text := blocks[index].text) >= STORY_PARAGRAPH_CHARS:
            total += len(text)
            for ancestor in el.iterancestors():
                held[ancestor] = held.get(ancestor, 0) + len(text)
    enough = [el for el, chars in held.items() if chars >= STORY_CONTAINER_SHARE * total]
    return max(enough, key=lambda el: sum(1 for _ in el.iterancestors()), default=None)


def cut_sidebar_tail(tree: _Element, blocks: list[Block]) -> tuple[list[Block], list[Removal]]:
    """Blocks after the story's last block in its container, mostly short ones, are a sidebar.

    A container chosen one level too wide holds the story and the column beside it
    ("New pictures", "Share price", "59,99 €"). A tail with half or more of its text in
    story-length paragraphs is kept (the story continued in the next container), and so is
    one made mostly of list items (a fact box closing the story).
    """
    body = tree.find("body")
    if body is None or not _short_tail(blocks):
        return blocks, []
    owner = _block_elements(body, blocks)
    container = _story_container(owner, blocks)
    if container is None:
        return blocks, []
    inside = [i for i, el in owner.items() if container in el.iterancestors()]
    if not inside:
        return blocks, []
    end = max(inside) + 1
    tail = blocks[end:]
    if len(tail) < MIN_SIDEBAR_BLOCKS or not all(i in owner for i in range(end, len(blocks))):
        return blocks, []  # (a block the page's units do not show may sit inside the container)
    if _story_share(tail) >= MAX_SIDEBAR_STORY_SHARE or 2 * sum(b.type == "list_item" for b in tail) > len(tail):
        return blocks, []
    return blocks[:end], [Removal("sidebar", b.text) for b in tail]


def _story_share(blocks: list[Block]) -> float:
    """The share of the blocks' text that is in story-length paragraphs."""
    chars = sum(len(b.text) for b in blocks)
    return sum(len(b.text) for b in blocks if len(b.text) >= STORY_PARAGRAPH_CHARS) / chars if chars else 0.0


def _short_tail(blocks: list[Block]) -> bool:
    """Some run of blocks at the end could be a sidebar (the cheap test before locating them)."""
    chars = story = 0
    for n, block in enumerate(reversed(blocks), 1):
        chars += len(block.text)
        story += len(block.text) if len(block.text) >= STORY_PARAGRAPH_CHARS else 0
        if n >= MIN_SIDEBAR_BLOCKS and story < MAX_SIDEBAR_STORY_SHARE * chars:
            return True
    return False

"""Give layout tables, div soup and ``<br><br>`` text the structure main-text extraction expects.

Before trafilatura: layout tables are unwrapped before the tree rules (stage 6), the rest runs after them (stage 8).

trafilatura scores ``<p>``-like blocks and keeps tables whole; a page laid
out with tables, or whose paragraphs are bare ``<div>`` text or runs of text
split by double line breaks, otherwise comes out as one run-on paragraph,
noise included.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from .clean import INLINE_TAGS, LOOSE_TEXT_HOSTS, loose_chars, text_of

_PARAGRAPH_HOSTS = ("div", "section", "article", "td", "span", "font")
# Below this many characters of its own (non-link) text a div is a label, not a paragraph.
MIN_DIV_PARAGRAPH_CHARS = 2
# A page with at least this many story-length <p> already has paragraph markup.
MIN_REAL_PARAGRAPHS = 3
# A story's paragraph is at least this long (also what a story chunk holds, and what a
# main-text result that stopped early is measured against). The box rules of clean.py keep a
# box for a longer block (clean.STORY_BLOCK_CHARS).
STORY_PARAGRAPH_CHARS = 80


_LAYOUT_MARKERS = ("table", "h1", "h2", "h3", "ul", "ol", "form", "iframe")


def _is_layout_table(table: HtmlElement) -> bool:
    """A table that holds page structure (headings, nested tables, paragraphs, one lone cell), not data."""
    if len([c for r in table.iter("tr") for c in r if c.tag in ("td", "th")]) <= 1:
        return True
    return any(
        el.tag in _LAYOUT_MARKERS or len(text_of(el)) >= STORY_PARAGRAPH_CHARS
        for el in table.iterdescendants(*_LAYOUT_MARKERS, "p", "div")
    )


def _own_rows(table: HtmlElement) -> list[HtmlElement]:
    sections = [c for c in table if c.tag in ("tbody", "thead", "tfoot")]
    rows = [r for parent in (table, *sections) for r in parent if r.tag == "tr"]
    return [*sections, *rows, *(c for r in rows for c in r if c.tag in ("td", "th"))]


def unwrap_layout_tables(body: HtmlElement) -> None:
    """Layout tables become plain divs, so their cells are blocks and not one data table.

    Only a table's own rows and cells change: tables nested in it are judged on their own.
    """
    for table in [t for t in body.iter("table") if _is_layout_table(t)]:
        for el in (table, *_own_rows(table)):
            el.tag = "div"


def _own_text_chars(el: HtmlElement) -> int:
    """Characters of text outside links: a div of links is navigation, not a paragraph."""
    count = len((el.text or "").strip())
    for child in el:
        if child.tag != "a":
            count += len("".join(child.itertext()).strip())
        count += len((child.tail or "").strip())
    return count



def has_paragraph_markup(body: HtmlElement) -> bool:
    count = 0
    for p in body.iter("p"):
        if len(p.text_content()) >= STORY_PARAGRAPH_CHARS:
            count += 1
            if count >= MIN_REAL_PARAGRAPHS:
                return True
    return False


def divs_to_paragraphs(body: HtmlElement) -> None:
    """On a page without paragraph markup, a div holding only text and inline markup is a paragraph.

    Pages that do use <p> are left alone: there text-only divs are captions,
    teasers and labels, and promoting them misleads the main-text scorer.
    """
    if has_paragraph_markup(body):
        return
    for el in body.iter("div"):
        if _inline_only(el) and _own_text_chars(el) >= MIN_DIV_PARAGRAPH_CHARS and not _in_cell(el):
            el.tag = "p"


def _in_cell(el: HtmlElement) -> bool:
    """Inside a table cell: the cell's content, not a paragraph (a schedule's "Seattle v New England")."""
    return next(el.iterancestors("td", "th"), None) is not None


def _inline_only(el: HtmlElement) -> bool:
    return all(isinstance(c.tag, str) and (c.tag in INLINE_TAGS or c.tag == "br") for c in el)


# A run with less bare text than this (outside any child element) is a separator or label.
MIN_LOOSE_RUN_CHARS = 40


# Elements that break a run of text into separate blocks; anything else (a link, <q>, an
# emoji <img>) flows inside the sentence.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "dd", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "iframe", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video", "audio", "canvas", "picture",
})


def _is_inline(item: str | HtmlElement) -> bool:
    return isinstance(item, str) or not isinstance(item.tag, str) or item.tag not in _BLOCK_TAGS


def _bare_chars(run: list[str | HtmlElement]) -> int:
    """Characters of bare text in a run: text wholly inside a span or link is a caption or label."""
    return sum(len(item.strip()) for item in run if isinstance(item, str))


def wrap_loose_text(body: HtmlElement) -> None:
    """Text sitting between block children of a container becomes a ``<p>`` per run.

    Browsers render such runs as anonymous blocks (split at double breaks, like
    :func:`split_double_breaks`); left loose, the text is the
    tail of an ad slot or picture box, and main-text extraction drops it with
    the box (story text written straight into a div between image and ad slots).
    """
    for host in [el for el in body.iter(*LOOSE_TEXT_HOSTS) if loose_chars(el) and not _inline_only(el)]:
        items = _content(host)
        runs: list[list[str | HtmlElement]] = [[]]
        for item in items:
            if _is_inline(item):
                runs[-1].append(item)
            else:
                runs.append([item])
                runs.append([])
        if not any(_bare_chars(run) >= MIN_LOOSE_RUN_CHARS for run in runs if run and _is_inline(run[0])):
            continue
        _empty(host)
        for run in runs:
            if run and not _is_inline(run[0]):
                host.append(run[0])
            elif _bare_chars(run) >= MIN_LOOSE_RUN_CHARS:
                para = host.makeelement("p")
                _append_inline(para, run)
                host.append(para)
                if _has_double_break(para):
                    split_double_breaks(para)  # a run of several <br><br> paragraphs
            else:
                _append_inline(host, run)


def _content(host: HtmlElement) -> list[str | HtmlElement]:
    """A container's text and children in order: text, child, its tail, child, its tail …"""
    items: list[str | HtmlElement] = [host.text or ""]
    for child in host:
        items += [child, child.tail or ""]
    return items


def _empty(host: HtmlElement) -> None:
    """Take every child and all text out of ``host`` (the children keep no tails), to rebuild it."""
    for child in list(host):
        child.tail = None
        host.remove(child)
    host.text = None


def _append_inline(host: HtmlElement, run: list[str | HtmlElement]) -> None:
    """Put text and inline elements back at the end of ``host`` as they were."""
    # (len(host) counts the children: asked per item, it made <br>-split pages quadratic)
    last = next(host.iterchildren(reversed=True), None)
    for item in run:
        if not isinstance(item, str):
            host.append(item)
            last = item
        elif last is not None:
            last.tail = (last.tail or "") + item
        else:
            host.text = (host.text or "") + item


def split_double_breaks(body: HtmlElement) -> None:
    """Inline text separated by two or more ``<br>`` becomes one ``<p>`` per piece."""
    for host in [el for el in body.iter(*_PARAGRAPH_HOSTS, "p") if _inline_only(el) and _has_double_break(el)]:
        items = _content(host)
        _empty(host)
        groups: list[list[str | HtmlElement]] = [[]]
        run: list[HtmlElement] = []
        for item in items:
            if not isinstance(item, str) and item.tag == "br":
                run.append(item)
                continue
            if isinstance(item, str) and run and not item.strip():
                continue  # white space between breaks
            if len(run) >= 2:
                groups.append([])
            else:
                groups[-1].extend(run)
            run = []
            groups[-1].append(item)
        for group in groups:
            para = host.makeelement("p")
            _append_inline(para, group)
            if para.text_content().strip():
                host.append(para)
        if host.tag == "p":
            host.tag = "div"  # a <p> cannot hold paragraphs


def _has_double_break(el: HtmlElement) -> bool:
    previous_was_break = False
    for child in el:
        if child.tag == "br":
            if previous_was_break:
                return True
            previous_was_break = not (child.tail or "").strip()
        else:
            previous_was_break = False
    return False

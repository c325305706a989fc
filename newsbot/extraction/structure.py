"""Give layout tables, div soup and ``<br><br>`` text the structure main-text extraction expects.

trafilatura scores ``<p>``-like blocks and keeps tables whole; a page laid
out with tables, or whose paragraphs are bare ``<div>`` text or runs of text
split by double line breaks, otherwise comes out as one run-on paragraph,
noise included.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from .clean import INLINE_TAGS

_PARAGRAPH_HOSTS = ("div", "section", "article", "td", "span", "font")
# Below this many characters of its own (non-link) text a div is a label, not a paragraph.
MIN_DIV_PARAGRAPH_CHARS = 2
# A page with at least this many story-length <p> already has paragraph markup.
MIN_REAL_PARAGRAPHS = 3
STORY_PARAGRAPH_CHARS = 80


_LAYOUT_MARKERS = ("table", "h1", "h2", "h3", "ul", "ol", "form", "iframe")


def _is_layout_table(table: HtmlElement) -> bool:
    """A table that holds page structure (headings, nested tables, paragraphs, one lone cell), not data."""
    if len([c for r in table.iter("tr") for c in r if c.tag in ("td", "th")]) <= 1:
        return True
    for el in table.iterdescendants(*_LAYOUT_MARKERS, "p", "div"):
        if el.tag in _LAYOUT_MARKERS or len(el.text_content()) >= STORY_PARAGRAPH_CHARS:
            return True
    return False


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
        if _inline_only(el) and _own_text_chars(el) >= MIN_DIV_PARAGRAPH_CHARS:
            el.tag = "p"


def _inline_only(el: HtmlElement) -> bool:
    return all(isinstance(c.tag, str) and (c.tag in INLINE_TAGS or c.tag == "br") for c in el)


def split_double_breaks(body: HtmlElement) -> None:
    """Inline text separated by two or more ``<br>`` becomes one ``<p>`` per piece."""
    for host in [el for el in body.iter(*_PARAGRAPH_HOSTS, "p") if _inline_only(el) and _has_double_break(el)]:
        items: list[str | HtmlElement] = [host.text or ""]
        for child in list(host):
            tail, child.tail = child.tail, None
            host.remove(child)
            items += [child, tail or ""]
        host.text = None
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
            last: HtmlElement | None = None
            for item in group:
                if not isinstance(item, str):
                    para.append(item)
                    last = item
                elif last is None:
                    para.text = (para.text or "") + item
                else:
                    last.tail = (last.tail or "") + item
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

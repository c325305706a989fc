"""Structure repairs before main-text extraction: layout tables, double breaks, div paragraphs."""

from __future__ import annotations

import lxml.html
from lxml.html import HtmlElement

from newsbot.extraction.structure import divs_to_paragraphs, split_double_breaks, unwrap_layout_tables, wrap_loose_text

LONG = "The regional council approved the new budget on Tuesday after a debate that lasted into the night."


def _body(html: str) -> HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{html}</body></html>").find("body")


def _tags(body: HtmlElement) -> list[str]:
    return [el.tag for el in body.iterdescendants()]


def test_layout_table_becomes_divs() -> None:
    body = _body(f"<table><tr><td><h2>Budget</h2><p>{LONG}</p></td><td>Sidebar</td></tr></table>")
    unwrap_layout_tables(body)
    assert _tags(body) == ["div", "div", "div", "h2", "p", "div"]


def test_data_table_stays() -> None:
    html = "<table><tr><th>Year</th><th>Budget</th></tr><tr><td>2024</td><td>1.2 bn</td></tr></table>"
    body = _body(html)
    unwrap_layout_tables(body)
    assert _tags(body) == ["table", "tr", "th", "th", "tr", "td", "td"]


def test_data_table_with_indented_divs_in_its_cells_stays() -> None:
    # a directory's rows: short labels in divs, indented by the template; the indentation is no text
    pad = "\n" + " " * 40
    cell = f"<td><a href='/t/1'>Anthills</a><div>{pad}<div>{pad}Intermediate{pad}</div>{pad}<div>{pad}Addicks, TX{pad}</div>{pad}</div></td>"
    body = _body(f"<table><tr>{cell}<td>4.7 mi</td></tr><tr>{cell}<td>2.1 mi</td></tr></table>")
    unwrap_layout_tables(body)
    assert body[0].tag == "table"


def test_one_cell_table_becomes_a_div() -> None:
    body = _body("<table><tr><td>Short note</td></tr></table>")
    unwrap_layout_tables(body)
    assert _tags(body) == ["div", "div", "div"]


def test_data_table_nested_in_a_layout_table_stays() -> None:
    body = _body(
        "<table><tbody><tr><td><p>Results</p>"
        "<table><tr><td>North</td><td>12</td></tr><tr><td>South</td><td>9</td></tr></table>"
        "</td><td>Ads</td></tr></tbody></table>"
    )
    unwrap_layout_tables(body)
    outer = body[0]
    assert outer.tag == "div" and outer[0].tag == "div" and outer[0][0].tag == "div"
    inner = body.find(".//table")
    assert inner is not None
    assert [el.tag for el in inner.iterdescendants()] == ["tr", "td", "td", "tr", "td", "td"]


def test_double_breaks_split_inline_text_into_paragraphs() -> None:
    body = _body("<div id='t'>First part<br><br>Second <b>bold</b> part<br>same paragraph<br> <br>Third part</div>")
    split_double_breaks(body)
    host = body.get_element_by_id("t")
    paragraphs = host.findall("p")
    assert [p.text_content() for p in paragraphs] == ["First part", "Second bold partsame paragraph", "Third part"]
    assert len(paragraphs[1].findall("br")) == 1  # a single break stays a line break inside its paragraph
    assert host.text is None and len(host) == 3


def test_a_p_holding_double_breaks_becomes_a_div() -> None:
    body = _body("<p>One<br><br>Two</p>")
    split_double_breaks(body)
    host = body[0]
    assert host.tag == "div" and [p.text for p in host] == ["One", "Two"]


def test_single_breaks_and_block_children_are_left_alone() -> None:
    html = "<div>Line one<br>line two</div><div>Text<br><br><div>block child</div></div>"
    body = _body(html)
    before = lxml.html.tostring(body)
    split_double_breaks(body)
    assert lxml.html.tostring(body) == before


def test_text_divs_become_paragraphs_on_a_page_without_p() -> None:
    body = _body(
        f"<div id='a'>{LONG}</div><div id='nav'><a href='/1'>Home</a> <a href='/2'>News</a></div>"
        "<div id='outer'><div id='b'>Second <b>story</b> text</div></div><div id='x'>x</div>"
    )
    divs_to_paragraphs(body)
    tag = lambda id_: body.get_element_by_id(id_).tag
    assert (tag("a"), tag("b")) == ("p", "p")
    assert (tag("nav"), tag("outer"), tag("x")) == ("div", "div", "div")  # links only, a container, a one-letter label


def test_a_table_cells_text_div_stays_a_cell() -> None:
    # a schedule laid out as a table, each cell's text in a div: paragraphs in cells break the table apart
    body = _body("<table><tr><th><div id='h'>Matchup</div></th></tr><tr><td><div id='c'>Seattle v New England</div></td></tr></table>"
                 f"<div id='p'>{LONG}</div>")  # fmt: skip
    divs_to_paragraphs(body)
    tag = lambda id_: body.get_element_by_id(id_).tag
    assert (tag("h"), tag("c"), tag("p")) == ("div", "div", "p")


def test_text_divs_stay_divs_on_a_page_with_paragraphs() -> None:
    body = _body(f"<p>{LONG}</p><p>{LONG}</p><p>{LONG}</p><div id='c'>Photo caption text</div>")
    divs_to_paragraphs(body)
    assert body.get_element_by_id("c").tag == "div"
    two = _body(f"<p>{LONG}</p><p>{LONG}</p><div id='c'>Paragraph as a div</div>")
    divs_to_paragraphs(two)
    assert two.get_element_by_id("c").tag == "p"  # two story paragraphs are not yet paragraph markup


# --- loose text between blocks ---------------------------------------------------------------

SECOND = "Police reached the spot within minutes and took the driver to the station for questioning."


def test_loose_text_between_blocks_becomes_paragraphs_in_order() -> None:
    # story text written straight into a div, between a picture box and an (empty) ad slot
    body = _body(
        f"<div id='s'>{LONG}<span class='br'></span><div class='pic'><img src='a.jpg'></div>"
        f"<b>Arrest</b> {SECOND}<div class='ad'></div>Tail sentence that closes the story for good.</div>"
    )
    wrap_loose_text(body)
    host = body.get_element_by_id("s")
    assert [c.tag for c in host] == ["p", "div", "p", "div", "p"]
    assert [p.text_content() for p in host.findall("p")] == [
        LONG, f"Arrest {SECOND}", "Tail sentence that closes the story for good."
    ]
    assert host.text is None and all(not (c.tail or "").strip() for c in host)


def test_a_loose_run_of_double_break_paragraphs_becomes_one_paragraph_each() -> None:
    body = _body(f"<div id='s'><h2>Budget</h2>{LONG}<br><br>{SECOND}<div class='ad'></div></div>")
    wrap_loose_text(body)
    assert [p.text_content() for p in body.get_element_by_id("s").iter("p")] == [LONG, SECOND]


def test_separators_and_text_inside_child_elements_stay_loose() -> None:
    # "|" between menu blocks is a separator; a caption wholly inside a span is not loose text
    html = (
        "<div id='m'><div>Home</div> | <div>News</div></div>"
        f"<div id='c'><p>{LONG}</p><span class='caption'>{SECOND}</span></div>"
    )
    body = _body(html)
    before = lxml.html.tostring(body, encoding="unicode")
    wrap_loose_text(body)
    assert lxml.html.tostring(body, encoding="unicode") == before
    assert "<p>" not in before.replace(f"<p>{LONG}</p>", "")


def test_text_only_divs_are_left_to_divs_to_paragraphs() -> None:
    body = _body(f"<div id='t'>{LONG}</div>")
    wrap_loose_text(body)
    assert _tags(body) == ["div"]


def test_inline_elements_other_than_links_stay_inside_the_sentence() -> None:
    body = _body(f"<div id='s'><div class='ad'></div>The minister said the plan was <q>a disaster</q> and <img src='e.png'> that she would vote against it.</div>")
    wrap_loose_text(body)
    paragraphs = body.get_element_by_id("s").findall("p")
    assert [p.text_content() for p in paragraphs] == ["The minister said the plan was a disaster and  that she would vote against it."]

"""The tree-level cleaner's shared pieces: text folding, the clean_tree pass, counting shown copies.

Each rule's own behaviour (share bars, read-also boxes, widgets) is tested
through its pattern table in tests/test_patterns.py.
"""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from newsbot.extraction import extract
from newsbot.extraction.clean import clean_tree, count_shown, fold, is_share_text, read_also_marker, text_of

LEAD = "A long night in the council ends with money for the bridges."


def _page(body: str) -> HtmlElement:
    return lxml.html.document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")


def test_fold_compares_typographic_and_plain_text_equal() -> None:
    assert fold("  “Hello”,\n  World!  ") == 'hello", world'
    assert fold("Council’s ＢＵＤＧＥＴ") == fold("council's budget") == "council's budget"
    assert fold("» Read also: «") == "read also"


def test_text_of_collapses_white_space_and_ignores_comments() -> None:
    tree = _page("<p id='p'> One <b>two</b>\n\nthree <!-- hidden --></p>")
    assert text_of(tree.get_element_by_id("p")) == "One two three"
    comment = next(tree.get_element_by_id("p").iter(lxml.etree.Comment))
    assert text_of(comment) == ""


def test_share_text_and_read_also_marker() -> None:
    assert is_share_text("Share: Facebook · Twitter · E-mail")
    assert not is_share_text("Share prices fell on Facebook news")
    assert read_also_marker("Читайте также: Новый мост") == "читайте также"
    assert read_also_marker("Relatedness of the two votes") is None  # a marker must end at a word boundary


def test_clean_tree_drops_invisible_elements_and_keeps_their_tail() -> None:
    tree = _page("<p id='p'>Before<script>var share = 1;</script> after<style>p {}</style></p>")
    assert clean_tree(tree) == []
    assert tree.get_element_by_id("p").text_content() == "Before after"


def test_clean_tree_strips_comments_but_keeps_the_text_after_them() -> None:
    # text behind a comment is the comment's tail: main-text extraction dropped it with the comment
    tree = _page("<div id='d'><div class='ad'></div>A local heard cries. <!-- -->He alerted the police.<!-- x --></div>")
    assert clean_tree(tree) == []
    assert list(tree.iter(lxml.etree.Comment)) == []
    host = tree.get_element_by_id("d")
    assert host[0].tail == "A local heard cries. He alerted the police."


def test_clean_tree_without_body_removes_nothing() -> None:
    tree = lxml.html.fromstring("<div><span>Share</span></div>")
    assert clean_tree(tree) == []


def test_clean_tree_reports_removals_in_order() -> None:
    tree = _page(
        "<div><span>Share</span> <a href='/f'>Facebook</a></div>"
        "<p>The regional council approved the new budget on Tuesday after a debate that lasted into the night.</p>"
        "<h3>Read also</h3><ul><li><a href='/x'>Storm closes the northern mountain pass</a></li></ul>"
    )
    removed = clean_tree(tree)
    assert [(r.rule, r.text) for r in removed] == [
        ("share_bar", "Share Facebook"),
        ("read_also", "Read also"),
        ("read_also", "Storm closes the northern mountain pass"),
    ]


def test_count_shown_counts_separate_copies_once_each() -> None:
    tree = _page(
        f"<p class='standfirst'>{LEAD}</p><div class='story'><div><span>{LEAD}</span></div>"
        f"<p>{LEAD} And more text after it.</p></div>"
    )
    assert count_shown(tree, LEAD) == 2  # the wrapped span is one copy; the longer paragraph is none
    assert count_shown(tree, "Not on the page at all, anywhere.") == 0


def test_count_shown_sees_copies_that_differ_in_quotes_case_or_inline_markup() -> None:
    lead = "“Sea levels are rising faster than expected,” the report on coastal towns warned."
    tree = _page(
        f"<p>{lead}</p>"
        "<p>\"Sea levels are rising faster than expected,\" the report on coastal towns warned.</p>"
        "<p><b>“Sea</b> levels are rising faster than expected,” the report on coastal towns warned.</p>"
    )
    assert count_shown(tree, lead) == 3
    turkish = "İzmir Büyükşehir Belediyesi metro hattını 2026 yılında açmayı planlıyor."
    assert count_shown(_page(f"<h2>{turkish}</h2><div><p>{turkish}</p></div>"), turkish) == 2


def test_read_also_marker_in_its_own_bold_paragraph_goes_with_its_list() -> None:
    story = "The regional council approved the new budget on Tuesday after a long debate about repairs."
    tree = _page(
        f"<div class='story'><div><p>{story}</p></div>"
        "<div><p><strong>LEIA TAMBÉM:</strong></p><ul><li><a href='/a'>Matrículas na rede municipal vão até sexta</a></li>"
        "<li><a href='/b'>Recife amplia horário das creches</a></li></ul></div>"
        f"<div><p>{story} Again.</p></div></div>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["read_also"]
    assert "Matrículas" in removed[0].text and "Recife amplia" in removed[0].text
    assert "Matrículas" not in text_of(tree) and text_of(tree).count("regional council") == 2


def test_picture_and_video_figures_go_but_figures_holding_story_content_stay() -> None:
    tree = _page(
        "<p>The regional council approved the new budget on Tuesday after a long debate.</p>"
        "<figure><img src='a.jpg'><figcaption>The council chamber on Tuesday.</figcaption></figure>"
        "<figure><div>Video: the debate in two minutes 02:13</div></figure>"
        "<figure class='wp-block-table'><table><tr><td>2024</td><td>1.2 bn</td></tr></table>"
        "<figcaption>Budget by year</figcaption></figure>"
        "<figure><blockquote>It is a good day for the bridges.</blockquote></figure>"
        "<div class='player'><img src='v.jpg'><figcaption><p>Firefighters at work</p></figcaption></div>"
    )
    removed = clean_tree(tree)
    assert [(r.rule, r.text) for r in removed] == [
        ("figure", "The council chamber on Tuesday."),
        ("figure", "Video: the debate in two minutes 02:13"),
        ("figure", "Firefighters at work"),  # a caption outside any figure
    ]
    text = text_of(tree)
    assert "1.2 bn" in text and "good day for the bridges" in text and "approved the new budget" in text
    assert "Budget by year" in text  # a story table's caption stays with it


def test_a_removed_picture_leaves_an_empty_figure_in_its_place() -> None:
    # trafilatura tells a fallback that took page furniture by a <figure> in its output: the
    # caption goes, the figure's place stays
    tree = _page("<div><p>The council approved the budget.</p><figure><img src='a.jpg'><figcaption>The chamber.</figcaption></figure></div>")
    clean_tree(tree)
    box = tree.find("body/div")
    assert [child.tag for child in box] == ["p", "figure"]
    assert len(box[1]) == 0 and not text_of(box[1])


def test_a_forum_threads_replies_stay_content() -> None:
    """trafilatura keeps a thread's replies (it prunes comment boxes elsewhere) when the page's JSON-LD
    says DiscussionForumPosting: cleaning keeps JSON-LD where trafilatura looks for it."""
    page = Path(__file__).parents[1] / "fixtures" / "forum" / "thread.html"
    article = extract(page.read_bytes(), "https://forum.example.org/t/which-tent-cairngorms/4411")
    paragraphs = article.body.split("\n\n")
    assert [p[:30] for p in paragraphs] == ["I am planning a week of wild c", "For the plateau I would take a", "Pitch low and sheltered, whate"]
    assert article.drop_reason == "forum_page"

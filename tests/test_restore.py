"""Restore: sub-headings and lists between extracted paragraphs, other chunks of a split story,
and the sidebar tail a too-wide container brings along."""

from __future__ import annotations

import lxml.html

from newsbot.extraction.record import Block
from newsbot.extraction.restore import cut_sidebar_tail, restore_structure

P1 = "The regional council approved the new budget on Tuesday after a debate that lasted well into the night."
P2 = "Opposition members said the repairs should have started years ago and asked for a full list of bridges."
P3 = "The first works are planned for the spring, when the river is low enough for the crews to reach the piers."


def _restored(body_html: str, extracted: list[str]) -> list[tuple[str, str]]:
    tree = lxml.html.document_fromstring(f"<html><body>{body_html}</body></html>")
    return [(b.type, b.text) for b in restore_structure(tree, [Block("paragraph", t) for t in extracted])]


def test_headings_and_lists_between_extracted_paragraphs_come_back_in_order() -> None:
    page = (
        f"<div><div><p>{P1}</p></div><div><h3>What changes</h3></div>"
        f"<div><p>{P2}</p></div><ul><li>Roads first</li><li>Then the <b>bridges</b></li></ul><p>{P3}</p></div>"
    )
    assert _restored(page, [P1, P2, P3]) == [
        ("paragraph", P1),
        ("heading", "What changes"),
        ("paragraph", P2),
        ("list_item", "Roads first"),
        ("list_item", "Then the bridges"),
        ("paragraph", P3),
    ]


def test_an_item_with_a_sub_list_matches_its_own_block_and_comes_back_once() -> None:
    # the main text has the item and its sub-items as blocks of their own: no merged copy of all three
    page = (
        f"<div><p>{P1}</p><ul><li>Try drinks high in potassium.<ul><li>Prune or orange juice.</li>"
        f"<li>Low-fat kefir.</li></ul></li><li>Have a banana.</li></ul><h3>Less sugar</h3><p>{P2}</p></div>"
    )
    extracted = [P1, "Try drinks high in potassium.", "Prune or orange juice.", "Low-fat kefir.", "Have a banana.", P2]
    assert _restored(page, extracted) == [
        ("paragraph", P1),
        ("paragraph", "Try drinks high in potassium."),
        ("paragraph", "Prune or orange juice."),
        ("paragraph", "Low-fat kefir."),
        ("paragraph", "Have a banana."),
        ("heading", "Less sugar"),
        ("paragraph", P2),
    ]


def test_a_gap_holding_other_text_or_links_stays_out() -> None:
    teaser_box = "<div><h3>More news</h3><ul><li><a href='/a'>Storm closes the northern mountain pass</a></li></ul></div>"
    caption = "<h4>Budget day</h4><p>Photo of the council chamber.</p>"
    page = f"<div><p>{P1}</p>{teaser_box}<p>{P2}</p>{caption}<p>{P3}</p></div>"
    assert _restored(page, [P1, P2, P3]) == [("paragraph", P1), ("paragraph", P2), ("paragraph", P3)]


def test_box_titles_cards_labels_and_text_before_the_story_stay_out() -> None:
    page = (
        "<h2>Weather in the city</h2>"
        f"<div><p>{P1}</p><div class='box'><h4>Current issue</h4><span>December 2024</span></div><p>{P2}</p>"
        f"<ul><li><h3>Teaser headline</h3>Teaser text of another story</li></ul><p>{P3}</p>"
        "<ul><li>Tags:</li></ul></div>"
    )
    assert _restored(page, [P1, P2, P3]) == [("paragraph", P1), ("paragraph", P2), ("paragraph", P3)]


def test_a_story_split_into_chunks_continues_in_later_chunks_of_the_same_kind() -> None:
    page = (
        "<div class='grid'><div class='chunk'><p>" + P1 + "</p></div></div>"
        "<div class='promo'><p>Subscribe to our magazine and get the print edition at home every week.</p></div>"
        "<div class='grid'><div class='chunk'><h2>The repairs</h2><p>" + P2 + "</p>"
        "<ul><li>Main bridge</li></ul></div></div>"
        "<div class='grid'><div class='chunk'><p><a href='/x'>A link list that is no story text at all, only links</a></p></div></div>"
        "<div class='grid'><div class='chunk'><p>" + P3 + "</p></div></div>"
    )
    assert _restored(page, [P1]) == [
        ("paragraph", P1),
        ("heading", "The repairs"),
        ("paragraph", P2),
        ("list_item", "Main bridge"),
        ("paragraph", P3),
    ]


def test_a_chunk_ending_in_a_list_or_quote_still_continues_in_the_next_chunk() -> None:
    # a forum thread: one container per post; the first post ends in a list, so its last block's
    # parent is the unclassed <ul>, and the post container around it is what the next posts look like
    page = (
        f"<h1>Bridges</h1><div class='post'><p>{P1}</p><ul><li>Main bridge first</li></ul></div>"
        f"<div class='post'><p>{P2}</p><blockquote><p>{P1}</p></blockquote></div>"
        f"<div class='post'><p>{P3}</p></div>"
    )
    restored = _restored(page, [P1, "Main bridge first"])
    # (the second post's quote of the first is text the story already holds: it comes back once)
    assert restored == [("paragraph", P1), ("paragraph", "Main bridge first"), ("paragraph", P2), ("paragraph", P3)]


def test_earlier_chunks_below_the_headline_come_back_before_the_extracted_one() -> None:
    lead = "Short standfirst above the story."
    page = (
        f"<div class='chunk'><p>{P3}</p></div>"  # above the headline: another story's chunk
        f"<h1>Bridges</h1><p class='lead'>{lead}</p>"
        f"<div class='chunk'><p>{P1}</p></div><div class='ad'></div><div class='chunk'><p>{P2}</p></div>"
    )
    assert _restored(page, [lead, P2]) == [("paragraph", lead), ("paragraph", P1), ("paragraph", P2)]


def test_an_earlier_chunk_goes_back_where_it_stands_on_the_page() -> None:
    # the first extracted block sits in an unclassed wrapper: the chunk still goes before it
    page = f"<h1>Bridges</h1><div class='chunk'><p>{P3}</p></div><div><p>{P1}</p></div><div class='chunk'><p>{P2}</p></div>"
    assert _restored(page, [P1, P2]) == [("paragraph", P3), ("paragraph", P1), ("paragraph", P2)]


def test_chunks_whose_classes_differ_by_a_modifier_are_the_same_kind() -> None:
    page = (
        f"<h1>Bridges</h1><div class='body article-body -bottom-space'><p>{P1}</p></div><div class='ad'></div>"
        f"<div class='body article-body'><p>{P2}</p></div><div class='body article-body promo'><p>{P3}</p></div>"
    )
    assert _restored(page, [P1]) == [("paragraph", P1), ("paragraph", P2)]  # "promo" is no modifier


def test_the_next_story_below_a_new_headline_is_no_continuation() -> None:
    page = (
        f"<h1>First story</h1><div class='body'><p>{P1}</p></div>"
        f"<h1>Next story</h1><div class='body'><p>{P2}</p></div>"
    )
    assert _restored(page, [P1]) == [("paragraph", P1)]
    unclassed = f"<div><p>{P1}</p></div><div><p>{P2}</p></div>"
    assert _restored(unclassed, [P1]) == [("paragraph", P1)]


def test_a_chunk_in_the_footer_is_a_widget_of_the_same_page_builder() -> None:
    # page builders give every text widget one class: the footer's "Our office" block is no continuation
    office = "Our office in the harbour district welcomes patients from the whole region, with evening hours on weekdays."
    for footer in ("<footer>{}</footer>", "<div role='contentinfo'>{}</div>", "<aside>{}</aside>"):
        page = (
            f"<main><h1>Bridges</h1><div class='widget'><p>{P1}</p></div><div class='ad'></div>"
            f"<div class='widget'><p>{P2}</p></div></main>" + footer.format(f"<div class='widget'><p>{office}</p></div>")
        )
        assert _restored(page, [P1]) == [("paragraph", P1), ("paragraph", P2)], footer
    inside = f"<footer><div class='widget'><p>{P1}</p></div><div class='widget'><p>{office}</p></div></footer>"
    assert _restored(inside, [P1]) == [("paragraph", P1), ("paragraph", office)]  # a story laid out in a footer


# --- the sidebar tail -------------------------------------------------------------------------

SIDEBAR = ["New pictures", "Share price", "From the forum", "Router deal: 59,99 €"]


def _cut(body_html: str, extracted: list[str]) -> tuple[list[str], list[str]]:
    tree = lxml.html.document_fromstring(f"<html><body>{body_html}</body></html>")
    kept, removed = cut_sidebar_tail(tree, [Block("paragraph", t) for t in extracted])
    assert all(r.rule == "sidebar" for r in removed)
    return [b.text for b in kept], [r.text for r in removed]


def test_short_blocks_after_the_story_in_the_next_column_are_a_sidebar() -> None:
    column = "".join(f"<div class='box'><p>{t}</p></div>" for t in SIDEBAR)
    page = f"<div class='wrap'><div class='story'><p>{P1}</p><p>{P2}</p><p>Short closing line.</p><p>{P3}</p></div><div class='right'>{column}</div></div>"
    assert _cut(page, [P1, P2, "Short closing line.", P3, *SIDEBAR]) == ([P1, P2, "Short closing line.", P3], SIDEBAR)


def test_a_story_continued_in_the_next_container_stays() -> None:
    p4 = "The mayor said the city would publish the full list of bridges and the order of works next month."
    page = f"<div class='wrap'><div class='story'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div><div class='more'><h3>Next steps</h3><p>{p4}</p><p>End.</p></div></div>"
    blocks = [P1, P2, P3, "Next steps", p4, "End."]
    assert _cut(page, blocks) == (blocks, [])


def test_short_blocks_inside_the_story_container_and_short_tails_stay() -> None:
    inside = "".join(f"<p>{t}</p>" for t in SIDEBAR)
    page = f"<div class='wrap'><div class='story'><p>{P1}</p><p>{P2}</p><p>{P3}</p>{inside}</div></div>"
    assert _cut(page, [P1, P2, P3, *SIDEBAR]) == ([P1, P2, P3, *SIDEBAR], [])
    two = f"<div class='wrap'><div class='story'><p>{P1}</p><p>{P2}</p></div><div><p>Tags</p><p>Share</p></div></div>"
    assert _cut(two, [P1, P2, "Tags", "Share"]) == ([P1, P2, "Tags", "Share"], [])


def test_a_tail_the_page_units_do_not_show_stays() -> None:
    # short blocks in bare divs: no <p> or <li> tells where they sit, so they may be the story's
    divs = "".join(f"<div>{t}</div>" for t in SIDEBAR)
    page = f"<div class='wrap'><div class='story'><p>{P1}</p><p>{P2}</p><p>{P3}</p>{divs}</div></div>"
    assert _cut(page, [P1, P2, P3, *SIDEBAR]) == ([P1, P2, P3, *SIDEBAR], [])


def test_a_fact_box_closing_the_story_in_the_next_container_stays() -> None:
    facts = ["Key facts", "Length: 320 m", "Cost: 12 million euros", "Opened: 1961"]
    page = (
        f"<div class='wide'><div class='story'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>"
        f"<div class='facts'><h3>{facts[0]}</h3><ul>" + "".join(f"<li>{t}</li>" for t in facts[1:]) + "</ul></div></div>"
    )
    tree = lxml.html.document_fromstring(f"<html><body>{page}</body></html>")
    blocks = [Block("paragraph", t) for t in (P1, P2, P3)] + [Block("heading", facts[0])] + [Block("list_item", t) for t in facts[1:]]
    assert cut_sidebar_tail(tree, blocks) == (blocks, [])

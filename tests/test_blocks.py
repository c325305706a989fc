"""Blocks: extracted body to typed blocks, block-level noise rules, lead placement, author bios."""

from __future__ import annotations

import lxml.etree
import lxml.html
import pytest

from newsbot.extraction.blocks import (
    AnyPattern,
    LinkTexts,
    body_blocks,
    drop_author_bios,
    drop_kickers,
    drop_noise,
    drop_pull_quotes,
    is_dateline,
    place_lead,
)
from newsbot.extraction.record import Block

P1 = "The regional council approved the new budget on Tuesday after a debate that lasted well into the night."
P2 = "Opposition members said the repairs should have started years ago and asked for a full list of bridges."
P3 = "The first works are planned for the spring, when the river is low enough for the crews to reach the piers."


def _pairs(blocks: list[Block]) -> list[tuple[str, str]]:
    return [(b.type, b.text) for b in blocks]


def _never_shown(text: str) -> int:
    return 0


# --- body_blocks ---------------------------------------------------------------


def test_trafilatura_xml_body_becomes_typed_blocks() -> None:
    body = lxml.etree.fromstring(
        "<body><head rend='h2'>The vote</head><p>Members <hi rend='#b'>voted</hi>\n  for   it.</p>"
        "<quote>It is a good day.</quote><list><item>Roads</item><item>Bridges</item></list>"
        "<table><row><cell>Year</cell><cell>Budget</cell></row><row><cell/><cell/></row>"
        "<row><cell>2024</cell><cell>1.2 bn</cell></row></table><p>  </p></body>"
    )
    assert _pairs(body_blocks(body)) == [
        ("heading", "The vote"),
        ("paragraph", "Members voted for it."),
        ("quote", "It is a good day."),
        ("list_item", "Roads"),
        ("list_item", "Bridges"),
        ("table", "Year | Budget\n2024 | 1.2 bn"),
    ]


def test_code_is_a_block_of_its_own_kind() -> None:
    """trafilatura's <code> and a readability body's <pre> are code, not prose: a reader (and the
    duplicate rule) tells a snippet from a paragraph."""
    for markup in ("<body><p>Create a charge:</p><code>curl https://api.example/v1/charges -d amount=1099</code></body>",
                   "<div><p>Create a charge:</p><pre>curl https://api.example/v1/charges -d amount=1099</pre></div>"):  # fmt: skip
        body = lxml.html.fromstring(markup) if markup.startswith("<div") else lxml.etree.fromstring(markup)
        assert _pairs(body_blocks(body)) == [
            ("paragraph", "Create a charge:"),
            ("code", "curl https://api.example/v1/charges -d amount=1099"),
        ]


def test_a_nested_list_is_read_once() -> None:
    """An item holding a sub-list is its own words; the sub-list's items follow as items, not twice."""
    for markup in ("<body><list><item>France<list><item>Bordeaux: reds</item><item>Alsace: whites</item></list> and more</item>"
                   "<item>Italy</item></list></body>",
                   "<body><ul><li>France<ul><li>Bordeaux: reds</li><li>Alsace: whites</li></ul> and more</li>"
                   "<li>Italy</li></ul></body>"):  # fmt: skip
        assert _pairs(body_blocks(lxml.etree.fromstring(markup))) == [
            ("list_item", "France and more"),
            ("list_item", "Bordeaux: reds"),
            ("list_item", "Alsace: whites"),
            ("list_item", "Italy"),
        ]


def test_readability_html_body_is_walked_into() -> None:
    body = lxml.html.fromstring(
        "<div><div>Intro text<p>First paragraph.</p><h2>Sub-heading</h2>"
        "<ul><li>One</li><li>Two</li></ul>Loose text after the list.</div><div>Leaf div text.</div></div>"
    )
    assert _pairs(body_blocks(body)) == [
        ("paragraph", "Intro text"),
        ("paragraph", "First paragraph."),
        ("heading", "Sub-heading"),
        ("list_item", "One"),
        ("list_item", "Two"),
        ("paragraph", "Loose text after the list."),
        ("paragraph", "Leaf div text."),
    ]


def test_a_line_break_keeps_the_words_on_either_side_apart() -> None:
    """"Section 1: Click Here<br>Pages 1-5 - About Us" is two lines, not "HerePages"; a comment shows nothing."""
    for markup in ("<body><p>Section 1: <hi>Click Here</hi><lb/>Pages 1-5 - About Us<!-- note --></p>"
                   "<list><item>Memory:<lb/>16GB</item></list></body>",
                   "<body><p>Section 1: <b>Click Here</b><br>Pages 1-5 - About Us<!-- note --></p>"
                   "<ul><li>Memory:<br>16GB</li></ul></body>"):  # fmt: skip
        body = lxml.html.fromstring(markup) if "<br>" in markup else lxml.etree.fromstring(markup)
        assert _pairs(body_blocks(body)) == [
            ("paragraph", "Section 1: Click Here Pages 1-5 - About Us"),
            ("list_item", "Memory: 16GB"),
        ]


def test_the_blocks_inside_a_list_item_keep_their_words_apart() -> None:
    """A job board's card is one item holding a heading and a paragraph per field: "Software Engineer 18d
    Cortes 23", not "Software Engineer18dCortes 23"."""
    for markup in ("<body><list><item><head rend='h3'>Software Engineer</head><p>18d</p><p>Cortes 23</p></item></list></body>",
                   "<div><ul><li><h3>Software Engineer</h3><div><p>18d</p></div><p>Cortes 23</p></li></ul></div>"):  # fmt: skip
        body = lxml.html.fromstring(markup) if "<ul>" in markup else lxml.etree.fromstring(markup)
        assert _pairs(body_blocks(body)) == [("list_item", "Software Engineer 18d Cortes 23")]


def test_no_body_no_blocks() -> None:
    assert body_blocks(None) == []


# --- drop_noise -------------------------------------------------------------------


def test_title_repeat_and_exact_duplicate_go() -> None:
    blocks = [Block("heading", "Council Approves “Budget”"), Block("paragraph", P1), Block("paragraph", P2), Block("paragraph", P1)]
    kept, removed = drop_noise(blocks, 'Council approves "budget"', set())
    assert [b.text for b in kept] == [P1, P2]
    assert [(r.rule, r.text) for r in removed] == [("title", "Council Approves “Budget”"), ("duplicate", P1)]


def test_repeated_code_stays() -> None:
    """Documentation shows the same snippet on purpose (an object in a request and in its response, a
    command in two steps of a tutorial); a repeated paragraph is still a copy."""
    code = Block("code", '{"id": "ch_3Mml", "object": "charge", "amount": 1099, "currency": "usd"}')
    blocks = [Block("paragraph", P1), code, Block("paragraph", P2), code, Block("paragraph", P1)]
    kept, removed = drop_noise(blocks, None, set())
    assert kept == blocks[:4]
    assert [(r.rule, r.text) for r in removed] == [("duplicate", P1)]


def test_a_copy_of_another_sources_headline_is_the_title_too() -> None:
    h1 = "Budget day: council approves the bridge money"
    blocks = [Block("heading", h1), Block("paragraph", P1)]
    kept, removed = drop_noise(blocks, "Council approves budget", set(), headlines=["Council approves budget", h1])
    assert [b.text for b in kept] == [P1]
    assert [(r.rule, r.text) for r in removed] == [("title", h1)]
    assert drop_noise(blocks, "Council approves budget", set())[0] == blocks  # without it, the h1 stays


def test_the_headline_with_a_kicker_or_section_label_is_the_title() -> None:
    title = "Council approves the bridge budget"
    blocks = [Block("heading", "Budget day " + title), Block("paragraph", title + " | Politics"), Block("paragraph", P1)]
    kept, removed = drop_noise(blocks, title, set())
    assert [b.text for b in kept] == [P1]
    assert [r.rule for r in removed] == ["title", "title"]
    long_prefix = "Two years after the flood destroyed the old crossing, " + title.lower()
    assert drop_noise([Block("paragraph", long_prefix)], title, set())[1] == []


def test_a_section_heading_that_starts_with_the_headline_stays_once_the_story_has_begun() -> None:
    """Above the story a block that is the headline plus a label is the headline shown again; below
    its first paragraph, the story's own sub-headings may start with its headline ("… ~ Supply list:")."""
    title = "Council approves the bridge budget"
    sections = [Block("heading", f"{title} ~ Supply list:"), Block("paragraph", P2), Block("heading", f"{title} ~ Directions:")]
    blocks = [Block("heading", f"{title} | Politics"), Block("paragraph", P1), *sections]
    kept, removed = drop_noise(blocks, title, set())
    assert kept == blocks[1:]
    assert [(r.rule, r.text) for r in removed] == [("title", f"{title} | Politics")]


def test_the_headline_punctuated_its_own_way_is_the_title() -> None:
    og = "Budget day: Council approves the bridge money – „We waited long enough“"
    shown = 'Budget day Council approves the bridge money - "We waited long enough"'  # kicker without colon
    blocks = [Block("heading", shown), Block("paragraph", P1)]
    kept, removed = drop_noise(blocks, "Council approves the bridge money", set(), headlines=[og])
    assert [b.text for b in kept] == [P1]
    assert [(r.rule, r.text) for r in removed] == [("title", shown)]


def test_near_copy_behind_a_dateline_prefix_goes() -> None:
    blocks = [Block("paragraph", P1), Block("paragraph", P2), Block("paragraph", f"Neuss · {P1}")]
    kept, removed = drop_noise(blocks, None, set())
    assert [b.text for b in kept] == [P1, P2]
    assert [r.rule for r in removed] == ["duplicate"]


def test_a_long_paragraph_quoting_an_earlier_short_one_stays() -> None:
    short = "The vote was close."  # below the near-copy length: quoting it is no copy
    longer = f"{short} Nine members voted for the plan, eight against, and two did not take part."
    kept, _ = drop_noise([Block("paragraph", short), Block("paragraph", longer)], None, set())
    assert [b.text for b in kept] == [short, longer]


def test_datelines_credits_and_link_blocks_go() -> None:
    tree = lxml.html.document_fromstring(
        "<html><body><a href='/x'>Storm closes the northern mountain pass</a><a href='/m'>Menu</a></body></html>"
    )
    blocks = [
        Block("paragraph", "13 October 2015, 18:12"),
        Block("paragraph", P1),
        Block("paragraph", "Storm closes the northern mountain pass"),
        Block("paragraph", "Source: Reuters"),
        Block("paragraph", "Example Times"),
        Block("paragraph", "Menu"),
        Block("paragraph", P2),
    ]
    kept, removed = drop_noise(blocks, None, {"example times"}, LinkTexts(tree))
    assert [b.text for b in kept] == [P1, "Menu", P2]  # "Menu" is too short to count as a headline link
    assert [r.rule for r in removed] == ["dateline", "link_block", "credit_line", "credit_line"]


def test_headings_a_table_of_contents_links_to_stay() -> None:
    """A link to a place on the same page is a table of contents entry, not a teaser of another story."""
    tree = lxml.html.document_fromstring(
        "<html><body><ul><li><a href='#plan'>How the council plans the new quay</a></li>"
        "<li><a href='#cost'>What the northern pier will cost</a></li></ul></body></html>"
    )
    blocks = [Block("heading", "How the council plans the new quay"), Block("paragraph", P1),
              Block("heading", "What the northern pier will cost"), Block("paragraph", P2)]  # fmt: skip
    kept, removed = drop_noise(blocks, None, set(), LinkTexts(tree))
    assert (kept, removed) == (blocks, [])


@pytest.mark.parametrize("href", ["/news/quay-plan/#plan", "https://www.example.com/news/quay-plan#plan", "//WWW.example.com/news/quay-plan/#plan"])
def test_a_table_of_contents_with_the_pages_own_address_is_one_too(href: str) -> None:
    """CMS tables of contents spell the page's own address before the fragment; a link to another page stays a teaser."""
    tree = lxml.html.document_fromstring(
        f"<html><body><ul><li><a href='{href}'>How the council plans the new quay</a></li>"
        "<li><a href='/news/pier-cost#cost'>What the northern pier will cost</a></li></ul></body></html>"
    )
    blocks = [Block("heading", "How the council plans the new quay"), Block("paragraph", P1),
              Block("heading", "What the northern pier will cost"), Block("paragraph", P2)]  # fmt: skip
    kept, removed = drop_noise(blocks, None, set(), LinkTexts(tree, "https://www.example.com/news/quay-plan/"))
    assert kept == blocks[:2] + blocks[3:]
    assert [(r.rule, r.text) for r in removed] == [("link_block", "What the northern pier will cost")]


def test_items_linking_to_other_sites_are_sources_not_teasers() -> None:
    """A changelog's linked entries (to the code host) stay; a link to the site's own story, on any of
    its hosts, is a teaser, and so is a shop link marked nofollow or sponsored."""
    tree = lxml.html.document_fromstring(
        "<html><body><ul><li><a href='https://github.com/org/repo/pull/1'>Fix volatile loads and stores in the jit</a></li>"
        "<li><a href='https://news.example.com/storm'>Storm closes the northern mountain pass</a></li>"
        "<li><a href='/quay'>Council votes on the new quay tonight</a></li>"
        "<li><a href='https://www.shopmart.co.uk/airers' rel='nofollow noopener'>Heated clothes airers at Shopmart</a></li></ul></body></html>"
    )
    blocks = [Block("list_item", "Fix volatile loads and stores in the jit"), Block("paragraph", P1),
              Block("list_item", "Storm closes the northern mountain pass"),
              Block("list_item", "Council votes on the new quay tonight"),
              Block("list_item", "Heated clothes airers at Shopmart")]  # fmt: skip
    kept, removed = drop_noise(blocks, None, set(), LinkTexts(tree, "https://www.example.com/news/jit-report"))
    assert [b.text for b in kept] == ["Fix volatile loads and stores in the jit", P1]
    assert [r.rule for r in removed] == ["link_block", "link_block", "link_block"]  # a nofollow (affiliate) link too


LISTICLE_LINKS = lxml.html.document_fromstring(
    "<html><body><h2><a href='https://shop.example/kettle-a'>Acme Gooseneck Kettle Pro</a></h2>"
    "<h2><a href='https://shop.example/kettle-b'>Bolt Variable Temperature Kettle</a></h2>"
    "<h3><a href='/news/pier'>Storm closes the northern mountain pass</a></h3></body></html>"
)


def test_a_listicles_linked_item_headings_stay() -> None:
    """Each item's linked name heading its own review is the story's structure, not a teaser."""
    first = [Block("paragraph", f"{P1} {P2}"), Block("paragraph", f"{P3} {P1}")]  # (each more text than a teaser)
    second = [Block("paragraph", f"{P2} {P3}"), Block("paragraph", f"{P3} {P2}")]
    blocks = [Block("heading", "Acme Gooseneck Kettle Pro"), *first, Block("heading", "Bolt Variable Temperature Kettle"), *second]
    kept, removed = drop_noise(blocks, None, set(), LinkTexts(LISTICLE_LINKS))
    assert (kept, removed) == (blocks, [])


def test_one_linked_heading_amid_a_story_and_teaser_cards_go() -> None:
    """One related-story heading inside a story goes, and so do cards of a headline and a short teaser."""
    lone = [Block("paragraph", P1), Block("heading", "Storm closes the northern mountain pass"), Block("paragraph", f"{P2} {P3} {P1} {P2}")]
    kept, removed = drop_noise(lone, None, set(), LinkTexts(LISTICLE_LINKS))
    assert [r.rule for r in removed] == ["link_block"]
    teaser = "Two kettles compared for pour-over coffee at home."
    cards = [Block("paragraph", P1), Block("heading", "Acme Gooseneck Kettle Pro"), Block("paragraph", teaser),
             Block("heading", "Bolt Variable Temperature Kettle"), Block("paragraph", teaser + " Another look.")]  # fmt: skip
    kept, removed = drop_noise(cards, None, set(), LinkTexts(LISTICLE_LINKS))
    assert [r.rule for r in removed] == ["link_block", "link_block"]


def test_read_also_marker_with_a_separator_and_headline_goes() -> None:
    lines = ["Read also: Storm closes the northern pass", "Funda olunye udaba lapha | Abahlanu baboshiwe", "Lesen Sie auch » Neue Brücke"]
    kept, removed = drop_noise([Block("paragraph", t) for t in lines] + [Block("paragraph", P1)], None, set())
    assert [b.text for b in kept] == [P1]
    assert {r.rule for r in removed} == {"read_also"}
    sentence = "Read also the report of the court, the lawyer said: it is short but it explains the whole case."
    assert drop_noise([Block("paragraph", sentence)], None, set())[1] == []


def test_a_card_showing_its_headline_twice_goes() -> None:
    card = "Mike Johnson's Art of the Deal Mike Johnson's Art of the Deal"
    kept, removed = drop_noise([Block("heading", card), Block("paragraph", P1)], None, set())
    assert [b.text for b in kept] == [P1]
    assert [(r.rule, r.text) for r in removed] == [("link_block", card)]
    echo = "Again and again and again, the council said, it will not give up."
    assert drop_noise([Block("paragraph", echo)], None, set())[1] == []


def test_story_sentences_with_years_are_no_datelines() -> None:
    text = "In 2015 the bridge was closed for repairs that took more than three years to finish."
    kept, removed = drop_noise([Block("paragraph", text)], None, set())
    assert [b.text for b in kept] == [text] and removed == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13 October 2015, 18:12", True),
        ("Updated 2024-05-01 09:30", True),
        ("Neuss, 12.03.2024", True),
        ("17 January 2024", True),
        ("2024年12月3日 15時30分", True),
        ("Since May 2022 chief supervisor", False),  # a sub-heading with a year
        ("2010 mit dem Literaturnobelpreis ausgezeichnet", False),
        ("Bridges 2030", False),
        ("Top 10 moments of 2023", False),
        ("Since 2020, 5 new ministers", False),
        ("3. Mai 2024", True),
        ("January 17, 2024", True),
        ("3/12/24", True),
        ("Relay service (TRS): 7-1-1", False),  # a phone number, no year
        ("Chapter 1.2.3", False),
        ("12/31/2024", True),  # month first
        ("2024/11/06", True),
        ("What is the 20/50/30 Rule?", False),  # no month 50
        ("120° FOV, 1/2.75'' sensor", False),  # two separators: a fraction and a decimal
        ("Rule 40-40-20", False),
    ],
)
def test_datelines_are_a_time_or_a_full_date(text: str, expected: bool) -> None:
    assert is_dateline(text) is expected


# --- place_lead ----------------------------------------------------------------------


def test_description_equal_to_first_paragraph_is_the_lead() -> None:
    blocks = [Block("paragraph", P1), Block("paragraph", P2)]
    assert place_lead(blocks, [P1], _never_shown) == (blocks, P1)


def test_description_shown_outside_the_body_is_inserted_first() -> None:
    teaser = "A long night in the council ends with money for the bridges."
    blocks = [Block("paragraph", P1), Block("paragraph", P2)]
    new, lead = place_lead(blocks, [teaser], lambda text: 1 if text == teaser else 0)
    assert lead == teaser
    assert _pairs(new) == [("paragraph", teaser), ("paragraph", P1), ("paragraph", P2)]


def test_description_written_twice_in_a_row_counts_once() -> None:
    teaser = "A long night in the council ends with money for the bridges."
    blocks = [Block("paragraph", P1), Block("paragraph", P2)]
    new, lead = place_lead(blocks, [f"{teaser} {teaser}"], lambda text: 1 if text == teaser else 0)
    assert lead == teaser
    assert _pairs(new) == [("paragraph", teaser), ("paragraph", P1), ("paragraph", P2)]


def test_description_not_shown_on_the_page_is_no_lead() -> None:
    teaser = "A long night in the council ends with money for the bridges."
    blocks = [Block("paragraph", P1), Block("paragraph", P2)]
    assert place_lead(blocks, [teaser], _never_shown) == (blocks, None)


def test_description_cut_with_an_ellipsis_matches_the_first_paragraph() -> None:
    teaser = "The regional council approved the new budget on Tuesday after a…"
    blocks = [Block("paragraph", P1), Block("paragraph", P2)]
    assert place_lead(blocks, [teaser], _never_shown) == (blocks, P1)


def test_description_copied_from_further_down_is_no_lead() -> None:
    blocks = [Block("paragraph", P1), Block("paragraph", P2)]
    assert place_lead(blocks, [P2], lambda text: 1) == (blocks, None)


def test_first_paragraph_shown_twice_is_the_lead() -> None:
    blocks = [Block("paragraph", P1), Block("paragraph", P2)]
    assert place_lead(blocks, [], lambda text: 2 if text == P1 else 1) == (blocks, P1)
    assert place_lead(blocks, [], lambda text: 1) == (blocks, None)


def test_lead_that_runs_on_inside_a_later_paragraph_is_none() -> None:
    blocks = [Block("paragraph", P1), Block("paragraph", f"{P1} Nine members voted for it.")]
    assert place_lead(blocks, [P1], lambda text: 2) == (blocks, None)


def test_one_word_kicker_is_never_a_lead() -> None:
    blocks = [Block("paragraph", "Analysis"), Block("paragraph", P1)]
    assert place_lead(blocks, ["Analysis"], lambda text: 5) == (blocks, None)


def test_heading_first_is_not_taken_as_lead() -> None:
    blocks = [Block("heading", P1), Block("paragraph", P2)]
    assert place_lead(blocks, [], lambda text: 2) == (blocks, None)


# --- drop_author_bios ---------------------------------------------------------------------


def test_author_bio_at_the_end_goes() -> None:
    bio = "Jane Doe is a senior reporter covering energy and transport."
    blocks = [Block("paragraph", t) for t in (P1, P2, P3, bio, "Jane Doe (@janedoe) writes every Friday.")]
    kept, removed = drop_author_bios(blocks, ["Jane Doe", "John Smith"])
    assert [b.text for b in kept] == [P1, P2, P3]
    assert [(r.rule, r.text) for r in removed] == [("author_bio", bio), ("author_bio", "Jane Doe (@janedoe) writes every Friday.")]


def test_author_bio_with_the_role_before_the_name_goes_but_a_mention_stays() -> None:
    bio = "Korrespondent Ulrich Exner ist bei WELT für landespolitische Themen zuständig."
    mention = "The council thanked the reporters, among them Ulrich Exner, for the coverage."
    blocks = [Block("paragraph", t) for t in (P1, P2, P3, mention, bio)]
    kept, removed = drop_author_bios(blocks, ["Ulrich Exner"])
    assert [b.text for b in kept] == [P1, P2, P3, mention]
    assert [r.text for r in removed] == [bio]


def test_author_name_early_in_the_story_or_as_a_prefix_stays() -> None:
    early = "Jane Doe, the council's treasurer, presented the plan on Monday."
    blocks = [Block("paragraph", t) for t in (early, P1, P2, "Jane Doesburg also spoke.", P3)]
    kept, removed = drop_author_bios(blocks, ["Jane Doe"])
    assert kept == blocks and removed == []


def test_short_stories_and_short_names_keep_their_blocks() -> None:
    blocks = [Block("paragraph", t) for t in (P1, P2, "Jane Doe is a reporter.")]
    assert drop_author_bios(blocks, ["Jane Doe"]) == (blocks, [])
    longer = [Block("paragraph", t) for t in (P1, P2, P3, "Ann is a reporter.")]
    assert drop_author_bios(longer, ["Ann"]) == (longer, [])


# --- drop_pull_quotes ---------------------------------------------------------------------------


def test_quote_repeating_words_of_a_paragraph_is_a_pull_quote() -> None:
    said = "“We should have started on these bridges years ago,” the mayor said on Tuesday."
    blocks = [
        Block("paragraph", P1),
        Block("quote", "“We should have started on these bridges years ago”"),  # before the paragraph it repeats
        Block("paragraph", said),
        Block("quote", "The river is low enough for the crews to reach the piers"),  # words of P3, in other case
        Block("paragraph", P3),
    ]
    kept, removed = drop_pull_quotes(blocks)
    assert _pairs(kept) == [("paragraph", P1), ("paragraph", said), ("paragraph", P3)]
    assert [r.rule for r in removed] == ["pull_quote", "pull_quote"]


def test_quotes_found_nowhere_else_and_short_quotes_stay() -> None:
    blocks = [
        Block("paragraph", P1),
        Block("quote", "Nobody told us the bridge was closing, and now the school run takes an hour."),
        Block("quote", "Years ago"),  # too short to tell a pull quote from a phrase
        Block("paragraph", "Work should have started years ago, he said."),
    ]
    assert drop_pull_quotes(blocks) == (blocks, [])


def test_a_quote_is_not_a_copy_of_another_quote() -> None:
    # two quote blocks (a quote and its translation, a poem's repeated line) are not a pull quote
    line = Block("quote", "The river gives and the river takes, and we live on its banks.")
    blocks = [Block("paragraph", P1), line, Block("quote", line.text + " So it was, so it will be.")]
    assert drop_pull_quotes(blocks) == (blocks, [])


# --- drop_kickers --------------------------------------------------------------------------


def test_section_label_above_the_standfirst_goes() -> None:
    blocks = [Block("paragraph", "Transports"), Block("paragraph", P1), Block("paragraph", P2)]
    kept, removed = drop_kickers(blocks, [P1])
    assert _pairs(kept) == [("paragraph", P1), ("paragraph", P2)]
    assert [(r.rule, r.text) for r in removed] == [("kicker", "Transports")]


def test_short_sentences_and_blocks_without_a_matching_description_stay() -> None:
    blocks = [Block("paragraph", "It rained."), Block("paragraph", P1)]
    assert drop_kickers(blocks, [P1]) == (blocks, [])
    labelled = [Block("paragraph", "Transports"), Block("paragraph", P1)]
    assert drop_kickers(labelled, [P3]) == (labelled, [])


def test_a_quote_repeated_in_the_paragraph_after_it_leaves_the_paragraph() -> None:
    quote = "“We should have started on these bridges years ago, and now we will”"
    said = f"{quote}, the mayor said on Tuesday."
    kept, _ = drop_noise([Block("paragraph", P1), Block("quote", quote), Block("paragraph", said)], None, set())
    kept, removed = drop_pull_quotes(kept)
    assert [b.text for b in kept] == [P1, said]
    assert [r.rule for r in removed] == ["pull_quote"]


def test_a_title_without_words_makes_no_block_a_title() -> None:
    kept, removed = drop_noise([Block("paragraph", "→ ←"), Block("paragraph", P1)], "😀😀", set())
    assert [b.text for b in kept] == ["→ ←", P1] and removed == []


def test_pattern_alternation_keeps_each_patterns_word_boundary() -> None:
    """Patterns that start at a word boundary share one ``\\b``; a pattern that is itself an
    alternation keeps its own, which binds its first branch only."""
    from newsbot.extraction.blocks import _alternation

    regex = _alternation([r"\bjoin us", r"\bsign up|newsletter", r"\bx[(|]y", "tip line"])
    assert regex.search("please join us") and not regex.search("rejoin us")
    assert regex.search("the weeknewsletter")  # (the second branch of "\bsign up|newsletter" has no boundary)
    assert not regex.search("resign up")
    assert regex.search("a x|y") and not regex.search("ax|y")  # ("|" in a class is no alternation)
    assert regex.search("our tip line")


def test_a_teaser_holding_the_storys_own_paragraph_is_no_lead() -> None:
    """A box below the headline with a post's header and its paragraph reads as a standfirst; it is the
    story's start, and as the lead it would print the first paragraph twice."""
    box = f"ridge wrote: {P1}"
    blocks = [Block("paragraph", P1), Block("paragraph", P2)]
    assert place_lead(blocks, [box], lambda text: 1) == (blocks, None)


def test_a_label_every_item_of_a_list_repeats_stays_each_time() -> None:
    """"Key features" over each of three kettles' own text is a part of each item, not a copy."""
    items = [f"The {name} kettle heats a litre in {n} minutes, holds its heat for an hour and pours without a drip, and its lid opens wide."
             for name, n in (("Acme", 3), ("Bolt", 4), ("Crest", 5))]  # fmt: skip
    blocks = [b for item in items for b in (Block("heading", "Key features"), Block("paragraph", item))]
    kept, removed = drop_noise(blocks, None, set())
    assert (kept, removed) == (blocks, [])


def test_a_heading_repeated_twice_or_over_repeated_text_is_a_copy() -> None:
    twice = [Block("heading", "Key features"), Block("paragraph", P1), Block("heading", "Key features"), Block("paragraph", P2)]
    kept, removed = drop_noise(twice, None, set())
    assert [(r.rule, r.text) for r in removed] == [("duplicate", "Key features")]
    again = [Block("heading", "Our view"), Block("paragraph", P1)] * 3  # the same section three times over
    kept, removed = drop_noise(again, None, set())
    assert kept == again[:2] and [r.rule for r in removed] == ["duplicate"] * 4


def test_many_patterns_searched_in_chunks_find_what_one_regex_finds() -> None:
    """AnyPattern splits a table into regexes of at most CHUNK patterns: a pattern in any chunk is found,
    word boundaries hold, and text that none matches is not found."""
    words = [f"offer{n:03d}" for n in range(3 * AnyPattern.CHUNK)]
    patterns = [rf"\b{w} now\b" for w in words] + [f"^{w}:" for w in words] + ["(story|article) continues below"]
    found = AnyPattern(patterns)
    assert found.found_in(f"take {words[-1]} now!") and found.found_in(f"{words[0]}: subscribe")
    assert found.found_in("the story continues below")
    assert not found.found_in(f"take x{words[-1]} now") and not found.found_in(f"see {words[0]}: later")
    assert not found.found_in("nothing to see here")

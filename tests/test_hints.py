"""Extraction hints (newsbot.extraction.hints) on a small hand-written page: content root, drops, metadata kept."""

from __future__ import annotations

import lxml.html

from newsbot.extraction import Hints, extract
from newsbot.extraction.hints import apply_hints
from newsbot.extraction.patterns import load_patterns

PAGE = """<!DOCTYPE html><html><head><title>Harbour reopens</title></head><body>
stray body text
<header><nav><a href="/">Home</a></nav></header>
<div class="layout"><main>
<article class="story"><h1>Harbour reopens</h1>
<p>The harbour reopened on Tuesday after a week of repairs.</p>
<aside class="related"><p>Read also: ferry prices rise</p></aside>
<p>Subscribe to our newsletter</p> after the promo
<p>Fishing boats returned in the morning.</p></article>
<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Jane Doe"}}</script>
<article class="story teaser"><p>Second story teaser</p></article>
</main><aside class="sidebar">Most read</aside></div>
<footer>Contact</footer></body></html>"""


def text_after(hints: Hints) -> str:
    tree = lxml.html.document_fromstring(PAGE)
    apply_hints(tree, hints)
    return " ".join(tree.find("body").text_content().split())


def test_no_hints_change_nothing() -> None:
    assert text_after(Hints()) == " ".join(lxml.html.document_fromstring(PAGE).find("body").text_content().split())
    assert not Hints() and Hints(drop=("aside",))


def test_content_root_keeps_every_outermost_match_and_nothing_else() -> None:
    text = text_after(Hints(content_root=("article.story",)))
    assert text.startswith("Harbour reopens The harbour reopened")
    assert "Second story teaser" in text  # both matches, in document order
    for noise in ("stray body text", "Home", "Most read", "Contact"):
        assert noise not in text


def test_first_matching_root_wins_and_a_missing_one_is_skipped() -> None:
    text = text_after(Hints(content_root=("div.article-body", "main", "article")))
    assert "Most read" not in text and "Second story teaser" in text  # <main> won, not <article>
    assert "Home" not in text_after(Hints(content_root=("div.nothing", "article.story")))
    assert "Home" in text_after(Hints(content_root=("div.nothing",)))  # no match: the whole page stays


def test_drop_removes_elements_but_keeps_the_text_after_them() -> None:
    text = text_after(Hints(drop=("aside.related", "p:contains('Subscribe')")))
    assert "Read also" not in text and "Subscribe" not in text
    assert "after the promo" in text  # the tail belongs to the parent
    assert "Most read" in text  # aside.sidebar is not aside.related


def test_structured_metadata_survives_the_content_root() -> None:
    article = extract(PAGE.encode(), "https://news.example/world/harbour", hints=Hints(content_root=("article.story",)))
    assert article.authors == ["Jane Doe"]
    assert "Most read" not in article.body and "Fishing boats returned in the morning." in article.body


def test_drop_text_removes_the_short_block_of_the_sites_own_wording_and_nothing_around_it() -> None:
    # "Subscribe to our newsletter" is no general pattern's in this test: the site file names it
    text = text_after(Hints(drop_text=(r"^subscribe to our newsletter$", r"ferry prices")))
    assert "Subscribe" not in text and "Read also" not in text
    assert "after the promo" in text  # the tail belongs to the parent
    assert "The harbour reopened on Tuesday" in text and "Fishing boats returned" in text  # the story beside it stays


def test_drop_text_leaves_story_length_text_that_holds_the_words() -> None:
    sentence = (
        "The harbour master said residents who subscribe to our newsletter of port notices will hear first, "
        "and that the ferry timetable for the whole summer would be published in the town hall next week, "
        "after the council has agreed on the new fares."
    )
    assert len(sentence) > load_patterns("promos")["max_chars"]
    page = f"<html><body><article><p>{sentence}</p></article></body></html>"
    tree = lxml.html.document_fromstring(page)
    apply_hints(tree, Hints(drop_text=("subscribe to our newsletter",)))
    assert sentence in tree.find("body").text_content()

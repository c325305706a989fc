"""Hydration data: a page whose story exists only as HTML inside a script's JSON state."""

from __future__ import annotations

import json

import lxml.html

from newsbot.extraction import extract
from newsbot.extraction.hydration import embedded_story_html, hydration_scripts

PARAGRAPHS = [
    "The regional council approved the new budget on Tuesday after a debate that lasted well into the night.",
    "Opposition members said the repairs should have started years ago and asked for a full list of bridges.",
    "The first works are planned for the spring, when the river is low enough for the crews to reach the piers.",
    "A second vote on the tram line is expected in June, after the council has heard the transport operator.",
]
STORY_HTML = "".join(f"<p class='editor-p'>{p}</p>" for p in PARAGRAPHS)
FILLER = "x" * 2500  # hydration state is large; the other keys of a real one


def _state_script(story_html: str) -> str:
    state = {"queries": [{"data": {"detail": {"title": "Council approves budget", "contentHtml": story_html, "pad": FILLER}}}]}
    # frameworks escape "<" in inline JSON so that the script cannot be closed early
    return "<script>window.__STATE__ = " + json.dumps(state).replace("<", "\\u003c") + ";</script>"


def _page(body: str, scripts: str) -> bytes:
    head = (
        "<title>Council approves budget | Example Times</title>"
        "<meta property='og:title' content='Council approves budget'>"
        "<meta property='og:type' content='article'>"
    )
    return f"<html><head>{head}</head><body>{body}{scripts}</body></html>".encode()


URL = "https://www.example.com/news/2024/05/council-approves-budget"


def test_story_only_in_hydration_state_is_extracted() -> None:
    page = _page("<header><a href='/'>Home</a></header><div id='app'><h1>Council approves budget</h1></div>", _state_script(STORY_HTML))
    record = extract(page, URL)
    assert record.body.split("\n\n") == PARAGRAPHS
    assert record.is_article and record.title == "Council approves budget"


def test_story_html_nested_in_flight_data_strings_is_found() -> None:
    inner = json.dumps({"__html": STORY_HTML, "pad": FILLER}).replace("<", "\\u003c")
    flight = "<script>self.__next_f.push([1," + json.dumps(inner) + "])</script>"
    scripts = hydration_scripts(lxml.html.document_fromstring(_page("", flight)))
    assert embedded_story_html(scripts) == STORY_HTML


def test_a_visible_story_wins_over_hydration_data() -> None:
    visible = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3])
    other = "<p>Unrelated teaser text that a widget would render later on the page, not this story.</p>" * 3
    record = extract(_page(f"<article>{visible}</article>", _state_script(other)), URL)
    assert record.body.split("\n\n") == PARAGRAPHS[:3]


def test_small_scripts_and_scripts_without_markup_are_not_read() -> None:
    tree = lxml.html.document_fromstring(
        _page("", "<script>var config = {\"a\": 1};</script><script>var big = \"" + FILLER + "\";</script>")
    )
    assert hydration_scripts(tree) == []
    assert embedded_story_html([]) is None

"""Article or not: URL shape, listing pages, declared types and the drop reason a crawl reports."""

from __future__ import annotations

import lxml.html
import pytest

from newsbot.extraction.blocks import LinkTexts
from newsbot.extraction.record import Block
from newsbot.extraction.verdict import article_like_url, article_verdict

HEADLINES = [
    "Storm closes the northern mountain pass for a week",
    "New school opens in the old town hall on Monday",
    "Council approves the money to repair twelve bridges",
]
PARAGRAPH = (
    "The regional council approved the new budget on Tuesday after a debate that lasted well into the night, "
    "with most members backing the plan to repair bridges."
)  # 157 characters
NO_LINKS = LinkTexts(lxml.html.document_fromstring("<html><body><p>no links</p></body></html>"))
SECTION_URL = "https://example.com/politics/"


def _story(chars: int) -> list[Block]:
    """Paragraph blocks of about ``chars`` characters in all."""
    count = -(-chars // len(PARAGRAPH))
    return [Block("paragraph", PARAGRAPH) for _ in range(count)]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/2024/05/12/budget", True),
        ("https://example.com/news/20240512-budget", True),
        ("https://example.com/news/1234567", True),
        ("https://example.com/news/council-approves-budget.html", True),
        ("https://example.com/politics/", False),
        ("https://example.com/about-us", False),
        ("https://example.com/", False),
        ("https://example.com/news?id=1234567", False),  # the query is no part of the path
        (None, False),
    ],
)
def test_article_like_url(url: str | None, expected: bool) -> None:
    assert article_like_url(url) is expected


def test_empty_body() -> None:
    assert article_verdict([], NO_LINKS, {"article"}, "2024-05-12", "https://example.com/2024/05/12/a") == "empty_body"


def test_short_body_passes_only_when_the_page_declares_an_article() -> None:
    blocks = _story(300)  # two paragraphs, 314 characters
    short = [Block("paragraph", PARAGRAPH), Block("paragraph", "Nine members voted for the plan.")]  # 189 characters
    url = "https://example.com/2024/05/12/budget"
    assert article_verdict(blocks, NO_LINKS, set(), None, url) is None
    assert article_verdict(short, NO_LINKS, set(), None, url) == "too_short"
    assert article_verdict(short, NO_LINKS, {"article"}, None, SECTION_URL) is None
    assert article_verdict(short, NO_LINKS, {"blogposting"}, None, SECTION_URL) is None
    assert article_verdict([Block("paragraph", "Nine members voted for the plan.")], NO_LINKS, {"article"}, None, url) == "too_short"


def test_listing_page() -> None:
    links = LinkTexts(
        lxml.html.document_fromstring(
            "<html><body>" + "".join(f"<a href='/{i}'>{h}</a>" for i, h in enumerate(HEADLINES)) + "</body></html>"
        )
    )
    teasers = [Block("paragraph", f"{h} and what it means for the region.") for h in HEADLINES]
    assert article_verdict(teasers + _story(150), links, {"article"}, "2024-05-12", SECTION_URL) == "listing_page"
    # two headlines in a story are links, not a listing
    assert article_verdict(teasers[:2] + _story(300), links, set(), "2024-05-12", SECTION_URL) is None


def test_page_declared_as_no_article() -> None:
    assert article_verdict(_story(400), NO_LINKS, {"website"}, "2024-05-12", SECTION_URL) == "not_article_type"
    # a long story under a generic type is still a story
    assert article_verdict(_story(1000), NO_LINKS, {"website"}, "2024-05-12", SECTION_URL) is None


def test_no_article_signals() -> None:
    blocks = _story(400)
    assert article_verdict(blocks, NO_LINKS, set(), None, SECTION_URL) == "no_article_signals"
    assert article_verdict(blocks, NO_LINKS, set(), "2024-05-12", SECTION_URL) is None
    assert article_verdict(blocks, NO_LINKS, set(), None, "https://example.com/news/council-approves-budget") is None
    assert article_verdict(blocks, NO_LINKS, {"newsarticle"}, None, SECTION_URL) is None


def test_a_listing_keeps_its_headlines_in_the_body() -> None:
    """A page flagged as a listing is scored and exported on what it lists: its headlines stay in the
    body beside their teasers (they go only from articles, where they are other stories' teasers)."""
    from newsbot.extraction import extract

    items = [
        ("harbour-wall-repairs-approved", "Harbour wall repairs approved after winter storms"),
        ("ferry-timetable-changes-in-may", "Ferry timetable changes in May for island routes"),
        ("school-bus-route-extended-north", "School bus route extended to the northern villages"),
        ("library-opening-hours-longer", "Library opening hours longer on weekday evenings"),
        ("farmers-market-moves-to-square", "Farmers market moves to the town hall square"),
    ]
    cards = "".join(
        f"<div class='card'><h2><a href='/news/2024/{slug}'>{headline}</a></h2>"
        f"<p>The council said on Monday that the plan for {slug.replace('-', ' ')} would go ahead this year, after a long debate.</p></div>"
        for slug, headline in items
    )
    html = f"<html><head><title>Local news</title></head><body><h1>Local news</h1><main>{cards}</main></body></html>"
    article = extract(html.encode(), "https://www.harbourtimes.example/news/")
    assert not article.is_article and article.drop_reason not in ("empty_body", "too_short")
    assert all(headline in article.body for _, headline in items)

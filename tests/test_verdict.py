"""Article or not: URL shape, listing pages, declared types and the drop reason a crawl reports."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from newsbot.extraction import extract
from newsbot.extraction.blocks import LinkTexts
from newsbot.extraction.metadata import Metadata
from newsbot.extraction.page import ParsedPage, parse_html
from newsbot.extraction.patterns import load_patterns
from newsbot.extraction.record import Block
from newsbot.urls import load_url_table
from newsbot.extraction.verdict import (
    PageSignals,
    article_like_url,
    article_verdict,
    page_signals,
    text_weight,
    url_kinds,
)

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
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "verdict"
SCHEMA = Path(__file__).resolve().parent.parent / "newsbot" / "extraction" / "article.schema.json"
NONE = PageSignals()


def verdict(blocks: list[Block], links: LinkTexts, types: set[str], published: str | None, url: str | None,
            signals: PageSignals = NONE, authors: list[str] | None = None) -> str | None:
    """The verdict with the metadata fields it reads."""
    meta = Metadata(types=types, published=published, dated=published is not None, authors=authors or [])
    return article_verdict(blocks, links, meta, signals, url)


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
        ("https://example.com/blog/bolmo", True),
        ("https://example.com/news/unnest_dbs/", True),
        ("https://example.com/blog/", False),
        ("https://example.com/blog/category/rust", False),
        ("https://example.com/politics/", False),
        ("https://example.com/about-us", False),
        ("https://example.com/", False),
        ("https://example.com/news?id=1234567", False),  # the query is no part of the path
        # a slug under a folder that names another kind of page is that page's name ...
        ("https://shop.example/collection/shoes-and-socks", False),
        ("https://jobs.example/categories/remote-full-stack-programming-jobs", False),
        # ... a date or an id still makes a story
        ("https://news.example/topics/2024/05/12/council-approves-budget", True),
        ("https://news.example/council-votes-budget?from=/category/x", True),  # folders of the path only
        (None, False),
    ],
)
def test_article_like_url(url: str | None, expected: bool) -> None:
    assert article_like_url(url) is expected


def test_empty_body() -> None:
    assert verdict([], NO_LINKS, {"article"}, "2024-05-12", "https://example.com/2024/05/12/a") == "empty_body"


def test_short_body_passes_only_when_the_page_declares_an_article() -> None:
    blocks = _story(300)  # two paragraphs, 314 characters
    short = [Block("paragraph", PARAGRAPH), Block("paragraph", "Nine members voted for the plan.")]  # 189 characters
    url = "https://example.com/2024/05/12/budget"
    assert verdict(blocks, NO_LINKS, set(), None, url) is None
    assert verdict(short, NO_LINKS, set(), None, url) == "too_short"
    assert verdict(short, NO_LINKS, {"article"}, None, SECTION_URL) is None
    assert verdict(short, NO_LINKS, {"blogposting"}, None, SECTION_URL) is None
    assert verdict([Block("paragraph", "Nine members voted for the plan.")], NO_LINKS, {"article"}, None, url) == "too_short"


def test_listing_page() -> None:
    links = LinkTexts(
        lxml.html.document_fromstring(
            "<html><body>" + "".join(f"<a href='/{i}'>{h}</a>" for i, h in enumerate(HEADLINES)) + "</body></html>"
        )
    )
    teasers = [Block("paragraph", f"{h} and what it means for the region.") for h in HEADLINES]
    assert verdict(teasers + _story(150), links, {"article"}, "2024-05-12", SECTION_URL) == "listing_page"
    # two headlines in a story are links, not a listing
    assert verdict(teasers[:2] + _story(300), links, set(), "2024-05-12", SECTION_URL) is None


def test_page_declared_as_no_article() -> None:
    assert verdict(_story(400), NO_LINKS, {"website"}, "2024-05-12", SECTION_URL) == "not_article_type"
    # a long story under a generic type is still a story
    assert verdict(_story(1000), NO_LINKS, {"website"}, "2024-05-12", SECTION_URL) is None


def test_no_article_signals() -> None:
    blocks = _story(400)
    assert verdict(blocks, NO_LINKS, set(), None, SECTION_URL) == "no_article_signals"
    assert verdict(blocks, NO_LINKS, set(), "2024-05-12", SECTION_URL) is None
    assert verdict(blocks, NO_LINKS, set(), None, "https://example.com/news/council-approves-budget") is None
    assert verdict(blocks, NO_LINKS, {"newsarticle"}, None, SECTION_URL) is None


def _signals(html: str, url: str = SECTION_URL) -> PageSignals:
    return page_signals(ParsedPage.from_tree(parse_html(html), url))


def test_cjk_counts_by_weight() -> None:
    zh = "记者从江城市轨道交通集团获悉地铁三号线一期工程已完成全部验收" * 5  # 150 characters
    assert text_weight("abc") == 3 and text_weight(zh) == 375
    assert verdict([Block("paragraph", zh)], NO_LINKS, set(), "2024-05-12", "https://example.com/2024/05/12/a") is None
    # Thai is an alphabet: one letter each, so the same count stays too short
    thai = "ก" * 150
    assert text_weight(thai) == 150
    assert verdict([Block("paragraph", thai)], NO_LINKS, set(), "2024-05-12", "https://example.com/2024/05/12/a") == "too_short"


@pytest.mark.parametrize(
    ("url", "kinds"),
    [
        ("https://shop.example/products/trail-shoe", {"product_page"}),
        ("https://shop.example/collections/footwear", {"category_page"}),
        ("https://news.example/tag/elections/", {"listing_page"}),
        ("https://news.example/world/page/3", {"listing_page"}),
        ("https://games.example/page/how-to-make-a-good-game", set()),  # a CMS page, not a listing's next page
        ("https://lib.example/docs/2.4/retries/", {"documentation_page"}),
        ("https://forum.example/threads/tomato-leaves.4411/", {"forum_page"}),
        ("https://agency.example/services/seo/", {"service_page"}),
        ("https://news.example/2024/05/12/council-approves-budget", set()),
    ],
)
def test_url_kinds(url: str, kinds: set[str]) -> None:
    assert url_kinds(url) == kinds


def test_page_signals_read_the_intact_page() -> None:
    html = (
        "<html><head><meta property='product:price:amount' content='9.99'>"
        "<script type='application/ld+json'>{\"@type\": \"Product\", \"name\": \"Mug\"}</script></head>"
        "<body><div itemscope itemtype='https://schema.org/Offer'></div><button>Add to cart</button>"
        "<pre>a</pre><pre>b</pre><h3><a href='/a'>Oyster beds recover in the estuary</a></h3><p>Volunteers counted more oysters.</p>"
        "</body></html>"
    )
    signals = _signals(html)
    assert {"product", "offer"} <= signals.types
    assert (signals.prices, signals.buy_buttons, signals.code_blocks) == (1, 1, 2)
    assert signals.teasers == frozenset({"volunteers counted more oysters"})


def test_declared_kind_against_article_evidence() -> None:
    blocks, url = _story(600), "https://shop.example/products/mug"
    product = PageSignals(types=frozenset({"product"}), prices=1)
    assert verdict(blocks, NO_LINKS, set(), None, url, product) == "product_page"
    # a review that declares the product it reviews, but is dated, bylined and typed as an article
    review = PageSignals(types=frozenset({"product", "newsarticle"}), dated=True)
    assert verdict(blocks, NO_LINKS, {"article"}, "2024-05-12", "https://news.example/2024/05/12/mug-review", review, ["Ann Lee"]) is None


def test_a_kind_signal_names_the_page_when_nothing_says_article() -> None:
    blocks = _story(600)
    # one folder is too weak against any article evidence ...
    dated = PageSignals(dated=True)
    assert verdict(blocks, NO_LINKS, set(), "2024-05-12", "https://docs.example/docs/quickstart", dated) is None
    # ... but with none at all it names the kind rather than "no article signals"
    assert verdict(blocks, NO_LINKS, set(), None, "https://docs.example/docs/quickstart") == "documentation_page"
    assert verdict(blocks, NO_LINKS, set(), None, "https://jobs.example/categories/remote-full-stack-programming-jobs") == "category_page"


def test_home_page_is_a_listing_or_a_service_page() -> None:
    blocks = _story(600)
    assert verdict(blocks, NO_LINKS, set(), None, "https://agency.example/") == "service_page"
    cards = PageSignals(teasers=frozenset({"a teaser one", "a teaser two", "a teaser three"}))
    assert verdict(blocks, NO_LINKS, set(), None, "https://news.example/", cards) == "listing_page"


def test_every_drop_reason_is_in_the_schema_enum() -> None:
    enum = set(json.loads(SCHEMA.read_text("utf-8"))["properties"]["drop_reason"]["enum"])
    kinds = set(load_patterns("page_kinds")["types"]) | set(load_patterns("page_kinds")["weak_types"])
    kinds |= set(load_url_table("url_shapes")["page_kinds"])
    assert kinds <= enum
    assert {"empty_body", "too_short", "not_article_type", "no_article_signals", None} <= enum


FIXTURE_NAMES = sorted(path.stem for path in FIXTURES.glob("*.html"))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_pages(name: str) -> None:
    """fixtures/verdict/NAME.html is judged as NAME.json says (each failed before the rule it tests)."""
    expected = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    article = extract((FIXTURES / f"{name}.html").read_bytes(), expected["url"])
    assert (article.is_article, article.drop_reason) == (expected["is_article"], expected["drop_reason"])


def test_fixture_pairs_are_complete() -> None:
    assert FIXTURE_NAMES and FIXTURE_NAMES == sorted(path.stem for path in FIXTURES.glob("*.json"))


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


def test_a_page_that_is_no_article_keeps_its_heading_as_its_first_line() -> None:
    """The record's title is the headline an article carries apart from its body; a product (or any page
    that is not one article) is read for what it shows, and its name heads that, once."""
    description = (
        "A simple shelf unit in solid oak that works as a bookcase, a room divider or a sideboard, standing or lying. "
        "Each compartment takes a box or an insert, so open shelves and closed storage mix as the room needs."
    )
    html = (
        "<html><head><title>Oak shelf unit 80x160 cm | Woodworks</title>"
        "<meta property='product:price:amount' content='129.00'></head><body><main>"
        f"<h1>Oak shelf unit 80x160 cm</h1><p>{description}</p><h2>Materials and care</h2>"
        "<p>Solid oak with a clear lacquer. Wipe clean with a damp cloth and a mild soap, then dry with a clean cloth.</p>"
        "<button>Add to cart</button></main></body></html>"
    )
    article = extract(html.encode(), "https://www.woodworks.example/p/oak-shelf-unit-80x160/")
    assert article.drop_reason == "product_page"
    assert article.title == "Oak shelf unit 80x160 cm"
    assert [b.text for b in article.blocks[:2]] == ["Oak shelf unit 80x160 cm", description]
    assert article.body.count("Oak shelf unit 80x160 cm") == 1


def test_a_service_page_is_named_by_its_meta_title_not_its_slogan() -> None:
    """A service page's <h1> is a slogan ("Bookkeeping that gives you your evenings back"); its name is
    what its meta tags call it. An article with the same sources keeps the headline it shows (the <h1>)."""
    prose = (
        "<p>Our bookkeepers reconcile your accounts every month, prepare your quarterly tax filings and answer "
        "your questions by phone or email within one working day, whatever the size of your business.</p>"
        "<p>Plans start with a free consultation in which we look at your current books, your software and "
        "your deadlines, and propose a fixed monthly fee with no surprises at the end of the year.</p>"
    )
    head = (
        "<title>Bookkeeping services for small businesses | Ledgerly</title>"
        "<meta property='og:title' content='Bookkeeping services for small businesses'>"
        "<meta property='og:site_name' content='Ledgerly'>"
    )
    service = f"<html><head>{head}<script type='application/ld+json'>{{\"@type\": \"Service\"}}</script></head>"
    service += f"<body><main><h1>Bookkeeping that gives you your evenings back</h1>{prose}</main></body></html>"
    page = extract(service.encode(), "https://www.ledgerly.example/bookkeeping/")
    assert page.drop_reason == "service_page"
    assert page.title == "Bookkeeping services for small businesses"
    story = f"<html><head>{head}<meta property='article:published_time' content='2024-05-02'></head>"
    story += f"<body><article><h1>Bookkeeping that gives you your evenings back</h1>{prose}</article></body></html>"
    article = extract(story.encode(), "https://www.ledgerly.example/blog/2024/05/02/your-evenings-back/")
    assert article.is_article and article.title == "Bookkeeping that gives you your evenings back"


def test_a_date_found_in_the_text_keeps_a_weakly_signed_page() -> None:
    # the page declares no date (its signals), but the metadata found one in the visible text
    url = "https://docs.example/docs/quickstart"
    assert verdict(_story(600), NO_LINKS, set(), "2024-05-12", url) is None


def test_a_page_the_article_reading_leaves_too_short_is_read_again_as_a_listing() -> None:
    """The div soup of an A-Z category index, made paragraphs for trafilatura, left it two stray lines
    (too_short). Read again on the page's own markup, keeping headline links, the index is the body."""
    expected = json.loads((FIXTURES / "catalog_index.json").read_text("utf-8"))
    article = extract((FIXTURES / "catalog_index.html").read_bytes(), expected["url"])
    assert all(name in article.body for name in ("Adapters", "Nails and Brads", "Wire Rope Clips"))
    assert article.drop_reason == "no_article_signals"


def test_a_documentation_page_keeps_the_steps_it_repeats() -> None:
    """A manual repeats itself on purpose: the same step under each language's tab. An article's
    repeated paragraph is a second copy of one text (a mobile and a desktop layout) and goes."""
    step = "Replace the placeholder with the API key from your dashboard, then save the file before you run it."
    tabs = "".join(
        f"<section><h2>{language}</h2><p>Create a file named send.{ext} and paste the code below into it.</p>"
        f"<pre><code>client = Client('KEY')  # {language}</code></pre><p>{step}</p></section>"
        for language, ext in (("Python", "py"), ("Ruby", "rb"), ("Go", "go"))
    )
    html = (
        "<html><head><title>Send a message | Example Docs</title></head><body><main><h1>Send a message</h1>"
        "<p>This guide sends your first message with the client library of your language, in three short steps.</p>"
        f"{tabs}</main></body></html>"
    )
    article = extract(html.encode(), "https://www.example.com/docs/messaging/quickstart")
    assert article.drop_reason == "documentation_page"
    assert article.body.count(step) == 3
    assert article.body.count("Send a message") == 1  # (its title, first, once)

"""Metadata rules: title voting and site-name stripping, dates, author clean-up, language, JSON-LD lookup."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from newsbot.extraction import extract

from newsbot.extraction.metadata import (
    _may_credit,
    best_date,
    clean_authors,
    detect_language,
    normalize_date,
    read_metadata,
    strip_site_name,
    title_candidates,
    vote_title,
)
from newsbot.extraction.page import ParsedPage, parse_html


def _page(head: str = "", body: str = "", url: str = "https://www.example.com/news/2024/05/story") -> ParsedPage:
    return ParsedPage.from_tree(parse_html(f"<html><head>{head}</head><body>{body}</body></html>"), url)


def _ld(data: object) -> str:
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


# --- titles -----------------------------------------------------------------------


def choose_title(page: ParsedPage, sources: dict[str, str | None], sitename: str | None) -> str | None:
    """What read_metadata does with a page's title sources."""
    return vote_title(title_candidates(page, sources, sitename))


def test_title_most_sources_agree_on_wins() -> None:
    page = _page(body="<h1>Council approves the bridge budget</h1>")
    sources = {
        "og": "Council approves the bridge budget | Example Times",
        "twitter": "Bridges: what the council decided tonight",
        "title": "Council approves the bridge budget - Example Times",
        "jsonld": None,
    }
    assert choose_title(page, sources, "Example Times") == "Council approves the bridge budget"


def test_title_tie_goes_to_the_more_trusted_source() -> None:
    page = _page()
    assert choose_title(page, {"title": "Budget night", "twitter": "Bridge money", "jsonld": "Council votes"}, None) == "Council votes"
    assert choose_title(page, {"og": None, "title": None}, None) is None


def test_og_title_outweighs_seo_copies_in_twitter_and_title_tags() -> None:
    # twitter:title and <title> agreeing is one SEO field twice, weaker than the declared og:title
    page = _page()
    sources = {"og": "Council approves the bridge budget", "twitter": "Bridge money at last", "title": "Bridge money at last"}
    assert choose_title(page, sources, None) == "Council approves the bridge budget"


def test_a_meta_title_that_is_only_the_site_name_is_no_title() -> None:
    page = _page(body="<p>Gadgets</p>")
    assert choose_title(page, {"title": "| Nuts & Volts Magazine"}, "Nuts & Volts") is None


def test_h1_naming_the_site_is_no_title() -> None:
    page = _page(body="<h1>Example Times</h1>")
    assert choose_title(page, {"og": "Council approves the bridge budget"}, "Example Times") == "Council approves the bridge budget"


@pytest.mark.parametrize(
    ("title", "sitename", "host", "expected"),
    [
        ("Council approves budget - Example Times", "Example Times", None, "Council approves budget"),
        ("Example Times | Council approves budget", "Example Times", None, "Council approves budget"),
        ("Council approves budget » Example Times", "Example Times", None, "Council approves budget"),
        ("Council approves budget :: Example Times", "Example Times", None, "Council approves budget"),
        ("Council approves budget — example", None, "example", "Council approves budget"),
        ("Russia-Ukraine talks resume in Geneva - BBC News", "BBC News", "bbc", "Russia-Ukraine talks resume in Geneva"),
        ("윤 대통령, 국회 방문-정치ㅣ한국일보", "한국일보", "hankookilbo", "윤 대통령, 국회 방문"),
        ("Council approves budget - Politics | Example Times", "Example Times", None, "Council approves budget"),
        ("Council approves budget | 12.05.2024", None, None, "Council approves budget"),
        ("Council approves budget - Example Times - 2024-05-12", "Example Times", None, "Council approves budget"),
        ("Interview: the mayor on the bridges", "Example Times", None, "Interview: the mayor on the bridges"),
        ("Bridges - the long wait", "Example Times", None, "Bridges - the long wait"),
        # the site's name spelled out, its initials the host's name (fbfs.com)
        ("Car maintenance checklist | Farm Bureau Financial Services", None, "fbfs", "Car maintenance checklist"),
        ("Car maintenance checklist | Farm Bureau Fine Art", None, "fbfs", "Car maintenance checklist | Farm Bureau Fine Art"),
        # the name punctuated one way in the title and another in the host or og:site_name
        ("Harbour! Xperience | HarbourXperience.com - Ferry fares rise", None, "harbourxperience", "Ferry fares rise"),
        ("Ferry fares rise | Wag!", None, "wag", "Ferry fares rise"),
        ("Ferry fares rise | Pest-R-Us Services", None, "pestrusservices", "Ferry fares rise"),
    ],
)
def test_strip_site_name(title: str, sitename: str | None, host: str | None, expected: str) -> None:
    assert strip_site_name(title, sitename, host) == expected


TITLE_FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "titles").glob("*.html"))


def test_title_fixtures_cover_eight_languages() -> None:
    languages = {path.name.split("_")[0] for path in TITLE_FIXTURES}
    assert len(languages) >= 8, languages


@pytest.mark.parametrize("path", TITLE_FIXTURES, ids=lambda path: path.stem)
def test_title_fixture(path: Path) -> None:
    """fixtures/titles/NAME.html gives the title in NAME.json (its ``_why`` says which rule it holds)."""
    expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
    assert extract(path.read_bytes(), expected["url"]).title == expected["title"]


def test_seo_title_copied_into_every_meta_tag_votes_once() -> None:
    # og:title, twitter:title and <title> all give the SEO variant: one field, one vote, against the shown <h1>
    page = _page(body="<h1>Council votes the bridge money at last</h1>")
    seo = "Bridge budget: what the council decided"
    sources = {"og": seo, "twitter": seo, "title": seo}
    assert choose_title(page, sources, None) == "Council votes the bridge money at last"
    assert choose_title(page, {**sources, "jsonld": seo}, None) == seo  # the declared headline sides with it


def test_a_blog_post_marked_og_article_shows_its_headline_in_the_h1() -> None:
    # og:type article is what blog engines put on every post: no sign that the SEO title is the headline
    seo = "Bridge budget: what the council decided"
    head = f"<meta property='og:type' content='article'><meta property='og:title' content='{seo}'>"
    head += f"<meta name='twitter:title' content='{seo}'><title>{seo}</title>"
    page = _page(head=head, body="<h1>Council votes the bridge money at last</h1>")
    assert read_metadata(page).title == "Council votes the bridge money at last"


def test_an_all_capitals_h1_takes_the_spelling_the_other_sources_write() -> None:
    page = _page(body="<h1>WEEKEND CODING AGENT</h1>")
    assert choose_title(page, {"title": "Weekend Coding Agent | Labs"}, "Labs") == "Weekend Coding Agent"
    # capitals that no other source spells otherwise stay as shown
    assert choose_title(page, {"title": "Agents at the weekend | Labs"}, "Labs") == "WEEKEND CODING AGENT"


def test_styles_scripts_and_buttons_inside_the_h1_are_no_headline_text() -> None:
    # CSS-in-JS writes <style> into the heading; docs put a "copy" button beside the name
    h1 = (
        "<h1><style>.css-1a8e5pi{cursor:pointer}</style><span>Crate tokio</span>"
        "<script>track()</script> <button title='Copy item path to clipboard'>Copy item path</button></h1>"
    )
    page = _page(body=h1)
    assert title_candidates(page, {"og": "tokio - Rust"}, None)["h1"] == "Crate tokio"


def test_a_date_shown_inside_the_h1_is_no_part_of_the_headline() -> None:
    # blog themes put the post's <time> inside its permalinked <h1>
    h1 = "<h1><a href='/p'><time datetime='2025-12-18'>Dec <span>18</span> 2025</time> Preparing a transition</a></h1>"
    page = _page(head="<meta property='og:title' content='Preparing a transition'>", body=h1)
    assert title_candidates(page, {"og": "Preparing a transition"}, None)["h1"] == "Preparing a transition"
    assert read_metadata(page).title == "Preparing a transition"


def test_a_blog_engines_headline_copying_the_seo_title_is_no_declared_headline() -> None:
    # SEO plugins fill a BlogPosting's headline from the SEO title: a copy, so the post's <h1> stays the
    # headline; a news CMS's NewsArticle headline is declared, and sides with the og:title it equals
    seo = "Bridge budget: what the council decided"
    head = f"<meta property='og:title' content='{seo}'><title>{seo} | Example Blog</title>"
    body = "<h1>Council votes the bridge money at last</h1>"
    blog = _page(head=head + _ld({"@type": "BlogPosting", "headline": seo}), body=body)
    assert read_metadata(blog).title == "Council votes the bridge money at last"
    news = _page(head=head + _ld({"@type": "NewsArticle", "headline": seo}), body=body)
    assert read_metadata(news).title == seo
    own = _page(head=head + _ld({"@type": "BlogPosting", "headline": "Bridge money approved"}), body=body)
    assert read_metadata(own).title == seo  # a headline of its own is declared: the tie goes to og:title


def test_title_tie_goes_to_the_shown_headline_unless_a_headline_is_declared() -> None:
    page = _page(body="<h1>Council votes the bridge money at last</h1>")
    sources = {"og": "Bridge budget: what the council decided"}
    assert choose_title(page, sources, None) == "Council votes the bridge money at last"
    # a news CMS declaring a third headline: the tie goes to the declared og:title (Fundus)
    assert choose_title(page, {**sources, "jsonld": "Bridge money approved"}, None) == sources["og"]


@pytest.mark.parametrize("label", ["Blog:", "Opinion:", "Exclusive:", "Thread:", "Видео:", "独家："])
def test_a_short_label_and_colon_before_the_meta_titles_headline_is_no_part_of_it(label: str) -> None:
    page = _page(body=f"<h1>{label} Council votes the bridge money at last</h1>")
    sources = {"og": "Council votes the bridge money at last | Example Times", "title": "Council votes the bridge money at last"}
    assert choose_title(page, sources, "Example Times") == "Council votes the bridge money at last"


@pytest.mark.parametrize("colon", [": ", "："])
def test_a_headline_before_a_colon_is_no_label(colon: str) -> None:
    # three words and more before the colon are the headline's own ("Storm damage in the north: …")
    shown = f"Storm damage in the north{colon}council votes the bridge money"
    page = _page(body=f"<h1>{shown}</h1>")
    assert choose_title(page, {"og": "council votes the bridge money"}, None) == shown


def test_a_markdown_heading_marker_in_a_meta_title_is_no_part_of_it() -> None:
    page = _page()
    assert choose_title(page, {"og": "## Council votes the bridge money", "title": "Council votes the bridge money"}, None) == "Council votes the bridge money"
    assert choose_title(page, {"og": "#MeToo five years on"}, None) == "#MeToo five years on"  # a hashtag stays


def test_read_metadata_leaves_the_tree_whole() -> None:
    page = _page(
        head="<title>Bridges | Example</title>",
        body="<h1>Bridges<br>again<a href='#b'>¶</a></h1><p class='byline'>Nobody</p>",
    )
    before = lxml.html.tostring(page.tree)
    read_metadata(page)
    assert lxml.html.tostring(page.tree) == before


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-04-30T16:38:37+02:00", "2024-04-30T16:38:37+02:00"),
        ("2024-04-30 16:38:37 +02:00", "2024-04-30T16:38:37+02:00"),
        ("2024-04-30T16:38:37+0200", "2024-04-30T16:38:37+02:00"),
        ("2024-04-30T16:38:37Z", "2024-04-30T16:38:37+00:00"),
        ("2024-04-30T16:38:37", "2024-04-30T16:38:37"),
        ("2024-04-30", "2024-04-30"),
        ("  2024-04-30 ", "2024-04-30"),
        ("30.04.2024", None),
        ("2024-02-30", None),
        ("", None),
        (None, None),
        (20240430, None),
    ],
)
def test_normalize_date(value: object, expected: str | None) -> None:
    assert normalize_date(value) == expected


def test_best_date_takes_the_zone_of_a_same_day_later_source() -> None:
    assert best_date(["2024-04-30T16:38:37", "2024-04-30T14:38:37Z"]) == "2024-04-30T14:38:37+00:00"
    assert best_date(["2024-04-30T16:38:37", None, "2024-04-30T16:38:37+02:00"]) == "2024-04-30T16:38:37+02:00"


def test_best_date_never_invents_a_zone() -> None:
    assert best_date(["2024-04-30T23:30:00", "2024-05-01T01:30:00+02:00"]) == "2024-04-30T23:30:00"
    assert best_date(["2024-04-30T16:38:37", "2024-04-30"]) == "2024-04-30T16:38:37"
    assert best_date(["2024-04-30T10:00:00+03:00", "2024-04-30T07:00:00Z"]) == "2024-04-30T10:00:00+03:00"


def test_best_date_skips_unreadable_values() -> None:
    assert best_date([None, "yesterday", "2024-04-30"]) == "2024-04-30"
    assert best_date([None, "soon"]) is None
    assert best_date([]) is None


# --- authors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "sitename", "site", "expected"),
    [
        (["By Jane Doe"], None, None, ["Jane Doe"]),
        (["Автор: Иван Петров"], None, None, ["Иван Петров"]),
        (["Jane Doe, John Smith"], None, None, ["Jane Doe", "John Smith"]),
        (["Jane Doe and John Smith", "Jane Doe"], None, None, ["Jane Doe", "John Smith"]),
        (["Kari Nordmann og Ola Nordmann"], None, None, ["Kari Nordmann", "Ola Nordmann"]),
        (["Anna Svensson och Erik Larsson"], None, None, ["Anna Svensson", "Erik Larsson"]),
        (["Example Times", "Jane Doe"], "Example Times", None, ["Jane Doe"]),
        (["Tengrinews.kz"], None, "en.tengrinews.kz", []),
        (["Tengrinews"], None, "en.tengrinews.kz", []),
        (["mdr.de"], None, None, []),
        (["ORF.at/Agenturen"], None, None, []),
        (["(Image: Getty Images)"], None, None, []),
        (["Photo: Jane Doe"], None, None, []),
        (["sophie-foster", "Sophie Foster"], None, None, ["Sophie Foster"]),
        (["Otto Beispiel (obe)"], None, None, ["Otto Beispiel"]),
        (["신현주 기자"], None, None, ["신현주"]),
        (["https://example.com/authors/jane", "jane@example.com", "12.05.2024"], None, None, []),
        (["Home » Consulting & Services » Cybersecurity", "News › Politics"], None, None, []),  # a breadcrumb trail
    ],
)
def test_clean_authors(raw: list[str], sitename: str | None, site: str | None, expected: list[str]) -> None:
    assert clean_authors(raw, sitename, site) == expected


def test_an_organization_is_credited_when_no_person_is() -> None:
    head = "<meta property='og:site_name' content='Example Works'>"
    body = "<article><h1>Bridges</h1><div class='author'>By Example Works</div><p>Text</p></article>"
    assert read_metadata(_page(head=head, body=body)).authors == ["Example Works"]
    person = _ld({"@type": "BlogPosting", "author": [{"@type": "Organization", "name": "Example Works"}, {"name": "Jane Doe"}]})
    assert read_metadata(_page(head=person)).authors == ["Jane Doe"]


def test_visible_byline_found_by_trafilatura_xpaths() -> None:
    body = "<article><h1>Bridges</h1><div class='post-meta'><span class='author vcard'>Jane Doe</span></div><p>Text</p></article>"
    assert read_metadata(_page(body=body)).authors == ["Jane Doe"]


def test_a_breadcrumb_trail_in_a_byline_slot_names_no_author() -> None:
    """A theme's meta line ("post-meta-detail no-byline") holding the breadcrumb trail: the byline XPaths
    (newsbot's and trafilatura's) match its class, but a trail is no person."""
    body = ("<div class='post-meta-detail no-byline'><a href='/'>Home</a> » <a href='/solutions/'>Consulting &amp; "
            "Services</a> » <strong>Cybersecurity</strong></div><article><h1>Bridges</h1><p>Text</p></article>")  # fmt: skip
    assert read_metadata(_page(body=body)).authors == []


def test_date_from_running_text_when_structured_data_has_none() -> None:
    # htmldate's extensive search: a date in a sentence, not in a date-like element
    body = "<article><h1>Bridges</h1><p>Written 3 March 2024 in the town hall.</p></article>"
    assert read_metadata(_page(body=body, url="https://www.example.com/bridges")).published == "2024-03-03"


# --- language ---------------------------------------------------------------------------------

ENGLISH = (
    "The regional council approved the new budget on Tuesday after a debate that lasted well into the night. "
    "Opposition members said the repairs should have started years ago and asked for a full list of bridges."
)
GERMAN = (
    "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen. Die Opposition "
    "kritisierte, dass die Reparaturen an den Brücken schon vor Jahren hätten beginnen sollen, und verlangte eine Liste."
)
RUSSIAN = (
    "Региональный совет во вторник после долгих споров утвердил новый бюджет. Представители оппозиции "
    "заявили, что ремонт мостов нужно было начинать много лет назад, и потребовали опубликовать полный список."
)


@pytest.mark.parametrize(("text", "expected"), [(ENGLISH, "en"), (GERMAN, "de"), (RUSSIAN, "ru")])
def test_detect_language_on_body_text(text: str, expected: str) -> None:
    assert len(text) >= 200
    assert detect_language(text, "fr") == expected


@pytest.mark.parametrize(
    "text",
    [
        "佢哋話今晚唔會返嚟食飯，因為公司有啲嘢要做，我哋自己食先啦。" * 10,  # py3langid's full model says "yue"
        "????? 12345 !!!" * 20,  # … and "zxx" (no language) here
    ],
)
def test_detect_language_gives_only_two_letter_codes(text: str) -> None:
    code = detect_language(text, None)
    assert code is not None and len(code) == 2 and code.isalpha()


def test_detect_language_falls_back_to_the_declared_one_on_short_text() -> None:
    assert detect_language("Der Stadtrat hat entschieden.", "de") == "de"
    assert detect_language("The council voted.", None) is None


# --- JSON-LD lookup -------------------------------------------------------------------------------


def test_article_found_inside_a_graph() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "name": "Example Times"},
        {"@type": "WebPage", "name": "page"},
        {"@type": ["NewsArticle"], "headline": "Council approves budget"},
    ]}
    assert _page(head=_ld(graph)).jsonld_article == {"@type": ["NewsArticle"], "headline": "Council approves budget"}


def test_article_found_as_a_webpage_main_entity() -> None:
    data = {"@type": "WebPage", "mainEntity": {"@type": "http://schema.org/ReportageNewsArticle", "headline": "Bridges"}}
    assert _page(head=_ld(data)).jsonld_article == data["mainEntity"]


def test_broken_json_ld_is_skipped_and_non_articles_are_no_article() -> None:
    broken = "<script type='application/ld+json'>{not json</script>"
    assert _page(head=broken + _ld({"@type": "BlogPosting", "headline": "Hi"})).jsonld_article == {"@type": "BlogPosting", "headline": "Hi"}
    assert _page(head=_ld([{"@type": "Organization"}, {"@type": "BreadcrumbList"}])).jsonld_article is None


def test_every_title_source_is_kept_as_a_headline_for_the_body_rules() -> None:
    page = _page(
        "<title>Bridges get money | Example Times</title><meta property='og:title' content='Council approves budget'>",
        "<h1>Budget day: council approves the bridge money</h1>",
    )
    meta = read_metadata(page)
    assert meta.title in meta.headlines
    assert set(meta.headlines) == {"Council approves budget", "Bridges get money", "Budget day: council approves the bridge money"}


# --- standfirst ----------------------------------------------------------------------


STANDFIRST = "The council approved money for the three oldest bridges after a night-long debate on Tuesday."


def test_the_lead_below_the_headline_is_a_description_after_the_declared_ones() -> None:
    head = "<meta property='og:title' content='Council approves bridge money'>"
    body = f"<h1>Council approves bridge money</h1><div></div><div class='x'>{STANDFIRST}</div><p>Body.</p>"
    assert read_metadata(_page(head, body)).descriptions == [STANDFIRST]
    declared = read_metadata(_page(head + "<meta name='description' content='Money for bridges.'>", body))
    assert declared.descriptions == ["Money for bridges.", STANDFIRST]  # declared teasers come first


@pytest.mark.parametrize(
    "below",
    [
        "<div>By Jane Doe, 14 May 2024.</div>",  # a byline: too short for a lead
        f"<div><img src='a.jpg'>{STANDFIRST}</div>",  # a picture's caption
        f"<div><a href='/other'>{STANDFIRST}</a></div>",  # a teaser link
        f"<div>{STANDFIRST[:-1]} and more</div>",  # no sentence end: a label or a run-on
    ],
)
def test_no_standfirst_when_the_text_below_the_headline_is_no_lead(below: str) -> None:
    page = _page("<meta property='og:title' content='Council approves bridge money'>", f"<h1>Council approves bridge money</h1>{below}<p>x</p>")
    assert read_metadata(page).descriptions == []


def test_a_headline_length_alternative_headline_is_one_more_headline() -> None:
    alt = "USA stoppen Schattentanker - Acht Namen, vier Flaggen"
    lead = "The council approved money for the three oldest bridges after a night-long debate on Tuesday evening, its members said."
    page = _page(_ld({"@type": "NewsArticle", "headline": "Council approves bridge money", "alternativeHeadline": alt}))
    assert alt in read_metadata(page).headlines
    as_lead = _page(_ld({"@type": "NewsArticle", "headline": "Council approves bridge money", "alternativeHeadline": lead}))
    assert lead not in read_metadata(as_lead).headlines  # some sites put the standfirst there


def test_json_ld_of_nested_lists_reads_as_no_author_not_a_failure() -> None:
    """trafilatura's JSON-LD author search, newsbot's fallback, expects objects inside a list; a list of
    lists (seen on a real page) made it raise, and the page was lost."""
    from newsbot.extraction import extract

    story = "".join(f"<p>Paragraph {i}: the harbour council met on Tuesday and approved the repairs of the sea wall.</p>" for i in range(6))
    page = ('<html><head><script type="application/ld+json">[[{"@type": "WebPage", "name": "x"}]]</script></head>'
            f"<body><h1>Sea wall repairs approved</h1>{story}</body></html>")  # fmt: skip
    article = extract(page.encode(), "https://harbour.example/news/2024/05/sea-wall-repairs")
    assert article.authors == [] and "Paragraph 5" in article.body


@pytest.mark.parametrize(
    ("markup", "credited"),
    [
        ("<div class='story'><p>Text.</p></div>", False),
        ("<p class='article__Byline'>Ann Lee</p>", True),  # trafilatura's last-resort XPath ([Bb]yline)
        ("<span itemprop='author'><span itemprop='name'>Ann Lee</span></span>", True),
        ("<a rel='author' href='/ann'>Ann Lee</a>", True),
        ("<div data-component='StoryByline'>Ann Lee</div>", True),
        ("<div id='zuozhe'>李明</div>", True),
        ("<author>Ann Lee</author>", True),
    ],
)
def test_byline_markup_check_before_trafilaturas_author_search(markup: str, credited: bool) -> None:
    """The cheap check that lets a page without byline markup skip trafilatura's author search."""
    assert _may_credit(parse_html(f"<html><body>{markup}</body></html>")) is credited


def test_the_byline_markup_check_never_hides_an_author_trafilatura_finds() -> None:
    """Looser than trafilatura's author XPaths, never stricter: on every tenth page of both corpora
    (news and other kinds of page from many sites), where its search finds a name, the check lets it run."""
    from trafilatura.metadata import extract_author

    from newsbot.evaluation.corpora import load_corpus

    corpora = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    pages = [page for name in ("fundus", "wcxb-dev") for page in load_corpus(corpora / name).pages[::10]]
    trees = [(page.key, parse_html(page.read_html().decode("utf-8", errors="replace"))) for page in pages]
    found = [(key, tree) for key, tree in trees if extract_author(tree)]
    assert len(found) >= 50
    assert [key for key, tree in found if not _may_credit(tree)] == []


STORY = "<p>The council approved the harbour budget on Tuesday after a long debate about the ferry routes.</p>"


@pytest.mark.parametrize(
    ("shown", "published"),
    [
        ("<p>Published on March 3, 2024 by the newsroom.</p>", "2024-03-03"),  # a date the text shows
        ("<footer><p>© 2023 Harbour Media. All rights reserved.</p></footer>", None),  # a copyright year
        ("<p>Founded in 1998, the paper covers the coast.</p>", None),  # a bare year
    ],
)
def test_a_date_from_the_text_but_never_a_bare_year(shown: str, published: str | None) -> None:
    """A page that declares no date is dated from its text; htmldate's last resort, a copyright line's
    or any bare year, comes back as 1 January of that year and dates nothing."""
    page = _page(body=f"<article><h1>Harbour budget approved</h1>{STORY}{shown}</article>", url="https://www.example.com/harbour-budget")
    assert read_metadata(page).published == published

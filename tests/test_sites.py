"""Site files: every shipped site loads and passes its saved pages; a broken file fails naming file and field."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from newsbot.cli import main
from newsbot.evaluation.corpora import CorpusPage, load_corpus
from newsbot.evaluation.metric import score_body
from newsbot.extraction import Article, extract
from newsbot.sites import (
    SITES_DIR,
    Hints,
    SiteConfigError,
    download_slots,
    load_site,
    load_sites,
    parse_site,
    select_sites,
    shipped_sites,
    site_for_url,
)
from newsbot.urls import pattern_target

REPO = Path(__file__).resolve().parent.parent
FUNDUS = REPO.parent / "shared" / "corpora" / "fundus"
SITE_PAGES: dict[str, dict] = {
    name: spec
    for name, spec in json.loads((REPO / "fixtures" / "site_pages.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")
}
SITES = shipped_sites()

VALID = """
name = "example"
domains = ["news.example", "news.example.org"]
language = "en"

[start]
feeds = ["https://feeds.example.net/news.rss"]  # a feed on another host is fine
sections = ["https://www.news.example/world/"]
max_depth = 1

[articles]
allow = ['^/world/\\d{4}/[a-z-]+$']
deny = ['/live/']

[extraction]
content_root = ["article"]
drop = ["aside.related", "p:contains('Subscribe')"]
drop_text = ['^join our reader panel$']

[politeness]
download_delay = 1.5
concurrency = 1
"""


def write(tmp_path: Path, text: str, name: str = "example") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ---- the shipped sites


def test_shipped_sites_cover_tengrinews_editions_and_many_languages() -> None:
    assert {"tengrinews-en", "tengrinews-ru", "tengrinews-kk"} <= set(SITES)
    assert {SITES[f"tengrinews-{lang}"].language for lang in ("en", "ru", "kk")} == {"en", "ru", "kk"}
    assert len(SITES) - 3 >= 9
    assert len([name for name in SITES if "fundus" in SITE_PAGES.get(name, {})]) >= 6
    assert len({site.language for site in SITES.values()}) >= 8


def test_every_feed_and_sitemap_url_names_its_source() -> None:
    """No internet here: a feed or sitemap URL is shipped only with a comment naming who confirms it."""
    for site in SITES.values():
        assert site.path is not None
        lines = site.path.read_text(encoding="utf-8").splitlines()
        for url in site.feeds + site.sitemaps:
            i = next(i for i, line in enumerate(lines) if f'"{url}"' in line)
            if "#" not in lines[i].split(f'"{url}"', 1)[1]:  # else the comment above this URL (and its siblings)
                while lines[i].strip().startswith('"'):
                    i -= 1
            assert re.search(r"#\s*\S.{10,}", lines[i]), f"{site.path.name}: no source comment for {url}"


@pytest.fixture(scope="module")
def corpus_pages() -> dict[str, list[CorpusPage]]:
    """Saved pages by site name, from the fundus corpus (by publisher) and fixtures/pages (by file)."""
    fundus = load_corpus(FUNDUS).pages
    fixtures = load_corpus(REPO / "fixtures" / "pages").pages
    return {
        name: [p for p in fundus if p.publisher == spec.get("fundus")]
        + [p for p in fixtures if p.key in spec.get("pages", [])]
        for name, spec in SITE_PAGES.items()
    }


@cache
def records(page: CorpusPage, hints: Hints) -> tuple[Article, Article]:
    """The page's record without and with the site's hints."""
    html = page.read_html()
    headers = {"content-type": f"text/html; charset={page.encoding}"} if page.encoding else None
    return extract(html, page.url, headers), extract(html, page.url, headers, hints=hints)


@pytest.mark.parametrize("name", sorted(SITES))
def test_site_against_its_saved_pages(name: str, corpus_pages: dict[str, list[CorpusPage]]) -> None:
    """Like Fundus: a site without saved pages fails; its patterns accept them; its hints never make a record worse."""
    assert name in SITE_PAGES, f"add the saved pages of site {name!r} to fixtures/site_pages.json"
    pages = corpus_pages[name]
    assert pages, f"no saved page found for site {name!r}"
    listed = SITE_PAGES[name].get("pages", [])
    assert len([p for p in pages if p.layout == "pages"]) == len(listed), f"{name}: a listed page is missing"
    site = SITES[name]
    for page in pages:
        assert site.owns(page.url), page.key
        assert site.is_article_url(page.url) is True, f"{name}: the article patterns refuse {page.url}"
        plain, hinted = records(page, site.hints)
        assert score_body(hinted.body, page.body).f1 >= score_body(plain.body, page.body).f1, page.key
        assert (hinted.title, hinted.published, hinted.authors) == (plain.title, plain.published, plain.authors)
        assert hinted.is_article or not plain.is_article, page.key


@pytest.mark.parametrize("name", ["elpais", "lemonde", "theindependent"])
def test_hints_help_where_the_generic_rules_leave_boilerplate(name: str, corpus_pages: dict[str, list[CorpusPage]]) -> None:
    """The shipped hints are not decoration: on these pages they strictly improve the body."""
    page = corpus_pages[name][0]
    plain, hinted = records(page, SITES[name].hints)
    assert score_body(hinted.body, page.body).f1 > score_body(plain.body, page.body).f1


# ---- loading and validation


def test_a_valid_file_loads(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, VALID))
    assert (site.name, site.domains, site.language) == ("example", ("news.example", "news.example.org"), "en")
    assert site.start_points == ("https://feeds.example.net/news.rss", "https://www.news.example/world/")
    assert (site.download_delay, site.concurrency, site.max_depth) == (1.5, 1, 1)
    assert site.hints.content_root == ("article",) and len(site.hints.drop) == 2
    assert site.hints.drop_text == ("^join our reader panel$",)
    assert site.is_article_url("https://news.example/world/2025/harbour-reopens?utm_source=x") is True
    assert site.is_article_url("https://news.example/world/live/2025/harbour") is False
    assert site.is_article_url("https://news.example/world/") is False
    assert site.owns("http://www.news.example/a") and not site.owns("https://sub.news.example/a")


def test_optional_tables_may_be_left_out(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, 'name = "example"\ndomains = ["news.example"]\nlanguage = "kk"\n'
                                     '[start]\nsections = ["https://news.example/"]\n'))  # fmt: skip
    assert site.allow == site.deny == () and not site.hints
    assert site.is_article_url("https://news.example/anything") is None  # the generic heuristics decide
    assert (site.download_delay, site.concurrency, site.max_depth) == (None, None, None)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('language = "en"', 'language = "en', "not valid TOML"),
        ('name = "example"', "", "name: missing"),
        ('name = "example"', 'name = "other"', "name: 'other' must equal the file name 'example'"),
        ('name = "example"', 'name = "Example"', "name: 'Example' is not a lowercase name"),
        ('"news.example", ', '"www.news.example", ', "domains[0]: 'www.news.example' is not a lowercase host"),
        ('"news.example", ', '"https://news.example", ', "domains[0]: 'https://news.example' is not"),
        ('domains = ["news.example", "news.example.org"]', "domains = []", "domains: needs at least one domain"),
        ('domains = ["news.example", "news.example.org"]', 'domains = "news.example"', "domains: expected a list"),
        ('language = "en"', 'language = "English"', "language: 'English' is not a language code"),
        ('language = "en"', 'language = "en"\nlangauge = "en"', "langauge: unknown field"),
        ("[politeness]", "[politness]", "politness: unknown field"),
        ("max_depth = 1", "max_depth = 1\nmax_pages = 3", "start.max_pages: unknown field"),
        ("max_depth = 1", "max_depth = -1", "start.max_depth: must be at least 0"),
        ("https://feeds.example.net/news.rss", "feeds.example.net/news.rss", "start.feeds[0]: 'feeds.example.net/news.rss' is not an http(s) URL"),
        ("https://www.news.example/world/", "https://other.example/world/", "start.sections[0]: 'https://other.example/world/' is not on the site's domains"),
        ("allow = ['^/world/\\d{4}/[a-z-]+$']", "allow = ['^/world/(\\d{4}']", "articles.allow[0]: bad regex '^/world/(\\\\d{4}'"),
        ("deny = ['/live/']", "deny = '/live/'", "articles.deny: expected a list"),
        ('"aside.related"', '"aside..related"', "extraction.drop[0]: bad CSS selector 'aside..related'"),
        ("'^join our reader panel$'", "'^join (our'", "extraction.drop_text[0]: bad regex '^join (our'"),
        ('content_root = ["article"]', "content_root = [42]", "extraction.content_root[0]: expected a non-empty string, got 42"),
        ("download_delay = 1.5", "download_delay = -1", "politeness.download_delay: must be at least 0"),
        ("download_delay = 1.5", 'download_delay = "1.5"', "politeness.download_delay: expected a number"),
        ("concurrency = 1", "concurrency = true", "politeness.concurrency: expected an integer, got True"),
        ("concurrency = 1", "concurrency = 0", "politeness.concurrency: must be at least 1"),
        ('language = "en"', 'language = "en"\nstart = ["https://news.example/"]', "not valid TOML"),
    ],
)
def test_a_broken_file_fails_naming_file_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(SiteConfigError) as caught:
        load_site(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_table_that_is_not_a_table_fails(tmp_path: Path) -> None:
    text = 'name = "example"\ndomains = ["news.example"]\nlanguage = "en"\nextraction = 3\n' \
           '[start]\nsections = ["https://news.example/"]\n'  # fmt: skip
    with pytest.raises(SiteConfigError, match=r"example\.toml: extraction: expected a table, got 3"):
        load_site(write(tmp_path, text))


def test_a_site_without_start_points_fails(tmp_path: Path) -> None:
    text = 'name = "example"\ndomains = ["news.example"]\nlanguage = "en"\n[start]\nfeeds = []\n'
    with pytest.raises(SiteConfigError, match=r"example\.toml: start: needs at least one feed, sitemap or section"):
        load_site(write(tmp_path, text))


def test_a_domain_claimed_twice_fails(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    write(tmp_path, VALID.replace('name = "example"', 'name = "copy"'), name="copy")
    with pytest.raises(SiteConfigError, match=r"example\.toml: domains: 'news.example' already belongs to site 'copy'"):
        load_sites(tmp_path)


def test_the_shipped_folder_is_the_default(tmp_path: Path) -> None:
    assert load_sites() == SITES and SITES_DIR.name == "sites"
    assert load_sites(tmp_path) == {}


def test_select_sites() -> None:
    assert select_sites(None, SITES) == [] and select_sites("", SITES) == []
    assert select_sites("all", SITES) == list(SITES.values())
    assert [s.name for s in select_sites("bbc, tengrinews-kk", SITES)] == ["bbc", "tengrinews-kk"]
    with pytest.raises(KeyError, match="unknown site 'tengrinews'; known sites: anadolu-tr, asahi"):
        select_sites("tengrinews", SITES)


def test_site_for_url_keeps_editions_apart() -> None:
    names = {url: (s.name if (s := site_for_url(url, SITES.values())) else None) for url in (
        "https://en.tengrinews.kz/world/x-1/", "https://www.tengrinews.kz/world_news/x-1/",
        "https://kaz.tengrinews.kz/alem/x-1/", "https://m.tengrinews.kz/x", "https://www.bbc.co.uk/news",
    )}  # fmt: skip
    assert list(names.values()) == ["tengrinews-en", "tengrinews-ru", "tengrinews-kk", None, "bbc"]


def test_download_slots_cover_bare_and_www_hosts(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, VALID))
    slots = download_slots([site, *SITES.values()])
    assert slots["news.example"] == slots["www.news.example.org"] == {"delay": 1.5, "concurrency": 1}
    assert "theguardian.com" not in slots  # no overrides: Scrapy's defaults and AutoThrottle apply


def test_pattern_target() -> None:
    assert pattern_target("https://www.Example.com/a/b?utm_source=x&id=3#top") == "/a/b?id=3"
    assert pattern_target("https://example.com") == "/"


def test_parse_site_takes_a_parsed_table() -> None:
    site = parse_site({"name": "x", "domains": ["x.example"], "language": "en",
                       "start": {"sitemaps": ["https://x.example/news.xml"]}}, Path("x.toml"))  # fmt: skip
    assert site.sitemaps == ("https://x.example/news.xml",) and site.path == Path("x.toml")


def _listing(text: str) -> dict[str, tuple[list[str], list[tuple[str, str]]]]:
    """``newsbot sites`` output: by site name, its header fields and its (kind, URL) start points."""
    sites: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
    for line in text.splitlines():
        if line and not line.startswith(" "):
            name, *fields = line.split()
            sites[name] = (fields, [])
        elif line.strip():
            kind, url = line.split()
            sites[name][1].append((kind, url))
    return sites


def test_sites_command_lists_every_site_with_its_start_urls(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites"]) == 0
    listing = _listing(capsys.readouterr().out)
    assert set(listing) == set(SITES)
    fields, starts = listing["bbc"]
    assert fields == ["en", "bbc.com", "bbc.co.uk"]
    bbc = SITES["bbc"]
    assert starts == [("sitemap", url) for url in bbc.sitemaps] + [("section", url) for url in bbc.sections]
    assert [kind for kind, _ in listing["anadolu-tr"][1]] == ["feed"]


def test_sites_command_reads_another_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, VALID)
    assert main(["sites", "--dir", str(tmp_path)]) == 0
    assert list(_listing(capsys.readouterr().out)) == ["example"]
    # The NEWSBOT_SITES_DIR environment variable names the folder when --dir does not.
    monkeypatch.setenv("NEWSBOT_SITES_DIR", str(tmp_path))
    assert main(["sites"]) == 0
    assert list(_listing(capsys.readouterr().out)) == ["example"]
    assert main(["sites", "--dir", str(SITES_DIR)]) == 0
    assert set(_listing(capsys.readouterr().out)) == set(SITES)


def test_sites_command_names_a_broken_or_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites", "--dir", str(tmp_path / "missing")]) == 1
    assert capsys.readouterr().err == f"newsbot sites: {tmp_path / 'missing'}: not a folder of site files\n"
    (tmp_path / "bad.toml").write_text("name = ", encoding="utf-8")
    assert main(["sites", "--dir", str(tmp_path)]) == 1
    assert "bad.toml: not valid TOML" in capsys.readouterr().err


def test_the_documented_example_is_a_valid_site_file(tmp_path: Path) -> None:
    import textwrap

    import newsbot.sites

    doc = newsbot.sites.__doc__ or ""
    example = textwrap.dedent(doc.split("::\n", 1)[1].split("\nA broken file", 1)[0])
    site = load_site(write(tmp_path, example, name="news-example"))
    assert len(site.start_points) == 3 and site.hints and site.download_delay == 1.0
    assert site.is_article_url("https://news.example/world/2025/06/03/harbour") is True

"""Learned site templates: recurring blocks go, on a site no rule was written for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from query_plans import query_plans

from newsbot.extraction import Hints, Trace, extract, learn
from newsbot.state import template_store as templates_module
from newsbot.state.template_store import SqliteTemplateStore

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "fixtures" / "template_site"
MANIFEST = json.loads((SITE / "manifest.json").read_text(encoding="utf-8"))
PAGES = sorted(MANIFEST["articles"].items())
NOISE = MANIFEST["noise"]
# The paragraph that quotes a footer phrase inside a real sentence.
QUOTING = "Our readers asked us to share the news as widely as possible, so tanysgrifiwch i'n cylchlythyr"


def _page(name: str) -> bytes:
    return (SITE / name).read_bytes()


def _learn_all(store: SqliteTemplateStore, pages: list[tuple[str, dict]] = PAGES) -> None:
    for name, expected in pages:
        learn(_page(name), expected["url"], store)


def test_rules_alone_keep_the_welsh_widget_and_footer() -> None:
    """The noise is really beyond the rule tables: without a template it stays in every body."""
    for name, expected in PAGES:
        body = extract(_page(name), expected["url"]).body
        assert [n for n in NOISE if n in body] == NOISE


@pytest.mark.parametrize(("name", "expected"), PAGES)
def test_template_removes_recurring_blocks_and_keeps_the_story(name: str, expected: dict) -> None:
    store = SqliteTemplateStore()
    _learn_all(store)
    article = extract(_page(name), expected["url"], templates=store)
    assert article.body.split("\n\n") == expected["body"]
    assert [n for n in NOISE if n in article.body] == []


def test_a_paragraph_quoting_boilerplate_stays() -> None:
    store = SqliteTemplateStore()
    _learn_all(store)
    name, expected = next((n, e) for n, e in PAGES if any(QUOTING in p for p in e["body"]))
    assert QUOTING in extract(_page(name), expected["url"], templates=store).body


def test_template_applies_from_the_fourth_distinct_page() -> None:
    store = SqliteTemplateStore()
    _learn_all(store, PAGES[:3])
    name, expected = PAGES[0]
    assert "Cedwir pob hawl" in extract(_page(name), expected["url"], templates=store).body
    _learn_all(store, PAGES[3:4])
    assert "Cedwir pob hawl" not in extract(_page(name), expected["url"], templates=store).body


def test_each_url_counts_once() -> None:
    """Re-reading one page never makes its own text look like boilerplate."""
    store = SqliteTemplateStore()
    name, expected = PAGES[0]
    assert learn(_page(name), expected["url"], store) is True
    for _ in range(10):
        assert learn(_page(name), expected["url"], store) is False
    assert store.pages("fro-news.example") == 1
    assert store.boilerplate("fro-news.example") == frozenset()
    assert expected["body"][0] in extract(_page(name), expected["url"], templates=store).body


def test_a_page_without_a_host_learns_nothing(tmp_path: Path) -> None:
    store = SqliteTemplateStore()
    bare = _page(PAGES[0][0]).replace(b'<link rel="canonical"', b'<link rel="alternate"')
    assert learn(bare, (tmp_path / "page.html").as_uri(), store) is False
    assert store.pages("fro-news.example") == 0


def test_store_persists_in_the_state_directory(tmp_path: Path) -> None:
    store = SqliteTemplateStore(tmp_path)
    _learn_all(store)
    learned = store.boilerplate("fro-news.example")
    store.close()
    assert (tmp_path / templates_module.FILE_NAME).is_file()
    reopened = SqliteTemplateStore(tmp_path)
    assert reopened.pages("fro-news.example") == len(PAGES)
    assert reopened.boilerplate("fro-news.example") == learned != frozenset()


def test_store_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates_module, "MAX_SIGNATURES_PER_SITE", 50)
    monkeypatch.setattr(templates_module, "MAX_URLS_PER_SITE", 20)
    store = SqliteTemplateStore()
    for page in range(60):
        store.learn("big.example", f"url-{page}", [f"shared-{i}" for i in range(5)] + [f"page-{page}-{i}" for i in range(10)])
    (signatures,) = store._db.execute("SELECT COUNT(*) FROM signatures").fetchone()
    (urls,) = store._db.execute("SELECT COUNT(*) FROM pages").fetchone()
    assert signatures <= 50 and urls <= 20
    assert {f"shared-{i}" for i in range(5)} <= store.boilerplate("big.example")


def test_forgetting_a_big_sites_oldest_urls_reads_no_whole_site(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_URLS_PER_SITE every page learned forgets the site's oldest URL: through an index on the
    page number, not a pass over the site's thousands of remembered URLs."""
    monkeypatch.setattr(templates_module, "MAX_URLS_PER_SITE", 3)
    store = SqliteTemplateStore()
    for page in range(5):
        store.learn("big.example", f"url-{page}", ["shared"])
    plans = query_plans(store._db, lambda: store.learn("big.example", "url-5", ["shared"]), "pages")
    forget = [plan for sql, plan in plans.items() if sql.lstrip().upper().startswith("DELETE")]
    assert forget and all(any("seq<" in step for step in plan) for plan in forget), plans
    (urls,) = store._db.execute("SELECT COUNT(*) FROM pages").fetchone()
    assert urls == 3


def test_boilerplate_is_read_from_the_signatures_seen_on_several_pages() -> None:
    """Each page asks for its site's boilerplate, and most of a big site's up to 4,000 signatures are story
    text seen once: the query goes by page count through an index, not over every signature of the site."""
    store = SqliteTemplateStore()
    for page in range(5):
        store.learn("big.example", f"url-{page}", ["menu", f"story-{page}"])
    plans = query_plans(store._db, lambda: store.boilerplate("big.example"), "signatures")
    reads = [plan for sql, plan in plans.items() if sql.lstrip().upper().startswith("SELECT")]
    assert reads and all(any("pages>?" in step for step in plan) for plan in reads), plans
    assert store.boilerplate("big.example") == {"menu"}


def test_fixture_site_articles_survive_their_own_template() -> None:
    """On the Steppe Herald site every story stays exact once its template is learned."""
    site = ROOT / "fixtures" / "site"
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    base = "http://127.0.0.1:8000"
    pages = {path: (site / path).read_bytes().replace(b"__BASE__", base.encode()) for path in manifest["articles"]}
    store = SqliteTemplateStore()
    for path, body in pages.items():
        learn(body, f"{base}/{path}", store)
    assert store.pages("127.0.0.1") == len(pages)
    for path, expected in manifest["articles"].items():
        article = extract(pages[path], f"{base}/{path}", templates=store)
        assert article.body.split("\n\n") == expected["body"], path


def test_cli_state_learns_then_prints_cleaned(tmp_path: Path) -> None:
    state = tmp_path / "state"
    paths = [str(SITE / name) for name, _ in PAGES]
    plain = subprocess.run([sys.executable, "-m", "newsbot.cli", "extract", *paths], capture_output=True, check=True)
    learned = subprocess.run(
        [sys.executable, "-m", "newsbot.cli", "extract", "--state", str(state), *paths], capture_output=True, check=True
    )
    plain_bodies = [json.loads(line)["body"] for line in plain.stdout.splitlines()]
    learned_bodies = [json.loads(line)["body"] for line in learned.stdout.splitlines()]
    assert all("Tywydd heddiw" in b for b in plain_bodies)
    assert not any("Tywydd heddiw" in b for b in learned_bodies)
    assert (state / templates_module.FILE_NAME).is_file()


def test_cli_explain_names_rules_and_signatures(tmp_path: Path) -> None:
    state = tmp_path / "state"
    paths = [str(SITE / name) for name, _ in PAGES]
    subprocess.run([sys.executable, "-m", "newsbot.cli", "extract", "--state", str(state), *paths], capture_output=True, check=True)
    run = subprocess.run(
        [sys.executable, "-m", "newsbot.cli", "extract", "--state", str(state), "--explain", paths[0]],
        capture_output=True,
        check=True,
        text=True,
    )
    assert json.loads(run.stdout)["title"] == PAGES[0][1]["title"]
    assert "removed [template:" in run.stderr and "Cedwir pob hawl" in run.stderr
    assert f"kept [main text] {PAGES[0][1]['body'][1]}" in run.stderr
    seed = ROOT / "fixtures" / "pages" / "seed_en.html"
    run = subprocess.run([sys.executable, "-m", "newsbot.cli", "extract", "--explain", str(seed)], capture_output=True, text=True, check=True)
    assert "removed [share_bar] ПОДЕЛИТЬСЯ" in run.stderr
    assert "removed [read_also] Читайте также" in run.stderr


def test_crawl_holds_first_pages_and_exports_all_cleaned_once(tmp_path: Path) -> None:
    """A real crawl of the template site on 127.0.0.1: the first pages wait for the template, then
    every article is exported once, all of them without the Welsh chrome."""
    from newsbot.fixture_site import serve

    output, newsbot = tmp_path / "out", Path(sys.executable).parent / "newsbot"
    with serve(SITE) as server:
        result = subprocess.run(
            [str(newsbot), "crawl", f"{server.base_url}/index.html", "--output", str(output), "--state", str(tmp_path / "state"),
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0"],
            cwd=tmp_path, capture_output=True, text=True, timeout=90,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for path in sorted(output.rglob("*.jsonl")) for line in path.read_text().splitlines()]
    by_title = {r["title"]: r for r in records}
    assert len(records) == len(by_title) == len(PAGES)
    for _, expected in PAGES:
        assert by_title[expected["title"]]["body"].split("\n\n") == expected["body"]
    stats = json.loads(next((output / "runs").glob("*.json")).read_text())["stats"]
    assert stats["newsbot/templates/held"] >= 3  # the index page and the first articles waited
    assert (tmp_path / "state" / templates_module.FILE_NAME).is_file()


# ---------------------------------------------------------------- layout variants, hints, the window

VARIANTS_SITE = ROOT / "fixtures" / "template_variants"
VARIANTS = json.loads((VARIANTS_SITE / "manifest.json").read_text(encoding="utf-8"))
ORDINARY = sorted(VARIANTS["articles"].items())
LABELS = VARIANTS["labels"]


def _variants_store() -> SqliteTemplateStore:
    store = SqliteTemplateStore()
    for name, expected in ORDINARY:
        learn((VARIANTS_SITE / name).read_bytes(), expected["url"], store)
    return store


def test_rules_alone_keep_the_variant_site_labels() -> None:
    """The labels are beyond the rule tables: without a template they stay in the variants' bodies (the
    gallery's read-time line sits beside its byline above the story, and trafilatura leaves both out)."""
    kept = {
        name: [label for label in LABELS if label in extract((VARIANTS_SITE / name).read_bytes(), expected["url"]).body]
        for name, expected in VARIANTS["variants"].items()
    }
    tagline = "Orupere Teataja – uudised orgudest aastast 1921"
    assert kept == {"flood-in-pictures.html": [tagline], "lake-that-lost-its-ice.html": ["Lugemisaeg", tagline]}


@pytest.mark.parametrize(("name", "expected"), sorted(VARIANTS["variants"].items()))
def test_layout_variants_keep_their_story_and_lose_the_learned_labels(name: str, expected: dict) -> None:
    """A long read and a gallery-led story place the labels elsewhere than the pages that taught them."""
    article = extract((VARIANTS_SITE / name).read_bytes(), expected["url"], templates=_variants_store())
    paragraphs = article.body.split("\n\n")
    assert [p for p in expected["paragraphs"] if p not in paragraphs] == []
    assert [label for label in LABELS if label in article.body] == []


def test_hints_and_templates_together() -> None:
    """A content_root hint moves the article's container before the template applies: the template still
    removes the same blocks under the same signatures, and the story stays exact."""
    store, hints = _variants_store(), Hints(content_root=("article.story",))
    for name, expected in ORDINARY:
        page = (VARIANTS_SITE / name).read_bytes()
        plain, hinted = Trace(), Trace()
        extract(page, expected["url"], templates=store, trace=plain)
        article = extract(page, expected["url"], templates=store, hints=hints, trace=hinted)
        assert article.body.split("\n\n") == expected["body"], name
        from_template = [r for r in plain.removed if r.rule.startswith("template:")]
        hinted_template = [r for r in hinted.removed if r.rule.startswith("template:")]
        assert [r for r in hinted_template if r not in from_template] == [], name  # same signatures
        assert [label for label in LABELS if not any(label in r.text for r in hinted_template)] == [], name


def test_a_block_on_a_quarter_of_a_big_sites_pages_is_no_boilerplate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Far past its URL bound (5,000; 100 here), a block on every fourth page of a site (a recurring
    column's sign-off) stays story."""
    monkeypatch.setattr(templates_module, "MAX_URLS_PER_SITE", 100)
    store = SqliteTemplateStore()
    for page in range(300):
        store.learn("big.example", f"url-{page}", ["menu", f"story-{page}", *(["column"] if page % 4 == 0 else [])])
    assert store.boilerplate("big.example") == {"menu"}


def test_counts_are_a_share_of_the_sites_recent_pages() -> None:
    """After a redesign, the old layout's blocks stop being boilerplate and the new one's start, within the window."""
    store = SqliteTemplateStore(window=100)
    for page in range(300):
        store.learn("moved.example", f"old-{page}", ["old-menu", "footer"])
    assert store.boilerplate("moved.example") == {"old-menu", "footer"}
    for page in range(100):
        store.learn("moved.example", f"new-{page}", ["new-menu", "footer"])
    assert store.boilerplate("moved.example") == {"new-menu", "footer"}
    assert store.pages("moved.example") == 400


def test_window_must_be_a_page_or_more() -> None:
    with pytest.raises(ValueError, match="template window must be at least 1 page"):
        SqliteTemplateStore(window=0)


# The schema a state folder written before the window kept (newsbot <= this change).
_OLD_SCHEMA = """
CREATE TABLE pages (site TEXT, url_id TEXT, seq INTEGER, PRIMARY KEY (site, url_id));
CREATE TABLE sites (site TEXT PRIMARY KEY, pages INTEGER NOT NULL);
CREATE TABLE signatures (site TEXT, signature TEXT, pages INTEGER NOT NULL, PRIMARY KEY (site, signature));
"""


def write_old_state(folder: Path) -> None:
    """A template store of the old schema: old.example learned from 10 pages, "menu" on all of
    them, "half" on 5, "rare" on 2."""
    import sqlite3

    db = sqlite3.connect(folder / templates_module.FILE_NAME)
    db.executescript(_OLD_SCHEMA)
    db.execute("INSERT INTO sites VALUES ('old.example', 10)")
    db.executemany("INSERT INTO pages VALUES ('old.example', ?, ?)", [(f"url-{n}", n) for n in range(1, 11)])
    db.executemany("INSERT INTO signatures VALUES ('old.example', ?, ?)", [("menu", 10), ("half", 5), ("rare", 2)])
    db.commit()
    db.close()


def test_a_state_folder_of_the_old_schema_keeps_its_templates(tmp_path: Path) -> None:
    """Counts learned before the window become weights with the same share of the site's pages."""
    write_old_state(tmp_path)
    store = SqliteTemplateStore(tmp_path)
    assert store.pages("old.example") == 10 and store.knows("old.example", "url-3")
    assert store.boilerplate("old.example") == {"menu", "half"}
    assert store.learn("old.example", "url-11", ["menu", "rare"])
    assert store.boilerplate("old.example") == {"menu"}  # "half" is now on 5 of 11 pages
    store.close()
    assert SqliteTemplateStore(tmp_path).boilerplate("old.example") == {"menu"}


def test_crawl_setting_sets_the_window(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    import newsbot.settings as newsbot_settings
    from newsbot.state.template_hold import templates_of

    settings = {"NEWSBOT_TEMPLATES": True, "NEWSBOT_STATE_DIR": str(tmp_path)}
    store = templates_of(get_crawler(settings_dict={**settings, "NEWSBOT_TEMPLATE_WINDOW": "25"}))
    assert store is not None and store.decay == 1 - 1 / 25
    assert newsbot_settings.NEWSBOT_TEMPLATE_WINDOW == templates_module.WINDOW  # the documented default
    store.close()
    with pytest.raises(ValueError, match="NEWSBOT_TEMPLATE_WINDOW: template window must be at least 1 page, not 0"):
        templates_of(get_crawler(settings_dict={**settings, "NEWSBOT_TEMPLATE_WINDOW": "0"}))

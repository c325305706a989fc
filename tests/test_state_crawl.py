"""One crawl's state with a real crawler and real state folders: what is fetched again, locks, settling batches."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

import newsbot.settings
from newsbot.sites import shipped_sites
from newsbot.spiders.news import NewsSpider
from newsbot.state import Seen, SiteLock, StateStore, Validators
from newsbot.state.crawl_state import CrawlState, crawl_sites, lock_name

URL = "https://news.example/a/1"
FETCHED = "2026-11-26T16:30:00+00:00"


def make_state(tmp_path: Path, start: str = "https://news.example/", **settings: object) -> CrawlState:
    values = {name: getattr(newsbot.settings, name) for name in dir(newsbot.settings) if name.isupper()}
    values.update(NEWSBOT_STATE_DIR=str(tmp_path / "state"), NEWSBOT_OUTPUT_DIR=str(tmp_path / "out"), **settings)
    crawler: Crawler = get_crawler(NewsSpider, values)
    crawler.spider = NewsSpider.from_crawler(crawler, start=start)
    return CrawlState.of(crawler)


def known_article(tmp_path: Path, lastmod: str | None, first_seen: str = FETCHED) -> None:
    with StateStore(tmp_path / "state") as store:
        store.touch(Seen("id-1", URL, "news.example", (URL,), "h", "1.0", 1, lastmod, first_seen))


@pytest.fixture
def state(tmp_path: Path):
    opened = make_state(tmp_path)
    yield opened
    opened.close()


def test_is_one_object_per_crawler(state: CrawlState) -> None:
    assert CrawlState.of(state.crawler) is state


def test_wants_everything_before_it_is_open(state: CrawlState, tmp_path: Path) -> None:
    known_article(tmp_path, None)
    assert state.wants(URL, None)  # no store yet: nothing to compare with


def test_a_known_article_is_not_fetched_again(state: CrawlState, tmp_path: Path) -> None:
    known_article(tmp_path, "2024-04-08T04:45:00+00:00")
    state.open()
    assert state.wants("https://news.example/a/2", None)
    assert not state.wants(URL, None)
    assert not state.wants(URL + "?utm_source=rss", "2024-04-08T09:45:00+05:00")  # same date, other zone
    assert not state.wants(URL, "2024-04-01T00:00:00+00:00")  # older
    # One article, three links to it: the summary's "known, not fetched" counts articles, not links.
    assert state.stats.get_value("newsbot/skipped/known") == 1


def test_known_not_fetched_counts_each_article_once(state: CrawlState, tmp_path: Path) -> None:
    with StateStore(tmp_path / "state") as store:
        for n in (1, 2):
            url = f"https://news.example/a/{n}"
            store.touch(Seen(f"id-{n}", url, "news.example", (url, url + "-amp"), "h", "1.0", 1, None, FETCHED))
    state.open()
    links = ["https://news.example/a/1", "https://news.example/a/1-amp", "https://news.example/a/2",
             "https://news.example/a/1", "https://news.example/a/2-amp"]  # fmt: skip
    assert not any(state.wants(link, None) for link in links)
    assert state.stats.get_value("newsbot/skipped/known") == 2


def test_a_newer_feed_or_sitemap_date_fetches_it_again(state: CrawlState, tmp_path: Path) -> None:
    known_article(tmp_path, "2024-04-08T04:45:00+00:00")
    state.open()
    assert state.wants(URL, "Tue, 23 Apr 2024 12:00:00 +0500")
    assert state.stats.get_value("newsbot/refetched/lastmod") == 1
    # A later link without a date (a section page) still sees the newer date this run's feed gave.
    assert state.wants(URL + "#top", None)
    assert state.lastmod_of({"url": URL}) == "2024-04-23T07:00:00+00:00"


def test_without_a_stored_date_the_last_fetch_is_the_reference(state: CrawlState, tmp_path: Path) -> None:
    known_article(tmp_path, None)  # first found on a section page, fetched at FETCHED
    state.open()
    assert not state.wants(URL, "2026-11-26T10:00:00+00:00")  # changed before we fetched it
    assert state.wants(URL, "2026-11-26T18:00:00+00:00")  # changed after


def test_the_revisit_window_fetches_fresh_articles_again(tmp_path: Path) -> None:
    now = datetime.now(timezone.utc)
    with StateStore(tmp_path / "state") as store:
        for n, age in ((1, timedelta(hours=2)), (2, timedelta(hours=30))):
            url = f"https://news.example/a/{n}"
            first = (now - age).isoformat(timespec="seconds")
            store.touch(Seen(f"id-{n}", url, "news.example", (url,), "h", "1.0", 1, None, first))
    state = make_state(tmp_path, NEWSBOT_REVISIT_HOURS=24)
    state.open()
    try:
        assert state.wants("https://news.example/a/1", None)
        assert not state.wants("https://news.example/a/2", None)
        assert state.stats.get_value("newsbot/refetched/revisit") == 1
    finally:
        state.close()


def test_open_settles_batches_a_killed_crawl_left(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    done, lost, busy = tmp_path / "out" / "done.jsonl", tmp_path / "out" / "lost.jsonl", tmp_path / "out" / "busy.jsonl"
    with StateStore(tmp_path / "state") as store:
        for path, lock, n in ((done, "news.example", 1), (lost, "news.example", 2), (busy, "busy.example", 3)):
            url = f"https://news.example/a/{n}"
            entry = Seen(f"id-{n}", url, "news.example", (url,), "h", "1.0", 1, None, FETCHED)
            store.begin_batch(path, path.with_name(f".{path.name}.tmp"), lock, "OLD", [entry])
    done.write_text("{}\n")
    with SiteLock(tmp_path / "state", "busy.example"):  # that crawl is alive: its batch is in flight
        state = make_state(tmp_path)
        state.open()
    try:
        assert state.reconciled == {"finished": [str(done)], "abandoned": [str(lost)]}
        assert state.stats.get_value("newsbot/reconciled/finished") == 1
        assert state.store is not None and state.store.pending_locks() == {"busy.example"}
    finally:
        state.close()


def test_open_settles_another_sites_batches_when_that_site_is_free(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    with StateStore(tmp_path / "state") as store:
        entry = Seen("id-1", URL, "news.example", (URL,), "h", "1.0", 1, None, FETCHED)
        store.begin_batch(path, tmp_path / ".b.tmp", "news-config", "OLD", [entry])
    path.write_text("{}\n")
    state = make_state(tmp_path)  # the same site, this time by start URL rather than config name
    state.open()
    try:
        assert state.reconciled["finished"] == [str(path)]
        assert not state.wants(URL, None)
    finally:
        state.close()


def test_lock_names_are_site_configs_else_the_start_site(tmp_path: Path) -> None:
    assert crawl_sites(make_state(tmp_path).crawler.spider) == ["news.example"]
    names = sorted(shipped_sites())[:2]
    crawler = get_crawler(NewsSpider)
    assert crawl_sites(NewsSpider.from_crawler(crawler, site=",".join(names))) == names
    assert lock_name({"source": names[0], "site": "x.example"}) == names[0]
    assert lock_name({"source": None, "site": "x.example"}) == "x.example"


def test_transient_failures_keep_the_old_validators(state: CrawlState, tmp_path: Path) -> None:
    state.open()
    state.found_validators["https://news.example/rss.xml"] = Validators('"v2"', None)
    state.fetch_failed("https://news.example/a/9", "http_404", transient=False)
    state.fetch_failed("https://news.example/a/8", "http_503", transient=True)
    assert state.finish("finished") is False
    assert state.store is not None and state.store.validators("https://news.example/rss.xml") is None
    assert state.errors == [
        {"url": "https://news.example/a/9", "kind": "http_404"},
        {"url": "https://news.example/a/8", "kind": "http_503"},
    ]


@pytest.mark.parametrize(("reason", "saved"), [("finished", True), ("shutdown", False)])
def test_validators_are_kept_only_after_a_clean_finish(tmp_path: Path, reason: str, saved: bool) -> None:
    state = make_state(tmp_path)
    state.open()
    state.found_validators["https://news.example/rss.xml"] = Validators('"v2"', None)
    assert state.finish(reason) is saved
    assert state.store is not None
    assert (state.store.validators("https://news.example/rss.xml") is not None) is saved
    state.close()

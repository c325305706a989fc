"""The item pipelines with a real crawler's settings and stats: extract, validate, dedup, export."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path

import jsonlines
import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.utils.test import get_crawler

import newsbot.settings
from newsbot.extraction import Article, extract
from newsbot.items import Page
from newsbot.pipelines import DedupPipeline, ExportPipeline, ExtractPipeline, StatePipeline, ValidatePipeline
from newsbot.spiders.news import NewsSpider
from newsbot.state import SiteLock, StateStore
from newsbot.state.crawl_state import CrawlState

ARTICLE_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour reopens</title></head>
<body><article><h1>Harbour reopens after storm</h1>
<p>The harbour reopened on Tuesday after a week of repairs to the sea wall, the port authority said.</p>
<p>Fishing boats returned to their moorings in the morning and the ferry resumed its timetable at noon.</p>
<p>Engineers will keep inspecting the wall every month until the end of winter, officials added.</p>
</article></body></html>""".encode()


def project_settings(**overrides: object) -> dict:
    settings = {name: getattr(newsbot.settings, name) for name in dir(newsbot.settings) if name.isupper()}
    return {**settings, **overrides}


def make_crawler(tmp_path: Path, **settings: object) -> Crawler:
    """A crawler as ``crawl`` makes it: project settings, a news spider, output and state in ``tmp_path``."""
    values = {"NEWSBOT_OUTPUT_DIR": str(tmp_path / "out"), "NEWSBOT_STATE_DIR": str(tmp_path / "state"), **settings}
    crawler = get_crawler(NewsSpider, project_settings(**values))
    crawler.spider = NewsSpider.from_crawler(crawler, start="https://news.example/")
    return crawler


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    """Extraction in this thread: tests/test_workers.py runs the pool."""
    return make_crawler(tmp_path, NEWSBOT_BATCH_SIZE=2, NEWSBOT_EXTRACT_WORKERS=0)


def page(url: str = "https://news.example/a/harbour", body: bytes = ARTICLE_HTML) -> Page:
    return Page(
        url=url,
        requested_url="https://news.example/a/harbour?from=home",
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=body,
        fetched_at="2026-11-26T16:30:00+00:00",
    )


def article(n: int = 1, **fields: object) -> Article:
    values: dict = {
        "url": f"https://news.example/a/{n}",
        "id": f"id-{n}",
        "site": "news.example",
        "title": f"Title {n}",
        "body": f"Body {n}.",
        "content_hash": f"hash-{n}",
        "extractor_version": "1.0",
        "fetched_at": "2026-11-26T16:30:00+00:00",
        "is_article": True,
    }
    return Article(**{**values, **fields})


def test_extract_sets_the_fetch_fields_and_nothing_else(crawler) -> None:
    result = asyncio.run(ExtractPipeline.from_crawler(crawler).process_item(page()))
    assert isinstance(result, Article)
    assert (result.requested_url, result.fetched_at, result.http_status) == (
        "https://news.example/a/harbour?from=home",
        "2026-11-26T16:30:00+00:00",
        200,
    )
    # Same bytes + same URL give the same record as the CLI's extract, fetch fields aside.
    direct = extract(ARTICLE_HTML, "https://news.example/a/harbour", {"content-type": "text/html; charset=utf-8"})
    assert dataclasses.replace(result, requested_url=None, fetched_at=None, http_status=None) == direct


@pytest.mark.parametrize("body", [b"", b"   \n"])
def test_extraction_error_is_a_counted_skip(crawler, body: bytes) -> None:
    with pytest.raises(DropItem):
        asyncio.run(ExtractPipeline.from_crawler(crawler).process_item(page(body=body)))
    assert crawler.stats.get_value("newsbot/errors/extraction") == 1


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (article(is_article=False, drop_reason="home_page"), "home_page"),
        (article(is_article=False), "not_article"),
        (article(title=None), "no_title"),
        (article(title="  "), "no_title"),
        (article(body=""), "empty_body"),
    ],
)
def test_validate_drops_by_reason(crawler, item: Article, reason: str) -> None:
    with pytest.raises(DropItem, match=reason):
        ValidatePipeline.from_crawler(crawler).process_item(item)
    assert crawler.stats.get_value(f"newsbot/dropped/{reason}") == 1


def test_validate_passes_articles(crawler) -> None:
    item = article()
    assert ValidatePipeline.from_crawler(crawler).process_item(item) is item
    assert not [k for k in crawler.stats.get_stats() if k.startswith("newsbot/dropped/")]


def test_dedup_by_id_url_variant_and_canonical(crawler) -> None:
    dedup = DedupPipeline.from_crawler(crawler)
    first = article(1, canonical_url="https://news.example/story/1")
    assert dedup.process_item(first) is first
    duplicates = [
        article(1, id="other-id"),  # same URL, whatever the id
        dataclasses.replace(article(2), id=first.id),  # same id
        article(3, url="https://NEWS.example/a/1?utm_source=x#c"),  # a variant of the URL
        article(4, url="https://news.example/amp/1", canonical_url="https://news.example/story/1"),  # same canonical
        article(5, url="https://news.example/story/1"),  # reached at its canonical URL
    ]
    for item in duplicates:
        with pytest.raises(DropItem, match="duplicate"):
            dedup.process_item(item)
    assert dedup.process_item(article(6)) is not None
    assert crawler.stats.get_value("newsbot/dropped/duplicate") == len(duplicates)


def test_extract_copies_the_site_config_name_into_source(crawler) -> None:
    item = dataclasses.replace(page(), source="steppe-herald")
    assert asyncio.run(ExtractPipeline.from_crawler(crawler).process_item(item)).source == "steppe-herald"


def exported_lines(export: ExportPipeline) -> list[dict]:
    return [line for path in export.writer.files for line in jsonlines.open(path)]


def run_export(crawler: Crawler, items: list[Article]) -> ExportPipeline:
    """One crawl's state and export pipelines over ``items``, opened and closed as Scrapy does."""
    state, export = StatePipeline.from_crawler(crawler), ExportPipeline.from_crawler(crawler)
    state.open_spider()
    export.open_spider()
    for item in items:
        try:
            export.process_item(state.process_item(item))
        except DropItem:
            pass
    export.close_spider()
    export.spider_closed("finished")
    return export


def test_export_writes_batches_and_run_summary(crawler, tmp_path: Path) -> None:
    export = ExportPipeline.from_crawler(crawler)
    export.open_spider()
    items = [article(n) for n in range(3)]
    assert [export.process_item(item) for item in items] == items  # FEEDS gets the same record
    export.close_spider()
    export.spider_closed("finished")

    assert len(export.writer.files) == 2  # batch size 2: one full batch, the rest flushed at close
    assert exported_lines(export) == [item.to_dict() for item in items]
    assert all(path.parent.parent == tmp_path / "out" / "news.example" for path in export.writer.files)

    summary = json.loads((tmp_path / "out" / "runs" / f"{export.run_id}.json").read_text(encoding="utf-8"))
    assert summary["files"] == [str(path) for path in export.writer.files]
    assert summary["finish_reason"] == "finished"
    assert summary["sites"] == ["news.example"]
    assert summary["counts"]["exported"] == summary["counts"]["new"] == 3
    assert summary["stats"]["newsbot/exported"] == 3
    assert summary["stats"]["newsbot/run_id"] == export.run_id


def test_export_takes_the_run_id_from_settings(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path, NEWSBOT_RUN_ID="RUN")
    assert ExportPipeline.from_crawler(crawler).run_id == "RUN"


def test_exported_articles_are_marked_in_the_store_with_every_url(tmp_path: Path) -> None:
    item = article(1, requested_url="https://news.example/a/1?utm_source=rss", canonical_url="https://news.example/s/1")
    run_export(make_crawler(tmp_path), [item])
    with StateStore(tmp_path / "state") as store:
        for url in ("https://news.example/a/1", "https://NEWS.example/a/1?utm_medium=x", "https://news.example/s/1"):
            known = store.lookup(url)
            assert known is not None and (known.id, known.version, known.content_hash) == ("id-1", 1, "hash-1")
        assert store.pending_locks() == set()


def test_a_second_run_exports_only_what_changed(tmp_path: Path) -> None:
    first = run_export(make_crawler(tmp_path), [article(1), article(2)])
    assert [line["version"] for line in exported_lines(first)] == [1, 1]

    crawler = make_crawler(tmp_path)
    again = [
        article(1),  # the same text: not again
        article(2, body="Body 2, corrected.", content_hash="hash-2b"),  # edited: version 2
        article(3),  # new
    ]
    second = run_export(crawler, again)
    assert [(line["id"], line["version"]) for line in exported_lines(second)] == [("id-2", 2), ("id-3", 1)]
    stats = crawler.stats.get_stats()
    assert (stats["newsbot/exported/new"], stats["newsbot/exported/updated"], stats["newsbot/dropped/unchanged"]) == (
        1,
        1,
        1,
    )


def test_an_extractor_upgrade_alone_never_re_exports(tmp_path: Path) -> None:
    run_export(make_crawler(tmp_path), [article(1)])
    crawler = make_crawler(tmp_path)
    upgraded = article(1, content_hash="hash-1-new-extractor", extractor_version="2.0")
    assert exported_lines(run_export(crawler, [upgraded])) == []
    assert crawler.stats.get_value("newsbot/dropped/extractor_upgrade") == 1
    # The store now holds the new extractor's hash, so the next real edit is judged against it.
    with StateStore(tmp_path / "state") as store:
        known = store.lookup("https://news.example/a/1")
        assert known is not None and (known.content_hash, known.extractor_version) == ("hash-1-new-extractor", "2.0")


def test_an_upgraded_extractor_re_exports_what_a_feed_dates_newer(tmp_path: Path) -> None:
    run_export(make_crawler(tmp_path), [article(1)])
    crawler = make_crawler(tmp_path)
    CrawlState.of(crawler).lastmods["https://news.example/a/1"] = "2030-01-01T00:00:00+00:00"
    edited = article(1, content_hash="hash-1-edited", extractor_version="2.0")
    assert [line["version"] for line in exported_lines(run_export(crawler, [edited]))] == [2]


def test_drops_are_listed_with_their_url_in_the_run_summary(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path)
    CrawlState.of(crawler)  # listening from the moment the first state component is built
    # item_dropped is Scrapy's signal: the engine sends it for every DropItem; here the test does.
    crawler.signals.send_catch_log(signal=signals.item_dropped, item=article(1), exception=DropItem("not_article"))
    export = run_export(crawler, [])
    summary = json.loads((tmp_path / "out" / "runs" / f"{export.run_id}.json").read_text(encoding="utf-8"))
    assert summary["dropped"] == [{"url": "https://news.example/a/1", "reason": "not_article"}]


def test_a_locked_site_closes_the_spider_before_anything_is_read(tmp_path: Path) -> None:
    with SiteLock(tmp_path / "state", "news.example"):
        crawler = make_crawler(tmp_path)
        with pytest.raises(CloseSpider) as refused:
            StatePipeline.from_crawler(crawler).open_spider()
        assert refused.value.reason == "site_locked"
        export = ExportPipeline.from_crawler(crawler)
        with pytest.raises(CloseSpider):
            export.open_spider()
        export.close_spider()
        export.spider_closed("site_locked")
    summary = json.loads((tmp_path / "out" / "runs" / f"{export.run_id}.json").read_text(encoding="utf-8"))
    assert summary["refused"]["site"] == "news.example"
    assert summary["refused"]["lock"] == str(tmp_path / "state" / "locks" / "news.example.lock")
    assert summary["files"] == [] and CrawlState.of(crawler).store is None

"""The item pipelines with a real crawler's settings and stats: extract, validate, dedup, export."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonlines
import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

import newsbot.settings
from newsbot.extraction import Article, extract
from newsbot.items import Page
from newsbot.pipelines import DedupPipeline, ExportPipeline, ExtractPipeline, ValidatePipeline
from newsbot.spiders.news import NewsSpider

ARTICLE_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour reopens</title></head>
<body><article><h1>Harbour reopens after storm</h1>
<p>The harbour reopened on Tuesday after a week of repairs to the sea wall, the port authority said.</p>
<p>Fishing boats returned to their moorings in the morning and the ferry resumed its timetable at noon.</p>
<p>Engineers will keep inspecting the wall every month until the end of winter, officials added.</p>
</article></body></html>""".encode()


def project_settings(**overrides: object) -> dict:
    settings = {name: getattr(newsbot.settings, name) for name in dir(newsbot.settings) if name.isupper()}
    return {**settings, **overrides}


@pytest.fixture
def crawler(tmp_path: Path):
    return get_crawler(NewsSpider, project_settings(NEWSBOT_OUTPUT_DIR=str(tmp_path), NEWSBOT_BATCH_SIZE=2))


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
        "is_article": True,
    }
    return Article(**{**values, **fields})


def test_extract_sets_the_fetch_fields_and_nothing_else(crawler) -> None:
    result = ExtractPipeline.from_crawler(crawler).process_item(page())
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
        ExtractPipeline.from_crawler(crawler).process_item(page(body=body))
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


def test_export_writes_batches_and_run_summary(crawler, tmp_path: Path) -> None:
    export = ExportPipeline.from_crawler(crawler)
    export.open_spider()
    items = [article(n) for n in range(3)]
    assert [export.process_item(item) for item in items] == items  # FEEDS gets the same record
    export.close_spider()
    export.spider_closed()

    assert len(export.writer.files) == 2  # batch size 2: one full batch, the rest flushed at close
    lines = [line for path in export.writer.files for line in jsonlines.open(path)]
    assert lines == [item.to_dict() for item in items]
    assert all(path.parent.parent == tmp_path / "news.example" for path in export.writer.files)

    summary = json.loads((tmp_path / "runs" / f"{export.run_id}.json").read_text(encoding="utf-8"))
    assert summary["files"] == [str(path) for path in export.writer.files]
    assert summary["stats"]["newsbot/exported"] == 3
    assert summary["stats"]["newsbot/run_id"] == export.run_id


def test_export_takes_the_run_id_from_settings(tmp_path: Path) -> None:
    crawler = get_crawler(NewsSpider, project_settings(NEWSBOT_OUTPUT_DIR=str(tmp_path), NEWSBOT_RUN_ID="RUN"))
    assert ExportPipeline.from_crawler(crawler).run_id == "RUN"

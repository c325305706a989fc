"""``newsbot extract --format schemaorg|zyte``: the record's fields under schema.org's and Zyte's names
(docs/record.md), on fixtures/record/figures.html, whose record tests/test_record_fields.py checks."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from newsbot.cli import main
from newsbot.extraction import Article
from newsbot.formats import FORMATS, to_schemaorg, to_zyte

REPO = Path(__file__).resolve().parent.parent
FIGURES = REPO / "fixtures" / "record" / "figures.html"
URL = "https://herald.example/nature/2024/04/caspian-seals-return"
LISTING = REPO / "fixtures" / "site" / "world" / "index.html"


def extract_as(fmt: str, capsys: pytest.CaptureFixture[str], path: Path = FIGURES, url: str = URL) -> dict:
    assert main(["extract", str(path), "--url", url, "--format", fmt]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def record(capsys: pytest.CaptureFixture[str]) -> dict:
    return extract_as("jsonl", capsys)


def test_the_default_format_is_the_record(record: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(FIGURES), "--url", URL]) == 0
    assert json.loads(capsys.readouterr().out) == record
    assert list(record) == [field.name for field in dataclasses.fields(Article)]


def test_schemaorg_news_article(record: dict, capsys: pytest.CaptureFixture[str]) -> None:
    item = extract_as("schemaorg", capsys)
    assert item == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "identifier": record["id"],
        "url": URL,
        "mainEntityOfPage": URL,
        "headline": "Caspian seals return to the Kazakh coast",
        "description": "Researchers counted more Caspian seals on the islands off Atyrau than in any spring since 2010.",
        "articleBody": record["body"],
        "articleSection": "Nature",
        "wordCount": 114,
        "author": [{"@type": "Person", "name": "Aigerim Nurlanova"}],
        "datePublished": "2024-04-19T15:30:00+05:00",
        "inLanguage": "en",
        "image": [
            {"@type": "ImageObject", "url": "https://herald.example/media/2024/04/seals-hero_1200x630.jpg",
             "caption": "Seals on the Durnev islands", "creditText": "Kazakh Fisheries Institute"},
            {"@type": "ImageObject", "url": "https://cdn.herald.example/2024/04/survey-drone.jpg",
             "caption": "A survey drone takes off near Atyrau.", "creditText": "Photo: Marat Seitkali"},
        ],
        "publisher": {"@type": "Organization", "name": "Steppe Herald"},
        "version": 1,
    }  # fmt: skip
    assert record["body"].startswith("Researchers counted") and record["lead"] is None  # (so no "abstract")


def test_zyte_article(record: dict, capsys: pytest.CaptureFixture[str]) -> None:
    item = extract_as("zyte", capsys)
    assert item == {
        "url": URL,
        "canonicalUrl": URL,
        "headline": "Caspian seals return to the Kazakh coast",
        "datePublished": "2024-04-19T15:30:00+05:00",
        "authors": [{"name": "Aigerim Nurlanova"}],
        "inLanguage": "en",
        "mainImage": {"url": "https://herald.example/media/2024/04/seals-hero_1200x630.jpg"},
        "images": [{"url": "https://herald.example/media/2024/04/seals-hero_1200x630.jpg"},
                   {"url": "https://cdn.herald.example/2024/04/survey-drone.jpg"}],
        "description": "Researchers counted more Caspian seals on the islands off Atyrau than in any spring since 2010.",
        "articleBody": record["body"],
        "metadata": {"probability": 1.0},  # extract fetched nothing: no dateDownloaded
    }  # fmt: skip


def test_fetch_fields_and_the_lead(record: dict) -> None:
    crawled = {**record, "fetched_at": "2024-04-19T12:00:05+00:00", "lead": "A standfirst.", "modified": None,
               "published": None}  # fmt: skip
    assert to_zyte(crawled)["metadata"] == {"probability": 1.0, "dateDownloaded": "2024-04-19T12:00:05Z"}
    assert "datePublished" not in to_zyte(crawled)
    assert to_schemaorg(crawled)["abstract"] == "A standfirst."
    later = {**crawled, "modified": "2024-04-20T09:00:00+05:00"}
    assert to_zyte(later)["datePublished"] == to_zyte(later)["dateModified"] == "2024-04-20T09:00:00+05:00"


def test_a_page_that_is_not_an_article(capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://127.0.0.1/world/"
    record = extract_as("jsonl", capsys, LISTING, url)
    assert record["is_article"] is False
    page = extract_as("schemaorg", capsys, LISTING, url)
    assert page["@type"] == "WebPage" and page["text"] == record["body"]
    assert not {"articleBody", "articleSection", "wordCount"} & page.keys()  # Article properties
    assert extract_as("zyte", capsys, LISTING, url)["metadata"]["probability"] == 0.0


def test_docs_list_and_map_every_record_field() -> None:
    """docs/record.md's field table and its schema.org/Zyte mapping both name every field, in order."""
    fields, mapping = (REPO / "docs" / "record.md").read_text(encoding="utf-8").split("## The record in schema.org and Zyte terms")
    names = [field.name for field in dataclasses.fields(Article)]
    for table in (fields, mapping):
        assert re.findall(r"^\| `(\w+)` \|", table, re.M) == names
    assert set(FORMATS) == {"jsonl", "schemaorg", "zyte"}

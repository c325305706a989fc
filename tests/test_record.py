"""The record contract: the shipped JSON Schema, the content hash definition and the lead invariant."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import unicodedata
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from newsbot.extraction import Article, Block, extract
from newsbot.extraction.record import SCHEMA_VERSION, content_hash, normal_paragraph

REPO = Path(__file__).resolve().parent.parent
PAGES = REPO / "fixtures" / "pages"
FUNDUS = REPO.parent / "shared" / "corpora" / "fundus"
# One page per script, chosen by country (first page in name order), not by how well it extracts.
FUNDUS_KEYS = (
    "ru/Kommersant_2025_05_14.html.gz",
    "ua/Pravda_2026_01_08.html.gz",
    "jp/AsahiShimbun_2025_01_13.html.gz",
    "lb/LBCGroup_2026_01_08.html.gz",
    "cn/People_2024_04_24.html.gz",
    "kr/HankookIlbo_2025_05_15.html.gz",
    "us/APNews_2023_04_28.html.gz",
    "de/AFPFaktencheck_2026_05_24.html.gz",
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(files("newsbot.extraction").joinpath("article.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


def _json(article: Article) -> dict[str, Any]:
    """The record as a reader of the JSONL gets it."""
    return json.loads(json.dumps(article.to_dict(), ensure_ascii=False))


@pytest.fixture(scope="module")
def fixture_records() -> dict[str, Article]:
    records = {}
    for path in sorted(PAGES.glob("*.html")):
        url = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["url"]
        records[path.stem] = extract(path.read_bytes(), url)
    assert records, f"no pages in {PAGES}"
    return records


@pytest.fixture(scope="module")
def fundus_records() -> dict[str, Article]:
    if not FUNDUS.is_dir():
        pytest.skip(f"fundus corpus not at {FUNDUS}")
    index = json.loads((FUNDUS / "index.json").read_text(encoding="utf-8"))
    return {key: extract(gzip.decompress((FUNDUS / key).read_bytes()), index[key]["url"]) for key in FUNDUS_KEYS}


@pytest.fixture(scope="module")
def valid_record(fixture_records: dict[str, Article]) -> dict[str, Any]:
    return _json(fixture_records["seed_ru"])


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_requires_exactly_the_record_fields_in_order(schema: dict[str, Any]) -> None:
    fields = [f.name for f in dataclasses.fields(Article)]
    assert schema["required"] == fields
    assert list(schema["properties"]) == fields
    assert list(Article(url="x").to_dict()) == fields
    # Later fields must stay additions, so a reader of version 1 never rejects them.
    assert schema["additionalProperties"] is True


def test_schema_block_types_match_the_record(schema: dict[str, Any]) -> None:
    items = schema["properties"]["blocks"]["items"]
    assert items["required"] == [f.name for f in dataclasses.fields(Block)]
    assert set(items["properties"]["type"]["enum"]) == {"paragraph", "heading", "quote", "list_item", "table", "code"}


def test_schema_version_is_pinned(schema: dict[str, Any]) -> None:
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION, "description": schema["properties"]["schema_version"]["description"]}
    assert SCHEMA_VERSION == 3


def test_fixture_page_records_validate(
    validator: jsonschema.Draft202012Validator, fixture_records: dict[str, Article]
) -> None:
    for name, article in fixture_records.items():
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(_json(article))]
        assert errors == [], name


def test_fundus_page_records_validate(
    validator: jsonschema.Draft202012Validator, fundus_records: dict[str, Article]
) -> None:
    for key, article in fundus_records.items():
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(_json(article))]
        assert errors == [], key


def test_a_record_with_fetch_fields_validates(
    validator: jsonschema.Draft202012Validator, valid_record: dict[str, Any]
) -> None:
    fetched = {
        **valid_record,
        "requested_url": "https://tengrinews.kz/?p=282211",
        "fetched_at": "2015-10-13T04:45:00+00:00",
        "http_status": 200,
    }
    validator.validate(fetched)
    validator.validate({**fetched, "a_field_added_later": ["fine"]})


@pytest.mark.parametrize("missing", ["url", "id", "lead", "blocks", "requested_url", "drop_reason", "schema_version"])
def test_a_record_missing_a_field_fails(
    validator: jsonschema.Draft202012Validator, valid_record: dict[str, Any], missing: str
) -> None:
    validator.validate(valid_record)
    broken = {k: v for k, v in valid_record.items() if k != missing}
    assert not validator.is_valid(broken)


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"url": None}, "url is never null"),
        ({"title": 42}, "title is text"),
        ({"body": None}, "body is a string, empty when there is none"),
        ({"authors": "Эштон Картер"}, "authors is a list"),
        ({"tags": [1, 2]}, "tags are strings"),
        ({"blocks": [{"type": "aside", "text": "x"}]}, "unknown block type"),
        ({"blocks": [{"type": "paragraph"}]}, "block without text"),
        ({"id": "ABC"}, "id is 64 lowercase hex"),
        ({"id": None}, "every record has an id"),
        ({"content_hash": "0" * 63}, "content_hash is 64 hex"),
        ({"http_status": "200"}, "status is an integer"),
        ({"is_article": "yes"}, "is_article is a boolean"),
        ({"is_article": True, "drop_reason": "too_short"}, "an article has no drop reason"),
        ({"is_article": False, "drop_reason": None}, "a non-article says why"),
        ({"schema_version": 2}, "schema_version is 3"),
        ({"language": "rus"}, "language is ISO 639-1"),
        ({"published": "13.10.2015"}, "dates are ISO 8601"),
        ({"fetched_at": "2015-10-13T10:45:00+06:00"}, "fetched_at is UTC"),
        ({"site": "www.tengrinews.kz"}, "site has no leading www."),
    ],
)
def test_a_record_with_a_wrong_value_fails(
    validator: jsonschema.Draft202012Validator, valid_record: dict[str, Any], changes: dict[str, Any], why: str
) -> None:
    validator.validate(valid_record)
    assert not validator.is_valid({**valid_record, **changes}), why


def test_content_hash_by_hand() -> None:
    # NFC (e + combining acute -> é), every white-space run one space, trimmed, blank-line joined.
    paragraphs = ["  Министр\tобороны  США\u00a0Эштон Картер. ", "Cafe\u0301 au lait\n в Бостоне"]
    by_hand = "Министр обороны США Эштон Картер.\n\nCafé au lait в Бостоне"
    assert content_hash(paragraphs) == hashlib.sha256(by_hand.encode("utf-8")).hexdigest()
    assert content_hash(paragraphs) != hashlib.sha256("\n\n".join(paragraphs).encode("utf-8")).hexdigest()


def test_content_hash_ignores_blank_paragraphs() -> None:
    assert content_hash(["Первый абзац.", " \n ", "Второй абзац."]) == content_hash(["Первый абзац.", "Второй абзац."])


def test_normal_paragraph() -> None:
    assert normal_paragraph(" Cafe\u0301\u2009 и\n\nчай ") == "Café и чай"


# Invariants over both record sets; parametrized so the fixture pages still count when fundus is absent.
RECORD_SETS = ["fixture_records", "fundus_records"]


@pytest.mark.parametrize("records", RECORD_SETS)
def test_records_carry_the_hash_of_their_body(records: str, request: pytest.FixtureRequest) -> None:
    for name, article in request.getfixturevalue(records).items():
        normal = [" ".join(unicodedata.normalize("NFC", p).split()) for p in article.body.split("\n\n")]
        expected = hashlib.sha256("\n\n".join(p for p in normal if p).encode("utf-8")).hexdigest()
        assert article.content_hash == expected, name


@pytest.mark.parametrize("records", RECORD_SETS)
def test_lead_is_the_first_paragraph_and_occurs_once(records: str, request: pytest.FixtureRequest) -> None:
    leads = 0
    for name, article in request.getfixturevalue(records).items():
        if article.lead is None:
            continue
        leads += 1
        assert article.body.split("\n\n")[0] == article.lead, name
        assert article.body.count(article.lead) == 1, name
    assert leads, "no record with a lead: the invariant went untested"

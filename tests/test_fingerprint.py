"""Near-duplicate fingerprints: quality on fixtures/neardup/, index behaviour, persistence, the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from newsbot.fingerprint import (
    CONTAINMENT_THRESHOLD,
    MIN_SHINGLES,
    Fingerprint,
    NearDuplicateIndex,
    NearDuplicatePipeline,
    shingles,
)
from newsbot.spiders.news import NewsSpider

NEARDUP = Path(__file__).resolve().parents[1] / "fixtures" / "neardup"

STORY = "\n\n".join(
    [
        "The harbour in Aktau reopened on Tuesday after a week of repairs to the sea wall, the port authority said in a statement.",
        "Fishing boats returned to their moorings in the morning, and the ferry to Baku resumed its timetable at noon with two departures.",
        "Engineers will keep inspecting the wall every month until the end of winter, when a larger reconstruction is due to begin.",
        "The storm that damaged the wall last week brought waves of up to four metres and flooded the lower streets of the old town.",
    ]
)
OTHER_STORY = "\n\n".join(
    [
        "A new library opened in Turkestan on Friday with a reading room for two hundred visitors and a collection of rare manuscripts.",
        "The building was designed by local architects and took three years to finish, the regional culture department said on Friday.",
        "Children's clubs, a lecture hall and a cafe on the roof will open in the spring once the last fittings have been delivered.",
    ]
)


def load_set() -> tuple[dict[str, dict], list[dict]]:
    with open(NEARDUP / "documents.jsonl", encoding="utf-8") as fh:
        documents = {doc["id"]: doc for doc in map(json.loads, fh)}
    with open(NEARDUP / "pairs.jsonl", encoding="utf-8") as fh:
        pairs = [json.loads(line) for line in fh]
    return documents, pairs


def precision_recall(predicted: set, expected: set) -> tuple[float, float]:
    hits = len(predicted & expected)
    return hits / len(predicted) if predicted else 1.0, hits / len(expected) if expected else 1.0


def test_the_set_has_enough_pairs_of_each_kind() -> None:
    _, pairs = load_set()
    labels = [pair["label"] for pair in pairs]
    assert labels.count("near_duplicate") >= 50 and labels.count("distinct") >= 50


def test_precision_and_recall_over_every_pair() -> None:
    """Each pair in a fresh index: the second text is a duplicate of the first, or not."""
    documents, pairs = load_set()
    predicted, expected = set(), set()
    for n, pair in enumerate(pairs):
        index = NearDuplicateIndex()
        assert index.check_and_add(pair["a"], documents[pair["a"]]["body"]) is None
        if index.check_and_add(pair["b"], documents[pair["b"]]["body"]) == pair["a"]:
            predicted.add(n)
        if pair["label"] == "near_duplicate":
            expected.add(n)
    precision, recall = precision_recall(predicted, expected)
    assert precision >= 0.95 and recall >= 0.95, (
        f"precision {precision:.3f}, recall {recall:.3f}; "
        f"false positives {[pairs[n]['topic'] for n in predicted - expected]}, "
        f"misses {[pairs[n]['transforms'] for n in expected - predicted]}"
    )


def test_precision_and_recall_with_every_document_in_one_index() -> None:
    """As a crawl sees them: every story and copy through one index; a copy must name its own original."""
    documents, _ = load_set()
    index = NearDuplicateIndex()
    predicted = {(doc_id, index.check_and_add(doc_id, doc["body"])) for doc_id, doc in documents.items()}
    predicted = {found for found in predicted if found[1] is not None}
    expected = {(doc_id, doc["copy_of"]) for doc_id, doc in documents.items() if doc["copy_of"]}
    precision, recall = precision_recall(predicted, expected)
    assert precision >= 0.95 and recall >= 0.95, f"precision {precision:.3f}, recall {recall:.3f}"


def test_short_boilerplate_lines_are_left_out() -> None:
    with_boilerplate = STORY + "\n\nShare this story with your friends.\n\nRead also: Ferry timetable for winter"
    assert shingles(with_boilerplate) == shingles(STORY)


def test_a_body_of_short_paragraphs_is_still_fingerprinted() -> None:
    short_lines = "The ferry left at noon.\n\nTwo hundred people were on board.\n\nIt reached Baku by night."
    assert "ferry left at" in shingles(short_lines)


def test_scripts_without_spaces_are_shingled_by_character() -> None:
    story = "港口周二重新开放，船只在上午返回泊位，渡轮在中午恢复了时刻表。"
    edited = "港口周二重新开放，船只在上午返回泊位，渡轮在中午恢复时刻表。"
    assert Fingerprint.of(story).containment(Fingerprint.of(edited)) >= CONTAINMENT_THRESHOLD


def test_containment_of_identical_and_unrelated_texts() -> None:
    story, other = Fingerprint.of(STORY), Fingerprint.of(OTHER_STORY)
    assert story.containment(Fingerprint.of(STORY)) == 1.0
    assert story.containment(other) < 0.1


def test_a_teaser_is_contained_in_its_full_story() -> None:
    """Half the story: Jaccard near 0.5, containment near 1."""
    teaser = "\n\n".join(STORY.split("\n\n")[:2])
    assert Fingerprint.of(teaser).containment(Fingerprint.of(STORY)) >= CONTAINMENT_THRESHOLD
    index = NearDuplicateIndex()
    index.check_and_add("full", STORY)
    assert index.check_and_add("teaser", teaser) == "full"


def test_a_copy_of_a_copy_names_the_first_seen_article() -> None:
    paragraphs = STORY.split("\n\n")
    extra = "Port officials thanked the divers who worked through two nights to seal the breach in the wall."
    copy = "\n\n".join([*paragraphs, extra])
    copy_of_copy = "\n\n".join([*paragraphs[1:], extra, extra.replace("divers", "crews")])
    index = NearDuplicateIndex()
    assert index.check_and_add("first", STORY) is None
    assert index.check_and_add("copy", copy) == "first"
    assert index.check_and_add("copy-of-copy", copy_of_copy) == "first"


def test_rechecking_an_id_replaces_its_entry_and_never_matches_itself_or_its_copies() -> None:
    edited = STORY + "\n\nThe port will publish a repair schedule next week, officials added today."
    index = NearDuplicateIndex()
    assert index.check_and_add("a", STORY) is None
    assert index.check_and_add("a", edited) is None
    assert len(index) == 1
    assert index.check_and_add("copy", STORY) == "a"
    assert index.check_and_add("a", STORY) is None


def test_short_bodies_are_neither_duplicates_nor_indexed() -> None:
    brief = "Ferry to Baku resumes at noon."
    assert len(shingles(brief)) < MIN_SHINGLES
    index = NearDuplicateIndex()
    assert index.check_and_add("a", brief) is None
    assert index.check_and_add("b", brief) is None
    assert len(index) == 0


def test_signatures_round_trip_into_another_index() -> None:
    first = NearDuplicateIndex()
    first.check_and_add("story", STORY)
    stored = first.signature_of("story")
    assert stored == NearDuplicateIndex.signature(STORY)
    restored = Fingerprint.from_bytes(stored)
    assert restored.to_bytes() == stored and restored.containment(Fingerprint.of(STORY)) == 1.0

    second = NearDuplicateIndex()
    second.load([("story", stored, None), ("copy", NearDuplicateIndex.signature(STORY), "story")])
    credited = STORY + "\n\nReporting by Silk Road Wire correspondents in Aktau."
    assert second.check_and_add("new-copy", credited) == "story"
    assert second.signature_of("missing") is None


@pytest.mark.parametrize("cut", [0, 2, 12, 100, -4])
def test_foreign_bytes_are_refused(cut: int) -> None:
    with pytest.raises(ValueError):
        NearDuplicateIndex().load([("x", NearDuplicateIndex.signature(STORY)[:cut], None)])


def test_memory_is_bounded_oldest_first() -> None:
    index = NearDuplicateIndex(max_entries=1)
    index.check_and_add("story", STORY)
    index.check_and_add("other", OTHER_STORY)
    assert len(index) == 1 and "story" not in index
    assert index.check_and_add("copy", STORY) is None


@pytest.fixture
def crawler_for():
    def make(mode: str | None = None):
        settings = {"NEWSBOT_NEAR_DUPLICATES": mode} if mode else {}
        return get_crawler(NewsSpider, settings)

    return make


def record(article_id: str, body: str) -> dict:
    return {"id": article_id, "url": f"https://news.example/{article_id}", "body": body}


def test_pipeline_marks_copies_by_default(crawler_for) -> None:
    crawler = crawler_for()
    pipeline = NearDuplicatePipeline.from_crawler(crawler)
    assert pipeline.process_item(record("a", STORY))["duplicate_of"] is None
    assert pipeline.process_item(record("b", STORY))["duplicate_of"] == "a"
    assert crawler.stats.get_value("newsbot/near_duplicates") == 1


def test_pipeline_drops_copies_when_told(crawler_for) -> None:
    crawler = crawler_for("drop")
    pipeline = NearDuplicatePipeline.from_crawler(crawler)
    pipeline.process_item(record("a", STORY))
    with pytest.raises(DropItem, match="near_duplicate"):
        pipeline.process_item(record("b", STORY))
    assert crawler.stats.get_value("newsbot/dropped/near_duplicate") == 1


def test_pipeline_off_and_unknown_modes(crawler_for) -> None:
    with pytest.raises(NotConfigured):
        NearDuplicatePipeline.from_crawler(crawler_for("off"))
    with pytest.raises(ValueError, match="NEWSBOT_NEAR_DUPLICATES"):
        NearDuplicatePipeline.from_crawler(crawler_for("delete"))


def test_pipeline_recognises_a_copy_across_runs(tmp_path) -> None:
    """Fingerprints go into the state store, so tomorrow's copy of today's story is marked too."""
    from test_pipelines import make_crawler

    first = make_crawler(tmp_path)
    pipeline = NearDuplicatePipeline.from_crawler(first)
    pipeline.open_spider()
    assert pipeline.process_item(record("a", STORY))["duplicate_of"] is None
    pipeline.state.close()
    second = make_crawler(tmp_path)
    pipeline = NearDuplicatePipeline.from_crawler(second)
    pipeline.open_spider()
    assert pipeline.process_item(record("b", STORY))["duplicate_of"] == "a"
    pipeline.state.close()

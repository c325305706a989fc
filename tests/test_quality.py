"""Quality regression: the general extractor on every fixture page and the whole Fundus corpus.

Fails if any recorded number in ``quality_floor.json`` gets worse. Improve the
extractor, then raise the floor in the same commit (the README's results table
is where the numbers are reported).
"""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from newsbot.evaluation import metric
from newsbot.evaluation.corpora import Page, load_corpus
from newsbot.evaluation.harness import evaluate
from newsbot.extraction import extract

ROOT = Path(__file__).resolve().parent.parent
FUNDUS = ROOT.parent / "shared" / "corpora" / "fundus"
FLOOR = json.loads((Path(__file__).with_name("quality_floor.json")).read_text(encoding="utf-8"))
# Float noise allowance only: the extractor is deterministic.
EPSILON = 1e-9


def _score(page: Page) -> tuple[str | None, metric.BodyScore, bool]:
    article = extract(page.read_html(), page.url)
    return page.half, metric.score_body(article.body, page.body), metric.title_matches(article.title, page.title)


@pytest.fixture(scope="module")
def fundus_scores() -> list[tuple[str | None, metric.BodyScore, bool]]:
    assert FUNDUS.is_dir(), f"{FUNDUS} is missing: the Fundus corpus ships in ../shared/corpora beside the repo"
    pages = load_corpus(FUNDUS).pages
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_score, pages, chunksize=8))


@pytest.mark.parametrize("part", ["all", "check", "tuning"])
def test_fundus_body_quality_does_not_drop(fundus_scores: list, part: str) -> None:
    scores = [s for half, s, _ in fundus_scores if part in ("all", half)]
    summary = metric.summarize_bodies(scores)
    floor = FLOOR["fundus"][part]
    assert summary.f1 >= floor["f1"] - EPSILON
    assert summary.strict_precision >= floor["strict_precision"] - EPSILON
    assert summary.low_f1 <= floor["max_pages_below_0.8"]


def test_fundus_title_exact_does_not_drop(fundus_scores: list) -> None:
    share = sum(match for _, _, match in fundus_scores) / len(fundus_scores)
    assert share >= FLOOR["fundus"]["all"]["title_exact"] - EPSILON


def test_harness_scores_every_fixture_page_perfect() -> None:
    """The same harness as ``newsbot eval fixtures/pages``: every page exact, lead once, no noise."""
    summary = evaluate(load_corpus(ROOT / "fixtures" / "pages"), workers=1).summaries["all"]["newsbot"]
    assert (summary.body.exact, summary.title, summary.lead_once, summary.noise_free) == (1.0, 1.0, 1.0, 1.0)

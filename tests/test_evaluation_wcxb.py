"""``newsbot eval`` on WCXB's layout and metric, several corpora in one run, the removal audit, and the
owner/CMS grouping of the Fundus split."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path

import pytest

from newsbot.evaluation import run_eval
from newsbot.evaluation.corpora import FUNDUS_GROUPS, load_corpus, publisher_half
from newsbot.evaluation.harness import audit_removals, kept_by_gold
from newsbot.evaluation.metric import score_words, snippet_share

from test_evaluation import PIER, PIER_HTML, QUAY, QUAY_HTML, write_fundus

REPO = Path(__file__).resolve().parents[1]
WCXB = REPO.parent / "shared" / "corpora" / "wcxb-dev"
FUNDUS = REPO.parent / "shared" / "corpora" / "fundus"


def test_word_metric_is_wcxbs():
    """Lower-cased \\w+ multisets: 'The' and 'the' are one word, a repeated word counts as often as the gold has it."""
    s = score_words("The the cat, CAT sat", "the cat sat on the mat")
    # predicted: the×2 cat×2 sat (5); gold: the×2 cat sat on mat (6); overlap: the×2 cat sat = 4
    assert (s.precision, s.recall, s.predicted, s.gold) == (4 / 5, 4 / 6, 5, 6)
    assert score_words("", "").f1 == 1.0 and score_words("", "gold").f1 == 0.0 and score_words("x", "").f1 == 0.0


def test_snippet_share_is_case_and_space_insensitive():
    assert snippet_share("The New  Pier\nopens today", ["new pier opens", "closed"]) == 0.5
    assert snippet_share("anything", []) is None


def test_audit_counts_what_the_gold_keeps_and_the_prediction_lacks():
    gold = "Share\n\nOne two three four five six.\n\nSeven eight nine ten."
    # a lone label: false only where the gold has it as a line more often than the prediction
    assert kept_by_gold("Share", gold, "") == 1.0 and kept_by_gold("Share", gold, "Share") == 0.0
    assert kept_by_gold("Share", "We share one two", "") == 0.0
    # a duplicate of text the prediction still holds is no loss; text it lacks is
    assert kept_by_gold("One two three four five six", gold, "One two three four five six.") == 0.0
    assert kept_by_gold("Seven eight nine ten", gold, "") == 1.0
    audits = audit_removals([("template:abc", "Seven eight nine ten"), ("template:def", "Menu"), ("promo", "Buy now")], gold, "")
    assert set(audits) == {"template", "promo"}
    assert (audits["template"].removals, audits["template"].chars, audits["template"].false_chars) == (2, 24, 20.0)
    assert audits["template"].examples == [(20.0, "Seven eight nine ten")]


def write_wcxb(root: Path) -> None:
    """Two article pages (check, tune) and a listing page, WCXB's files as its dev split lays them out."""
    (root / "html").mkdir()
    (root / "ground-truth").mkdir()
    pages = {
        "0001": ("article", "check", PIER_HTML, "New pier opens in the harbour", "\n\n".join(PIER), "Ann Lee", "2024-05-01"),
        "0002": ("article", "tune", QUAY_HTML, "Southern quay to be rebuilt", "\n\n".join(QUAY), None, None),
        "0003": ("listing", "tune", QUAY_HTML, "All harbour news", "Work on the southern quay", None, None),
    }
    index = {}
    for key, (kind, half, html, title, body, author, date) in pages.items():
        url = f"https://harbour.example/{key}"
        (root / "html" / f"{key}.html.gz").write_bytes(gzip.compress(html))
        gold = {"title": title, "author": author, "publish_date": date, "main_content": body,
                "with": [body.split(".")[0][:40]], "without": ["Subscribe to our newsletter"]}  # fmt: skip
        (root / "ground-truth" / f"{key}.json").write_text(json.dumps({"url": url, "ground_truth": gold}), encoding="utf-8")
        index[key] = {"url": url if kind == "article" else None, "page_type": kind, "host": "harbour.example", "half": half}
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")


def test_wcxb_layout_is_recognised(tmp_path):
    write_wcxb(tmp_path)
    corpus = load_corpus(tmp_path)
    assert corpus.layout == "wcxb"
    first = corpus.pages[0]
    assert (first.page_type, first.half, first.metric, first.authors, first.published) == ("article", "check", "words", ("Ann Lee",), "2024-05-01")
    assert corpus.pages[1].authors is None and corpus.pages[2].page_type == "listing"
    # a page without a URL (WCXB has a few) is read as the saved file it is, as `newsbot extract FILE` would
    assert corpus.pages[2].url == (tmp_path / "html" / "0003.html.gz").resolve().as_uri()


def test_eval_of_two_corpora_in_one_run(tmp_path, capsys):
    fundus, wcxb = tmp_path / "fundus", tmp_path / "wcxb"
    fundus.mkdir()
    wcxb.mkdir()
    write_fundus(fundus)
    write_wcxb(wcxb)
    # 1: newsbot raised on the tiny fundus corpus's empty page (named on stderr); the run went on
    assert run_eval([fundus, wcxb], json_path=tmp_path / "report.json") == 1
    captured = capsys.readouterr()
    out = captured.out
    assert "Harbour_2024_01_04.html.gz: newsbot: ExtractionError" in captured.err
    table = out[out.index("all corpora, newsbot beside the baseline:") :].splitlines()
    rows = {(line.split()[0], line.split()[1]): line.split() for line in table[2:] if line.split()[0] in ("fundus", "wcxb")}
    # every corpus and part in the one table: halves, page types whole and by half
    assert {part for corpus, part in rows if corpus == "wcxb"} == {"check", "tune", "article", "article/check", "article/tune", "listing", "listing/tune", "all"}
    assert {part for corpus, part in rows if corpus == "fundus"} == {"check", "tune", "all"}
    # both article pages come out whole (precondition of test_evaluation): word F1 1 for both systems
    assert rows["wcxb", "article"][3:8] == ["1.000", "1.000", "1.000", "1.000", "+0.000"]
    # the listing page's gold is five words of the page's many: a low page F1, the same for both systems
    listing = rows["wcxb", "listing"]
    assert float(listing[5]) < 0.2 and listing[5] == listing[6]
    # snippets: the must-have one found on every page, the footer's boilerplate nowhere (both systems drop it)
    assert rows["wcxb", "all"][-2:] == ["1.000/1.000", "0.000/0.000"]
    # WCXB's author and date rules, on the one page with gold for them
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [c["layout"] for c in report["corpora"]] == ["fundus", "wcxb"]
    assert report["corpora"][1]["summaries"]["all"]["newsbot"]["fields"]["authors"]["pages"] == 1


def test_eval_refuses_before_scoring_when_one_corpus_is_unreadable(tmp_path, capsys):
    write_fundus(tmp_path)
    assert run_eval([tmp_path, tmp_path / "missing"]) == 2
    captured = capsys.readouterr()
    assert "not a corpus" in captured.err and "newsbot eval" not in captured.out


def test_fundus_groups_name_real_publishers_and_keep_each_group_on_one_side():
    groups = json.loads(FUNDUS_GROUPS.read_text(encoding="utf-8"))["groups"]
    pages = load_corpus(FUNDUS).pages
    publishers = {page.publisher for page in pages}
    halves: dict[str, set[str | None]] = defaultdict(set)
    for page in pages:
        halves[page.publisher].add(page.half)
    for group, members in groups.items():
        assert set(members) <= publishers, group
        assert len({half for member in members for half in halves[member]}) == 1, group
    # the grouping moves publishers: it is not the plain per-publisher split
    assert any(publisher_half(p) != publisher_half(p, groups={}) for p in publishers)


def test_real_wcxb_corpus_loads():
    assert (WCXB / "index.json").is_file(), f"WCXB-dev corpus missing at {WCXB} (it is always present in CI)"
    corpus = load_corpus(WCXB)
    assert corpus.layout == "wcxb" and len(corpus.pages) == 1497
    kinds = {page.page_type for page in corpus.pages}
    assert kinds == {"article", "service", "product", "collection", "forum", "listing", "documentation"}
    assert sum(page.page_type == "article" and page.half == "check" for page in corpus.pages) == 416

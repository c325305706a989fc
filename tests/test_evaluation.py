"""``newsbot eval`` end to end on tiny hand-written corpora in both layouts, and the real fundus corpus index."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsbot.evaluation import run_eval
from newsbot.evaluation.corpora import load_corpus
from newsbot.extraction import extract

REPO = Path(__file__).resolve().parents[1]
FUNDUS = REPO.parent / "shared" / "corpora" / "fundus"

PIER = [
    "The harbour authority opened the new northern pier on Monday after three years of construction work "
    "that was delayed twice by winter storms and a shortage of steel beams.",
    "Local fishermen said the longer quay would finally let the larger trawlers unload their catch in town "
    "instead of sailing on to the regional port in the south.",
    "The council expects the pier to pay for itself within twelve years through mooring fees, according to "
    "a report presented to the members last week by the harbour master.",
]
# 25 + 27 = 52 tokens on the page: 49 shingles.
QUAY = [
    "Work on the southern quay will start in spring once the council has approved the budget for the coming "
    "year and the contracts are signed.",
    "Engineers expect the works to take two summers because the old stone wall has to be taken down by hand "
    "and rebuilt further out in the bay.",
]
# In the gold only: 49 more tokens, so the gold has 52 + 49 - 3 = 98 shingles and the page's 49 give R = 0.5.
NOT_ON_PAGE = " ".join(f"extra{i}" for i in range(49))


def page_html(title: str, paragraphs: list[str]) -> bytes:
    """A plain article page: the headline outside <article>, boilerplate in nav and footer."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:title" content="{title}"></head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<header><h1>{title}</h1></header><main><article>{body}</article></main>"
        "<footer>Subscribe to our newsletter. Copyright 2024 Harbour Times.</footer></body></html>"
    ).encode()


PIER_HTML = page_html("New pier opens in the harbour", PIER)
QUAY_HTML = page_html("Southern quay to be rebuilt", QUAY)


def test_precondition_both_systems_return_exactly_the_paragraphs_of_a_plain_page():
    """The end-to-end expectations below rely on this; if it fails, the extractors changed, not the harness."""
    import trafilatura

    for html, paragraphs in ((PIER_HTML, PIER), (QUAY_HTML, QUAY)):
        article = extract(html, "https://harbour.example/a")
        assert article.body.split() == " ".join(paragraphs).split()
        assert trafilatura.extract(html.decode(), url="https://harbour.example/a", include_comments=False).split() == " ".join(paragraphs).split()


def _row(out: str, system: str, part: str) -> list[str]:
    (line,) = [line for line in out.splitlines() if line.split()[:2] == [system, part]]
    return line.split()[2:]


def write_fundus(root: Path) -> None:
    pages = {
        # check half (sha256("xx/Alpha") starts 4a: even): body and title right.
        "xx/Alpha_2024_01_02.html.gz": ("Alpha", PIER_HTML, "New pier opens in the harbour", "\n\n".join(PIER)),
        # tune half (sha256("xx/Harbour") starts ef: odd): P 1, R 0.5; gold title nowhere on the page.
        "xx/Harbour_2024_01_03.html.gz": ("Harbour", QUAY_HTML, "Quay plans", "\n\n".join([*QUAY, NOT_ON_PAGE])),
        # tune half: an empty file, which newsbot refuses (ExtractionError) and trafilatura returns nothing for.
        "xx/Harbour_2024_01_04.html.gz": ("Harbour", b"", "Empty", "Some gold text here."),
    }
    (root / "xx").mkdir()
    index = {}
    for key, (publisher, html, title, body) in pages.items():
        (root / key).write_bytes(gzip.compress(html))
        index[key] = {"country": "xx", "publisher": publisher, "url": f"https://harbour.example/{key}", "title": title, "articleBody": body}
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")


def test_eval_on_a_tiny_fundus_corpus(tmp_path, capsys):
    write_fundus(tmp_path)
    assert run_eval(tmp_path, json_path=tmp_path / "report.json") == 1  # newsbot raised on one page
    out, err = capsys.readouterr()
    assert err == "newsbot eval: xx/Harbour_2024_01_04.html.gz: newsbot: ExtractionError: empty document\n"
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))

    # By hand, for each system: pages A (P 1, R 1, exact, title right and on the page), B (P 1, R 0.5, page F1 2/3,
    # title wrong and not on the page), C (empty prediction: out of P, R 0, strict P 0, F1 0, title wrong).
    r_tuning = (0.5 + 0) / 2
    r_all = (1 + 0.5 + 0) / 3
    expected = {
        # part: pages, P, R, F1, exact, strictP, title, title*, (n), F1<0.8
        "check": ["1", "1.000", "1.000", "1.000", "1.000", "1.000", "1.000", "1.000", "(1)", "0"],
        "tune": ["2", "1.000", f"{r_tuning:.3f}", f"{2 * r_tuning / (1 + r_tuning):.3f}", "0.000", "0.500", "0.000", "0.000", "(0)", "2"],
        "all": ["3", "1.000", f"{r_all:.3f}", f"{2 * r_all / (1 + r_all):.3f}", "0.333", "0.667", "0.333", "1.000", "(1)", "2"],
    }
    errors = {"newsbot": {"check": "0", "tune": "1", "all": "1"}, "trafilatura": {"check": "0", "tune": "0", "all": "0"}}
    for system in ("newsbot", "trafilatura"):
        for part, numbers in expected.items():
            row = _row(out, system, part)
            assert row[:-2] == numbers, (system, part)
            assert row[-2] == errors[system][part]
        summary = report["summaries"]["all"][system]
        assert summary["body"]["recall"] == pytest.approx(r_all)
        assert summary["body"]["strict_precision"] == pytest.approx(2 / 3)
        assert (summary["title"], summary["title_on_page"], summary["title_on_page_pages"]) == pytest.approx((1 / 3, 1.0, 1))
        assert summary["lead_once"] is None and summary["noise_free"] is None

    assert "check half 1 pages / 1 publishers, tune half 2 pages / 1 publishers" in out
    assert "newsbot raised on 1 page(s)" in out
    assert "xx/Harbour_2024_01_04.html.gz: ExtractionError" in out
    # Worst pages: the empty one (F1 0) before the half-recalled one (F1 2/3), whose missing text is shown.
    worst = out[out.index("worst newsbot pages") :]
    assert worst.index("Harbour_2024_01_04") < worst.index("Harbour_2024_01_03") and "Alpha" not in worst
    assert "missing: extra0 extra1 extra2" in worst

    pages = {page["key"]: page for page in report["pages"]}
    b = pages["xx/Harbour_2024_01_03.html.gz"]
    assert (b["publisher"], b["half"], b["title_on_page"]) == ("xx/Harbour", "tune", False)
    assert b["systems"]["newsbot"]["body"] == {"precision": 1.0, "recall": 0.5, "exact": False, "predicted": 49, "gold": 98, "f1": pytest.approx(2 / 3)}
    c = pages["xx/Harbour_2024_01_04.html.gz"]["systems"]
    assert c["newsbot"]["error"].startswith("ExtractionError") and c["trafilatura"]["error"] is None
    assert c["newsbot"]["body"]["predicted"] == 0


def test_a_page_that_cannot_be_read_is_named_and_the_run_goes_on(tmp_path, capsys):
    write_fundus(tmp_path)
    broken = tmp_path / "xx" / "Harbour_2024_01_03.html.gz"
    broken.write_bytes(broken.read_bytes()[:30])  # a truncated gzip file
    assert run_eval(tmp_path, json_path=tmp_path / "report.json") == 1
    err = capsys.readouterr().err.splitlines()
    assert "newsbot eval: xx/Harbour_2024_01_03.html.gz: newsbot: EOFError: " in err[0]
    assert "newsbot eval: xx/Harbour_2024_01_03.html.gz: trafilatura: EOFError: " in err[1]
    pages = {page["key"]: page for page in json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["pages"]}
    assert pages["xx/Alpha_2024_01_02.html.gz"]["systems"]["newsbot"]["body"]["exact"]


def test_eval_on_tiny_fixture_pages(tmp_path, capsys):
    pier = {
        "url": "https://harbour.example/pier",
        "title": "New pier opens in the harbour",
        "lead": "A sentence that is on no page.",  # lead-once fails whatever the extractor does
        "body": PIER,
        "must_not_contain": ["Cookie settings"],  # on no page: noise-free
    }
    quay = {
        "url": "https://harbour.example/quay",
        "title": "Southern quay to be rebuilt",
        "lead": QUAY[0],
        "body": QUAY,
        "must_not_contain": ["old stone wall"],  # in the article itself: leaks for any system that extracts it
    }
    for name, record, html in (("pier", pier, PIER_HTML), ("quay", quay, QUAY_HTML)):
        (tmp_path / f"{name}.html").write_bytes(html)
        (tmp_path / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
    assert run_eval(tmp_path, json_path=tmp_path / "report.json") == 0
    out = capsys.readouterr().out
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))

    # lead-once of the quay page depends on whether newsbot calls its first paragraph a lead: read it off the record.
    article = extract(QUAY_HTML, quay["url"])
    quay_lead_once = article.lead == QUAY[0] and article.body.count(QUAY[0]) == 1
    lead_once = f"{(0 + quay_lead_once) / 2:.3f}"
    # Both pages exact and titles right: P R F1 exact strictP title 1; noise-free 1/2; no page under F1 0.8.
    ones = ["2", "1.000", "1.000", "1.000", "1.000", "1.000", "1.000", "1.000", "(2)"]
    assert _row(out, "newsbot", "all")[:-1] == [*ones, lead_once, "0.500", "0", "0"]
    assert _row(out, "trafilatura", "all")[:-1] == [*ones, "-", "0.500", "0", "0"]
    assert "check" not in out.split("\n\n")[1]  # no halves without publishers
    assert "quay.html: old stone wall" in out
    assert "every page scores F1 1.000" in out
    summary = report["summaries"]["all"]
    assert summary["newsbot"]["lead_once"] == (0 + quay_lead_once) / 2
    assert summary["trafilatura"]["lead_once"] is None
    assert [page["systems"]["trafilatura"]["leaked"] for page in report["pages"]] == [[], ["old stone wall"]]


def test_eval_refuses_a_directory_that_is_not_a_corpus(tmp_path, capsys):
    assert run_eval(tmp_path) == 2
    assert "not a corpus" in capsys.readouterr().err


def test_real_fundus_corpus_index():
    assert (FUNDUS / "index.json").is_file(), f"fundus corpus missing at {FUNDUS} (it is always present in CI)"
    corpus = load_corpus(FUNDUS)
    assert corpus.layout == "fundus"
    assert len(corpus.pages) == 258
    halves = {page.half for page in corpus.pages}
    assert halves == {"check", "tune"}
    # A publisher never straddles the halves.
    by_publisher: dict[str | None, set[str | None]] = {}
    for page in corpus.pages:
        by_publisher.setdefault(page.publisher, set()).add(page.half)
    assert all(len(sides) == 1 for sides in by_publisher.values())
    assert len(by_publisher) == 181

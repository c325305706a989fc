"""Metadata comparators on hand-computed cases, and the fields table of ``newsbot eval`` on a tiny fundus-layout corpus."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsbot.evaluation import run_eval
from newsbot.evaluation.corpora import CorpusPage, load_corpus
from newsbot.evaluation.fields import (
    PredictedFields,
    same_date,
    same_instant,
    same_language,
    same_set,
    score_fields,
    summarize_fields,
)
from newsbot.extraction import extract

FUNDUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fundus"


@pytest.mark.parametrize(
    ("predicted", "gold", "same"),
    [
        # Both zoned: the instant decides.
        ("2024-04-28 10:00:00+02:00", "2024-04-28T08:00:00Z", True),
        ("2024-04-28T10:00:00+02:00", "2024-04-28 10:00:00+00:00", False),  # same written day and time, 2 h apart
        ("2024-04-29T04:30:00Z", "2024-04-28 23:30:00-05:00", True),  # written days differ, one instant
        ("2024-04-28T23:30:00+14:00", "2024-04-28 23:30:00-10:00", False),  # same written day, 24 h apart
        # Seconds one side does not show are not held against it; the next minute is.
        ("2024-04-27T07:39:18.751000+02:00", "2024-04-27 07:39:00+02:00", True),
        ("2024-04-27T07:40:00+02:00", "2024-04-27 07:39:00+02:00", False),
        # A side without a zone: the calendar day as written.
        ("2024-04-28", "2024-04-28 10:00:00+02:00", True),
        ("2024-04-28T23:59:00", "2024-04-28 00:01:00+02:00", True),
        ("2024-04-29", "2024-04-28 23:30:00-05:00", False),  # the UTC day is the 29th, the written day the 28th
        ("2024-04-27", "2024-04-28", False),
        # Nothing, or nothing readable, is never a hit.
        (None, "2024-04-28", False),
        ("", "2024-04-28", False),
        ("yesterday", "2024-04-28", False),
        ("2024-02-30", "2024-02-30 10:00:00", False),
    ],
)
def test_same_date(predicted, gold, same):
    assert same_date(predicted, gold) is same


def test_same_instant_needs_a_zone_on_both_sides():
    assert same_instant("2024-04-28T08:00:00Z", "2024-04-28 10:00:00+02:00")
    assert not same_instant("2024-04-28", "2024-04-28 10:00:00+02:00")
    assert not same_instant("2024-04-28T10:00:00", "2024-04-28 10:00:00+02:00")
    assert not same_instant("2024-04-28T10:00:00+02:00", "2024-04-28 10:00:00")


@pytest.mark.parametrize(
    ("predicted", "gold", "same"),
    [
        (["Anna  Fink", "JAN Marchart"], ["Jan Marchart", "anna fink"], True),  # case, spacing and order folded
        (["Andre\u0301 Schmidt"], ["André Schmidt"], True),  # NFC
        (["Anna Fink", "Anna Fink"], ["Anna Fink"], True),  # a set
        (["Anna Fink"], ["Anna Fink", "Jan Marchart"], False),  # one missing
        (["Anna Fink", "Der Standard"], ["Anna Fink"], False),  # one extra (the site name)
        (["By Anna Fink"], ["Anna Fink"], False),  # the prefix is an error to measure, not to forgive
        ([], ["Anna Fink"], False),
        ([], [], True),
    ],
)
def test_same_set(predicted, gold, same):
    assert same_set(predicted, gold) is same


def test_same_language_folds_norwegian_only():
    assert same_language("nb", "nb") and same_language("no", "nb") and same_language("nn", "no")
    assert not same_language("da", "nb")
    assert not same_language("wuu", "zh")
    assert not same_language(None, "en")


def _page(**gold) -> CorpusPage:
    return CorpusPage(layout="fundus", key="xx/A.html.gz", path=Path("A.html.gz"), url="https://a.example/1", title="Pier opens", body="", **gold)


def test_score_fields_skips_fields_without_gold():
    page = _page(authors=("Anna Fink",), published="2024-04-28 10:00:00")
    predicted = PredictedFields(title="Pier  opens", authors=("anna fink",), published="2024-04-28T21:00:00+02:00", tags=("x",))
    assert score_fields(predicted, page) == {
        "title": True,
        "authors": True,
        "published": True,
        "published_instant": None,  # the gold has no zone
        "topics": None,
    }
    assert score_fields(PredictedFields(), _page()) == {
        "title": False,
        "authors": None,
        "published": None,
        "published_instant": None,
        "topics": None,
    }


def test_summarize_fields_counts_pages_with_gold_only():
    scores = [
        {"title": True, "authors": True, "published": False, "published_instant": None, "topics": None},
        {"title": False, "authors": None, "published": True, "published_instant": None, "topics": None},
        {"title": True, "authors": False, "published": True, "published_instant": True, "topics": None},
    ]
    summary = summarize_fields(scores)
    assert [(summary[f].pages, summary[f].hits) for f in ("title", "authors", "published", "published_instant", "topics")] == [
        (3, 2), (2, 1), (3, 2), (1, 1), (0, 0)
    ]
    assert summary["title"].rate == pytest.approx(2 / 3)
    assert summary["topics"].rate is None


def article_html(title: str, author: str, published: str, keywords: str) -> bytes:
    """A plain article whose metadata sits in JSON-LD and a keywords meta tag, where every extractor looks first."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "author": {"@type": "Person", "name": author}, "datePublished": published}
    text = " ".join(f"The harbour council met again on the {n}th day to discuss the plans for the northern pier." for n in range(4, 12))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="keywords" content="{keywords}"><script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f"<body><article><h1>{title}</h1><p>{text}</p><p>{text}</p></article></body></html>"
    ).encode()


PAGES = {
    # gold zoned, page in UTC: the same instant; the author right up to case.
    "xx/Alpha_2024_04_28.html.gz": (
        article_html("Pier opens", "Anna Fink", "2024-04-28T08:00:00Z", "Harbour"),
        {"authors": ["ANNA FINK"], "publishing_date": "2024-04-28 10:00:00+02:00", "topics": ["harbour"]},
    ),
    # gold without a zone: the written day decides; the page names someone else; no topics in the gold.
    "xx/Beta_2024_04_29.html.gz": (
        article_html("Quay closes", "Dora Lind", "2024-04-29T23:30:00-05:00", "Quay"),
        {"authors": ["Carl Berg"], "publishing_date": "2024-04-29 12:00:00", "topics": None},
    ),
}


def test_precondition_newsbot_reads_the_json_ld_metadata():
    """The table below relies on this; if it fails, newsbot's metadata reading changed, not the harness."""
    for key, (html, _) in PAGES.items():
        article = extract(html, f"https://harbour.example/{key}")
        ld = json.loads(html.decode().split('json">')[1].split("</script>")[0])
        assert article.authors == [ld["author"]["name"]]
        assert article.tags == [html.decode().split('keywords" content="')[1].split('"')[0]]
        assert article.published is not None and same_instant(article.published, ld["datePublished"])


def test_eval_reports_field_hit_rates(tmp_path, capsys):
    (tmp_path / "xx").mkdir()
    index = {}
    for key, (html, gold) in PAGES.items():
        (tmp_path / key).write_bytes(gzip.compress(html))
        title = html.decode().split("<title>")[1].split("</title>")[0]
        publisher = key.split("/")[1].split("_")[0]
        index[key] = {"publisher": publisher, "url": f"https://harbour.example/{key}", "title": title, "articleBody": "x", **gold}
    (tmp_path / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert run_eval(tmp_path, json_path=tmp_path / "report.json") == 0
    out = capsys.readouterr().out
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))

    table = out[out.index("metadata fields, whole corpus:") :].split("\n\n")[0].splitlines()
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in table[2:] if line.split()[0] in ("newsbot", "trafilatura")}
    # By hand: titles both right; authors Alpha right, Beta wrong; both dates right (Alpha the same instant, Beta the
    # same written day); only Alpha's gold has a zone; only Alpha has topics.
    assert rows[("newsbot", "title")] == ["2", "2", "1.000"]
    assert rows[("newsbot", "authors")] == ["2", "1", "0.500"]
    assert rows[("newsbot", "published")] == ["2", "2", "1.000"]
    assert rows[("newsbot", "published_instant")] == ["1", "1", "1.000"]
    assert rows[("newsbot", "topics")] == ["1", "1", "1.000"]
    # trafilatura gives days without a zone: never the instant.
    assert rows[("trafilatura", "published_instant")] == ["1", "0", "0.000"]

    fields = report["summaries"]["all"]["newsbot"]["fields"]
    assert fields["authors"] == {"pages": 2, "hits": 1, "rate": 0.5}
    pages = {page["key"]: page["systems"]["newsbot"]["fields"] for page in report["pages"]}
    assert pages["xx/Beta_2024_04_29.html.gz"] == {
        "title": True, "authors": False, "published": True, "published_instant": None, "topics": None
    }


def test_fundus_gold_fields_are_loaded():
    """The counts the fundus README gives: authors on 253 pages, a date on all 258, topics on 212."""
    pages = load_corpus(FUNDUS).pages
    assert sum(page.authors is not None for page in pages) == 253
    assert sum(page.published is not None for page in pages) == 258
    assert sum(page.topics is not None for page in pages) == 212
    derstandard = next(page for page in pages if page.key == "at/DerStandard_2024_05_03.html.gz")
    assert derstandard.authors == ("Birgit Baumann", "Anna Giulia Fink", "Jan Michael Marchart")
    assert derstandard.published == "2024-05-03 15:47:42.389000+00:00"

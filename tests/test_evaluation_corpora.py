"""Corpus layouts on disk, the publisher split and the title-on-page test, on real files in tmp_path."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsbot.evaluation.corpora import CorpusError, load_corpus, split_half, title_on_page


def test_split_half_by_first_sha256_byte():
    # sha256("xx/Alpha") starts 4a (74, even); sha256("xx/Harbour") starts ef (239, odd).
    assert split_half("xx/Alpha") == "check"
    assert split_half("xx/Harbour") == "tune"


def _write_fundus(root: Path) -> None:
    (root / "xx").mkdir(parents=True)
    (root / "xx" / "Alpha_2024_01_02.html.gz").write_bytes(gzip.compress("<p>Grüße</p>".encode()))
    index = {
        "xx/Alpha_2024_01_02.html.gz": {
            "country": "xx",
            "publisher": "Alpha",
            "url": "https://alpha.example/a",
            "title": "T",
            "articleBody": "Body.",
            "authors": [],
        }
    }
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")


def test_fundus_layout(tmp_path):
    _write_fundus(tmp_path)
    corpus = load_corpus(tmp_path)
    assert corpus.layout == "fundus"
    (page,) = corpus.pages
    assert (page.key, page.url, page.title, page.body) == ("xx/Alpha_2024_01_02.html.gz", "https://alpha.example/a", "T", "Body.")
    assert (page.publisher, page.half, page.encoding) == ("xx/Alpha", "check", "utf-8")
    assert page.read_html() == "<p>Grüße</p>".encode()


def test_fundus_layout_with_a_missing_page_is_refused(tmp_path):
    _write_fundus(tmp_path)
    (tmp_path / "xx" / "Alpha_2024_01_02.html.gz").unlink()
    with pytest.raises(CorpusError, match="1 indexed pages missing"):
        load_corpus(tmp_path)


def test_fixture_pages_layout(tmp_path):
    (tmp_path / "b.html").write_bytes(b"<p>x</p>")
    (tmp_path / "b.json").write_text(json.dumps({"url": "https://b.example/", "title": "B", "body": ["One."]}))
    (tmp_path / "a.html").write_bytes(b"<p>y</p>")
    record = {"url": "https://a.example/", "title": "A", "lead": "One.", "body": ["One.", "Two."], "must_not_contain": ["Ad"]}
    (tmp_path / "a.json").write_text(json.dumps(record))
    corpus = load_corpus(tmp_path)
    assert corpus.layout == "pages"
    a, b = corpus.pages
    assert (a.key, a.body, a.lead, a.must_not_contain, a.half, a.encoding) == ("a.html", "One.\n\nTwo.", "One.", ("Ad",), None, None)
    assert (b.key, b.lead, b.must_not_contain) == ("b.html", None, ())
    assert a.read_html() == b"<p>y</p>"


def test_fixture_pages_without_their_pair_are_refused(tmp_path):
    (tmp_path / "a.html").write_bytes(b"<p>y</p>")
    (tmp_path / "a.json").write_text(json.dumps({"url": "u", "title": "A", "body": []}))
    (tmp_path / "orphan.html").write_bytes(b"<p>z</p>")
    with pytest.raises(CorpusError, match="orphan"):
        load_corpus(tmp_path)


def test_fixture_record_without_a_required_key_is_refused(tmp_path):
    (tmp_path / "a.html").write_bytes(b"<p>y</p>")
    (tmp_path / "a.json").write_text(json.dumps({"title": "A", "body": []}))
    with pytest.raises(CorpusError, match="a.json"):
        load_corpus(tmp_path)


def test_unknown_directory_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CorpusError, match="not a corpus"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="not a corpus"):
        load_corpus(tmp_path / "absent")


PAGE = """<html><head><title>Site | Other</title><meta property="og:title" content="Meta  title">
<script>var x = 1;</script></head><body><h1>Big <em>news</em>\n today</h1><p>Some text.</p></body></html>"""


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Big news today", True),  # the h1's whole text, nested markup and white space collapsed
        ("Meta title", True),  # a meta tag's content
        ("Site | Other", True),  # the <title> element
        ("Big news", False),  # part of an element's text only
        ("Site", False),
        ("", False),
    ],
)
def test_title_on_page(title, expected):
    assert title_on_page(PAGE.encode(), title) is expected


def test_title_on_an_unreadable_page():
    assert title_on_page(b"", "Anything") is False

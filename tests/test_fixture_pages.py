"""Hand-written page fixtures: each fixtures/pages/NAME.html plus NAME.json states what extraction must return.

One parametrised test runs the extraction core over every pair; the other tests keep the
fixtures honest, so that a passing extraction test means something (the noise it must drop
is really in the page, the text it must keep is really there, the pairs are complete).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from newsbot.extraction import extract
from newsbot.extraction.decode import decode_html
from newsbot.extraction.record import normal_paragraph

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
REQUIRED_KEYS = {"url", "title", "lead", "body", "must_not_contain"}
OPTIONAL_KEYS = {"language", "note"}
# Elements whose text a reader never sees on the rendered page.
INVISIBLE = ("script", "style", "template")


def _names(suffix: str) -> set[str]:
    return {path.stem for path in PAGES.glob(f"*{suffix}")}


HTML_NAMES = sorted(_names(".html"))


def _expected(name: str) -> dict[str, Any]:
    return json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))


def _visible_text(name: str) -> str:
    """The page's rendered body text, white space collapsed, as a reader would see it."""
    decoded = decode_html((PAGES / f"{name}.html").read_bytes())
    tree = lxml.html.document_fromstring(decoded.text)
    for element in tree.body.iter(*INVISIBLE):
        element.drop_tree()
    return normal_paragraph(" ".join(tree.body.itertext()))


def test_fixture_pairs_complete() -> None:
    assert HTML_NAMES, f"no page fixtures in {PAGES}"
    html, expected = _names(".html"), _names(".json")
    assert html - expected == set(), "pages without expected JSON"
    assert expected - html == set(), "expected JSON without a page"


@pytest.mark.parametrize("name", HTML_NAMES)
def test_fixture_is_faithful(name: str) -> None:
    expected = _expected(name)
    assert REQUIRED_KEYS <= expected.keys() <= REQUIRED_KEYS | OPTIONAL_KEYS
    title, lead, body = expected["title"], expected["lead"], expected["body"]
    # a table is one block: rows on their own lines, cells joined by " | "
    assert body and all(line == normal_paragraph(line) for paragraph in body for line in paragraph.split("\n"))
    if lead is not None:
        assert body[0] == lead
    visible = _visible_text(name)
    for text in [title, *body]:
        shown = text.replace(" | ", " ").replace("\n", " ")
        assert shown in visible, f"expected text not in the page: {text!r}"
    wanted = "\n".join([title, *body])
    for noise in expected["must_not_contain"]:
        assert noise in visible, f"noise not in the page, the fixture proves nothing: {noise!r}"
        assert noise not in wanted, f"noise string also occurs in the wanted text: {noise!r}"


@pytest.mark.parametrize("name", HTML_NAMES)
def test_extraction_matches_fixture(name: str) -> None:
    expected = _expected(name)
    record = extract((PAGES / f"{name}.html").read_bytes(), expected["url"])
    title, lead, body = expected["title"], expected["lead"], expected["body"]
    assert record.title == title
    assert record.lead == lead
    assert record.body.split("\n\n") == body
    if lead is not None:
        assert record.body.count(lead) == 1
    assert title not in record.body
    for noise in expected["must_not_contain"]:
        for field in ("title", "lead", "body"):
            assert noise not in (getattr(record, field) or ""), f"{noise!r} in {field}"

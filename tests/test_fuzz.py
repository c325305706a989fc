"""Property: on any bytes, and on fixture pages broken the ways real pages break, ``extract``
returns an Article or raises ExtractionError, and no title or body holds a control character."""

from __future__ import annotations

import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import fixture_pages, mutate

from newsbot.extraction import Article, ExtractionError, extract

URL = "https://news.example/world/2025/04/story-262421/"
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
PAGES = fixture_pages()


def check(body: bytes) -> None:
    try:
        article = extract(body, URL)
    except ExtractionError:
        return
    assert isinstance(article, Article)
    for text in (article.title or "", article.body, article.lead or ""):
        assert not CONTROLS.search(text), repr(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(body: bytes) -> None:
    check(body)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2048).map(lambda b: b"<html><body><p>" + b + b"</p></body></html>"))
def test_arbitrary_bytes_inside_markup(body: bytes) -> None:
    check(body)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PAGES), st.randoms(use_true_random=False))
def test_mutated_fixture_pages(page: bytes, rng: random.Random) -> None:
    check(mutate(page, rng)[1])

"""URL identity: what counts as the same article URL and the same site."""

from __future__ import annotations

import doctest
import hashlib
import json

import pytest

from newsbot import urls
from newsbot.urls import is_home_page, normalize_url, site_of, url_id


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.COM/News/Item-1", "https://www.example.com/News/Item-1"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com/a#comments", "http://example.com/a"),
        ("  http://example.com/a\n", "http://example.com/a"),
        ("http://Example.com./a", "http://example.com/a"),
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
        # Tracking parameters go, whatever their case; the rest stay, in order.
        (
            "https://tengrinews.kz/news/1?utm_source=tg&page=2&fbclid=IwAR0&sort=new&gclid=Cj0&UTM_Medium=social",
            "https://tengrinews.kz/news/1?page=2&sort=new",
        ),
        ("https://example.com/a?utm_source=x&utm_campaign=y", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
        # Kept parameters are kept byte for byte: the spider requests these URLs.
        ("https://example.com/s?q=a+b%20c&print&path=x/y", "https://example.com/s?q=a+b%20c&print&path=x/y"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


def _tracking_table() -> dict[str, list[str]]:
    return json.loads((urls.URL_TABLE_DIR / "tracking_params.json").read_text(encoding="utf-8"))


def test_every_listed_tracking_parameter_is_dropped() -> None:
    table = _tracking_table()
    names = table["exact"] + [f"{prefix}term" for prefix in table["prefixes"]]
    query = "&".join(f"{name}=1" for name in names)
    assert normalize_url(f"https://example.com/a?id=7&{query}&lang=ru") == "https://example.com/a?id=7&lang=ru"


def test_tracking_params_table_is_valid() -> None:
    table = _tracking_table()
    assert set(table) == {"_why", "prefixes", "exact"}
    entries = table["prefixes"] + table["exact"]
    assert all(isinstance(entry, str) and entry and entry == entry.lower() for entry in entries)
    assert len(set(entries)) == len(entries), "duplicate entries"
    # A prefix without its separator would eat real parameters ("ref" would take "reference").
    assert all(prefix.endswith("_") for prefix in table["prefixes"])
    redundant = [name for name in table["exact"] if name.startswith(tuple(table["prefixes"]))]
    assert redundant == [], "exact names already covered by a prefix"


def test_url_id_is_sha256_of_the_normalized_url() -> None:
    assert url_id("HTTPS://Example.com:443/a?id=3#top") == hashlib.sha256(b"https://example.com/a?id=3").hexdigest()


@pytest.mark.parametrize(
    "variant",
    [
        "https://tengrinews.kz/news/item-1/",
        "HTTPS://TENGRINEWS.KZ/news/item-1/",
        "https://tengrinews.kz:443/news/item-1/",
        "https://tengrinews.kz/news/item-1/#comments",
        "https://tengrinews.kz/news/item-1/?utm_source=telegram&utm_medium=social",
        "https://tengrinews.kz/news/item-1/?fbclid=IwAR0xyz",
        "https://tengrinews.kz/news/item-1/?gclid=Cj0KCQ&yclid=123",
    ],
)
def test_url_id_equal_for_urls_differing_only_in_noise(variant: str) -> None:
    assert url_id(variant) == url_id("https://tengrinews.kz/news/item-1/")
    assert url_id(variant) == url_id(variant)


@pytest.mark.parametrize(
    "other",
    [
        "https://tengrinews.kz/News/Item-1/",  # paths are case-sensitive
        "https://tengrinews.kz/news/item-1/?page=2",  # a real parameter is a different page
        "http://tengrinews.kz/news/item-1/",
        "https://en.tengrinews.kz/news/item-1/",
    ],
)
def test_url_id_differs_for_different_pages(other: str) -> None:
    assert url_id(other) != url_id("https://tengrinews.kz/news/item-1/")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.tengrinews.kz/news/1", "tengrinews.kz"),
        ("https://WWW.Tengrinews.KZ/news/1", "tengrinews.kz"),
        ("https://tengrinews.kz/news/1", "tengrinews.kz"),
        ("https://en.tengrinews.kz/news/1", "en.tengrinews.kz"),
        ("https://kaz.tengrinews.kz/news/1", "kaz.tengrinews.kz"),
        ("https://www.en.tengrinews.kz/", "en.tengrinews.kz"),
        ("https://www2.example.com/", "www2.example.com"),
        ("https://www.www.example.com/", "www.example.com"),  # only one leading www. goes
        ("https://wwwexample.com/", "wwwexample.com"),
        ("http://example.com:8080/a", "example.com"),
        ("http://127.0.0.1:8000/a", "127.0.0.1"),
        ("file:///tmp/page.html", None),
        ("stdin:", None),
        ("mailto:news@tengrinews.kz", None),
        ("", None),
        (None, None),
    ],
)
def test_site_of(url: str | None, expected: str | None) -> None:
    assert site_of(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://tengrinews.kz", True),
        ("https://tengrinews.kz/", True),
        ("https://tengrinews.kz/?utm_source=x", True),
        ("https://tengrinews.kz/index.html", True),
        ("https://tengrinews.kz/INDEX.PHP", True),
        ("https://tengrinews.kz/world_news/", False),
        ("https://tengrinews.kz/world_news/karter-282211/", False),
        ("https://tengrinews.kz/news/index.html", False),
    ],
)
def test_is_home_page(url: str, expected: bool) -> None:
    assert is_home_page(url) is expected


def test_docstring_examples() -> None:
    result = doctest.testmod(urls)
    assert result.attempted >= 2 and result.failed == 0

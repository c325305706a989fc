"""URL normalization and identity: the one definition of "same article URL" and "same site".

Shared by the spiders, the state store, the site files, the WARC archive and the extraction
core, so it loads nothing heavier than the standard library: its tables (``tracking_params.json``,
``url_shapes.json``) are data files beside it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from ..tables import load_table

URL_TABLE_DIR = Path(__file__).parent
_DEFAULT_PORTS = {"http": 80, "https": 443}


def load_url_table(name: str) -> dict[str, Any]:
    """``NAME.json`` beside this module: ``tracking_params`` or ``url_shapes`` (the one table of URL shapes)."""
    return load_table(URL_TABLE_DIR / f"{name}.json")


@lru_cache(maxsize=1)
def _tracking() -> tuple[frozenset[str], tuple[str, ...]]:
    data = load_url_table("tracking_params")
    return frozenset(data["exact"]), tuple(data["prefixes"])


def _is_tracking(name: str) -> bool:
    exact, prefixes = _tracking()
    lowered = name.lower()
    return lowered in exact or lowered.startswith(prefixes)


def _query_without_tracking(query: str) -> str:
    """Drop tracking parameters; keep every other one byte for byte, in order.

    The spider requests normalized URLs, so re-encoding the query (``?print``
    becoming ``?print=``, ``a/b`` becoming ``a%2Fb``) could change what a server returns.
    """
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(unquote_plus(pair.partition("=")[0]))]
    return "&".join(kept)


def normalize_url(url: str) -> str:
    """Lowercase scheme and host, drop default port, fragment and tracking parameters.

    >>> normalize_url("HTTPS://WWW.Example.com:443/a/b?utm_source=x&id=3#top")
    'https://www.example.com/a/b?id=3'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets, or its port would read as part of it
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # a malformed port is kept out rather than crashing the crawl
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", _query_without_tracking(parts.query), ""))


def pattern_target(url: str) -> str:
    """What URL patterns are searched in: the normalized URL's path, plus ``?query`` when there is one.

    Normalized, so tracking parameters never decide.

    >>> pattern_target("https://www.Example.com/a/b?utm_source=x&id=3#top")
    '/a/b?id=3'
    """
    parts = urlsplit(normalize_url(url))
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def url_id(url: str) -> str:
    """The record ``id``: sha256 hex of the normalized URL."""
    return hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()


def site_of(url: str | None) -> str | None:
    """Lowercased host without a leading ``www.``; None for URLs without a web host.

    >>> site_of("https://WWW.en.Tengrinews.kz/news/1")
    'en.tengrinews.kz'
    """
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def is_home_page(url: str) -> bool:
    """True for a site's root, with or without an index file or query."""
    path = urlsplit(url).path
    return path in ("", "/") or path.lower() in ("/index.html", "/index.htm", "/index.php")


# Second-level labels under which registries sell names ("bbc.co.uk", "abc.net.au").
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go"})


def brand_label(site: str | None) -> str | None:
    """The label that names the publisher: "tengrinews" for en.tengrinews.kz, "bbc" for bbc.co.uk.

    >>> brand_label("en.tengrinews.kz"), brand_label("bbc.co.uk")
    ('tengrinews', 'bbc')
    """
    if not site:
        return None
    labels = site.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]

"""Publisher reservations: robots meta / X-Robots-Tag (noindex, noarchive, noai) and TDM-Reservation.

A page that asks not to be indexed, archived, used for AI, or mined (TDMRep, W3C CG report) is
fetched but not exported; the reason names which request it made. Pure functions, no Scrapy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree

# Our robots product token: <meta name="newsbot"> and "X-Robots-Tag: newsbot: noindex" speak to us.
BOT_TOKEN = "newsbot"
# Directive -> drop reason, checked in this order. "none" is noindex + nofollow.
DIRECTIVE_REASONS: dict[str, str] = {
    "noindex": "robots_noindex",
    "none": "robots_noindex",
    "noarchive": "robots_noarchive",
    "noai": "robots_noai",
}
TDM_REASON = "tdm_reservation"
# Robots directives that carry a value after a colon; anything else before a colon names a user agent.
VALUED_DIRECTIVES = frozenset({"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"})
# Only pages that mention one of these meta names are parsed at all: most pages never do.
_META_HINT = re.compile(rb"<meta[^>]+(?:robots|" + BOT_TOKEN.encode() + rb"|tdm-reservation)", re.I)
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.I)


def header_directives(value: str) -> set[str]:
    """Directives of an ``X-Robots-Tag`` value that apply to us: unprefixed ones and those for ``newsbot``.

    Repeated headers arrive joined by commas; an agent prefix applies until the next one.

    >>> sorted(header_directives("noarchive, googlebot: noindex, nofollow, newsbot: noai"))
    ['noai', 'noarchive']
    """
    found: set[str] = set()
    agent: str | None = None
    for token in value.split(","):
        name, colon, rest = token.partition(":")
        name = name.strip().lower()
        if colon and name not in VALUED_DIRECTIVES:
            agent, token = name, rest
        if agent in (None, BOT_TOKEN, "*") and token.strip():
            found.add(token.strip().lower())
    return found


def meta_directives(body: bytes) -> tuple[set[str], bool]:
    """Robots directives for us in the page's ``<meta>`` tags, and whether ``tdm-reservation`` is 1."""
    if not _META_HINT.search(body):
        return set(), False
    end = _HEAD_END.search(body)
    head = body[: end.start()] if end else body
    try:
        root = etree.fromstring(head, etree.HTMLParser(no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return set(), False
    if root is None:
        return set(), False
    directives: set[str] = set()
    reserved = False
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip().lower()
        if name in ("robots", BOT_TOKEN):
            directives |= {d.strip() for d in content.split(",") if d.strip()}
        elif name == "tdm-reservation":
            reserved = reserved or content == "1"
    return directives, reserved


def reservation_reason(headers: Mapping[str, str], body: bytes) -> str | None:
    """Why the page must not be exported (``robots_noindex``, ``robots_noarchive``, ``robots_noai``,
    ``tdm_reservation``), or None when the publisher reserved nothing.

    ``headers`` as the spider's Page item carries them (names lowercased or not).
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    directives = header_directives(lowered.get("x-robots-tag", ""))
    in_meta, meta_reserved = meta_directives(body)
    directives |= in_meta
    for directive, reason in DIRECTIVE_REASONS.items():
        if directive in directives:
            return reason
    if lowered.get("tdm-reservation", "").strip() == "1" or meta_reserved:
        return TDM_REASON
    return None

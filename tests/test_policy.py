"""Publisher reservations: robots meta, X-Robots-Tag and TDM-Reservation, each with the drop reason it gives."""

from __future__ import annotations

import pytest

from newsbot.policy import header_directives, meta_directives, reservation_reason


def page(*metas: str, body: str = "<p>Harbour reopens after storm.</p>") -> bytes:
    return f"<!DOCTYPE html><html><head><title>x</title>{''.join(metas)}</head><body>{body}</body></html>".encode()


PLAIN = page('<meta name="robots" content="index, follow, max-image-preview:large">')


@pytest.mark.parametrize(
    ("headers", "body", "reason"),
    [
        ({}, PLAIN, None),
        ({"content-type": "text/html"}, page(), None),
        # robots meta
        ({}, page('<meta name="robots" content="noindex, follow">'), "robots_noindex"),
        ({}, page('<META NAME="Robots" CONTENT="NoIndex">'), "robots_noindex"),
        ({}, page('<meta content="none" name="robots">'), "robots_noindex"),
        ({}, page('<meta name="robots" content="noarchive">'), "robots_noarchive"),
        ({}, page('<meta name="robots" content="index, noai, noimageai">'), "robots_noai"),
        ({}, page('<meta name="newsbot" content="noindex">'), "robots_noindex"),  # addressed to us
        ({}, page('<meta name="googlebot" content="noindex">'), None),  # addressed to someone else
        ({}, page(body='<p>Our <code>&lt;meta name="robots" content="noindex"&gt;</code> guide</p>'), None),
        # X-Robots-Tag
        ({"x-robots-tag": "noindex"}, PLAIN, "robots_noindex"),
        ({"X-Robots-Tag": "noarchive, nosnippet"}, PLAIN, "robots_noarchive"),
        ({"x-robots-tag": "googlebot: noindex, nofollow"}, PLAIN, None),
        ({"x-robots-tag": "googlebot: noindex,newsbot: noai"}, PLAIN, "robots_noai"),  # two headers, joined
        ({"x-robots-tag": "unavailable_after: 25 Jun 2030 15:00:00 PST, noarchive"}, PLAIN, "robots_noarchive"),
        ({"x-robots-tag": "max-snippet:-1, max-image-preview:large"}, PLAIN, None),
        # TDM-Reservation (TDMRep)
        ({"tdm-reservation": "1"}, PLAIN, "tdm_reservation"),
        ({"TDM-Reservation": " 1 "}, PLAIN, "tdm_reservation"),
        ({"tdm-reservation": "0"}, PLAIN, None),
        ({}, page('<meta name="tdm-reservation" content="1">'), "tdm_reservation"),
        ({}, page('<meta name="tdm-reservation" content="0"><meta name="tdm-policy" content="https://x/p.json">'), None),
        # the strongest request is named first
        ({"tdm-reservation": "1", "x-robots-tag": "noindex"}, PLAIN, "robots_noindex"),
    ],
)
def test_reservation_reason(headers: dict[str, str], body: bytes, reason: str | None) -> None:
    assert reservation_reason(headers, body) == reason


def test_header_directives_keep_an_agent_prefix_until_the_next() -> None:
    assert header_directives("noarchive, googlebot: noindex, nofollow, newsbot: noai, noimageai") == {
        "noarchive", "noai", "noimageai",
    }  # fmt: skip
    assert header_directives("") == set() == header_directives(" , ")


def test_meta_directives_read_only_the_head() -> None:
    assert meta_directives(page('<meta name="robots" content="noindex">')) == ({"noindex"}, False)
    # a page quoting the tag in its article is not reserved
    assert meta_directives(page(body='<meta name="robots" content="noindex">')) == (set(), False)
    assert meta_directives(b"") == (set(), False)
    assert meta_directives(b"\x00\x01<meta name=robots content=noai>") == ({"noai"}, False)

"""Ways real pages break, applied at random to good pages: shared by tests/test_fuzz.py
(hypothesis drives the random choices) and benchmarks/fuzz.py (a seeded loop of many more)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])


def fixture_pages() -> list[bytes]:
    return [path.read_bytes() for path in sorted(PAGES.glob("*.html"))]


def _at(page: bytes, rng: random.Random) -> int:
    return rng.randrange(len(page) + 1)


def insert_controls(page: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 20)):
        at = _at(page, rng)
        page = page[:at] + bytes(rng.choices(CONTROL_BYTES, k=rng.randint(1, 3))) + page[at:]
    return page


def truncate(page: bytes, rng: random.Random) -> bytes:
    return page[: _at(page, rng)]


def unbalance_tags(page: bytes, rng: random.Random) -> bytes:
    tags = [b"<div>", b"</div>", b"<p>", b"</p>", b"<table><tr><td>", b"</td></tr>", b"<br>", b"</article>", b"<!--", b"<script>"]
    for _ in range(rng.randint(1, 30)):
        at = _at(page, rng)
        page = page[:at] + rng.choice(tags) + page[at:]
    return page


def nest_deeply(page: bytes, rng: random.Random) -> bytes:
    depth = rng.choice([100, 1000, 5000])
    tag = rng.choice([b"div", b"span", b"b", b"li", b"table"])
    at = page.find(b"<body")
    at = page.find(b">", at) + 1 if at >= 0 else _at(page, rng)
    return page[:at] + (b"<" + tag + b">") * depth + b"deep text" + page[at:]


def huge_attribute(page: bytes, rng: random.Random) -> bytes:
    at = page.find(b"<p")
    at = at + 2 if at >= 0 else 0
    name = rng.choice([b"class", b"id", b"style", b"data-state", b"href"])
    return page[:at] + b" " + name + b'="' + b"x" * rng.choice([10_000, 300_000, 1_000_000]) + b'"' + page[at:]


def mix_encodings(page: bytes, rng: random.Random) -> bytes:
    """Stray single-byte text pasted into the page, or the whole page re-encoded under its old label."""
    text = page.decode("utf-8", errors="replace")
    if rng.random() < 0.5:
        codec = rng.choice(["cp1252", "cp1251", "latin-1", "utf-16", "koi8-r"])
        return text.encode(codec, errors="replace")
    for _ in range(rng.randint(1, 10)):
        at = _at(page, rng)
        page = page[:at] + rng.choice(["“quoted”", "Zürich", "Москва", "…"]).encode(rng.choice(["cp1252", "cp1251"]), errors="replace") + page[at:]
    return page


def xml_declaration(page: bytes, rng: random.Random) -> bytes:
    declaration = rng.choice([
        b'<?xml version="1.0" encoding="utf-8"?>\n',
        b"<?xml version='1.0' encoding='ISO-8859-1' standalone='yes'?>",
        b'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY a "&b;&b;&b;"><!ENTITY b "&c;&c;"><!ENTITY c SYSTEM "file:///etc/passwd">]>',
    ])
    return declaration + page


def flip_bytes(page: bytes, rng: random.Random) -> bytes:
    data = bytearray(page)
    for _ in range(rng.randint(1, 50)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    f.__name__: f
    for f in (insert_controls, truncate, unbalance_tags, nest_deeply, huge_attribute, mix_encodings, xml_declaration, flip_bytes)
}


def mutate(page: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One to three mutations in a row; their names and the page."""
    names = rng.sample(sorted(MUTATIONS), k=rng.randint(1, 3))
    for name in names:
        page = MUTATIONS[name](page, rng)
    return "+".join(names), page

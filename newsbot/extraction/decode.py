"""Bytes to text: which encoding a page is really in, with guards for the usual lies.

Order of evidence: byte-order mark > HTTP ``charset`` > ``<meta charset>`` /
http-equiv > detection. Two guards correct wrong labels: bytes that are valid
UTF-8 with non-ASCII sequences are UTF-8 whatever single-byte label they carry,
and a label under which the bytes do not decode is passed over (the next
evidence, then detection, decides). A UTF-8 page with a few stray bytes stays
UTF-8 whatever single-byte label it carries: only those bytes are repaired.
A ``<meta>`` that says UTF-16/32 was itself read as ASCII, so it means UTF-8 (as in WHATWG).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# A page whose undecodable bytes are at most this share of its non-ASCII
# characters is UTF-8 with stray bytes, not text in another encoding.
STRAY_BYTE_SHARE = 0.02
# Detection reads this many bytes: enough for any language, bounded for huge pages.
DETECT_BYTES = 64 * 1024


def _repair_stray(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode a stray byte as windows-1252 (smart quotes pasted from an editor), else U+FFFD."""
    bad = err.object[err.start : err.start + 1]
    return bad.decode("cp1252", errors="replace"), err.start + 1


codecs.register_error("newsbot-stray", _repair_stray)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    """Python codec name used."""
    evidence: str
    """Which evidence decided: bom, http, meta, utf8-guard, utf8-repaired or detected."""


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = resolve_encoding(label)
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


@lru_cache(maxsize=None)
def _is_single_byte(codec: str) -> bool:
    """True when no byte starts a multi-byte sequence: asked of the codec, so no list goes stale."""
    return all(codecs.getincrementaldecoder(codec)(errors="replace").decode(bytes([b])) for b in range(0x80, 0x100))


def _utf8_verdict(body: bytes) -> str:
    """'ascii', 'valid', 'stray' (valid UTF-8 but for a few bytes) or 'invalid'."""
    if body.isascii():
        return "ascii"
    try:
        body.decode("utf-8")
        return "valid"
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - body.count("\ufffd".encode())
    non_ascii = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return "stray" if non_ascii and bad <= STRAY_BYTE_SHARE * non_ascii else "invalid"


def _detect(body: bytes) -> str:
    """The likeliest codec; windows-1252 when nothing fits, as browsers default to it."""
    best = charset_normalizer.from_bytes(body[:DETECT_BYTES]).best()
    return (_codec(best.encoding) if best is not None else None) or "cp1252"


def _as_utf8(body: bytes, verdict: str, evidence: str) -> Decoded:
    """Decode bytes judged UTF-8; stray bytes are repaired one by one."""
    if verdict == "stray":
        return Decoded(body.decode("utf-8", errors="newsbot-stray"), "utf-8", "utf8-repaired")
    return Decoded(body.decode("utf-8"), "utf-8", evidence)


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML document's bytes to text; never raises on bad bytes."""
    bom, bom_bytes = read_bom(body)
    if bom:
        return Decoded(body[len(bom_bytes) :].decode(bom, errors="replace"), _codec(bom) or bom, "bom")

    verdict = _utf8_verdict(body)
    for evidence, label in (
        ("http", http_content_type_encoding(content_type) if content_type else None),
        ("meta", html_body_declared_encoding(body)),
    ):
        codec = _codec(label)
        if codec is None:
            continue
        if evidence == "meta" and codec.startswith(("utf-16", "utf-32")):
            codec = "utf-8"
        if verdict in ("valid", "stray") and (codec == "utf-8" or _is_single_byte(codec)):
            return _as_utf8(body, verdict, evidence if codec == "utf-8" else "utf8-guard")
        try:
            return Decoded(body.decode(codec), codec, evidence)
        except UnicodeDecodeError:
            continue  # the label is wrong: the next evidence decides
    if verdict != "invalid":
        return _as_utf8(body, verdict, "utf8-guard")
    codec = _detect(body)
    return Decoded(body.decode(codec, errors="replace"), codec, "detected")

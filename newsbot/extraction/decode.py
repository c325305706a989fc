"""Bytes to text: which encoding a page is really in, with guards for the usual lies.

Runs first, before parsing (stage 1 of docs/architecture.md's extraction stages).

Order of evidence: byte-order mark > HTTP ``charset`` > ``<meta charset>`` /
http-equiv > detection. Two guards correct wrong labels: bytes that are valid
UTF-8 with non-ASCII sequences are UTF-8 whatever single-byte label they carry,
and a label under which the bytes do not decode is passed over (the next
evidence, then detection, decides). A UTF-8 page with stray bytes (windows-1252
punctuation pasted in, a sequence cut short) stays UTF-8 whatever single-byte label it
carries: only those bytes are repaired, each as windows-1252. In a UTF-8 page (by its label,
the guard or detection; not one read by a BOM or with stray bytes) text that was decoded once
too often before it was saved (mojibake: ’ stored as â€™, é as Ã©) is mended by ftfy, on
the lines where a byte scan finds such sequences.
A ``<meta>`` that says UTF-16/32 was itself read as ASCII, so it means UTF-8 (as in WHATWG).
Control characters, which no page shows and no XML tree may hold, are dropped
(:func:`drop_controls`); text that is mostly control characters is binary data.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache
from itertools import groupby

import charset_normalizer
import ftfy
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# A page with at least this share of its non-ASCII runs (maximal runs of bytes >= 0x80)
# valid UTF-8 is UTF-8 with stray bytes. In single-byte text a run is valid UTF-8 only by
# a rare coincidence of byte values (under 2% of runs in cp1251 Russian or Ukrainian,
# cp1250 Polish, windows-1252 French); in a UTF-8 page every letter outside ASCII is one.
MIN_VALID_RUN_SHARE = 0.1
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
# Detection reads this many bytes: enough for any language, bounded for huge pages.
DETECT_BYTES = 64 * 1024


def _repair_stray(err: UnicodeError) -> tuple[str, int]:
    """Decode a stray byte as windows-1252 (smart quotes pasted from an editor), else U+FFFD."""
    if not isinstance(err, UnicodeDecodeError):  # registered for decoding only
        raise err
    bad = err.object[err.start : err.start + 1]
    return bad.decode("cp1252", errors="replace"), err.start + 1


codecs.register_error("newsbot-stray", _repair_stray)


# Characters XML (so lxml) refuses: C0 controls but tab and line breaks, surrogates (JSON
# escapes make lone ones), U+FFFE and U+FFFF. Vertical tab and form feed separate words.
_DROPPED = "\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_SPACING = "\x0b\x0c"
_CONTROLS = re.compile(f"[{_DROPPED}]")
_SPACING_CONTROLS = re.compile(f"[{_SPACING}]")
_ANY_CONTROL = re.compile(f"[{_DROPPED}{_SPACING}]")
# Text whose first characters are more than this share control or replacement characters
# is binary data (an image, an archive), not a page with a few stray control bytes.
MAX_CONTROL_SHARE = 0.05
BINARY_SNIFF_CHARS = 4096


def drop_controls(text: str) -> str:
    """``text`` without the characters no page shows and an XML tree cannot hold."""
    if not _ANY_CONTROL.search(text):  # one scan of a clean page's text
        return text
    return _SPACING_CONTROLS.sub(" ", _CONTROLS.sub("", text))


def looks_binary(text: str) -> bool:
    """Whether decoded text is binary data: a page with a few NULs is still a page."""
    head = text[:BINARY_SNIFF_CHARS]
    unreadable = len(_CONTROLS.findall(head)) + head.count("\ufffd")
    return unreadable > MAX_CONTROL_SHARE * len(head)


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


@cache
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
    runs = _NON_ASCII_RUN.findall(body.decode("utf-8", errors="replace"))
    valid = sum("\ufffd" not in run for run in runs)
    return "stray" if valid >= MIN_VALID_RUN_SHARE * len(runs) else "invalid"


def _detect(body: bytes) -> str:
    """The likeliest codec; windows-1252 when nothing fits, as browsers default to it."""
    best = charset_normalizer.from_bytes(body[:DETECT_BYTES]).best()
    return (_codec(best.encoding) if best is not None else None) or "cp1252"


def _as_utf8(body: bytes, verdict: str, evidence: str) -> Decoded:
    """Decode bytes judged UTF-8; stray bytes are repaired one by one."""
    if verdict == "stray":
        return Decoded(body.decode("utf-8", errors="newsbot-stray"), "utf-8", "utf8-repaired")
    if not _DOUBLE_ENCODED.search(body):
        return Decoded(body.decode("utf-8"), "utf-8", evidence)
    # ftfy reads only the runs of lines that hold such bytes (not a page's scripts and styles
    # around one mangled line), so a run re-encodes whole where the page mixes scripts
    parts = []
    for mangled, run in groupby(body.split(b"\n"), key=lambda line: _DOUBLE_ENCODED.search(line) is not None):
        text = b"\n".join(run).decode("utf-8")
        parts.append(ftfy.fix_encoding(text) if mangled else text)
    return Decoded("\n".join(parts), "utf-8", evidence)


# The UTF-8 bytes of UTF-8 text read as windows-1252 or latin-1 and encoded again. Each byte
# of a character became a character: a lead byte C2-DF became one of Â-ß, a lead byte E0-F4
# one of à-ô, and a continuation byte a C1 control or Latin-1 sign (U+0080-U+00BF) or, read as
# windows-1252, a punctuation mark (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ).
# Real text writes "groß“", "Namibië’", "přihlášení" or "Valencià" before a no-break space, so
# a two-byte character counts only before a Latin-1 sign (not the no-break space or soft hyphen),
# or after Â or Ã (the lead bytes C2 and C3 of the Latin-1 range: "ÃŸ" for ß, "Ã–" for Ö,
# "Â " for a no-break space), and a longer one only with two continuation characters ("â€™"
# for ’, "ðŸ˜ž" for 😞).
# The scan (0.1 ms a page) only gates ftfy, which decides whether re-encoding really gives
# better text (it leaves "« Déjà vu »", "café”" and other real text alone).
_CONTINUATION = rb"(?:\xc2[\x80-\xbf]|\xe2\x80[\x93-\xba]|\xe2\x82\xac|\xe2\x84\xa2|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c])"
_DOUBLE_ENCODED = re.compile(
    rb"\xc3[\x82-\x9f]\xc2[\x80-\x9f\xa1-\xac\xae-\xbf]|\xc3[\x82\x83]" + _CONTINUATION + rb"|\xc3[\xa0-\xb4]" + _CONTINUATION * 2
)


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML document's bytes to text; never raises on bad bytes."""
    bom, bom_bytes = read_bom(body)
    if bom and bom_bytes:
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

"""Charset decoding: which evidence wins, and the guards against the usual wrong labels.

Every case compares the whole decoded text with the string the bytes were made from,
so a wrong codec anywhere in the page (mojibake, a lost character) fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbot.extraction import extract
from newsbot.extraction.decode import _DOUBLE_ENCODED, decode_html, drop_controls

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"

RU_TEXT = (
    "Министр обороны США Эштон Картер объявил о новых переговорах с российскими военными. "
    "«Россия должна действовать профессионально в небе над Сирией и соблюдать основные правила "
    "безопасности», — заявил он в Бостоне. По его словам, ещё ничего не решено окончательно, "
    "но обсуждения продвигаются. Во вторник Минобороны России сообщило, что за сутки самолёты поразили 86 целей."
)
# KOI8-R has no guillemets and no em dash: the same news as a KOI8-R page would print it.
RU_KOI8_TEXT = RU_TEXT.translate(str.maketrans({"«": '"', "»": '"', "—": "-"}))
RU_TITLE = "Картер: военные США и России проведут переговоры в среду"


def page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Переговоры в среду</title></head><body><p>{text}</p></body></html>"


def http(charset: str) -> str:
    return f"text/html; charset={charset}"


def test_bom_wins_over_http_and_meta_labels() -> None:
    html = page(RU_TEXT, '<meta charset="windows-1251">')
    decoded = decode_html(b"\xef\xbb\xbf" + html.encode("utf-8"), http("koi8-r"))
    assert (decoded.text, decoded.encoding, decoded.evidence) == (html, "utf-8", "bom")


def test_utf16_bom_wins_over_a_single_byte_label() -> None:
    html = page(RU_TEXT)
    decoded = decode_html("\ufeff".encode("utf-16-le") + html.encode("utf-16-le"), http("windows-1251"))
    assert (decoded.text, decoded.evidence) == (html, "bom")


def test_http_charset_wins_over_meta() -> None:
    # Both labels are single-byte Cyrillic codecs, so only the evidence order decides.
    html = page(RU_KOI8_TEXT, '<meta charset="windows-1251">')
    decoded = decode_html(html.encode("koi8_r"), http("koi8-r"))
    assert (decoded.text, decoded.encoding, decoded.evidence) == (html, "koi8-r", "http")


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="koi8-r">',
        "<meta charset=KOI8-R>",
        '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">',
    ],
)
def test_meta_charset_and_http_equiv(meta: str) -> None:
    html = page(RU_KOI8_TEXT, meta)
    decoded = decode_html(html.encode("koi8_r"))
    assert (decoded.text, decoded.encoding, decoded.evidence) == (html, "koi8-r", "meta")


@pytest.mark.parametrize(("text", "codec"), [(RU_TEXT, "cp1251"), (RU_KOI8_TEXT, "koi8_r")])
def test_undeclared_cyrillic_single_byte_is_detected(text: str, codec: str) -> None:
    html = page(text)
    decoded = decode_html(html.encode(codec))
    assert (decoded.text, decoded.evidence) == (html, "detected")


def test_undeclared_utf8() -> None:
    html = page(RU_TEXT)
    decoded = decode_html(html.encode("utf-8"))
    assert (decoded.text, decoded.encoding) == (html, "utf-8")


def test_utf8_labelled_windows_1251_in_http_header() -> None:
    html = page(RU_TEXT)
    decoded = decode_html(html.encode("utf-8"), http("windows-1251"))
    assert (decoded.text, decoded.encoding, decoded.evidence) == (html, "utf-8", "utf8-guard")


def test_utf8_labelled_windows_1251_in_meta() -> None:
    html = page(RU_TEXT, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    decoded = decode_html(html.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.evidence) == (html, "utf-8", "utf8-guard")


def test_windows_1251_labelled_utf8_in_http_header() -> None:
    html = page(RU_TEXT)
    decoded = decode_html(html.encode("cp1251"), http("utf-8"))
    assert (decoded.text, decoded.encoding) == (html, "cp1251")


def test_windows_1251_labelled_utf8_in_meta() -> None:
    html = page(RU_TEXT, '<meta charset="utf-8">')
    decoded = decode_html(html.encode("cp1251"))
    assert (decoded.text, decoded.encoding) == (html, "cp1251")


def test_a_wrong_http_label_yields_to_the_meta_label() -> None:
    # The classic server default: HTTP says UTF-8, the page itself says (truly) windows-1251.
    html = page(RU_TEXT, '<meta charset="windows-1251">')
    decoded = decode_html(html.encode("cp1251"), http("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.evidence) == (html, "cp1251", "meta")


# Three windows-1252 bytes pasted into a UTF-8 page: curly quotes and an ellipsis.
STRAY_BYTES = (
    page(RU_TEXT)
    .encode("utf-8")
    .replace("в Бостоне".encode(), "в ".encode() + b"\x93" + "Бостоне".encode() + b"\x94")
    .replace("окончательно,".encode(), "окончательно".encode() + b"\x85,")
)
STRAY_REPAIRED = page(RU_TEXT.replace("в Бостоне", "в “Бостоне”").replace("окончательно,", "окончательно…,"))


@pytest.mark.parametrize("content_type", [None, http("utf-8"), http("windows-1251"), http("windows-1252")])
def test_utf8_with_stray_cp1252_bytes_repairs_only_those(content_type: str | None) -> None:
    decoded = decode_html(STRAY_BYTES, content_type)
    assert (decoded.text, decoded.encoding, decoded.evidence) == (STRAY_REPAIRED, "utf-8", "utf8-repaired")


def test_stray_byte_undefined_in_cp1252_becomes_replacement_character() -> None:
    body = page(RU_TEXT).encode("utf-8").replace(b"86", b"8\x816")
    assert decode_html(body).text == page(RU_TEXT.replace("86", "8\ufffd6"))


@pytest.mark.parametrize(
    ("content_type", "meta"),
    [(http("x-no-such-charset"), ""), (None, '<meta charset="bogus-8">'), (http("nonsense"), '<meta charset="bogus">')],
)
def test_unknown_label_falls_back(content_type: str | None, meta: str) -> None:
    html = page(RU_TEXT, meta)
    decoded = decode_html(html.encode("cp1251"), content_type)
    assert (decoded.text, decoded.encoding, decoded.evidence) == (html, "cp1251", "detected")
    decoded = decode_html(html.encode("utf-8"), content_type)
    assert (decoded.text, decoded.encoding) == (html, "utf-8")


def test_meta_utf16_means_utf8() -> None:
    # The declaration was readable as ASCII, so the page cannot be UTF-16 (WHATWG treats it as UTF-8).
    html = page(RU_TEXT, '<meta charset="utf-16">')
    decoded = decode_html(html.encode("utf-8"))
    assert (decoded.text, decoded.encoding) == (html, "utf-8")


def test_multi_byte_label_is_used_when_bytes_fit_it() -> None:
    html = page("東京で会談が行われた。両国の国防相は水曜日に再び協議する。", '<meta charset="shift_jis">')
    decoded = decode_html(html.encode("shift_jis"))
    assert (decoded.text, decoded.encoding, decoded.evidence) == (html, "cp932", "meta")


def test_empty_input() -> None:
    assert decode_html(b"").text == ""


@pytest.mark.parametrize("content_type", [None, http("windows-1252"), http("koi8-r")])
def test_ascii_input(content_type: str | None) -> None:
    html = "<html><head><title>Talks on Wednesday</title></head><body><p>US and Russian military talks.</p></body></html>"
    assert decode_html(html.encode("ascii"), content_type).text == html


@pytest.mark.parametrize(
    ("name", "encoding", "evidence"),
    [("seed_ru_cp1251", "cp1251", "meta"), ("seed_ru_utf8_labelled_1251", "utf-8", "utf8-guard")],
)
def test_fixture_pages_decode(name: str, encoding: str, evidence: str) -> None:
    body = (PAGES / f"{name}.html").read_bytes()
    decoded = decode_html(body)
    assert (decoded.encoding, decoded.evidence) == (encoding, evidence)
    assert extract(body, "https://tengrinews.kz/world_news/282211/").title == RU_TITLE


FR_TEXT = "« Déjà vu », dit le chef du café “Zürich” — 20 € le menu, n° 3 à l’œil."
# (On a page that mixes clean and mangled text, ftfy mends the sequences it knows: accented
# letters, quotes, dashes, € and °; a mangled Œ or ™ beside clean Cyrillic stays as it is.)


def _read_as_windows_1252(text: str) -> str:
    """UTF-8 bytes read as windows-1252, as browsers read it (WHATWG: 81 8D 8F 90 9D are C1 controls)."""
    return "".join(chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252") for b in text.encode("utf-8"))


def test_double_encoded_utf8_is_mended() -> None:
    # UTF-8 read as windows-1252 and saved as UTF-8 again: the page shows "Â« DÃ©jÃ  vu Â»"
    mangled = page(_read_as_windows_1252(FR_TEXT))
    assert "DÃ©jÃ" in mangled and "â€œZÃ¼richâ€\x9d" in mangled
    decoded = decode_html(mangled.encode("utf-8"), "text/html; charset=utf-8")
    assert decoded.text == page(FR_TEXT)


def test_real_text_with_latin_letters_and_typographic_marks_is_not_mended() -> None:
    for text in (FR_TEXT, RU_TEXT):
        decoded = decode_html(page(text).encode("utf-8"), "text/html; charset=utf-8")
        assert decoded.text == page(text)


@pytest.mark.parametrize("text", ["dramatisch groß“", "Namibië’: “Ze", "přihlášení", "Valencià\xa0", "Jehó\xadva", "c’é…", "Rußland", "Österreich"])
def test_the_mojibake_scan_passes_over_real_text_and_finds_its_mojibake(text: str) -> None:
    # the scan gates ftfy (≈ 100 ms on a large page): real letters before punctuation do not open it ...
    assert _DOUBLE_ENCODED.search(text.encode("utf-8")) is None
    # ... their mojibake does ("RuÃŸland", "Ã–sterreich", "ValenciÃ\xa0Â\xa0")
    assert _DOUBLE_ENCODED.search(_read_as_windows_1252(text).encode("utf-8")) is not None


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("line\tone\r\nline two\n", "line\tone\r\nline two\n"),  # tab and line breaks stay
        ("a\x0bb\x0cc", "a b c"),  # vertical tab and form feed separate words
        ("a\x00b\x1fc\x08d", "abcd"),  # other C0 controls go
        ("x\ud800y\ufffez\uffff", "xyz"),  # lone surrogates, U+FFFE and U+FFFF go
        ("a\x00b\x0bc", "ab c"),  # both kinds in one text
        ("plain text, no controls", "plain text, no controls"),
    ],
)
def test_drop_controls_keeps_what_xml_can_hold(text: str, want: str) -> None:
    assert drop_controls(text) == want

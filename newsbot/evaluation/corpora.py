"""Evaluation corpora on disk: the fundus layout (``index.json``) and newsbot's ``fixtures/pages`` layout."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from lxml import etree

from ..extraction import ExtractionError
from ..extraction.core import parse_html
from ..extraction.decode import decode_html
from ..extraction.record import normal_paragraph

FUNDUS_INDEX = "index.json"
Layout = Literal["fundus", "pages"]
Half = Literal["check", "tuning"]


class CorpusError(ValueError):
    """The directory is not a readable corpus in a known layout."""


def split_half(publisher: str) -> Half:
    """``check`` when the first byte of sha256(publisher key) is even, else ``tuning``.

    Whole publishers fall on one side, so tuning on one page of a site cannot
    lift the check score through its sister pages; a hash keeps the split the
    same on every machine and as the corpus grows.
    """
    return "check" if hashlib.sha256(publisher.encode()).digest()[0] % 2 == 0 else "tuning"


@dataclass(frozen=True)
class Page:
    """One corpus page and its gold record; the HTML stays on disk until a worker reads it."""

    layout: Layout
    key: str
    """Path relative to the corpus root: the page's name in reports."""
    path: Path
    url: str
    title: str
    body: str
    """Gold body text, paragraphs separated by a blank line."""
    encoding: str | None = None
    """The encoding the corpus guarantees for its pages (fundus: UTF-8); None leaves it to each system."""
    publisher: str | None = None
    """``<country>/<Publisher>`` in the fundus layout."""
    lead: str | None = None
    """Gold lead (``fixtures/pages`` layout only)."""
    must_not_contain: tuple[str, ...] = ()
    """Boilerplate that must not leak into title or body (``fixtures/pages`` layout only)."""
    authors: tuple[str, ...] | None = None
    """Gold authors (fundus layout); None where the gold has none, so the page is not scored on them."""
    published: str | None = None
    """Gold publishing date, ISO-like (fundus: ``YYYY-MM-DD HH:MM:SS+TZ``); None where the gold has none."""
    topics: tuple[str, ...] | None = None
    """Gold keywords, compared with the record's ``tags`` (fundus layout); None where the gold has none."""

    @property
    def half(self) -> Half | None:
        return split_half(self.publisher) if self.publisher else None

    def read_html(self) -> bytes:
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.path.suffix == ".gz" else data


@dataclass(frozen=True)
class Corpus:
    root: Path
    layout: Layout
    pages: list[Page]


def load_corpus(root: Path) -> Corpus:
    """Recognise the layout: ``index.json`` means fundus, ``NAME.html`` + ``NAME.json`` pairs mean fixture pages."""
    if (root / FUNDUS_INDEX).is_file():
        return Corpus(root, "fundus", load_fundus(root))
    if root.is_dir() and any(root.glob("*.html")) and any(root.glob("*.json")):
        return Corpus(root, "pages", load_pages(root))
    raise CorpusError(
        f"{root}: not a corpus: expected {FUNDUS_INDEX} (fundus layout) or NAME.html + NAME.json pairs (fixtures/pages)"
    )


def load_fundus(root: Path) -> list[Page]:
    """Pages of ``index.json`` (``"<country>/<file>.html.gz" -> {publisher, url, title, articleBody, …}``)."""
    try:
        index = json.loads((root / FUNDUS_INDEX).read_text("utf-8"))
        pages = [
            Page(
                layout="fundus",
                key=key,
                path=root / key,
                url=record["url"],
                title=record["title"],
                body=record["articleBody"],
                encoding="utf-8",
                publisher=f"{PurePosixPath(key).parent}/{record['publisher']}",
                authors=_strings(record.get("authors")),
                published=record.get("publishing_date") or None,
                topics=_strings(record.get("topics")),
            )
            for key, record in sorted(index.items())
        ]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CorpusError(f"{root / FUNDUS_INDEX}: unreadable index: {err!r}") from err
    missing = [page.key for page in pages if not page.path.is_file()]
    if missing:
        raise CorpusError(f"{root}: {len(missing)} indexed pages missing, e.g. {missing[0]}")
    return pages


def _strings(value: list[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


def load_pages(root: Path) -> list[Page]:
    """``NAME.html`` + ``NAME.json`` pairs (keys url, title, lead, body: [paragraph, …], must_not_contain)."""
    html = {path.stem: path for path in root.glob("*.html")}
    records = {path.stem: path for path in root.glob("*.json")}
    unpaired = sorted(set(html) ^ set(records))
    if unpaired:
        raise CorpusError(f"{root}: files without their pair (NAME.html + NAME.json): {', '.join(unpaired)}")
    pages = []
    for name in sorted(html):
        try:
            record = json.loads(records[name].read_text("utf-8"))
            pages.append(
                Page(
                    layout="pages",
                    key=html[name].name,
                    path=html[name],
                    url=record["url"],
                    title=record["title"],
                    body="\n\n".join(record["body"]),
                    lead=record.get("lead"),
                    must_not_contain=tuple(record.get("must_not_contain") or ()),
                )
            )
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise CorpusError(f"{records[name]}: unreadable record: {err!r}") from err
    return pages


def title_on_page(html: bytes, title: str) -> bool:
    """Whether the gold title is the whole text of some element or the content of some meta tag.

    Only such titles can be found by reading the page, so title scores are
    also reported on these pages alone: the rest measure the gold, not the extractor.
    """
    want = normal_paragraph(title)
    if not want:
        return False
    try:
        tree = parse_html(decode_html(html).text)
    except ExtractionError:
        return False
    for element in tree.iter(etree.Element):
        text = element.get("content") if element.tag == "meta" else element.text_content()
        if text and normal_paragraph(text) == want:
            return True
    return False

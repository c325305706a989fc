"""Evaluation corpora on disk: the fundus and WCXB layouts (``index.json``) and newsbot's ``fixtures/pages`` layout."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from lxml import etree

from ..extraction import ExtractionError
from ..extraction.decode import decode_html
from ..extraction.page import parse_html
from ..extraction.record import normal_paragraph

FUNDUS_INDEX = "index.json"
WCXB_TRUTH = "ground-truth"
Layout = Literal["fundus", "wcxb", "pages"]
Half = Literal["check", "tune"]
Metric = Literal["shingles", "words"]
FUNDUS_GROUPS = Path(__file__).with_name("fundus_groups.json")


class CorpusError(ValueError):
    """The directory is not a readable corpus in a known layout."""


def split_half(key: str) -> Half:
    """``check`` when the first byte of sha256(key) is even, else ``tune``.

    A hash keeps the split the same on every machine and as the corpus grows
    (WCXB's ``index.json`` splits its hosts the same way).
    """
    return "check" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "tune"


def _publisher_groups() -> dict[str, str]:
    """Publisher -> its owner/CMS group (``fundus_groups.json``)."""
    groups = json.loads(FUNDUS_GROUPS.read_text("utf-8"))["groups"]
    return {publisher: group for group, members in groups.items() for publisher in members}


def publisher_half(publisher: str, groups: dict[str, str] | None = None) -> Half:
    """The half of a fundus publisher: its owner/CMS group's, else its own.

    Publishers sharing an owner or a CMS share markup and boilerplate, so the
    whole group falls on one side: tuning on one member cannot lift the check
    score through its siblings.
    """
    groups = _publisher_groups() if groups is None else groups
    return split_half(groups.get(publisher, publisher))


@dataclass(frozen=True)
class CorpusPage:
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
    """``<country>/<Publisher>`` in the fundus layout, the host in the WCXB layout."""
    half: Half | None = None
    """Which half of a split corpus the page is in: tune on ``tune``, read ``check`` only to report."""
    page_type: str | None = None
    """WCXB's page type (article, listing, collection, product, service, documentation, forum)."""
    metric: Metric = "shingles"
    """The corpus's own body metric: fundus token 4-gram shingles, WCXB bags of lower-cased words."""
    lead: str | None = None
    """Gold lead (``fixtures/pages`` layout only)."""
    must_not_contain: tuple[str, ...] = ()
    """Boilerplate that must not leak into title or body (``fixtures/pages`` layout only)."""
    authors: tuple[str, ...] | None = None
    """Gold authors (fundus: a list; WCXB: one string, scored by containment); None where the gold has none."""
    published: str | None = None
    """Gold publishing date, ISO-like (fundus: ``YYYY-MM-DD HH:MM:SS+TZ``); None where the gold has none."""
    topics: tuple[str, ...] | None = None
    """Gold keywords, compared with the record's ``tags`` (fundus layout); None where the gold has none."""
    with_snippets: tuple[str, ...] = ()
    """WCXB: snippets a correct extraction contains."""
    without_snippets: tuple[str, ...] = ()
    """WCXB: boilerplate snippets a correct extraction leaves out."""

    def read_html(self) -> bytes:
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.path.suffix == ".gz" else data


@dataclass(frozen=True)
class Corpus:
    root: Path
    layout: Layout
    pages: list[CorpusPage]


def load_corpus(root: Path) -> Corpus:
    """Recognise the layout: ``index.json`` with ``ground-truth/`` means WCXB, ``index.json`` alone fundus,
    ``NAME.html`` + ``NAME.json`` pairs fixture pages."""
    if (root / FUNDUS_INDEX).is_file() and (root / WCXB_TRUTH).is_dir():
        return Corpus(root, "wcxb", load_wcxb(root))
    if (root / FUNDUS_INDEX).is_file():
        return Corpus(root, "fundus", load_fundus(root))
    if root.is_dir() and any(root.glob("*.html")) and any(root.glob("*.json")):
        return Corpus(root, "pages", load_pages(root))
    raise CorpusError(
        f"{root}: not a corpus: expected {FUNDUS_INDEX} (fundus layout) or NAME.html + NAME.json pairs (fixtures/pages)"
    )


def load_fundus(root: Path) -> list[CorpusPage]:
    """Pages of ``index.json`` (``"<country>/<file>.html.gz" -> {publisher, url, title, articleBody, …}``)."""
    try:
        index = json.loads((root / FUNDUS_INDEX).read_text("utf-8"))
        groups = _publisher_groups()
        pages = [
            CorpusPage(
                layout="fundus",
                key=key,
                path=root / key,
                url=record["url"],
                title=record["title"],
                body=record["articleBody"],
                encoding="utf-8",
                publisher=(publisher := f"{PurePosixPath(key).parent}/{record['publisher']}"),
                half=publisher_half(publisher, groups),
                authors=_strings(record.get("authors")),
                published=record.get("publishing_date") or None,
                topics=_strings(record.get("topics")),
            )
            for key, record in sorted(index.items())
        ]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CorpusError(f"{root / FUNDUS_INDEX}: unreadable index: {err!r}") from err
    return _all_present(root, pages)


def load_wcxb(root: Path) -> list[CorpusPage]:
    """Pages of WCXB's layout: ``index.json`` (id -> url, page_type, host, half), ``html/<id>.html.gz`` and
    ``ground-truth/<id>.json`` (``ground_truth``: title, author, publish_date, main_content, with, without)."""
    try:
        index = json.loads((root / FUNDUS_INDEX).read_text("utf-8"))
        pages = []
        for key, entry in sorted(index.items()):
            gold = json.loads((root / WCXB_TRUTH / f"{key}.json").read_text("utf-8"))["ground_truth"]
            path = root / "html" / f"{key}.html.gz"
            pages.append(
                CorpusPage(
                    layout="wcxb",
                    key=key,
                    path=path,
                    url=entry.get("url") or path.resolve().as_uri(),  # (a few pages have no URL: as a saved file)
                    title=gold.get("title") or "",
                    body=gold.get("main_content") or "",
                    publisher=entry["host"],
                    half=entry["half"],
                    page_type=entry["page_type"],
                    metric="words",
                    authors=(gold["author"],) if gold.get("author") else None,
                    published=gold.get("publish_date") or None,
                    with_snippets=tuple(gold.get("with") or ()),
                    without_snippets=tuple(gold.get("without") or ()),
                )
            )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CorpusError(f"{root}: unreadable WCXB corpus: {err!r}") from err
    return _all_present(root, pages)


def _all_present(root: Path, pages: list[CorpusPage]) -> list[CorpusPage]:
    """The pages, once each indexed page's file is known to be there: a partial corpus gives partial scores."""
    missing = [page.key for page in pages if not page.path.is_file()]
    if missing:
        raise CorpusError(f"{root}: {len(missing)} indexed pages missing, e.g. {missing[0]}")
    return pages


def _strings(value: list[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


def load_pages(root: Path) -> list[CorpusPage]:
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
                CorpusPage(
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

"""``newsbot eval``: run every system over a corpus in one go, score each page, summarise per part of the corpus."""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from . import metric
from .corpora import Corpus, Page, title_on_page
from .fields import FieldSummary, score_fields, summarize_fields
from .systems import SYSTEMS, Extracted, System

WORKERS = 2
"""Page-level parallelism: the target machine has 2 cores, and pages are independent."""


@dataclass(frozen=True)
class Timed:
    extracted: Extracted
    seconds: float
    error: str | None = None
    """``Type: message`` of the exception the system raised; the page then scores as an empty prediction."""


def _named(err: Exception) -> str:
    return f"{type(err).__name__}: {err}"


def timed_extract(system: System, document: str | bytes, url: str) -> Timed:
    """One timed extraction call; a crash becomes an empty prediction so one bad page cannot stop a run."""
    start = time.perf_counter()
    try:
        extracted = system.extract(document, url)
    except Exception as err:  # noqa: BLE001 - any crash is a result to report, not a reason to stop
        return Timed(Extracted(""), time.perf_counter() - start, _named(err))
    return Timed(extracted, time.perf_counter() - start)


def _run(system: System, page: Page, html: bytes) -> Timed:
    """The system on one page: its input, the timed call, then its untimed metadata call.
    A crash in any of them is the page's error, scored as an empty prediction."""
    try:
        document = system.prepare(page, html)
    except Exception as err:  # noqa: BLE001 - as in timed_extract (a corpus page that is not in its declared encoding)
        return Timed(Extracted(""), 0.0, _named(err))
    run = timed_extract(system, document, page.url)
    if system.metadata is None or run.error is not None:
        return run
    try:
        return replace(run, extracted=replace(run.extracted, metadata=system.metadata(document, page.url)))
    except Exception as err:  # noqa: BLE001 - as in timed_extract
        return replace(run, extracted=Extracted(""), error=_named(err))


@dataclass(frozen=True)
class SystemScore:
    """One system on one page."""

    body: metric.BodyScore
    title_match: bool
    seconds: float
    error: str | None
    missing: list[str]
    """Gold text the prediction lacks (sample)."""
    extra: list[str]
    """Predicted text the gold lacks (sample)."""
    lead_once: bool | None
    """``fixtures/pages`` layout, systems that give a lead; else None."""
    leaked: list[str] | None
    """``must_not_contain`` strings found in title or body (``fixtures/pages`` layout); else None."""
    fields: dict[str, bool | None]
    """Metadata field -> hit, None where the page has no gold for it (see :mod:`.fields`)."""


@dataclass(frozen=True)
class PageScore:
    page: Page
    title_on_page: bool
    systems: dict[str, SystemScore]


def score_page(page: Page) -> PageScore:
    """Run every system on one page and score it (runs in a worker process).

    A page that cannot be read, or that a system raises on, is scored as an empty
    prediction with its error: one bad page never stops a run.
    """
    unreadable = None
    try:
        html = page.read_html()
    except (OSError, EOFError, zlib.error) as err:  # missing, truncated or corrupt file
        html, unreadable = b"", _named(err)
    fixture = page.layout == "pages"
    scores = {}
    for system in SYSTEMS:
        run = Timed(Extracted(""), 0.0, unreadable) if unreadable is not None else _run(system, page, html)
        got = run.extracted
        meta = got.metadata
        fields = score_fields(meta, page)
        scores[system.name] = SystemScore(
            body=metric.score_body(got.body, page.body),
            title_match=bool(fields["title"]),
            seconds=run.seconds,
            error=run.error,
            missing=metric.unmatched_text(page.body, got.body),
            extra=metric.unmatched_text(got.body, page.body),
            lead_once=metric.lead_once(got.lead, got.body, page.lead) if fixture and system.leads else None,
            leaked=metric.leaked(meta.title, got.body, page.must_not_contain) if fixture else None,
            fields=fields,
        )
    return PageScore(page, title_on_page(html, page.title), scores)


@dataclass(frozen=True)
class SystemSummary:
    """One system on one part of the corpus."""

    body: metric.BodySummary
    title: float
    title_on_page: float
    """Title exact match on the pages whose gold title is readable from the page (see :func:`title_on_page`)."""
    title_on_page_pages: int
    errors: int
    seconds: float
    """Time spent in the system's extraction calls (summed over workers)."""
    lead_once: float | None
    noise_free: float | None
    fields: dict[str, FieldSummary]
    """Metadata hit rates per field over the pages with gold for it."""


def _share(flags: Sequence[bool | None]) -> float | None:
    known = [flag for flag in flags if flag is not None]
    return sum(known) / len(known) if known else None


def summarize(pages: Sequence[PageScore], system: str) -> SystemSummary:
    scores = [page.systems[system] for page in pages]
    on_page = [page.systems[system].title_match for page in pages if page.title_on_page]
    return SystemSummary(
        body=metric.summarize_bodies([score.body for score in scores]),
        title=_share([score.title_match for score in scores]) or 0.0,
        title_on_page=_share(on_page) or 0.0,
        title_on_page_pages=len(on_page),
        errors=sum(score.error is not None for score in scores),
        seconds=sum(score.seconds for score in scores),
        lead_once=_share([score.lead_once for score in scores]),
        noise_free=_share([None if score.leaked is None else not score.leaked for score in scores]),
        fields=summarize_fields([score.fields for score in scores]),
    )


def parts(pages: Sequence[PageScore]) -> dict[str, list[PageScore]]:
    """The parts a corpus is reported on: its check and tuning halves when it has publishers, and the whole."""
    halves: dict[str, list[PageScore]] = {"check": [], "tuning": []}
    for page in pages:
        if page.page.half is not None:
            halves[page.page.half].append(page)
    return {**{name: part for name, part in halves.items() if part}, "all": list(pages)}


@dataclass(frozen=True)
class Report:
    corpus: Corpus
    pages: list[PageScore]
    summaries: dict[str, dict[str, SystemSummary]]
    """part -> system -> summary."""


def evaluate(corpus: Corpus, workers: int = WORKERS) -> Report:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pages = list(pool.map(score_page, corpus.pages))
    summaries = {
        part: {system.name: summarize(scored, system.name) for system in SYSTEMS} for part, scored in parts(pages).items()
    }
    return Report(corpus, pages, summaries)


"""``newsbot eval``: run every system over a corpus in one go, score each page, summarise per part of the corpus."""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from ..progress import Progress
from . import metric
from .corpora import Corpus, CorpusPage, title_on_page
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


def _run(system: System, page: CorpusPage, html: bytes) -> Timed:
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
    title_match: bool | None
    """None where the page has no gold title."""
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
    with_found: float | None = None
    """WCXB: share of the page's must-have snippets in the body; None without snippets."""
    without_found: float | None = None
    """WCXB: share of the page's boilerplate snippets in the body (lower is better); None without snippets."""


@dataclass
class RuleAudit:
    """What one removal rule took from a part of a corpus, and how much of it the gold keeps."""

    removals: int = 0
    chars: int = 0
    false_chars: float = 0.0
    """Removed characters the gold text keeps (each removal weighted by its share found in the gold)."""
    examples: list[tuple[float, str]] = field(default_factory=list)
    """(false characters, text) of the removals the gold keeps most of."""

    EXAMPLES = 3

    def add(self, other: RuleAudit) -> None:
        self.removals += other.removals
        self.chars += other.chars
        self.false_chars += other.false_chars
        self.examples = sorted(self.examples + other.examples, reverse=True)[: self.EXAMPLES]

    @property
    def false_share(self) -> float:
        return self.false_chars / self.chars if self.chars else 0.0


def kept_by_gold(text: str, gold: str, predicted: str) -> float:
    """Share of a removed text that the gold keeps and the prediction lacks: of its word 4-grams, or all or
    nothing for a text of fewer than four words (counted when it is a whole line of the gold more often than
    of the prediction, so a lone 'Share' is not story text because the story says 'share'). Removing one copy
    of a repeated block the prediction still holds is no loss."""
    words = metric.tokens(text.lower())
    if len(words) < metric.SHINGLE:
        line = " ".join(words)

        def count(document: str) -> int:
            return sum(" ".join(metric.tokens(row.lower())) == line for row in document.splitlines())

        return 1.0 if words and count(gold) > count(predicted) else 0.0
    removed = metric.shingles(words)
    lacking = metric.shingles(metric.tokens(gold.lower())) - metric.shingles(metric.tokens(predicted.lower()))
    return sum((removed & lacking).values()) / sum(removed.values())


def audit_removals(removals: Sequence[tuple[str, str]], gold: str, predicted: str) -> dict[str, RuleAudit]:
    """Per rule (``template:<signature>`` counted as ``template``), what it removed and what of it the gold
    keeps but the prediction lacks (the false removals)."""
    audits: dict[str, RuleAudit] = {}
    for rule, text in removals:
        share = kept_by_gold(text, gold, predicted)
        audit = audits.setdefault(rule.split(":", 1)[0], RuleAudit())
        audit.add(RuleAudit(1, len(text), share * len(text), [(share * len(text), text)] if share else []))
    return audits


@dataclass(frozen=True)
class PageScore:
    page: CorpusPage
    title_on_page: bool
    systems: dict[str, SystemScore]
    audit: dict[str, RuleAudit] = field(default_factory=dict)
    """newsbot's removals on this page, per rule (empty for systems that do not say what they removed)."""


def score_page(page: CorpusPage) -> PageScore:
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
    score_body = metric.SCORERS[page.metric]
    scores = {}
    audit: dict[str, RuleAudit] = {}
    for system in SYSTEMS:
        run = Timed(Extracted(""), 0.0, unreadable) if unreadable is not None else _run(system, page, html)
        got = run.extracted
        meta = got.metadata
        fields = score_fields(meta, page)
        if got.removals:
            audit = audit_removals(got.removals, page.body, got.body)
        scores[system.name] = SystemScore(
            body=score_body(got.body, page.body),
            title_match=fields["title"],
            seconds=run.seconds,
            error=run.error,
            missing=metric.unmatched_text(page.body, got.body),
            extra=metric.unmatched_text(got.body, page.body),
            lead_once=metric.lead_once(got.lead, got.body, page.lead) if fixture and system.leads else None,
            leaked=metric.leaked(meta.title, got.body, page.must_not_contain) if fixture else None,
            fields=fields,
            with_found=metric.snippet_share(got.body, page.with_snippets),
            without_found=metric.snippet_share(got.body, page.without_snippets),
        )
    return PageScore(page, title_on_page(html, page.title), scores, audit)


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
    with_found: float | None = None
    """Mean share of must-have snippets found (WCXB)."""
    without_found: float | None = None
    """Mean share of boilerplate snippets found (WCXB; lower is better)."""


def _share(values: Sequence[bool | float | None]) -> float | None:
    known = [value for value in values if value is not None]
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
        with_found=_share([score.with_found for score in scores]),
        without_found=_share([score.without_found for score in scores]),
    )


def parts(pages: Sequence[PageScore]) -> dict[str, list[PageScore]]:
    """The parts a corpus is reported on: its check and tune halves when it has them, the whole, and
    for typed corpora (WCXB) each page type, whole and by half."""
    split: dict[str, list[PageScore]] = {"check": [], "tune": []}
    for page in pages:
        if page.page.half is not None:
            split[page.page.half].append(page)
    for page in sorted(pages, key=lambda p: p.page.page_type or ""):
        if (kind := page.page.page_type) is not None:
            split.setdefault(kind, []).append(page)
            if page.page.half is not None:
                split.setdefault(f"{kind}/{page.page.half}", []).append(page)
    return {**{name: part for name, part in split.items() if part}, "all": list(pages)}


def audit_parts(pages: Sequence[PageScore]) -> dict[str, dict[str, RuleAudit]]:
    """The removal audit summed over each part of :func:`parts`: part -> rule -> audit."""
    audits: dict[str, dict[str, RuleAudit]] = {}
    for name, part in parts(pages).items():
        summed: dict[str, RuleAudit] = {}
        for page in part:
            for rule, audit in page.audit.items():
                summed.setdefault(rule, RuleAudit()).add(audit)
        audits[name] = summed
    return audits


@dataclass(frozen=True)
class Report:
    corpus: Corpus
    pages: list[PageScore]
    summaries: dict[str, dict[str, SystemSummary]]
    """part -> system -> summary."""
    audits: dict[str, dict[str, RuleAudit]]
    """part -> newsbot rule -> what it removed (see :func:`audit_removals`)."""


def evaluate(corpus: Corpus, workers: int = WORKERS, progress: Progress | None = None) -> Report:
    """Score every page of ``corpus`` in ``workers`` processes; ``progress`` counts the pages as they come in."""
    pages = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for page in pool.map(score_page, corpus.pages):
            pages.append(page)
            if progress is not None:
                progress.advance()
    summaries = {
        part: {system.name: summarize(scored, system.name) for system in SYSTEMS} for part, scored in parts(pages).items()
    }
    return Report(corpus, pages, summaries, audit_parts(pages))


"""The eval report, as a table for people and as JSON (per-page scores too) for tools."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from .harness import PageScore, Report, SystemScore, SystemSummary
from .metric import LOW_F1
from .systems import BASELINE, NEWSBOT

WORST = 10
"""How many of newsbot's worst pages the text report shows."""
AUDIT_RULES = 12
"""How many rules the removal audit shows, worst first."""

LEGEND = (
    "P, R: mean page precision over pages with a prediction, recall over pages with a gold body; F1: of those two "
    "means (shingle corpora), or the mean page F1 (WCXB, its own convention); WCXB counts lower-cased words, the "
    "others token 4-gram shingles.\n"
    "strictP: P with an empty prediction counted as 0.  title: exact match after NFC and white-space collapse;  "
    "title*: the same on the (n) pages whose gold title is an element's text or a meta content of the page.\n"
    f"F1<{LOW_F1}: pages under that page F1.  seconds: time in the extraction calls, summed over workers."
)

FIELDS_LEGEND = (
    "authors, topics (against the record's tags): equal as sets after NFC, white-space collapse and case folding.\n"
    "published: the same minute when both dates carry a time zone, else the same calendar day as written;  "
    "published_instant: only pages whose gold carries a time zone, a hit needs a zone and the same minute."
)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def headline_f1(report: Report, s: SystemSummary) -> float:
    """The F1 a corpus is reported by: WCXB averages page F1s, the shingle corpora take F1 of the mean P and R."""
    return s.body.page_f1 if report.corpus.layout == "wcxb" else s.body.f1


def _row(report: Report, system: str, part: str, s: SystemSummary, fixture: bool) -> list[str]:
    b = s.body
    row = [system, part, str(b.pages), _num(b.precision), _num(b.recall), _num(headline_f1(report, s)), _num(b.exact)]
    row += [_num(b.strict_precision), _num(s.title), f"{_num(s.title_on_page)} ({s.title_on_page_pages})"]
    if fixture:
        row += [_num(s.lead_once), _num(s.noise_free)]
    return row + [str(b.low_f1), str(s.errors), f"{s.seconds:.1f}"]


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]


def _header(report: Report) -> list[str]:
    corpus = report.corpus
    lines = [f"newsbot eval: {corpus.root} ({corpus.layout} layout, {len(corpus.pages)} pages)"]
    halves = [part for part in report.summaries if part in ("check", "tune")]
    if halves:
        described = []
        for part in halves:
            pages = [p.page for p in report.pages if p.page.half == part]
            described.append(f"{part} half {len(pages)} pages / {len({p.publisher for p in pages})} publishers")
        lines.append("  split by publisher (first byte of sha256 even: check): " + ", ".join(described))
        if corpus.layout == "fundus":
            lines.append("  publishers sharing an owner or a CMS split as one (newsbot/evaluation/fundus_groups.json)")
    return lines


def _fields(report: Report) -> list[str]:
    """Metadata hit rates on the whole corpus, fields without gold left out."""
    rows = [["system", "field", "pages with gold", "hits", "rate"]]
    for name, summary in report.summaries["all"].items():
        rows += [[name, field, str(s.pages), str(s.hits), _num(s.rate)] for field, s in summary.fields.items() if s.pages]
    return ["metadata fields, whole corpus:", *_table(rows), FIELDS_LEGEND]


def _worst(report: Report) -> list[str]:
    imperfect = [p for p in report.pages if p.systems[NEWSBOT.name].body.f1 < 1.0]
    ranked = sorted(imperfect, key=lambda p: (p.systems[NEWSBOT.name].body.f1, p.page.key))[:WORST]
    if not ranked:
        return [f"{NEWSBOT.name}: every page scores F1 1.000"]
    lines = [f"{len(ranked)} worst {NEWSBOT.name} pages (page F1, P, R; pages at F1 1.000 left out):"]
    for scored in ranked:
        s = scored.systems[NEWSBOT.name]
        lines.append(f"  {s.body.f1:.3f}  P {s.body.precision:.3f}  R {s.body.recall:.3f}  {scored.page.key}  {scored.page.url}")
        if s.error:
            lines.append(f"      error:   {s.error}")
        lines.append("      missing: " + (" | ".join(s.missing) or "-"))
        lines.append("      extra:   " + (" | ".join(s.extra) or "-"))
    return lines


def _page_notes(report: Report, heading: str, note: Callable[[SystemScore], str | None]) -> list[str]:
    """Per system, a ``heading`` (formatted with ``name`` and ``count``) over the pages ``note`` says something about."""
    lines = []
    for name in report.summaries["all"]:
        noted = [(p.page.key, text) for p in report.pages if (text := note(p.systems[name])) is not None]
        if noted:
            lines.append(heading.format(name=name, count=len(noted)))
            lines += [f"  {key}: {text}" for key, text in noted]
    return lines


def _errors(report: Report) -> list[str]:
    heading = "{name} raised on {count} page(s) (scored as empty predictions):"
    return _page_notes(report, heading, lambda s: s.error or None)


def _leaks(report: Report) -> list[str]:
    heading = "{name} let boilerplate through on {count} page(s):"
    return _page_notes(report, heading, lambda s: " | ".join(s.leaked) if s.leaked else None)


def render_text(report: Report) -> str:
    fixture = report.corpus.layout == "pages"
    head = ["system", "part", "pages", "P", "R", "F1", "exact", "strictP", "title", "title* (n)"]
    head += ["lead-once", "noise-free"] if fixture else []
    head += [f"F1<{LOW_F1}", "errors", "seconds"]
    rows = [head]
    for name in report.summaries["all"]:
        rows += [_row(report, name, part, systems[name], fixture) for part, systems in report.summaries.items()]
    sections = [_header(report), _table(rows), [LEGEND], _fields(report), _worst(report), _errors(report), _leaks(report)]
    sections.append(render_audit(report))
    return "\n\n".join("\n".join(section) for section in sections if section)


def _field_rate(s: SystemSummary, name: str) -> str:
    return _num(s.fields[name].rate) if name in s.fields else "-"


def render_comparison(reports: list[Report]) -> str:
    """Every corpus and part in one table, newsbot beside the same-run baseline."""
    nb, tf = NEWSBOT.name, BASELINE.name
    rows = [["corpus", "part", "pages", "nb P", "nb R", "nb F1", "tf F1", "ΔF1", "title nb/tf", "authors nb/tf",
             "date nb/tf", "with nb/tf", "without nb/tf"]]  # fmt: skip
    for report in reports:
        for part, systems in report.summaries.items():
            a, b = systems[nb], systems[tf]
            f1a, f1b = headline_f1(report, a), headline_f1(report, b)
            rows.append([
                report.corpus.root.name, part, str(a.body.pages), _num(a.body.precision), _num(a.body.recall),
                _num(f1a), _num(f1b), f"{f1a - f1b:+.3f}", f"{_num(a.title)}/{_num(b.title)}",
                f"{_field_rate(a, 'authors')}/{_field_rate(b, 'authors')}",
                f"{_field_rate(a, 'published')}/{_field_rate(b, 'published')}",
                f"{_num(a.with_found)}/{_num(b.with_found)}", f"{_num(a.without_found)}/{_num(b.without_found)}",
            ])  # fmt: skip
    legend = "nb: newsbot, tf: plain trafilatura.extract in the same run; with/without: WCXB snippet rates (without: lower is better)"
    return "\n".join(["all corpora, newsbot beside the baseline:", *_table(rows), legend])


def render_audit(report: Report, part: str = "all") -> list[str]:
    """The removal audit: per newsbot rule, what it removed over the corpus and the share the gold keeps."""
    audits = report.audits.get(part) or {}
    if not audits:
        return []
    ranked = sorted(audits.items(), key=lambda item: (-item[1].false_chars, item[0]))[:AUDIT_RULES]
    rows = [["rule", "removals", "chars", "gold keeps", "share"]]
    rows += [[rule, str(a.removals), str(a.chars), f"{a.false_chars:.0f}", _num(a.false_share)] for rule, a in ranked]
    lines = [f"removal audit ({report.corpus.root.name}, {part}; newsbot's rules, worst first; `newsbot extract --explain` shows them per page):"]
    lines += _table(rows)
    for rule, a in ranked:
        for chars, text in a.examples:
            if chars:
                lines.append(f"  {rule}: {chars:.0f} chars: {text if len(text) <= 120 else text[:119] + '…'}")
    return lines


def _page_json(scored: PageScore) -> dict[str, Any]:
    page = scored.page
    systems = {}
    for name, s in scored.systems.items():
        systems[name] = {**asdict(s), "body": {**asdict(s.body), "f1": s.body.f1}}
    return {
        "key": page.key,
        "url": page.url,
        "publisher": page.publisher,
        "half": page.half,
        "page_type": page.page_type,
        "title_on_page": scored.title_on_page,
        "systems": systems,
    }


def render_json(report: Report) -> dict[str, Any]:
    return {
        "corpus": str(report.corpus.root),
        "layout": report.corpus.layout,
        "summaries": {part: {name: asdict(s) for name, s in systems.items()} for part, systems in report.summaries.items()},
        "audit": {part: {rule: asdict(a) for rule, a in rules.items()} for part, rules in report.audits.items()},
        "pages": [_page_json(scored) for scored in report.pages],
    }

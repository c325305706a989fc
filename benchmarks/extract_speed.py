"""Extraction speed and body F1 of newsbot's extract against plain trafilatura, same pages, same process.

Run: python benchmarks/extract_speed.py [CORPUS ...] [--reps 1] [--sample N] [--profile 10]

Default corpora: ``../shared/corpora/fundus`` and ``../shared/corpora/wcxb-dev``.
Inputs are read and prepared (each system's input exactly as ``newsbot eval``
hands it over) before any timing; only the extraction calls are timed. Pages
are interleaved: each page is extracted by both systems back to back, the
order alternating from page to page, so that machine noise (other jobs, CPU
frequency) hits both alike. A warm-up pass over a few pages fills caches; each
system's time is the median over ``--reps`` timed passes, and its body scores
come from the first one (each corpus's own metric). Speed is reported as a
ratio to the same-run baseline because absolute numbers depend on the machine.
``--profile N`` then profiles one more pass of newsbot alone and prints its N
costliest functions by own time, the same pass's share of it spent inside
trafilatura, and the cumulative time of newsbot's own stages.

Each table also gives the time newsbot spends in its calls to trafilatura's main-text
step (``trafilatura.bare_extraction`` on the cleaned tree), clocked in the same timed
passes, as a share of newsbot's time and as a ratio to the baseline's whole time: that
call alone is the floor of newsbot's time while trafilatura's cascade is its engine.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trafilatura

from newsbot.evaluation.corpora import Corpus, load_corpus
from newsbot.evaluation.harness import Timed, timed_extract
from newsbot.evaluation.metric import SCORERS, BodySummary, summarize_bodies
from newsbot.evaluation.systems import BASELINE, NEWSBOT, System

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_CORPORA = (CORPORA / "fundus", CORPORA / "wcxb-dev")
"""``../shared/corpora/{fundus,wcxb-dev}`` relative to the repo root."""
SYSTEMS = (NEWSBOT, BASELINE)
WARM_UP_PAGES = 10


@dataclass(frozen=True)
class Input:
    """One page, prepared for every system, with its gold body and the corpus's body scorer."""

    url: str
    documents: dict[str, str | bytes]
    gold: str
    metric: str


def prepare(corpus: Corpus, sample: int | None) -> list[Input]:
    """Each page's input for each system, read before any timing; every ``len/sample``-th page with ``--sample``."""
    pages = corpus.pages
    if sample is not None and sample < len(pages):
        pages = pages[:: len(pages) // sample][:sample]
    inputs = []
    for page in pages:
        html = page.read_html()
        documents = {system.name: system.prepare(page, html) for system in SYSTEMS}
        inputs.append(Input(page.url, documents, page.body, page.metric))
    return inputs


def interleaved_pass(inputs: Sequence[Input]) -> dict[str, list[Timed]]:
    """One pass over the pages, both systems on each page in turn, first one way round, then the other."""
    runs: dict[str, list[Timed]] = {system.name: [] for system in SYSTEMS}
    for i, item in enumerate(inputs):
        for system in SYSTEMS if i % 2 == 0 else SYSTEMS[::-1]:
            runs[system.name].append(timed_extract(system, item.documents[system.name], item.url))
    return runs


@dataclass(frozen=True)
class Measured:
    seconds: float
    """Median over the timed passes of the seconds spent inside the extraction calls."""
    body: BodySummary
    errors: int


@contextmanager
def engine_clock() -> Iterator[list[float]]:
    """Seconds spent in newsbot's calls to ``trafilatura.bare_extraction``, one entry a call.

    newsbot's core calls it through the package attribute, which this wraps; plain
    ``trafilatura.extract`` calls its own module's function, so the baseline is not counted."""
    calls: list[float] = []
    original = trafilatura.bare_extraction

    def clocked(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            calls.append(time.perf_counter() - began)

    trafilatura.bare_extraction = clocked
    try:
        yield calls
    finally:
        trafilatura.bare_extraction = original


def measure(inputs: Sequence[Input], reps: int) -> tuple[dict[str, Measured], float]:
    """Each system's result, and the median over the passes of newsbot's seconds inside trafilatura's main-text step."""
    for item in inputs[:WARM_UP_PAGES]:
        for system in SYSTEMS:
            timed_extract(system, item.documents[system.name], item.url)
    passes, engine = [], []
    for _ in range(reps):
        with engine_clock() as calls:
            passes.append(interleaved_pass(inputs))
        engine.append(sum(calls))
    result = {}
    for system in SYSTEMS:
        first = passes[0][system.name]
        scores = summarize_bodies([SCORERS[item.metric](run.extracted.body, item.gold) for run, item in zip(first, inputs)])
        seconds = statistics.median(sum(run.seconds for run in runs[system.name]) for runs in passes)
        result[system.name] = Measured(seconds, scores, sum(run.error is not None for run in first))
    return result, statistics.median(engine)


def report(name: str, pages: int, megabytes: float, results: dict[str, Measured], engine: float, page_mean: bool) -> None:
    """One corpus's table; F1 as the corpus scores it (WCXB: the mean of page F1s, as ``newsbot eval``)."""
    print(f"\n{name}: {pages} pages, {megabytes:.1f} MB of HTML")
    print(f"{'system':<12} {'pages/s':>8} {'seconds':>8} {'P':>6} {'R':>6} {'F1':>6} {'errors':>6}")
    for system, m in results.items():
        print(
            f"{system:<12} {pages / m.seconds:8.1f} {m.seconds:8.2f} "
            f"{m.body.precision:6.3f} {m.body.recall:6.3f} {_f1(m.body, page_mean):6.3f} {m.errors:6d}"
        )
    ours, base = results[NEWSBOT.name], results[BASELINE.name]
    f1_ratio = _f1(ours.body, page_mean) / _f1(base.body, page_mean) if _f1(base.body, page_mean) else float("nan")
    print(f"ratio {NEWSBOT.name}/{BASELINE.name}: speed (pages/s) {base.seconds / ours.seconds:.2f}, F1 {f1_ratio:.3f}")
    print(
        f"{NEWSBOT.name}'s calls to trafilatura's main-text step: {engine:.2f} s, {engine / ours.seconds:.0%} of its time, "
        f"{engine / base.seconds:.2f}x the whole of {BASELINE.name}'s"
    )


def _f1(body: BodySummary, page_mean: bool) -> float:
    return body.page_f1 if page_mean else body.f1


def profile(system: System, inputs: Sequence[Input], top: int) -> None:
    """One pass of ``system`` under cProfile: its ``top`` costliest functions by own time, then where it sits."""
    profiler = cProfile.Profile()
    profiler.enable()
    for item in inputs:
        timed_extract(system, item.documents[system.name], item.url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries = stats.stats  # type: ignore[attr-defined]  # {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    total = sum(entry[2] for entry in entries.values())
    print(f"\nprofile of {system.name}, one pass over {len(inputs)} pages: {total:.2f} s of own time")
    print(f"{'own s':>7} {'share':>6} {'calls':>8}  function")
    for (path, line, func), (_, calls, own, _, _) in sorted(entries.items(), key=lambda kv: -kv[1][2])[:top]:
        print(f"{own:7.2f} {own / total:6.1%} {calls:8d}  {_short(path)}:{line}({func})")
    inside = sum(entry[2] for (path, _, _), entry in entries.items() if "/trafilatura/" in path or "/justext/" in path)
    print(f"own time inside trafilatura (and justext): {inside:.2f} s, {inside / total:.1%}")
    stages = sorted(
        ((cum, f"{_short(path)}:{line}({func})") for (path, line, func), (_, _, _, cum, _) in entries.items() if "/newsbot/extraction/" in path),
        reverse=True,
    )
    print("newsbot's extraction functions by cumulative time:")
    for cum, name in stages[:top]:
        print(f"{cum:7.2f} {cum / total:6.1%}  {name}")


def _short(path: str) -> str:
    """A profiled function's file, from its package on: ``trafilatura/core.py``, ``newsbot/extraction/core.py``."""
    for marker, keep in (("/site-packages/", ""), ("/newsbot/", "newsbot/"), ("/lib/python", "")):
        if marker in path:
            return keep + path.split(marker, 1)[1]
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=Path, nargs="*", default=list(DEFAULT_CORPORA), help="corpus directories (default: fundus and wcxb-dev)")
    parser.add_argument("--reps", type=int, default=1, help="timed interleaved passes (default: %(default)s)")
    parser.add_argument("--sample", type=int, help="only this many pages of each corpus, spread evenly")
    parser.add_argument("--profile", type=int, default=10, metavar="N", help="print newsbot's N costliest functions (0: no profile)")
    args = parser.parse_args()

    everything: list[Input] = []
    for root in args.corpora:
        corpus = load_corpus(root)
        inputs = prepare(corpus, args.sample)
        megabytes = sum(len(item.documents[NEWSBOT.name]) for item in inputs) / 1e6
        results, engine = measure(inputs, args.reps)
        report(str(root), len(inputs), megabytes, results, engine, page_mean=corpus.layout == "wcxb")
        everything += inputs
    print(f"\none process; warm-up of {WARM_UP_PAGES} pages, then the median of {args.reps} interleaved passes")
    if args.profile:
        profile(NEWSBOT, everything, args.profile)


if __name__ == "__main__":
    main()

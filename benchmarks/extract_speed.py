"""Extraction speed and body F1 of newsbot's extract against plain trafilatura, same pages, same process.

Run: python benchmarks/extract_speed.py [--corpus ../shared/corpora/fundus] [--reps 3]

Inputs are read and prepared (each system's input exactly as ``newsbot eval``
hands it over) before any timing; only the extraction calls are timed. A
warm-up pass fills caches and gives the outputs that are scored; the speed is
the median of the timed passes. Speed is reported as a ratio to the same-run
baseline because absolute numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from newsbot.evaluation.corpora import load_corpus
from newsbot.evaluation.harness import Timed, timed_extract
from newsbot.evaluation.metric import BodySummary, score_body, summarize_bodies
from newsbot.evaluation.systems import BASELINE, NEWSBOT, System

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "fundus"
"""``../shared/corpora/fundus`` relative to the repo root."""


def one_pass(system: System, inputs: list[tuple[str | bytes, str]]) -> tuple[float, list[Timed]]:
    """Seconds spent inside the extraction calls of one pass over all inputs, and their results."""
    runs = [timed_extract(system, document, url) for document, url in inputs]
    return sum(run.seconds for run in runs), runs


def measure(system: System, inputs: list[tuple[str | bytes, str]], golds: list[str], reps: int) -> tuple[float, BodySummary, int]:
    """Median pass time, body scores of the warm-up outputs, and the number of pages the system raised on."""
    _, runs = one_pass(system, inputs)
    times = [one_pass(system, inputs)[0] for _ in range(reps)]
    scores = summarize_bodies([score_body(run.extracted.body, gold) for run, gold in zip(runs, golds)])
    return statistics.median(times), scores, sum(run.error is not None for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory (default: %(default)s)")
    parser.add_argument("--reps", type=int, default=3, help="timed passes per system (default: %(default)s)")
    args = parser.parse_args()

    corpus = load_corpus(args.corpus)
    html = [page.read_html() for page in corpus.pages]
    golds = [page.body for page in corpus.pages]
    results = {}
    for system in (NEWSBOT, BASELINE):
        inputs = [(system.prepare(page, data), page.url) for page, data in zip(corpus.pages, html)]
        results[system.name] = measure(system, inputs, golds, args.reps)

    megabytes = sum(map(len, html)) / 1e6
    print(f"{len(html)} pages ({megabytes:.1f} MB of HTML) from {args.corpus}; one process, warm-up + median of {args.reps} passes")
    print(f"{'system':<12} {'pages/s':>8} {'seconds':>8} {'P':>6} {'R':>6} {'F1':>6} {'errors':>6}")
    for name, (seconds, body, errors) in results.items():
        print(
            f"{name:<12} {len(html) / seconds:8.1f} {seconds:8.2f} {body.precision:6.3f} {body.recall:6.3f} {body.f1:6.3f} {errors:6d}"
        )
    (ours, our_body, _), (base, base_body, _) = results[NEWSBOT.name], results[BASELINE.name]
    print(
        f"ratio {NEWSBOT.name}/{BASELINE.name}: speed (pages/s) {base / ours:.2f}, "
        f"F1 {our_body.f1 / base_body.f1 if base_body.f1 else float('nan'):.3f}"
    )


if __name__ == "__main__":
    main()

"""Language detectors whose model ships in their wheel, on hand-checked Fundus pages: accuracy, speed, load time, memory.

Run: python benchmarks/language_detectors.py [--corpus ../shared/corpora/fundus] [--reps 1]
Needs lingua, which is not a newsbot dependency: pip install lingua-language-detector==2.1.1

Every detector reads the same texts in one process: the gold article body and
newsbot's extracted body of each labelled page (fixtures/languages), cut to
200 characters (the least newsbot hands a detector), 2000 (what it hands
today) and whole. Texts are prepared before any timing. Per page, "first" is
the first pass over the texts (it includes lingua's lazy model loading) and
"warm" the median of the later passes; model load is timed apart. Memory is
measured in a fresh process per detector (load + one pass), because freed
models do not hand their pages back to a long-lived process.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lingua import IsoCode639_1, LanguageDetectorBuilder
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsbot.evaluation.corpora import CorpusPage, load_corpus
from newsbot.evaluation.fields import same_language
from newsbot.extraction import ExtractionError, extract

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "fundus"
LABELS = REPO / "fixtures" / "languages" / "fundus_languages.json"
LENGTHS = (200, 2000, None)
"""Characters handed to the detector; None: the whole text."""
SHOWN = 6
"""Misses listed per detector and text set."""
ISSUE_LANGUAGES = ("en", "ru", "kk", "uk", "de", "fr", "es", "it", "pt", "tr", "ar", "zh")
"""The languages issue 3 names for share bars: a plausible fixed set for a restricted detector."""

Detect = Callable[[str], str | None]


@dataclass(frozen=True)
class Model:
    detect: Detect
    release: Callable[[], None] = lambda: None
    """Frees what the model holds: lingua keeps its n-gram tables in caches shared by every detector of the process."""


def _py3langid(two_letter: bool) -> Model:
    """A fresh identifier (not the module's shared one, which newsbot may already have loaded)."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    if two_letter:
        # Its 140 labels include ISO 639-3 codes (wuu, yue, zxx…) that a record's ISO 639-1 field cannot hold.
        identifier.set_languages([code for code in identifier.labels if len(code) == 2])
    return Model(lambda text: identifier.classify(text)[0])


def _lingua(languages: Sequence[str] | None = None, low_accuracy: bool = False, preload: bool = False) -> Model:
    if languages is None:
        builder = LanguageDetectorBuilder.from_all_languages()
    else:
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(getattr(IsoCode639_1, code.upper()) for code in languages))
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    if preload:
        builder = builder.with_preloaded_language_models()
    detector = builder.build()

    def detect(text: str) -> str | None:
        language = detector.detect_language_of(text)
        return language.iso_code_639_1.name.lower() if language is not None else None

    return Model(detect, detector.unload_language_models)


DETECTORS: dict[str, Callable[[], Model]] = {
    "py3langid": lambda: _py3langid(two_letter=False),
    "py3langid 2-letter": lambda: _py3langid(two_letter=True),
    "lingua": lambda: _lingua(),
    "lingua preloaded": lambda: _lingua(preload=True),
    "lingua low": lambda: _lingua(low_accuracy=True),
    "lingua low preloaded": lambda: _lingua(low_accuracy=True, preload=True),
    "lingua 12 languages": lambda: _lingua(ISSUE_LANGUAGES),
}
"""Name -> model factory; "low" is lingua's low-accuracy mode, "12 languages" is restricted to :data:`ISSUE_LANGUAGES`."""


def newsbot_body(page: CorpusPage) -> str:
    try:
        return extract(page.read_html(), page.url).body
    except ExtractionError:
        return ""


def cut(text: str, length: int | None) -> str:
    return text if length is None else text[:length]


@dataclass(frozen=True)
class Run:
    accuracy: float
    wrong: list[tuple[str, str, str | None]]
    """(page, label, detected) for every miss."""
    first_ms: float
    warm_ms: float


def run(detect: Detect, keys: list[str], texts: list[str], labels: dict[str, str], reps: int) -> Run:
    """Per-page milliseconds of the first pass and the median later pass; accuracy of the first pass's answers."""

    def one_pass() -> tuple[float, list[str | None]]:
        start = time.perf_counter()
        answers = [detect(text) for text in texts]
        return (time.perf_counter() - start) * 1000 / len(texts), answers

    first, answers = one_pass()
    warm = statistics.median(one_pass()[0] for _ in range(reps))
    wrong = [(key, labels[key], got) for key, got in zip(keys, answers) if not same_language(got, labels[key])]
    return Run(1 - len(wrong) / len(keys), wrong, first, warm)


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _memory(name: str, texts: list[str], out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    before = _rss_mb()
    model = DETECTORS[name]()
    for text in texts:
        model.detect(text)
    out.put(_rss_mb() - before)


def memory_mb(name: str, texts: list[str]) -> float:
    """RSS growth of a fresh process that loads the model and reads every text once."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_memory, args=(name, texts, queue))
    process.start()
    grown = queue.get()
    process.join()
    return grown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="fundus corpus directory (default: %(default)s)")
    parser.add_argument("--labels", type=Path, default=LABELS, help="page -> ISO 639-1 labels (default: %(default)s)")
    parser.add_argument("--reps", type=int, default=1, help="warm passes per detector and text set (default: %(default)s)")
    args = parser.parse_args()

    labels: dict[str, str] = json.loads(args.labels.read_text("utf-8"))
    pages = [page for page in load_corpus(args.corpus).pages if page.key in labels]
    keys = [page.key for page in pages]
    inputs = {"gold": [page.body for page in pages], "newsbot": [newsbot_body(page) for page in pages]}

    print(f"{len(pages)} labelled pages from {args.corpus}; one process, first pass + median of {args.reps} warm pass(es)")
    rows = [["detector", "text", "chars", "accuracy", "wrong", "first ms/page", "warm ms/page"]]
    loads: dict[str, float] = {}
    misses: dict[str, list[tuple[str, str, str | None]]] = {}
    for name, build in DETECTORS.items():
        start = time.perf_counter()
        model = build()
        loads[name] = time.perf_counter() - start
        for text_name, texts in inputs.items():
            for length in LENGTHS:
                result = run(model.detect, keys, [cut(text, length) for text in texts], labels, args.reps)
                chars = "all" if length is None else str(length)
                rows.append([name, text_name, chars, f"{result.accuracy:.3f}", str(len(result.wrong)),
                             f"{result.first_ms:.2f}", f"{result.warm_ms:.2f}"])
                if length == 2000:
                    misses[f"{name} / {text_name}"] = result.wrong
        model.release()
    _print_table(rows)

    print("\nmodel load and memory (fresh process: load + one pass over the gold texts, 2000 chars):")
    gold = [cut(text, 2000) for text in inputs["gold"]]
    memory_rows = [["detector", "load s", "RSS MB"]]
    memory_rows += [[name, f"{loads[name]:.2f}", f"{memory_mb(name, gold):.0f}"] for name in DETECTORS]
    _print_table(memory_rows)

    print(f"\nmisses at 2000 chars (page: label -> detected; at most {SHOWN} each):")
    for name, wrong in misses.items():
        shown = "; ".join(f"{key}: {label} -> {got}" for key, label, got in wrong[:SHOWN]) or "none"
        print(f"  {name}: {shown}" + (f"; … {len(wrong) - SHOWN} more" if len(wrong) > SHOWN else ""))


def _print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))


if __name__ == "__main__":
    main()

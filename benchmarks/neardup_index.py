"""Near-duplicate index cost: fingerprint speed, lookup speed and memory per article, as ratios to same-run baselines.

Run: python benchmarks/neardup_index.py [--corpus ../shared/corpora/fundus] [--entries 5000]

Bodies are the corpus's gold article texts, recombined (random paragraphs from random
articles, seeded) until there are ``--entries`` distinct ones, so the index holds realistic
text without near-duplicates of each other. Baselines, measured in the same run:
fingerprinting against the exact-duplicate hash every record already carries
(``content_hash``), index memory against the signature bytes a store keeps, lookups in the
last quarter of the run against the first (does the index slow down as it fills?).
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from pathlib import Path

from newsbot.evaluation.corpora import load_corpus
from newsbot.extraction.record import content_hash
from newsbot.fingerprint import Fingerprint, NearDuplicateIndex

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "fundus"
"""``../shared/corpora/fundus`` relative to the repo root."""


def bodies(corpus: Path, count: int, seed: int = 1) -> list[str]:
    paragraphs = [p for page in load_corpus(corpus).pages for p in page.body.split("\n\n") if len(p.split()) >= 10]
    rng = random.Random(seed)
    return ["\n\n".join(rng.sample(paragraphs, k=rng.randint(4, 12))) for _ in range(count)]


def seconds(fn, items: list) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory (default: %(default)s)")
    parser.add_argument("--entries", type=int, default=5000, help="articles to index (default: %(default)s)")
    args = parser.parse_args()

    texts = bodies(args.corpus, args.entries)
    words = sum(len(text.split()) for text in texts) / len(texts)
    print(f"{len(texts)} bodies of {words:.0f} words on average, recombined from {args.corpus}")

    hashed = seconds(lambda text: content_hash(text.split("\n\n")), texts)
    fingerprinted = seconds(Fingerprint.of, texts)
    print(
        f"fingerprint: {len(texts) / fingerprinted:.0f} bodies/s;"
        f" time ratio to content_hash {fingerprinted / hashed:.1f}"
    )

    index = NearDuplicateIndex(max_entries=len(texts))
    quarter = len(texts) // 4
    times, found = [], 0
    for n, text in enumerate(texts):
        start = time.perf_counter()
        found += index.check_and_add(f"{n:064x}", text) is not None
        times.append(time.perf_counter() - start)
    print(
        f"check_and_add (fingerprint included): {quarter / sum(times[-quarter:]):6.0f} /s in the last quarter;"
        f" ratio to the first quarter {sum(times[-quarter:]) / sum(times[:quarter]):5.2f}"
    )

    # Memory in a second pass: tracemalloc slows everything it watches.
    signatures = [NearDuplicateIndex.signature(text) for text in texts]
    tracemalloc.start()
    index = NearDuplicateIndex(max_entries=len(texts))
    index.load((f"{n:064x}", signature, None) for n, signature in enumerate(signatures))
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    signature = sum(map(len, signatures)) / len(signatures)
    per_entry = current / len(index)
    default_entries = NearDuplicateIndex().max_entries
    print(
        f"memory: {per_entry / 1024:.1f} KB per entry (tracemalloc); ratio to its signature bytes ({signature:.0f})"
        f" {per_entry / signature:.1f}; {per_entry * default_entries / 2**20:.0f} MB at the default"
        f" max_entries={default_entries}"
    )
    print(f"called duplicates among {len(texts)} recombined bodies: {found} (a few can share most paragraphs)")

if __name__ == "__main__":
    main()

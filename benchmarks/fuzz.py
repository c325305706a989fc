"""Fuzz the extraction core: fixture pages broken the ways real pages break, plus random bytes.

Run: python benchmarks/fuzz.py [COUNT] [--seed N]   (COUNT defaults to 20000)

Each case must give an Article or raise ExtractionError, with no control character in
title or body; anything else is a failure, printed with its case number and mutations
(the same seed replays it). Prints the failures, the ten slowest pages with their sizes,
and how many pages of at most 5 MB took longer than the 2 s target.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from mutations import fixture_pages, mutate  # noqa: E402 - shared with tests/test_fuzz.py

from newsbot.extraction import ExtractionError, extract  # noqa: E402

URL = "https://news.example/world/2025/04/story-262421/"
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
TARGET_BYTES = 5_000_000
TARGET_S = 2.0


def case(rng: random.Random, pages: list[bytes]) -> tuple[str, bytes]:
    if rng.random() < 0.1:
        return "random_bytes", rng.randbytes(rng.randint(0, 4096))
    return mutate(rng.choice(pages), rng)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng, pages = random.Random(args.seed), fixture_pages()
    failures: list[str] = []
    timings: list[tuple[float, int, int, str]] = []
    outcomes = {"article": 0, "flagged": 0, "ExtractionError": 0}
    start = time.perf_counter()
    for number in range(args.count):
        name, body = case(rng, pages)
        began = time.perf_counter()
        try:
            article = extract(body, URL)
            bad = [t for t in (article.title or "", article.body) if CONTROLS.search(t)]
            if bad:
                failures.append(f"#{number} {name}: control character in {bad[0][:80]!r}")
            outcomes["article" if article.is_article else "flagged"] += 1
        except ExtractionError:
            outcomes["ExtractionError"] += 1
        except Exception as err:  # noqa: BLE001 - the point: anything else is a failure to report
            failures.append(f"#{number} {name}: {type(err).__name__}: {err}"[:300])
        timings.append((time.perf_counter() - began, len(body), number, name))
    total = time.perf_counter() - start
    print(f"{args.count} cases in {total:.0f} s (seed {args.seed}): " + ", ".join(f"{k} {v}" for k, v in outcomes.items()))
    print(f"failures: {len(failures)}")
    for line in failures:
        print("  " + line)
    print("slowest pages:")
    for seconds, size, number, name in sorted(timings, reverse=True)[:10]:
        print(f"  {seconds:6.2f} s  {size:>10,} bytes  #{number} {name}")
    slow = [t for t in timings if t[1] <= TARGET_BYTES and t[0] > TARGET_S]
    print(f"pages <= {TARGET_BYTES // 1_000_000} MB over {TARGET_S:.0f} s: {len(slow)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

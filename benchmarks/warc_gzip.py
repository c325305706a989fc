"""CPU and size of the WARC's gzip members at each zlib level, on the corpus pages' HTML.

Run: python benchmarks/warc_gzip.py [--pages 300] [--corpora ../shared/corpora]

A crawl compresses every fetched page once, in its reactor thread (``newsbot.warc.GZIP_LEVEL``).
Prints, per level, milliseconds a page and the compressed size as a share of the HTML, and both
as ratios to level 6 (gzip's default) and 9 (warcio's), measured in this one process.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from newsbot.evaluation.corpora import load_corpus
from newsbot.warc import GZIP_LEVEL, gzip_member

REPO = Path(__file__).resolve().parents[1]
LEVELS = (1, 2, 3, 4, 6, 9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="pages, half from each corpus")
    parser.add_argument("--corpora", type=Path, default=REPO.parent / "shared" / "corpora")
    args = parser.parse_args()
    pages = [p.read_html() for name in ("fundus", "wcxb-dev") for p in load_corpus(args.corpora / name).pages[: args.pages // 2]]
    html = sum(map(len, pages))
    results = {}
    for level in LEVELS:
        began = time.process_time()
        size = sum(len(gzip_member(page, level)) for page in pages)
        results[level] = ((time.process_time() - began) / len(pages) * 1000, size / html)
    print(f"{len(pages)} pages, {html / len(pages) / 1000:.0f} KB of HTML a page; newsbot writes at level {GZIP_LEVEL}")
    print("level  ms/page  size/HTML  CPU vs 6  size vs 6")
    for level, (ms, share) in results.items():
        print(f"{level:5}  {ms:7.2f}  {share:9.3f}  {ms / results[6][0]:8.2f}  {share / results[6][1]:9.2f}")


if __name__ == "__main__":
    main()

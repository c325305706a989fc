"""Memory stays flat: RSS growth between the 1,000th and the last page of a long multi-site stream.

Feeds ``--pages`` distinct URLs spread over ``--sites`` hosts (the fixture
site's articles under rotating host names, so every site gets its own
template) through newsbot's crawl-time path: ``learn`` into a template store
in a temporary state directory, then ``extract`` with that store. Plain
``trafilatura.extract`` over the same stream, first, in the same process,
is the baseline. The issue's bound: newsbot's RSS grows by less than 50 MB
between page 1,000 and page 10,000.

    python benchmarks/memory.py [--pages 10000] [--sites 200]
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import trafilatura

from newsbot.extraction import extract, learn
from newsbot.state.template_store import SqliteTemplateStore

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "fixtures" / "site"
CHECKPOINT = 1000
LIMIT_MB = 50.0


def rss_mb() -> float:
    """Resident set size of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def stream(pages: int, sites: int) -> Iterator[tuple[bytes, str]]:
    """``pages`` distinct (body, URL) pairs over ``sites`` hosts, round-robin."""
    manifest = json.loads((SITE / "manifest.json").read_text(encoding="utf-8"))
    articles = [(path, (SITE / path).read_bytes()) for path in sorted(manifest["articles"])]
    for n in range(pages):
        base = f"http://news{n % sites}.example"
        path, body = articles[n % len(articles)]
        url = f"{base}/{n // sites}/{path}"
        yield body.replace(b"__BASE__", f"{base}/{n // sites}".encode()), url


def run(name: str, step: Callable[[bytes, str], object], pages: int, sites: int) -> tuple[float, float, float]:
    """RSS at the checkpoint and at the end, and seconds, for one system over the stream."""
    gc.collect()
    start, at_checkpoint = time.perf_counter(), 0.0
    for n, (body, url) in enumerate(stream(pages, sites), start=1):
        step(body, url)
        if n == CHECKPOINT:
            gc.collect()
            at_checkpoint = rss_mb()
    gc.collect()
    end = rss_mb()
    seconds = time.perf_counter() - start
    print(f"{name:12} {at_checkpoint:10.1f} {end:10.1f} {end - at_checkpoint:+10.1f} {pages / seconds:8.1f}")
    return at_checkpoint, end, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=200)
    args = parser.parse_args()
    print(f"{args.pages} distinct URLs over {args.sites} sites; RSS in MB at page {CHECKPOINT} and at the end")
    print(f"{'system':12} {'@' + str(CHECKPOINT):>10} {'@end':>10} {'growth':>10} {'pages/s':>8}")
    run("trafilatura", lambda body, url: trafilatura.extract(body, url=url, include_comments=False), args.pages, args.sites)
    with tempfile.TemporaryDirectory() as state:
        store = SqliteTemplateStore(state)

        def newsbot(body: bytes, url: str) -> None:
            learn(body, url, store)
            extract(body, url, templates=store)

        first, last, _ = run("newsbot", newsbot, args.pages, args.sites)
        size = sum(f.stat().st_size for f in Path(state).iterdir()) / 2**20
        store.close()
    growth = last - first
    print(f"newsbot RSS growth {growth:+.1f} MB (bound {LIMIT_MB:.0f} MB): {'within' if growth < LIMIT_MB else 'OVER'}")
    print(f"template store on disk: {size:.1f} MB")
    return 0 if growth < LIMIT_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())

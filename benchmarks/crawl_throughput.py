"""Crawl throughput: pages/s of a whole crawl of real article pages on 127.0.0.1, against extract-only on one core.

Run: python benchmarks/crawl_throughput.py [--workers N] [--pages 2000] [--corpora ../shared/corpora]

The site is every fundus page and every WCXB-dev article page, as saved (HTML served as-is),
each at a distinct path (``/a/<copy>/<n>.html``), repeated until there are ``--pages`` of them,
all listed in one sitemap the benchmark writes. One ``newsbot crawl SITEMAP`` (fresh state, every
default but politeness: AutoThrottle off, DOWNLOAD_DELAY 0, 32 requests per site; robots meta not
respected, so every page is extracted) crawls it with ``NEWSBOT_EXTRACT_WORKERS=N`` (default: the
crawl's own default, one per core). Printed:

- pages/s over the crawl time (spider open to close, from the run summary) and over the wall
  time (process start-up included);
- the ratio to extract-only: plain ``newsbot.extraction.extract`` over the same bytes, same
  URLs and headers, in this one process, measured just before the crawl;
- CPU seconds a page, of extract-only and of the crawl (its process and its workers, user +
  system), and the speed-up those allow on the machine's cores when nothing else runs: on a
  shared, loaded machine the measured ratio says as much about the other jobs as about newsbot;
- RSS of the crawl's processes (the crawl and its workers, summed; sampled every 0.1 s): after
  the server has served 1,000 pages, after all pages (the last sample with as many processes as
  then, before the workers are stopped: every page is extracted by then), peak.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsbot.evaluation.corpora import load_fundus, load_wcxb
from newsbot.extraction import ExtractionError, extract
from newsbot.fixture_site import serve

REPO = Path(__file__).resolve().parents[1]
NEWSBOT = Path(sys.executable).parent / "newsbot"
HEADERS = {"content-type": "text/html"}  # what the fixture server sends for .html: no charset, as many sites
SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "NEWSBOT_RESPECT_ROBOTS_META": False,
            "LOG_LEVEL": "WARNING"}  # fmt: skip
CHECKPOINT = 1000
SAMPLE_S = 0.1


def corpus_pages(corpora: Path) -> list[bytes]:
    """The saved HTML of every fundus page and every WCXB-dev article page."""
    pages = load_fundus(corpora / "fundus") + [p for p in load_wcxb(corpora / "wcxb-dev") if p.page_type == "article"]
    return [page.read_html() for page in pages]


def build_site(folder: Path, pages: list[bytes], count: int) -> list[str]:
    """``count`` pages at distinct paths (the corpus repeated), and a sitemap listing them; their paths."""
    paths = []
    for n in range(count):
        path = f"a/{n // len(pages)}/{n % len(pages)}.html"
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(pages[n % len(pages)])
        paths.append(path)
    entries = "".join(f"<url><loc>__BASE__/{path}</loc></url>\n" for path in paths)
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n",
        encoding="utf-8",
    )
    (folder / "index.html").write_text("<!DOCTYPE html><title>Throughput site</title><p>See sitemap.xml.</p>\n")  # the server's root
    return paths


def extract_only(folder: Path, base_url: str, paths: list[str]) -> tuple[float, float, int]:
    """Seconds and CPU seconds for plain ``extract`` over every page's bytes in this process (file reads
    included, a small share), and how many pages it could not read."""
    failed = 0
    began, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        try:
            extract((folder / path).read_bytes(), f"{base_url}/{path}", HEADERS)
        except ExtractionError:
            failed += 1
    return time.perf_counter() - began, time.process_time() - cpu, failed


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # gone between listing and reading
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)


def tree_rss_mb(pid: int) -> tuple[float, int]:
    """RSS of ``pid`` and all its descendants (the crawl and its extraction workers), from /proc, and how
    many processes that is."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":  # an exited worker not reaped yet holds no memory: not part of the tree
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo, processes = 0, [pid], 0
    while todo:
        current = todo.pop()
        total += _rss_kb(current)
        processes += 1
        todo += children.get(current, [])
    return total / 1024, processes


@dataclass
class Crawl:
    pages: int
    crawl_s: float
    wall_s: float
    cpu_s: float
    rss_checkpoint: float | None
    rss_end: float
    rss_peak: float
    summary: dict


def crawl(base_url: str, root: Path, workers: int | None, served: list[str]) -> Crawl:
    settings = {**SETTINGS, **({"NEWSBOT_EXTRACT_WORKERS": workers} if workers is not None else {})}
    command = [str(NEWSBOT), "crawl", f"{base_url}/sitemap.xml", "--output", str(root / "out"),
               "--state", str(root / "state"), *(a for k, v in settings.items() for a in ("-s", f"{k}={v}"))]  # fmt: skip
    began, children_cpu = time.monotonic(), _children_cpu()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int]] = []  # (RSS, processes in the tree)
    at_checkpoint: tuple[float, int] | None = None
    while proc.poll() is None:
        samples.append(tree_rss_mb(proc.pid))
        if at_checkpoint is None and len(served) >= CHECKPOINT:
            at_checkpoint = samples[-1]
        time.sleep(SAMPLE_S)
    # After all pages: the last sample with as many processes as at the checkpoint (the workers not stopped yet).
    full = at_checkpoint[1] if at_checkpoint else 1
    last = next((rss for rss, processes in reversed(samples) if processes == full), samples[-1][0] if samples else 0.0)
    peak = max((rss for rss, _ in samples), default=0.0)
    wall = time.monotonic() - began
    cpu = _children_cpu() - children_cpu  # the crawl, and the workers it waited for
    err = proc.stderr.read() if proc.stderr else ""
    summaries = list((root / "out" / "runs").glob("*.json"))
    if proc.returncode != 0 or len(summaries) != 1:
        raise SystemExit(f"crawl failed ({proc.returncode}): {err[-3000:]}")
    summary = json.loads(summaries[0].read_text(encoding="utf-8"))
    stats = summary["stats"]
    span = datetime.fromisoformat(stats["finish_time"]) - datetime.fromisoformat(stats["start_time"])
    checkpoint = at_checkpoint[0] if at_checkpoint else None
    return Crawl(summary["counts"]["pages_fetched"], span.total_seconds(), wall, cpu, checkpoint, last, peak, summary)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None, help="NEWSBOT_EXTRACT_WORKERS (default: the crawl's, one per core)")
    parser.add_argument("--pages", type=int, default=2000, help="article pages to serve, at least (the corpus is repeated)")
    parser.add_argument("--corpora", type=Path, default=REPO.parent / "shared" / "corpora")
    args = parser.parse_args()
    pages = corpus_pages(args.corpora)
    count = len(pages) * math.ceil(args.pages / len(pages))
    with tempfile.TemporaryDirectory(prefix="newsbot-throughput-") as tmp:
        site = Path(tmp) / "site"
        paths = build_site(site, pages, count)
        print(f"site: {count} article pages ({len(pages)} distinct corpus pages, {count // len(pages)} copies) + a sitemap")
        with serve(site) as server:
            seconds, base_cpu, unreadable = extract_only(site, server.base_url, paths)
            base_rate = count / seconds
            print(f"extract-only, one process: {count} pages in {seconds:.1f} s = {base_rate:.1f} pages/s"
                  f" ({unreadable} unreadable)")  # fmt: skip
            result = crawl(server.base_url, Path(tmp) / "crawl", args.workers, server.requests)
        counts = result.summary["counts"]
        stats = result.summary["stats"]
        print(
            f"crawl, NEWSBOT_EXTRACT_WORKERS={stats.get('newsbot/extract_workers')}: {result.pages} pages fetched,"
            f" {counts['exported']} exported, {sum(counts['dropped'].values())} dropped, errors {counts['errors'] or 0}"
        )
        crawl_rate, wall_rate = result.pages / result.crawl_s, result.pages / result.wall_s
        print(f"  crawl time {result.crawl_s:.1f} s = {crawl_rate:.1f} pages/s = {crawl_rate / base_rate:.2f}x extract-only")
        print(f"  wall time  {result.wall_s:.1f} s = {wall_rate:.1f} pages/s = {wall_rate / base_rate:.2f}x extract-only"
              " (process start-up included)")  # fmt: skip
        cores = len(os.sched_getaffinity(0))
        base_ms, crawl_ms = base_cpu / count * 1000, result.cpu_s / result.pages * 1000
        print(f"  CPU a page: extract-only {base_ms:.0f} ms, crawl {crawl_ms:.0f} ms (all processes);"
              f" on {cores} idle cores that allows at most {cores * base_ms / crawl_ms:.2f}x extract-only;"
              f" load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        checkpoint = f"{result.rss_checkpoint:.0f} MB" if result.rss_checkpoint is not None else "n/a"
        print(f"  RSS (crawl + workers): after {CHECKPOINT} pages {checkpoint}, after all pages {result.rss_end:.0f} MB,"
              f" peak {result.rss_peak:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()

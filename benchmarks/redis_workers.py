"""Scale-out speed: pages/s of one and of two crawl workers sharing a redis-server, on a loopback site.

Run: python benchmarks/redis_workers.py [--copies 40] [--rounds 3] [--appendfsync always|everysec] [--extract-workers 0]

The site is the fixture site with ``--copies`` copies of each article under other paths, listed
in one sitemap (24 x 40 = 960 article pages by default), served on 127.0.0.1 with no politeness
delay, so the crawl is bound by newsbot's own work. Each worker extracts in its one thread
(``--extract-workers 0``, the default here): a worker is one core, the unit scale-out adds; with
the crawl's own default (a pool of one process a core) one worker already fills this machine.
Each run is ``newsbot crawl SITEMAP`` subprocesses against a fresh redis-server and fresh state;
pages/s is all workers' fetched pages over the crawl time (first spider open to last close,
from the run summaries) and over the wall time from the first start to the last exit
(process start-up included: about 3 s a process here). Also printed: one worker without REDIS_URL (the SQLite store), the
single-machine baseline. After the rounds, the median of each rate and ratio over them: on a
shared 2-core machine one round's ratio moves by ±0.15. Needs redis-server on PATH (apt-get install redis-server).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from newsbot.fixture_site import FIXTURE_SITE, serve

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the tests' redis-server helper: a free port, a temp folder
from redis_server import RedisServer  # noqa: E402

NEWSBOT = Path(sys.executable).parent / "newsbot"
SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "LOG_LEVEL": "WARNING"}  # fmt: skip


def build_site(folder: Path, copies: int) -> int:
    """The fixture site plus ``copies`` copies of each article; returns the number of article pages."""
    shutil.copytree(FIXTURE_SITE, folder)
    articles = json.loads((FIXTURE_SITE / "manifest.json").read_text(encoding="utf-8"))["articles"]
    urls = []
    for n in range(copies):
        for path in articles:
            target = folder / f"copy{n}" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(FIXTURE_SITE / path, target)
            urls.append(f"__BASE__/copy{n}/{path}")
    entries = "".join(f"<url><loc>{url}</loc></url>\n" for url in urls)
    (folder / "big-sitemap.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n",
        encoding="utf-8",
    )
    return len(urls)


def crawl(base_url: str, root: Path, workers: int, redis_url: str | None, extract_workers: int) -> tuple[int, float, float]:
    """(pages fetched by all workers, wall seconds, crawl seconds: first spider open to last close)."""
    procs = []
    began = time.monotonic()
    for n in range(workers):
        settings = {**SETTINGS, "NEWSBOT_EXTRACT_WORKERS": extract_workers}
        settings |= {"REDIS_URL": redis_url, "NEWSBOT_WORKER": f"w{n}"} if redis_url else {}
        command = [str(NEWSBOT), "crawl", f"{base_url}/big-sitemap.xml", "--output", str(root / f"out{n}"),
                   "--state", str(root / f"state{n}"), *(a for k, v in settings.items() for a in ("-s", f"{k}={v}"))]  # fmt: skip
        procs.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            raise SystemExit(f"worker failed ({proc.returncode}): {err[-2000:]}")
    seconds = time.monotonic() - began
    summaries = [json.loads(p.read_text()) for p in root.glob("out*/runs/*.json")]
    span = datetime.fromisoformat(max(s["stats"]["finish_time"] for s in summaries)) - datetime.fromisoformat(
        min(s["stats"]["start_time"] for s in summaries)
    )
    return sum(s["counts"]["pages_fetched"] for s in summaries), seconds, span.total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--appendfsync", default="always", choices=["always", "everysec"],
                        help="Redis's append-only file fsync: always (every write, as the tests run it) or everysec")
    parser.add_argument("--extract-workers", type=int, default=0,
                        help="each crawl worker's NEWSBOT_EXTRACT_WORKERS (default 0: one core a worker, the scale-out"
                             " unit; the crawl's own default, the number of cores, lets one worker fill this machine)")
    args = parser.parse_args()
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("redis-server is not installed (apt-get install -y redis-server)")
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        site = Path(tmp) / "site"
        articles = build_site(site, args.copies)
        print(f"site: {articles} article pages (+ the fixture site's own pages)")
        with serve(site) as server:
            rounds: list[dict[str, float]] = []
            for round_ in range(args.rounds):
                rates, walls = {}, {}
                for label, workers, shared in (("sqlite, 1 worker", 1, False), ("redis, 1 worker", 1, True),
                                               ("redis, 2 workers", 2, True)):  # fmt: skip
                    root = Path(tmp) / f"run{round_}-{label.replace(' ', '').replace(',', '-')}"
                    with RedisServer(redis_server, root / "redis", args.appendfsync) as redis:
                        pages, wall, span = crawl(server.base_url, root, workers, redis.url if shared else None, args.extract_workers)
                    rates[label], walls[label] = pages / span, pages / wall
                    print(
                        f"round {round_ + 1}  {label:<18} {pages:4d} pages: crawl {span:5.1f} s = {rates[label]:5.1f}"
                        f" pages/s; with process start-up {wall:5.1f} s = {walls[label]:5.1f} pages/s"
                    )
                summary = dict(rates)  # pages/s over the crawl time, and the ratios
                for name, table in (("crawl", rates), ("with start-up", walls)):
                    ratio = table["redis, 2 workers"] / table["redis, 1 worker"]
                    baseline = table["redis, 2 workers"] / table["sqlite, 1 worker"]
                    print(f"round {round_ + 1}  {name}: two workers / one worker {ratio:.2f}x, / sqlite one worker {baseline:.2f}x")
                    summary[f"{name}: two / one"], summary[f"{name}: two / sqlite one"] = ratio, baseline
                rounds.append(summary)
        print(f"median of {args.rounds} rounds:")
        for key in rounds[0]:
            unit = "x" if "/" in key else " pages/s (crawl time)"
            print(f"  {key:<36} {statistics.median(r[key] for r in rounds):6.2f}{unit}")


if __name__ == "__main__":
    main()

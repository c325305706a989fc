"""Exactly once under ``kill -9``: crawls of the fixture site killed at 20 moments, then run to completion.

A third of the kills land at a random time, a third while a batch is written but not yet
renamed, a third after the rename but before the store marks it exported (the exporter
sleeps ``NEWSBOT_COMMIT_DELAY`` in both windows so the test can aim). After each round
of kills one crawl runs to completion; then every article of the site must be in
exactly one line of all the round's files, every file must be whole JSONL, and nothing
may be left pending. Bounded: each crawl is a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from newsbot.fixture_site import FIXTURE_SITE, FixtureServer, serve, site_path
from newsbot.state.store import STORE_FILE

NEWSBOT = Path(sys.executable).parent / "newsbot"
ARTICLES = set(json.loads((FIXTURE_SITE / "manifest.json").read_text(encoding="utf-8"))["articles"])
KILLS = 20
KILLS_PER_ROUND = 5
COMMIT_DELAY = 0.1
# Small batches: many commits, so many windows to be killed in.
SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0, "NEWSBOT_BATCH_SIZE": 2, "LOG_LEVEL": "WARNING"}
CRAWL_TIMEOUT = 90
MOMENTS = ("random", "before_rename", "after_rename")


def command(server: FixtureServer, root: Path, commit_delay: float) -> list[str]:
    settings = {**SETTINGS, "NEWSBOT_COMMIT_DELAY": commit_delay}
    return [
        str(NEWSBOT), "crawl", f"{server.base_url}/sitemap.xml", "--output", str(root / "out"),
        "--state", str(root / "state"), *(arg for k, v in settings.items() for arg in ("-s", f"{k}={v}")),
    ]  # fmt: skip


def pending(root: Path) -> list[Path]:
    """Batches the store has begun and not finished (read while the crawl writes: WAL allows it)."""
    if not (root / "state" / STORE_FILE).exists():
        return []
    with sqlite3.connect(f"file:{root / 'state' / STORE_FILE}?mode=ro", uri=True, timeout=5) as db:
        try:
            return [Path(row[0]) for row in db.execute("SELECT path FROM pending_batches")]
        except sqlite3.OperationalError:  # the schema is not there yet
            return []


def temp_files(root: Path) -> list[Path]:
    """Batch files cut short: hidden temp names under the site folders (run summaries aside)."""
    out = root / "out"
    return [p for p in out.rglob(".*.tmp") if p.parent.parent.parent == out] if out.exists() else []


def wait_until(proc: subprocess.Popen[bytes], seen: Callable[[], bool], deadline: float) -> bool:
    while proc.poll() is None and time.monotonic() < deadline:
        if seen():
            return True
        time.sleep(0.005)
    return False


def kill_at(proc: subprocess.Popen[bytes], moment: str, root: Path, rng: random.Random) -> bool:
    """SIGKILL the crawl at ``moment``; False if it finished first."""
    deadline = time.monotonic() + CRAWL_TIMEOUT
    if moment == "random":
        wait_until(proc, lambda: False, time.monotonic() + rng.uniform(0.3, 4.0))
    elif moment == "before_rename":
        wait_until(proc, lambda: bool(temp_files(root)), deadline)
    else:
        wait_until(proc, lambda: any(path.exists() for path in pending(root)), deadline)
    if proc.poll() is not None:
        return False
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    return True


def window_hit(root: Path) -> str:
    """Which commit window the kill left evidence of."""
    batches = pending(root)
    if any(path.exists() for path in batches):
        return "after_rename"
    if temp_files(root):
        return "before_rename"
    return "elsewhere"


def read_round(root: Path) -> list[dict]:
    """Every line of every batch file, each file checked to be whole JSONL."""
    records = []
    for path in sorted((root / "out").rglob("*.jsonl")):
        raw = path.read_bytes()
        assert raw.endswith(b"\n"), path
        records += [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    return records


def finish_round(server: FixtureServer, root: Path) -> None:
    """Run to completion, then check the round: each article in exactly one line, nothing pending."""
    left = {str(path): path.exists() for path in pending(root)}
    lines_before = len(read_round(root))
    summaries_before = set((root / "out" / "runs").glob("*.json"))
    result = subprocess.run(command(server, root, 0), capture_output=True, text=True, timeout=CRAWL_TIMEOUT)
    assert result.returncode == 0, result.stderr[-3000:]
    (summary_path,) = set((root / "out" / "runs").glob("*.json")) - summaries_before
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    # What the last killed crawl left pending was settled from what is on disk ...
    assert summary["reconciled"] == {
        "finished": sorted(path for path, on_disk in left.items() if on_disk),
        "abandoned": sorted(path for path, on_disk in left.items() if not on_disk),
    }
    # ... and the restart exported exactly what no whole file held yet.
    assert summary["counts"]["exported"] == len(ARTICLES) - lines_before
    records = read_round(root)
    counts = Counter(record["id"] for record in records)
    assert [record_id for record_id, n in counts.items() if n > 1] == [], root
    assert {site_path(urlsplit(record["url"]).path) for record in records} == ARTICLES
    assert len(records) == len(ARTICLES)
    assert pending(root) == [] and temp_files(root) == []


def test_kill_9_anywhere_exports_every_article_exactly_once(tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    kills: list[tuple[int, str, str]] = []  # (round, aimed at, window hit)
    rounds = 0
    with serve() as server:
        root, in_round = tmp_path / "round-0", 0
        for attempt in range(4 * KILLS):
            if len(kills) == KILLS:
                break
            moment = MOMENTS[len(kills) % len(MOMENTS)]
            proc = subprocess.Popen(
                command(server, root, COMMIT_DELAY), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                killed = kill_at(proc, moment, root, rng)
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait(timeout=30)
            if killed:
                kills.append((rounds, moment, window_hit(root)))
                in_round += 1
            if not killed or in_round == KILLS_PER_ROUND:  # everything exported, or enough kills: settle the round
                finish_round(server, root)
                rounds += 1
                root, in_round = tmp_path / f"round-{rounds}", 0
        if in_round:
            finish_round(server, root)
    hits = Counter(hit for _, _, hit in kills)
    print(f"\nkill -9 seed {seed}: {len(kills)} kills over {rounds + bool(in_round)} rounds, windows hit {dict(hits)}")
    assert len(kills) == KILLS, f"seed {seed}: only {len(kills)} kills landed"
    # The commit step itself was hit on both sides of the rename, not just the crawl around it.
    assert hits["before_rename"] and hits["after_rename"], f"seed {seed}: {kills}"

"""Scale-out end to end: crawl workers sharing a real redis-server (REDIS_URL) over the loopback fixture site.

Each worker is a ``newsbot crawl`` subprocess with its own output and state folder, as on
separate machines; only Redis is shared. After every scenario each article of the site
must be in exactly one line of the union of all workers' files, and nothing left pending.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from redis_server import RedisServer, require_redis_server

from newsbot.fixture_site import FIXTURE_SITE, FixtureServer, Response, serve, site_path

redis = pytest.importorskip("redis")

NEWSBOT = Path(sys.executable).parent / "newsbot"
ARTICLES = set(json.loads((FIXTURE_SITE / "manifest.json").read_text(encoding="utf-8"))["articles"])
# A small delay keeps the fixture site's crawl longer than a worker's start-up, so both workers of a test
# take part whatever the machine's load; extraction in the reactor thread keeps start-up short and equal.
SETTINGS = {"DOWNLOAD_DELAY": 0.05, "AUTOTHROTTLE_START_DELAY": 0, "NEWSBOT_BATCH_SIZE": 2, "LOG_LEVEL": "INFO",
            "NEWSBOT_EXTRACT_WORKERS": 0}  # fmt: skip
CRAWL_TIMEOUT = 120


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(require_redis_server(), tmp_path / "redis") as server:
        yield server


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureServer]:
    with serve() as server:
        yield server


class GatedSite(FixtureServer):
    """The fixture site answering nothing until ``gate`` is set: every worker of a test joins the crawl
    before any of them can fetch it, so none finishes before another has started, whatever the load."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def respond(self, target: str, request_headers: Mapping[str, str] | None = None) -> Response:
        self.gate.wait(CRAWL_TIMEOUT)
        return super().respond(target, request_headers)


def wait_for_members(redis_server: RedisServer, count: int) -> None:
    """Until ``count`` workers have joined the crawl (its members set in Redis)."""
    client = redis.Redis.from_url(redis_server.url)
    deadline = time.monotonic() + CRAWL_TIMEOUT
    while sum(client.zcard(key) for key in client.keys("newsbot:crawl:*:members")) < count:
        assert time.monotonic() < deadline, "the workers did not join the crawl"
        time.sleep(0.05)


class Workers:
    """Workers of one deployment: worker NAME keeps its own folders (its machine) across runs."""

    def __init__(self, site: FixtureServer, redis_server: RedisServer, root: Path) -> None:
        self.site, self.redis_server, self.root = site, redis_server, root

    def command(self, name: str, **settings: object) -> list[str]:
        settings = {**SETTINGS, "REDIS_URL": self.redis_server.url, "NEWSBOT_WORKER": name, **settings}
        return [
            str(NEWSBOT), "crawl", f"{self.site.base_url}/sitemap.xml",
            "--output", str(self.root / name / "out"), "--state", str(self.root / name / "state"),
            *(arg for k, v in settings.items() for arg in ("-s", f"{k}={v}")),
        ]  # fmt: skip

    def start(self, name: str, **settings: object) -> subprocess.Popen[str]:
        return subprocess.Popen(self.command(name, **settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self, *names: str) -> list[subprocess.CompletedProcess[str]]:
        procs = [self.start(name) for name in names]
        return [finish(proc) for proc in procs]

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.glob("*/out/*/*/*.jsonl"))

    def records(self) -> list[dict]:
        """Every line of every worker's batch files, each file checked to be whole JSONL."""
        records = []
        for path in self.files():
            raw = path.read_bytes()
            assert raw.endswith(b"\n"), path
            records += [json.loads(line) for line in raw.decode("utf-8").splitlines()]
        return records

    def summaries(self) -> list[dict]:
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.root.glob("*/out/runs/*.json"))]

    def assert_each_article_once(self) -> None:
        records = self.records()
        twice = [key for key, n in Counter(r["id"] for r in records).items() if n > 1]
        assert twice == []
        assert sorted(site_path(urlsplit(r["url"]).path) for r in records) == sorted(ARTICLES)
        client = redis.Redis.from_url(self.redis_server.url)
        assert client.hlen("newsbot:pending") == 0
        assert client.keys("newsbot:crawl:*") == [], "the last worker out deletes the crawl's frontier"


def finish(proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    try:
        out, err = proc.communicate(timeout=CRAWL_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_two_workers_export_every_article_once(redis_server: RedisServer, tmp_path: Path) -> None:
    with GatedSite() as site:
        workers = Workers(site, redis_server, tmp_path)
        procs = [workers.start("a"), workers.start("b")]
        wait_for_members(redis_server, 2)
        site.gate.set()
        results = [finish(proc) for proc in procs]
        assert [r.returncode for r in results] == [0, 0], [r.stderr[-3000:] for r in results]
        workers.assert_each_article_once()
        summaries = workers.summaries()
        # One run id for the crawl, one summary and one set of files per worker: <run-id>-<worker>-<n>.jsonl.
        (run,) = {s["run_id"].rsplit("-", 1)[0] for s in summaries}
        assert sorted(s["run_id"] for s in summaries) == [f"{run}-a", f"{run}-b"]
        assert {p.name.rsplit("-", 1)[0] for p in workers.files()} <= {f"{run}-a", f"{run}-b"}
        # Both worked: the frontier was shared, not crawled twice.
        fetched = [s["counts"]["pages_fetched"] for s in summaries]
        assert all(fetched), fetched
        assert sum(s["counts"]["exported"] for s in summaries) == len(ARTICLES)
        # A rerun over the same Redis knows every article: nothing is exported again.
        again = workers.run("a", "b")
        assert [r.returncode for r in again] == [0, 0], [r.stderr[-3000:] for r in again]
        workers.assert_each_article_once()


def test_a_worker_killed_mid_crawl(site: FixtureServer, redis_server: RedisServer, tmp_path: Path) -> None:
    """SIGKILL one worker inside a batch commit; the other finishes; a rerun completes, nothing twice."""
    workers = Workers(site, redis_server, tmp_path)
    victim = workers.start("a", NEWSBOT_COMMIT_DELAY=0.3)
    survivor = workers.start("b", NEWSBOT_COMMIT_DELAY=0.1)
    deadline = time.monotonic() + CRAWL_TIMEOUT
    while victim.poll() is None and time.monotonic() < deadline and not list(tmp_path.glob("a/out/*/*/.*.tmp")):
        time.sleep(0.005)
    assert victim.poll() is None, "worker a finished before it could be killed"
    os.kill(victim.pid, signal.SIGKILL)
    assert finish(victim).returncode == -signal.SIGKILL
    assert finish(survivor).returncode == 0
    rerun = workers.run("a")[0]  # on the killed worker's machine: it settles what a left pending
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    workers.assert_each_article_once()
    (summary,) = [s for s in workers.summaries() if s["run_id"].endswith("-a") and s["reconciled"]["abandoned"]]
    assert summary["counts"]["exported"] > 0


def test_redis_restarted_mid_crawl(site: FixtureServer, redis_server: RedisServer, tmp_path: Path) -> None:
    """Redis goes away for a second while two workers crawl; then a rerun completes with no duplicates, no losses."""
    workers = Workers(site, redis_server, tmp_path)
    procs = [workers.start(name, NEWSBOT_COMMIT_DELAY=0.1) for name in ("a", "b")]
    deadline = time.monotonic() + CRAWL_TIMEOUT
    while time.monotonic() < deadline and not workers.files():
        time.sleep(0.01)
    redis_server.restart(down=1.0)
    results = [finish(proc) for proc in procs]
    assert all(r.returncode in (0, 1) for r in results), [r.stderr[-3000:] for r in results]
    rerun = workers.run("a", "b")
    assert [r.returncode for r in rerun] == [0, 0], [r.stderr[-3000:] for r in rerun]
    workers.assert_each_article_once()


def test_without_redis_url_nothing_changes() -> None:
    """No REDIS_URL: the add-on leaves Scrapy's scheduler and the in-process duplicate check."""
    from scrapy.settings import Settings

    import newsbot.settings as project
    from newsbot.scale_out import ScaleOut

    settings = Settings({**{k: getattr(project, k) for k in dir(project) if k.isupper()}, "REDIS_URL": ""})
    ScaleOut().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert "newsbot.pipelines.DedupPipeline" in settings.getdict("ITEM_PIPELINES")
    settings = Settings({**{k: getattr(project, k) for k in dir(project) if k.isupper()}, "REDIS_URL": "redis://x"})
    ScaleOut().update_settings(settings)
    assert settings["SCHEDULER"] == "newsbot.state.frontier.RedisScheduler"


def test_a_start_request_another_worker_took_counts_as_read(redis_server: RedisServer, tmp_path: Path) -> None:
    """Worker a queues the start, worker b pops it first: a read nothing itself, yet the crawl's start was read.

    Without the START_TAKEN stat a would end with no response and ``newsbot crawl`` would exit 1 for it.
    """
    from scrapy import Request
    from scrapy.utils.test import get_crawler
    from test_pipelines import project_settings

    from newsbot.runner import succeeded
    from newsbot.spiders.news import NewsSpider
    from newsbot.state.frontier import START_TAKEN, RedisScheduler

    def scheduler(name: str) -> RedisScheduler:
        settings = {"REDIS_URL": redis_server.url, "NEWSBOT_WORKER": name, "NEWSBOT_STATE_DIR": str(tmp_path / name)}
        crawler = get_crawler(NewsSpider, project_settings(**settings))
        crawler.spider = NewsSpider.from_crawler(crawler, start="https://news.example/")
        scheduler = RedisScheduler.from_crawler(crawler)
        scheduler.open(crawler.spider)
        return scheduler

    a, b = scheduler("a"), scheduler("b")
    start = Request("https://news.example/")
    assert a.enqueue_request(start)
    assert not b.enqueue_request(start.copy())  # b's own start: already seen
    assert b.stats.get_value(START_TAKEN) == 1
    assert b.next_request() is not None and a.next_request() is None
    a.close("finished")
    b.close("finished")
    assert a.stats.get_value(START_TAKEN) == 1
    a.stats.set_value("finish_reason", "finished")
    assert succeeded(a.stats.get_stats())

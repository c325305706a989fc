"""Extraction in a pool of worker processes: the same records as in the reactor thread, failures per page."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from test_crawl import FAST, NEWSBOT, Crawl, run, site_path

from newsbot.extraction import core, extract, learn
from newsbot.state.template_store import SqliteTemplateStore
from newsbot.extraction.decode import decode_html
from newsbot.fixture_site import FIXTURE_SITE, FixtureServer, serve
from newsbot.items import Page
from newsbot.pipelines import ExtractPipeline
from newsbot.spiders.news import NewsSpider
from newsbot.workers import PageExtractor, read_page, worker_count

# Set by the crawl, not by the page: they differ between any two crawls.
FETCH_TIME_FIELDS = {"fetched_at", "warc_file", "warc_record_id"}  # (the run and the capture: each crawl its own)
ARTICLE = "world/2024/aktau-baku-ferry-resumes.html"
TEMPLATE_SITE = FIXTURE_SITE.parent / "template_site"


def crawl(server: FixtureServer, root: Path, workers: int) -> Crawl:
    output = root / "out"
    root.mkdir()
    command = [str(NEWSBOT), "crawl", f"{server.base_url}/index.html", "--output", str(output),
               "--state", str(root / "state"), "-s", f"NEWSBOT_EXTRACT_WORKERS={workers}", *FAST]  # fmt: skip
    return run(server, command, output, root)


# The news fixture site, and the Welsh site whose boilerplate only its learned template removes.
@pytest.mark.parametrize("site", [FIXTURE_SITE, TEMPLATE_SITE], ids=["fixture_site", "template_site"])
def test_a_pool_exports_the_records_the_reactor_thread_does(site: Path, tmp_path: Path) -> None:
    with serve(site) as server:
        in_thread, pooled = crawl(server, tmp_path / "w0", 0), crawl(server, tmp_path / "w2", 2)
    for result in (in_thread, pooled):
        assert result.returncode == 0, result.log[-3000:]
        assert "log_count/ERROR" not in result.stats
    assert (in_thread.stats["newsbot/extract_workers"], pooled.stats["newsbot/extract_workers"]) == (0, 2)
    # The same pages learned into the template, the same held back until it was ready.
    for key in ("newsbot/templates/held", "newsbot/templates/released_at_end"):
        assert in_thread.stats.get(key) == pooled.stats.get(key), key
    expected = {site_path(r["url"]): r for r in in_thread.records}
    got = {site_path(r["url"]): r for r in pooled.records}
    assert expected and sorted(got) == sorted(expected) and len(pooled.records) == len(in_thread.records)
    for path, record in expected.items():
        for field, value in record.items():
            if field not in FETCH_TIME_FIELDS:
                assert got[path][field] == value, (path, field)


def page(path: str = ARTICLE, body: bytes | None = None) -> Page:
    url = f"http://news.example/{path}"
    raw = body if body is not None else (FIXTURE_SITE / path).read_bytes()
    return Page(url=url, requested_url=url, status=200, headers={"content-type": "text/html"}, body=raw)


def test_a_crawl_decodes_and_parses_a_page_once_to_extract_and_learn_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = sorted(TEMPLATE_SITE.glob("*.html"))
    by_lessons, by_learn = SqliteTemplateStore(tmp_path / "lessons"), SqliteTemplateStore(tmp_path / "learn")
    decoded = []
    monkeypatch.setattr(core, "decode_html", lambda *args: decoded.append(args) or decode_html(*args))
    for path in pages:
        record, lesson = read_page(page(path.name, path.read_bytes()), learn=True)
        assert lesson is not None and lesson.into(by_lessons)
        assert record.body == extract(path.read_bytes(), f"http://news.example/{path.name}", {"content-type": "text/html"}).body
    assert len(decoded) == len(pages) * 2  # read_page once a page, the plain extract above once
    for path in pages:
        learn(path.read_bytes(), f"http://news.example/{path.name}", by_learn)
    # The lessons teach what learn() teaches: the same boilerplate.
    assert by_lessons.boilerplate("news.example") == by_learn.boilerplate("news.example") != frozenset()


def extractor(workers: int) -> PageExtractor:
    return PageExtractor(MemoryStatsCollector(get_crawler(NewsSpider)), workers=workers)


def test_an_exception_in_a_worker_is_a_counted_per_page_error(caplog: pytest.LogCaptureFixture) -> None:
    pool = extractor(1)
    pipeline = ExtractPipeline(pool.stats, pool, respect_reservations=False)  # (the worker is what is tested)
    broken = page("broken.html", body="not bytes")  # type: ignore[arg-type]  # what a buggy middleware might hand on

    async def both() -> tuple[BaseException | None, str]:
        try:
            await pipeline.process_item(broken)
        except DropItem as err:
            failure: BaseException | None = err
        else:
            failure = None
        return failure, (await pipeline.process_item(page())).title or ""

    try:
        with caplog.at_level(logging.WARNING, logger="newsbot"):
            failure, title = asyncio.run(both())
    finally:
        pool.close()
    assert isinstance(failure, DropItem) and "extraction failed" in str(failure)
    errors = {k: n for k, n in pool.stats.get_stats().items() if k.startswith("newsbot/errors/")}
    assert sum(errors.values()) == 1, errors
    assert "http://news.example/broken.html" in caplog.text
    assert title  # the worker took the next page as usual
    assert multiprocessing.active_children() == []  # closed: no worker outlives the extractor


def test_a_dead_worker_fails_its_page_and_a_new_pool_takes_the_next() -> None:
    pool = extractor(1)

    async def killed_then_next() -> tuple[bool, str]:
        asyncio.get_running_loop().call_later(0.2, kill_workers)
        pages = [pool.record(page()) for _ in range(50)]  # a queue long enough to be running when the kill lands
        results = await asyncio.gather(*pages, return_exceptions=True)
        dropped = any(isinstance(r, DropItem) for r in results)
        return dropped, (await pool.record(page())).title or ""

    def kill_workers() -> None:
        for child in multiprocessing.active_children():
            os.kill(child.pid or 0, signal.SIGKILL)

    try:
        dropped, title = asyncio.run(killed_then_next())
    finally:
        pool.close()
    assert dropped and pool.stats.get_value("newsbot/errors/extraction_failed") >= 1
    assert title
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_bad_worker_count_is_a_clear_error(value: str) -> None:
    with pytest.raises(ValueError, match="NEWSBOT_EXTRACT_WORKERS"):
        worker_count(value)


def children(pid: int) -> set[int]:
    """Live child processes of ``pid`` (zombies aside), from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue
        if int(ppid) == pid and state != "Z":
            found.add(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_workers_of_a_killed_crawl_exit(tmp_path: Path) -> None:
    """``kill -9`` leaves the pool unclosed: its workers must not wait for work forever."""
    with serve(FIXTURE_SITE) as server:
        # Slow batch commits keep the crawl (and its pool) alive long enough to aim at.
        command = [str(NEWSBOT), "crawl", f"{server.base_url}/index.html", "--output", str(tmp_path / "out"),
                   "--state", str(tmp_path / "state"), "-s", "NEWSBOT_EXTRACT_WORKERS=2", "-s", "NEWSBOT_BATCH_SIZE=2",
                   "-s", "NEWSBOT_COMMIT_DELAY=1", *FAST]  # fmt: skip
        crawl = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while len(workers := children(crawl.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(workers) >= 2, "the crawl started no workers"
        finally:
            crawl.kill()
            crawl.wait()
    deadline = time.monotonic() + 10
    while {pid for pid in workers if _running(pid)} and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {pid for pid in workers if _running(pid)}
    for pid in left:  # (so a failure leaves nothing running)
        os.kill(pid, signal.SIGKILL)
    assert left == set()

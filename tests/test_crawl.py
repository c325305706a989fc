"""End to end: real crawls (subprocesses: Twisted's reactor cannot restart) of the loopback fixture site.

The JSONL output is checked line by line against ``fixtures/site/manifest.json``,
and the server's request log proves that nothing but 127.0.0.1 was asked for.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jsonlines
import pytest

from newsbot.runner import EXIT_LOCKED, run_crawl
from newsbot.fixture_site import FIXTURE_SITE, FixtureServer, serve
from newsbot.state import SiteLock

NEWSBOT = Path(sys.executable).parent / "newsbot"
REPO = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((FIXTURE_SITE / "manifest.json").read_text(encoding="utf-8"))
ARTICLES: dict[str, dict] = MANIFEST["articles"]
# Our own server: no politeness delay, so a crawl of the whole site takes a few seconds.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0"]
CRAWL_TIMEOUT = 90


@dataclass
class Crawl:
    returncode: int
    stdout: str
    log: str
    records: list[dict]
    files: list[Path]
    stats: dict
    requests: list[str]
    """Request targets the fixture server received during this crawl."""
    cwd: Path


def site_path(url: str) -> str:
    """The manifest key of a fixture-site URL (``/world/`` serves ``world/index.html``)."""
    path = urlsplit(url).path.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def run(server: FixtureServer, command: list[str], output: Path, cwd: Path) -> Crawl:
    before = len(server.requests)
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=CRAWL_TIMEOUT)
    files = sorted(p for p in output.rglob("*.jsonl") if p.parent.parent.parent == output)
    records = [record for path in files for record in jsonlines.open(path)]
    summaries = list((output / "runs").glob("*.json"))
    assert len(summaries) == 1, result.stderr[-3000:]
    stats = json.loads(summaries[0].read_text(encoding="utf-8"))["stats"]
    requests = server.requests[before:]
    return Crawl(result.returncode, result.stdout, result.stderr, records, files, stats, requests, cwd)


@pytest.fixture(scope="module")
def server():
    with serve() as srv:
        yield srv


@pytest.fixture(scope="module")
def home_crawl(server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """``newsbot crawl`` from an unrelated folder (as from cron), started at the home page."""
    cwd = tmp_path_factory.mktemp("cron-cwd")
    output = cwd / "out"
    command = [str(NEWSBOT), "crawl", f"{server.base_url}/index.html", "--output", str(output), *FAST]
    return run(server, command, output, cwd)


def test_state_goes_to_the_working_folder_by_default(home_crawl: Crawl) -> None:
    state = home_crawl.cwd / "state"
    assert (state / "newsbot.sqlite3").is_file() and (state / "locks" / "127.0.0.1.lock").is_file()


@pytest.fixture(scope="module")
def exported(home_crawl: Crawl) -> dict[str, dict]:
    return {site_path(record["url"]): record for record in home_crawl.records}


def test_crawl_finishes_cleanly_from_any_folder(home_crawl: Crawl) -> None:
    assert home_crawl.returncode == 0, home_crawl.log[-3000:]
    assert home_crawl.stats["finish_reason"] == "finished"
    assert "log_count/ERROR" not in home_crawl.stats


def test_the_final_summary_table(home_crawl: Crawl) -> None:
    rows = dict(re.findall(r"^  ([a-z][a-z ,()0-9]+?)\s{2,}(\d+)", home_crawl.stdout, re.M))
    assert int(rows["articles exported"]) == len(home_crawl.records)
    assert int(rows["pages fetched"]) == home_crawl.stats["downloader/response_count"]
    assert int(rows["dropped"]) == sum(n for k, n in home_crawl.stats.items() if k.startswith("newsbot/dropped/"))
    assert f"new {len(home_crawl.records)}" in home_crawl.stdout
    assert re.search(r"^run \d{8}T\d{6}Z-[0-9a-f]{6}: finished in [\d.]+ s \(127\.0\.0\.1\)$", home_crawl.stdout, re.M)
    # Scrapy's periodic progress line stays on for long crawls.
    assert "Crawled 0 pages (at 0 pages/min)" in home_crawl.log


def test_output_is_partitioned_by_site_and_date(home_crawl: Crawl) -> None:
    assert home_crawl.files
    for path in home_crawl.files:
        assert path.parent.parent.name == "127.0.0.1"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", path.parent.name)
        assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}-\d+\.jsonl", path.name)


def test_every_article_exported_exactly_once(home_crawl: Crawl) -> None:
    counts = Counter(site_path(record["url"]) for record in home_crawl.records)
    assert {path: counts[path] for path in ARTICLES if counts[path] != 1} == {}


def test_non_articles_are_fetched_but_dropped_with_a_reason(home_crawl: Crawl) -> None:
    fetched = {site_path(target) for target in home_crawl.requests}
    exported_paths = {site_path(record["url"]) for record in home_crawl.records}
    assert set(MANIFEST["non_articles"]) <= fetched
    assert sorted(set(MANIFEST["non_articles"]) & exported_paths) == []
    dropped = sum(n for key, n in home_crawl.stats.items() if key.startswith("newsbot/dropped/"))
    assert dropped >= len(MANIFEST["non_articles"])


@pytest.mark.parametrize("path", sorted(ARTICLES))
def test_article_title(exported: dict[str, dict], path: str) -> None:
    assert exported[path]["title"] == ARTICLES[path]["title"]


@pytest.mark.parametrize("path", sorted(ARTICLES))
def test_article_lead_is_the_first_paragraph_once(exported: dict[str, dict], path: str) -> None:
    record, lead = exported[path], ARTICLES[path]["lead"]
    assert record["lead"] == lead
    assert record["body"].split("\n\n")[0] == lead
    assert record["body"].count(lead) == 1


@pytest.mark.parametrize("path", sorted(ARTICLES))
def test_article_has_no_boilerplate(exported: dict[str, dict], path: str) -> None:
    record = exported[path]
    text = f"{record['title']}\n{record['body']}"
    assert [noise for noise in ARTICLES[path]["must_not_contain"] if noise in text] == []


def test_records_carry_the_fetch_fields(home_crawl: Crawl, server: FixtureServer) -> None:
    for record in home_crawl.records:
        assert record["url"].startswith(f"{server.base_url}/")
        assert record["site"] == "127.0.0.1"
        assert record["http_status"] == 200
        assert record["fetched_at"] and record["requested_url"]


def test_no_request_leaves_127_0_0_1(home_crawl: Crawl) -> None:
    stats = home_crawl.stats
    # Every request Scrapy sent reached the fixture server, so none went to another host ...
    assert stats["downloader/request_count"] == len(home_crawl.requests)
    assert "offsite/filtered" not in stats
    # ... although the site links to many (the spider refused them before they became requests).
    assert stats["newsbot/links/offsite"] > 0


def test_sitemap_start_exports_the_articles(server: FixtureServer, tmp_path: Path) -> None:
    output = tmp_path / "out"
    command = [str(NEWSBOT), "crawl", f"{server.base_url}/sitemap.xml", "--output", str(output), *FAST]
    crawl = run(server, command, output, tmp_path)
    assert crawl.returncode == 0, crawl.log[-3000:]
    listed = set(re.findall(r"<loc>__BASE__/(.*?)</loc>", (FIXTURE_SITE / "sitemap.xml").read_text(encoding="utf-8")))
    assert crawl.stats["newsbot/responses/sitemap"] == 1
    assert Counter(site_path(r["url"]) for r in crawl.records) == Counter({path: 1 for path in listed & set(ARTICLES)})
    # Listed pages are leaves: nothing beyond robots.txt, the sitemap and its pages is fetched.
    assert len(crawl.requests) == 2 + len(listed)
    assert crawl.stats["downloader/request_count"] == len(crawl.requests)


def test_scrapy_crawl_with_a_feed_start_and_an_ordinary_feed_export(server: FixtureServer, tmp_path: Path) -> None:
    """``scrapy crawl news -a start=... -o x.jsonl`` from the project folder: Scrapy's FEEDS get the records too."""
    output, feed = tmp_path / "out", tmp_path / "feed.jsonl"
    command = [
        str(NEWSBOT.parent / "scrapy"), "crawl", "news", "-a", f"start={server.base_url}/rss.xml",
        "-o", str(feed), "-s", f"NEWSBOT_OUTPUT_DIR={output}", "-s", f"NEWSBOT_STATE_DIR={tmp_path / 'state'}",
        *FAST,
    ]  # fmt: skip
    crawl = run(server, command, output, REPO)
    assert crawl.returncode == 0, crawl.log[-3000:]
    rss = (FIXTURE_SITE / "rss.xml").read_text(encoding="utf-8")
    on_site = set(re.findall(r"<link>__BASE__/(.+?)</link>", rss))
    assert crawl.stats["newsbot/responses/feed"] == 1
    assert crawl.stats["newsbot/links/offsite"] == rss.count("<link>http://partner-news.example/")
    assert {site_path(r["url"]) for r in crawl.records} == on_site & set(ARTICLES)
    assert list(jsonlines.open(feed)) == crawl.records  # the feed export and ours carry the same records
    assert crawl.stats["downloader/request_count"] == len(crawl.requests) == 2 + len(on_site)


def test_demo_crawls_the_whole_fixture_site(tmp_path: Path) -> None:
    output = tmp_path / "out"
    command = [str(NEWSBOT), "demo", "--output", str(output)]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=CRAWL_TIMEOUT)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "articles exported" in result.stdout and "dropped" in result.stdout
    files = [Path(line.split(": ", 1)[1]) for line in result.stdout.splitlines() if line.strip().startswith("output:")]
    assert files and all(path.is_file() and path.is_relative_to(output) for path in files)
    exported = {site_path(record["url"]) for path in files for record in jsonlines.open(path)}
    assert set(ARTICLES) <= exported


def test_a_start_url_that_cannot_be_read_fails_the_run(server: FixtureServer, tmp_path: Path) -> None:
    output = tmp_path / "out"
    command = [str(NEWSBOT), "crawl", f"{server.base_url}/no-such-page.html", "--output", str(output), *FAST]
    crawl = run(server, command, output, tmp_path)
    assert crawl.returncode == 1  # cron must notice a dead start URL
    assert crawl.records == [] and crawl.files == []


@pytest.mark.parametrize("start", ["ftp://127.0.0.1/feed.xml", "127.0.0.1/index.html", ""])
def test_a_start_that_is_not_an_http_url_is_a_usage_error(start: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_crawl(start) == 2  # refused before any reactor starts, so in-process is safe
    assert "http(s) URL" in capsys.readouterr().err


def test_a_second_crawl_of_a_site_being_crawled_is_refused(server: FixtureServer, tmp_path: Path) -> None:
    state, output = tmp_path / "state", tmp_path / "out"
    before = len(server.requests)
    with SiteLock(state, "127.0.0.1") as running:
        command = [str(NEWSBOT), "crawl", f"{server.base_url}/index.html", "--output", str(output)]
        command += ["--state", str(state)]
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=CRAWL_TIMEOUT)
    assert result.returncode == EXIT_LOCKED
    assert "site 127.0.0.1 is being crawled by another run" in result.stderr
    assert f"pid {os.getpid()}" in result.stderr and str(running.path) in result.stderr
    assert server.requests[before:] == []  # refused before the first request, robots.txt included
    assert list(output.rglob("*.jsonl")) == []

"""Incremental crawls end to end: one state folder, the fixture site changing between runs, every line checked.

The runs, in order, over real HTTP on 127.0.0.1 and a real SQLite store (each crawl
a subprocess: Twisted's reactor cannot restart):

1. first     the whole site, from the home page
2. idle      nothing changed: no article page requested, nothing exported, the feed and the sitemap
             (robots.txt announces it) a 304
3. changed   ``site_changes()``: two new articles (one failing with 500), one edited with a
             newer date, a syndicated copy, a feed link that redirects to a known article
4. recovered the failing page works again: only it is fetched and exported
5. idle      the feed and the sitemap a 304 again, nothing requested, nothing exported
6. sitemap   a new start point (the sitemap under another URL) over the same state: every listed
             article is already known
7. sitemap   idle: robots.txt and a 304, nothing else
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import jsonlines
import jsonschema
import pytest

from site_changes import SITE_CHANGES, site_changes

from newsbot.fixture_site import FIXTURE_SITE, FixtureServer, serve, site_path

NEWSBOT = Path(sys.executable).parent / "newsbot"
SITE = json.loads((FIXTURE_SITE / "manifest.json").read_text(encoding="utf-8"))
CHANGES = json.loads((SITE_CHANGES / "manifest.json").read_text(encoding="utf-8"))
ARTICLES: dict[str, dict] = SITE["articles"]
NEW: dict[str, dict] = CHANGES["new"]
(SYNDICATED,) = CHANGES["syndicated"]
(EDITED,) = CHANGES["edited"]
FAILING: str = CHANGES["failing"]
REDIRECT: dict[str, str] = CHANGES["redirect"]
ALL_PAGES = {*ARTICLES, *NEW, SYNDICATED, REDIRECT["from"]}
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "NEWSBOT_BATCH_SIZE=10"]
CRAWL_TIMEOUT = 90
NEW_START = "/sitemap.xml?from=cron"
SCHEMA = jsonschema.Draft202012Validator(
    json.loads(files("newsbot.extraction").joinpath("article.schema.json").read_text(encoding="utf-8"))
)


@dataclass
class Run:
    returncode: int
    stdout: str
    log: str
    summary: dict
    records: list[dict]
    """This run's exported lines, in file order."""
    requests: list[str]
    """Request targets the fixture server received during this run."""
    seconds: float

    @property
    def counts(self) -> dict:
        return self.summary["counts"]

    @property
    def article_requests(self) -> list[str]:
        """Requests for article pages (and the short URL that redirects to one), as site paths."""
        return sorted(site_path(target) for target in self.requests if site_path(target) in ALL_PAGES)

    def exported(self) -> dict[str, dict]:
        paths = Counter(site_path(urlsplit(r["url"]).path) for r in self.records)
        assert [p for p, n in paths.items() if n > 1] == [], "an article twice in one run"
        return {site_path(urlsplit(r["url"]).path): r for r in self.records}


class Site:
    """The fixture server, one output and one state folder shared by every run of the module."""

    def __init__(self, server: FixtureServer, root: Path) -> None:
        self.server, self.output, self.state = server, root / "out", root / "state"
        self.root = root
        self.runs: dict[str, Run] = {}

    def crawl(self, name: str, start: str = "/index.html") -> Run:
        before, known_files = len(self.server.requests), set(self.output.rglob("*.jsonl"))
        known_summaries = set(self.output.glob("runs/*.json"))
        command = [
            str(NEWSBOT), "crawl", self.server.base_url + start,
            "--output", str(self.output), "--state", str(self.state), *FAST,
        ]  # fmt: skip
        began = time.monotonic()
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True, timeout=CRAWL_TIMEOUT)
        seconds = time.monotonic() - began
        (summary_path,) = set(self.output.glob("runs/*.json")) - known_summaries
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        new_files = sorted(set(self.output.rglob("*.jsonl")) - known_files)
        assert [str(p) for p in new_files] == sorted(summary["files"])
        records = [record for path in new_files for record in jsonlines.open(path)]
        requests = self.server.requests[before:]
        run = Run(result.returncode, result.stdout, result.stderr, summary, records, requests, seconds)
        self.runs[name] = run
        return run


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """Every run of the sequence, made once; each test reads the run it is about."""
    with serve() as server:
        shared = Site(server, tmp_path_factory.mktemp("incremental"))
        shared.crawl("first")
        shared.crawl("idle")
        server.overlay = site_changes()
        shared.crawl("changed")
        server.overlay = site_changes(recovered=True)
        shared.crawl("recovered")
        shared.crawl("idle again")
        # The home page crawls read /sitemap.xml too (robots.txt announces it); another URL for the same
        # document is a start point the state has no validators for.
        shared.crawl("sitemap", NEW_START)
        shared.crawl("sitemap idle", NEW_START)
        yield shared
    # The numbers for the record (pytest -s shows them): requests, 304s, articles, seconds per run.
    for name, run in shared.runs.items():
        c = run.counts
        print(
            f"\n{name:>12}: requests {c['requests']:>3}, 304 {c['not_modified']},"
            f" known skipped {c['known_skipped']:>3}, article pages {len(run.article_requests):>2},"
            f" exported {c['exported']:>2} (new {c['new']}, updated {c['updated']}), {run.seconds:.1f} s"
        )


def test_every_line_of_every_run_is_a_valid_record(site: Site) -> None:
    for name, run in site.runs.items():
        for record in run.records:
            assert list(SCHEMA.iter_errors(record)) == [], (name, record["url"])


def test_first_run_exports_every_article_once_as_version_1(site: Site) -> None:
    run = site.runs["first"]
    assert run.returncode == 0, run.log[-3000:]
    exported = run.exported()
    assert set(exported) == set(ARTICLES)
    for path, record in exported.items():
        assert (record["title"], record["version"], record["duplicate_of"]) == (ARTICLES[path]["title"], 1, None)
    assert run.counts["new"] == len(ARTICLES) and run.summary["validators_saved"] is True


def test_idle_run_requests_no_article_and_gets_a_304_for_the_feed(site: Site) -> None:
    run = site.runs["idle"]
    assert run.returncode == 0, run.log[-3000:]
    assert run.article_requests == []
    assert run.records == [] and run.summary["files"] == []
    assert run.requests.count("/rss.xml") == 1 and run.counts["not_modified"] == 2  # the feed and the sitemap
    assert run.counts["known_skipped"] == len(ARTICLES)  # articles, however many links lead to each
    # What is still fetched: robots.txt, the home page, its sections and the other non-article pages.
    assert {site_path(t) for t in run.requests} <= {"robots.txt", "rss.xml", "sitemap.xml", *SITE["non_articles"]}


def test_changed_run_fetches_only_what_is_new_or_dated_newer(site: Site) -> None:
    run = site.runs["changed"]
    expected = sorted([*NEW, SYNDICATED, EDITED, REDIRECT["from"], REDIRECT["to"], FAILING, FAILING])
    assert run.article_requests == sorted(expected)  # the failing page is retried twice: 1 + 2 requests
    assert run.requests.count("/rss.xml") == 1 and run.counts["not_modified"] == 0


def test_changed_run_exports_the_new_article_and_the_edit_as_version_2(site: Site) -> None:
    exported = site.runs["changed"].exported()
    (new_path,) = set(NEW) - {FAILING}
    new = exported[new_path]
    assert (new["title"], new["lead"], new["version"]) == (NEW[new_path]["title"], NEW[new_path]["lead"], 1)
    assert new["body"].split("\n\n") == NEW[new_path]["body"]
    edited = exported[EDITED]
    assert edited["version"] == 2
    assert edited["id"] == site.runs["first"].exported()[EDITED]["id"]
    assert edited["body"].split("\n\n") == CHANGES["edited"][EDITED]["body"]
    assert edited["content_hash"] != site.runs["first"].exported()[EDITED]["content_hash"]
    # The redirect led to a known, unchanged article: fetched once, never exported again.
    assert REDIRECT["to"] not in exported
    assert set(exported) <= {new_path, EDITED, SYNDICATED}


def test_changed_run_accounts_for_the_syndicated_copy(site: Site) -> None:
    """Exported (marked ``duplicate_of`` or not) or dropped with a reason: never lost silently."""
    run = site.runs["changed"]
    exported = run.exported()
    dropped = [d for d in run.summary["dropped"] if urlsplit(d["url"]).path == f"/{SYNDICATED}"]
    assert (SYNDICATED in exported) != bool(dropped)
    if SYNDICATED in exported:
        assert exported[SYNDICATED]["version"] == 1


def test_changed_run_lists_the_failing_page_and_keeps_the_old_validators(site: Site) -> None:
    run = site.runs["changed"]
    assert run.summary["errors"] == [{"url": f"{site.server.base_url}/{FAILING}", "kind": "http_500"}]
    assert run.counts["errors"] == {"http_500": 1}
    assert run.returncode == 1  # cron sees that something failed
    assert run.summary["validators_saved"] is False  # so the next run reads the feed again
    assert {"url": f"{site.server.base_url}/{REDIRECT['to']}", "reason": "unchanged"} in run.summary["dropped"]


def test_recovered_run_fetches_and_exports_only_the_page_that_failed(site: Site) -> None:
    run = site.runs["recovered"]
    assert run.returncode == 0, run.log[-3000:]
    assert run.article_requests == [FAILING]  # the short URL is now a known alias: not even requested
    assert run.requests.count("/rss.xml") == 1 and run.counts["not_modified"] == 0
    exported = run.exported()
    assert list(exported) == [FAILING]
    record, expected = exported[FAILING], NEW[FAILING]
    assert (record["title"], record["language"], record["version"]) == (expected["title"], "ru", 1)
    assert record["body"].split("\n\n") == expected["body"]
    assert run.summary["validators_saved"] is True


@pytest.mark.parametrize(("name", "not_modified"), [("idle again", 2), ("sitemap idle", 1)])
def test_idle_after_changes_is_a_304_and_nothing_else(site: Site, name: str, not_modified: int) -> None:
    run = site.runs[name]
    assert run.returncode == 0, run.log[-3000:]
    assert run.article_requests == [] and run.records == []
    assert run.counts["not_modified"] == not_modified


def test_a_new_start_point_recognises_every_known_article(site: Site) -> None:
    run = site.runs["sitemap"]
    assert run.returncode == 0, run.log[-3000:]
    assert run.requests == ["/robots.txt", NEW_START]
    assert run.counts["known_skipped"] == len(ARTICLES) + len(NEW) + 1  # every <loc>, the syndicated copy too
    assert site.runs["sitemap idle"].requests == ["/robots.txt", NEW_START]


def test_across_all_runs_each_version_of_an_article_is_exported_once(site: Site) -> None:
    lines = [(r["id"], r["version"]) for run in site.runs.values() for r in run.records]
    assert [key for key, n in Counter(lines).items() if n > 1] == []
    versions = Counter(record_id for record_id, _ in lines)
    assert sorted(versions.values(), reverse=True)[0] == 2 and sum(v == 2 for v in versions.values()) == 1

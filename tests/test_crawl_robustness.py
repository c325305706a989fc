"""Crawls that go wrong, end to end over real HTTP on 127.0.0.1 with a real SQLite state: a page that raises,
an output folder that cannot take the batches, a wider ``--since`` after a narrow one; and the run after
each, which must export what was missed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jsonlines
import pytest
from faults import FAIL_SETTING, PIPELINE

from newsbot.fixture_site import FIXTURE_SITE, FixtureServer, Flaky, serve, site_path

NEWSBOT = Path(sys.executable).parent / "newsbot"
TESTS = Path(__file__).resolve().parent
ARTICLES: dict[str, dict] = json.loads((FIXTURE_SITE / "manifest.json").read_text(encoding="utf-8"))["articles"]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "NEWSBOT_BATCH_SIZE=10"]
CRAWL_TIMEOUT = 90
BROKEN = "world/2024/eu-trade-delegation-astana.html"


@dataclass
class Run:
    returncode: int
    stdout: str
    log: str
    summary: dict
    records: list[dict]

    @property
    def exported(self) -> list[str]:
        return sorted(site_path(record["url"]) for record in self.records)


def crawl(
    server: FixtureServer, output: Path, state: Path, *extra: str, fail: str | None = None, start: str = "index.html"
) -> Run:
    """One ``newsbot crawl`` (of the home page by default); ``fail``: a page the test pipeline raises on."""
    before = set(output.glob("runs/*.json"))
    command = [str(NEWSBOT), "crawl", f"{server.base_url}/{start}", "--output", str(output),
               "--state", str(state), *FAST, *extra]  # fmt: skip
    env = dict(os.environ)
    if fail is not None:
        pipelines = json.loads(
            subprocess.run([sys.executable, "-c", "import json, newsbot.settings as s; print(json.dumps(s.ITEM_PIPELINES))"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
        )
        pipelines[PIPELINE] = 390  # after the state and near-duplicate steps, just before the export
        command += ["-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", "-s", f"{FAIL_SETTING}={fail}"]
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    result = subprocess.run(command, capture_output=True, text=True, timeout=CRAWL_TIMEOUT, env=env)
    (summary_path,) = set(output.glob("runs/*.json")) - before
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    records = [record for path in summary["files"] for record in jsonlines.open(path)]
    return Run(result.returncode, result.stdout, result.stderr, summary, records)


@pytest.fixture(scope="module")
def server():
    with serve() as srv:
        yield srv


@pytest.fixture(scope="module")
def failed_page(server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run, str]:
    """A crawl where one page raises, then the same crawl without the fault, on the same state."""
    root = tmp_path_factory.mktemp("failed-page")
    first = crawl(server, root / "out", root / "state", fail=BROKEN)
    second = crawl(server, root / "out", root / "state")
    return first, second, f"{server.base_url}/{BROKEN}"


def test_a_page_that_raises_is_named_counted_and_listed(failed_page: tuple[Run, Run, str]) -> None:
    run, _, url = failed_page
    error = "RuntimeError: injected fault for eu-trade-delegation-astana.html"
    assert run.summary["failed_pages"] == [{"url": url, "error": error}]
    assert run.summary["counts"]["failed_pages"] == 1 and run.summary["stats"]["newsbot/failed_pages"] == 1
    assert f"Page failed: {url}: {error}" in run.log
    assert re.search(r"^  pages failed\s+1$", run.stdout, re.M)
    assert f"  failed: {url}: {error}" in run.stdout


def test_the_other_pages_go_on_and_the_exit_status_says_one_failed(failed_page: tuple[Run, Run, str]) -> None:
    run, _, _ = failed_page
    assert run.returncode == 1
    assert run.exported == sorted(set(ARTICLES) - {BROKEN})
    assert run.summary["counts"]["exported"] == len(ARTICLES) - 1
    assert run.summary["validators_saved"] is False  # so the next run reads the feed again


def test_the_next_run_tries_the_failed_page_again_and_exports_it(failed_page: tuple[Run, Run, str]) -> None:
    _, run, _ = failed_page
    assert run.returncode == 0, run.log[-3000:]
    assert run.exported == [BROKEN]
    assert run.summary["failed_pages"] == []


def test_a_run_whose_batches_cannot_be_written_leaves_the_next_run_everything(
    server: FixtureServer, tmp_path: Path
) -> None:
    """The site's folder in the output is a file: every batch fails. The next run, into another output while
    that path is still blocked, settles the dead batches and exports every article."""
    blocked, state = tmp_path / "blocked", tmp_path / "state"
    blocked.mkdir()
    (blocked / "127.0.0.1").write_text("a file where the site folder would be\n", encoding="utf-8")
    failed = crawl(server, blocked, state)
    assert failed.returncode == 1 and failed.records == []
    assert failed.summary["counts"]["exported"] == 0
    assert sorted(site_path(page["url"]) for page in failed.summary["failed_pages"]) == sorted(ARTICLES)
    assert "Not a directory" in failed.summary["failed_pages"][0]["error"]

    good = crawl(server, tmp_path / "out", state)
    assert good.returncode == 0, good.log[-3000:]
    assert good.exported == sorted(ARTICLES)
    assert len(good.summary["reconciled"]["abandoned"]) == len(failed.summary["failed_pages"]) // 10 + 1


def test_a_wider_since_reads_the_sitemap_again_and_the_table_shows_what_since_skipped(
    server: FixtureServer, tmp_path: Path
) -> None:
    """``--since 2d`` skips every entry of the (2024) sitemap; a 304 to ``--since 2024-03-01`` would hide them."""
    lastmods = re.findall(r"<lastmod>([^<]+)</lastmod>", (FIXTURE_SITE / "sitemap.xml").read_text(encoding="utf-8"))
    recent = sum(datetime.fromisoformat(when) >= datetime(2024, 3, 1, tzinfo=timezone.utc) for when in lastmods)
    output, state = tmp_path / "out", tmp_path / "state"
    narrow = crawl(server, output, state, "--since", "2d", start="sitemap.xml")
    assert narrow.returncode == 0, narrow.log[-3000:]
    assert narrow.records == [] and narrow.summary["counts"]["older_than_since"] == len(lastmods)
    assert re.search(rf"^  older than --since\s+{len(lastmods)}$", narrow.stdout, re.M)
    assert narrow.summary["validators_saved"] is True

    before = len(server.requests)
    wider = crawl(server, output, state, "--since", "2024-03-01", start="sitemap.xml")
    assert wider.returncode == 0, wider.log[-3000:]
    assert wider.summary["counts"]["not_modified"] == 0 and "/sitemap.xml" in server.requests[before:]
    assert len(wider.records) == recent and wider.summary["counts"]["older_than_since"] == len(lastmods) - recent

    before = len(server.requests)
    narrower = crawl(server, output, state, "--since", "2024-04-01", start="sitemap.xml")
    assert narrower.summary["counts"]["not_modified"] == 1 and narrower.records == []  # inside what was read
    assert server.requests[before:] == ["/robots.txt", "/sitemap.xml"]


FEED_SITE = FIXTURE_SITE.parent / "feed-site"
FEED_SITE_STORIES = sorted(f"stories/{path.name}" for path in (FEED_SITE / "stories").glob("*.html"))
FLAKY = "stories/night-trains-return-to-the-coast.html"


@pytest.fixture(scope="module")
def feed_site_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, list[str]]:
    """From the front page of a site whose home links one story: the rest only its feed and its robots.txt
    sitemap reach, with xml:base, relative links and dates no one can read. One story answers 503 once."""
    root = tmp_path_factory.mktemp("feed-site")
    with serve(FEED_SITE) as server:
        server.overlay = {FLAKY: Flaky(failures=1)}
        run = crawl(server, root / "out", root / "state")
        return run, list(server.requests)


def test_a_front_page_crawl_reads_the_announced_feed_and_the_robots_sitemap(feed_site_crawl: tuple[Run, list[str]]) -> None:
    run, requests = feed_site_crawl
    assert run.returncode == 0, run.log[-3000:]
    assert run.exported == FEED_SITE_STORIES
    assert {"/feeds/atom.xml", "/sitemaps/news.xml"} <= set(requests)
    assert "/de/" not in requests  # an alternate that is a translation, not a feed


def test_entries_with_unreadable_dates_are_kept_and_a_page_that_recovers_from_503_is_exported(
    feed_site_crawl: tuple[Run, list[str]]
) -> None:
    run, requests = feed_site_crawl
    exported = run.exported
    assert {"stories/orchard-growers-count-frost-damage.html", "stories/museum-returns-stolen-manuscript.html"} <= set(exported)
    assert requests.count(f"/{FLAKY}") == 2 and FLAKY in exported
    assert run.summary["errors"] == [] and run.summary["failed_pages"] == []

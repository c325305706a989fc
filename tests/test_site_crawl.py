"""Crawls driven by a site file end to end: the loopback fixture site described in a TOML file of a
NEWSBOT_SITES_DIR folder, crawled by ``newsbot crawl --site`` and ``scrapy crawl news -a site=``
(subprocesses: Twisted's reactor cannot restart); an unknown site is one error line; a site's
language stands in when the page gives none."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonlines
import pytest
from scrapy.utils.test import get_crawler

from newsbot.cli import main
from newsbot.fixture_site import FIXTURE_SITE, FixtureServer, serve
from newsbot.items import Page
from newsbot.records import read_page
from newsbot.sites import load_site
from newsbot.spiders.news import NewsSpider

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NAME = "fixture-news"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0"]
MANIFEST = json.loads((FIXTURE_SITE / "manifest.json").read_text(encoding="utf-8"))
ARTICLES = set(MANIFEST["articles"])
SITE_FILE = """\
name = "{name}"
domains = ["127.0.0.1"]
language = "en"

[start]
feeds = ["{base}/rss.xml"]
sitemaps = ["{base}/sitemap.xml"]
sections = ["{base}/world/", "{base}/kazakhstan/"]
max_depth = 1

[articles]
allow = ['^/(world|kazakhstan)/2024/[^/]+\\.html$']

[politeness]
concurrency = 2
"""


@pytest.fixture(scope="module")
def server() -> Iterator[FixtureServer]:
    with serve() as srv:
        yield srv


@pytest.fixture
def sites_dir(server: FixtureServer, tmp_path: Path) -> Path:
    folder = tmp_path / "sites"
    folder.mkdir()
    (folder / f"{NAME}.toml").write_text(SITE_FILE.format(name=NAME, base=server.base_url), encoding="utf-8")
    return folder


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def exported(output: Path) -> list[dict]:
    return [record for path in sorted(output.rglob("*.jsonl")) for record in jsonlines.open(path)]


def site_path(url: str) -> str:
    """``http://127.0.0.1:PORT/world/x.html`` -> ``world/x.html``."""
    return url.split("/", 3)[3]


def newsbot_crawl(sites_dir: Path, tmp_path: Path, output: str) -> subprocess.CompletedProcess[str]:
    return run([str(BIN / "newsbot"), "crawl", "--site", NAME, "--output", str(tmp_path / output),
                "--state", str(tmp_path / "state"), "-s", f"NEWSBOT_SITES_DIR={sites_dir}", *FAST], tmp_path)  # fmt: skip


def test_newsbot_crawl_of_a_site_file_exports_every_article_once(
    server: FixtureServer, sites_dir: Path, tmp_path: Path
) -> None:
    before = len(server.requests)
    result = newsbot_crawl(sites_dir, tmp_path, "out")
    assert result.returncode == 0, result.stderr[-3000:]

    records = exported(tmp_path / "out")
    assert sorted(site_path(r["url"]) for r in records) == sorted(ARTICLES)  # each exactly once
    assert {r["source"] for r in records} == {NAME}
    requested = server.requests[before:]
    assert {"/rss.xml", "/sitemap.xml", "/world/", "/kazakhstan/"} <= set(requested)
    # Every request the crawler made reached this server: nothing went off 127.0.0.1:PORT.
    stats = json.loads(next((tmp_path / "out" / "runs").glob("*.json")).read_text(encoding="utf-8"))["stats"]
    assert stats["downloader/request_count"] == len(requested)

    again = len(server.requests)
    result = newsbot_crawl(sites_dir, tmp_path, "out2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not {target.lstrip("/") for target in server.requests[again:]} & ARTICLES
    assert exported(tmp_path / "out2") == []


def test_scrapy_crawl_of_a_site_file_exports_the_articles(sites_dir: Path, tmp_path: Path) -> None:
    result = run([str(BIN / "scrapy"), "crawl", "news", "-a", f"site={NAME}", "-s", f"NEWSBOT_SITES_DIR={sites_dir}",
                  "-s", f"NEWSBOT_OUTPUT_DIR={tmp_path / 'out'}", "-s", f"NEWSBOT_STATE_DIR={tmp_path / 'state'}",
                  *FAST], REPO)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    records = exported(tmp_path / "out")
    assert {site_path(r["url"]) for r in records} == ARTICLES
    assert {r["source"] for r in records} == {NAME}


def test_the_sites_dir_gives_the_download_slots(sites_dir: Path) -> None:
    settings = get_crawler(NewsSpider, {"NEWSBOT_SITES_DIR": str(sites_dir)}).settings
    assert settings.getdict("DOWNLOAD_SLOTS") == {"127.0.0.1": {"concurrency": 2}, "www.127.0.0.1": {"concurrency": 2}}


def test_scrapy_crawl_of_an_unknown_site_is_one_error_line(sites_dir: Path, tmp_path: Path) -> None:
    result = run([str(BIN / "scrapy"), "crawl", "news", "-a", "site=nope", "-s", f"NEWSBOT_SITES_DIR={sites_dir}",
                  "-s", f"NEWSBOT_OUTPUT_DIR={tmp_path / 'out'}", "-s", f"NEWSBOT_STATE_DIR={tmp_path / 'state'}"],
                 REPO)  # fmt: skip
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line or line.startswith("scrapy crawl news:")]
    assert errors == [f"scrapy crawl news: unknown site 'nope'; known sites: {NAME}"], result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert result.returncode == 2 and not (tmp_path / "out" / "runs").exists()  # refused before the crawl


def test_newsbot_crawl_checks_the_site_name_in_its_sites_dir(sites_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--site", "bbc", "-s", f"NEWSBOT_SITES_DIR={sites_dir}"]) == 2
    assert f"unknown site 'bbc'; known sites: {NAME}" in capsys.readouterr().err


SHORT_PAGE = """<!DOCTYPE html><html{lang}><head><meta charset="utf-8"><title>Ferry resumes</title></head>
<body><article><h1>Ferry resumes</h1><p>The ferry runs again from Monday, the port said.</p></article></body></html>"""


@pytest.mark.parametrize(("lang", "language"), [("", "kk"), (' lang="ru"', "ru")])
def test_the_sites_language_stands_in_when_the_page_gives_none(
    sites_dir: Path, lang: str, language: str
) -> None:
    site = dataclasses.replace(load_site(sites_dir / f"{NAME}.toml"), language="kk")
    url = "http://127.0.0.1/world/2024/ferry.html"
    page = Page(url=url, requested_url=url, status=200, body=SHORT_PAGE.format(lang=lang).encode(), source=NAME)
    assert read_page(page, config=site)[0].language == language

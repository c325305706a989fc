"""One record path: a crawl's records, ``reextract`` of its WARC and ``extract`` of the same bytes with the same
state agree field by field (issue 11: the CLI once gave ``language: null`` where the crawl gave "ru", and
``reextract`` ignored the crawl's learned templates)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_crawl import FAST, NEWSBOT, Crawl, run, server  # noqa: F401 - server is a fixture used here

from newsbot.cli import main
from newsbot.fixture_site import FixtureServer
from newsbot.warc import read_pages

FETCH_ONLY = {"fetched_at", "http_status", "requested_url", "warc_file", "warc_record_id"}
"""What only a fetch knows: ``extract`` of a file has none of it (``reextract`` keeps it from the WARC)."""
CRAWL_ONLY = {"version", "duplicate_of"}
"""What the crawl's state decides across runs and sites, not the page: set by the state and near-duplicate steps."""


@pytest.fixture(scope="module")
def crawled(server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Crawl, Path]:  # noqa: F811
    cwd = tmp_path_factory.mktemp("agreement")
    output, state = cwd / "out", cwd / "state"
    command = [str(NEWSBOT), "crawl", f"{server.base_url}/index.html", "--output", str(output), "--state", str(state), *FAST]
    crawl = run(server, command, output, cwd)
    assert crawl.returncode == 0, crawl.log[-3000:]
    return crawl, state


def template_weights(state: Path) -> list[tuple]:
    with sqlite3.connect(state / "templates.sqlite3") as db:
        return sorted(db.execute("SELECT * FROM signatures")) + sorted(db.execute("SELECT * FROM sites"))


@pytest.fixture(scope="module")
def reextracted(crawled: tuple[Crawl, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    crawl, state = crawled
    warcs = sorted((crawl.cwd / "out" / "warc").rglob("*.warc.gz"))
    out = tmp_path_factory.mktemp("rebuilt") / "out"
    learned = template_weights(state)
    # In a subprocess, as a user runs it: a working folder of its own, so the default state folder is not the crawl's.
    command = [str(NEWSBOT), "reextract", *map(str, warcs), "--output", str(out), "--state", str(state)]
    result = subprocess.run(command, cwd=out.parent, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert template_weights(state) == learned  # read only: reextract teaches the templates nothing
    records = [json.loads(line) for path in sorted(out.rglob("*.jsonl")) for line in path.read_text().splitlines()]
    return {record["url"]: record for record in records}


def differences(record: dict, other: dict, ignore: set[str]) -> dict[str, tuple]:
    return {key: (record.get(key), other.get(key)) for key in record.keys() | other.keys()
            if key not in ignore and record.get(key) != other.get(key)}  # fmt: skip


def test_reextract_gives_the_crawls_records(crawled: tuple[Crawl, Path], reextracted: dict[str, dict]) -> None:
    crawl, _ = crawled
    assert crawl.records
    warcs = {path.name for path in (crawl.cwd / "out" / "warc").rglob("*.warc.gz")}
    for record in crawl.records:
        # where the raw capture is, the same whether the crawl or reextract (reading it) made the record
        assert record["warc_file"] in warcs and record["warc_record_id"].startswith("<urn:uuid:")
        assert differences(record, reextracted[record["url"]], CRAWL_ONLY) == {}, record["url"]


def test_extract_with_the_crawls_state_gives_the_same_records(
    crawled: tuple[Crawl, Path], reextracted: dict[str, dict], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl, state = crawled
    pages = [page for path in sorted((crawl.cwd / "out" / "warc").rglob("*.warc.gz")) for page in read_pages(path)]
    assert len(pages) == len(reextracted)
    for n, page in enumerate(pages):
        saved = tmp_path / f"{n}.html"
        saved.write_bytes(page.body)
        assert main(["extract", str(saved), "--url", page.url, "--state", str(state)]) == 0
        record = json.loads(capsys.readouterr().out)
        assert {key: record[key] for key in FETCH_ONLY if key in record} == dict.fromkeys(FETCH_ONLY & record.keys())
        assert differences(record, reextracted[page.url], FETCH_ONLY | CRAWL_ONLY) == {}, page.url


SHORT_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Паром</title></head><body><article>
<h1>Паром снова ходит</h1><p>Паром из Актау снова ходит с понедельника.</p></article></body></html>"""


def test_extract_gives_a_configured_sites_language_as_the_crawl_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's case: a page too short to tell its language, of a site whose config says Russian."""
    saved = tmp_path / "short.html"
    saved.write_text(SHORT_PAGE, encoding="utf-8")
    assert main(["extract", str(saved), "--url", "https://tengrinews.kz/kazakhstan_news/parom-542311/"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["source"], record["language"]) == ("tengrinews-ru", "ru")


def test_the_record_path_loads_no_crawler() -> None:
    code = "import sys, newsbot.records, newsbot.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'scrapy'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

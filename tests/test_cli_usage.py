"""Every user mistake on the command line is one stderr line and exit 2, before any work: a sweep of the options
that take a path or a URL, for ``newsbot`` and ``scrapy crawl news``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsbot.cli import main

NEWSBOT = Path(sys.executable).with_name("newsbot")
SCRAPY = Path(sys.executable).with_name("scrapy")
REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "fixtures" / "pages" / "seed_en.html"
# Loopback, port 9 (discard): nothing listens, and a usage error must not even try.
START = "http://127.0.0.1:9/index.html"
UNWRITABLE = "/proc/newsbot-no-such-folder"
"""A folder no one can create, root included (tests may run as root, who ignores permission bits)."""


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("not a folder\n", encoding="utf-8")
    return path


def test_crawl_refuses_an_output_that_is_a_file_before_any_request(tmp_path: Path, a_file: Path) -> None:
    command = [str(NEWSBOT), "crawl", START, "--output", str(a_file), "--state", str(tmp_path / "state")]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "output folder" in one_line(result.stderr) and str(a_file) in result.stderr
    assert a_file.read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize("where", ["file", "under a file", "unwritable"])
def test_crawl_refuses_an_unusable_state_folder(tmp_path: Path, a_file: Path, where: str, capsys) -> None:
    state = {"file": str(a_file), "under a file": str(a_file / "state"), "unwritable": UNWRITABLE}[where]
    assert main(["crawl", START, "--output", str(tmp_path / "out"), "--state", state]) == 2
    assert "state folder" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "out" / "runs").exists()


def test_crawl_refuses_folders_given_as_settings(tmp_path: Path, a_file: Path, capsys) -> None:
    assert main(["crawl", START, "-s", f"NEWSBOT_OUTPUT_DIR={a_file}", "--state", str(tmp_path / "state")]) == 2
    assert "NEWSBOT_OUTPUT_DIR" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "arguments, message",
    [
        ([], "give a start URL"),
        (["-a", "start=ftp://127.0.0.1/feed.xml"], "http(s) URL"),
        (["-a", "start=notaurl"], "http(s) URL"),
        (["-a", "site=no-such-site"], "unknown site"),
        (["-a", f"start={START}", "-a", "since=yesterday-ish"], "--since"),
        (["-a", f"start={START}", "-s", "NEWSBOT_OUTPUT_DIR=OUTFILE"], "output folder"),
        (["-a", f"start={START}", "-s", f"NEWSBOT_STATE_DIR={UNWRITABLE}"], "state folder"),
    ],
)
def test_scrapy_crawl_news_with_bad_arguments_exits_2_without_a_run_summary(
    tmp_path: Path, a_file: Path, arguments: list[str], message: str
) -> None:
    output = tmp_path / "out"
    arguments = [arg.replace("OUTFILE", str(a_file)) for arg in arguments]
    settings = ["-s", f"NEWSBOT_STATE_DIR={tmp_path / 'state'}"]
    if not any(arg.startswith("NEWSBOT_OUTPUT_DIR") for arg in arguments):
        settings += ["-s", f"NEWSBOT_OUTPUT_DIR={output}"]
    command = [str(SCRAPY), "crawl", "news", *settings, *arguments]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("scrapy crawl news: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert not (output / "runs").exists()


@pytest.mark.parametrize("url", ["notaurl", "ftp://news.example/a.html", "https:///no-host", "file:///etc/hostname"])
def test_extract_url_must_be_http_with_a_host(url: str, capsys) -> None:
    assert main(["extract", str(PAGE), "--url", url]) == 2
    err = capsys.readouterr()
    assert "--url" in one_line(err.err) and err.out == ""


@pytest.mark.parametrize("where", ["file", "unwritable"])
def test_extract_state_must_be_a_writable_folder(a_file: Path, where: str, capsys) -> None:
    state = str(a_file) if where == "file" else UNWRITABLE
    assert main(["extract", str(PAGE), "--state", state]) == 2
    err = capsys.readouterr()
    assert "--state" in one_line(err.err) and err.out == ""


@pytest.mark.parametrize("where", ["folder", "unwritable"])
def test_eval_json_is_checked_before_the_evaluation(tmp_path: Path, where: str, capsys) -> None:
    target = str(tmp_path) if where == "folder" else f"{UNWRITABLE}/report.json"
    # No corpus at all: the --json check must come first, or this would fail on the corpus instead.
    assert main(["eval", str(tmp_path / "no-corpus"), "--json", target]) == 2
    err = capsys.readouterr()
    assert "--json" in one_line(err.err) and err.out == ""


def test_reextract_output_that_is_a_file(tmp_path: Path, a_file: Path, capsys) -> None:
    warc = tmp_path / "some.warc.gz"
    warc.write_bytes(b"")
    assert main(["reextract", str(warc), "--output", str(a_file)]) == 2
    assert "--output" in one_line(capsys.readouterr().err)


def test_the_json_of_a_good_run_still_gets_written(tmp_path: Path, capsys) -> None:
    """The check creates nothing that stands in the way: the report appears where --json says."""
    report = tmp_path / "reports" / "fixture.json"
    assert main(["eval", str(REPO / "fixtures" / "pages"), "--json", str(report)]) == 0
    assert json.loads(report.read_text(encoding="utf-8"))
    capsys.readouterr()


def test_crawl_refuses_a_sites_folder_that_is_not_one(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "no-sites"
    assert main(["crawl", "--site", "all", "-s", f"NEWSBOT_SITES_DIR={missing}", "--state", str(tmp_path / "s")]) == 2
    assert one_line(capsys.readouterr().err) == f"newsbot crawl: {missing}: not a folder of site files"


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """``newsbot sites | head -1``: the closed pipe ends the command quietly, as with any Unix tool."""
    with subprocess.Popen([str(NEWSBOT), "sites"], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(1)
        process.stdout.close()
        err = process.stderr.read().decode()
    assert "Traceback" not in err and "BrokenPipeError" not in err

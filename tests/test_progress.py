"""Progress on stderr: a line redrawn in place on a terminal, a plain line now and then in a log, none with --quiet;
stdout stays the output (JSON lines for ``extract``)."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from captured_pages import fixture_pages

from newsbot.urls import site_of
from newsbot.progress import Progress
from newsbot.warc import WarcCapture, warc_path

NEWSBOT = Path(sys.executable).with_name("newsbot")
REPO = Path(__file__).resolve().parent.parent
PAGES = sorted(str(p) for p in (REPO / "fixtures" / "pages").glob("*.html"))[:3]


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_log_gets_a_plain_line_every_interval_and_the_total() -> None:
    stream, clock = io.StringIO(), Clock()
    with Progress("newsbot eval: corpus", 4, stream=stream, interval=30, clock=clock) as progress:
        progress.advance()
        clock.now = 31
        progress.advance()
        progress.advance()  # not yet due again
        clock.now = 62
        progress.advance()
    assert stream.getvalue().splitlines() == [
        "newsbot eval: corpus: 2/4 pages (50%), 31 s",
        "newsbot eval: corpus: 4/4 pages (100%), 62 s",
    ]  # the total is not printed twice


def test_the_total_follows_in_a_log_when_work_went_on_after_the_last_line() -> None:
    stream, clock = io.StringIO(), Clock()
    with Progress("newsbot reextract", None, stream=stream, interval=30, clock=clock) as progress:
        for _ in progress.iterate(range(3)):
            clock.now += 20
    assert stream.getvalue().splitlines() == ["newsbot reextract: 2 pages, 40 s", "newsbot reextract: 3 pages, 60 s"]


def test_short_work_in_a_log_prints_nothing() -> None:
    stream = io.StringIO()
    with Progress("newsbot extract", 2, "files", stream=stream, clock=Clock()) as progress:
        progress.advance(2)
        progress.echo("newsbot extract: a.html: ExtractionError: empty")
    assert stream.getvalue() == "newsbot extract: a.html: ExtractionError: empty\n"  # messages still go through


def test_quiet_prints_nothing_even_when_due() -> None:
    stream, clock = io.StringIO(), Clock()
    with Progress("x", None, stream=stream, quiet=True, interval=1, clock=clock) as progress:
        clock.now = 5
        progress.advance()
    assert stream.getvalue() == ""


def on_a_terminal(args: list[str], cwd: Path) -> tuple[int, bytes, str]:
    """Run with stderr on a real pseudo-terminal (stdout a pipe): exit status, stdout, what the terminal got."""
    master, slave = pty.openpty()
    got = bytearray()

    def drain() -> None:  # read while it runs: a full terminal buffer would block the command
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: every writer has closed the terminal
                return
            if not chunk:
                return
            got.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    with subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL) as process:
        os.close(slave)
        out, _ = process.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(master)
    return process.returncode, out, got.decode("utf-8", "replace")


def test_extract_of_many_files_redraws_one_line_on_a_terminal(tmp_path: Path) -> None:
    status, out, terminal = on_a_terminal([str(NEWSBOT), "extract", *PAGES, str(tmp_path / "missing.html")], tmp_path)
    assert status == 1  # the missing file
    records = [json.loads(line) for line in out.decode().splitlines()]
    assert [r["url"] for r in records] == [Path(p).as_uri() for p in PAGES]  # stdout: JSON lines only
    assert "\rnewsbot extract: 4/4 files (100%)" in terminal
    # The error line starts on a cleared line, not in the middle of the progress line.
    assert "\r\x1b[Knewsbot extract: " + str(tmp_path / "missing.html") in terminal
    assert re.search(r"\rnewsbot extract: 4/4 files \(100%\), \d+ s\x1b\[K\r\n$", terminal)  # the total stays


def test_quiet_and_a_single_file_show_no_progress(tmp_path: Path) -> None:
    assert on_a_terminal([str(NEWSBOT), "extract", "--quiet", *PAGES], tmp_path)[2] == ""
    assert on_a_terminal([str(NEWSBOT), "extract", PAGES[0]], tmp_path)[2] == ""


def test_extract_in_a_log_keeps_stderr_clean(tmp_path: Path) -> None:
    result = subprocess.run([str(NEWSBOT), "extract", *PAGES], cwd=tmp_path, capture_output=True, timeout=120)
    assert result.returncode == 0 and result.stderr == b""
    assert len(result.stdout.splitlines()) == len(PAGES)


def test_eval_counts_the_pages_on_a_terminal(tmp_path: Path) -> None:
    corpus = tmp_path / "pages"
    corpus.mkdir()
    for page in PAGES:
        for suffix in (".html", ".json"):
            source = Path(page).with_suffix(suffix)
            (corpus / source.name).write_bytes(source.read_bytes())
    status, out, terminal = on_a_terminal([str(NEWSBOT), "eval", str(corpus)], tmp_path)
    assert status == 0, terminal
    assert f"\rnewsbot eval: {corpus}: 3/3 pages (100%)" in terminal
    assert "\r" not in out.decode() and "3/3 pages" not in out.decode()  # the report alone on stdout


@pytest.fixture
def warc_files(tmp_path: Path) -> list[Path]:
    pages = fixture_pages()
    with WarcCapture(tmp_path / "crawl", "20240422T060000Z-abc123") as warc:
        for page in pages:
            warc.write_page(page)
    return sorted({warc_path(tmp_path / "crawl", site_of(page.url), "20240422T060000Z-abc123") for page in pages})


def test_reextract_counts_the_pages_on_a_terminal(tmp_path: Path, warc_files: list[Path]) -> None:
    command = [str(NEWSBOT), "reextract", *map(str, warc_files), "--output", str(tmp_path / "rebuilt")]
    status, out, terminal = on_a_terminal(command, tmp_path)
    assert status == 0, terminal
    total = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in (tmp_path / "rebuilt").rglob("*.jsonl"))
    assert f"\rnewsbot reextract: {total} pages" in terminal
    assert "reextract:" in out.decode() and "\r" not in out.decode()
    quiet = [str(NEWSBOT), "reextract", "--quiet", *map(str, warc_files), "--output", str(tmp_path / "again")]
    assert on_a_terminal(quiet, tmp_path)[2] == ""

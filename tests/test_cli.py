"""The ``newsbot extract`` contract, run as the installed command in a subprocess.

One line of JSON per readable input in argument order, non-articles flagged rather than
dropped, one stderr line per unreadable input, non-zero exit when any input failed, UTF-8
output whatever the locale, and the same record as calling ``extract()`` in-process.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newsbot.extraction import extract

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
NEWSBOT = Path(sys.executable).with_name("newsbot")
"""The console script installed beside this interpreter: the command users run."""

SEED_RU = PAGES / "seed_ru.html"
SEED_RU_TITLE = "Картер: военные США и России проведут переговоры в среду"
SEED_EN = PAGES / "seed_en.html"
CONTACT_PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Контакты редакции</title></head>
<body><h1>Контакты</h1><p>Телефон: +7 727 000 00 00</p><p>Почта: info@example.kz</p></body></html>
"""


@dataclass
class Run:
    returncode: int
    stdout: bytes
    stderr: str

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.decode("utf-8").splitlines()]


def newsbot_extract(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> Run:
    done = subprocess.run(
        [str(NEWSBOT), "extract", *args], input=stdin, capture_output=True, timeout=120, env=env
    )
    return Run(done.returncode, done.stdout, done.stderr.decode("utf-8", errors="replace"))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Readable and unreadable inputs side by side, as a user's shell glob would mix them."""
    tmp = tmp_path_factory.mktemp("inputs")
    gz = gzip.compress(SEED_EN.read_bytes())
    files = {
        "gz": (tmp / "seed_en.html.gz", gz),
        "contact": (tmp / "contact.html", CONTACT_PAGE.encode("utf-8")),
        "empty": (tmp / "empty.html", b""),
        "binary": (tmp / "logo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4),
        "not_gzip": (tmp / "plain.html.gz", SEED_EN.read_bytes()),
        "truncated_gz": (tmp / "truncated.html.gz", gz[: len(gz) // 2]),
        "corrupt_gz": (tmp / "corrupt.html.gz", gz[:10] + bytes(b ^ 0xFF for b in gz[10:])),
    }
    for path, data in files.values():
        path.write_bytes(data)
    paths = {name: path for name, (path, _) in files.items()}
    paths["directory"] = tmp / "a_directory.html"
    paths["directory"].mkdir()
    paths["missing"] = tmp / "missing.html"
    return paths


@pytest.fixture(scope="module")
def mixed_run(inputs: dict[str, Path]) -> tuple[list[str], Run]:
    args = [
        str(SEED_RU),
        str(inputs["missing"]),
        str(inputs["gz"]),
        str(inputs["directory"]),
        str(inputs["not_gzip"]),
        str(inputs["contact"]),
        str(inputs["truncated_gz"]),
        str(inputs["corrupt_gz"]),
        str(inputs["empty"]),
        "-",
        str(inputs["binary"]),
    ]
    # An ASCII-only locale and stdio encoding: the output must still be UTF-8.
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}
    return args, newsbot_extract(*args, stdin=(PAGES / "seed_kk.html").read_bytes(), env=env)


def test_one_line_per_readable_input_in_argument_order(mixed_run: tuple[list[str], Run], inputs: dict[str, Path]) -> None:
    _, run = mixed_run
    assert [record["url"] for record in run.records] == [
        SEED_RU.resolve().as_uri(),
        inputs["gz"].resolve().as_uri(),
        inputs["contact"].resolve().as_uri(),
        "stdin:",
    ]
    assert run.records[0]["title"] == SEED_RU_TITLE


def test_each_unreadable_input_gets_one_clear_stderr_line(mixed_run: tuple[list[str], Run], inputs: dict[str, Path]) -> None:
    _, run = mixed_run
    assert "Traceback" not in run.stderr
    expected = [
        (inputs["missing"], "No such file or directory"),
        (inputs["directory"], "Is a directory"),
        (inputs["not_gzip"], "gzip"),
        (inputs["truncated_gz"], "gzip"),
        (inputs["corrupt_gz"], "gzip"),
        (inputs["empty"], "empty"),
        (inputs["binary"], "binary"),
    ]
    lines = run.stderr.splitlines()
    assert len(lines) == len(expected), run.stderr
    for line, (path, reason) in zip(lines, expected):
        assert line.startswith(f"newsbot extract: {path}: "), line
        assert reason in line, line


def test_exit_code_is_non_zero_when_any_input_failed(mixed_run: tuple[list[str], Run]) -> None:
    assert mixed_run[1].returncode == 1


def test_output_is_utf8_unescaped(mixed_run: tuple[list[str], Run]) -> None:
    stdout = mixed_run[1].stdout
    assert SEED_RU_TITLE.encode("utf-8") in stdout
    assert b"\\u04" not in stdout


def test_a_page_that_is_not_an_article_is_flagged_not_dropped(mixed_run: tuple[list[str], Run]) -> None:
    contact = mixed_run[1].records[2]
    assert contact["is_article"] is False
    assert isinstance(contact["drop_reason"], str) and contact["drop_reason"]


def test_site_comes_from_the_canonical_link_else_null(mixed_run: tuple[list[str], Run]) -> None:
    seed_ru, seed_en_gz, contact, stdin = mixed_run[1].records
    assert seed_ru["site"] == "tengrinews.kz"
    assert seed_en_gz["site"] == "en.tengrinews.kz"
    assert stdin["site"] == "kaz.tengrinews.kz"
    assert (contact["site"], contact["canonical_url"]) == (None, None)


def test_cli_record_equals_in_process_extract(mixed_run: tuple[list[str], Run], inputs: dict[str, Path]) -> None:
    records = mixed_run[1].records
    same = [
        (records[0], SEED_RU.read_bytes(), SEED_RU.resolve().as_uri()),
        (records[1], SEED_EN.read_bytes(), inputs["gz"].resolve().as_uri()),
        (records[3], (PAGES / "seed_kk.html").read_bytes(), "stdin:"),
    ]
    for record, body, url in same:
        assert record == json.loads(json.dumps(extract(body, url).to_dict()))


def test_all_inputs_readable_exits_zero_and_url_sets_url_and_site(inputs: dict[str, Path]) -> None:
    url = "https://WWW.Example.kz/contacts/"
    run = newsbot_extract("--url", url, str(inputs["contact"]))
    assert (run.returncode, run.stderr) == (0, "")
    [record] = run.records
    assert (record["url"], record["site"]) == (url, "example.kz")
    assert record == json.loads(json.dumps(extract(CONTACT_PAGE.encode("utf-8"), url).to_dict()))


def test_url_option_needs_a_single_input(inputs: dict[str, Path]) -> None:
    run = newsbot_extract("--url", "https://tengrinews.kz/news/1/", str(SEED_RU), str(inputs["contact"]))
    assert run.returncode == 2
    assert run.stdout == b""
    assert "--url" in run.stderr and "single" in run.stderr


def test_version_flag_prints_the_package_version() -> None:
    from newsbot import __version__

    done = subprocess.run([sys.executable, "-m", "newsbot.cli", "--version"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, f"newsbot {__version__}")

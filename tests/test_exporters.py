"""Atomic, partitioned JSONL batches on real files, including a real kill -9 between write and rename."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonlines
import pytest

from newsbot.exporters import (
    BatchWriter,
    atomic_file,
    temp_path,
    write_batch,
    write_json,
)
from newsbot.paths import new_run_id, run_summary_path, site_folder

DAY1 = datetime(2026, 11, 26, 23, 59, 59, tzinfo=timezone.utc)
DAY2 = datetime(2026, 11, 27, 0, 0, 1, tzinfo=timezone.utc)


def record(n: int, site: str | None = "news.example") -> dict:
    return {"url": f"https://{site}/a/{n}", "site": site, "title": f"Überschrift “{n}” — 東京", "body": "x"}


def read_jsonl(path: Path) -> list[dict]:
    with jsonlines.open(path) as reader:
        return list(reader)


def test_run_id_is_utc_start_time_plus_random_suffix() -> None:
    first, second = new_run_id(DAY1), new_run_id(DAY1)
    assert re.fullmatch(r"20261126T235959Z-[0-9a-f]{6}", first)
    assert first != second  # two crawls started in the same second do not share file names


@pytest.mark.parametrize(
    ("site", "folder"),
    [
        ("news.example", "news.example"),
        ("127.0.0.1", "127.0.0.1"),
        ("bücher.de", "bücher.de"),
        (None, "_unknown"),
        ("", "_unknown"),
        ("..", "_unknown"),
        (".hidden", "_unknown"),
        ("a/b", "_unknown"),
        ("runs", "_unknown"),  # an intranet host must not write into the run summaries' folder
    ],
)
def test_site_folder(site: str | None, folder: str) -> None:
    assert site_folder(site) == folder


def test_batches_are_numbered_per_site_and_date(tmp_path: Path) -> None:
    writer = BatchWriter(tmp_path, "RUN", batch_size=2, clock=lambda: DAY1)
    written = [writer.add(record(n)) for n in range(5)]
    writer.add(record(9, site=None))
    assert written == [
        None,
        tmp_path / "news.example/2026-11-26/RUN-1.jsonl",
        None,
        tmp_path / "news.example/2026-11-26/RUN-2.jsonl",
        None,
    ]
    assert writer.flush() == [
        tmp_path / "news.example/2026-11-26/RUN-3.jsonl",
        tmp_path / "_unknown/2026-11-26/RUN-1.jsonl",
    ]
    assert writer.flush() == []  # nothing pending: no empty files
    assert [len(read_jsonl(p)) for p in writer.files] == [2, 2, 1, 1]
    assert [r for p in writer.files[:3] for r in read_jsonl(p)] == [record(n) for n in range(5)]
    names = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert names == ["RUN-1.jsonl", "RUN-1.jsonl", "RUN-2.jsonl", "RUN-3.jsonl"]


def test_export_date_is_the_utc_date_at_export(tmp_path: Path) -> None:
    now = [DAY1]
    writer = BatchWriter(tmp_path, "RUN", batch_size=1, clock=lambda: now[0])
    first = writer.add(record(1))
    now[0] = DAY2
    second = writer.add(record(2))
    assert first == tmp_path / "news.example/2026-11-26/RUN-1.jsonl"
    assert second == tmp_path / "news.example/2026-11-27/RUN-1.jsonl"


def test_utf8_is_written_unescaped(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    write_batch(path, [record(1)])
    raw = path.read_bytes()
    assert "Überschrift “1” — 東京".encode() in raw
    assert b"\\u" not in raw
    assert raw.endswith(b"}\n") and raw.count(b"\n") == 1


def test_batch_size_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        BatchWriter(tmp_path, "RUN", batch_size=0)


def test_file_is_invisible_until_complete(tmp_path: Path) -> None:
    path = tmp_path / "site/2026-11-26/RUN-1.jsonl"
    with atomic_file(path) as fh:
        fh.write(b'{"half": ')
        present = [p.name for p in path.parent.iterdir()]
        assert not path.exists()
        assert len(present) == 1 and present[0].startswith(".") and not present[0].endswith(".jsonl")
        assert not list(tmp_path.rglob("*.jsonl"))
        fh.write(b"1}\n")
    assert path.read_bytes() == b'{"half": 1}\n'
    assert [p.name for p in path.parent.iterdir()] == ["RUN-1.jsonl"]  # the temp file became it


def test_an_error_mid_write_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "RUN-1.jsonl"
    with pytest.raises(TypeError):
        write_batch(path, [record(1), {"not json": object()}])
    assert list(tmp_path.iterdir()) == []


def test_kill_9_between_write_and_rename_leaves_no_partial_jsonl(tmp_path: Path) -> None:
    # A real crash at the worst moment: the process SIGKILLs itself where the rename would happen.
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from newsbot.exporters import BatchWriter
        writer = BatchWriter(Path({str(tmp_path)!r}), "RUN", batch_size=2)
        for n in range(2):
            writer.add({{"site": "news.example", "n": n}})
        os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
        for n in range(2, 4):
            writer.add({{"site": "news.example", "n": n}})
        """
    )
    result = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert result.returncode == -signal.SIGKILL
    finished = list(tmp_path.rglob("*.jsonl"))
    assert [p.name for p in finished] == ["RUN-1.jsonl"]  # the batch before the crash is whole
    assert read_jsonl(finished[0]) == [{"site": "news.example", "n": 0}, {"site": "news.example", "n": 1}]
    leftovers = [p for p in finished[0].parent.iterdir() if p.name != "RUN-1.jsonl"]
    assert len(leftovers) == 1 and not leftovers[0].name.endswith(".jsonl")
    assert read_jsonl(leftovers[0]) == [{"site": "news.example", "n": 2}, {"site": "news.example", "n": 3}]


class RecordingJournal:
    """A journal that notes what was on disk at each call: the order is the exactly-once contract."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, bool, bool]] = []

    def begin_batch(self, path: Path, temp: Path, records: Sequence[Mapping[str, Any]]) -> None:
        assert temp == temp_path(path)
        self.calls.append(("begin", path.name, path.exists(), temp.exists()))

    def finish_batch(self, path: Path) -> None:
        self.calls.append(("finish", path.name, path.exists(), temp_path(path).exists()))


def test_the_journal_hears_of_a_batch_before_it_exists_and_after_it_is_in_place(tmp_path: Path) -> None:
    journal = RecordingJournal()
    writer = BatchWriter(tmp_path, "RUN", batch_size=2, clock=lambda: DAY1, journal=journal)
    for n in range(3):
        writer.add(record(n))
    writer.flush()
    assert journal.calls == [
        ("begin", "RUN-1.jsonl", False, False),  # (call, file, file exists, temp exists)
        ("finish", "RUN-1.jsonl", True, False),
        ("begin", "RUN-2.jsonl", False, False),
        ("finish", "RUN-2.jsonl", True, False),
    ]


def test_a_failed_batch_stays_unfinished_and_the_next_gets_a_new_number(tmp_path: Path) -> None:
    journal = RecordingJournal()
    writer = BatchWriter(tmp_path, "RUN", batch_size=1, clock=lambda: DAY1, journal=journal)
    with pytest.raises(TypeError):
        writer.add({"site": "news.example", "not json": object()})
    assert writer.add(record(1)) == tmp_path / "news.example/2026-11-26/RUN-2.jsonl"
    calls = [call[:2] for call in journal.calls]
    assert calls == [("begin", "RUN-1.jsonl"), ("begin", "RUN-2.jsonl"), ("finish", "RUN-2.jsonl")]
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["RUN-2.jsonl"]


def test_run_summary_json(tmp_path: Path) -> None:
    path = run_summary_path(tmp_path, "RUN")
    write_json(path, {"run_id": "RUN", "stats": {"start_time": DAY1, "newsbot/exported": 3}})
    assert path == tmp_path / "runs/RUN.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "run_id": "RUN",
        "stats": {"start_time": "2026-11-26T23:59:59+00:00", "newsbot/exported": 3},
    }

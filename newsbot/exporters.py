"""Atomic, partitioned JSONL output: ``<root>/<site>/<YYYY-MM-DD>/<run-id>-<n>.jsonl``.

Why not Scrapy's ``FEEDS`` / ``JsonLinesItemExporter``: a feed is one file that grows
while the crawl runs, so a reader (or a crash) can see half a line, and it cannot
split records by site and date. Here each batch is written to a temporary name,
fsynced and renamed into place, so a ``.jsonl`` file is complete or absent, even
after ``kill -9``. ``FEEDS`` (``scrapy crawl news -o x.jsonl``) still works beside it.

A :class:`Journal` (the state store) makes the batches exactly-once: it records each
batch before its file is written and marks it exported after the rename.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

import jsonlines

from .paths import fsync_dir, make_dirs, site_folder, utc_now


def temp_path(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place.

    Hidden and ending in ``.tmp``, never in the final suffix, so a glob for ``*.jsonl``
    cannot pick up a batch a crash cut short. Fixed rather than random, so the state
    store can name it before it exists and delete it after a crash; file names carry
    the run id, so no two writers share one.
    """
    return path.with_name(f".{path.name}.tmp")


@contextmanager
def atomic_file(path: Path, before_rename: Callable[[], None] | None = None) -> Iterator[IO[bytes]]:
    """Write ``path`` so that it appears complete or not at all; ``before_rename`` runs once it is fsynced."""
    make_dirs(path.parent)
    tmp = temp_path(path)
    try:
        with open(tmp, "xb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if before_rename is not None:
            before_rename()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # an error we survive leaves nothing behind; only kill -9 can
        raise
    fsync_dir(path.parent)


def write_batch(
    path: Path, records: Sequence[Mapping[str, Any]], before_rename: Callable[[], None] | None = None
) -> None:
    """One JSONL file, UTF-8 unescaped (jsonlines' default ``ensure_ascii=False``), one record a line."""
    with atomic_file(path, before_rename) as fh, jsonlines.Writer(fh, compact=True) as writer:
        writer.write_all(records)


def _json_default(value: object) -> str:
    """Scrapy stats hold datetimes (start_time, finish_time): ISO 8601 like every newsbot time."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    with atomic_file(path) as fh:
        fh.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default).encode("utf-8"))


class BatchNotWritten(Exception):
    """A batch file could not be written (output folder gone, disk full): which records it held, and why."""

    def __init__(self, path: Path, records: Sequence[Mapping[str, Any]], cause: OSError) -> None:
        super().__init__(f"batch {path} not written: {cause.strerror or cause}")
        self.path = path
        self.records = records
        self.cause = cause


class Journal(Protocol):
    """Told about each batch around its write, so exports can be made exactly-once (the state store)."""

    def begin_batch(self, path: Path, temp: Path, records: Sequence[Mapping[str, Any]]) -> None:
        """Before anything is written: ``records`` are about to become ``path`` by way of ``temp``."""

    def finish_batch(self, path: Path) -> None:
        """``path`` is in place and durable."""


class BatchWriter:
    """Buffers records per (site, UTC export date) and writes them as numbered atomic batches.

    ``commit_delay`` seconds are slept before the rename and again before ``finish_batch``:
    only crash tests set it, to ``kill -9`` a crawl inside those windows. ``on_failure`` is told
    of a batch that could not be written, and writing goes on; without it, the failure is raised.
    """

    def __init__(
        self,
        root: Path,
        run_id: str,
        batch_size: int = 50,
        clock: Callable[[], datetime] = utc_now,
        journal: Journal | None = None,
        commit_delay: float = 0.0,
        on_failure: Callable[[BatchNotWritten], None] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch size must be at least 1, got {batch_size}")
        self.root = root
        self.run_id = run_id
        self.batch_size = batch_size
        self.clock = clock
        self.journal = journal
        self.commit_delay = commit_delay
        self.on_failure = on_failure
        self.files: list[Path] = []
        """Every batch file written, in order."""
        self._pending: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        self._batches: dict[tuple[str, str], int] = {}

    def add(self, record: Mapping[str, Any]) -> Path | None:
        """Buffer one record; returns the batch file when this record filled one."""
        key = (site_folder(record.get("site")), f"{self.clock():%Y-%m-%d}")
        pending = self._pending.setdefault(key, [])
        pending.append(record)
        return self._write(key) if len(pending) >= self.batch_size else None

    def flush(self) -> list[Path]:
        """Write every partial batch (at the end of a crawl)."""
        return [path for key, pending in list(self._pending.items()) if pending and (path := self._write(key))]

    def _write(self, key: tuple[str, str]) -> Path | None:
        site, day = key
        number = self._batches.get(key, 0) + 1
        path = self.root / site / day / f"{self.run_id}-{number}.jsonl"
        # Taken off the buffer first: after a failed write (disk full) the crawl goes on with the next
        # number, and the journal's pending entry lets the next start settle this one from what is on disk.
        records, self._pending[key], self._batches[key] = self._pending[key], [], number
        if self.journal is not None:
            self.journal.begin_batch(path, temp_path(path), records)
        try:
            write_batch(path, records, before_rename=self._pause)
        except OSError as err:
            failure = BatchNotWritten(path, records, err)
            if self.on_failure is None:
                raise failure from err
            self.on_failure(failure)
            return None
        if self.journal is not None:
            self._pause()
            self.journal.finish_batch(path)
        self.files.append(path)
        return path

    def _pause(self) -> None:
        if self.commit_delay > 0:
            time.sleep(self.commit_delay)

"""The SQLite store of a state directory: exported articles and their URLs, feed validators, near-duplicate
fingerprints, pending batches.

Why SQLite (stdlib ``sqlite3``, WAL): one file, transactions that survive ``kill -9``,
readers that never block the one writer, and several crawls of different sites may
share it (each writes in short transactions and waits up to ``timeout`` for the others).

Exactly-once export rests on the ``pending`` tables: a batch is recorded (path, temp
path and what marking it exported will write) *before* its file is written, and
marked exported *after* the file is renamed into place. Whatever moment a crash
hits, :meth:`StateStore.reconcile` on the next start finds the truth on disk: the
file exists -> its articles were exported, mark them; it does not -> drop the entry,
delete the temp file, and the articles are simply found again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from ..urls import normalize_url

logger = logging.getLogger(__name__)

STORE_FILE = "newsbot.sqlite3"
SCHEMA_VERSION = 1
"""``PRAGMA user_version`` of the layout below; a newer number means a newer newsbot wrote it."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,            -- the record id
    site TEXT,
    url TEXT NOT NULL,              -- final URL of the latest fetch
    content_hash TEXT,
    extractor_version TEXT,         -- of the stored content_hash
    version INTEGER NOT NULL,       -- the record version last exported
    lastmod TEXT,                   -- newest lastmod/updated a feed or sitemap gave, UTC ISO 8601
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    batch TEXT                      -- the file holding the latest exported version
);
CREATE TABLE IF NOT EXISTS aliases (
    url TEXT PRIMARY KEY,           -- a normalized URL (requested, final or canonical)
    id TEXT NOT NULL REFERENCES articles(id)
);
CREATE INDEX IF NOT EXISTS aliases_by_id ON aliases(id);
CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY,           -- a feed or sitemap, normalized
    etag TEXT,
    last_modified TEXT,
    stored_at TEXT NOT NULL,
    since TEXT                      -- the --since cut-off of the run that read it in full; NULL: none
);
CREATE TABLE IF NOT EXISTS fingerprints (
    id TEXT PRIMARY KEY,            -- the record id
    signature BLOB NOT NULL,        -- its near-duplicate fingerprint (newsbot.fingerprint)
    duplicate_of TEXT,              -- the first-seen article it repeats, if any
    seq INTEGER NOT NULL            -- insertion order: the newest are kept and loaded, oldest first
);
-- Each article reads the newest seq and deletes the oldest: without it both scan every kept
-- signature (24 ms an article in the reactor thread once 10,000 are kept; tests/test_state_store.py).
CREATE INDEX IF NOT EXISTS fingerprints_by_seq ON fingerprints(seq);
CREATE TABLE IF NOT EXISTS pending_batches (
    path TEXT PRIMARY KEY,          -- the batch file once renamed into place
    temp TEXT NOT NULL,             -- the name it is written under first
    lock TEXT NOT NULL,             -- the site lock of the crawl writing it
    run_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_articles (
    batch TEXT NOT NULL REFERENCES pending_batches(path) ON DELETE CASCADE,
    id TEXT NOT NULL,
    entry TEXT NOT NULL,            -- JSON of the Seen that marking it exported writes
    PRIMARY KEY (batch, id)
);
"""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Known:
    """What the store knows of an exported article."""

    id: str
    version: int
    content_hash: str | None
    extractor_version: str | None
    lastmod: str | None
    first_seen: str
    last_seen: str


@dataclass(frozen=True)
class Seen:
    """One sighting of an article: written when its batch is marked exported, or at once if not exported."""

    id: str
    url: str
    site: str | None
    aliases: tuple[str, ...]
    """Every URL the article was reached or named by; normalized when stored."""
    content_hash: str | None
    extractor_version: str | None
    version: int
    lastmod: str | None
    """UTC ISO 8601 to the second, so dates compare as strings; None if no feed or sitemap gave one."""
    seen_at: str


@dataclass(frozen=True)
class Validators:
    """A feed's or sitemap's conditional GET validators, as its server sent them."""

    etag: str | None
    last_modified: str | None
    since: str | None = None
    """The ``--since`` cut-off (UTC ISO 8601) of the run that read the document in full; None: it had none.
    A 304 says nothing about entries that run skipped as too old, so a wider window must not send these."""


@dataclass(frozen=True)
class Reconciled:
    finished: list[Path]
    """Batches whose file was in place: their articles are now marked exported."""
    abandoned: list[Path]
    """Batches that never reached their name: forgotten, their temp files deleted."""


class StateStore:
    """The SQLite store in ``<state_dir>/newsbot.sqlite3``."""

    def __init__(self, state_dir: Path, timeout: float = 30.0) -> None:
        state_dir = Path(state_dir)
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / STORE_FILE
        # Autocommit mode: every write below is one explicit BEGIN IMMEDIATE ... COMMIT.
        self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL, not WAL's usual NORMAL: "marked exported" must survive a power cut, like the fsynced file.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} was written by a newer newsbot (schema {version})")
        # One script, one transaction: two crawls opening a new state folder at once both succeed.
        self._db.executescript(f"BEGIN IMMEDIATE; {SCHEMA}; PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        self._add_column("validators", "since TEXT")

    def _add_column(self, table: str, column: str) -> None:
        """A column later versions added to a table: NULL in old rows, which older versions never read."""
        try:
            self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
        except sqlite3.OperationalError as err:  # there already (a new store, or another crawl added it first)
            if "duplicate column" not in str(err):
                raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------ articles

    def lookup(self, url: str) -> Known | None:
        """The exported article this URL (any alias, any variant normalization removes) belongs to."""
        row = self._db.execute(
            "SELECT a.* FROM aliases JOIN articles a ON a.id = aliases.id WHERE aliases.url = ?",
            (normalize_url(url),),
        ).fetchone()
        return _known(row)

    def find(self, id: str | None, urls: Iterable[str | None]) -> Known | None:
        """The exported article with this id, else the one any of ``urls`` is an alias of."""
        if id:
            row = self._db.execute("SELECT * FROM articles WHERE id = ?", (id,)).fetchone()
            if row is not None:
                return _known(row)
        for url in urls:
            if url and (known := self.lookup(url)) is not None:
                return known
        return None

    def touch(self, seen: Seen) -> None:
        """Record a sighting of an already exported article that is not exported again."""
        with self._tx():
            self._apply(seen, batch=None)

    def _apply(self, seen: Seen, batch: str | None) -> None:
        self._db.execute(
            """INSERT INTO articles (id, site, url, content_hash, extractor_version, version, lastmod,
                                     first_seen, last_seen, batch)
               VALUES (:id, :site, :url, :content_hash, :extractor_version, :version, :lastmod,
                       :seen_at, :seen_at, :batch)
               ON CONFLICT(id) DO UPDATE SET
                   site = excluded.site, url = excluded.url, content_hash = excluded.content_hash,
                   extractor_version = excluded.extractor_version, version = excluded.version,
                   lastmod = CASE WHEN excluded.lastmod > IFNULL(articles.lastmod, '')
                                  THEN excluded.lastmod ELSE articles.lastmod END,
                   last_seen = excluded.last_seen, batch = IFNULL(excluded.batch, articles.batch)""",
            {**asdict(seen), "batch": batch},
        )
        self._db.executemany(
            "INSERT INTO aliases (url, id) VALUES (?, ?) ON CONFLICT(url) DO UPDATE SET id = excluded.id",
            [(alias, seen.id) for alias in sorted({normalize_url(url) for url in seen.aliases if url})],
        )

    # ------------------------------------------------------------ batches (see the module docstring)

    def begin_batch(self, path: Path, temp: Path, lock: str, run_id: str, entries: Sequence[Seen]) -> None:
        """Record a batch before its file is written: what to mark exported once it is in place."""
        with self._tx():
            self._db.execute(
                "INSERT INTO pending_batches (path, temp, lock, run_id, created_at) VALUES (?, ?, ?, ?, ?)",
                (str(path), str(temp), lock, run_id, utc_now()),
            )
            self._db.executemany(
                "INSERT INTO pending_articles (batch, id, entry) VALUES (?, ?, ?)",
                [(str(path), seen.id, json.dumps(asdict(seen), ensure_ascii=False)) for seen in entries],
            )

    def finish_batch(self, path: Path) -> None:
        """The batch file is in place: mark its articles exported and forget the pending entry, atomically."""
        with self._tx():
            rows = self._db.execute("SELECT entry FROM pending_articles WHERE batch = ?", (str(path),)).fetchall()
            for row in rows:
                data = json.loads(row["entry"])
                self._apply(Seen(**{**data, "aliases": tuple(data["aliases"])}), batch=str(path))
            self._db.execute("DELETE FROM pending_batches WHERE path = ?", (str(path),))

    def abandon_batch(self, path: Path) -> None:
        """The batch file never reached its name: forget it; its articles stay unexported."""
        with self._tx():
            self._db.execute("DELETE FROM pending_batches WHERE path = ?", (str(path),))

    def pending_locks(self) -> set[str]:
        """Locks of the crawls that left batches pending (crashed, or running now)."""
        return {row[0] for row in self._db.execute("SELECT DISTINCT lock FROM pending_batches")}

    def reconcile(self, lock: str) -> Reconciled:
        """Settle the pending batches of ``lock``'s crawls; call it holding that lock, before crawling."""
        rows = self._db.execute("SELECT path, temp FROM pending_batches WHERE lock = ? ORDER BY path", (lock,))
        return settle_batches(self, [(Path(row["path"]), Path(row["temp"])) for row in rows])

    # ------------------------------------------------------------ conditional GET

    def validators(self, url: str) -> Validators | None:
        row = self._db.execute(
            "SELECT etag, last_modified, since FROM validators WHERE url = ?", (normalize_url(url),)
        ).fetchone()
        return Validators(row["etag"], row["last_modified"], row["since"]) if row else None

    def save_validators(self, found: Mapping[str, Validators]) -> None:
        with self._tx():
            self._db.executemany(
                """INSERT INTO validators (url, etag, last_modified, stored_at, since) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                                                  stored_at = excluded.stored_at, since = excluded.since""",
                [(normalize_url(url), v.etag, v.last_modified, utc_now(), v.since) for url, v in found.items()],
            )


    # ------------------------------------------------------------ near-duplicate fingerprints

    def save_fingerprint(self, id: str, signature: bytes, duplicate_of: str | None, keep: int) -> None:
        """Remember an article's fingerprint as the newest; only the newest ``keep`` are kept.

        Written at once, not with the batch: a fingerprint of an article a crash kept from
        being exported is harmless, as the index never matches an article with itself.
        """
        with self._tx():
            (seq,) = self._db.execute("SELECT IFNULL(MAX(seq), 0) + 1 FROM fingerprints").fetchone()
            self._db.execute(
                """INSERT INTO fingerprints (id, signature, duplicate_of, seq) VALUES (?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET signature = excluded.signature,
                                                 duplicate_of = excluded.duplicate_of, seq = excluded.seq""",
                (id, signature, duplicate_of, seq),
            )
            self._db.execute("DELETE FROM fingerprints WHERE seq <= ?", (seq - keep,))

    def fingerprints(self) -> list[tuple[str, bytes, str | None]]:
        """``(id, signature, duplicate_of)`` of the kept fingerprints, oldest first (as the index loads them)."""
        rows = self._db.execute("SELECT id, signature, duplicate_of FROM fingerprints ORDER BY seq")
        return [(row["id"], bytes(row["signature"]), row["duplicate_of"]) for row in rows]


class Batches(Protocol):
    """What settling pending batches needs of a store (SQLite here, Redis in :mod:`newsbot.state.redis_store`)."""

    def finish_batch(self, path: Path) -> None: ...

    def abandon_batch(self, path: Path) -> None: ...


def settle_batches(store: Batches, batches: Iterable[tuple[Path, Path]]) -> Reconciled:
    """Settle pending ``(path, temp)`` batches from what is on disk: in place -> exported, else forgotten.
    A batch whose file cannot even be looked at (EACCES on the way) stays pending: no one can tell yet."""
    finished, abandoned = [], []
    for path, temp in batches:
        try:
            written = path.is_file()
        except OSError as err:
            logger.warning("Cannot tell whether batch %s was written (%s): it stays pending", path, err)
            continue
        if written:
            store.finish_batch(path)
            finished.append(path)
        else:
            _remove_stale(temp)
            store.abandon_batch(path)
            abandoned.append(path)
    return Reconciled(finished, abandoned)


def _remove_stale(temp: Path) -> None:
    """Delete a dead batch's temporary file, if it can still be reached.

    Any error is the old output folder's state, not this run's business: it may since have become
    a file, gone unwritable or been unmounted (``NotADirectoryError``, ``PermissionError`` …).
    Raising here would fail every later crawl with this state folder until that path was usable again.
    """
    try:
        temp.unlink(missing_ok=True)
    except OSError as err:
        logger.warning("Cannot remove %s, the temporary file of a batch never written: %s", temp, err)


def _known(row: sqlite3.Row | None) -> Known | None:
    if row is None:
        return None
    return Known(
        id=row["id"],
        version=row["version"],
        content_hash=row["content_hash"],
        extractor_version=row["extractor_version"],
        lastmod=row["lastmod"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
    )

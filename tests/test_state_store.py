"""The SQLite store on real files: aliases, versions, dates, validators, and settling batches after a crash."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from query_plans import query_plans

from newsbot.state import Seen, StateStore, Validators
from newsbot.state.store import STORE_FILE


def seen(n: int = 1, **fields: object) -> Seen:
    values: dict = {
        "id": f"id-{n}",
        "url": f"https://news.example/a/{n}",
        "site": "news.example",
        "aliases": (f"https://news.example/a/{n}", f"https://news.example/r/{n}?utm_source=rss"),
        "content_hash": f"hash-{n}",
        "extractor_version": "1.0",
        "version": 1,
        "lastmod": None,
        "seen_at": "2026-11-26T16:30:00+00:00",
    }
    return Seen(**{**values, **fields})


@pytest.fixture
def store(tmp_path: Path):
    with StateStore(tmp_path) as opened:
        yield opened


def export(store: StateStore, path: Path, *entries: Seen) -> None:
    store.begin_batch(path, path.with_name("." + path.name + ".tmp"), "news.example", "RUN", entries)
    path.write_text("{}\n")
    store.finish_batch(path)


def test_is_one_sqlite_file_in_wal_mode(store: StateStore, tmp_path: Path) -> None:
    assert store.path == tmp_path / STORE_FILE
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_article_is_known_by_every_alias_in_normal_form(store: StateStore, tmp_path: Path) -> None:
    assert store.lookup("https://news.example/a/1") is None
    export(store, tmp_path / "b1.jsonl", seen(1))
    for url in (
        "https://news.example/a/1",
        "HTTPS://NEWS.example/a/1#comments",
        "https://news.example/r/1",  # the tracking parameter was never part of the alias
        "https://news.example/r/1?utm_campaign=x",
    ):
        known = store.lookup(url)
        assert known is not None and known.id == "id-1", url
    assert store.lookup("https://news.example/a/2") is None


def test_find_by_id_first_then_by_any_url(store: StateStore, tmp_path: Path) -> None:
    export(store, tmp_path / "b1.jsonl", seen(1), seen(2))
    assert store.find("id-2", ["https://news.example/a/1"]).id == "id-2"  # type: ignore[union-attr]
    assert store.find("unknown-id", [None, "https://news.example/a/1"]).id == "id-1"  # type: ignore[union-attr]
    assert store.find(None, ["https://news.example/a/9"]) is None


def test_a_new_version_keeps_first_seen_and_the_newest_lastmod(store: StateStore, tmp_path: Path) -> None:
    export(store, tmp_path / "b1.jsonl", seen(1, lastmod="2024-04-08T04:45:00+00:00"))
    later = seen(
        1, version=2, content_hash="hash-1b", lastmod="2024-04-23T07:00:00+00:00", seen_at="2026-11-27T08:00:00+00:00"
    )
    export(store, tmp_path / "b2.jsonl", later)
    known = store.lookup("https://news.example/a/1")
    assert known is not None
    assert (known.version, known.content_hash, known.lastmod) == (2, "hash-1b", "2024-04-23T07:00:00+00:00")
    assert (known.first_seen, known.last_seen) == ("2026-11-26T16:30:00+00:00", "2026-11-27T08:00:00+00:00")
    # An older date (a feed that lags the sitemap) or none never moves lastmod back.
    store.touch(replace(later, lastmod="2024-04-10T00:00:00+00:00"))
    store.touch(replace(later, lastmod=None))
    assert store.lookup("https://news.example/a/1").lastmod == "2024-04-23T07:00:00+00:00"  # type: ignore[union-attr]


def test_touch_adds_the_urls_an_article_was_reached_by(store: StateStore, tmp_path: Path) -> None:
    export(store, tmp_path / "b1.jsonl", seen(1))
    store.touch(seen(1, aliases=("https://news.example/go/short-1",)))
    assert store.lookup("https://news.example/go/short-1").id == "id-1"  # type: ignore[union-attr]
    assert store.lookup("https://news.example/a/1") is not None  # old aliases stay


def test_a_pending_batch_is_not_exported_until_finished(store: StateStore, tmp_path: Path) -> None:
    path = tmp_path / "b1.jsonl"
    store.begin_batch(path, tmp_path / ".b1.jsonl.tmp", "news.example", "RUN", [seen(1)])
    assert store.lookup("https://news.example/a/1") is None
    assert store.pending_locks() == {"news.example"}
    path.write_text("{}\n")
    store.finish_batch(path)
    assert store.lookup("https://news.example/a/1") is not None
    assert store.pending_locks() == set()


def test_reconcile_marks_batches_whose_file_exists_and_drops_the_rest(store: StateStore, tmp_path: Path) -> None:
    renamed, cut_short, never_written = tmp_path / "r.jsonl", tmp_path / "c.jsonl", tmp_path / "n.jsonl"
    temp = tmp_path / ".c.jsonl.tmp"
    for path, entry in ((renamed, seen(1)), (cut_short, seen(2)), (never_written, seen(3))):
        store.begin_batch(path, path.with_name(f".{path.name}.tmp"), "news.example", "RUN", [entry])
    store.begin_batch(tmp_path / "other.jsonl", tmp_path / ".other.tmp", "other.example", "RUN", [seen(4)])
    renamed.write_text("{}\n")  # killed after the rename, before marking
    temp.write_text('{"half": ')  # killed before the rename

    settled = store.reconcile("news.example")
    assert settled.finished == [renamed]
    assert sorted(settled.abandoned) == sorted([cut_short, never_written])
    assert not temp.exists()
    assert store.lookup("https://news.example/a/1") is not None
    assert store.lookup("https://news.example/a/2") is None and store.lookup("https://news.example/a/3") is None
    assert store.pending_locks() == {"other.example"}  # another site's batches wait for that site's lock


def test_reconcile_abandons_a_batch_whose_folder_became_a_file(store: StateStore, tmp_path: Path) -> None:
    """The output folder of a failed run is now a file: the stale temp path is not an error for this run."""
    blocked = tmp_path / "out" / "127.0.0.1"
    blocked.parent.mkdir()
    blocked.write_text("a file where the site folder would be\n")
    path = blocked / "2024-04-22" / "RUN-1.jsonl"
    store.begin_batch(path, path.with_name(f".{path.name}.tmp"), "news.example", "RUN", [seen(1)])
    settled = store.reconcile("news.example")
    assert (settled.finished, settled.abandoned) == ([], [path])
    assert store.lookup("https://news.example/a/1") is None  # found again, and exported, next time
    assert store.pending_locks() == set()


def test_validators_round_trip_by_normalized_url(store: StateStore) -> None:
    assert store.validators("https://news.example/rss.xml") is None
    store.save_validators({"https://NEWS.example/rss.xml": Validators('"abc"', "Mon, 22 Apr 2024 06:00:00 GMT")})
    store.save_validators({"https://news.example/sitemap.xml": Validators(None, "Tue, 23 Apr 2024 06:00:00 GMT")})
    assert store.validators("https://news.example/rss.xml#x") == Validators('"abc"', "Mon, 22 Apr 2024 06:00:00 GMT")
    store.save_validators({"https://news.example/rss.xml": Validators('"def"', None)})
    assert store.validators("https://news.example/rss.xml") == Validators('"def"', None)


def test_fingerprints_keep_the_newest_and_load_oldest_first(store: StateStore) -> None:
    assert store.fingerprints() == []
    for n in range(1, 5):
        store.save_fingerprint(f"id-{n}", bytes([n]) * 8, "id-1" if n > 1 else None, keep=3)
    assert store.fingerprints() == [(f"id-{n}", bytes([n]) * 8, "id-1") for n in (2, 3, 4)]
    store.save_fingerprint("id-2", b"edited", None, keep=3)  # an edited article becomes the newest
    assert [row[0] for row in store.fingerprints()] == ["id-3", "id-4", "id-2"]


def test_saving_a_fingerprint_reads_no_whole_table(store: StateStore) -> None:
    """Every article saves its fingerprint in the reactor thread, with up to 10,000 kept: finding the newest
    seq and forgetting the oldest must go through an index, not a scan of every kept signature."""
    for n in range(1, 4):
        store.save_fingerprint(f"id-{n}", bytes([n]) * 8, None, keep=2)
    plans = query_plans(store._db, lambda: store.save_fingerprint("id-4", b"sig", None, keep=2), "fingerprints")
    assert len(plans) == 2, plans  # the newest seq, the oldest forgotten
    for sql, plan in plans.items():
        assert not any(step.startswith("SCAN fingerprints") for step in plan), (sql, plan)


def test_two_processes_share_one_store(store: StateStore, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from newsbot.state import StateStore, Seen
        with StateStore(Path({str(tmp_path)!r})) as other:
            entry = Seen("id-9", "https://news.example/a/9", "news.example", ("https://news.example/a/9",),
                         "h", "1.0", 1, None, "2026-11-26T16:30:00+00:00")
            path = Path({str(tmp_path / "b9.jsonl")!r})
            other.begin_batch(path, path.with_name(".b9.tmp"), "news.example", "RUN", [entry])
            path.write_text("{{}}\\n")
            other.finish_batch(path)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert store.lookup("https://news.example/a/9") is not None  # seen at once by this open connection


def test_refuses_a_store_from_a_newer_newsbot(tmp_path: Path) -> None:
    StateStore(tmp_path).close()
    with sqlite3.connect(tmp_path / STORE_FILE) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(RuntimeError, match="newer newsbot"):
        StateStore(tmp_path)

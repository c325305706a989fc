"""The Redis stores answer as the SQLite ones: the same calls on a real redis-server and a real SQLite file agree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis_server import RedisServer, require_redis_server
from test_state_store import seen
from test_templates import write_old_state

from newsbot.extraction.templates import MIN_PAGES, total_weight
from newsbot.state import template_store as templates_module
from newsbot.state.template_store import SqliteTemplateStore
from newsbot.state import StateStore, Validators

redis = pytest.importorskip("redis")
from newsbot.state import redis_store as redis_store_module  # noqa: E402
from newsbot.state.redis_store import RedisStateStore, RedisTemplateStore, connect  # noqa: E402


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with RedisServer(require_redis_server(), tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
def stores(redis_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[StateStore, RedisStateStore]]:
    client = connect(redis_url)
    with StateStore(tmp_path / "sqlite") as sqlite:
        yield sqlite, RedisStateStore(client, prefix=f"t{request.node.name[-40:]}")
    client.close()


def test_same_answers_for_sightings_batches_and_settling(stores: tuple, tmp_path: Path) -> None:
    sqlite, shared = stores
    for store, folder in ((sqlite, tmp_path / "s"), (shared, tmp_path / "r")):
        folder.mkdir()
        first, lost, kept = folder / "b1.jsonl", folder / "b2.jsonl", folder / "b3.jsonl"
        store.begin_batch(first, folder / ".b1.tmp", "a", "RUN", [seen(1, lastmod="2026-11-20T00:00:00+00:00")])
        first.write_text("{}\n")
        store.finish_batch(first)
        # A later sighting: a new URL, an older lastmod (the newer one stays), first_seen kept.
        store.touch(seen(1, aliases=("https://news.example/moved/1",), lastmod="2026-11-01T00:00:00+00:00",
                         seen_at="2026-11-27T10:00:00+00:00"))  # fmt: skip
        # Two batches cut by a crash: one never renamed, one renamed but not marked.
        store.begin_batch(lost, folder / ".b2.tmp", "a", "RUN", [seen(2)])
        store.begin_batch(kept, folder / ".b3.tmp", "a", "RUN", [seen(3, version=2)])
        kept.write_text("{}\n")
        assert store.pending_locks() == {"a"}
        settled = store.reconcile("a")
        assert (settled.finished, settled.abandoned) == ([kept], [lost])
        assert store.pending_locks() == set()
        store.save_validators({"https://news.example/feed": Validators('"e1"', "Tue, 26 Nov 2026 16:30:00 GMT")})
        for n in range(5):
            store.save_fingerprint(f"id-{n}", bytes([n]) * 8, "id-0" if n else None, keep=3)
    for url in ("https://news.example/a/1", "https://news.example/moved/1", "https://news.example/a/2",
                "https://news.example/a/3"):  # fmt: skip
        assert shared.lookup(url) == sqlite.lookup(url), url
    assert shared.lookup("https://news.example/moved/1").last_seen == "2026-11-27T10:00:00+00:00"
    assert shared.lookup("https://news.example/a/1").lastmod == "2026-11-20T00:00:00+00:00"
    assert shared.find("id-3", []) == sqlite.find("id-3", []) and shared.find("id-3", []).version == 2
    assert shared.validators("https://news.example/feed") == sqlite.validators("https://news.example/feed")
    assert shared.fingerprints() == sqlite.fingerprints() and len(shared.fingerprints()) == 3


def test_templates_are_learned_once_per_url_and_shared(redis_url: str) -> None:
    one, other = RedisTemplateStore(connect(redis_url), "tpl"), RedisTemplateStore(connect(redis_url), "tpl")
    for n in range(4):
        assert (one if n % 2 else other).learn("news.example", f"url-{n}", ["menu", "footer", f"story-{n}"])
    assert not one.learn("news.example", "url-0", ["menu"])  # each URL counts once, whoever learned it
    assert one.pages("news.example") == other.pages("news.example") == 4
    assert one.boilerplate("news.example") == other.boilerplate("news.example") == {"menu", "footer"}


def _learn_both(stores: tuple[SqliteTemplateStore, RedisTemplateStore], site: str, url_id: str, signatures: list[str]) -> None:
    assert stores[0].learn(site, url_id, signatures) == stores[1].learn(site, url_id, signatures)


def test_templates_agree_with_sqlite_past_the_window_and_the_bounds(
    redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A redesign on a site past its window, its URL bound and its signature bound: both stores weigh,
    prune and answer alike at every step."""
    for module in (templates_module, redis_store_module):
        monkeypatch.setattr(module, "MAX_SIGNATURES_PER_SITE", 40)
        monkeypatch.setattr(module, "MAX_URLS_PER_SITE", 30)
    both = (SqliteTemplateStore(tmp_path, window=50), RedisTemplateStore(connect(redis_url), "agree", window=50))
    for page in range(200):
        layout = ["old-menu"] if page < 100 else ["new-menu"]
        column = ["column"] if page % 4 == 0 else []
        _learn_both(both, "big.example", f"url-{page}", ["footer", *layout, *column, f"story-{page}", f"story-{page}-b"])
        _learn_both(both, "big.example", f"url-{page // 2}", ["footer", "again"])  # known (within the URL bound) or new
        if page % 10 == 9:
            assert both[0].pages("big.example") == both[1].pages("big.example")
            assert both[0].boilerplate("big.example") == both[1].boilerplate("big.example"), page
    assert both[1].boilerplate("big.example") == {"footer", "new-menu"}
    assert both[0].knows("big.example", "url-199") and both[1].knows("big.example", "url-199")


def test_a_sites_repeated_signatures_are_indexed_through_learning_pruning_and_upgrade(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """boilerplate() reads a site's "repeated" set, not its whole hash (most signatures are story text seen
    once): the set must hold exactly the signatures seen on MIN_PAGES - 1 pages or more, whatever happened."""
    monkeypatch.setattr(redis_store_module, "MAX_SIGNATURES_PER_SITE", 12)
    client = connect(redis_url)
    store = RedisTemplateStore(client, "idx")

    def repeated(site: str) -> tuple[set[bytes], set[bytes]]:
        values = client.hgetall(f"idx:templates:{site}:signatures")
        want = {name for name, value in values.items() if int(value.split()[0]) >= MIN_PAGES - 1}
        return client.smembers(f"idx:templates:{site}:repeated"), want

    for page in range(30):  # past the signature bound: pruning forgets the lightest, the set with them
        store.learn("big.example", f"url-{page}", ["menu", "footer", *(["column"] if page % 3 == 0 else []), f"story-{page}"])
        members, want = repeated("big.example")
        assert members == want, page
    assert {b"menu", b"footer", b"column"} <= members
    total = repr(total_weight(10, store.decay))  # a site learned before the set existed: "menu" on all its pages
    client.hset("idx:templates:pages", "old.example", 10)
    client.hset("idx:templates:weights", "old.example", total)
    client.hset("idx:templates:old.example:signatures", mapping={"menu": f"10 {total} 10", "rare": "1 1.0 3"})
    assert store.boilerplate("old.example") == {"menu"}  # answered from the whole hash
    store.learn("old.example", "url-11", ["new"])
    assert repeated("old.example") == ({b"menu"}, {b"menu"})
    assert store.boilerplate("old.example") == {"menu"}


def test_templates_learned_before_the_window_agree_with_sqlite(redis_url: str, tmp_path: Path) -> None:
    """Bare counts in Redis, as in an old SQLite state folder, keep their share of the site's pages."""
    write_old_state(tmp_path)
    client = connect(redis_url)
    client.hset("legacy:templates:pages", "old.example", 10)
    client.zadd("legacy:templates:old.example:urls", {f"url-{n}": n for n in range(1, 11)})
    client.hset("legacy:templates:old.example:signatures", mapping={"menu": 10, "half": 5, "rare": 2})
    both = (SqliteTemplateStore(tmp_path), RedisTemplateStore(client, "legacy"))
    assert both[0].boilerplate("old.example") == both[1].boilerplate("old.example") == {"menu", "half"}
    _learn_both(both, "old.example", "url-3", ["rare"])  # known: nothing learned
    _learn_both(both, "old.example", "url-11", ["menu", "rare"])
    assert both[0].boilerplate("old.example") == both[1].boilerplate("old.example") == {"menu"}
    for page in range(12, 20):
        _learn_both(both, "old.example", f"url-{page}", ["menu", "half"])
    assert both[0].boilerplate("old.example") == both[1].boilerplate("old.example") == {"menu", "half"}

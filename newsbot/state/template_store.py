"""The SQLite template store: learned site templates in ``<state>/templates.sqlite3`` (or in memory).

It implements :class:`newsbot.extraction.templates.TemplateStore`, the interface through which
the extraction core reads and learns templates; what a signature is and when one counts as
boilerplate is the core's (:mod:`newsbot.extraction.templates`). The Redis store
(:class:`newsbot.state.redis_store.RedisTemplateStore`) answers the same calls.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from ..extraction.templates import (
    MAX_SIGNATURES_PER_SITE,
    MAX_URLS_PER_SITE,
    MIN_PAGES,
    WINDOW,
    TemplateStore,
    decay_per_page,
    threshold,
    total_weight,
)

FILE_NAME = "templates.sqlite3"
# Sites whose boilerplate sets stay in memory (least recently used go first).
CACHED_SITES = 256


class SqliteTemplateStore(TemplateStore):
    """Signature weights per site, persisted in ``<state>/templates.sqlite3`` (or in memory).

    ``window``: the recent pages a share is taken over (:data:`WINDOW`; the crawl's ``NEWSBOT_TEMPLATE_WINDOW``).
    """

    def __init__(self, state_dir: str | Path | None = None, window: int = WINDOW) -> None:
        self.decay = decay_per_page(window)
        if state_dir is None:
            target = ":memory:"
        else:
            Path(state_dir).mkdir(parents=True, exist_ok=True)
            target = str(Path(state_dir) / FILE_NAME)
        self._db = sqlite3.connect(target)
        self._db.create_function("decayed", 2, lambda weight, age: weight * self.decay**age, deterministic=True)
        self._db.executescript(
            """
            PRAGMA journal_mode=WAL;
            -- Counts, not records: a power cut may forget the last pages learned (the article store, whose
            -- commits export articles exactly once, keeps FULL). Halves a crawl's per-page learning cost.
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS pages (site TEXT, url_id TEXT, seq INTEGER, PRIMARY KEY (site, url_id));
            -- A big site forgets its oldest URL with every page learned: by page number, not a pass over the site.
            CREATE INDEX IF NOT EXISTS pages_by_seq ON pages(site, seq);
            CREATE TABLE IF NOT EXISTS sites (site TEXT PRIMARY KEY, pages INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS signatures (site TEXT, signature TEXT, pages INTEGER NOT NULL,
                                                   PRIMARY KEY (site, signature));
            -- Boilerplate is read from the signatures seen on several pages: not a pass over all of the site's.
            CREATE INDEX IF NOT EXISTS signatures_by_pages ON signatures(site, pages);
            """
        )
        self._add_weights()
        self._boilerplate: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._rows_at_most: dict[str, int] = {}
        """Per site, an upper bound on its signature rows (counted, plus every signature learned since):
        below MAX_SIGNATURES_PER_SITE there is nothing to forget and no need to count (6% of the
        crawl process's busy time went to that count in a profile of 600 pages)."""

    def _add_weights(self) -> None:
        """Give a state folder from before the window its weights: each signature keeps its share of its site's pages.

        ``sites.weight`` is the site's total weight; ``signatures.weight`` a signature's weight as of page
        ``signatures.seen`` (it decays from there); ``pages`` stay the plain counts behind MIN_PAGES.
        """
        if any(row[1] == "weight" for row in self._db.execute("PRAGMA table_info(sites)")):
            return
        with self._db:
            self._db.create_function("total_weight", 1, lambda n: total_weight(n, self.decay), deterministic=True)
            self._db.execute("ALTER TABLE sites ADD COLUMN weight REAL NOT NULL DEFAULT 0")
            self._db.execute("ALTER TABLE signatures ADD COLUMN weight REAL NOT NULL DEFAULT 0")
            self._db.execute("ALTER TABLE signatures ADD COLUMN seen INTEGER NOT NULL DEFAULT 0")
            self._db.execute("UPDATE sites SET weight = total_weight(pages)")
            self._db.execute(
                "UPDATE signatures SET (weight, seen) = (SELECT signatures.pages * sites.weight / sites.pages,"
                " sites.pages FROM sites WHERE sites.site = signatures.site)"
            )

    def close(self) -> None:
        self._db.close()

    def _site(self, site: str) -> tuple[int, float]:
        row = self._db.execute("SELECT pages, weight FROM sites WHERE site = ?", (site,)).fetchone()
        return (row[0], row[1]) if row else (0, 0.0)

    def pages(self, site: str) -> int:
        return self._site(site)[0]

    def knows(self, site: str, url_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM pages WHERE site = ? AND url_id = ?", (site, url_id)).fetchone() is not None

    def learn(self, site: str | None, url_id: str, signatures: Iterable[str]) -> bool:
        """Count one page's signatures for its site; False (nothing learned) for a known URL or no site."""
        if not site or self.knows(site, url_id):
            return False
        try:
            distinct = set(signatures)
            with self._db:
                count = self.pages(site) + 1
                self._db.execute(
                    "INSERT INTO sites (site, pages, weight) VALUES (?, 1, 1.0)"
                    " ON CONFLICT (site) DO UPDATE SET pages = pages + 1, weight = decayed(weight, 1) + 1",
                    (site,),
                )
                self._db.execute("INSERT INTO pages VALUES (?, ?, ?)", (site, url_id, count))
                self._db.executemany(
                    "INSERT INTO signatures (site, signature, pages, weight, seen) VALUES (?, ?, 1, 1.0, ?)"
                    " ON CONFLICT (site, signature) DO UPDATE SET pages = pages + 1,"
                    " weight = decayed(weight, excluded.seen - seen) + 1, seen = excluded.seen",
                    [(site, s, count) for s in distinct],
                )
                self._bound(site, count, len(distinct))
        except BaseException:
            self._rows_at_most.pop(site, None)  # a rolled-back prune leaves the rows it deleted
            raise
        self._boilerplate.pop(site, None)
        return True

    def _bound(self, site: str, count: int, learned: int) -> None:
        """Forget the lightest signatures and the oldest URLs once a site passes its bounds."""
        if site in self._rows_at_most:
            self._rows_at_most[site] += learned
        if self._rows_at_most.get(site, MAX_SIGNATURES_PER_SITE + 1) > MAX_SIGNATURES_PER_SITE:
            (n,) = self._db.execute("SELECT COUNT(*) FROM signatures WHERE site = ?", (site,)).fetchone()
            if n > MAX_SIGNATURES_PER_SITE:
                self._db.execute(
                    "DELETE FROM signatures WHERE site = ? AND signature IN (SELECT signature FROM signatures WHERE site = ?"
                    " ORDER BY decayed(weight, ? - seen) ASC, signature ASC LIMIT ?)",
                    (site, site, count, n - MAX_SIGNATURES_PER_SITE // 2),
                )
                n = MAX_SIGNATURES_PER_SITE // 2
            self._rows_at_most[site] = n
        if count > MAX_URLS_PER_SITE:
            self._db.execute("DELETE FROM pages WHERE site = ? AND seq <= ?", (site, count - MAX_URLS_PER_SITE))

    def boilerplate(self, site: str | None) -> frozenset[str]:
        """Signatures the site's template says are boilerplate (empty before MIN_PAGES pages)."""
        if not site:
            return frozenset()
        if site in self._boilerplate:
            self._boilerplate.move_to_end(site)
            return self._boilerplate[site]
        pages, weight = self._site(site)
        if pages < MIN_PAGES:
            return frozenset()
        rows = self._db.execute(
            "SELECT signature FROM signatures WHERE site = ? AND pages >= ? AND decayed(weight, ? - seen) >= ?",
            (site, MIN_PAGES - 1, pages, threshold(weight)),
        )
        learned = self._boilerplate[site] = frozenset(r[0] for r in rows)
        if len(self._boilerplate) > CACHED_SITES:
            self._boilerplate.popitem(last=False)
        return learned

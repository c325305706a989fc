"""What SQLite does for the statements a call runs: per-page state writes must go through an index.

A scan of a table that grows with the crawl's state costs nothing in a test and milliseconds a page
in a long-lived crawl, so tests read the query plans instead of timing anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def query_plans(db: sqlite3.Connection, call: Callable[[], object], table: str) -> dict[str, list[str]]:
    """The plan steps (EXPLAIN QUERY PLAN) of each statement ``call`` runs on ``db`` that reads, updates
    or deletes rows of ``table`` (inserts have no plan to speak of)."""
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    try:
        call()
    finally:
        db.set_trace_callback(None)
    return {
        sql: [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql)]
        for sql in statements
        if f" {table}" in sql and sql.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE"))
    }

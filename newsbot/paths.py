"""Where newsbot writes: the names of the output and state folders' entries, run ids, and a durable mkdir.

Shared by the exporters, the WARC archive, the state's site locks and the usage checks, so it loads
only the standard library.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path

UNKNOWN_SITE = "_unknown"
"""Folder for records whose ``site`` is null (e.g. ``file://`` URLs)."""
RUNS_FOLDER = "runs"
"""``<root>/runs/<run-id>.json``: one summary per run, beside the site folders."""
# A site becomes a folder name: a host name, never a path (no separators, no leading dot).
_SAFE_SITE = re.compile(r"[^\W_][\w.-]*")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id(now: datetime | None = None) -> str:
    """UTC start time plus a random suffix, so concurrent crawls never share a file name.

    >>> new_run_id(datetime(2026, 11, 26, 16, 30, tzinfo=timezone.utc))[:17]
    '20261126T163000Z-'
    """
    return f"{(now or utc_now()):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def site_folder(site: str | None) -> str:
    """The folder for a record's ``site``; ``_unknown`` for null, ``runs`` or anything unsafe as a name."""
    return site if site and site != RUNS_FOLDER and _SAFE_SITE.fullmatch(site) else UNKNOWN_SITE


def run_summary_path(root: Path, run_id: str) -> Path:
    return root / RUNS_FOLDER / f"{run_id}.json"


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in ``path`` survive a power loss, not just a process crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(path: Path) -> None:
    """``mkdir -p`` whose new entries are fsynced into their parents."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        fsync_dir(folder.parent)

"""Checks of what a user names (URLs, folders, files) before any work starts: each fails with one line.

A crawl that fetched a whole site and then found its output folder was a file has wasted
the site's bandwidth and left state to clean up, and an evaluation that ran for minutes
before failing to write its report has wasted the minutes: so the CLI checks first.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from .paths import make_dirs
from .urls import normalize_url, site_of

HTTP_SCHEMES = frozenset({"http", "https"})


class UsageError(ValueError):
    """A user mistake the CLI reports in one line (exit 2); the message names the option and the value."""


def http_url(url: str | None, what: str) -> str:
    """The normalized ``url``; UsageError unless it is an http(s) URL with a host.

    >>> http_url("https://Example.com/a", "--url")
    'https://example.com/a'
    >>> http_url("ftp://example.com/feed.xml", "--url")
    Traceback (most recent call last):
    ...
    newsbot.checks.UsageError: --url must be an http(s) URL with a host, got 'ftp://example.com/feed.xml'
    """
    try:
        usable = bool(url) and urlsplit(url).scheme in HTTP_SCHEMES and bool(site_of(url))
    except ValueError:  # urlsplit: "Invalid IPv6 URL"
        usable = False
    if not usable or not url:
        raise UsageError(f"{what} must be an http(s) URL with a host, got {url!r}")
    return normalize_url(url)


def _unwritable(folder: Path) -> str | None:
    """Why no file can be made in ``folder`` (created if missing), or None when one can.

    Tried rather than judged from permission bits: root ignores them, and a read-only mount does not show in them.
    """
    if folder.exists() and not folder.is_dir():
        return "not a folder"
    try:
        make_dirs(folder)
        with tempfile.TemporaryFile(dir=folder, prefix=".newsbot-probe-"):
            pass
    except OSError as err:
        return f"not a writable folder: {err.strerror or err}"
    return None


def writable_folder(path: str | Path, what: str) -> Path:
    """``path``, created if missing, once a file could be made in it; else UsageError naming why not."""
    folder = Path(path)
    if (reason := _unwritable(folder)) is not None:
        raise UsageError(f"{what} {folder} is {reason}")
    return folder


def writable_file(path: str | Path, what: str) -> Path:
    """``path`` as a file to be (over)written: not a folder, writable, in a writable folder."""
    file = Path(path)
    if file.is_dir():
        raise UsageError(f"{what} {file} is a folder, not a file")
    if file.exists() and not os.access(file, os.W_OK):
        raise UsageError(f"{what} {file} is not writable")
    if (reason := _unwritable(file.parent)) is not None:
        raise UsageError(f"{what} {file} cannot be written: {file.parent} is {reason}")
    return file


def crawl_folders(output: str | Path, state: str | Path) -> None:
    """A crawl's output root and state folder (settings NEWSBOT_OUTPUT_DIR, NEWSBOT_STATE_DIR), checked
    before its first request: found unusable only at the first batch, the whole site would be fetched for nothing."""
    writable_folder(output, "the output folder (--output, NEWSBOT_OUTPUT_DIR)")
    writable_folder(state, "the state folder (--state, NEWSBOT_STATE_DIR)")


def describe(err: BaseException | None) -> str:
    """An unexpected exception as one line: its type and message (the traceback goes to the log, if anywhere).

    >>> describe(ValueError("Invalid IPv6 URL"))
    'ValueError: Invalid IPv6 URL'
    """
    message = " ".join(str(err).split())
    return f"{type(err).__name__}: {message}" if message else type(err).__name__

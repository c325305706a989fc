"""One crawl per site at a time: an OS file lock that the kernel releases when its process dies."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ..paths import site_folder

LOCKS_FOLDER = "locks"


class SiteLocked(RuntimeError):
    """Another live process holds the site's lock."""

    def __init__(self, site: str, path: Path, holder: str) -> None:
        self.site, self.path, self.holder = site, path, holder
        super().__init__(f"site {site} is being crawled by another run ({holder or 'holder unknown'}); lock {path}")


class SiteLock:
    """``flock`` on ``<state>/locks/<site>.lock``.

    Why flock and not a PID file: ``kill -9`` runs no cleanup, and a stale PID file
    either blocks cron forever or needs guessing whether the PID was reused; the
    kernel drops a flock with the process's last file descriptor. The file is never
    deleted (unlinking a lock file lets two processes lock two different inodes);
    it holds the holder's pid and run id, for the refusal message only.
    """

    def __init__(self, state_dir: Path, site: str) -> None:
        self.site = site
        self.path = Path(state_dir) / LOCKS_FOLDER / f"{site_folder(site)}.lock"
        self._fd: int | None = None

    def acquire(self, holder: str = "") -> None:
        """Take the lock without waiting; :class:`SiteLocked` if a live process has it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            current = os.read(fd, 4096).decode("utf-8", "replace").strip()
            os.close(fd)
            raise SiteLocked(self.site, self.path, current) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} {holder}".strip().encode("utf-8") + b"\n")
        self._fd = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor releases the flock
            self._fd = None

    def __enter__(self) -> SiteLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

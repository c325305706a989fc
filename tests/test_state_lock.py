"""The per-site lock with real processes: a second holder is refused, a killed holder frees the site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newsbot.state import SiteLock, SiteLocked


def hold_lock(state: Path, site: str) -> subprocess.Popen[str]:
    """Another process that takes the lock, says so, and then waits to be killed."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from newsbot.state import SiteLock
        SiteLock(Path({str(state)!r}), {site!r}).acquire(holder="run R1")
        print("locked", flush=True)
        time.sleep(60)
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_crawl_of_the_site_is_refused_naming_site_lock_and_holder(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path, "news.example")
    try:
        lock = SiteLock(tmp_path, "news.example")
        with pytest.raises(SiteLocked) as refused:
            lock.acquire()
        assert refused.value.site == "news.example"
        assert refused.value.path == tmp_path / "locks" / "news.example.lock"
        assert refused.value.holder == f"pid {holder.pid} run R1"
        assert "news.example" in str(refused.value) and str(refused.value.path) in str(refused.value)
        assert not lock.held
        SiteLock(tmp_path, "other.example").acquire()  # one lock per site: others are free
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_kill_9_of_the_holder_frees_the_site(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path, "news.example")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    lock = SiteLock(tmp_path, "news.example")
    lock.acquire(holder="run R2")  # no stale-lock cleanup needed: the kernel dropped it
    assert lock.held
    assert lock.path.read_text().strip() == f"pid {os.getpid()} run R2"
    lock.release()


def test_the_lock_is_per_open_file_so_the_same_process_cannot_take_it_twice(tmp_path: Path) -> None:
    with SiteLock(tmp_path, "news.example"):
        with pytest.raises(SiteLocked):
            SiteLock(tmp_path, "news.example").acquire()
    with SiteLock(tmp_path, "news.example") as again:  # released on exit
        assert again.held


@pytest.mark.parametrize(("site", "name"), [("news.example", "news.example"), ("../etc", "_unknown"), ("", "_unknown")])
def test_a_site_name_is_never_a_path(tmp_path: Path, site: str, name: str) -> None:
    assert SiteLock(tmp_path, site).path == tmp_path / "locks" / f"{name}.lock"

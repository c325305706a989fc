"""Progress of long commands (``eval``, ``extract`` of many files, ``reextract``) on stderr; stdout stays the output.

As well-known command-line tools do it: on a terminal one line redrawn in place (a carriage
return, at most ten times a second) and left showing the total at the end; in a log (cron,
a pipe) a plain line every ``interval`` seconds, and the total only when the work was long
enough to have printed one. ``--quiet`` turns it off.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

REDRAW_SECONDS = 0.1
"""A terminal line is redrawn at most this often: drawing is cheap, but not free on a fast loop."""
LOG_INTERVAL = 30.0
"""Seconds between two plain lines when stderr is no terminal: a cron log stays short."""
CLEAR_TO_END = "\x1b[K"


class Progress:
    """Counts done items of ``total`` (None when unknown) and shows ``label: done/total unit`` on ``stream``."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        unit: str = "pages",
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        interval: float = LOG_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.total, self.unit, self.quiet = label, total, unit, quiet
        self.stream = sys.stderr if stream is None else stream
        self.tty = self.stream.isatty()
        self.interval = REDRAW_SECONDS if self.tty else interval
        self.clock = clock
        self.done = self.shown_done = 0
        self.started = self.shown = clock()
        self.printed = False
        """Whether any progress line was written (in a log the total follows only then)."""

    def line(self) -> str:
        """``eval fundus: 120/258 pages (47%), 12 s``."""
        count = f"{self.done:,}/{self.total:,}" if self.total is not None else f"{self.done:,}"
        share = f" ({100 * self.done // self.total}%)" if self.total else ""
        return f"{self.label}: {count} {self.unit}{share}, {self.clock() - self.started:.0f} s"

    def advance(self, count: int = 1) -> None:
        """``count`` more items done; shows the line when it is due."""
        self.done += count
        if not self.quiet and self.clock() - self.shown >= self.interval:
            self._show()

    def iterate(self, items: Iterable[T]) -> Iterator[T]:
        """``items``, each counted done when the loop asks for the next one (after its ``continue`` too)."""
        for item in items:
            yield item
            self.advance()

    def echo(self, message: str) -> None:
        """A message line (an input that failed) that does not land in the middle of the progress line."""
        if self.tty and self.printed and not self.quiet:
            self.stream.write("\r" + CLEAR_TO_END)
        print(message, file=self.stream, flush=True)
        if self.tty and self.printed and not self.quiet:
            self._show()

    def close(self) -> None:
        """The total, on its own line: always on a terminal, in a log only after a progress line (and once)."""
        if self.quiet:
            return
        if self.tty:
            self._show()
            self.stream.write("\n")
            self.stream.flush()
        elif self.printed and self.shown_done != self.done:
            self._show()

    def _show(self) -> None:
        self.shown, self.shown_done = self.clock(), self.done
        self.printed = True
        if self.tty:
            self.stream.write("\r" + self.line() + CLEAR_TO_END)
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

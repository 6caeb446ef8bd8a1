"""A progress bar on stderr for the commands that move a whole tracker (export, import-json, copy):
drawn only when stderr is a terminal, redrawn at most ten times a second, erased when it is done, so
what the command then prints stands alone (and nothing is written when stderr is a file or a pipe)."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


def is_terminal(stream) -> bool:
    """True when `stream` is a terminal (False for one with no isatty, or a closed one)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """Called as `bar(what, done, total, unit)` ("Copying", 1200, 50000, "rows"); a context manager
    that erases the bar when the block ends."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.on = enabled and is_terminal(self.stream)
        self._what: str | None = None
        self._drawn_at = 0.0
        self._width = 0

    def __bool__(self) -> bool:
        """False when nothing is drawn: callers then skip the counting a bar needs."""
        return self.on

    def __call__(self, what: str, done: int, total: int, unit: str = "rows") -> None:
        if not self.on:
            return
        now = time.monotonic()
        if what == self._what and now - self._drawn_at < 0.1 and done < total:
            return
        self._what, self._drawn_at = what, now
        share = min(1.0, done / total) if total > 0 else 1.0
        if unit == "bytes":
            amount = f"{done / 1e6:,.0f} of {total / 1e6:,.0f} MB"
        else:
            amount = f"{done:,} of {total:,} {unit}"
        columns = shutil.get_terminal_size((80, 24)).columns
        text = f" {share:4.0%}  {amount}"
        room = max(10, min(40, columns - len(what) - len(text) - 4))
        filled = int(room * share)
        line = f"{what} [{'#' * filled}{'-' * (room - filled)}]{text}"[: max(1, columns - 1)]
        self._write("\r" + line.ljust(self._width))
        self._width = len(line)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the command goes on without its bar
            self.on = False

    def close(self) -> None:
        """Erase the bar."""
        if self.on and self._width:
            self._write("\r" + " " * self._width + "\r")
        self._width = 0

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

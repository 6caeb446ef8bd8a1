"""Write a report file in the format its name (or --format) asks for, atomically."""

from __future__ import annotations

from pathlib import Path

from ..atomic import check_target, replacing
from ..errors import InputError, StorageError
from .model import Report
from .publishers import EXTENSIONS, FORMATS, publisher


def format_for(path: str | Path, requested: str | None = None) -> str:
    """The format: the one requested, else the one the file name's extension says."""
    if requested:
        return publisher(requested).name
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise InputError(f"Cannot tell the format from {Path(path).name!r}; add --format ({', '.join(FORMATS)}).")
    return EXTENSIONS[suffix]


def write_report(report: Report, path: str | Path, fmt: str) -> None:
    """Write `report` to `path` in format `fmt` through its publisher, atomically (atomic.replacing):
    a half-written or failed file never replaces an existing one, and a failure is one sentence."""
    target = check_target(path)
    chosen = publisher(fmt)
    chosen.load()  # a format whose libraries cannot be loaded is refused before any file is made
    with replacing(target, "The report") as temporary:
        try:
            chosen.write(report, temporary)
        except (ValueError, TypeError, RecursionError) as exc:  # a writer library refusing what it was given
            raise StorageError(f"The report could not be written to {target}: {exc}.") from None

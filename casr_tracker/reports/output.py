"""Write a report file in the format its name (or --format) asks for, atomically."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

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


def _new_file(path: Path) -> str:
    """An empty file beside `path` to write into and then move over it. Made with mode 0o666, as
    any new file is, so the umask (and a folder's default ACL) gives the report its permissions
    (tempfile.mkstemp would make it 0o600, and the report would stay private to its writer)."""
    while True:
        name = path.parent / f".report-{secrets.token_hex(6)}{path.suffix}"
        try:
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return str(name)


def write_report(report: Report, path: str | Path, fmt: str) -> None:
    """Write `report` to `path` in format `fmt` through its publisher; a half-written file never
    replaces an existing one."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name.")
    if not path.parent.exists():
        raise InputError(f"The folder {path.parent} does not exist.")
    chosen = publisher(fmt)
    chosen.load()  # a format whose libraries cannot be loaded is refused before any file is made
    try:
        temporary = _new_file(path)
    except OSError as exc:
        raise StorageError(f"The report could not be written to {path}: {exc.strerror or exc}.") from None
    try:
        chosen.write(report, temporary)
        os.replace(temporary, path)
    except OSError as exc:
        raise StorageError(f"The report could not be written to {path}: {exc.strerror or exc}.") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)

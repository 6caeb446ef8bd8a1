"""Write a report file in the format its name (or --format) asks for, atomically."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..errors import InputError, StorageError
from . import EXTENSIONS, FORMATS
from .csv import render_csv
from .html import render_html
from .markdown import render_markdown
from .model import Report


def format_for(path: str | Path, requested: str | None = None) -> str:
    """The format: the one requested, else the one the file name's extension says."""
    if requested:
        if requested not in FORMATS:
            raise InputError(f"{requested!r} is not a report format; use one of: {', '.join(FORMATS)}.")
        return requested
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


def write_report(report: Report, path: str | Path, fmt: str, pdf_writer=None) -> None:
    """Write `report` to `path`; a half-written file never replaces an existing one.

    `pdf_writer(report, path)` renders PDF (it needs Qt, so the caller hands it in)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name.")
    if not path.parent.exists():
        raise InputError(f"The folder {path.parent} does not exist.")
    try:
        temporary = _new_file(path)
    except OSError as exc:
        raise StorageError(f"The report could not be written to {path}: {exc.strerror or exc}.") from None
    try:
        if fmt == "pdf":
            if pdf_writer is None:
                raise InputError("PDF needs the window's libraries; use the casr-tracker report command.")
            pdf_writer(report, temporary)
        elif fmt == "xlsx":
            from .xlsx import write_xlsx

            write_xlsx(report, temporary)
        else:
            text = {"html": render_html, "md": render_markdown, "csv": render_csv}[fmt](report)
            Path(temporary).write_text(text, encoding="utf-8", newline="")
        os.replace(temporary, path)
    except OSError as exc:
        raise StorageError(f"The report could not be written to {path}: {exc.strerror or exc}.") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)

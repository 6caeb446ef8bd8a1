"""The report publishers: one per format, each with its name, file extensions, a line saying what it
makes, and the function that makes it.

The function is named as "module:function" and imported only when a report is written, so the
registry costs nothing to import and names the PDF publisher without loading Qt: PDF is laid out by
Qt in `casr_tracker.gui.printing`, the one format the core cannot write by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from .model import Report


@dataclass(frozen=True)
class Publisher:
    """One report format. `target` is "module:function": a writer `function(report, path)` that
    makes the file, or, when `renders_text`, a renderer `function(report) -> str` whose text is
    written as UTF-8."""

    name: str
    extensions: tuple[str, ...]
    description: str
    target: str
    renders_text: bool = False
    needs: str = ""  # what the target needs besides the core, named when it cannot be loaded

    def load(self) -> Callable:
        """The function that makes this format, imported now."""
        module, _, function = self.target.partition(":")
        try:
            return getattr(import_module(module), function)
        except ImportError as exc:
            needs = self.needs or module
            raise InputError(f"{self.description} cannot be written: {needs} could not be loaded ({exc}).") from None

    def write(self, report: Report, path: str | Path) -> None:
        """Write `report` to `path` (the file is made or replaced; output.write_report makes that atomic)."""
        make = self.load()
        if self.renders_text:
            Path(path).write_text(make(report), encoding="utf-8", newline="")
        else:
            make(report, str(path))


#: the publishers in the order the window offers them (PDF first: the report to read and print)
PUBLISHERS: dict[str, Publisher] = {
    p.name: p
    for p in (
        Publisher("pdf", (".pdf",), "PDF", "casr_tracker.gui.printing:write_pdf", needs="Qt"),
        Publisher("html", (".html", ".htm"), "HTML (web page)", "casr_tracker.reports.html:render_html", True),
        Publisher("md", (".md", ".markdown"), "Markdown", "casr_tracker.reports.markdown:render_markdown", True),
        Publisher("csv", (".csv",), "CSV (one row per pledge)", "casr_tracker.reports.csv:render_csv", True),
        Publisher(
            "xlsx",
            (".xlsx",),
            "Excel workbook (pledges and scorecard)",
            "casr_tracker.reports.xlsx:write_xlsx",
            needs="openpyxl",
        ),
    )
}

FORMATS: tuple[str, ...] = tuple(PUBLISHERS)
EXTENSIONS: dict[str, str] = {ext: p.name for p in PUBLISHERS.values() for ext in p.extensions}


def publisher(name: str) -> Publisher:
    """The publisher of a format, by its name."""
    try:
        return PUBLISHERS[name]
    except KeyError:
        raise InputError(f"{name!r} is not a report format; use one of: {', '.join(FORMATS)}.") from None

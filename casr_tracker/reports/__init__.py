"""Progress reports: a report model built as of a date, and one small renderer per format."""

from __future__ import annotations

from .model import Report, build_report

FORMATS = ("pdf", "html", "md", "csv", "xlsx")
EXTENSIONS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".xlsx": "xlsx",
}

__all__ = ["EXTENSIONS", "FORMATS", "Report", "build_report"]

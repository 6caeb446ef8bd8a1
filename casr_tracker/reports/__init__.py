"""Progress reports: a report model built as of a date, and one publisher per format."""

from __future__ import annotations

from .model import Report, build_report
from .publishers import EXTENSIONS, FORMATS, PUBLISHERS, Publisher

__all__ = ["EXTENSIONS", "FORMATS", "PUBLISHERS", "Publisher", "Report", "build_report"]

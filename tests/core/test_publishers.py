"""The report publishers: every format in the registry writes a real report of the seeded tracker to a
real file, the extensions name their formats, and the registry and the command line load no Qt."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from dataclasses import replace

import pytest

from casr_tracker import cli, db
from casr_tracker.errors import InputError
from casr_tracker.reports import EXTENSIONS, FORMATS, PUBLISHERS, build_report
from casr_tracker.reports.output import format_for, write_report
from casr_tracker.reports.publishers import publisher

from ..conftest import ROOT


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    assert reader.metadata.title.startswith("Progress report")
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, 1))
    return "\n".join(pages)


def _csv_text(path) -> str:
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["statement", "ref", "sphere"]
    return text


def _xlsx_text(path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path)
    assert book.sheetnames == ["Pledges", "Scorecard"]
    return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


def _starting(head: str):
    def read(path) -> str:
        text = path.read_text(encoding="utf-8")
        assert text.startswith(head)
        return text

    return read


#: how each format is read back; a publisher added to the registry fails here until it has a row
READERS = {
    "pdf": _pdf_text,
    "html": _starting("<!DOCTYPE html>"),
    "md": _starting("# Progress report"),
    "csv": _csv_text,
    "xlsx": _xlsx_text,
}


def test_every_publisher_is_read_back_here():
    assert set(READERS) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_the_seeded_tracker_to_a_file(engine, tmp_path, fmt):
    with db.session_scope(engine, write=False) as session:
        report = build_report(session)
    refs = [p.ref for st in report.statements for p in st.pledges]
    assert len(refs) > 30
    folder = tmp_path / "reports"
    folder.mkdir()
    for extension in PUBLISHERS[fmt].extensions:
        path = folder / f"report{extension}"
        assert format_for(path) == fmt
        write_report(report, path, format_for(path))
        text = READERS[fmt](path)
        assert "TRD-3" in text and refs[-1] in text
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"report{e}" for e in PUBLISHERS[fmt].extensions)


def test_the_tables_are_the_registry():
    assert FORMATS == ("pdf", "html", "md", "csv", "xlsx")  # the order the window offers them
    assert EXTENSIONS == {
        ".pdf": "pdf",
        ".html": "html",
        ".htm": "html",
        ".md": "md",
        ".markdown": "md",
        ".csv": "csv",
        ".xlsx": "xlsx",
    }
    assert all(p.description and "\n" not in p.description for p in PUBLISHERS.values())
    report = next(a for a in cli.build_parser()._actions if a.dest == "command").choices["report"]
    assert next(a for a in report._actions if a.dest == "format").choices == list(FORMATS)


def test_an_unknown_format_is_named(tmp_path):
    with pytest.raises(InputError, match="'rtf' is not a report format; use one of: pdf, html, md, csv, xlsx"):
        publisher("rtf")
    with pytest.raises(InputError, match="is not a report format"):
        format_for(tmp_path / "r.pdf", "rtf")


def test_a_publisher_that_cannot_be_loaded_makes_no_file(engine, tmp_path, monkeypatch):
    monkeypatch.setitem(PUBLISHERS, "xlsx", replace(PUBLISHERS["xlsx"], target="casr_tracker.no_such_module:write"))
    with db.session_scope(engine, write=False) as session:
        report = build_report(session)
    with pytest.raises(InputError, match=r"^Excel workbook \(pledges and scorecard\) cannot be written: openpyxl"):
        write_report(report, tmp_path / "r.xlsx", "xlsx")
    assert not list(tmp_path.glob("r.*")) and not list(tmp_path.glob(".report-*"))


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)


def test_the_registry_and_the_command_line_load_no_qt():
    code = (
        "import sys, casr_tracker.cli, casr_tracker.cli_data, casr_tracker.reports.publishers,"
        " casr_tracker.reports.output;"
        "casr_tracker.cli.build_parser();"
        "print([m for m in sys.modules if m.startswith('PySide6') or m.startswith('casr_tracker.gui')])"
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_pdf_without_qt_is_one_sentence(tmp_path):
    """Where Qt cannot be loaded, a PDF is refused in one line on stderr (exit 2) and no file is made;
    the other formats are still written."""
    url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    code = (
        "import sys; sys.modules['PySide6'] = None;"  # as if it were not installed
        "from casr_tracker import cli;"
        f"sys.exit(cli.main(['--db', {url!r}, '--empty', 'report', '-o', {str(tmp_path / 'r.pdf')!r}]))"
    )
    result = _python(code)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("casr-tracker: PDF cannot be written: Qt could not be loaded")
    assert result.stderr.count("\n") == 1
    assert not list(tmp_path.glob("r.*")) and not list(tmp_path.glob(".report-*"))
    markdown = _python(code.replace("r.pdf", "r.md"))
    assert markdown.returncode == 0, markdown.stderr
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Progress report")

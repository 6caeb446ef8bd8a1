"""Reports from the window: export off the GUI thread, printing through QPrinter, the options dialog."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from casr_tracker import db, services
from casr_tracker.gui.printing import print_report
from casr_tracker.gui.qt import QPrinter
from casr_tracker.gui.reporting import ReportOptions, ReportOptionsDialog
from casr_tracker.reports import build_report


def test_export_runs_in_the_background_and_writes_every_format(win, qtbot, tmp_path):
    for fmt in ("pdf", "html", "md", "csv", "xlsx"):
        path = tmp_path / f"report.{fmt}"
        done = []
        win.reporter.export(ReportOptions(dt.date.today(), None, None, fmt, str(path)), done.append)
        assert win.reporter.busy
        qtbot.waitUntil(lambda d=done: bool(d), timeout=30000)
        assert done == [str(path)] and path.stat().st_size > 1000
    assert len(PdfReader(str(tmp_path / "report.pdf")).pages) >= 5


def test_printing_goes_through_the_same_document(win, tmp_path):
    with db.session_scope(win.tracker.engine) as s:
        services.set_status(session=s, pledge=services.find_pledge(s, "SNT-4"), status="in_progress")
        report = build_report(s)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = print_report(report, printer)
    reader = PdfReader(str(tmp_path / "printed.pdf"))
    assert len(reader.pages) == pages >= 5
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "SNT-4" in text and "In progress" in text and f"Page {pages} of {pages}" in text


def test_a_failed_export_is_a_message(win, qtbot, tmp_path):
    win.reporter.export(ReportOptions(dt.date(2021, 1, 1), dt.date(2022, 1, 1), None, "pdf", str(tmp_path / "r.pdf")))
    qtbot.waitUntil(lambda: not win.reporter.busy, timeout=30000)
    assert "must be before" in win.last_message and not (tmp_path / "r.pdf").exists()


def test_options_dialog_checks_dates_inline(qtbot, tmp_path):
    dialog = ReportOptionsDialog([(1, "Joint statement")], export=True, current=1)
    qtbot.addWidget(dialog)
    dialog.as_of.setText("2021-02-30")
    dialog._accept()
    assert dialog.options is None and "is not a date" in dialog.error.text()
    dialog.as_of.setText("2021-06-30")
    dialog.since.setText("2021-07-01")
    dialog._accept()
    assert dialog.options is None and "must be before" in dialog.error.text()
    dialog.since.setText("2021-01-01")
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.path.setText(str(tmp_path / "out.csv"))
    dialog._accept()
    assert dialog.options == ReportOptions(
        dt.date(2021, 6, 30), dt.date(2021, 1, 1), 1, "csv", str(tmp_path / "out.csv")
    )

"""File → Print…, Print Preview… and Export Report…: options, background building, progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .. import db, services
from ..errors import CasrError
from ..reports import EXTENSIONS, PUBLISHERS, build_report
from ..reports.model import Report
from ..reports.output import format_for, write_report
from .dialogs import FormDialog
from .ops import Tracker, run_in_background
from .printing import header_of, paint_blocks, print_report, report_blocks
from .qt import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPrintDialog,
    QPrinter,
    QPrinterInfo,
    QPrintPreviewDialog,
    QProgressDialog,
    QPushButton,
    Qt,
    QWidget,
)


@dataclass
class ReportOptions:
    as_of: dt.date
    since: dt.date | None
    statement_id: int | None
    fmt: str = "pdf"
    path: str = ""


class ReportOptionsDialog(FormDialog):
    """As-of date, since date, statement and, for an export, the format and file; checked inline."""

    def __init__(self, statements: list[tuple[int, str]], *, export: bool, current: int | None = None, parent=None):
        super().__init__("Export report" if export else "Report options", parent)
        self.export = export
        self.as_of = QLineEdit(dt.date.today().isoformat())
        self.as_of.setToolTip("Statuses and scores as they stood at the end of this day")
        self.since = QLineEdit()
        self.since.setPlaceholderText("optional: list the changes after this date")
        self.statement = QComboBox()
        self.statement.addItem("All statements", None)
        for statement_id, title in statements:
            self.statement.addItem(title, statement_id)
        self.statement.setCurrentIndex(max(0, self.statement.findData(current)))
        self.form.addRow("Status as of:", self.as_of)
        self.form.addRow("Changes since:", self.since)
        self.form.addRow("Statement:", self.statement)
        self.format = QComboBox()
        for publisher in PUBLISHERS.values():
            self.format.addItem(publisher.description, publisher.name)
        self.path = QLineEdit(str(Path.home() / f"casr-report-{dt.date.today().isoformat()}.pdf"))
        self.format.currentIndexChanged.connect(self._format_changed)
        if export:
            browse = QPushButton("Choose…")
            browse.clicked.connect(self._browse)
            row = QHBoxLayout()
            row.addWidget(self.path, 1)
            row.addWidget(browse)
            holder = QWidget()
            holder.setLayout(row)
            self.form.addRow("Format:", self.format)
            self.form.addRow("File:", holder)
        self.finish_form()
        self.options: ReportOptions | None = None

    def _format_changed(self) -> None:
        self.path.setText(str(Path(self.path.text()).with_suffix("." + self.format.currentData())))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export report", self.path.text())
        if chosen:
            self.path.setText(chosen)
            suffix = Path(chosen).suffix.lower()
            if suffix in EXTENSIONS:
                self.format.setCurrentIndex(self.format.findData(EXTENSIONS[suffix]))

    def collect(self) -> dict:
        as_of = services.parse_date(self.as_of.text(), default=dt.date.today())
        since = services.parse_date(self.since.text())
        if since is not None and since >= as_of:
            raise CasrError(f"“Changes since” ({since}) must be before the as-of date ({as_of}).")
        path = self.path.text().strip()
        if self.export and (not path or not Path(path).parent.is_dir()):
            raise CasrError("Choose a file in a folder that exists.")
        self.options = ReportOptions(as_of, since, self.statement.currentData(), self.format.currentData(), path)
        return {"options": self.options}


def new_printer() -> QPrinter:
    """A printer for the print dialog and the preview: the system's default printer, or, on a machine
    with no printer set up, a PDF file (Qt's own dialogs then offer "Print to File")."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if not QPrinterInfo.availablePrinterNames():
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(Path.home() / f"casr-report-{dt.date.today().isoformat()}.pdf"))
    return printer


class Reporter:
    """Builds reports off the GUI thread (with a progress dialog) and prints, previews or exports them."""

    def __init__(self, tracker: Tracker, parent: QWidget):
        self.tracker, self.parent = tracker, parent
        self.busy = False

    def _build(self, options: ReportOptions, then, *, write: bool = False) -> None:
        progress = QProgressDialog("Building the report…", None, 0, 0, self.parent)
        progress.setWindowTitle("CASR Tracker")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(200)
        engine = self.tracker.engine

        # a PDF is laid out and painted with Qt's text documents and fonts, which belong to the GUI
        # thread: painted on a worker, it hung now and then; the other formats are written off it
        on_gui_thread = write and format_for(options.path, options.fmt) == "pdf"

        def work():
            with db.session_scope(engine) as session:
                report = build_report(
                    session, as_of=options.as_of, since=options.since, statement_id=options.statement_id
                )
            if write and not on_gui_thread:
                write_report(report, options.path, options.fmt)
            return report

        def done(report: Report) -> None:
            if on_gui_thread:
                try:
                    write_report(report, options.path, options.fmt)
                except CasrError as error:
                    failed(error)
                    return
            self.busy = False
            progress.close()
            then(report)

        def failed(error) -> None:
            self.busy = False
            progress.close()
            message = str(error) if isinstance(error, CasrError) else f"The report could not be made: {error}"
            self.tracker.failed.emit(message)

        self.busy = True
        self.job = run_in_background(work, done, failed, owner=self.parent)

    def export(self, options: ReportOptions, on_done=None) -> None:
        def finished(report: Report) -> None:
            if on_done:
                on_done(options.path)

        self._build(options, finished, write=True)

    def print(self, options: ReportOptions, printer: QPrinter | None = None) -> None:
        """Print (asking for the printer unless one is given)."""

        def ready(report: Report) -> None:
            target = printer or new_printer()
            if printer is None and QPrintDialog(target, self.parent).exec() != QDialog.DialogCode.Accepted:
                return
            pages = print_report(report, target)
            to_file = target.outputFormat() == QPrinter.OutputFormat.PdfFormat
            where = target.outputFileName() if to_file else target.printerName()
            self.parent.statusBar().showMessage(f"Printed {pages} pages to {where}.", 10000)

        self._build(options, ready)

    def preview(self, options: ReportOptions) -> None:
        def ready(report: Report) -> None:
            blocks = report_blocks(report)
            # the dialog does not own its printer: it must outlive the dialog (a temporary one was
            # collected by Python while the preview still used it, and the process died)
            self.preview_printer = printer = new_printer()
            dialog = QPrintPreviewDialog(printer, self.parent)
            dialog.setWindowTitle("Print preview")
            dialog.paintRequested.connect(lambda target: paint_blocks(blocks, target, header_of(report)))
            dialog.resize(1000, 900)
            self.preview_dialog = dialog
            dialog.exec()
            self.preview_dialog = None

        self._build(options, ready)

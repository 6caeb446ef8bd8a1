"""The document library and reader: import documents, read them, attach a selected passage as evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import defer

from ... import services
from ...errors import CasrError
from ...excerpts import whole_words
from ...importer import web
from ...importer.documents import detect_metadata
from ...models import Document, Pledge
from ...queries import document_rows, pledges_to_choose
from ..actions import make_button
from ..dialogs import DocumentDialog, PledgeChooser
from ..models import ROW_ROLE, SORT_ROLE, DocumentListModel
from ..ops import Changes, Tracker, run_in_background
from ..qt import (
    QAbstractItemView,
    QColor,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QItemSelectionModel,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QSortFilterProxyModel,
    QSplitter,
    QStackedWidget,
    Qt,
    QTableView,
    QTextCursor,
    QTextEdit,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..style import plain_label
from ..undo import DocumentEditCommand, EvidenceCommand, push, push_or_raise
from .suggestions import SuggestionsPanel
from .text import python_index, utf16_span

PASSAGE_COLOR = QColor(30, 136, 229, 40)
CURRENT_COLOR = QColor(30, 136, 229, 110)
EXCERPT_COLOR = QColor(249, 168, 37, 120)

FILE_FILTER = "Documents (*.txt *.md *.text *.html *.htm *.pdf);;All files (*)"


@dataclass
class ImportResult:
    imported: list[str]  # a line per file: "Imported <title>" or "Already in the library: <title>"
    failed: list[str]  # a sentence per file that was not imported
    first_id: int | None  # the first document imported (or found), to open
    notes: list[str] = field(default_factory=list)  # what the analyst should settle (an ambiguous date)


def import_paths(session, paths: list[str], progress=None) -> ImportResult:
    """Import files one by one (a file that fails leaves the others in)."""
    result = ImportResult([], [], None)
    for n, path in enumerate(paths, 1):
        try:
            with session.begin_nested():
                document, created = services.import_document(session=session, path=path)
            verb = "Imported" if created else "Already in the library:"
            result.imported.append(f"{verb} {document.title}")
            note = "" if document.date or not created else detect_metadata(document.text).date_note
            if note:  # a byline date that could be two days: said, so the analyst sets it
                result.notes.append(note.replace("Edit details (document edit --date)", "Edit details…"))
            result.first_id = result.first_id or document.id
        except CasrError as error:
            result.failed.append(str(error))
        if progress:
            progress(n, len(paths))
    return result


class DocumentsPanel(QWidget):
    """Library on the left, reader on the right; Ctrl+E attaches the selected passage."""

    evidence_attached = Signal(int)  # pledge id

    def __init__(self, tracker: Tracker, undo_stack, parent=None):
        super().__init__(parent)
        self.tracker, self.undo_stack = tracker, undo_stack
        self.document: Document | None = None
        self.model = DocumentListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # in import order until a header is clicked
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.library_empty = plain_label(
            "No documents yet. Import news, interviews or op-eds with “Import…” (Ctrl+O) or drag files onto the window."
        )
        self.library_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.library_stack = QStackedWidget()
        self.library_stack.addWidget(self.table)
        self.library_stack.addWidget(self.library_empty)
        self.import_button = make_button(
            "Import…", self.choose_files, "Import text, HTML or PDF documents into the library (Ctrl+O)"
        )
        left_layout.addWidget(self.library_stack, 1)
        left_layout.addWidget(self.import_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.header = plain_label(bold=True)
        self.meta = plain_label()
        self.reader = QPlainTextEdit()
        self.reader.setReadOnly(True)
        self.reader.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.reader.setPlaceholderText("Choose a document on the left to read it.")
        self.reader.selectionChanged.connect(self._selection_changed)
        row = QHBoxLayout()
        self.selection_info = plain_label("Select a passage to attach it to a pledge as evidence.")
        self.attach_button = make_button(
            "Attach selection as evidence…", self.attach_selection, "Attach the selected passage to a pledge (Ctrl+E)"
        )
        self.attach_button.setEnabled(False)
        row.addWidget(self.selection_info, 1)
        row.addWidget(self.attach_button)
        self.edit_button = make_button(
            "Edit details…", self.edit_details, "Correct the document's title, date, author or URL"
        )
        self.edit_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        right_layout.addLayout(top)
        right_layout.addWidget(self.meta)
        right_layout.addWidget(self.reader, 1)
        right_layout.addLayout(row)
        self.suggestions = SuggestionsPanel(tracker, undo_stack)
        self.read_only = False
        self.suggestions.passages_changed.connect(self._passages_changed)
        self.suggestions.passage_focused.connect(self._passage_focused)
        self.suggestions.evidence_attached.connect(self.evidence_attached)
        self._passages: list[tuple[int, int]] = []
        self._current: tuple[int, int] | None = None
        self._excerpt: tuple[int, int] | None = None
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.addWidget(self.suggestions)
        splitter.setSizes([340, 640, 460])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # --- library --------------------------------------------------------------------------------

    def refresh(self, changes: Changes | None = None) -> None:
        if changes is not None and changes.kinds and "document" not in changes.kinds:
            return
        current = self.document.id if self.document else None
        self.model.set_rows(self.tracker.read(document_rows))
        self.library_stack.setCurrentIndex(0 if self.model.rowCount() else 1)
        if current is not None:
            self._select(current)

    def _select(self, document_id: int) -> None:
        row = self.model.row_of(document_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )

    def _current_changed(self, current, _previous) -> None:
        if not current.isValid():
            return
        row = self.proxy.mapToSource(current).data(ROW_ROLE)
        if self.document is None or self.document.id != row["id"]:
            self.show_document(row["id"])

    def show_document(self, document_id: int, start: int | None = None, end: int | None = None) -> None:
        """Open a document in the reader, with the excerpt start:end selected and in view."""
        self.document = self.tracker.read(lambda s: s.get(Document, document_id, options=[defer(Document.original)]))
        if self.document is None:
            return
        self._select(document_id)
        d = self.document
        self.edit_button.setEnabled(True)
        self._show_details(d)
        self.reader.setPlainText(d.text)
        self._passages, self._current = [], None
        self._excerpt = (start, end) if start is not None and end is not None else None
        self._apply_marks()
        if self._excerpt:
            self._scroll_to(*self._excerpt, select=True)
        self.suggestions.load(d.id)

    def on_changed(self, changes: Changes) -> None:
        """Refresh the library on new documents, the suggestions on decisions and evidence."""
        if "document" in changes.kinds:
            self.refresh(changes)
            if self.document is not None:
                self._show_details(self.tracker.read(lambda s: s.get(Document, self.document.id)))
        if self.document is not None and changes.kinds & {"evidence", "suggestion", "keywords"}:
            self.suggestions.refresh()

    def _show_details(self, document: Document | None) -> None:
        """The header and the line of details of the document shown (after an edit, too)."""
        if document is None:
            return
        self.document = document
        self.header.setText(document.title)
        details = [str(document.date) if document.date else "no date", document.author, document.url]
        if document.updated:
            details.append(f"updated {document.updated}")
        if document.retrieved_at:
            details.append(f"retrieved {document.retrieved_at:%Y-%m-%d %H:%M} UTC")
        self.meta.setText(" · ".join(x for x in [*details, document.source_name] if x))

    def edit_details(self) -> None:
        """Correct the open document's details (an undoable change, kept in the record)."""
        if self.document is None:
            return
        d = self.document
        dialog = DocumentDialog(d.title, d.date, d.author, d.url, self)
        # a refusal (a date after today) is said in the dialog, which stays open with what was typed
        dialog.submit = lambda values: push_or_raise(self.undo_stack, DocumentEditCommand(self.tracker, d.id, values))
        dialog.exec()

    def _passages_changed(self, spans: list) -> None:
        self._passages = list(spans)
        self._apply_marks()

    def _passage_focused(self, start: int, end: int) -> None:
        self._current = (start, end)
        self._apply_marks()
        self._scroll_to(start, end, select=False)

    def _cursor(self, start: int, end: int) -> QTextCursor:
        text = self.document.text
        a, b = utf16_span(text, min(start, len(text)), min(end, len(text)))
        cursor = QTextCursor(self.reader.document())
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _apply_marks(self) -> None:
        """Suggested passages lightly, the one under review strongly, an opened excerpt in amber."""
        if self.document is None:
            return
        marks = []
        for span, color in (
            *((span, PASSAGE_COLOR) for span in self._passages),
            (self._current, CURRENT_COLOR),
            (self._excerpt, EXCERPT_COLOR),
        ):
            if span is None:
                continue
            mark = QTextEdit.ExtraSelection()
            mark.cursor = self._cursor(*span)
            mark.format.setBackground(color)
            marks.append(mark)
        self.reader.setExtraSelections(marks)

    def _scroll_to(self, start: int, end: int, *, select: bool) -> None:
        cursor = self._cursor(start, end)
        if not select:
            cursor.setPosition(cursor.selectionStart())
        self.reader.setTextCursor(cursor)
        self.reader.centerCursor()

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import documents", str(Path.home()), FILE_FILTER)
        if paths:
            self.import_files(paths)

    def choose_url(self) -> None:
        url, ok = QInputDialog.getText(self, "Import from URL", "Address of the web page (http:// or https://):")
        if ok and url.strip():
            self.import_url(url.strip())

    def import_url(self, url: str) -> None:
        """Fetch a web page off the GUI thread, then store it (the database is not held while the
        network answers); it opens in the reader, and the status bar says what came of it."""
        status = self.window().statusBar()
        status.showMessage(f"Fetching {url}…")

        def stored(result) -> None:
            document, created = result
            self.show_document(document.id)
            said = "Imported" if created else "Already in the library:"
            status.showMessage(f"{said} {document.title} ({document.date or 'no date found'}).", 10000)

        def failed(error) -> None:
            status.clearMessage()
            said = str(error) if isinstance(error, CasrError) else f"The page was not imported: {error}"
            self.tracker.failed.emit(said)

        def fetched(loaded) -> None:
            self.import_job = self.tracker.write_in_background(
                lambda session: services.import_document(session=session, loaded=loaded), stored, failed
            )

        self.fetch_job = run_in_background(lambda: web.load_url(web.as_address(url)), fetched, failed, owner=self)

    def import_files(self, paths: list[str]) -> None:
        """Import in the background with a progress dialog; report what came in and what did not."""
        dialog = QProgressDialog("Importing documents…", None, 0, len(paths), self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)

        def done(result: ImportResult) -> None:
            dialog.close()
            if result.failed:
                box = QMessageBox(QMessageBox.Icon.Warning, "Some files were not imported", "\n".join(result.failed))
                box.setTextFormat(Qt.TextFormat.PlainText)
                box.setParent(self, box.windowFlags())
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.open()
                self.last_import_errors = result.failed
            self.imported = result.imported
            if result.first_id is not None:
                self.show_document(result.first_id)
            new = sum(line.startswith("Imported") for line in result.imported)
            summary = f"Imported {new} document{'s' if new != 1 else ''}"
            if len(result.imported) > new:
                summary += f"; {len(result.imported) - new} already in the library"
            if result.failed:
                summary += f"; {len(result.failed)} not imported"
            self.window().statusBar().showMessage(" ".join([summary + ".", *result.notes]), 15000)

        def failed(error) -> None:
            dialog.close()
            self.tracker.failed.emit(str(error))

        self.import_job = self.tracker.write_in_background(
            lambda session, progress: import_paths(session, paths, progress),
            done,
            failed,
            dialog.setValue,
        )

    # --- attaching ------------------------------------------------------------------------------

    def selection(self) -> tuple[int, int] | None:
        """The selected passage as Python offsets into the document text, made whole words (a drag that
        began on the full stop before a sentence does not put the full stop in the quote)."""
        if self.document is None:
            return None
        cursor = self.reader.textCursor()
        if not cursor.hasSelection():
            return None
        text = self.document.text
        return whole_words(text, python_index(text, cursor.selectionStart()), python_index(text, cursor.selectionEnd()))

    def set_read_only(self, read_only: bool) -> None:
        """A viewer reads the library and its suggestions; importing, attaching and editing are hidden."""
        self.read_only = read_only
        for button in (self.import_button, self.attach_button, self.edit_button):
            button.setVisible(not read_only)
        self.suggestions.set_read_only(read_only)
        self._selection_changed()

    def _selection_changed(self) -> None:
        span = self.selection()
        if self.read_only:
            self.selection_info.setText("You can read this tracker but not change it.")
            return
        self.attach_button.setEnabled(span is not None)
        if span:
            words = len(self.document.text[span[0] : span[1]].split())
            self.selection_info.setText(
                f"{words} word{'s' if words != 1 else ''} selected (offsets {span[0]}–{span[1]}); Ctrl+E attaches them."
            )
        else:
            self.selection_info.setText("Select a passage to attach it to a pledge as evidence.")

    def attach_selection(self, pledge_id: int | None = None, stance: str | None = None, date=None) -> bool:
        """Ask which pledge the selected passage speaks to (and, for an undated document, the day it
        speaks for), then attach it (undoable)."""
        span = self.selection()
        if span is None or self.document is None:
            self.tracker.failed.emit("Select a passage of a document first.")
            return False
        start, end = span
        if pledge_id is None:
            chooser = PledgeChooser(
                lambda text: self.tracker.read(lambda s: pledges_to_choose(s, text)),
                self.document.text[start:end],
                self,
                ask_date=self.document.date is None,
            )
            if not chooser.exec():
                return False
            pledge_id, stance, date = chooser.chosen(), chooser.stance.currentData(), chooser.date_value
        ref = self.tracker.read(lambda s: s.get(Pledge, pledge_id).ref)
        command = EvidenceCommand(
            self.tracker,
            pledge_id,
            ref,
            document_id=self.document.id,
            start=start,
            end=end,
            stance=stance or "supports",
            date=self.document.date or date,
        )
        if push(self.undo_stack, command):
            self.selection_info.setText(f"Attached to {ref}.")
            self.evidence_attached.emit(pledge_id)
            return True
        return False

"""The main window: the frame that holds the panels (pledges, detail, documents, dashboard), the menus,
the tracker and its watcher, and the window's state."""

from __future__ import annotations

from pathlib import Path

from .. import services
from ..errors import CasrError
from ..neutral import user_name
from ..queries import recent_changes
from ..scorecard import scorecard, status_by_sphere
from ..services import statements
from ..users import signed
from ..wording import counted
from .dialogs import BulkStatusDialog, ReadingDialog
from .import_preview import ImportPreview
from .menus import build_menus, menu_actions
from .ops import Changes, Tracker
from .panels.detail import DetailPanel
from .panels.documents import DocumentsPanel
from .panels.pledges import PledgesPanel
from .qt import (
    QAction,
    QDialog,
    QFileDialog,
    QIcon,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSettings,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .style import status_label
from .undo import StatusCommand, UndoStack, push, restore_stack
from .watch import ChangeWatcher

#: the kinds of change the dashboard shows (statuses by sphere, the scorecard, the recent changes)
DASHBOARD_KINDS = ("status", "assessment", "evidence", "note", "statement")


class MainWindow(QMainWindow):
    """The analyst's workspace. All data comes from the core through `tracker`."""

    loaded = Signal()

    def __init__(self, tracker: Tracker, settings: QSettings, icon: QIcon | None = None):
        super().__init__()
        self.tracker, self.settings = tracker, settings
        self.undo_stack = UndoStack(self)
        self.undo_stack.stepped.connect(lambda text: self.statusBar().showMessage(text, 8000))  # "Undone: …"
        self._reporter = None
        self.last_message = ""
        self.is_loaded = False
        self.persist = True  # False for --screenshot: a picture must not change the user's window state
        self._documents_dirty, self._dashboard_dirty = True, False
        self.setWindowTitle("CASR Tracker")
        if icon is not None:
            self.setWindowIcon(icon)
        self.setAcceptDrops(True)

        self.pledges = PledgesPanel(tracker)
        self.detail = DetailPanel(tracker, self.undo_stack)
        self.pledges_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.pledges_splitter.addWidget(self.pledges)
        self.pledges_splitter.addWidget(self.detail)
        self.pledges_splitter.setStretchFactor(0, 3)
        self.pledges_splitter.setStretchFactor(1, 2)
        self.pledges_splitter.setSizes([880, 440])
        self.documents = DocumentsPanel(tracker, self.undo_stack)
        self._dashboard = None  # built the first time its tab is shown (QtCharts loads then)
        self.dashboard_scroll = dashboard_scroll = QScrollArea()
        dashboard_scroll.setWidgetResizable(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.pledges_splitter, "Pledges")
        self.tabs.addTab(self.documents, "Documents")
        self.tabs.addTab(dashboard_scroll, "Dashboard")
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.pledges.navigation)
        self.main_splitter.addWidget(self.tabs)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([260, 1340])
        #: a viewer's workspace says so above everything
        self.read_only_banner = QLabel(
            "Read only: you are a viewer of this tracker. You can read, search and make reports; "
            "ask an admin for the analyst role to record."
        )
        self.read_only_banner.setStyleSheet(
            "background: palette(tooltip-base); color: palette(tooltip-text); padding: 4px 8px;"
        )
        self.read_only_banner.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.read_only_banner)
        column.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)
        build_menus(self)
        self.status_count = QLabel()
        self.user_label = QLabel()
        self.user_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.status_count)
        self.statusBar().showMessage("Opening the tracker…")

        tracker.changed.connect(self.on_changed)
        tracker.failed.connect(self.show_message)
        tracker.conflict.connect(self.on_conflict)
        self.watcher = ChangeWatcher(tracker, self)
        self.watcher.outside_change.connect(self.on_outside_change)
        #: asked when an edit was made from stale data; returns True to reload and apply it again
        self.ask_reapply = self._ask_reapply
        self.pledges.current_changed.connect(self._pledge_changed)
        self.pledges.statement_changed.connect(lambda _id: self._dashboard_changed())
        self.pledges.scope_chosen.connect(lambda: self.tabs.setCurrentIndex(0))
        self.pledges.counted.connect(self.status_count.setText)
        self.pledges.message.connect(self.statusBar().showMessage)
        self.detail.open_excerpt.connect(self.open_excerpt)
        self.documents.evidence_attached.connect(self.pledges.select_pledge)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.restore_state()

    # --- loading --------------------------------------------------------------------------------

    def on_outside_change(self, revision: int) -> None:
        """Another analyst changed the database: refresh every view (an edit in progress is kept)."""
        if not self.is_loaded:
            return
        self.on_changed(Changes.everything())
        self.statusBar().showMessage("Updated with changes made outside this window.", 6000)

    def on_conflict(self, command, message: str) -> None:
        """An edit was refused because the data changed meanwhile: reload, and re-apply if wanted."""
        self.load_all()
        if self.ask_reapply(message):
            command.rebase()
            push(self.undo_stack, command)

    def _ask_reapply(self, message: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Changed by someone else",
            f"{message}\n\nThe window now shows the current data. Apply your change on top of it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def load_all(self) -> None:
        """Read everything the views show (after the tracker opened, and on F5)."""
        self.pledges.load()
        self.detail.refresh()
        self._documents_dirty = True
        if self.tabs.currentIndex() == 1:
            self._load_documents()
        self._dashboard_dirty = True
        if self.tabs.currentIndex() == 2:
            self.refresh_dashboard()
        if not self.is_loaded:
            self.watcher.start()
            if self.undo_stack.count() == 0:  # one's last changes can still be undone after a restart
                restore_stack(self.undo_stack, self.tracker)
        self.is_loaded = True
        self.statusBar().showMessage("Ready.", 3000)
        self.loaded.emit()

    @property
    def dashboard(self):
        """The dashboard view, made on first use."""
        if self._dashboard is None:
            from .dashboard import DashboardView

            self._dashboard = DashboardView()
            self._dashboard.filter_requested.connect(self.apply_dashboard_filter)
            self.dashboard_scroll.setWidget(self._dashboard)
            self._dashboard_dirty = True
        return self._dashboard

    @property
    def reporter(self):
        if self._reporter is None:
            from .reporting import Reporter

            self._reporter = Reporter(self.tracker, self)
        return self._reporter

    def refresh_dashboard(self) -> None:
        sid = self.pledges.statement_id
        if sid is None:
            return
        statuses, card, recent = self.tracker.read(
            lambda s: (status_by_sphere(s, sid), scorecard(s, sid), recent_changes(s, statement_id=sid))
        )
        self.dashboard.set_data(statuses, card, recent)
        self._dashboard_dirty = False

    # --- reacting ---------------------------------------------------------------------------------

    def on_changed(self, changes: Changes) -> None:
        """Refresh the views `changes` concern; a hidden tab is refreshed when it is next shown."""
        if not self.is_loaded:
            return
        if self.tabs.currentIndex() == 1 or not changes.concerns("document"):
            self.documents.on_changed(changes)
        else:
            self._documents_dirty = True
        self.pledges.on_changed(changes)
        self.detail.refresh(changes)
        if changes.concerns(*DASHBOARD_KINDS) or not changes.kinds:
            self._dashboard_changed()

    def _dashboard_changed(self) -> None:
        """Refresh the dashboard if it is shown; else when it is next shown (QtCharts loads then)."""
        if self.tabs.currentIndex() == 2:
            self.refresh_dashboard()
        else:
            self._dashboard_dirty = True

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.is_loaded:
            self._load_documents()
        if index == 2 and self._dashboard_dirty:
            self.refresh_dashboard()

    def _load_documents(self) -> None:
        """The library is read when its tab is first shown (and again after changes)."""
        if self._documents_dirty:
            self._documents_dirty = False
            self.documents.refresh()

    def _pledge_changed(self, row) -> None:
        """Another pledge is current in the list: show its detail, and remember it for next time."""
        self.detail.show_pledge(row.id if row else None)
        if row and self.persist:
            self.settings.setValue("last_ref", f"{row.statement}/{row.ref}")

    def apply_dashboard_filter(self, request: dict) -> None:
        """A click on the dashboard: the pledge list, filtered to what was clicked."""
        self.tabs.setCurrentIndex(0)
        self.pledges.apply_filter(request)

    def open_excerpt(self, document_id: int, start: int, end: int) -> None:
        self.tabs.setCurrentIndex(1)
        self._load_documents()
        self.documents.show_document(document_id, start, end)

    def import_documents(self) -> None:
        """Choose documents to import; they open in the Documents tab."""
        self.tabs.setCurrentIndex(1)
        self._load_documents()
        self.documents.choose_files()

    def import_from_url(self) -> None:
        """Ask for a web page's address; it is fetched, stored and opened in the Documents tab."""
        self.tabs.setCurrentIndex(1)
        self._load_documents()
        self.documents.choose_url()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.pledges.focus_search()

    def attach_from_reader(self) -> None:
        if self.tabs.currentIndex() != 1:
            self.tabs.setCurrentIndex(1)
            self.show_message("Select a passage in a document, then press Ctrl+E to attach it to a pledge.")
            return
        self.documents.attach_selection()

    def bulk_status(self) -> None:
        ids = self.pledges.selected_ids()
        if not ids:
            self.show_message("Select one or more pledges in the table first.")
            return
        dialog = BulkStatusDialog(len(ids), self)
        if not dialog.exec():
            return
        self.set_status_of(ids, **dialog.values)

    def correct_reading(self) -> None:
        """Correct how the importer read the selected pledge (recorded; kept by later imports)."""
        from ..importer import pipeline

        ids = self.pledges.selected_ids()
        if len(ids) != 1:
            self.show_message("Select the one pledge whose reading you want to correct.")
            return
        read = self.tracker.read(lambda session: pipeline.reading_of(session, ids[0]))
        parties = ", ".join(read["parties"])
        dialog = ReadingDialog(
            read["ref"], read["text"], read["strength"], parties, read["spheres"], read["sphere"], self
        )
        dialog.submit = lambda values: self.tracker.write(
            lambda session: pipeline.correct_pledge(session, pledge_id=ids[0], who=self.tracker.user, **values)
        )
        if dialog.exec():
            self.undo_stack.clear()  # as in the core: an undo would reach past the correction to older changes
            self.statusBar().showMessage(
                f"Corrected how {read['ref']} was read; kept when the statement is imported again "
                "(Ctrl+Z does not take it back).",
                10000,
            )

    def set_status_of(self, ids: list[int], status: str, comment: str = "", effective=None) -> None:
        """One undoable step that gives every pledge in `ids` the same new status."""
        table_model = self.pledges.table_model
        refs = {i: row.ref for i in ids if (row := table_model.row_by_id(i)) is not None}
        self.undo_stack.beginMacro(f"Set {len(ids)} pledges to {status_label(status).lower()}")
        done = 0
        for pledge_id in ids:
            command = StatusCommand(self.tracker, pledge_id, refs.get(pledge_id, "?"), status, comment, effective)
            if not push(self.undo_stack, command):
                break  # the refusal is said once, and the other pledges are not tried
            done += 1
        self.undo_stack.endMacro()
        if not done:  # no step to undo: the empty macro goes (Qt deletes an obsolete command undone)
            self.undo_stack.command(self.undo_stack.index() - 1).setObsolete(True)
            self.undo_stack.undo()
        self.statusBar().showMessage(f"{done} of {counted(len(ids), 'pledge')} set to “{status_label(status)}”.", 8000)

    def choose_statement(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Import a statement",
            "",
            "Statements (*.txt *.md *.html *.htm *.pdf);;All files (*)",
        )
        if path:
            self.import_statement(path)

    def import_statement(self, path: str, *, confirm: bool = True) -> None:
        """Read a statement, show what was read for the analyst to confirm (the import preview), then
        import it with their corrections off the GUI thread; say what came of it."""
        from ..cli_statements import read_statement
        from ..importer import pipeline

        name = Path(path).name
        try:
            loaded = read_statement(path)

            def again(party_names, extra, title=None):
                def read(session):
                    codes = pipeline.resolve_parties(session, party_names) if party_names else None
                    return pipeline.propose(
                        session, loaded.text, title=title, source_name=name, parties=codes, corrections=extra
                    )

                return self.tracker.read(read)

            proposal = again(None, [])
        except CasrError as error:
            self.show_message(str(error))
            return
        preview = None
        if confirm:
            preview = ImportPreview(proposal, again, self)
            preview.resolve = lambda typed: self.tracker.read(lambda session: pipeline.resolve_parties(session, typed))
            self.import_preview = preview
            accepted = preview.exec() == QDialog.DialogCode.Accepted
            self.activateWindow()  # back to the window the preview was over
            if not accepted:
                self.statusBar().showMessage("Import cancelled; nothing was saved.", 8000)
                return
        # a title the analyst typed names the statement to update (as --title does); the one read from the
        # text does not (two statements may share a title line)
        typed_title = preview.title.text().strip() if preview else ""
        title = typed_title if typed_title and typed_title != (preview.read_title if preview else "") else None
        typed_date = preview.date.text().strip() if preview else ""
        names = preview.party_names() if preview else None
        who = self.tracker.user
        try:
            date = services.parse_date(typed_date) if typed_date else proposal.date
        except CasrError as error:
            self.show_message(str(error))
            return

        def options(session) -> dict:
            return {
                "title": title or None,
                "date": date,
                "source_name": name,
                "parties": pipeline.resolve_parties(session, names) if names else None,
                "corrections": preview.chosen if preview else [],
            }

        # the plan as it will be imported (the title typed in the preview may name a stored statement)
        try:
            planned = self.tracker.read(lambda session: pipeline.propose(session, loaded.text, **options(session)))
        except CasrError as error:
            self.show_message(str(error))
            return
        retire_at_most: int | None = pipeline.RETIRE_WITHOUT_ASKING
        if len(planned.gone) > pipeline.RETIRE_WITHOUT_ASKING:
            answer = QMessageBox.question(
                self,
                "Retire pledges?",
                f"This import would retire {len(planned.gone)} pledges of statement {planned.statement_id} "
                f"({', '.join(planned.gone[:8])}{' …' if len(planned.gone) > 8 else ''}): they are gone from "
                "the text. Their history is kept, and importing the earlier text brings them back.\n\n"
                "Retire them and import?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.statusBar().showMessage("Import cancelled; nothing was saved.", 8000)
                return
            retire_at_most = None

        def work(session):
            return pipeline.import_statement(
                session, loaded.text, **options(session), who=who, retire_at_most=retire_at_most
            )

        def done(report) -> None:
            self.pledges.show_statement(report.statement_id)
            self.load_all()
            self.last_import = report.summary()
            self.statusBar().showMessage(report.summary(), 15000)

        def failed(error) -> None:
            self.show_message(str(error) if isinstance(error, CasrError) else f"The import failed: {error}")

        self.statusBar().showMessage(f"Importing {name}…")
        self.statement_job = self.tracker.write_in_background(work, done, failed)

    def report_action(self, action: str) -> None:
        """Ask for the report options, then print, preview or export (built off the GUI thread)."""
        if self.reporter.busy:
            self.show_message("A report is already being built; wait for it to finish.")
            return
        from .reporting import ReportOptionsDialog

        found = [(s.id, s.title) for s in self.tracker.read(statements)]
        dialog = ReportOptionsDialog(found, export=action == "export", current=self.pledges.statement_id, parent=self)
        if not dialog.exec() or dialog.options is None:
            return
        if action == "export":
            self.reporter.export(
                dialog.options, lambda path: self.statusBar().showMessage(f"Report written to {path}", 10000)
            )
        elif action == "print":
            self.reporter.print(dialog.options)
        else:
            self.reporter.preview(dialog.options)

    def edit_preferences(self) -> None:
        """Your name, recorded with every change you make (kept in the settings)."""
        name, ok = QInputDialog.getText(
            self, "Preferences", "Your name (recorded with every change you make):", text=self.tracker.user
        )
        if ok:
            self.set_user(name)

    def set_user(self, name: str) -> bool:
        name = " ".join(name.split())
        if not name:
            self.show_message("Your name cannot be empty: it is recorded with every change.")
            return False
        try:
            user_name(name)
        except CasrError as error:  # a control character: it would garble the histories it is shown in
            self.show_message(str(error))
            return False
        self.tracker.user = name
        self.settings.setValue("user", name)
        self.statusBar().showMessage(f"Changes are now recorded as {name}.", 5000)
        self._show_user()
        return True

    def _show_user(self) -> None:
        role = "" if self.tracker.role == "admin" and not self.tracker.login else f" · {self.tracker.role}"
        read_only = " (read only)" if self.tracker.read_only else ""
        self.user_label.setText(f"You: {signed(self.tracker.user, self.tracker.login)}{role}{read_only}")

    def apply_role(self) -> None:
        """Shape the workspace to what the login may do: a viewer's shows everything and hides every
        way to record a change (imports, statuses, scores, notes, evidence, undo)."""
        read_only = self.tracker.read_only
        self.setWindowTitle("CASR Tracker — read only" if read_only else "CASR Tracker")
        for action in self.write_actions:
            action.setVisible(not read_only)
        for action in self.admin_actions:
            action.setVisible(self.tracker.role == "admin")
        self.read_only_banner.setVisible(read_only)
        self.detail.set_read_only(read_only)
        self.documents.set_read_only(read_only)
        self.setAcceptDrops(not read_only)
        self._show_user()

    def show_message(self, text: str) -> None:
        """A user-facing message: one sentence, in a non-blocking box and the status bar."""
        self.last_message = text
        self.statusBar().showMessage(text, 8000)
        box = QMessageBox(QMessageBox.Icon.Warning, "CASR Tracker", text, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def menu_actions(self) -> list[QAction]:
        """Every action of the menu bar, menu by menu (separators left out)."""
        return menu_actions(self.menuBar())

    # --- drag and drop, state ---------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.tabs.setCurrentIndex(1)
            self._load_documents()
            self.documents.import_files(paths)
            event.acceptProposedAction()

    def restore_state(self) -> None:
        s = self.settings
        if s.value("geometry") is not None:
            self.restoreGeometry(s.value("geometry"))
        else:
            self.resize(1600, 950)
        for key, splitter in self._splitters().items():
            sizes = s.value(key)
            if sizes:
                splitter.setSizes([int(x) for x in sizes])
        self.tabs.setCurrentIndex(int(s.value("tab", 0)))

    def save_state(self) -> None:
        if not self.persist:
            return
        s = self.settings
        s.setValue("geometry", self.saveGeometry())
        for key, splitter in self._splitters().items():
            s.setValue(key, splitter.sizes())
        s.setValue("tab", self.tabs.currentIndex())
        s.sync()

    def _splitters(self) -> dict[str, QSplitter]:
        return {
            "splitter/main": self.main_splitter,
            "splitter/pledges": self.pledges_splitter,
            "splitter/documents": self.documents.splitter,
        }

    def closeEvent(self, event) -> None:
        self.detail.save_note()
        self.watcher.stop()
        self.save_state()
        super().closeEvent(event)

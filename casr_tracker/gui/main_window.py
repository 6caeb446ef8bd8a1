"""The main window: navigation and filters, the pledge table, the detail panel, documents, dashboard."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from ..errors import CasrError
from ..models import Statement, Status, Strength
from ..queries import handles_of, pledge_list, recent_changes, rows_for
from ..scorecard import scorecard, statement_parties, status_by_sphere, status_by_statement
from ..services import statements
from ..wording import counted
from .actions import make_action, make_button, set_unique_shortcuts
from .dialogs import BulkStatusDialog
from .models import (
    KEY_ROLE,
    ROW_ROLE,
    SPHERES_ROLE,
    PledgeTableModel,
    StatusBadgeDelegate,
    StatusMixDelegate,
    add_spheres,
    build_sphere_tree,
)
from .ops import Changes, Tracker
from .panels.detail import DetailPanel, plain_label
from .panels.documents import DocumentsPanel
from .qt import (
    QAbstractItemView,
    QAction,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QIcon,
    QInputDialog,
    QItemSelection,
    QItemSelectionModel,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSettings,
    QSplitter,
    QStackedWidget,
    QStandardItemModel,
    Qt,
    QTableView,
    QTabWidget,
    QTimer,
    QTreeView,
    QUndoStack,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .style import status_label
from .undo import StatusCommand, push, restore_stack
from .watch import ChangeWatcher

RECENT_DAYS = 30
#: keys of the panels that are not menu actions
PANEL_KEYS = (
    ("Ctrl+Return", "Record the status typed in the detail panel"),
    ("A or Return, R, O, J, K, 1-3", "In the suggestions: accept, reject, other pledge, next, previous, nth candidate"),
)


class MainWindow(QMainWindow):
    """The analyst's workspace. All data comes from the core through `tracker`."""

    loaded = Signal()

    def __init__(self, tracker: Tracker, settings: QSettings, icon: QIcon | None = None):
        super().__init__()
        self.tracker, self.settings = tracker, settings
        self.undo_stack = QUndoStack(self)
        self._reporter = None
        self.last_message = ""
        self.statement_id: int | None = None
        self.sphere_id: int | None = None
        self.is_loaded = False
        self.persist = True  # False for --screenshot: a picture must not change the user's window state
        self.setWindowTitle("CASR Tracker")
        if icon is not None:
            self.setWindowIcon(icon)
        self.setAcceptDrops(True)

        self.tree_model = QStandardItemModel(self)
        self.table_model = PledgeTableModel(self)

        self._build_navigation()
        self._build_pledges()
        self.documents = DocumentsPanel(tracker, self.undo_stack)
        self._dashboard = None  # built the first time its tab is shown (QtCharts loads then)
        self.dashboard_scroll = dashboard_scroll = QScrollArea()
        dashboard_scroll.setWidgetResizable(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.pledges_splitter, "Pledges")
        self.tabs.addTab(self.documents, "Documents")
        self.tabs.addTab(dashboard_scroll, "Dashboard")
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.navigation)
        self.main_splitter.addWidget(self.tabs)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([260, 1340])
        self.setCentralWidget(self.main_splitter)
        self._build_menus()
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
        self.detail.open_excerpt.connect(self.open_excerpt)
        self.documents.evidence_attached.connect(self.select_pledge)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.restore_state()

    # --- building -------------------------------------------------------------------------------

    def _build_navigation(self) -> None:
        self.navigation = QWidget()
        layout = QVBoxLayout(self.navigation)
        layout.setContentsMargins(4, 4, 4, 4)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setItemDelegate(StatusMixDelegate(self.tree))
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setWordWrap(True)
        self.tree.selectionModel().currentChanged.connect(self._tree_changed)
        self.tree.expanded.connect(lambda index: self._expand(self.tree_model.itemFromIndex(index)))
        layout.addWidget(self.tree, 1)
        form = QFormLayout()
        self.status_filter = QComboBox()
        self.status_filter.addItem("Any status", None)
        for status in Status:
            self.status_filter.addItem(status_label(status.value), status.value)
        self.party_filter = QComboBox()
        self.party_filter.addItem("Any party", None)
        self.strength_filter = QComboBox()
        self.strength_filter.addItem("Firm or soft", None)
        for strength in Strength:
            self.strength_filter.addItem(strength.value.capitalize(), strength.value)
        self.no_evidence = QCheckBox("No evidence yet")
        self.recent = QCheckBox(f"Changed in the last {RECENT_DAYS} days")
        form.addRow("Status:", self.status_filter)
        form.addRow("Party:", self.party_filter)
        form.addRow("Wording:", self.strength_filter)
        layout.addLayout(form)
        layout.addWidget(self.no_evidence)
        layout.addWidget(self.recent)
        self.clear_button = make_button("Clear filters", self.clear_filters, "Show every pledge again (Ctrl+Shift+L)")
        layout.addWidget(self.clear_button)
        for combo in (self.status_filter, self.party_filter, self.strength_filter):
            combo.currentIndexChanged.connect(self.reload_pledges)
        for box in (self.no_evidence, self.recent):
            box.toggled.connect(self.reload_pledges)

    def _build_pledges(self) -> None:
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search pledges, notes and evidence (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search_timer = QTimer(self, singleShot=True, interval=200)
        self.search_timer.timeout.connect(self.reload_pledges)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.everywhere = QCheckBox("All statements")
        self.everywhere.setToolTip("List and search the pledges of every statement, not only the one on the left")
        self.everywhere.setVisible(False)  # shown once there is more than one statement
        self.everywhere.toggled.connect(self.reload_pledges)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.everywhere)
        layout.addLayout(search_row)
        self.table = QTableView()
        # the view shows the model itself: sorting is done by the database, and a proxy model would
        # map a select-all of 100,000 rows index by index (seconds)
        self.table.setModel(self.table_model)
        self.sort_key, self.sort_descending = "ref", False
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(PledgeTableModel.STATUS_COLUMN, StatusBadgeDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in {0: 60, 1: 104, 3: 60, 4: 60, 5: 134, 6: 64, 7: 88}.items():
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.empty = plain_label("No pledge matches these filters.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_box = QWidget()
        empty_layout = QVBoxLayout(empty_box)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        self.empty_clear = make_button("Clear filters", self.clear_filters)
        empty_layout.addWidget(self.empty_clear, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(1)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(empty_box)
        layout.addWidget(self.table_stack, 1)
        self.detail = DetailPanel(self.tracker, self.undo_stack)
        self.pledges_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.pledges_splitter.addWidget(centre)
        self.pledges_splitter.addWidget(self.detail)
        self.pledges_splitter.setStretchFactor(0, 3)
        self.pledges_splitter.setStretchFactor(1, 2)
        self.pledges_splitter.setSizes([880, 440])

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = make_action(self, text, slot, shortcut, tip)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(
            file,
            "Import &statement…",
            self.choose_statement,
            "Ctrl+Shift+O",
            "Import a statement's pledges (again: update it)",
        )
        self._action(file, "&Import documents…", self.import_documents, "Ctrl+O", "Add documents to the library")
        file.addSeparator()
        self._action(file, "&Print report…", lambda: self.report_action("print"), QKeySequence.StandardKey.Print)
        self._action(file, "Print pre&view…", lambda: self.report_action("preview"), "Ctrl+Shift+P")
        self._action(file, "&Export report…", lambda: self.report_action("export"), "Ctrl+Shift+E")
        file.addSeparator()
        self._action(file, "&Quit", self.close, [QKeySequence.StandardKey.Quit, "Ctrl+Q"])
        edit = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        set_unique_shortcuts(undo, QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        set_unique_shortcuts(redo, ["Ctrl+Shift+Z", "Ctrl+Y", QKeySequence.StandardKey.Redo])
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self._action(edit, "&Find…", self.focus_search, QKeySequence.StandardKey.Find)
        self._action(edit, "Pre&ferences…", self.edit_preferences, [QKeySequence.StandardKey.Preferences, "Ctrl+,"])
        bulk = self._action(edit, "Set &status of selected pledges…", self.bulk_status, "Ctrl+Shift+S")
        self.table.addAction(bulk)
        attach = self._action(edit, "&Attach selected passage…", self.attach_from_reader, "Ctrl+E")
        attach.setStatusTip("In the Documents tab: attach the selected passage to a pledge")
        view = bar.addMenu("&View")
        for n, name in enumerate(("&Pledges", "&Documents", "Dash&board")):
            self._action(view, name, lambda i=n: self.tabs.setCurrentIndex(i), f"Ctrl+{n + 1}")
        view.addSeparator()
        self._action(view, "&Clear filters", self.clear_filters, "Ctrl+Shift+L")
        self._action(view, "&Reload", self.load_all, QKeySequence.StandardKey.Refresh)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(help_menu, "&About CASR Tracker", self.show_about)

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
        found: list[Statement] = self.tracker.read(statements)
        if self.statement_id not in {s.id for s in found}:
            self.statement_id = found[0].id if found else None
        self._fill_parties()
        self._fill_tree(found)
        self.reload_pledges()
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

    def _fill_parties(self) -> None:
        if self.statement_id is None:
            return
        current = self.party_filter.currentData()
        parties = self.tracker.read(lambda s: statement_parties(s, self.statement_id))
        self.party_filter.blockSignals(True)
        self.party_filter.clear()
        self.party_filter.addItem("Any party", None)
        for party in parties:
            self.party_filter.addItem(party.name, party.code)
        self.party_filter.setCurrentIndex(max(0, self.party_filter.findData(current)))
        self.party_filter.blockSignals(False)

    def _fill_tree(self, found: list[Statement]) -> None:
        counts = self.tracker.read(status_by_statement)
        self.tree.selectionModel().blockSignals(True)
        build_sphere_tree(self.tree_model, [(st.id, st.title, counts.get(st.id, {})) for st in found])
        self.tree.selectionModel().blockSignals(False)
        self.everywhere.setVisible(len(found) > 1)
        if len(found) < 2:
            self.everywhere.setChecked(False)
        self._show_scope_in_tree()

    def _show_scope_in_tree(self) -> None:
        """Open the current statement in the tree and select it (or the current sphere)."""
        self.tree.selectionModel().blockSignals(True)
        for row in range(self.tree_model.rowCount()):
            top = self.tree_model.item(row)
            if top.data(KEY_ROLE) == ("statement", self.statement_id):
                self._expand(top)
                self.tree.expand(top.index())
        key = ("sphere", self.sphere_id) if self.sphere_id else ("statement", self.statement_id)
        for index in self._tree_indexes():
            if index.data(KEY_ROLE) == key:
                self.tree.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.tree.selectionModel().blockSignals(False)

    def _expand(self, top) -> None:
        """Add a statement's spheres to the tree when it is opened."""
        if top is not None and top.data(SPHERES_ROLE):
            statement_id = top.data(KEY_ROLE)[1]
            add_spheres(top, self.tracker.read(lambda s: status_by_sphere(s, statement_id)))

    def _tree_indexes(self):
        for row in range(self.tree_model.rowCount()):
            top = self.tree_model.index(row, 0)
            yield top
            for child in range(self.tree_model.rowCount(top)):
                yield self.tree_model.index(child, 0, top)

    def filters(self) -> dict:
        """The current filters, as keyword arguments of queries.pledge_rows."""
        everywhere = self.everywhere.isChecked()
        return {
            "statement_id": None if everywhere else self.statement_id,
            "sphere_id": None if everywhere else self.sphere_id,
            "status": self.status_filter.currentData(),
            "party": self.party_filter.currentData(),
            "strength": self.strength_filter.currentData(),
            "no_evidence": self.no_evidence.isChecked(),
            "changed_since": dt.date.today() - dt.timedelta(days=RECENT_DAYS) if self.recent.isChecked() else None,
            "search": self.search.text().strip() or None,
        }

    #: the order each column of the pledge table sorts by (queries.ORDERS); Parties sorts as Ref
    COLUMN_ORDERS = ("ref", "sphere", "text", "ref", "strength", "status", "evidence", "last_change")

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        self.sort_key = self.COLUMN_ORDERS[column]
        self.sort_descending = order == Qt.SortOrder.DescendingOrder
        self.reload_pledges()

    def reload_pledges(self) -> None:
        """Show the pledges that pass the filters: which ones (in order) at once, their rows a block at a
        time as the table paints them."""
        selected = self.selected_ids()
        current = self.detail.pledge_id
        filters = self.filters()
        if self.statement_id is None:
            self.table_model.set_rows([])
        else:
            order = {"order": self.sort_key, "descending": self.sort_descending}
            found = self.tracker.read(lambda s: pledge_list(s, **order, **filters))
            self.table_model.set_source(
                found.handles,
                lambda handles: self._rows_of(found, handles),
                (lambda pledges: self.tracker.read(lambda s: handles_of(s, found, pledges))) if found.by_key else None,
            )
        shown = self.table_model.total
        self.table_stack.setCurrentIndex(0 if shown else 1)
        if not shown:
            self.empty.setText(
                "No pledges yet: import a statement with File → Import statement… (Ctrl+Shift+O)."
                if self.statement_id is None
                else "No pledge matches these filters."
            )
        self.empty_clear.setVisible(self.statement_id is not None)
        everywhere = self.everywhere.isChecked()
        self.table_model.set_qualified(everywhere)
        self.status_count.setText(f"{counted(shown, 'pledge')} shown" + (" from all statements" if everywhere else ""))
        self._reselect(selected, current)

    def _rows_of(self, found, handles: list[int]) -> dict:
        """The rows the table paints; when the database stops answering they stay blank and the status
        bar says why (a message box in the middle of painting would come back with every repaint)."""
        try:
            return self.tracker.read(lambda s: rows_for(s, found, handles))
        except Exception as exc:  # noqa: BLE001 - whatever the driver raises, the paint goes on
            self.statusBar().showMessage(f"The pledges could not be read from the database: {exc}", 10000)
            return {}

    def _reselect(self, selected: list[int], current: int | None) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        rows = QItemSelection()
        last = self.table_model.columnCount() - 1
        for first, end in _runs(sorted(self.table_model.positions_of(selected).values())):
            rows.select(self.table_model.index(first, 0), self.table_model.index(end, last))
        selection.select(rows, QItemSelectionModel.SelectionFlag.Select)
        row = self.table_model.row_of(current) if current is not None else None
        if row is not None:
            index = self.table_model.index(row, 0)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.Current)
        selection.blockSignals(False)
        if row is None and current is not None:
            self.detail.show_pledge(None)

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
        if self.statement_id is None:
            return
        sid = self.statement_id
        statuses, card, recent = self.tracker.read(
            lambda s: (status_by_sphere(s, sid), scorecard(s, sid), recent_changes(s))
        )
        self.dashboard.set_data(statuses, card, recent)
        self._dashboard_dirty = False

    # --- reacting ---------------------------------------------------------------------------------

    def on_changed(self, changes: Changes) -> None:
        if not self.is_loaded:
            return
        if self.tabs.currentIndex() == 1 or not changes.kinds & {"document"}:
            self.documents.on_changed(changes)
        else:
            self._documents_dirty = True
        if changes.kinds & {"status", "statement"}:  # the tree shows counts by status
            self._fill_tree(self.tracker.read(statements))
        self.reload_pledges()
        self.detail.refresh(changes)
        if self.tabs.currentIndex() == 2:
            self.refresh_dashboard()
        else:
            self._dashboard_dirty = True

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.is_loaded:
            self._load_documents()
        if index == 2 and getattr(self, "_dashboard_dirty", False):
            self.refresh_dashboard()

    def _load_documents(self) -> None:
        """The library is read when its tab is first shown (and again after changes)."""
        if getattr(self, "_documents_dirty", True):
            self._documents_dirty = False
            self.documents.refresh()

    def _tree_changed(self, current, _previous) -> None:
        key = current.data(KEY_ROLE) if current.isValid() else None
        if not key:
            return
        kind, value = key
        if kind == "statement":
            changed = value != self.statement_id
            self.statement_id, self.sphere_id = value, None
            if changed:
                self._fill_parties()
                self.refresh_dashboard()
        else:
            parent = current.parent().data(KEY_ROLE)
            self.statement_id, self.sphere_id = parent[1], value
        self.tabs.setCurrentIndex(0)
        self.reload_pledges()

    def _row_changed(self, current, _previous) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        self.detail.show_pledge(row.id if row else None)
        if row and self.persist:
            self.settings.setValue("last_ref", f"{row.statement}/{row.ref}")

    def selected_ids(self) -> list[int]:
        """The pledges selected in the table, in list order (a selection of 100,000 rows reads none of
        them when the list is of pledge ids)."""
        selection = self.table.selectionModel().selection()
        positions = sorted({row for part in selection for row in range(part.top(), part.bottom() + 1)})
        return self.table_model.pledge_ids_at(positions)

    def select_pledge(self, pledge_id: int) -> bool:
        """Select a pledge in the table and show its detail; when it is not among the rows shown, the
        filters are cleared down to its sphere first."""
        if self.table_model.row_of(pledge_id) is None:
            from ..models import Pledge

            pledge = self.tracker.read(lambda s: s.get(Pledge, pledge_id))
            if pledge is None:
                return False
            self.statement_id = pledge.statement_id
            self._reset_filters(sphere_id=pledge.sphere_id)
        row = self.table_model.row_of(pledge_id)
        if row is None:
            return False
        index = self.table_model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def select_ref(self, ref: str) -> bool:
        """Select a pledge by ref (in the statement shown, else the first statement that has it)."""
        from .. import services

        def find(session):
            for key in [ref] if "/" in ref else [f"{self.statement_id}/{ref}", ref]:
                try:
                    return services.find_pledge(session, key).id
                except CasrError:
                    continue
            return None

        pledge_id = self.tracker.read(find)
        return pledge_id is not None and self.select_pledge(pledge_id)

    def clear_filters(self) -> None:
        """Every pledge of the statement again: no sphere, quick filter or search."""
        self._reset_filters(sphere_id=None)
        self.statusBar().showMessage("Filters cleared.", 3000)

    def _reset_filters(self, *, sphere_id: int | None) -> None:
        """Clear the quick filters and the search; show the statement, or only the sphere `sphere_id`."""
        widgets = (
            self.status_filter,
            self.party_filter,
            self.strength_filter,
            self.no_evidence,
            self.recent,
            self.search,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.status_filter.setCurrentIndex(0)
        self.party_filter.setCurrentIndex(0)
        self.strength_filter.setCurrentIndex(0)
        self.no_evidence.setChecked(False)
        self.recent.setChecked(False)
        self.search.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self.sphere_id = sphere_id
        self._show_scope_in_tree()
        self.reload_pledges()

    def apply_dashboard_filter(self, request: dict) -> None:
        """A click on the dashboard: filter the pledge table to what was clicked."""
        if "pledge_id" in request or "ref" in request:
            self.tabs.setCurrentIndex(0)
            if "pledge_id" in request:
                self.select_pledge(request["pledge_id"])
            else:
                self.select_ref(request["ref"])
            return
        self._reset_filters(sphere_id=None)
        for combo, key in ((self.status_filter, "status"), (self.party_filter, "party")):
            if key in request:
                combo.blockSignals(True)
                combo.setCurrentIndex(max(0, combo.findData(request[key])))
                combo.blockSignals(False)
        if "sphere_id" in request:
            self.sphere_id = request["sphere_id"]
            self._fill_tree(self.tracker.read(statements))
        self.tabs.setCurrentIndex(0)
        self.reload_pledges()

    def open_excerpt(self, document_id: int, start: int, end: int) -> None:
        self.tabs.setCurrentIndex(1)
        self._load_documents()
        self.documents.show_document(document_id, start, end)

    def import_documents(self) -> None:
        """Choose documents to import; they open in the Documents tab."""
        self.tabs.setCurrentIndex(1)
        self._load_documents()
        self.documents.choose_files()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus()
        self.search.selectAll()

    def attach_from_reader(self) -> None:
        if self.tabs.currentIndex() != 1:
            self.tabs.setCurrentIndex(1)
            self.show_message("Select a passage in a document, then press Ctrl+E to attach it to a pledge.")
            return
        self.documents.attach_selection()

    def bulk_status(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.show_message("Select one or more pledges in the table first.")
            return
        dialog = BulkStatusDialog(len(ids), self)
        if not dialog.exec():
            return
        self.set_status_of(ids, **dialog.values)

    def set_status_of(self, ids: list[int], status: str, comment: str = "", effective=None) -> None:
        """One undoable step that gives every pledge in `ids` the same new status."""
        refs = {i: row.ref for i in ids if (row := self.table_model.row_by_id(i)) is not None}
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
        path, _ = QFileDialog.getOpenFileName(self, "Import a statement", "", "Text files (*.txt);;All files (*)")
        if path:
            self.import_statement(path)

    def import_statement(self, path: str) -> None:
        """Import (or update) a statement off the GUI thread; say what came of it."""
        from ..importer import pipeline
        from ..importer.documents import read_text

        def work(session):
            return pipeline.import_statement(session, read_text(path), source_name=Path(path).name)

        def done(report) -> None:
            self.statement_id = report.statement_id
            self.sphere_id = None
            self.load_all()
            self.last_import = report.summary()
            self.statusBar().showMessage(report.summary(), 15000)

        def failed(error) -> None:
            self.show_message(str(error) if isinstance(error, CasrError) else f"The import failed: {error}")

        self.statusBar().showMessage(f"Importing {Path(path).name}…")
        self.statement_job = self.tracker.write_in_background(work, done, failed)

    def report_action(self, action: str) -> None:
        """Ask for the report options, then print, preview or export (built off the GUI thread)."""
        if self.reporter.busy:
            self.show_message("A report is already being built; wait for it to finish.")
            return
        from .reporting import ReportOptionsDialog

        found = [(s.id, s.title) for s in self.tracker.read(statements)]
        dialog = ReportOptionsDialog(found, export=action == "export", current=self.statement_id, parent=self)
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
        self.tracker.user = name
        self.settings.setValue("user", name)
        self.statusBar().showMessage(f"Changes are now recorded as {name}.", 5000)
        self._show_user()
        return True

    def _show_user(self) -> None:
        self.user_label.setText(f"You: {self.tracker.user}")

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
        found = []
        for top in self.menuBar().actions():
            found += [a for a in top.menu().actions() if not a.isSeparator()]
        return found

    def shortcut_table(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every action with a shortcut, then the keys of the panels."""
        rows = []
        for action in self.menu_actions():
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if _typed(k)]
            if keys:
                rows.append((" or ".join(keys), action.text().replace("&", "").rstrip("…")))
        return rows + list(PANEL_KEYS)

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td style='padding-right:18px; white-space:nowrap'><b>{html.escape(keys)}</b></td>"
            f"<td style='white-space:nowrap'>{html.escape(what)}</td></tr>"
            for keys, what in self.shortcut_table()
        )
        box = QMessageBox(QMessageBox.Icon.Information, "Keyboard shortcuts", "", QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<table>{rows}</table>")
        self.shortcuts_box = box
        box.open()

    def show_about(self) -> None:
        from .. import __version__

        QMessageBox.about(
            self,
            "About CASR Tracker",
            f"CASR Tracker {__version__}\nTracks the pledges of the 15 October 2020 joint statement "
            "of the Central Asia + Russia foreign ministers.",
        )

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


def _typed(sequence: QKeySequence) -> bool:
    """A shortcut typed on an ordinary keyboard (not the Undo, Find or F14 keys some keyboards have)."""
    combination = sequence[0]
    key = combination.key()
    has_modifier = combination.keyboardModifiers() != Qt.KeyboardModifier.NoModifier
    return (has_modifier and key.value < 0x01000000 or key in FUNCTION_KEYS) and sequence.count() == 1


FUNCTION_KEYS = {getattr(Qt.Key, f"Key_F{n}") for n in range(1, 13)}


def _runs(positions: list[int]):
    """(first, last) of each run of consecutive numbers in sorted `positions`."""
    start = previous = None
    for position in positions:
        if previous is not None and position == previous + 1:
            previous = position
            continue
        if start is not None:
            yield start, previous
        start = previous = position
    if start is not None:
        yield start, previous

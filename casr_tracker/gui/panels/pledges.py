"""The pledge list: statements and spheres in a tree, the quick filters, the search and the pledge table."""

from __future__ import annotations

import datetime as dt

from ... import services
from ...errors import CasrError
from ...models import Pledge, Statement, Status, Strength
from ...queries import handles_of, pledge_list, rows_for
from ...scorecard import statement_parties, status_by_sphere, status_by_statement
from ...services import statements
from ...wording import counted
from ..actions import make_button
from ..models import (
    KEY_ROLE,
    ROW_ROLE,
    SPHERES_ROLE,
    PledgeTableModel,
    StatusBadgeDelegate,
    StatusMixDelegate,
    add_spheres,
    build_sphere_tree,
)
from ..ops import Changes, Tracker
from ..qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QItemSelection,
    QItemSelectionModel,
    QLineEdit,
    QStackedWidget,
    QStandardItemModel,
    Qt,
    QTableView,
    QTimer,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..style import plain_label, status_label

RECENT_DAYS = 30

#: the kinds of change the list shows (status, evidence count, last change, what "changed lately"
#: counts) or searches (notes, evidence quotes); documents and suggestions are not among them
LIST_KINDS = ("status", "assessment", "evidence", "note", "statement")


class PledgesPanel(QWidget):
    """The pledges that pass the filters, a row per pledge, read a block at a time as they are painted.

    The panel is the search box and the table; `navigation` (the tree of statements and spheres with
    the quick filters under it) is a widget of its own that the window places on its left."""

    current_changed = Signal(object)  # the PledgeRow now current in the table, or None
    statement_changed = Signal(int)  # another statement chosen in the tree
    scope_chosen = Signal()  # a statement or sphere chosen in the tree: the list is to be shown
    counted = Signal(str)  # how many pledges are shown, for the status bar
    message = Signal(str, int)  # a passing message for the status bar, and for how many ms

    #: the order each column of the table sorts by (queries.ORDERS); Parties sorts as Ref
    COLUMN_ORDERS = ("ref", "sphere", "text", "ref", "strength", "status", "evidence", "last_change")

    def __init__(self, tracker: Tracker, parent=None):
        super().__init__(parent)
        self.tracker = tracker
        self.statement_id: int | None = None
        self.sphere_id: int | None = None
        self.current_id: int | None = None  # the pledge current in the table (the one in the detail)
        self.sort_key, self.sort_descending = "ref", False
        self.tree_model = QStandardItemModel(self)
        self.table_model = PledgeTableModel(self)
        self._build_navigation()
        self._build_table()

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

    def _build_table(self) -> None:
        layout = QVBoxLayout(self)
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

    # --- loading --------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the statements, their parties and the pledges shown (when the window opens, and on F5)."""
        found: list[Statement] = self.tracker.read(statements)
        if self.statement_id not in {s.id for s in found}:
            self.statement_id = found[0].id if found else None
        self._fill_parties()
        self._fill_tree(found)
        self.reload_pledges()

    def show_statement(self, statement_id: int) -> None:
        """Show the whole of this statement when next loaded (after it was imported)."""
        self.statement_id, self.sphere_id = statement_id, None

    def on_changed(self, changes: Changes) -> None:
        """Refresh what `changes` concern: the tree's counts by status, the rows of the table. A change
        of no known kind (a pledge touched alone) is taken to concern the rows."""
        if changes.concerns("status", "statement"):
            self._fill_tree(self.tracker.read(statements))
        if changes.concerns(*LIST_KINDS) or not changes.kinds:
            self.reload_pledges()

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

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        self.sort_key = self.COLUMN_ORDERS[column]
        self.sort_descending = order == Qt.SortOrder.DescendingOrder
        self.reload_pledges()

    def reload_pledges(self) -> None:
        """Show the pledges that pass the filters: which ones (in order) at once, their rows a block at a
        time as the table paints them."""
        selected = self.selected_ids()
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
        self.counted.emit(f"{counted(shown, 'pledge')} shown" + (" from all statements" if everywhere else ""))
        self._reselect(selected, self.current_id)

    def _rows_of(self, found, handles: list[int]) -> dict:
        """The rows the table paints; when the database stops answering they stay blank and the status
        bar says why (a message box in the middle of painting would come back with every repaint)."""
        try:
            return self.tracker.read(lambda s: rows_for(s, found, handles))
        except Exception as exc:  # noqa: BLE001 - whatever the driver raises, the paint goes on
            self.message.emit(f"The pledges could not be read from the database: {exc}", 10000)
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
            self.current_id = None
            self.current_changed.emit(None)

    # --- choosing -------------------------------------------------------------------------------

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
                self.statement_changed.emit(value)
        else:
            parent = current.parent().data(KEY_ROLE)
            self.statement_id, self.sphere_id = parent[1], value
        self.scope_chosen.emit()
        self.reload_pledges()

    def _row_changed(self, current, _previous) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        self.current_id = row.id if row else None
        self.current_changed.emit(row)

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
        self.message.emit("Filters cleared.", 3000)

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

    def apply_filter(self, request: dict) -> None:
        """A click on the dashboard: select the pledge clicked, or filter the list to what was clicked
        (a status, a party, a sphere)."""
        if "pledge_id" in request:
            self.select_pledge(request["pledge_id"])
            return
        if "ref" in request:
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
        self.reload_pledges()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()


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

"""Qt item models over core query results: the pledge table, the sphere tree, the document list."""

from __future__ import annotations

from collections.abc import Callable

from ..queries import PledgeRow
from ..scorecard import SphereStatus
from .qt import (
    QAbstractTableModel,
    QApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QStandardItem,
    QStandardItemModel,
    QStyle,
    QStyledItemDelegate,
    Qt,
)
from .style import STATUS_COLORS, plain_tip, status_color, status_label, text_on

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
COUNTS_ROLE = Qt.ItemDataRole.UserRole + 3
KEY_ROLE = Qt.ItemDataRole.UserRole + 4

_Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """A flat table of `_rows` under the headers in COLUMNS."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def _row(self, index: _Index):
        """The row behind a valid index of this model, else None."""
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        return self._rows[index.row()]


class PledgeTableModel(RowsModel):
    """One row per pledge: ref, sphere, text, parties, strength, status, evidence, last change."""

    COLUMNS = ("Ref", "Sphere", "Pledge", "Parties", "Strength", "Status", "Evidence", "Last change")
    STATUS_COLUMN = 5

    #: rows are read this many at a time, as the view paints them
    BLOCK = 100

    def __init__(self, parent=None):
        super().__init__(parent)
        self._handles: list[int] = []
        self._loaded: dict[int, PledgeRow] = {}  # position → row
        self._order: dict[int, int] = {}  # pledge id → position, for the rows read so far
        self._positions: dict[int, int] | None = None  # handle → position, built when first needed
        self._fetch: Callable[[list[int]], dict[int, PledgeRow]] | None = None
        self._locate: Callable[[list[int]], dict[int, int]] | None = None
        self._qualified = False  # refs with their statement ("3/TRD-3"), when several statements are listed

    def set_rows(self, rows: list[PledgeRow]) -> None:
        """Show exactly these rows."""
        rows = list(rows)
        self._reset([r.id for r in rows], None, None, dict(enumerate(rows)))

    def set_source(
        self,
        handles: list[int],
        fetch: Callable[[list[int]], dict[int, PledgeRow]],
        locate: Callable[[list[int]], dict[int, int]] | None = None,
    ) -> None:
        """Show the pledges behind `handles` (in this order): `fetch(handles)` reads their rows (by handle), a block
        at a time as the view paints them; `locate(pledge_ids)` gives their handles by id (default: the ids)."""
        self._reset(list(handles), fetch, locate)

    def _reset(self, handles, fetch, locate, loaded: dict[int, PledgeRow] | None = None) -> None:
        self.beginResetModel()
        self._handles, self._fetch, self._locate = handles, fetch, locate
        self._loaded, self._positions = loaded or {}, None
        self._order = {row.id: i for i, row in self._loaded.items()}
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._handles)

    def set_qualified(self, qualified: bool) -> None:
        """Show refs with their statement's number (refs repeat from one statement to the next)."""
        if qualified != self._qualified:
            self._qualified = qualified
            if self._handles:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._handles) - 1, 0))

    @property
    def total(self) -> int:
        return len(self._handles)

    @property
    def rows_read(self) -> int:
        """How many of the rows have been read from the database so far."""
        return len(self._loaded)

    def row_at(self, position: int) -> PledgeRow | None:
        """The row at `position`, reading its block first when it has not been read."""
        if not 0 <= position < len(self._handles):
            return None
        if position not in self._loaded and self._fetch is not None:
            first = position - position % self.BLOCK
            block = self._handles[first : first + self.BLOCK]
            fetched = self._fetch(block)
            for offset, handle in enumerate(block):
                row = fetched.get(handle)
                if row is not None:  # None: the pledge went since the list was made
                    self._loaded[first + offset] = row
                    self._order[row.id] = first + offset
        return self._loaded.get(position)

    def rows(self) -> list[PledgeRow]:
        """Every row of the list (reading those not read yet)."""
        return [row for i in range(len(self._handles)) if (row := self.row_at(i)) is not None]

    def row_of(self, pledge_id: int) -> int | None:
        """Where a pledge is in the list (None: not in it)."""
        return self.positions_of([pledge_id]).get(pledge_id)

    def positions_of(self, pledge_ids: list[int]) -> dict[int, int]:
        """Where these pledges are in the list, by id (those not in it are left out); one lookup of
        handles for all the pledges whose rows have not been read."""
        found = {i: self._order[i] for i in pledge_ids if i in self._order}
        missing = [i for i in pledge_ids if i not in found]
        if not missing:
            return found
        handles = self._locate(missing) if self._locate is not None else {i: i for i in missing}
        if self._positions is None:
            self._positions = {h: i for i, h in enumerate(self._handles)}
        for pledge_id, handle in handles.items():
            if handle in self._positions:
                found[pledge_id] = self._positions[handle]
        return found

    def pledge_ids_at(self, positions: list[int]) -> list[int]:
        """The pledges at these positions: straight from the handles when they are pledge ids, else
        from their rows."""
        if self._locate is None:
            return [self._handles[p] for p in positions if 0 <= p < len(self._handles)]
        return [row.id for p in positions if (row := self.row_at(p)) is not None]

    def row_by_id(self, pledge_id: int) -> PledgeRow | None:
        position = self.row_of(pledge_id)
        return None if position is None else self.row_at(position)

    def _row(self, index: _Index):
        return self.row_at(index.row()) if index.isValid() else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        row, column = self._row(index), index.column()
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return plain_tip(f"{row.ref} in {row.statement_title}")
            if column == 2:
                return plain_tip(row.text)
            if column == 3:
                return plain_tip(", ".join(row.parties))
            if column == self.STATUS_COLUMN:
                return status_label(row.status)
            return None
        if role == SORT_ROLE:
            if column == 0:
                return f"{row.statement:06d}{row.start:09d}"
            if column == 6:
                return row.evidence_count
            if column == self.STATUS_COLUMN:
                return list(STATUS_COLORS).index(row.status)
            return self._display(row, column) or ""
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 6:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, row: PledgeRow, column: int):
        if column == 0:
            return f"{row.statement}/{row.ref}" if self._qualified else row.ref
        if column == 1:
            return row.sphere
        if column == 2:
            return " ".join(row.text.split())  # a hard-wrapped statement's line breaks are not the pledge's
        if column == 3:
            return "All" if row.binds_all else ", ".join(row.party_codes)
        if column == 4:
            return row.strength
        if column == self.STATUS_COLUMN:
            return status_label(row.status)
        if column == 6:
            return str(row.evidence_count)
        if column == 7:
            return row.last_change or ""
        return None


class StatusBadgeDelegate(QStyledItemDelegate):
    """Paints the status as a coloured rounded badge."""

    def paint(self, painter, option, index) -> None:
        row = index.data(ROW_ROLE)
        if row is None:
            return super().paint(painter, option, index)
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        color = status_color(row.status)
        text = status_label(row.status)
        metrics = option.fontMetrics
        width = min(metrics.horizontalAdvance(text) + 16, option.rect.width() - 6)
        height = min(metrics.height() + 6, option.rect.height() - 4)
        rect = QRect(option.rect.left() + 3, option.rect.center().y() - height // 2 + 1, width, height)
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(text_on(color))
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignCenter), metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 8)
        )
        painter.restore()

    def sizeHint(self, option, index):
        hint = super().sizeHint(option, index)
        hint.setWidth(option.fontMetrics.horizontalAdvance("Partially fulfilled") + 28)
        return hint


SPHERES_ROLE = Qt.ItemDataRole.UserRole + 5


def build_sphere_tree(model: QStandardItemModel, statements: list[tuple[int, str, dict[str, int]]]) -> None:
    """Fill the navigation model: one item per statement with its pledge count and status mix; its
    spheres are added when it is first expanded (see add_spheres), so a thousand statements load fast."""
    model.clear()
    model.setHorizontalHeaderLabels(["Statement and spheres"])
    for statement_id, title, counts in statements:
        top = QStandardItem(f"{title} ({sum(counts.values())})")
        top.setData(("statement", statement_id), KEY_ROLE)
        top.setData(counts, COUNTS_ROLE)
        top.setData(True, SPHERES_ROLE)  # spheres still to add
        top.setToolTip(plain_tip(title))
        top.setEditable(False)
        if counts:
            top.appendRow(QStandardItem())  # a placeholder, so the statement shows it can be expanded
        model.appendRow(top)


def add_spheres(top: QStandardItem, spheres: list[SphereStatus]) -> None:
    """Put a statement's spheres under it (once)."""
    if not top.data(SPHERES_ROLE):
        return
    top.setData(False, SPHERES_ROLE)
    top.removeRows(0, top.rowCount())
    for sphere in spheres:
        item = QStandardItem(f"{sphere.sphere.name} ({sphere.total})")
        item.setData(("sphere", sphere.sphere.id), KEY_ROLE)
        item.setData(sphere.counts, COUNTS_ROLE)
        mix = ", ".join(f"{n} {status_label(s).lower()}" for s, n in sphere.counts.items() if n)
        item.setToolTip(plain_tip(f"{sphere.sphere.code}: {sphere.sphere.name}\n{mix}"))
        item.setEditable(False)
        top.appendRow(item)


class StatusMixDelegate(QStyledItemDelegate):
    """Draws a small stacked bar of the status mix at the right end of a navigation item."""

    WIDTH = 56

    def paint(self, painter, option, index) -> None:
        counts = index.data(COUNTS_ROLE) or {}
        total = sum(counts.values())
        if not total:
            return super().paint(painter, option, index)
        text_option = type(option)(option)
        text_option.rect = option.rect.adjusted(0, 0, -(self.WIDTH + 8), 0)
        super().paint(painter, text_option, index)
        height = 8
        rect = QRect(option.rect.right() - self.WIDTH - 2, option.rect.center().y() - height // 2, self.WIDTH, height)
        painter.save()
        x = rect.left()
        for status, n in counts.items():
            if not n:
                continue
            width = max(1, round(rect.width() * n / total))
            painter.fillRect(
                QRect(x, rect.top(), min(width, rect.right() - x + 1), rect.height()), status_color(status)
            )
            x += width
        painter.restore()


class DocumentListModel(RowsModel):
    """The document library: title, date, author."""

    COLUMNS = ("Title", "Date", "Author")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_of(self, document_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r["id"] == document_id), None)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self._row(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return [row["title"], row["date"] or "", row["author"]][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(f"{row['title']}\n{row['date'] or 'no date'} · {row['author'] or 'no author'}")
        if role == ROW_ROLE:
            return row
        return None

"""The dashboard: status by sphere as a chart, the compliance scorecard as a grid, recent changes."""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

from ..models import Party, Sphere, Status
from ..queries import RecentChange
from ..scorecard import Cell, Scorecard, SphereStatus
from . import style
from .qt import (
    QAbstractTableModel,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QCursor,
    QEvent,
    QFont,
    QFontDatabase,
    QHorizontalStackedBarSeries,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QPainter,
    QPalette,
    QSizePolicy,
    Qt,
    QTableView,
    QToolTip,
    QValueAxis,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .style import plain_tip

EMPTY_SCORES = "No party has been scored yet: select a pledge and score each party in its detail panel."
EMPTY_CHANGES = "No changes recorded yet."
CATEGORY_WIDTH = 40  # characters of a sphere name shown on the chart axis before eliding

Role = Qt.ItemDataRole


def _average(cell: Cell) -> str:
    return f"{cell.average:+.2f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _elide(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def sphere_label(sphere: Sphere) -> str:
    """How a sphere is named on the chart axis (which renders HTML): bold code, then the shortened name."""
    return f"<b>{html.escape(sphere.code)}</b> {html.escape(_elide(sphere.name, CATEGORY_WIDTH))}"


def summary_text(card: Scorecard, pledge_count: int) -> str:
    """The one-line summary under the scorecard, or what to do when nothing is scored yet."""
    if card.overall.count == 0:
        return EMPTY_SCORES
    return (
        f"Overall compliance: {_average(card.overall)} ({card.overall.percent:.0f} %) — "
        f"{card.pledges_assessed} of {_plural(pledge_count, 'pledge')} assessed"
    )


def change_line(change: RecentChange) -> str:
    """One line of the recent-changes list: local time, pledge, kind, what changed, who."""
    when = change.recorded_at if change.recorded_at.tzinfo else change.recorded_at.replace(tzinfo=dt.timezone.utc)
    who = f"  — {change.who}" if change.who else ""
    summary = _elide(change.summary, 80)
    return f"{when.astimezone():%Y-%m-%d %H:%M}  {change.ref:<7}  {change.kind:<10}  {summary}{who}"


class ScorecardModel(QAbstractTableModel):
    """Party × sphere compliance averages; the last row is all parties, the last column all spheres."""

    def __init__(self, card: Scorecard | None = None, spheres: list[Sphere] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._parties: list[Party] = []
        self._spheres: list[Sphere] = []
        self._card: Scorecard | None = None
        if card is not None:
            self.set_card(card, spheres)

    def set_card(self, card: Scorecard, spheres: list[Sphere] | None = None) -> None:
        """Show `card`, with one column per sphere in `spheres` (default: every sphere of the card)."""
        self.beginResetModel()
        self._card = card
        self._parties = list(card.parties)
        self._spheres = list(card.spheres if spheres is None else spheres)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._card is None else len(self._parties) + 1

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._card is None else len(self._spheres) + 1

    def party(self, row: int) -> Party | None:
        """The party of a row, None for the "All parties" row."""
        return self._parties[row] if 0 <= row < len(self._parties) else None

    def sphere(self, column: int) -> Sphere | None:
        """The sphere of a column, None for the "All spheres" column."""
        return self._spheres[column] if 0 <= column < len(self._spheres) else None

    def _cell(self, row: int, column: int) -> Cell:
        card, party, sphere = self._card, self.party(row), self.sphere(column)
        if party and sphere:
            return card.cell(party.id, sphere.id)
        if party:
            return card.by_party.get(party.id, Cell())
        if sphere:
            return card.by_sphere.get(sphere.id, Cell())
        return card.overall

    def _tooltip(self, row: int, column: int, cell: Cell) -> str:
        party, sphere = self.party(row), self.sphere(column)
        where = f"{party.name if party else 'All parties'}, {sphere.name if sphere else 'all spheres'}"
        if not cell.count:
            return f"{where}: not scored yet"
        counted = _plural(cell.count, "scored pledge" if party else "score")
        return f"{where}: average {_average(cell)} ({cell.percent:.0f} %) over {counted}"

    def data(self, index: QModelIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid() or self._card is None:
            return None
        row, column = index.row(), index.column()
        cell = self._cell(row, column)
        if role == Role.DisplayRole:
            return f"{_average(cell)} {cell.percent:.0f}%\n(n={cell.count})" if cell.count else "—"
        if role == Role.BackgroundRole:
            return style.score_color(cell.average)
        if role == Role.ForegroundRole:
            background = style.score_color(cell.average)
            return style.text_on(background) if background is not None else None
        if role == Role.ToolTipRole:
            return plain_tip(self._tooltip(row, column, cell))
        if role == Role.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Role.FontRole and (self.party(row) is None or self.sphere(column) is None):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole) -> Any:
        if role not in (Role.DisplayRole, Role.ToolTipRole) or self._card is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            sphere = self.sphere(section)
            if role == Role.ToolTipRole:
                return plain_tip(sphere.name) if sphere else "All spheres"
            return sphere.code if sphere else "All"
        party = self.party(section)
        if role == Role.ToolTipRole:
            return plain_tip(party.formal_name or party.name) if party else "All parties"
        return party.name if party else "All parties"


def _title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    return label


class DashboardView(QWidget):
    """What an analyst looks at first; clicking a bar, a cell or a change asks for a filtered list."""

    filter_requested = Signal(dict)  # keys among sphere_id, status, party (code), pledge_id with ref

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown: list[SphereStatus] = []  # in the chart's order: horizontal bars list categories bottom-up
        self.chart = QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setBackgroundVisible(False)
        self.chart.layout().setContentsMargins(0, 0, 0, 0)
        self.sphere_axis = QBarCategoryAxis()
        self.sphere_axis.setTruncateLabels(False)  # names are shortened here; Qt would cut them to "..."
        self.count_axis = QValueAxis()
        self.count_axis.setLabelFormat("%d")
        self.count_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.count_axis.setTickAnchor(0)
        self.count_axis.setMinorTickCount(0)
        self.count_axis.setTitleText("Pledges")
        self.chart.addAxis(self.sphere_axis, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(self.count_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(320)
        self.chart_view.setBackgroundRole(QPalette.ColorRole.Window)

        self.scorecard_model = ScorecardModel(parent=self)
        self.scorecard_view = view = QTableView()
        view.setModel(self.scorecard_model)
        view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        view.setSizeAdjustPolicy(QTableView.SizeAdjustPolicy.AdjustToContents)
        view.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        for header in (view.horizontalHeader(), view.verticalHeader()):
            header.setSectionResizeMode(header.ResizeMode.Fixed)
        view.clicked.connect(self._scorecard_clicked)
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)

        self.recent_list = QListWidget()
        self.recent_list.setMinimumHeight(160)
        self.recent_list.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.recent_list.itemClicked.connect(self._change_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(_title("Status by sphere"))
        layout.addWidget(self.chart_view)
        layout.addSpacing(8)
        layout.addWidget(_title("Compliance scorecard"))
        layout.addWidget(self.summary_label)
        layout.addWidget(self.scorecard_view, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(8)
        layout.addWidget(_title("Recent changes"))
        layout.addWidget(self.recent_list, 1)
        self._apply_palette()

    def set_data(self, statuses: list[SphereStatus], card: Scorecard, recent: list[RecentChange]) -> None:
        """Show these figures, replacing whatever was shown before."""
        self._shown = list(reversed(statuses))
        self._fill_chart()
        self.scorecard_model.set_card(card, [s.sphere for s in statuses])
        self._fit_scorecard()
        self.summary_label.setText(summary_text(card, sum(s.total for s in statuses)))
        self._fill_recent(recent)

    # --- the chart ---------------------------------------------------------------------------------

    def _fill_chart(self) -> None:
        self.chart.removeAllSeries()  # deletes the old series and their bar sets
        shown = self._shown
        series = QHorizontalStackedBarSeries()
        for status in Status:
            bar_set = QBarSet(style.status_label(status.value))
            bar_set.setColor(style.status_color(status.value))
            bar_set.setBorderColor(style.status_color(status.value))
            bar_set.append([float(s.counts.get(status.value, 0)) for s in shown])
            bar_set.clicked.connect(lambda i, value=status.value: self._bar_clicked(i, value))
            series.append(bar_set)
        series.setBarWidth(0.7)
        series.hovered.connect(self._bar_hovered)
        self.chart.addSeries(series)
        self.sphere_axis.clear()
        self.sphere_axis.append([sphere_label(s.sphere) for s in shown])
        top = max((s.total for s in shown), default=0)
        step = max(1, math.ceil(top / 10))
        self.count_axis.setTickInterval(step)
        self.count_axis.setRange(0, max(step, math.ceil(top / step) * step))
        series.attachAxis(self.sphere_axis)
        series.attachAxis(self.count_axis)
        self.chart_view.setMinimumHeight(max(320, 70 + 26 * len(shown)))

    def _sphere_status(self, index: int) -> SphereStatus | None:
        return self._shown[index] if 0 <= index < len(self._shown) else None

    def _bar_clicked(self, index: int, status: str) -> None:
        found = self._sphere_status(index)
        if found is not None:
            self.filter_requested.emit({"sphere_id": found.sphere.id, "status": status})

    def _bar_hovered(self, inside: bool, index: int, bar_set: QBarSet) -> None:
        found = self._sphere_status(index)
        if not inside or found is None:
            QToolTip.hideText()
            return
        n = int(bar_set.at(index))
        text = f"{found.sphere.code}  {found.sphere.name}\n{bar_set.label()}: {n} of {found.total}"
        QToolTip.showText(QCursor.pos(), plain_tip(text), self.chart_view)

    def _apply_palette(self) -> None:
        """Axis and legend text in the palette's colours, so the chart follows light and dark themes."""
        text = self.palette().color(QPalette.ColorRole.WindowText)
        grid = self.palette().color(QPalette.ColorRole.Mid)
        self.chart.legend().setLabelColor(text)
        for axis in (self.sphere_axis, self.count_axis):
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
            axis.setLinePenColor(grid)
            axis.setGridLineColor(grid)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    # --- scorecard and recent changes ------------------------------------------------------------

    def _scorecard_clicked(self, index: QModelIndex) -> None:
        request: dict[str, Any] = {}
        sphere, party = self.scorecard_model.sphere(index.column()), self.scorecard_model.party(index.row())
        if sphere is not None:
            request["sphere_id"] = sphere.id
        if party is not None:
            request["party"] = party.code
        if request:
            self.filter_requested.emit(request)

    def _fit_scorecard(self) -> None:
        """Size cells to their contents, then even out the party × sphere cells so the grid reads as a heat map."""
        view, model = self.scorecard_view, self.scorecard_model
        view.resizeColumnsToContents()
        view.resizeRowsToContents()
        for header, count in (
            (view.horizontalHeader(), model.columnCount()),
            (view.verticalHeader(), model.rowCount()),
        ):
            size = max((header.sectionSize(i) for i in range(count - 1)), default=header.defaultSectionSize())
            if header.orientation() == Qt.Orientation.Horizontal:  # room for a score, so a first one reflows nothing
                size = max(size, view.fontMetrics().horizontalAdvance("+0.00 100%") + 12)
            for i in range(count - 1):  # the totals ("All") keep their own size
                header.resizeSection(i, size)
        view.updateGeometry()

    def _fill_recent(self, recent: list[RecentChange]) -> None:
        self.recent_list.clear()
        if not recent:
            item = QListWidgetItem(EMPTY_CHANGES)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent_list.addItem(item)
            return
        for change in recent:  # newest first, as queries.recent_changes gives them
            item = QListWidgetItem(change_line(change))
            item.setData(Role.UserRole, (change.pledge_id, change.ref))
            item.setToolTip(plain_tip(f"{change.ref} ({change.kind}): {change.summary}"))
            self.recent_list.addItem(item)

    def _change_clicked(self, item: QListWidgetItem) -> None:
        key = item.data(Role.UserRole)
        if key:
            self.filter_requested.emit({"pledge_id": key[0], "ref": key[1]})

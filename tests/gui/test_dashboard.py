"""The dashboard on the real seeded tracker: chart, scorecard grid, summary line, recent changes, clicks."""

from __future__ import annotations

import pytest

from casr_tracker import db, queries, services
from casr_tracker.gui import style
from casr_tracker.gui.dashboard import EMPTY_CHANGES, EMPTY_SCORES, DashboardView, ScorecardModel
from casr_tracker.gui.qt import Qt
from casr_tracker.models import Status
from casr_tracker.scorecard import scorecard, status_by_sphere
from casr_tracker.users import os_login, signed

Role = Qt.ItemDataRole


def figures(engine):
    """What the main window passes to set_data: status by sphere, scorecard, recent changes."""
    with db.session_scope(engine) as s:
        statement_id = services.find_pledge(s, "TRD-3").statement_id
        return status_by_sphere(s, statement_id), scorecard(s, statement_id), queries.recent_changes(s)


def score_kz_on_trd3(engine) -> None:
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "TRD-3")
        services.set_status(session=s, pledge=pledge, status="fulfilled", who="ana")
        services.assess(session=s, pledge=pledge, party=services.find_party(s, "KZ"), score=1, who="ana")


@pytest.fixture
def dashboard(qtbot, engine):
    view = DashboardView()
    qtbot.addWidget(view)
    view.set_data(*figures(engine))
    return view


def series_of(view: DashboardView):
    (series,) = view.chart.series()
    return series


def cell_index(view: DashboardView, party_code: str, sphere_code: str):
    model = view.scorecard_model
    row = next(r for r in range(model.rowCount()) if model.party(r) and model.party(r).code == party_code)
    column = next(c for c in range(model.columnCount()) if model.sphere(c) and model.sphere(c).code == sphere_code)
    return model.index(row, column)


def test_scorecard_model_passes_the_model_tester(qtmodeltester, engine):
    score_kz_on_trd3(engine)
    statuses, card, _recent = figures(engine)
    qtmodeltester.check(ScorecardModel(card, [s.sphere for s in statuses]))


def test_scorecard_model_shape_and_headers(engine):
    statuses, card, _recent = figures(engine)
    model = ScorecardModel(card, [s.sphere for s in statuses])
    assert model.rowCount() == len(card.parties) + 1
    assert model.columnCount() == len(statuses) + 1
    last_row, last_column = model.rowCount() - 1, model.columnCount() - 1
    assert model.headerData(0, Qt.Orientation.Vertical) == "Kazakhstan"
    assert model.headerData(last_row, Qt.Orientation.Vertical) == "All parties"
    assert model.headerData(last_column, Qt.Orientation.Horizontal) == "All"
    assert model.headerData(last_column, Qt.Orientation.Horizontal, Role.ToolTipRole) == "All spheres"
    trd = next(c for c in range(last_column) if model.sphere(c).code == "TRD")
    assert model.headerData(trd, Qt.Orientation.Horizontal) == "TRD"
    assert "Trade and economy" in model.headerData(trd, Qt.Orientation.Horizontal, Role.ToolTipRole)
    empty = model.index(0, trd)
    assert model.data(empty) == "—"
    assert model.data(empty, Role.BackgroundRole) is None
    assert model.data(empty, Role.ForegroundRole) is None


def test_chart_has_one_bar_set_per_status_summing_to_pledges_per_sphere(dashboard, engine):
    statuses, _card, _recent = figures(engine)
    bar_sets = series_of(dashboard).barSets()
    assert [b.label() for b in bar_sets] == [style.status_label(s.value) for s in Status]
    assert [b.color().name() for b in bar_sets] == [style.STATUS_COLORS[s.value] for s in Status]
    categories = dashboard.sphere_axis.categories()
    assert len(categories) == len(statuses) == 11
    totals = [sum(b.at(i) for b in bar_sets) for i in range(len(categories))]
    assert totals == [s.total for s in reversed(statuses)]  # bars are listed bottom-up
    assert sum(totals) == 41
    assert categories[-1] == "<b>GEN</b> Preamble"  # the first sphere is the top bar
    assert dashboard.chart.legend().isVisible()


def test_chart_follows_a_status_change(qtbot, engine):
    score_kz_on_trd3(engine)
    view = DashboardView()
    qtbot.addWidget(view)
    statuses, card, recent = figures(engine)
    view.set_data(statuses, card, recent)
    labels = [b.label() for b in series_of(view).barSets()]
    fulfilled = series_of(view).barSets()[labels.index(style.status_label("fulfilled"))]
    row = next(i for i, s in enumerate(reversed(statuses)) if s.sphere.code == "TRD")
    assert fulfilled.at(row) == 1


def test_set_data_twice_replaces_the_chart_and_lists(dashboard, engine):
    score_kz_on_trd3(engine)
    data = figures(engine)
    destroyed = []
    old = series_of(dashboard)
    old.destroyed.connect(lambda: destroyed.append("series"))
    old.barSets()[0].destroyed.connect(lambda: destroyed.append("bar set"))
    dashboard.set_data(*data)
    dashboard.set_data(*data)
    assert sorted(destroyed) == ["bar set", "series"]  # the old ones are deleted, not left behind
    assert len(dashboard.chart.series()) == 1
    assert len(series_of(dashboard).barSets()) == len(Status)
    assert len(dashboard.chart.axes()) == 2
    assert len(dashboard.sphere_axis.categories()) == 11
    assert len(dashboard.chart.legend().markers()) == len(Status)
    assert dashboard.recent_list.count() == len(data[2]) == 2


def test_assessment_colours_the_scorecard_cell_and_the_summary(dashboard, engine):
    score_kz_on_trd3(engine)
    dashboard.set_data(*figures(engine))
    model, index = dashboard.scorecard_model, cell_index(dashboard, "KZ", "TRD")
    assert model.data(index) == "+1.00 100%\n(n=1)"
    assert model.data(index, Role.BackgroundRole).name() == style.SCORE_COLORS[1]
    assert model.data(index, Role.ForegroundRole) == style.text_on(style.score_color(1.0))
    assert "Kazakhstan, Trade and economy: average +1.00 (100 %) over 1 scored pledge</p>" in model.data(
        index, Role.ToolTipRole
    )
    overall = model.index(model.rowCount() - 1, model.columnCount() - 1)
    assert model.data(overall).startswith("+1.00")
    assert dashboard.summary_label.text() == "Overall compliance: +1.00 (100 %) — 1 of 41 pledges assessed"


def test_mixed_scores_average_in_the_summary(dashboard, engine):
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "TRD-3")
        services.assess(session=s, pledge=pledge, party=services.find_party(s, "KZ"), score=1)
        services.assess(session=s, pledge=pledge, party=services.find_party(s, "RU"), score=0)
        services.assess(session=s, pledge=pledge, party=services.find_party(s, "UZ"), score=-1)
        services.assess(session=s, pledge=pledge, party=services.find_party(s, "UZ"), score=None)  # withdrawn
    dashboard.set_data(*figures(engine))
    assert dashboard.summary_label.text() == "Overall compliance: +0.50 (75 %) — 1 of 41 pledges assessed"
    model = dashboard.scorecard_model
    column = cell_index(dashboard, "KZ", "TRD").column()
    all_parties = model.index(model.rowCount() - 1, column)
    assert model.data(all_parties) == "+0.50 75%\n(n=2)"
    assert model.data(all_parties, Role.ToolTipRole).endswith("over 2 scores</p>")


def test_clicking_a_scorecard_cell_asks_for_sphere_and_party(qtbot, dashboard, engine):
    index = cell_index(dashboard, "KZ", "TRD")
    sphere_id = dashboard.scorecard_model.sphere(index.column()).id
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        dashboard.scorecard_view.clicked.emit(index)
    assert blocker.args == [{"sphere_id": sphere_id, "party": "KZ"}]


def test_clicking_the_all_row_and_column_leaves_their_key_out(qtbot, dashboard):
    model = dashboard.scorecard_model
    all_parties = model.index(model.rowCount() - 1, 0)
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        dashboard.scorecard_view.clicked.emit(all_parties)
    assert blocker.args == [{"sphere_id": model.sphere(0).id}]
    all_spheres = model.index(1, model.columnCount() - 1)
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        dashboard.scorecard_view.clicked.emit(all_spheres)
    assert blocker.args == [{"party": model.party(1).code}]


def test_mouse_click_on_a_cell_emits_too(qtbot, dashboard):
    dashboard.show()
    qtbot.waitExposed(dashboard)
    index = cell_index(dashboard, "RU", "SCR")
    rect = dashboard.scorecard_view.visualRect(index)
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        qtbot.mouseClick(dashboard.scorecard_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0]["party"] == "RU"


def test_clicking_a_bar_segment_asks_for_sphere_and_status(qtbot, dashboard, engine):
    statuses, _card, _recent = figures(engine)
    bar_sets = series_of(dashboard).barSets()
    in_progress = bar_sets[list(Status).index(Status.in_progress)]
    bottom_sphere = statuses[-1].sphere  # the last sphere in statement order is the bottom bar
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        in_progress.clicked.emit(0)
    assert blocker.args == [{"sphere_id": bottom_sphere.id, "status": "in_progress"}]


def test_empty_states(dashboard):
    assert dashboard.summary_label.text() == EMPTY_SCORES
    assert dashboard.recent_list.count() == 1
    assert dashboard.recent_list.item(0).text() == EMPTY_CHANGES
    model = dashboard.scorecard_model
    assert all(
        model.data(model.index(r, c)) == "—" for r in range(model.rowCount()) for c in range(model.columnCount())
    )


def test_recent_changes_newest_first_and_click_asks_for_the_pledge(qtbot, dashboard, engine):
    score_kz_on_trd3(engine)
    dashboard.set_data(*figures(engine))
    lines = [dashboard.recent_list.item(i).text() for i in range(dashboard.recent_list.count())]
    ana = signed("ana", os_login())  # the name given, and the OS account on a file
    assert lines[0].endswith(f"  TRD-3    assessment  Kazakhstan +1  — {ana}")
    assert lines[1].endswith(f"  TRD-3    status      Not assessed → Fulfilled  — {ana}")
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        dashboard.recent_list.itemClicked.emit(dashboard.recent_list.item(1))
    with db.session_scope(engine) as s:
        pledge_id = services.find_pledge(s, "TRD-3").id
    assert blocker.args == [{"pledge_id": pledge_id, "ref": "TRD-3"}]


def test_user_text_is_not_rendered_as_markup(dashboard, engine):
    with db.session_scope(engine) as s:
        services.add_note(session=s, pledge=services.find_pledge(s, "TRD-3"), text="<b>bold</b> & more", who="<i>x</i>")
    dashboard.set_data(*figures(engine))
    item = dashboard.recent_list.item(0)
    assert item.text().endswith(f"note        <b>bold</b> & more  — {signed('<i>x</i>', os_login())}")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in item.toolTip()
    assert dashboard.summary_label.textFormat() == Qt.TextFormat.PlainText

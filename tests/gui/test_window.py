"""The main window on the seeded database: models, filters, detail, edits with undo, evidence, notes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from casr_tracker import cli, db, services
from casr_tracker.gui.dialogs import LinkDialog, PledgeChooser
from casr_tracker.gui.models import ROW_ROLE
from casr_tracker.gui.qt import QImage, QItemSelectionModel, QMimeData, QPoint, Qt, QTextCursor, QUrl
from casr_tracker.models import Assessment, Event, Evidence, Note, StatusChange
from casr_tracker.queries import pledge_rows
from casr_tracker.scorecard import latest_scores

from ..conftest import SEEDS


def refs(window) -> list[str]:
    return [r.ref for r in window.pledges.table_model.rows()]


def pick(window, ref: str) -> None:
    assert window.pledges.select_ref(ref)
    assert window.detail.detail.pledge.ref == ref


def read(window, fn):
    return window.tracker.read(fn)


def test_models_pass_the_model_tester(win, qtmodeltester):
    win.tabs.setCurrentIndex(1)
    qtmodeltester.check(win.pledges.table_model)
    qtmodeltester.check(win.pledges.tree_model)
    qtmodeltester.check(win.documents.model)


def test_newcomer_sees_nine_spheres_and_every_pledge(win):
    top = win.pledges.tree_model.index(0, 0)
    names = [win.pledges.tree_model.index(r, 0, top).data() for r in range(win.pledges.tree_model.rowCount(top))]
    spheres = [n for n in names if not n.startswith(("Preamble", "Review"))]
    assert len(spheres) == 9 and spheres[2].startswith("Trade and economy (5)")
    expected = read(win, lambda s: [r.ref for r in pledge_rows(s)])
    assert refs(win) == expected and len(expected) > 30
    assert win.pledges.table.isVisible() and win.status_count.text() == f"{len(expected)} pledges shown"


def test_sphere_navigation_and_quick_filters(win, qtbot):
    top = win.pledges.tree_model.index(0, 0)
    migration = next(
        win.pledges.tree_model.index(r, 0, top)
        for r in range(win.pledges.tree_model.rowCount(top))
        if win.pledges.tree_model.index(r, 0, top).data().startswith("Migration")
    )
    win.pledges.tree.setCurrentIndex(migration)
    assert refs(win) == ["MGR-1", "MGR-2"]
    win.pledges.clear_filters()
    win.pledges.party_filter.setCurrentIndex(win.pledges.party_filter.findData("RU"))
    assert "MGR-2" not in refs(win) and "SNT-5" in refs(win)
    win.pledges.party_filter.setCurrentIndex(win.pledges.party_filter.findData("UZ"))
    assert "SNT-5" not in refs(win)
    win.pledges.clear_filters()
    win.pledges.strength_filter.setCurrentIndex(win.pledges.strength_filter.findData("soft"))
    assert all(r.strength == "soft" for r in win.pledges.table_model.rows())
    win.pledges.clear_filters()
    win.pledges.status_filter.setCurrentIndex(win.pledges.status_filter.findData("fulfilled"))
    assert refs(win) == [] and win.pledges.table_stack.currentIndex() == 1  # the empty state
    win.pledges.clear_filters()
    win.pledges.recent.setChecked(True)
    assert refs(win) == []


def test_search_covers_text_notes_and_evidence(win, qtbot):
    with db.session_scope(win.tracker.engine) as s:
        services.add_note(session=s, pledge=services.find_pledge(s, "CLT-5"), text="Festival in Kazan")
    win.pledges.search.setText("kazan")
    qtbot.waitUntil(lambda: refs(win) == ["CLT-5"], timeout=3000)
    win.pledges.search.setText("tuition-free")
    qtbot.waitUntil(lambda: refs(win) == ["SNT-4"], timeout=3000)
    win.pledges.search.setText("no such words at all")
    qtbot.waitUntil(lambda: win.pledges.table_stack.currentIndex() == 1, timeout=3000)


def test_selection_shows_the_pledge_in_its_statement(win):
    pick(win, "SNT-5")
    detail = win.detail
    assert detail.title.text() == "SNT-5 · Sanitary and epidemiological safety"
    assert "binds Russia" in detail.subtitle.text()
    cursor = QTextCursor(detail.context.document())
    context = detail.context.toPlainText()
    assert detail.detail.pledge.text in context
    start = context.index(detail.detail.pledge.text)
    cursor.setPosition(start + 3)
    assert cursor.charFormat().fontWeight() == 700  # the pledge is highlighted
    assert list(detail.score_rows) == [read(win, lambda s: services.find_party(s, "RU").id)]


def test_status_edit_history_and_undo(win, qtbot):
    pick(win, "TRD-3")
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("in_progress"))
    d.status_date.setText("2021-03-01")
    d.status_comment.setText("customs working group met")
    qtbot.mouseClick(d.status_button, Qt.MouseButton.LeftButton)
    row = next(r for r in win.pledges.table_model.rows() if r.ref == "TRD-3")
    assert row.status == "in_progress" and row.last_change == "2021-03-01"
    assert d.status_badge.text() == "In progress"
    assert "Not assessed → In progress: customs working group met" in d.history_list.item(0).text()
    win.undo_stack.undo()
    pledge_id = d.detail.pledge.id
    # the undo retracts the entry (as `casr-tracker undo` does): it stays in the history, struck through
    assert len(read(win, lambda s: s.exec(select_changes(pledge_id)).all())) == 1
    assert [e.kind for e in read(win, lambda s: s.exec(select(Event)).all())][-2:] == ["status", "retraction"]
    entry = next(
        d.history_list.item(i) for i in range(d.history_list.count()) if "customs" in d.history_list.item(i).text()
    )
    assert entry.font().strikeOut() and "undone by tester" in entry.toolTip()
    assert next(r for r in win.pledges.table_model.rows() if r.ref == "TRD-3").status == "not_assessed"
    win.undo_stack.redo()
    assert [e.kind for e in read(win, lambda s: s.exec(select(Event)).all())][-1] == "unretraction"
    assert d.detail.pledge.status == "in_progress"
    entry = next(
        d.history_list.item(i) for i in range(d.history_list.count()) if "customs" in d.history_list.item(i).text()
    )
    assert not entry.font().strikeOut()


def select_changes(pledge_id):
    return select(StatusChange).where(StatusChange.pledge_id == pledge_id).order_by(StatusChange.id)


def test_bad_date_is_shown_inline_and_changes_nothing(win, qtbot):
    pick(win, "TRD-3")
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("fulfilled"))
    d.status_date.setText("31/31/2021")
    qtbot.mouseClick(d.status_button, Qt.MouseButton.LeftButton)
    assert d.status_error.isVisible() and "is not a date" in d.status_error.text()
    assert read(win, lambda s: s.exec(select(StatusChange)).all()) == []


def test_a_status_after_today_is_refused_inline_and_by_the_service(win, qtbot):
    pick(win, "TRD-3")
    d = win.detail
    today, tomorrow = dt.date.today(), dt.date.today() + dt.timedelta(days=1)
    refusal = f"A status of TRD-3 cannot take effect on {tomorrow}, after today ({today}); give today's date"
    d.status_combo.setCurrentIndex(d.status_combo.findData("fulfilled"))
    d.status_date.setText(tomorrow.isoformat())
    qtbot.mouseClick(d.status_button, Qt.MouseButton.LeftButton)
    assert d.status_error.isVisible() and d.status_error.text().startswith(refusal)
    d.status_date.setText("March 2021")
    qtbot.mouseClick(d.status_button, Qt.MouseButton.LeftButton)
    assert d.status_error.text().startswith("'March 2021' names no day; write a full date")
    win.set_status_of([d.detail.pledge.id], "fulfilled", "", tomorrow)  # the bulk path: the service refuses
    assert win.last_message.startswith(refusal)
    assert read(win, lambda s: s.exec(select(StatusChange)).all()) == []


def test_bulk_status_change_is_one_undo_step(win):
    ids = [r.id for r in win.pledges.table_model.rows()[:3]]
    win.set_status_of(ids, "not_started", "baseline")
    assert [r.status for r in win.pledges.table_model.rows()[:3]] == ["not_started"] * 3
    win.undo_stack.undo()
    assert [r.status for r in win.pledges.table_model.rows()[:3]] == ["not_assessed"] * 3
    assert len(read(win, lambda s: s.exec(select(StatusChange)).all())) == 3  # kept, and retracted
    assert [e.kind for e in read(win, lambda s: s.exec(select(Event)).all())][-3:] == ["retraction"] * 3


def test_assessment_grid_scores_and_undo(win, qtbot):
    pick(win, "TRD-3")
    d = win.detail
    kz = read(win, lambda s: services.find_party(s, "KZ").id)
    ru = read(win, lambda s: services.find_party(s, "RU").id)
    combo, reason = d.score_rows[kz]
    combo.setCurrentIndex(combo.findData(1))
    reason.setText("joint ventures registered")
    combo_ru, _ = d.score_rows[ru]
    combo_ru.setCurrentIndex(combo_ru.findData(0))
    qtbot.mouseClick(d.scores_button, Qt.MouseButton.LeftButton)
    scores = read(win, lambda s: latest_scores(s, [d.detail.pledge.id]))
    assert scores[(d.detail.pledge.id, kz)].score == 1 and scores[(d.detail.pledge.id, ru)].score == 0
    assert d.score_summary.text().startswith("Average +0.50 → 75 %")
    win.undo_stack.undo()  # one step for the whole grid
    scores = read(win, lambda s: latest_scores(s, [d.detail.pledge.id]))
    assert (d.detail.pledge.id, kz) not in scores and (d.detail.pledge.id, ru) not in scores  # retracted
    assert len(read(win, lambda s: s.exec(select(Assessment)).all())) == 2  # nothing deleted


def test_attach_selected_passage_as_evidence(win, qtbot):
    docs = win.documents
    docs.show_document(3)
    text = docs.document.text
    start = text.index("expanding trade volumes")
    cursor = QTextCursor(docs.reader.document())
    cursor.setPosition(start - 1)  # a leading space is trimmed
    cursor.setPosition(start + len("expanding trade volumes"), QTextCursor.MoveMode.KeepAnchor)
    docs.reader.setTextCursor(cursor)
    assert docs.attach_button.isEnabled()
    pledge_id = read(win, lambda s: services.find_pledge(s, "TRD-3").id)
    assert docs.attach_selection(pledge_id=pledge_id, stance="supports")
    evidence = read(win, lambda s: s.exec(select(Evidence)).one())
    assert (evidence.start, evidence.end) == (start, start + len("expanding trade volumes"))
    assert evidence.quote == "expanding trade volumes" and evidence.date == dt.date(2023, 11, 20)
    assert next(r for r in win.pledges.table_model.rows() if r.ref == "TRD-3").evidence_count == 1
    assert win.detail.detail.pledge.ref == "TRD-3" and win.detail.evidence.evidence_list.count() == 1
    win.detail.evidence.open_evidence(win.detail.evidence.evidence_list.item(0))  # opens the document at the excerpt
    assert win.tabs.currentIndex() == 1 and docs.reader.textCursor().selectedText() == "expanding trade volumes"
    win.undo_stack.undo()
    assert read(win, lambda s: s.exec(select(Evidence)).one()).withdrawn_at is not None
    assert next(r for r in win.pledges.table_model.rows() if r.ref == "TRD-3").evidence_count == 0


def test_pledge_chooser_narrows_as_you_type(qtbot, session):
    from casr_tracker.queries import pledges_to_choose

    chooser = PledgeChooser(lambda text: pledges_to_choose(session, text), "Russia will also increase scholarships")
    qtbot.addWidget(chooser)
    assert chooser.list.count() == 41
    chooser.search.setText("tuition scholarships")
    assert chooser.list.currentItem().text().startswith("SNT-4")
    chooser.search.setText("trd-3")
    assert [chooser.list.item(i).text()[:5] for i in range(chooser.list.count())] == ["TRD-3"]
    chooser.search.setText("zzzz")
    assert chooser.chosen() is None
    chooser._accept()
    assert chooser.error.isVisibleTo(chooser) and "Choose the pledge" in chooser.error.text()


def test_link_dialog_refuses_javascript(qtbot):
    dialog = LinkDialog()
    qtbot.addWidget(dialog)
    dialog.url.setText("javascript:alert(1)")
    dialog._accept()
    assert dialog.values == {} and "not an http, https or file link" in dialog.error.text()
    dialog.url.setText("https://example.org/a")
    dialog._accept()
    assert dialog.values["url"] == "https://example.org/a"


def test_notes_survive_closing_and_reopening(open_win, qtbot):
    window = open_win()
    pick(window, "ENV-3")
    window.detail.note_edit.setPlainText("Aral Sea experts met in Nukus")
    qtbot.waitUntil(lambda: window.detail.note_state.text() == "Saved.", timeout=5000)
    window.detail.note_edit.setPlainText("Aral Sea experts met in Nukus, May 2021")
    window.close()  # saves the pending edit
    notes = window.tracker.read(lambda s: s.exec(select(Note)).all())
    assert [n.text for n in notes] == ["Aral Sea experts met in Nukus, May 2021"]
    again = open_win()
    assert again.detail.detail.pledge.ref == "ENV-3"  # the last selection is remembered
    assert again.detail.note_edit.toPlainText() == "Aral Sea experts met in Nukus, May 2021"
    assert next(r for r in again.pledges.table_model.rows() if r.ref == "ENV-3").notes_count == 1


def test_window_state_is_remembered(open_win):
    window = open_win()
    window.main_splitter.setSizes([350, 1100])
    window.tabs.setCurrentIndex(2)
    window.close()
    again = open_win()
    assert again.tabs.currentIndex() == 2
    assert abs(again.main_splitter.sizes()[0] - 350) < 20


def test_dropping_a_file_imports_it(win, qtbot, tmp_path):
    path = tmp_path / "news.txt"
    path.write_text(
        "Uzbekistan and Russia open labour migrant centre\nBy A. Writer March 3, 2021\nText.\n", encoding="utf-8"
    )
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    from casr_tracker.gui.qt import QDropEvent

    event = QDropEvent(
        QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    win.dropEvent(event)
    qtbot.waitUntil(lambda: win.documents.model.rowCount() == 5, timeout=10000)
    assert win.tabs.currentIndex() == 1


def test_dashboard_click_filters_the_table(win):
    sphere_id = next(r.sphere_id for r in win.pledges.table_model.rows() if r.ref == "TRD-1")
    win.dashboard.filter_requested.emit({"sphere_id": sphere_id, "party": "KZ"})
    assert refs(win) == ["TRD-1", "TRD-2", "TRD-3", "TRD-4", "TRD-5"]
    assert win.pledges.party_filter.currentData() == "KZ" and win.tabs.currentIndex() == 0
    win.dashboard.filter_requested.emit({"ref": "SNT-5"})
    assert win.detail.detail.pledge.ref == "SNT-5"


def test_a_mistake_becomes_a_message_not_a_traceback(win):
    pick(win, "SNT-5")
    kz = read(win, lambda s: services.find_party(s, "KZ"))
    from casr_tracker.gui.undo import AssessCommand, push

    assert not push(win.undo_stack, AssessCommand(win.tracker, win.detail.detail.pledge.id, kz.id, "KZ", 1))
    assert win.last_message == "SNT-5 binds Russia, not Kazakhstan."
    assert read(win, lambda s: s.exec(select(Assessment)).all()) == []


@pytest.mark.parametrize("ref", ["TRD-3", "REV-2"])
def test_screenshot_option(tmp_path, db_url, ref, qapp):
    out = tmp_path / "window.png"
    assert cli.main(["--db", db_url, "gui", "--screenshot", str(out), "--select", ref]) == 0
    image = QImage(str(out))
    assert image.width() >= 1280 and image.height() >= 800


def test_screenshot_of_an_unknown_ref_is_an_error(tmp_path, db_url, capsys, qapp):
    assert cli.main(["--db", db_url, "gui", "--screenshot", str(tmp_path / "x.png"), "--select", "XYZ-1"]) == 2
    assert "There is no pledge 'XYZ-1'" in capsys.readouterr().err


def test_seed_documents_are_in_the_library(win):
    assert win.documents.model.rowCount() == 0  # the library is read when its tab is first shown
    win.tabs.setCurrentIndex(1)
    titles = [win.documents.model.index(r, 0).data() for r in range(win.documents.model.rowCount())]
    assert len(titles) == 4 and SEEDS.exists()
    assert win.documents.model.index(0, 0).data(ROW_ROLE)["date"] == "2020-10-30"


def test_without_a_display_the_window_says_so(monkeypatch):
    import sys as _sys

    from casr_tracker.errors import CasrError
    from casr_tracker.gui.app import check_display

    if not _sys.platform.startswith("linux"):
        pytest.skip("display variables are a Linux matter")
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CasrError, match="no display"):
        check_display(False)
    check_display(True)
    assert __import__("os").environ["QT_QPA_PLATFORM"] == "offscreen"


def test_the_installed_pyside_keeps_none_alive(qapp):
    """PySide6 6.12.0 dropped a reference to None on every void call, which aborts Python 3.11 after a
    few thousand calls; whatever version is installed must not."""
    import sys as _sys

    from casr_tracker.gui.qt import QLabel

    label = QLabel()
    before = _sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    assert _sys.getrefcount(None) >= before - 50


def test_a_statement_can_be_imported_from_the_window(qtbot, tmp_path):
    from casr_tracker.gui.app import open_window
    from casr_tracker.gui.qt import QApplication, QDialogButtonBox, QSettings

    from ..conftest import STATEMENT
    from .person import Dialogs, choose_file, click, press

    window = open_window(
        f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        seed=False,
        settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_loaded, timeout=20000)
    assert window.pledges.table_stack.currentIndex() == 1 and "Import statement" in window.pledges.empty.text()

    def confirm(dialog):
        assert len(dialog.proposal.pledges) == 41
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))

    dialogs = (
        Dialogs(qtbot)
        .expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, STATEMENT))
        .expect("ImportPreview", confirm)
    )
    press(qtbot, window, "Ctrl+Shift+O")
    dialogs.done()
    qtbot.waitUntil(lambda: window.pledges.table_model.total == 41, timeout=20000)
    assert "Imported statement 1" in window.last_import
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    dialogs = Dialogs(qtbot).expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, binary))
    window.activateWindow()  # back from the preview
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    press(qtbot, window, "Ctrl+Shift+O")
    dialogs.done()
    qtbot.waitUntil(lambda: "binary" in window.last_message, timeout=10000)
    window.tracker.engine.dispose()


def test_sorting_is_done_by_the_database(win):
    from casr_tracker.gui.qt import Qt as _Qt

    header = win.pledges.table.horizontalHeader()
    win.set_status_of([next(r.id for r in win.pledges.table_model.rows() if r.ref == "MGR-1")], "abandoned")
    header.setSortIndicator(5, _Qt.SortOrder.DescendingOrder)  # Status, last in the lifecycle first
    assert refs(win)[0] == "MGR-1"
    header.setSortIndicator(0, _Qt.SortOrder.AscendingOrder)
    assert refs(win)[:2] == ["GEN-1", "PLT-1"]
    header.setSortIndicator(0, _Qt.SortOrder.DescendingOrder)
    assert refs(win)[0] == "REV-2"


def test_the_table_reads_only_the_rows_it_paints(win, qtbot, monkeypatch):
    monkeypatch.setattr(type(win.pledges.table_model), "BLOCK", 5)
    win.resize(1200, 700)
    win.pledges.search.setText("the")
    expected = read(win, lambda s: [r.ref for r in pledge_rows(s, search="the")])
    qtbot.waitUntil(lambda: win.pledges.table_model.total == len(expected), timeout=3000)
    assert win.pledges.table_model.total > 20
    win.grab()
    painted = win.pledges.table_model.rows_read
    assert 0 < painted < len(expected)
    last = expected[-1]
    assert win.pledges.select_ref(last)  # a row not read yet is found, read and selected
    assert win.detail.detail.pledge.ref == last
    assert win.pledges.table_model.rows_read < len(expected)
    assert refs(win) == expected  # and every row reads in list order
    win.pledges.search.clear()
    win.pledges.reload_pledges()
    win.pledges.table.selectAll()
    everything = read(win, lambda s: [r.id for r in pledge_rows(s)])
    assert win.pledges.selected_ids() == everything  # known without reading the rows
    assert win.pledges.table_model.rows_read <= 2 * type(win.pledges.table_model).BLOCK < len(everything)


def test_all_statements_lists_and_searches_every_statement(win, qtbot):
    from casr_tracker.importer import pipeline

    from ..conftest import DATA

    assert not win.pledges.everywhere.isVisible()  # one statement: nothing to choose
    second = (DATA / "second_statement.txt").read_text(encoding="utf-8")
    with db.session_scope(win.tracker.engine) as s:
        pipeline.import_statement(s, second, title="Second statement")
    win.load_all()
    assert win.pledges.everywhere.isVisible()
    win.pledges.search.setText("water")
    qtbot.waitUntil(lambda: not win.pledges.search_timer.isActive(), timeout=3000)
    here = refs(win)
    win.pledges.everywhere.setChecked(True)
    rows = win.pledges.table_model.rows()
    expected = read(win, lambda s: [(r.statement, r.ref) for r in pledge_rows(s, search="water")])
    assert [(r.statement, r.ref) for r in rows] == expected
    assert len({r.statement for r in rows}) == 2 and len(rows) > len(here)
    assert win.status_count.text() == f"{len(rows)} pledges shown from all statements"
    shown = win.pledges.table_model.index(len(rows) - 1, 0).data()
    assert shown == f"{rows[-1].statement}/{rows[-1].ref}"  # refs repeat across statements
    assert win.pledges.select_pledge(rows[-1].id)
    assert win.detail.detail.statement.title == "Second statement"
    win.pledges.everywhere.setChecked(False)
    assert refs(win) == here


def test_the_score_grid_shows_only_the_parties_of_the_pledge_shown(win):
    from casr_tracker.gui.qt import QApplication, QComboBox

    def visible_combos():
        QApplication.processEvents()  # new widgets show on the next turn of the loop
        return [c for c in win.detail.scores_box.findChildren(QComboBox) if c.isVisible()]

    pick(win, "TRD-3")
    assert len(visible_combos()) == len(win.detail.detail.parties) == 6
    pick(win, "SNT-5")  # binds Russia alone
    assert len(visible_combos()) == len(win.detail.detail.parties) == 1
    assert win.detail.score_summary.isVisible()


def test_rows_that_cannot_be_read_stay_blank_and_the_status_bar_says_why(win, tmp_path):
    path = win.tracker.engine.url.database
    win.pledges.reload_pledges()
    win.tracker.engine.dispose()
    moved = tmp_path / "moved.sqlite3"
    import os

    os.replace(path, moved)
    os.makedirs(path)  # the tracker's path is now a folder: nothing can be read
    try:
        assert win.pledges.table_model.row_at(0) is None
        assert "could not be read" in win.statusBar().currentMessage()
    finally:
        os.rmdir(path)
        os.replace(moved, path)
    assert win.pledges.table_model.row_at(0) is not None  # and read when the database answers again


def test_a_reload_keeps_the_selection_in_id_and_search_lists(win, qtbot):
    for text in ("", "the"):
        win.pledges.search.setText(text)
        win.pledges.reload_pledges()
        ids = win.pledges.table_model.pledge_ids_at([0, 1, 2, 5, 6])
        win.pledges.table.clearSelection()
        for position in (0, 1, 2, 5, 6):
            win.pledges.table.selectionModel().select(
                win.pledges.table_model.index(position, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
        win.pledges.reload_pledges()
        assert win.pledges.selected_ids() == ids

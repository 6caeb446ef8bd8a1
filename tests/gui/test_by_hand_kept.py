"""A third walkthrough, by hand as in test_by_hand: what is typed stays with the pledge and the dialog it
was typed in, the mouse wheel scrolls the detail instead of changing scores, a retraction reads clearly,
and Ctrl+Z says what it undid."""

from __future__ import annotations

import datetime as dt

from casr_tracker import corrections, db, services
from casr_tracker.gui.qt import QPalette, Qt
from casr_tracker.models import Assessment, StatusChange

from .person import Dialogs, click, click_row, ok_button, press, turn_wheel, type_into
from .test_by_hand import click_ref, open_document_titled, rows_in_db

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


def history_lines(detail) -> list:
    return [detail.history_list.item(i) for i in range(detail.history_list.count())]


def _record(qtbot, win, ref: str, status: str) -> None:
    click_ref(qtbot, win, ref)
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData(status))
    click(qtbot, d.status_button)


def _retract_first_entry(qtbot, win, handler) -> None:
    d = win.detail
    click_row(qtbot, d.history_list, 0)
    dialogs = Dialogs(qtbot).expect("RetractDialog", handler)
    click(qtbot, d.retract_button)
    dialogs.done()


# --- 1. typed status input belongs to the pledge it was typed for ---------------------------------


def test_a_typed_comment_and_date_do_not_follow_to_the_next_pledge(win, qtbot):
    d = win.detail
    click_ref(qtbot, win, "TRD-4")
    type_into(qtbot, d.status_comment, "comment for TRD-4")
    type_into(qtbot, d.status_date, "2021-03-01")
    click_ref(qtbot, win, "TRD-5")
    assert d.status_comment.text() == "" and d.status_date.text() == ""

    type_into(qtbot, d.status_date, TOMORROW)  # refused: the sentence shows under the fields
    press(qtbot, win, "Ctrl+Return")
    assert d.status_error.isVisible() and "after today" in d.status_error.text()
    click_ref(qtbot, win, "TRD-1")
    assert d.status_date.text() == "" and d.status_comment.text() == "" and not d.status_error.isVisible()

    type_into(qtbot, d.status_comment, "still typing")  # the same pledge read again keeps what is typed
    press(qtbot, win, "F5")
    assert d.title.text().startswith("TRD-1 ·") and d.status_comment.text() == "still typing"
    assert rows_in_db(win, StatusChange) == []


# --- 2. the wheel scrolls the detail; it turns a score only once the score has the focus -----------


def test_the_wheel_over_a_score_scrolls_the_detail_and_leaves_the_score(win, qtbot):
    click_ref(qtbot, win, "TRD-3")
    d = win.detail
    win.pledges_splitter.setSizes([1100, 400])
    d.resize(d.width(), 320)
    qtbot.wait(50)
    combo, _reason = next(iter(d.score_rows.values()))
    d.scroll.ensureWidgetVisible(combo)
    bar = d.scroll.verticalScrollBar()
    before = (combo.currentText(), d.status_combo.currentText(), bar.value())
    assert not combo.hasFocus() and bar.maximum() > bar.value()

    turn_wheel(combo)
    turn_wheel(d.status_combo)
    assert (combo.currentText(), d.status_combo.currentText()) == before[:2] == ("Not scored", "Not assessed")
    assert bar.value() != before[2]  # the panel scrolled instead
    click(qtbot, d.scores_button)
    assert d.score_summary.text() == "No score changed." and rows_in_db(win, Assessment) == []

    win.activateWindow()
    combo.setFocus()  # tabbed into: now the wheel is the user's way to choose
    qtbot.waitUntil(combo.hasFocus, timeout=3000)
    turn_wheel(combo)
    assert combo.currentText() != "Not scored"


# --- 3. a refused dialog stays open with what was typed --------------------------------------------


def test_a_document_dated_after_today_is_refused_in_the_dialog_and_the_edits_kept(win, qtbot):
    docs = open_document_titled(qtbot, win, "Kazakh media")
    seen = []

    def edit(dialog):
        type_into(qtbot, dialog.title, "Kazakh media on the WHO, retitled")
        type_into(qtbot, dialog.author, "A. Correspondent")
        type_into(qtbot, dialog.date, TOMORROW)
        click(qtbot, ok_button(dialog))
        seen.append((dialog.isVisible(), dialog.error.text(), dialog.title.text(), dialog.author.text()))
        type_into(qtbot, dialog.date, "2020-11-25")
        click(qtbot, ok_button(dialog))

    dialogs = Dialogs(qtbot).expect("DocumentDialog", edit)  # and no message box after it
    click(qtbot, docs.edit_button)
    dialogs.done()
    visible, error, title, author = seen[0]
    assert visible and "after today" in error
    assert (title, author) == ("Kazakh media on the WHO, retitled", "A. Correspondent")
    assert docs.header.text() == "Kazakh media on the WHO, retitled"
    assert docs.meta.text().startswith("2020-11-25 · A. Correspondent")
    assert win.undo_stack.count() == 1


def test_a_retraction_with_no_reason_is_refused_in_the_dialog(win, qtbot):
    _record(qtbot, win, "TRD-3", "fulfilled")
    d = win.detail
    seen = []

    def because(dialog):
        click(qtbot, ok_button(dialog))  # no reason given
        seen.append((dialog.isVisible(), dialog.error.text()))
        type_into(qtbot, dialog.reason, "entered for the wrong pledge")
        click(qtbot, ok_button(dialog))

    _retract_first_entry(qtbot, win, because)
    visible, error = seen[0]
    assert visible and "Say why" in error
    assert d.status_badge.text() == "Not assessed"


def test_evidence_redated_after_today_is_refused_in_the_dialog_and_the_stance_kept(win, qtbot):
    with db.session_scope(win.tracker.engine) as s:
        services.attach_evidence(session=s, pledge=services.find_pledge(s, "SNT-8"), url="https://example.org/who")
    press(qtbot, win, "F5")
    click_ref(qtbot, win, "SNT-8")
    d = win.detail
    seen = []

    def redate(dialog):
        dialog.stance.setCurrentIndex(dialog.stance.findData("context"))
        type_into(qtbot, dialog.date, "32 November 2020")  # not a date: refused before the tracker is asked
        click(qtbot, ok_button(dialog))
        seen.append((dialog.isVisible(), dialog.error.text()))
        type_into(qtbot, dialog.date, TOMORROW)  # a date, but after today: refused by the tracker
        click(qtbot, ok_button(dialog))
        seen.append((dialog.isVisible(), dialog.error.text(), dialog.stance.currentData(), dialog.date.text()))
        type_into(qtbot, dialog.date, "2020-11-25")
        click(qtbot, ok_button(dialog))

    dialogs = Dialogs(qtbot).expect("EvidenceDialog", redate)
    click(qtbot, d.evidence.edit_evidence_button)
    dialogs.done()
    assert seen[0][0] and "not a date" in seen[0][1]
    assert seen[1] == (True, seen[1][1], "context", TOMORROW) and "after today" in seen[1][1]
    assert d.evidence.evidence_list.item(0).text().startswith("[context] 2020-11-25")


# --- 4. a retracted entry is struck through; who retracted it and why are not --------------------


def test_a_retracted_entry_is_struck_and_the_retraction_readable_under_it(win, qtbot):
    _record(qtbot, win, "TRD-3", "fulfilled")
    d = win.detail
    entry_id = d.history_list.item(0).data(Qt.ItemDataRole.UserRole).id
    with db.session_scope(win.tracker.engine) as s:  # retracted in this window or another: read the same
        corrections.retract(session=s, entry_id=entry_id, reason="entered for the wrong pledge", who="tester")
    press(qtbot, win, "F5")
    lines = history_lines(d)
    struck = [i for i, line in enumerate(lines) if line.font().strikeOut()]
    assert len(struck) == 1
    entry = lines[struck[0]]
    assert "Not assessed → Fulfilled" in entry.text()
    assert "wrong pledge" not in entry.text() and "retracted" not in entry.text().lower()  # nothing of it struck
    assert struck[0] + 1 < len(lines), "a line under the entry says who retracted it and why"
    under = lines[struck[0] + 1]
    assert not under.font().strikeOut()
    assert "by tester" in under.text() and "entered for the wrong pledge" in under.text()
    assert f"Retracted {dt.date.today()}" in under.text()
    assert under.foreground().color() != d.history_list.palette().color(QPalette.ColorRole.Text)  # grey
    assert d.history_list.visualItemRect(under).isValid()


# --- 5. Ctrl+Z and Ctrl+Shift+Z say what they did --------------------------------------------------


def test_undo_and_redo_say_in_the_status_bar_what_they_did(win, qtbot):
    _record(qtbot, win, "TRD-1", "in_progress")
    bar = win.statusBar()
    press(qtbot, win, "Ctrl+Z")
    assert win.detail.status_badge.text() == "Not assessed"
    assert bar.currentMessage() == "Undone: Set TRD-1 to in progress"
    press(qtbot, win, "Ctrl+Shift+Z")
    assert win.detail.status_badge.text() == "In progress"
    assert bar.currentMessage() == "Redone: Set TRD-1 to in progress"

    press(qtbot, win, "Ctrl+Z")
    _record(qtbot, win, "TRD-1", "stalled")  # a new change in place of the undone one: not a redo
    assert "stalled" not in bar.currentMessage()

    d = win.detail
    combo, reason = next(iter(d.score_rows.values()))
    combo.setCurrentIndex(combo.findData(1))
    click(qtbot, d.scores_button)
    press(qtbot, win, "Ctrl+Z")
    assert bar.currentMessage() == "Undone: Score TRD-1"


def test_keywords_are_typed_saved_with_return_and_undone(win, qtbot):
    from casr_tracker import services

    click_ref(qtbot, win, "ENR-1")
    box = win.detail.evidence
    type_into(qtbot, box.keywords, "Gazprom, CAC pipeline")
    press(qtbot, box.keywords, "Return")
    stored = win.tracker.read(lambda s: services.find_pledge(s, "ENR-1").keywords)
    assert stored == "Gazprom, CAC pipeline" and box.keywords.text() == stored
    assert win.undo_stack.undoText() == "Set keywords of ENR-1"
    click_ref(qtbot, win, "ENR-1")  # out of the text box (whose own Ctrl+Z undoes typing)
    press(qtbot, win, "Ctrl+Z")
    assert win.tracker.read(lambda s: services.find_pledge(s, "ENR-1").keywords) == ""
    assert box.keywords.text() == ""


def test_keywords_typed_go_with_their_pledge_when_another_is_chosen(win, qtbot):
    from casr_tracker import services

    click_ref(qtbot, win, "ENR-2")
    type_into(qtbot, win.detail.evidence.keywords, "Kambarata HPP-1")
    click_ref(qtbot, win, "ENR-1")  # no Return pressed: saved all the same, as a note is
    assert win.tracker.read(lambda s: services.find_pledge(s, "ENR-2").keywords) == "Kambarata HPP-1"
    assert win.detail.evidence.keywords.text() == ""
    assert win.statusBar().currentMessage() == "Keywords of ENR-2 saved; the suggestions use them."

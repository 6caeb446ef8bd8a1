"""The import preview, as an analyst uses it: File → Import statement…, check what was read (only the
unsure pledges shown first), untick a sentence that is no pledge, change a strength, name the
signatories, add a missed sentence, then Import; or Cancel, and nothing is saved."""

from __future__ import annotations

import json

from sqlmodel import select

from casr_tracker.gui.qt import QApplication, QDialogButtonBox, QInputDialog, QPoint, Qt, QTimer
from casr_tracker.models import Event, Party, Pledge, Statement

from ..conftest import DATA
from .person import LEFT, Dialogs, choose_file, click, click_row, press, type_into

C5 = DATA / "statements" / "2023-09-21-c5plus1-new-york-declaration.txt"


def _button(dialog, text: str):
    box = dialog.findChild(QDialogButtonBox)
    return next(b for b in box.buttons() if b.text() == text)


def _visible_rows(dialog) -> list[int]:
    return [row for row in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(row)]


def _untick(qtbot, dialog, row: int) -> None:
    """Click the Keep box of a row where it is drawn: at the left of its cell."""
    table = dialog.table
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(
        table.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, rect.topLeft() + QPoint(10, rect.height() // 2)
    )


def answer_nested(handler) -> None:
    """Answer the next dialog that a dialog's button opens (a handler of Dialogs runs in its timer, which
    does not fire again while the nested dialog waits): the first modal one other than the preview."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QInputDialog):
            handler(box)
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)


def _statements(win):
    return win.tracker.read(lambda s: list(s.exec(select(Statement).order_by(Statement.id))))


def test_the_analyst_confirms_and_corrects_what_was_read(open_win, qtbot, tmp_path):
    win = open_win()
    seen: dict = {}

    def check_and_correct(dialog):
        seen["title"] = dialog.title.text()
        seen["signatories"] = dialog.parties.text()
        assert dialog.only_unsure.isChecked()
        unsure = [p for p in dialog.proposal.pledges if not p["sure"]]
        missed = dialog.proposal.missed  # sentences not taken, last, to tick
        assert unsure and missed and len(_visible_rows(dialog)) == len(unsure) + len(missed)
        assert "to look at" in dialog.summary.text()
        click(qtbot, dialog.only_unsure)  # now every pledge
        assert len(_visible_rows(dialog)) == len(dialog.proposal.pledges) + len(missed)
        seen["total"] = len(dialog.proposal.pledges)
        # the last row is a sentence the importer did not take; the analyst ticks it
        last = dialog.table.rowCount() - 1
        seen["ticked"] = dialog.entries[dialog.table.item(last, 0).data(Qt.ItemDataRole.UserRole)]["text"]
        assert dialog.table.item(last, 0).checkState() == Qt.CheckState.Unchecked
        _untick(qtbot, dialog, last)  # a click on its box ticks it
        # the first row is no pledge, says the analyst: untick it
        first = dialog.proposal.pledges[dialog.table.item(0, 0).data(Qt.ItemDataRole.UserRole)]
        seen["dropped"] = first["text"]
        click_row(qtbot, dialog.table, 0)
        _untick(qtbot, dialog, 0)
        assert dialog.table.item(0, 0).checkState() == Qt.CheckState.Unchecked
        # the second is only soft
        second = dialog.proposal.pledges[dialog.table.item(1, 0).data(Qt.ItemDataRole.UserRole)]
        seen["softened"] = second["text"]
        combo = dialog.table.cellWidget(1, 3)
        combo.setFocus()
        target = "soft" if second["strength"] == "firm" else "firm"
        seen["strength"] = target
        qtbot.keyClicks(combo, target)
        assert combo.currentText() == target
        click(qtbot, _button(dialog, "Import"))

    dialogs = (
        Dialogs(qtbot)
        .expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, C5))
        .expect("ImportPreview", check_and_correct)
    )
    press(qtbot, win, "Ctrl+Shift+O")
    dialogs.done()
    assert seen["title"].startswith("C5+1 Leaders")
    assert "United States" in seen["signatories"] and "Kazakhstan" in seen["signatories"]
    qtbot.waitUntil(lambda: len(_statements(win)) == 2, timeout=20000)
    qtbot.waitUntil(lambda: "Imported statement 2" in win.statusBar().currentMessage(), timeout=20000)
    statement = _statements(win)[1]
    assert statement.title.startswith("C5+1 Leaders") and statement.date.isoformat() == "2023-09-21"
    pledges = win.tracker.read(
        lambda s: list(s.exec(select(Pledge).where(Pledge.statement_id == statement.id, Pledge.retired == False)))  # noqa: E712
    )
    texts = {p.text: p for p in pledges}
    assert len(pledges) == seen["total"] and seen["dropped"] not in texts and seen["ticked"] in texts
    assert texts[seen["softened"]].strength == seen["strength"]
    # the list shows the new statement, every pledge of it
    qtbot.waitUntil(lambda: win.pledges.table_model.total == len(pledges), timeout=10000)
    # the corrections are recorded, and a re-import of the text keeps them
    edits = win.tracker.read(
        lambda s: [json.loads(e.data) for e in s.exec(select(Event).where(Event.kind == "import_edit"))]
    )
    assert sorted(e["edit"] for e in edits) == ["add", "drop", "strength"]
    from casr_tracker.importer import pipeline

    edited = C5.read_text(encoding="utf-8").replace("This week, we", "This very week, we")
    report = win.tracker.write(lambda s: pipeline.import_statement(s, edited))
    assert report.statement_id == statement.id and not report.new
    again = win.tracker.read(
        lambda s: {
            p.text: p.strength
            for p in s.exec(select(Pledge).where(Pledge.statement_id == statement.id, Pledge.retired == False))  # noqa: E712
        }
    )
    assert seen["dropped"] not in again and again[seen["softened"]] == seen["strength"]


def test_signatories_typed_by_the_analyst_bind_the_pledges(open_win, qtbot):
    win = open_win()
    seen: dict = {}

    def name_them(dialog):
        type_into(qtbot, dialog.parties, "Kazakhstan, US")
        click(qtbot, dialog.reread)
        seen["parties"] = {tuple(p["parties"]) for p in dialog.proposal.pledges}
        seen["note"] = dialog.parties_note.text()
        click(qtbot, _button(dialog, "Import"))

    dialogs = (
        Dialogs(qtbot)
        .expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, C5))
        .expect("ImportPreview", name_them)
    )
    press(qtbot, win, "Ctrl+Shift+O")
    dialogs.done()
    assert seen["parties"] <= {("KZ", "US"), ("US",), ("KZ",)} and ("KZ", "US") in seen["parties"]
    assert seen["note"] == "As you named them."
    qtbot.waitUntil(lambda: len(_statements(win)) == 2, timeout=20000)
    codes = win.tracker.read(lambda s: sorted(p.code for p in s.exec(select(Party))))
    assert "US" in codes


def test_a_missed_sentence_is_added_and_a_wrong_name_is_said(open_win, qtbot):
    win = open_win()
    seen: dict = {}
    missed = "Collectively, we embrace the C5+1 goal of seeking\nregional solutions to global challenges."

    def add(dialog):
        click(qtbot, dialog.only_unsure)
        untick = dialog.proposal.pledges[dialog.table.item(0, 0).data(Qt.ItemDataRole.UserRole)]["text"]
        _untick(qtbot, dialog, 0)
        answer_nested(lambda box: (box.setTextValue(missed), box.accept()))
        click(qtbot, dialog.add_button)
        seen["added"] = any(p["text"] == missed for p in dialog.proposal.pledges)
        row = next(
            r
            for r in range(dialog.table.rowCount())
            if dialog.proposal.pledges[dialog.table.item(r, 0).data(Qt.ItemDataRole.UserRole)]["text"] == untick
        )
        seen["still unticked"] = dialog.table.item(row, 0).checkState() == Qt.CheckState.Unchecked
        # a wrong name typed in a row, then Return: the preview stays, and Import says what is wrong
        cell = dialog.table.cellWidget(row + 1 if row + 1 < dialog.table.rowCount() else 0, 4)
        type_into(qtbot, cell, "Narnia")
        qtbot.keyClick(cell, Qt.Key.Key_Return)
        seen["open after Return"] = dialog.isVisible()
        click(qtbot, _button(dialog, "Import"))
        seen["row error"] = dialog.error.text()
        seen["open after Import"] = dialog.isVisible()
        type_into(qtbot, dialog.parties, "Narnia")
        click(qtbot, dialog.reread)
        seen["error"] = dialog.error.text() if dialog.error.isVisible() else ""
        click(qtbot, _button(dialog, "Cancel"))

    dialogs = (
        Dialogs(qtbot).expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, C5)).expect("ImportPreview", add)
    )
    press(qtbot, win, "Ctrl+Shift+O")
    dialogs.done()
    assert seen["added"] and seen["still unticked"]
    assert seen["open after Return"] and seen["open after Import"]
    assert seen["row error"].startswith("Unknown party 'Narnia'")
    assert seen["error"].startswith("Unknown party 'Narnia'")
    assert win.statusBar().currentMessage() == "Import cancelled; nothing was saved."
    assert len(_statements(win)) == 1  # the seed statement only


def test_a_statement_in_a_web_page_file_is_read_like_a_document(open_win, qtbot, tmp_path):
    win = open_win()
    page = tmp_path / "statement.html"
    body = "".join(f"<p>{line}</p>" for line in C5.read_text(encoding="utf-8").split("\n\n")[2:])
    page.write_text(
        f"<html><head><title>C5+1 Leaders’ Joint Statement</title></head><body><article><h1>C5+1 Leaders’ Joint Statement</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    seen = {}

    def look(dialog):
        seen["n"] = len(dialog.proposal.pledges)
        seen["title"] = dialog.title.text()
        click(qtbot, _button(dialog, "Cancel"))

    dialogs = (
        Dialogs(qtbot)
        .expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, page))
        .expect("ImportPreview", look)
    )
    press(qtbot, win, "Ctrl+Shift+O")
    dialogs.done()
    assert seen["n"] >= 20 and seen["title"].startswith("C5+1 Leaders")


def test_after_import_the_reading_of_a_pledge_is_corrected_from_the_menu(win, qtbot):
    from casr_tracker.gui.qt import QComboBox

    from .test_by_hand import click_ref

    click_ref(qtbot, win, "TRD-3")
    before = win.tracker.read(lambda s: s.exec(select(Pledge).where(Pledge.ref == "TRD-3")).one().strength)

    def soften(dialog):
        assert dialog.windowTitle() == "Correct how TRD-3 was read"
        choice = dialog.choice
        choice.setFocus()
        choice.setCurrentIndex(choice.findData("strength"))  # as chosen from the list
        assert dialog.strength.isVisible() and not dialog.parties.isVisible()
        assert isinstance(dialog.strength, QComboBox)
        click(qtbot, _button(dialog, "OK"))

    dialogs = Dialogs(qtbot).expect("ReadingDialog", soften)
    press(qtbot, win, "Ctrl+Shift+K")
    dialogs.done()
    after = win.tracker.read(lambda s: s.exec(select(Pledge).where(Pledge.ref == "TRD-3")).one().strength)
    assert after != before
    assert "Corrected how TRD-3 was read" in win.statusBar().currentMessage()
    qtbot.waitUntil(
        lambda: any(r.ref == "TRD-3" and r.strength == after for r in win.pledges.table_model.rows()), timeout=5000
    )


def test_the_dashboard_lists_the_recent_changes_of_the_statement_shown(win, qtbot):
    from casr_tracker.importer import pipeline

    from .test_by_hand import click_ref

    report = win.tracker.write(lambda s: pipeline.import_statement(s, C5.read_text(encoding="utf-8")))
    other = win.tracker.write(
        lambda s: (
            s.exec(select(Pledge).where(Pledge.statement_id == report.statement_id).order_by(Pledge.seq)).first().ref
        )
    )
    from casr_tracker import cli

    assert (
        cli.main(["--db", str(win.tracker.engine.url), "status", f"{report.statement_id}/{other}", "in_progress"]) == 0
    )
    click_ref(qtbot, win, "TRD-3")
    win.set_status_of([next(r.id for r in win.pledges.table_model.rows() if r.ref == "TRD-3")], "in_progress")
    press(qtbot, win, "Ctrl+3")
    qtbot.waitUntil(lambda: win.dashboard.recent_list.count() > 0, timeout=5000)
    lines = [win.dashboard.recent_list.item(i).text() for i in range(win.dashboard.recent_list.count())]
    assert any("TRD-3" in line for line in lines)
    assert not any(other in line for line in lines)  # the other statement's change is not this one's


def test_split_and_merge_in_the_preview(open_win, qtbot):
    win = open_win()
    seen: dict = {}

    def split_then_merge(dialog):
        click(qtbot, dialog.only_unsure)  # every pledge
        click(qtbot, dialog.split_button)  # nothing selected yet: said, nothing done
        seen["asked"] = dialog.error.text()
        row = next(
            r
            for r in range(dialog.table.rowCount())
            if ", and " in dialog.entries[dialog.table.item(r, 0).data(Qt.ItemDataRole.UserRole)]["text"]
        )
        text = dialog.entries[dialog.table.item(row, 0).data(Qt.ItemDataRole.UserRole)]["text"]
        second = text.split(", and ", 1)[1]
        before = len(dialog.proposal.pledges)
        click_row(qtbot, dialog.table, row)
        answer_nested(lambda box: (box.setTextValue(second), box.accept()))
        click(qtbot, dialog.split_button)
        texts = [p["text"] for p in dialog.proposal.pledges]
        seen["split"] = len(texts) == before + 1 and any(t.startswith(" ".join(second.split()[:3])) for t in texts)
        # merge the two halves back: select the first half, Merge with next
        first_half = next(p for p in dialog.proposal.pledges if text.startswith(p["text"]) and p["text"] != text)
        row = next(
            r
            for r in range(dialog.table.rowCount())
            if dialog.entries[dialog.table.item(r, 0).data(Qt.ItemDataRole.UserRole)]["text"] == first_half["text"]
        )
        click_row(qtbot, dialog.table, row)
        click(qtbot, dialog.merge_button)
        seen["merged"] = len(dialog.proposal.pledges) == before
        click(qtbot, _button(dialog, "Cancel"))

    dialogs = (
        Dialogs(qtbot)
        .expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, C5))
        .expect("ImportPreview", split_then_merge)
    )
    press(qtbot, win, "Ctrl+Shift+O")
    dialogs.done()
    assert seen["asked"] == "Select the pledge to split first."
    assert seen["split"] and seen["merged"]
    assert len(_statements(win)) == 1  # cancelled: nothing saved


def test_an_import_that_would_retire_pledges_asks_first(open_win, qtbot, tmp_path):
    """A short text under the seeded statement's title would retire its 41 pledges: the window asks,
    Cancel keeps everything, Retire retires them (the earlier text brings them back)."""
    win = open_win()
    title = _statements(win)[0].title
    short = tmp_path / "short.txt"
    short.write_text("A short joint statement\n\nTrade\n\nWe will cooperate on trade.\n", encoding="utf-8")
    seen: list[str] = []

    def import_it(dialog):  # as an update of the seeded statement, named by its title
        assert "(new statement)" in dialog.summary.text()
        dialog.title.setFocus()
        dialog.title.selectAll()
        qtbot.keyClicks(dialog.title, title)
        qtbot.keyClick(dialog.title, Qt.Key.Key_Return)  # the preview reads the text again against that statement
        assert (
            "an update of statement 1" in dialog.summary.text() and "Gone from the text: GEN-1" in dialog.summary.text()
        )
        assert dialog.table.item(0, 1).text() == "TRD-1" or dialog.proposal.pledges[0]["ref"].startswith("TRD")
        click(qtbot, _button(dialog, "Import"))

    def answer(button_text: str):
        def _answer(box):
            seen.append(box.text())
            click(qtbot, next(b for b in box.buttons() if button_text in b.text().replace("&", "")))

        return _answer

    for choice in ("Cancel", "Yes"):
        dialogs = (
            Dialogs(qtbot)
            .expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, short))
            .expect("ImportPreview", import_it)
            .expect("QMessageBox", answer(choice))
        )
        win.activateWindow()
        press(qtbot, win, "Ctrl+Shift+O")
        dialogs.done()
        if choice == "Cancel":
            assert "would retire 41 pledges of statement 1" in seen[-1]
            assert "Import cancelled" in win.statusBar().currentMessage()
            live = win.tracker.read(lambda s: len(list(s.exec(select(Pledge).where(Pledge.retired == False)))))  # noqa: E712
            assert live == 41 and win.pledges.table_model.total == 41
    qtbot.waitUntil(lambda: "41 gone" in win.statusBar().currentMessage(), timeout=30000)
    retired = win.tracker.read(lambda s: len(list(s.exec(select(Pledge).where(Pledge.retired == True)))))  # noqa: E712
    assert retired == 41

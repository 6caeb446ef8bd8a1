"""The window used as a person uses it: buttons clicked with the mouse, shortcuts typed on the focused
window, menu entries triggered through their real signal, dialogs answered as they open; assertions on
what is then on screen (rows shown, the marked text, the status bar)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader
from sqlmodel import select

from casr_tracker import db, services
from casr_tracker.gui.actions import key_sequences
from casr_tracker.gui.panels.text import utf16_span
from casr_tracker.gui.qt import (
    QAction,
    QApplication,
    QDialogButtonBox,
    QKeySequence,
    QPrinter,
    QPrintPreviewWidget,
    QShortcut,
    Qt,
    QTextCursor,
)
from casr_tracker.models import Assessment, Document, Event, Evidence, Statement, StatusChange

from ..conftest import ROOT
from .person import Dialogs, choose_file, click, click_index, click_row, drag_over_text, ok_button, press

SHOWN = re.compile(r"(\d+) pledges? shown")


def open_document_titled(qtbot, win, words: str):
    """Go to the Documents tab (Ctrl+2) and click the document whose title holds `words`."""
    press(qtbot, win, "Ctrl+2")
    docs = win.documents
    qtbot.waitUntil(lambda: docs.proxy.rowCount() >= 4)
    row = next(r for r in range(docs.proxy.rowCount()) if words in docs.proxy.index(r, 0).data())
    click_row(qtbot, docs.table, row)
    return docs


def shown(win) -> int:
    return int(SHOWN.match(win.status_count.text()).group(1))


def row_of(win, ref: str) -> int:
    pledge_id = win.tracker.read(lambda s: services.find_pledge(s, ref).id)
    row = win.pledges.table_model.row_of(pledge_id)
    assert row is not None, f"{ref} is not in the table"
    return row


def click_ref(qtbot, win, ref: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    click_row(qtbot, win.pledges.table, row_of(win, ref), modifier)
    if modifier == Qt.KeyboardModifier.NoModifier:
        assert win.detail.title.text().startswith(f"{ref} ·")


def marked_ranges(text_edit) -> list[tuple[int, int]]:
    """The stretches of a text box drawn bold or on a background colour, as Qt positions."""
    ranges = []
    block = text_edit.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.fontWeight() >= 600 or fmt.background().style() != Qt.BrushStyle.NoBrush:
                start, end = fragment.position(), fragment.position() + fragment.length()
                if ranges and ranges[-1][1] >= start - 1:  # one range across a paragraph break
                    ranges[-1] = (ranges[-1][0], end)
                else:
                    ranges.append((start, end))
            it += 1
        block = block.next()
    return ranges


def pledge_span(win) -> tuple[int, int]:
    d = win.detail.detail
    return utf16_span(d.context, d.context_start, d.context_end)


def rows_in_db(win, table) -> list:
    return win.tracker.read(lambda s: list(s.exec(select(table))))


# --- the problems a new analyst met --------------------------------------------------------------


def test_clear_filters_shows_every_pledge_from_button_shortcut_and_empty_state(win, qtbot):
    every = shown(win)
    assert every == 41
    win.pledges.status_filter.setCurrentIndex(win.pledges.status_filter.findData("fulfilled"))
    assert win.pledges.table_stack.currentIndex() == 1 and win.status_count.text() == "0 pledges shown"
    click(qtbot, win.pledges.empty_clear)
    assert shown(win) == every and win.pledges.table_stack.currentIndex() == 0
    assert win.pledges.status_filter.currentIndex() == 0 and "Filters cleared" in win.statusBar().currentMessage()

    top = win.pledges.tree_model.index(0, 0)
    migration = next(
        win.pledges.tree_model.index(r, 0, top)
        for r in range(win.pledges.tree_model.rowCount(top))
        if win.pledges.tree_model.index(r, 0, top).data().startswith("Migration")
    )
    click_index(qtbot, win.pledges.tree, migration)
    assert shown(win) == 2
    click(qtbot, win.pledges.clear_button)
    assert shown(win) == every

    win.pledges.party_filter.setCurrentIndex(win.pledges.party_filter.findData("UZ"))
    win.pledges.search.setText("tuition")
    qtbot.waitUntil(lambda: shown(win) < every, timeout=3000)
    press(qtbot, win, "Ctrl+Shift+L")
    assert (
        shown(win) == every
        and win.pledges.search.text() == ""
        and win.pledges.party_filter.currentText() == "Any party"
    )


def test_the_statement_context_marks_only_the_pledge(win, qtbot):
    click_ref(qtbot, win, "SNT-4")
    assert marked_ranges(win.detail.context) == [pledge_span(win)]
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("in_progress"))
    click(qtbot, d.status_button)
    assert d.status_badge.text() == "In progress"
    assert marked_ranges(d.context) == [pledge_span(win)]

    click_ref(qtbot, win, "TRD-1")
    click_ref(qtbot, win, "TRD-4", Qt.KeyboardModifier.ShiftModifier)  # four rows selected, TRD-4 shown
    assert len(win.pledges.selected_ids()) == 4 and d.title.text().startswith("TRD-4 ·")
    assert marked_ranges(d.context) == [pledge_span(win)]
    heading = d.context.toPlainText().find("Trade and economy")
    if heading >= 0:
        cursor = QTextCursor(d.context.document())
        cursor.setPosition(heading + 2)
        assert cursor.charFormat().fontWeight() < 600


def test_print_preview_opens_and_closes_on_a_machine_with_no_printer(win, qtbot):
    pages = []

    def look(dialog):
        preview = dialog.findChild(QPrintPreviewWidget)
        qtbot.waitUntil(lambda: preview.pageCount() > 0, timeout=30000)
        pages.append(preview.pageCount())
        dialog.reject()

    dialogs = Dialogs(qtbot).expect("ReportOptionsDialog", lambda d: click(qtbot, ok_button(d)))
    dialogs.expect("QPrintPreviewDialog", look)
    press(qtbot, win, "Ctrl+Shift+P")
    assert dialogs.done() == ["ReportOptionsDialog", "QPrintPreviewDialog"]
    assert pages and pages[0] >= 5
    qtbot.waitUntil(lambda: not win.reporter.busy)
    assert win.isVisible()
    press(qtbot, win, "Ctrl+1")  # the window still answers
    assert win.tabs.currentIndex() == 0


def test_printing_with_no_printer_set_up_prints_to_a_pdf(win, qtbot, home):
    target = home / f"casr-report-{dt.date.today().isoformat()}.pdf"

    def print_to_file(dialog):
        assert dialog.printer().outputFormat() == QPrinter.OutputFormat.PdfFormat  # no printer here
        click(qtbot, ok_button(dialog))

    dialogs = Dialogs(qtbot).expect("ReportOptionsDialog", lambda d: click(qtbot, ok_button(d)))
    dialogs.expect("QPrintDialog", print_to_file)
    press(qtbot, win, "Ctrl+P")
    dialogs.done()
    qtbot.waitUntil(lambda: target.exists() and not win.reporter.busy, timeout=30000)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(target)).pages)
    assert "Page 1 of" in text and "SNT-4" in text
    assert f"to {target}" in win.statusBar().currentMessage()


def test_undo_and_redo_by_keyboard(win, qtbot, qtlog):
    click_ref(qtbot, win, "TRD-3")
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("in_progress"))
    click(qtbot, d.status_button)
    assert d.status_badge.text() == "In progress"
    press(qtbot, win, "Ctrl+Z")
    assert d.status_badge.text() == "Not assessed"
    press(qtbot, win, "Ctrl+Shift+Z")
    assert d.status_badge.text() == "In progress"
    press(qtbot, win, "Ctrl+Z")
    press(qtbot, win, "Ctrl+Y")
    assert d.status_badge.text() == "In progress"
    # nothing deleted: the entry stays, and each undo and redo is a new event (retracted, taken back)
    assert len(rows_in_db(win, StatusChange)) == 1
    assert [e.kind for e in rows_in_db(win, Event)][-5:] == ["status"] + ["retraction", "unretraction"] * 2
    assert not [r for r in qtlog.records if "Ambiguous" in r.message]


def test_no_two_actions_share_a_shortcut(win):
    owners: dict[str, list[str]] = {}
    for action in win.findChildren(QAction):
        for key in action.shortcuts():
            owners.setdefault(key.toString(), []).append(action.text())
    for shortcut in win.findChildren(QShortcut):
        if shortcut.context() in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
            owners.setdefault(shortcut.key().toString(), []).append(f"shortcut in {type(shortcut.parent()).__name__}")
    shared = {key: names for key, names in owners.items() if len(set(names)) > 1 or len(names) > 1}
    assert not shared
    assert {"Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Shift+L", "Ctrl+Shift+P", "Ctrl+Q"} <= set(owners)


@pytest.mark.parametrize("standard", ["Undo", "Redo", "Find", "Refresh", "Quit", "Preferences"])
def test_a_shortcut_given_twice_is_bound_once(qapp, standard):
    """On X11 the platform's Redo is Ctrl+Shift+Z: given as text and as the standard key, it was bound
    twice and Qt refused it as ambiguous (offscreen's Redo is Ctrl+Y first, so the window test alone
    cannot see it there)."""
    key = getattr(QKeySequence.StandardKey, standard)
    platform = QKeySequence.keyBindings(key)
    given = [*(platform[:1] or ["Ctrl+Shift+F12"]), key]
    sequences = key_sequences(given)
    names = [s.toString() for s in sequences]
    assert len(names) == len(set(names))
    assert {s.toString() for s in platform} <= set(names)


def test_switching_documents_marks_only_passages_of_the_document_shown(win, qtbot, qtlog):
    press(qtbot, win, "Ctrl+2")
    docs = win.documents
    qtbot.waitUntil(lambda: docs.proxy.rowCount() >= 4)
    lengths = []
    for row in [0, 3, 1, 2, 0]:
        click_row(qtbot, docs.table, row)
        qtbot.waitUntil(lambda: not docs.suggestions.loading, timeout=30000)
        qtbot.wait(50)
        size = docs.reader.document().characterCount()
        lengths.append(size)
        for mark in docs.reader.extraSelections():
            assert mark.cursor.selectionEnd() < size
        if docs.suggestions.proposals:
            assert docs.reader.extraSelections(), "the suggested passages are marked"
    assert len(set(lengths)) >= 3
    assert not [r for r in qtlog.records if "out of range" in r.message]


def test_a_passage_dragged_from_mid_punctuation_is_attached_as_whole_words(win, qtbot):
    docs = open_document_titled(qtbot, win, "Strategic Partnership")
    text = docs.document.text
    sentence = "expanding trade volumes"
    start = text.index(sentence)
    drag_over_text(qtbot, docs.reader, start - 2, start + len(sentence) - 1)  # ", expanding trade volume"
    assert docs.attach_button.isEnabled() and "3 words selected" in docs.selection_info.text()

    def choose(dialog):
        qtbot.keyClicks(dialog.search, "TRD-3")
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))

    dialogs = Dialogs(qtbot).expect("PledgeChooser", choose)
    click(qtbot, docs.attach_button)
    dialogs.done()
    evidence = rows_in_db(win, Evidence)
    assert [e.quote for e in evidence] == [sentence]
    assert (evidence[0].start, evidence[0].end) == (start, start + len(sentence))
    assert win.tabs.currentIndex() == 1 and docs.selection_info.text() == "Attached to TRD-3."  # reading goes on
    press(qtbot, win, "Ctrl+1")
    assert (
        win.detail.title.text().startswith("TRD-3 ·")
        and win.detail.evidence.evidence_list.count() == 1
        and sentence in win.detail.evidence.evidence_list.item(0).text()
    )


def test_a_withdrawn_score_shows_no_justification(win, qtbot):
    click_ref(qtbot, win, "TRD-3")
    d = win.detail
    combo, reason = next(iter(d.score_rows.values()))
    combo.setCurrentIndex(combo.findData(1))
    reason.setText("joint ventures registered")
    click(qtbot, d.scores_button)
    assert d.score_summary.text().startswith("Average +1.00")
    combo, reason = next(iter(d.score_rows.values()))
    assert reason.text() == "joint ventures registered"
    combo.setCurrentIndex(combo.findData(None))
    click(qtbot, d.scores_button)
    combo, reason = next(iter(d.score_rows.values()))
    assert combo.currentText() == "Not scored" and reason.text() == ""
    assert d.score_summary.text() == "No party scored yet."
    assert [a.justification for a in rows_in_db(win, Assessment)] == ["joint ventures registered", ""]
    press(qtbot, win, "Ctrl+Z")
    combo, reason = next(iter(d.score_rows.values()))
    assert combo.currentData() == 1 and reason.text() == "joint ventures registered"


# --- every menu entry, through its real signal and, where it has one, its shortcut --------------


def _cancel(dialog):
    dialog.reject()


def _status_of_first_three(win):
    return [row.status for row in win.pledges.table_model.rows()[:3]]


def _record_a_status(win, qtbot):
    click_ref(qtbot, win, "TRD-3")
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("stalled"))
    click(qtbot, d.status_button)
    assert d.status_badge.text() == "Stalled"


def check_import_statement(win, qtbot, dialogs, tmp_path):
    dialogs.expect("QFileDialog")
    yield
    assert len(win.tracker.read(lambda s: list(s.exec(select(Statement))))) == 1


def check_import_documents(win, qtbot, dialogs, tmp_path):
    dialogs.expect("QFileDialog")
    yield
    assert win.documents.proxy.rowCount() in (0, 4)


def check_import_url(win, qtbot, dialogs, tmp_path):
    from ..pages_server import serving

    with serving() as site:

        def address(dialog):
            dialog.setTextValue(f"{site}/news/gas-uzbekistan")
            click(qtbot, ok_button(dialog))

        dialogs.expect("QInputDialog", address)
        yield
        qtbot.waitUntil(lambda: win.documents.model.rowCount() == 5, timeout=15000)
    assert win.tabs.currentIndex() == 1
    assert win.documents.header.text() == "Russia launches gas supply to Uzbekistan via Kazakhstan"
    assert win.statusBar().currentMessage().startswith("Imported Russia launches gas supply")
    assert "Central Asia – Center gas pipeline" in win.documents.reader.toPlainText()
    assert (
        "2023-10-07 · Aida Karimova" in win.documents.meta.text() and "updated 2023-10-09" in win.documents.meta.text()
    )
    assert "· retrieved " in win.documents.meta.text()


def check_print(win, qtbot, dialogs, tmp_path):
    dialogs.expect("ReportOptionsDialog")  # cancelled: nothing is built
    yield
    assert not win.reporter.busy


check_preview = check_print


def check_export(win, qtbot, dialogs, tmp_path):
    target = tmp_path / "progress.md"

    def fill(dialog):
        dialog.format.setCurrentIndex(dialog.format.findData("md"))
        dialog.path.setText(str(target))
        click(qtbot, ok_button(dialog))

    dialogs.expect("ReportOptionsDialog", fill)
    yield
    qtbot.waitUntil(lambda: target.exists() and not win.reporter.busy, timeout=30000)
    assert "SNT-4" in target.read_text(encoding="utf-8")
    assert f"Report written to {target}" in win.statusBar().currentMessage()


def check_quit(win, qtbot, dialogs, tmp_path):
    yield
    assert not win.isVisible()


def check_undo(win, qtbot, dialogs, tmp_path):
    _record_a_status(win, qtbot)
    yield
    assert win.detail.status_badge.text() == "Not assessed"


def check_redo(win, qtbot, dialogs, tmp_path):
    _record_a_status(win, qtbot)
    win.undo_stack.undo()
    yield
    assert win.detail.status_badge.text() == "Stalled"


def check_find(win, qtbot, dialogs, tmp_path):
    win.tabs.setCurrentIndex(2)
    yield
    assert win.tabs.currentIndex() == 0 and win.pledges.search.hasFocus()


def check_preferences(win, qtbot, dialogs, tmp_path):
    def name(dialog):
        dialog.setTextValue("Aigerim Seitkali")
        click(qtbot, ok_button(dialog))

    dialogs.expect("QInputDialog", name)
    yield
    assert win.user_label.text() == "You: Aigerim Seitkali"


def check_bulk_status(win, qtbot, dialogs, tmp_path):
    click_row(qtbot, win.pledges.table, 0)
    click_row(qtbot, win.pledges.table, 2, Qt.KeyboardModifier.ShiftModifier)

    def choose(dialog):
        dialog.status.setCurrentIndex(dialog.status.findData("not_started"))
        click(qtbot, ok_button(dialog))

    dialogs.expect("BulkStatusDialog", choose)
    yield
    assert _status_of_first_three(win) == ["not_started"] * 3


def check_correct_reading(win, qtbot, dialogs, tmp_path):
    click_ref(qtbot, win, "TRD-3")

    def drop(dialog):
        dialog.choice.setCurrentIndex(dialog.choice.findData("drop"))
        click(qtbot, ok_button(dialog))

    dialogs.expect("ReadingDialog", drop)
    yield
    qtbot.waitUntil(lambda: "TRD-3" not in [r.ref for r in win.pledges.table_model.rows()], timeout=5000)
    assert win.statusBar().currentMessage().startswith("Corrected how TRD-3 was read")


def check_attach(win, qtbot, dialogs, tmp_path):
    dialogs.expect("QMessageBox", lambda box: box.accept())
    yield
    assert win.tabs.currentIndex() == 1 and "Select a passage" in win.last_message


def check_tab(index):
    def check(win, qtbot, dialogs, tmp_path):
        win.tabs.setCurrentIndex((index + 1) % 3)
        yield
        assert win.tabs.currentIndex() == index

    return check


def check_clear_filters(win, qtbot, dialogs, tmp_path):
    win.pledges.strength_filter.setCurrentIndex(win.pledges.strength_filter.findData("soft"))
    assert shown(win) < 41
    yield
    assert shown(win) == 41


def check_reload(win, qtbot, dialogs, tmp_path):
    yield
    assert win.statusBar().currentMessage() == "Ready."


def check_shortcuts(win, qtbot, dialogs, tmp_path):
    seen = []
    dialogs.expect("QMessageBox", lambda box: (seen.append(box.text()), box.accept()))
    yield
    assert "Ctrl+Shift+L" in seen[0] and "Ctrl+Shift+Z" in seen[0] and "Ctrl+Return" in seen[0]


def check_about(win, qtbot, dialogs, tmp_path):
    seen = []
    dialogs.expect("QMessageBox", lambda box: (seen.append(box.text()), box.accept()))
    yield
    assert seen and "CASR Tracker" in seen[0]


MENU = {
    "Import statement": check_import_statement,
    "Import documents": check_import_documents,
    "Import from URL": check_import_url,
    "Print report": check_print,
    "Print preview": check_preview,
    "Export report": check_export,
    "Quit": check_quit,
    "Undo": check_undo,
    "Redo": check_redo,
    "Find": check_find,
    "Preferences": check_preferences,
    "Set status of selected pledges": check_bulk_status,
    "Correct how the pledge was read": check_correct_reading,
    "Attach selected passage": check_attach,
    "Pledges": check_tab(0),
    "Documents": check_tab(1),
    "Dashboard": check_tab(2),
    "Clear filters": check_clear_filters,
    "Reload": check_reload,
    "Keyboard shortcuts": check_shortcuts,
    "About CASR Tracker": check_about,
}


def find_entry(win, name: str) -> QAction:
    for action in win.menu_actions():
        text = action.text().replace("&", "").rstrip("…")
        if text == name or (name in ("Undo", "Redo") and text.startswith(name)):
            return action
    raise AssertionError(f"no menu entry {name!r}")


def test_every_menu_entry_is_checked_here(win):
    names = {action.text().replace("&", "").rstrip("…") for action in win.menu_actions()}
    names = {"Undo" if n.startswith("Undo") else "Redo" if n.startswith("Redo") else n for n in names}
    assert names == set(MENU)
    assert {name for name in MENU if not find_entry(win, name).shortcuts()} == NO_SHORTCUT


#: the entries reached by the menu only
NO_SHORTCUT = {"About CASR Tracker"}


@pytest.mark.parametrize(
    "name, via", [(name, "menu") for name in MENU] + [(name, "keys") for name in MENU if name not in NO_SHORTCUT]
)
def test_menu_entry(win, qtbot, tmp_path, name, via):
    action = find_entry(win, name)
    dialogs = Dialogs(qtbot)
    check = MENU[name](win, qtbot, dialogs, tmp_path)
    next(check)
    if via == "menu":
        action.trigger()
    else:
        press(qtbot, win, action.shortcuts()[0].toString())
    dialogs.done()
    with pytest.raises(StopIteration):
        next(check)


# --- the shortcuts documented ---------------------------------------------------------------------


def readme_shortcuts() -> dict[str, str]:
    """The README's table of keys: key → what it does."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("| keys | does |", 1)[1].split("\n\n", 1)[0]
    keys = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for key in re.split(r",\s+", cells[0]):
            keys[key] = cells[1]
    return keys


def test_the_readme_lists_every_shortcut_and_no_other(win):
    documented = readme_shortcuts()
    bound = {}
    for action in win.menu_actions():
        for key in action.shortcuts():
            bound[key.toString()] = action.text()
    extra = {"Ctrl+Return"}  # the detail panel's own
    first_keys = {action.shortcuts()[0].toString() for action in win.menu_actions() if action.shortcuts()}
    assert first_keys <= set(documented), first_keys - set(documented)
    assert set(documented) <= set(bound) | extra, set(documented) - set(bound) - extra
    assert QApplication.instance() is not None


def test_a_bulk_status_after_today_is_refused_in_the_dialog_and_leaves_no_undo_step(win, qtbot):
    click_row(qtbot, win.pledges.table, 0)
    click_row(qtbot, win.pledges.table, 1, Qt.KeyboardModifier.ShiftModifier)
    seen = []

    def future(dialog):
        dialog.date.setText((dt.date.today() + dt.timedelta(days=1)).isoformat())
        click(qtbot, ok_button(dialog))
        seen.append(dialog.error.text())
        assert dialog.isVisible()  # the dialog stays open with the sentence under the fields
        dialog.date.setText(dt.date.today().isoformat())
        dialog.status.setCurrentIndex(dialog.status.findData("in_progress"))
        click(qtbot, ok_button(dialog))

    dialogs = Dialogs(qtbot).expect("BulkStatusDialog", future)
    press(qtbot, win, "Ctrl+Shift+S")
    dialogs.done()
    assert "after today" in seen[0]
    assert _status_of_first_three(win) == ["in_progress", "in_progress", "not_assessed"]
    assert win.statusBar().currentMessage() == "2 of 2 pledges set to “In progress”."
    assert win.undo_stack.count() == 1


def test_a_bulk_status_refused_by_the_tracker_leaves_no_empty_undo_step(win, qtbot):
    ids = [row.id for row in win.pledges.table_model.rows()[:3]]
    win.set_status_of(ids, "fulfilled", "", dt.date.today() + dt.timedelta(days=3))  # as if typed elsewhere
    assert win.undo_stack.count() == 0 and not win.undo_stack.canUndo()
    assert "after today" in win.last_message
    assert _status_of_first_three(win) == ["not_assessed"] * 3


# --- what a new analyst met on a second round ----------------------------------------------------


def test_redo_answers_ctrl_y_and_ctrl_shift_z_on_every_platform(win):
    redo = find_entry(win, "Redo")
    keys = {key.toString() for key in redo.shortcuts()}
    assert {"Ctrl+Shift+Z", "Ctrl+Y"} <= keys  # X11's platform Redo is Ctrl+Shift+Z alone


def test_ctrl_z_after_recording_a_status_undoes_the_status_not_the_typing(win, qtbot):
    click_ref(qtbot, win, "TRD-1")
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("partially_fulfilled"))
    d.status_comment.setFocus()
    qtbot.keyClicks(d.status_comment, "Investment forum Tashkent 2021")
    press(qtbot, win, "Ctrl+Return")
    assert d.status_badge.text() == "Partially fulfilled" and d.status_comment.text() == ""
    press(qtbot, win, "Ctrl+Z")
    assert d.status_badge.text() == "Not assessed"
    assert d.status_comment.text() == ""  # the cleared comment did not come back


def test_importing_a_document_from_the_menu_opens_it_and_says_so(win, qtbot, tmp_path):
    page = tmp_path / "migrants.txt"
    page.write_text(
        "Uzbekistan and Russia open a labour migrant centre\nBy A. Writer March 3, 2021\n"
        "Tashkent opened a training centre for labour migrants going to Russia.\n",
        encoding="utf-8",
    )
    press(qtbot, win, "Ctrl+2")
    reloads = []
    win.tracker.changed.connect(lambda changes: reloads.append(changes))

    dialogs = Dialogs(qtbot).expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, page))
    press(qtbot, win, "Ctrl+O")
    dialogs.done()
    docs = win.documents
    qtbot.waitUntil(lambda: docs.model.rowCount() == 5, timeout=10000)
    assert docs.header.text() == "Uzbekistan and Russia open a labour migrant centre"
    assert win.statusBar().currentMessage() == "Imported 1 document."
    win.watcher.check()  # the next poll of the data revision
    qtbot.wait(100)
    assert "outside this window" not in win.statusBar().currentMessage()
    assert len(reloads) == 1 and reloads[0].kinds == {"document"}


def test_a_statement_imported_from_the_command_line_shows_in_an_open_window(win, qtbot, db_url):
    from casr_tracker import cli

    from ..conftest import DATA

    assert win.pledges.tree_model.rowCount() == 1
    assert cli.main(["--db", db_url, "import-statement", str(DATA / "second_statement.txt")]) == 0
    qtbot.waitUntil(lambda: win.pledges.tree_model.rowCount() == 2, timeout=10000)  # the watcher polls every 2 s
    assert win.pledges.everywhere.isVisible()


def test_the_detail_starts_at_the_top_for_each_pledge(win, qtbot):
    click_ref(qtbot, win, "SNT-4")
    bar = win.detail.scroll.verticalScrollBar()
    win.detail.resize(win.detail.width(), 300)
    qtbot.wait(50)
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    click_ref(qtbot, win, "SNT-5")
    assert bar.value() == 0 and win.detail.title.isVisible()


def test_withdrawing_evidence_and_undoing_it_are_both_in_the_history(win, qtbot):
    with db.session_scope(win.tracker.engine) as s:
        services.attach_evidence(
            session=s, pledge=services.find_pledge(s, "SCR-2"), url="https://example.org/cyber", who="tester"
        )
    press(qtbot, win, "F5")
    click_ref(qtbot, win, "SCR-2")
    d = win.detail
    click_row(qtbot, d.evidence.evidence_list, 0)
    click(qtbot, d.evidence.withdraw_button)
    assert d.evidence.evidence_empty.isVisible()
    win.pledges.table.setFocus()
    press(qtbot, win, "Ctrl+Z")
    assert d.evidence.evidence_list.count() == 1
    lines = [d.history_list.item(i).text() for i in range(d.history_list.count())]
    assert any("evidence restored" in line for line in lines) and any("evidence withdrawn" in line for line in lines)
    evidence = rows_in_db(win, Evidence)
    assert len(evidence) == 1 and evidence[0].withdrawn_at is None


def test_a_status_entered_by_mistake_is_retracted_from_the_history_and_the_retraction_undone(win, qtbot):
    click_ref(qtbot, win, "TRD-3")
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("fulfilled"))
    click(qtbot, d.status_button)
    assert d.status_badge.text() == "Fulfilled" and not d.retract_button.isEnabled()
    click_row(qtbot, d.history_list, 0)
    assert d.retract_button.isEnabled()

    def because(dialog):
        qtbot.keyClicks(dialog.reason, "entered for the wrong pledge")
        click(qtbot, ok_button(dialog))

    dialogs = Dialogs(qtbot).expect("RetractDialog", because)
    click(qtbot, d.retract_button)
    dialogs.done()
    assert d.status_badge.text() == "Not assessed"
    struck = [
        d.history_list.item(i) for i in range(d.history_list.count()) if d.history_list.item(i).font().strikeOut()
    ]
    assert len(struck) == 1 and "Not assessed → Fulfilled" in struck[0].text()
    assert "entered for the wrong pledge" in struck[0].toolTip()
    win.pledges.table.setFocus()
    press(qtbot, win, "Ctrl+Z")
    assert d.status_badge.text() == "Fulfilled"
    assert not any(d.history_list.item(i).font().strikeOut() for i in range(d.history_list.count()))


def test_an_undated_document_is_dated_in_the_window_and_the_edit_undone(win, qtbot):
    docs = open_document_titled(qtbot, win, "Kazakh media")
    assert docs.meta.text().startswith("no date")
    seen = []

    def date_it(dialog):
        dialog.date.clear()
        qtbot.keyClicks(dialog.date, "November 2020")
        click(qtbot, ok_button(dialog))
        seen.append(dialog.error.text())  # a date that names no day is refused inline
        dialog.date.clear()
        qtbot.keyClicks(dialog.date, "2020-11-25")
        click(qtbot, ok_button(dialog))

    dialogs = Dialogs(qtbot).expect("DocumentDialog", date_it)
    click(qtbot, docs.edit_button)
    dialogs.done()
    assert "names no day" in seen[0]
    assert docs.meta.text().startswith("2020-11-25")
    document_id = docs.document.id
    assert win.tracker.read(lambda s: s.get(Document, document_id).date) == dt.date(2020, 11, 25)
    docs.reader.setFocus()
    press(qtbot, win, "Ctrl+Z")
    assert docs.meta.text().startswith("no date")
    assert win.tracker.read(lambda s: s.get(Document, document_id).date) is None
    kinds = win.tracker.read(lambda s: [e.kind for e in s.exec(select(Event).where(Event.subject_id == document_id))])
    assert kinds.count("document_edited") == 2  # both the edit and its undo are in the record


def test_a_document_edit_leaves_the_pledge_list_alone_and_a_status_reloads_it(win, qtbot):
    """The window refreshes the views a change concerns: the pledge list shows nothing of a document."""
    docs = open_document_titled(qtbot, win, "Kazakh media")
    title = docs.document.title
    reloads = []
    win.pledges.table_model.modelReset.connect(lambda: reloads.append("reset"))

    def retitle(dialog):
        dialog.title.clear()
        qtbot.keyClicks(dialog.title, "Kazakh media, retitled")
        click(qtbot, ok_button(dialog))

    dialogs = Dialogs(qtbot).expect("DocumentDialog", retitle)
    click(qtbot, docs.edit_button)
    dialogs.done()
    assert docs.header.text() == "Kazakh media, retitled"
    docs.reader.setFocus()
    press(qtbot, win, "Ctrl+Z")
    assert docs.header.text() == title
    assert reloads == []  # neither the edit nor its undo reloaded the pledges

    press(qtbot, win, "Ctrl+1")
    _record_a_status(win, qtbot)
    assert reloads == ["reset"]
    assert next(r.status for r in win.pledges.table_model.rows() if r.ref == "TRD-3") == "stalled"


def test_evidence_is_redated_and_its_stance_changed_in_the_detail_panel(win, qtbot):
    with db.session_scope(win.tracker.engine) as s:
        services.attach_evidence(session=s, pledge=services.find_pledge(s, "SNT-8"), url="https://example.org/who")
    press(qtbot, win, "F5")
    click_ref(qtbot, win, "SNT-8")
    d = win.detail
    assert d.evidence.edit_evidence_button.isEnabled()

    def redate(dialog):
        dialog.date.clear()
        qtbot.keyClicks(dialog.date, "2020-11-25")
        dialog.stance.setCurrentIndex(dialog.stance.findData("context"))
        click(qtbot, ok_button(dialog))

    dialogs = Dialogs(qtbot).expect("EvidenceDialog", redate)
    click(qtbot, d.evidence.edit_evidence_button)
    dialogs.done()
    assert d.evidence.evidence_list.item(0).text().startswith("[context] 2020-11-25")
    assert any("evidence edited" in d.history_list.item(i).text() for i in range(d.history_list.count()))
    win.pledges.table.setFocus()
    press(qtbot, win, "Ctrl+Z")
    assert d.evidence.evidence_list.item(0).text().startswith(f"[supports] {dt.date.today()}")


def test_a_passage_of_an_undated_document_is_attached_with_the_day_it_speaks_for(win, qtbot):
    docs = open_document_titled(qtbot, win, "Kazakh media")
    start = docs.document.text.index("World Health Assembly")
    drag_over_text(qtbot, docs.reader, start, start + len("World Health Assembly"))
    seen = []

    def choose(dialog):
        qtbot.keyClicks(dialog.search, "SNT-8")
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))
        seen.append(dialog.error.text())  # no day given: asked for
        qtbot.keyClicks(dialog.date, "2020-11-25")
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))

    dialogs = Dialogs(qtbot).expect("PledgeChooser", choose)
    press(qtbot, win, "Ctrl+E")
    dialogs.done()
    assert "has no date" in seen[0]
    assert [e.date for e in rows_in_db(win, Evidence)] == [dt.date(2020, 11, 25)]


def test_accepting_a_suggestion_from_an_undated_document_asks_the_day_it_speaks_for(win, qtbot):
    docs = open_document_titled(qtbot, win, "Kazakh media")
    panel = docs.suggestions
    qtbot.waitUntil(lambda: not panel.loading, timeout=30000)
    if not panel.proposals:
        panel.weak.setChecked(True)
    assert panel.proposals, "the interview has passages to suggest"
    click_index(qtbot, panel.tree, panel.model.index(0, 0))

    def day(dialog):
        dialog.setTextValue("2020-11-25")
        click(qtbot, ok_button(dialog))

    dialogs = Dialogs(qtbot).expect("QInputDialog", day)
    qtbot.keyClick(panel.tree, Qt.Key.Key_A)
    dialogs.done()
    assert [e.date for e in rows_in_db(win, Evidence)] == [dt.date(2020, 11, 25)]


def test_undo_survives_a_restart(open_win, qtbot):
    """Ctrl+Z after reopening the window undoes one's last change (the stack is rebuilt from the log)."""
    win = open_win()
    click_ref(qtbot, win, "TRD-3")
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("in_progress"))
    click(qtbot, d.status_button)
    win.close()

    again = open_win()
    undo_action = next(a for a in again.menu_actions() if a.text().startswith("&Undo"))
    assert undo_action.isEnabled() and undo_action.text() == "&Undo Set TRD-3 to in progress"
    click_ref(qtbot, again, "TRD-3")
    assert again.detail.status_badge.text() == "In progress"
    press(qtbot, again, "Ctrl+Z")
    assert again.detail.status_badge.text() == "Not assessed"
    press(qtbot, again, "Ctrl+Shift+Z")
    assert again.detail.status_badge.text() == "In progress"
    kinds = [e.kind for e in rows_in_db(again, Event)][-3:]
    assert kinds == ["status", "retraction", "unretraction"]


def test_a_page_that_cannot_be_fetched_is_said_in_one_sentence_and_nothing_is_stored(win, qtbot):
    from ..pages_server import serving

    press(qtbot, win, "Ctrl+2")
    before = win.documents.model.rowCount()
    with serving() as site:

        def address(dialog):
            dialog.setTextValue(f"{site}/missing")
            click(qtbot, ok_button(dialog))

        dialogs = Dialogs(qtbot).expect("QInputDialog", address)
        press(qtbot, win, "Ctrl+Shift+U")
        dialogs.done()
        qtbot.waitUntil(lambda: "404" in win.last_message, timeout=15000)
    assert win.last_message == f"{site}/missing could not be fetched: the server answered 404 (Not Found)."
    assert win.documents.model.rowCount() == before


def test_an_ambiguous_byline_date_is_said_when_a_file_is_imported(win, qtbot, tmp_path):
    page = tmp_path / "roadmap.txt"
    page.write_text(
        "Roadmap on labour migrants signed in Moscow\nBy A. Writer, 05/04/2024\n"
        "Russia and Uzbekistan signed a roadmap on the organised recruitment of labour migrants.\n",
        encoding="utf-8",
    )
    press(qtbot, win, "Ctrl+2")
    dialogs = Dialogs(qtbot).expect("QFileDialog", lambda dialog: choose_file(qtbot, dialog, page))
    press(qtbot, win, "Ctrl+O")
    dialogs.done()
    qtbot.waitUntil(lambda: win.documents.model.rowCount() == 5, timeout=10000)
    said = win.statusBar().currentMessage()
    assert said.startswith("Imported 1 document. The byline date '05/04/2024' could be 5 April 2024 or 4 May 2024")
    assert said.endswith("set it with Edit details….")

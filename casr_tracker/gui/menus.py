"""The window's menu bar (every entry, its keys bound once) and the Help menu: keyboard shortcuts, about."""

from __future__ import annotations

import html

from .actions import make_action, set_unique_shortcuts
from .qt import QAction, QKeySequence, QMenuBar, QMessageBox, Qt

#: keys of the panels that are not menu actions
PANEL_KEYS = (
    ("Ctrl+Return", "Record the status typed in the detail panel"),
    ("A or Return, R, O, J, K, 1-3", "In the suggestions: accept, reject, other pledge, next, previous, nth candidate"),
)

FUNCTION_KEYS = {getattr(Qt.Key, f"Key_F{n}") for n in range(1, 13)}


def build_menus(window) -> None:
    """File, Edit, View and Help, their entries calling the window's (and its panels') verbs."""

    def add(menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = make_action(window, text, slot, shortcut, tip)
        menu.addAction(action)
        return action

    bar = window.menuBar()
    file = bar.addMenu("&File")
    importing = add(
        file,
        "Import &statement…",
        window.choose_statement,
        "Ctrl+Shift+O",
        "Import a statement's pledges (again: update it)",
    )
    documents = add(file, "&Import documents…", window.import_documents, "Ctrl+O", "Add documents to the library")
    fetching = add(
        file, "Import from &URL…", window.import_from_url, "Ctrl+Shift+U", "Fetch a web page into the library"
    )
    file.addSeparator()
    add(file, "&Print report…", lambda: window.report_action("print"), QKeySequence.StandardKey.Print)
    add(file, "Print pre&view…", lambda: window.report_action("preview"), "Ctrl+Shift+P")
    add(file, "&Export report…", lambda: window.report_action("export"), "Ctrl+Shift+E")
    file.addSeparator()
    add(file, "&Quit", window.close, [QKeySequence.StandardKey.Quit, "Ctrl+Q"])
    edit = bar.addMenu("&Edit")
    undo = window.undo_stack.createUndoAction(window, "&Undo")
    set_unique_shortcuts(undo, QKeySequence.StandardKey.Undo)
    redo = window.undo_stack.createRedoAction(window, "&Redo")
    set_unique_shortcuts(redo, ["Ctrl+Shift+Z", "Ctrl+Y", QKeySequence.StandardKey.Redo])
    edit.addAction(undo)
    edit.addAction(redo)
    edit.addSeparator()
    add(edit, "&Find…", window.focus_search, QKeySequence.StandardKey.Find)
    add(edit, "Pre&ferences…", window.edit_preferences, [QKeySequence.StandardKey.Preferences, "Ctrl+,"])
    bulk = add(edit, "Set &status of selected pledges…", window.bulk_status, "Ctrl+Shift+S")
    window.pledges.table.addAction(bulk)  # the table's context menu
    reading = add(
        edit,
        "Correct how the pledge was &read…",
        window.correct_reading,
        "Ctrl+Shift+K",
        "No pledge, another strength, parties or sphere, split or merged: kept when the statement is imported again",
    )
    window.pledges.table.addAction(reading)
    attach = add(edit, "&Attach selected passage…", window.attach_from_reader, "Ctrl+E")
    attach.setStatusTip("In the Documents tab: attach the selected passage to a pledge")
    #: what a viewer's workspace hides (their shortcuts go with them)
    window.write_actions = [importing, documents, fetching, undo, redo, bulk, reading, attach]
    #: what only an admin may do (an analyst's workspace hides these)
    window.admin_actions = [importing, reading]
    view = bar.addMenu("&View")
    for n, name in enumerate(("&Pledges", "&Documents", "Dash&board")):
        add(view, name, lambda i=n: window.tabs.setCurrentIndex(i), f"Ctrl+{n + 1}")
    view.addSeparator()
    add(view, "&Clear filters", window.pledges.clear_filters, "Ctrl+Shift+L")
    add(view, "&Reload", window.load_all, QKeySequence.StandardKey.Refresh)
    help_menu = bar.addMenu("&Help")
    add(help_menu, "&Keyboard shortcuts", lambda: show_shortcuts(window), "F1")
    add(help_menu, "&About CASR Tracker", lambda: show_about(window))


def menu_actions(bar: QMenuBar) -> list[QAction]:
    """Every action of a menu bar, menu by menu (separators left out)."""
    found = []
    for top in bar.actions():
        found += [a for a in top.menu().actions() if not a.isSeparator()]
    return found


def shortcut_table(actions: list[QAction], *, read_only: bool = False) -> list[tuple[str, str]]:
    """(keys, what they do) for every action shown with a shortcut, then the keys of the panels (which
    record: none in a viewer's workspace)."""
    rows = []
    for action in actions:
        if not action.isVisible():
            continue
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if _typed(k)]
        if keys:
            rows.append((" or ".join(keys), action.text().replace("&", "").rstrip("…")))
    return rows + ([] if read_only else list(PANEL_KEYS))


def show_shortcuts(window) -> None:
    """The keyboard shortcuts, in a box that does not block the window."""
    rows = "".join(
        f"<tr><td style='padding-right:18px; white-space:nowrap'><b>{html.escape(keys)}</b></td>"
        f"<td style='white-space:nowrap'>{html.escape(what)}</td></tr>"
        for keys, what in shortcut_table(menu_actions(window.menuBar()), read_only=window.tracker.read_only)
    )
    box = QMessageBox(QMessageBox.Icon.Information, "Keyboard shortcuts", "", QMessageBox.StandardButton.Ok, window)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<table>{rows}</table>")
    window.shortcuts_box = box
    box.open()


def show_about(window) -> None:
    from .. import __version__

    QMessageBox.about(
        window,
        "About CASR Tracker",
        f"CASR Tracker {__version__}\nTracks the pledges of the 15 October 2020 joint statement "
        "of the Central Asia + Russia foreign ministers.",
    )


def _typed(sequence: QKeySequence) -> bool:
    """A shortcut typed on an ordinary keyboard (not the Undo, Find or F14 keys some keyboards have)."""
    combination = sequence[0]
    key = combination.key()
    has_modifier = combination.keyboardModifiers() != Qt.KeyboardModifier.NoModifier
    return (has_modifier and key.value < 0x01000000 or key in FUNCTION_KEYS) and sequence.count() == 1

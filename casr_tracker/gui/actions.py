"""Menu actions and buttons whose slots are called with no arguments, and their shortcuts made unique.

Qt hands a clicked or triggered signal's `checked` flag to any slot that can take an argument: a slot
`clear_filters(keep_sphere=None)` got `False` as its sphere and emptied the table, and
`attach_selection(pledge_id=None)` got `False` as its pledge. Every action and button of the window is
made here, so no slot can be handed what the user never chose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .qt import QAction, QKeySequence, QPushButton

Key = str | QKeySequence | QKeySequence.StandardKey


def key_sequences(keys: Key | Iterable[Key] | None) -> list[QKeySequence]:
    """The key sequences for `keys` (texts, sequences, standard keys), each once, in order: a standard
    key expands to this platform's bindings, some of which may repeat one given before (Redo is
    Ctrl+Shift+Z on Linux: bound twice, Qt calls the shortcut ambiguous and does nothing)."""
    if keys is None:
        return []
    if isinstance(keys, (str, QKeySequence, QKeySequence.StandardKey)):
        keys = [keys]
    found: list[QKeySequence] = []
    for key in keys:
        standard = isinstance(key, QKeySequence.StandardKey)
        for sequence in QKeySequence.keyBindings(key) if standard else [QKeySequence(key)]:
            if not sequence.isEmpty() and sequence not in found:
                found.append(sequence)
    return found


def make_action(parent, text: str, slot: Callable[[], object], keys=None, tip: str = "") -> QAction:
    """An action that calls `slot()` when triggered (by its menu entry, shortcut or toolbar button)."""
    action = QAction(text, parent)
    action.setShortcuts(key_sequences(keys))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def make_button(text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
    """A push button that calls `slot()` when clicked."""
    button = QPushButton(text)
    if tip:
        button.setToolTip(tip)
    button.clicked.connect(lambda _checked=False: slot())
    return button


def set_unique_shortcuts(action: QAction, keys) -> QAction:
    """Give an action made elsewhere (the undo stack's) its shortcuts, each once."""
    action.setShortcuts(key_sequences(keys))
    return action

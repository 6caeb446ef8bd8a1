"""What a person does to the window, for tests: press keys on the focused widget, click buttons and
rows with the mouse, type into a box, turn the mouse wheel, drag over text, and answer the dialogs that
open (modal ones included)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtTest import QTest

from casr_tracker.gui.qt import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QKeySequence,
    QLineEdit,
    QPoint,
    QPointF,
    Qt,
    QTextCursor,
    QTimer,
)

LEFT = Qt.MouseButton.LeftButton


def press(qtbot, window, keys: str) -> None:
    """Type a shortcut such as "Ctrl+Shift+L" on whatever has the keyboard focus (the window itself when
    nothing has)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is not None, timeout=3000)
    combination = QKeySequence(keys)[0]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, combination.key(), combination.keyboardModifiers())


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible(), f"the button {button.text()!r} is not on screen"
    assert button.isEnabled(), f"the button {button.text()!r} is disabled"
    qtbot.mouseClick(button, LEFT)


def type_into(qtbot, edit: QLineEdit, text: str, *, replace: bool = True) -> None:
    """Click into a one-line box and type `text` (what was there selected and typed over first)."""
    assert edit.isVisible() and edit.isEnabled(), f"the box {edit.placeholderText()!r} is not there to type in"
    qtbot.mouseClick(edit, LEFT)
    if replace:
        edit.selectAll()
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def turn_wheel(widget, notches: int = -1) -> None:
    """Turn the mouse wheel over the middle of `widget` without clicking it (negative: towards you, down).
    It comes through the window system as a real one does: to the widget under the pointer, then to its
    parents while they ignore it (an event sent straight to a widget would not go on to its parents)."""
    top = widget.window()
    QTest.wheelEvent(top.windowHandle(), QPointF(widget.mapTo(top, widget.rect().center())), QPoint(0, 120 * notches))
    QApplication.processEvents()


def click_row(qtbot, view, row: int, modifier=Qt.KeyboardModifier.NoModifier, column: int = 0) -> None:
    """Click a row of a table or list view where it is drawn (scrolled into view first)."""
    index = view.model().index(row, column)
    view.scrollTo(index)
    rect = view.visualRect(index)
    assert rect.isValid(), f"row {row} is not drawn"
    qtbot.mouseClick(view.viewport(), LEFT, modifier, rect.center())


def click_index(qtbot, view, index) -> None:
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, view.visualRect(index).center())


def drag_over_text(qtbot, edit, start: int, end: int) -> None:
    """Select a short passage of a QPlainTextEdit with the mouse, from Qt position `start` to `end`."""
    cursor = QTextCursor(edit.document())
    cursor.setPosition(start)
    edit.setTextCursor(cursor)
    edit.centerCursor()
    a, b = _point(edit, start), _point(edit, end)
    viewport = edit.viewport()
    qtbot.mousePress(viewport, LEFT, pos=a)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, LEFT, pos=b)


def _point(edit, position: int) -> QPoint:
    cursor = QTextCursor(edit.document())
    cursor.setPosition(position)
    rect = edit.cursorRect(cursor)
    return QPoint(rect.left() + 1, rect.center().y())


def choose_file(qtbot, dialog, path) -> None:
    """Pick a file in a Qt file dialog as a person does: type its path in the name box, press Open (the
    dialog accepts only once it has read the folder, so Open is pressed until it closes)."""
    name_box = dialog.findChild(QLineEdit, "fileNameEdit")
    name_box.clear()
    qtbot.keyClicks(name_box, str(path))

    def opened() -> bool:
        if name_box.text() != str(path):  # the completer may have changed what was typed while the folder loaded
            name_box.setText(str(path))
        dialog.accept()
        return not dialog.isVisible()

    qtbot.waitUntil(opened, timeout=30000)  # the first file dialog of a busy machine reads its folder slowly


def ok_button(dialog) -> QAbstractButton:
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Ok)


class Dialogs:
    """Answers the dialogs the window opens, one handler per dialog in the order they open.

    A handler gets the dialog and must close it (click a button, accept, reject). A dialog that opens
    with no handler left is rejected and recorded as unexpected."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.handlers: list[tuple[str, Callable]] = []
        self.seen: list[str] = []
        self.titles: list[str] = []
        self.unexpected: list[str] = []
        self.errors: list[BaseException] = []
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def expect(self, class_name: str, handler: Callable = lambda d: d.reject()) -> Dialogs:
        self.handlers.append((class_name, handler))
        return self

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            return
        # marked on the Qt object itself: a dialog made in C++ gets a new Python wrapper each time it is
        # asked for, and a new dialog may take the address of one closed before
        if dialog.property("answered_by_test"):
            return
        dialog.setProperty("answered_by_test", True)
        name = type(dialog).__name__
        self.seen.append(name)
        self.titles.append(dialog.windowTitle())
        if not self.handlers:
            self.unexpected.append(name)
            dialog.reject() if hasattr(dialog, "reject") else dialog.close()
            return
        expected, handler = self.handlers.pop(0)
        if expected != name:
            self.unexpected.append(name)
            dialog.reject() if hasattr(dialog, "reject") else dialog.close()
            return
        try:
            handler(dialog)
        except BaseException as error:  # noqa: BLE001 - reported by done()
            self.errors.append(error)
            dialog.reject()

    def done(self, timeout: int = 30000) -> list[str]:
        """Wait until every expected dialog came and was answered; returns the names seen."""
        self.qtbot.waitUntil(lambda: not self.handlers or bool(self.errors), timeout=timeout)
        self.timer.stop()
        if self.errors:
            raise self.errors[0]
        assert not self.unexpected, (
            f"unexpected dialogs: {self.unexpected} (of {list(zip(self.seen, self.titles, strict=True))})"
        )
        return self.seen

    def stop(self) -> None:
        self.timer.stop()

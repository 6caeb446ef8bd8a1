"""Combo and spin boxes that turn with the mouse wheel only once they have the keyboard focus: a panel
scrolled with the wheel scrolls on past them instead of silently changing the value under the pointer."""

from __future__ import annotations

from .qt import QAbstractSpinBox, QComboBox, QEvent, QObject, Qt, QWidget


class WheelGuard(QObject):
    """An event filter: a wheel event on an unfocused widget is passed on to the widget's parents (the
    scroll area moves), never to the widget itself."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()  # ignored: Qt offers it to the parent widgets, up to the scroll area
            return True
        return False


def guard_wheel(root: QWidget, guard: WheelGuard) -> None:
    """Guard every combo and spin box inside `root` (again after new ones were added: a widget guarded
    twice has the filter once). Clicking or tabbing into one gives it the focus, and then the wheel."""
    for widget in [*root.findChildren(QComboBox), *root.findChildren(QAbstractSpinBox)]:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a combo's default, WheelFocus, takes focus on a wheel
        widget.installEventFilter(guard)

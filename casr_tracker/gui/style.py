"""Colours and labels shared by the views: status badges, score colours, readable text on them."""

from __future__ import annotations

from ..models import Status
from ..reports.palette import SCORE_COLORS, STATUS_COLORS
from .qt import QColor, QLabel, Qt


def status_label(status: str) -> str:
    return Status(status).label


def status_color(status: str) -> QColor:
    return QColor(STATUS_COLORS.get(status, "#9e9e9e"))


def text_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on `background`."""
    r, g, b = background.redF(), background.greenF(), background.blueF()
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QColor("#000000") if luminance > 0.55 else QColor("#ffffff")


def score_color(average: float | None) -> QColor | None:
    """Red at -1, amber at 0, green at +1, blended between; None when nothing was scored."""
    if average is None:
        return None
    low, high = (
        (QColor(SCORE_COLORS[-1]), QColor(SCORE_COLORS[0]))
        if average < 0
        else (
            QColor(SCORE_COLORS[0]),
            QColor(SCORE_COLORS[1]),
        )
    )
    t = average + 1 if average < 0 else average
    return QColor(
        round(low.red() + (high.red() - low.red()) * t),
        round(low.green() + (high.green() - low.green()) * t),
        round(low.blue() + (high.blue() - low.blue()) * t),
    )


def plain_tip(text: str) -> str:
    """A tooltip that shows `text` as written: Qt would take a tag in it for rich text."""
    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


def plain_label(text: str = "", *, bold: bool = False, wrap: bool = True) -> QLabel:
    """A label that shows user text as text, never as markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label

"""Status colours shared by the window and the reports."""

from __future__ import annotations

from ..models import Status

STATUS_COLORS: dict[str, str] = {
    Status.not_assessed.value: "#9e9e9e",
    Status.not_started.value: "#607d8b",
    Status.in_progress.value: "#1e88e5",
    Status.partially_fulfilled.value: "#f9a825",
    Status.fulfilled.value: "#2e7d32",
    Status.stalled.value: "#ef6c00",
    Status.abandoned.value: "#c62828",
}

SCORE_COLORS = {-1: "#c62828", 0: "#f9a825", 1: "#2e7d32"}


def text_color(background: str) -> str:
    """Black or white text, whichever reads better on a #rrggbb background."""
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "#ffffff"


def score_color(average: float | None) -> str | None:
    """Red at -1, amber at 0, green at +1, blended between; None when nothing was scored."""
    if average is None:
        return None
    low, high, t = (
        (SCORE_COLORS[-1], SCORE_COLORS[0], average + 1)
        if average < 0
        else (
            SCORE_COLORS[0],
            SCORE_COLORS[1],
            average,
        )
    )
    mix = [round(int(low[i : i + 2], 16) + (int(high[i : i + 2], 16) - int(low[i : i + 2], 16)) * t) for i in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in mix)

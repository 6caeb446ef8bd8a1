"""The status-by-sphere chart as a self-contained SVG (stacked horizontal bars with a legend)."""

from __future__ import annotations

from html import escape

from ..models import Status
from ..scorecard import SphereStatus
from .palette import STATUS_COLORS, text_color

ROW, GAP, LABEL, WIDTH = 22, 6, 250, 760


def status_chart_svg(rows: list[SphereStatus]) -> str:
    """Stacked bars, one per sphere, segments coloured by status and labelled with their counts."""
    most = max((r.total for r in rows), default=1) or 1
    bar_width = WIDTH - LABEL - 20
    legend_y = len(rows) * (ROW + GAP) + 16
    height = legend_y + 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="12" role="img" '
        'aria-label="Pledges by status in each sphere">'
    ]
    for i, row in enumerate(rows):
        y = i * (ROW + GAP)
        # about 7 px a character at 12 px DejaVu Sans: a longer name would run out of the label's 242 px
        full = row.sphere.name
        name = full if len(full) <= 32 else full[:30].rstrip() + "…"
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + ROW * 0.7:.1f}" text-anchor="end"><title>{escape(full)}</title>'
            f"{escape(name)}</text>"
        )
        x = float(LABEL)
        for status in Status:
            n = row.counts.get(status.value, 0)
            if not n:
                continue
            w = bar_width * n / most
            color = STATUS_COLORS[status.value]
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{ROW}" fill="{color}"/>')
            if w >= 14:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + ROW * 0.7:.1f}" text-anchor="middle" '
                    f'fill="{text_color(color)}">{n}</text>'
                )
            x += w
    x = 10.0
    for status in Status:
        color = STATUS_COLORS[status.value]
        parts.append(f'<rect x="{x:.0f}" y="{legend_y}" width="12" height="12" fill="{color}"/>')
        parts.append(f'<text x="{x + 16:.0f}" y="{legend_y + 10}">{escape(status.label)}</text>')
        x += 24 + 7 * len(status.label)
    parts.append("</svg>")
    return "".join(parts)

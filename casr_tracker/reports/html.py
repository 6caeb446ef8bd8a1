"""The report as one self-contained HTML page (Jinja2, autoescaped: user text is never markup)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..models import Status
from .chart import status_chart_svg
from .model import Report
from .palette import STATUS_COLORS, score_color, text_color

TEMPLATES = Path(__file__).resolve().parent / "templates"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(text_color=text_color, score_color=score_color)
    return env


def render_html(report: Report, *, mode: str = "html", chart_width: int = 640) -> str:
    """`mode` "html": a page for browsers (inline SVG chart, print CSS); "print": the subset of HTML
    that QTextDocument lays out, with the charts as images named chart-<statement id>.png."""
    template = environment().get_template("report.html.j2")
    return template.render(
        report=report,
        mode=mode,
        charts={st.id: status_chart_svg(st.status_by_sphere) for st in report.statements} if mode == "html" else {},
        chart_width=chart_width,
        colors=STATUS_COLORS,
        labels={s.value: s.label for s in Status},
        total_pledges=sum(len(st.pledges) for st in report.statements),
    )

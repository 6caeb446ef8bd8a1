"""The report as CSV: one row per pledge, with a score and a justification column per party."""

from __future__ import annotations

import csv
import io

from ..neutral import for_csv
from .model import Report

#: columns that hold prose or lists (the Excel workbook wraps them), besides the justifications
TEXT_COLUMNS = ("text", "parties", "last_note", "status_comment")


def pledge_table(report: Report) -> tuple[list[str], list[list[object]]]:
    """The pledge table the CSV and the Excel workbook write: the header and one row per pledge,
    with typed values (dates, integers; None where there is nothing). The status is its code.

    The columns of the first version come first, in their order; the later ones (status comment,
    justifications) are added at the end, so a script reading columns by position keeps working."""
    parties: list[str] = []
    for st in report.statements:
        parties += [p.name for p in st.parties if p.name not in parties]
    header = (
        ["statement", "ref", "sphere", "text", "parties", "strength", "status", "status_date"]
        + [f"score_{name}" for name in parties]
        + ["evidence_count", "last_note", "status_comment"]
        + [f"justification_{name}" for name in parties]
    )
    rows: list[list[object]] = []
    for st in report.statements:
        for sphere in st.spheres:
            for p in sphere.pledges:
                scores = {s.party: s for s in p.scores}
                rows.append(
                    [st.id, p.ref, sphere.name, p.text, "; ".join(p.parties), p.strength, p.status, p.status_date]
                    + [scores[name].score if name in scores else None for name in parties]
                    + [len(p.citations), p.notes[-1][2] if p.notes else None, p.status_comment or None]
                    + [scores[name].justification or None if name in scores else None for name in parties]
                )
    return header, rows


def render_csv(report: Report) -> str:
    """The pledge table as CSV. Text goes through `neutral.for_csv`: a field that would start a
    formula gets a quote (') first, what a cell cannot hold is replaced, an over-long text is cut."""
    header, rows = pledge_table(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([for_csv(name) for name in header])
    writer.writerows([for_csv(value) for value in row] for row in rows)  # None: an empty field; a date: YYYY-MM-DD
    return buffer.getvalue()

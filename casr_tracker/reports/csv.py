"""The report as CSV: one row per pledge, with a score column per party."""

from __future__ import annotations

import csv
import io

from .model import Report


def render_csv(report: Report) -> str:
    parties: list[str] = []
    for st in report.statements:
        parties += [p.name for p in st.parties if p.name not in parties]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["statement", "ref", "sphere", "text", "parties", "strength", "status", "status_date"]
        + [f"score_{name}" for name in parties]
        + ["evidence_count", "last_note"]
    )
    for st in report.statements:
        for sphere in st.spheres:
            for p in sphere.pledges:
                scores = {s.party: s.score for s in p.scores}
                writer.writerow(
                    [st.id, p.ref, sphere.name, p.text, "; ".join(p.parties), p.strength, p.status, p.status_date or ""]
                    + [scores.get(name, "") for name in parties]
                    + [len(p.citations), p.notes[-1][2] if p.notes else ""]
                )
    return buffer.getvalue()

"""The report as an Excel workbook: the pledge table (as the CSV) and the compliance scorecard."""

from __future__ import annotations

import csv
import io

from .csv import render_csv
from .model import Report


def write_xlsx(report: Report, path: str) -> None:
    """Sheets "Pledges" (one row per pledge, like the CSV) and "Scorecard" (sphere × party averages)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    pledges = book.active
    pledges.title = "Pledges"
    for row in csv.reader(io.StringIO(render_csv(report))):
        pledges.append([int(v) if v.lstrip("-").isdigit() and len(v) < 6 else v for v in row])
    for cell in pledges[1]:
        cell.font = Font(bold=True)
    pledges.freeze_panes = "A2"
    pledges.column_dimensions["D"].width = 80
    card_sheet = book.create_sheet("Scorecard")
    card_sheet.append([f"Status as of {report.as_of}; average score per sphere and party (-1..+1)"])
    for st in report.statements:
        card = st.scorecard
        card_sheet.append([])
        card_sheet.append([st.title])
        card_sheet.append(["Sphere", *[p.name for p in card.parties], "All parties"])
        for row in st.status_by_sphere:
            cells = [card.cell(p.id, row.sphere.id).average for p in card.parties]
            total = card.by_sphere.get(row.sphere.id)
            card_sheet.append([row.sphere.name, *cells, total.average if total else None])
        overall = [card.by_party[p.id].average if p.id in card.by_party else None for p in card.parties]
        card_sheet.append(["All spheres", *overall, card.overall.average])
    for row in card_sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "+0.00;-0.00;0.00"
                green = int(255 * (cell.value + 1) / 2)
                cell.fill = PatternFill("solid", fgColor=f"{255 - green:02X}{min(255, 120 + green // 2):02X}80")
    card_sheet.column_dimensions["A"].width = 40
    book.save(path)

"""The report as an Excel workbook: the pledge table (as the CSV) and the compliance scorecard."""

from __future__ import annotations

import datetime as dt
import io

from ..models import Status
from ..neutral import for_spreadsheet, text_cell
from .csv import TEXT_COLUMNS, pledge_table
from .model import Report, StatementReport

DATE_FORMAT = "yyyy-mm-dd"
SCORE_FORMAT = "+0.00;-0.00;0.00"
PERCENT_FORMAT = "0%"


def write_xlsx(report: Report, path: str) -> None:
    """Sheet "Pledges" (one row per pledge, the CSV's columns, statuses by their labels) and a
    scorecard sheet per statement ("Scorecard", or "Scorecard <id>" when there are several): the
    average score per sphere and party, then per party, its Research Group percentage and the count."""
    from openpyxl import Workbook

    book = Workbook()
    _pledges(book.active, report)
    for st in report.statements:
        sheet = book.create_sheet("Scorecard" if len(report.statements) == 1 else f"Scorecard {st.id}")
        _scorecard(sheet, st, report.as_of)
    # made in memory and written in one go: a zip file that fails to close on a full disk would
    # otherwise complain again from its finaliser, after the error was reported
    buffer = io.BytesIO()
    book.save(buffer)
    with open(path, "wb") as handle:
        handle.write(buffer.getvalue())


def _pledges(sheet, report: Report) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = "Pledges"
    header, rows = pledge_table(report)
    status = header.index("status")
    _append(sheet, header)
    for row in rows:
        row[status] = Status(row[status]).label
        _append(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, name in enumerate(header, 1):
        cells = [sheet.cell(r, column) for r in range(2, len(rows) + 2)]
        prose = name in TEXT_COLUMNS or name.startswith("justification_")
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            cell.alignment = wrap if prose else Alignment(vertical="top")
        longest = max([len(name)] + [len(_shown(c.value)) for c in cells])
        letter = sheet.cell(1, column).column_letter
        sheet.column_dimensions[letter].width = 80 if name == "text" else min(max(longest, 6) + 2, 50 if prose else 40)
    sheet.freeze_panes = "C2"  # the header and the statement and ref columns stay in view
    sheet.auto_filter.ref = sheet.dimensions


def _append(sheet, values: list) -> None:
    """A row of the sheet; its text stays text (neutral: never a formula, only characters a cell can
    hold, at most a cell's length)."""
    sheet.append([for_spreadsheet(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        text_cell(cell)


def _shown(value: object) -> str:
    if value is None:
        return ""
    return DATE_FORMAT if isinstance(value, dt.date) else str(value)


def _scorecard(sheet, st: StatementReport, as_of: dt.date) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    card = st.scorecard
    _append(
        sheet, [f"{st.title}: average score per sphere and party (-1 no compliance, 0 partial, +1 full), as of {as_of}"]
    )
    sheet["A1"].font = Font(bold=True)
    _append(sheet, ["Sphere", *[p.name for p in card.parties], "All parties"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in st.status_by_sphere:
        total = card.by_sphere.get(row.sphere.id)
        cells = [card.cell(p.id, row.sphere.id) for p in card.parties] + [total]
        _append(sheet, [row.sphere.name, *[_rounded(c.average) if c else None for c in cells]])
    last_sphere = sheet.max_row
    by_party = [card.by_party.get(p.id) for p in card.parties] + [card.overall]
    _append(sheet, ["All spheres", *[_rounded(c.average) if c else None for c in by_party]])
    _append(sheet, ["Research Group %", *[round(c.percent) / 100 if c and c.count else None for c in by_party]])
    _append(sheet, ["Scores (n)", *[c.count if c else 0 for c in by_party]])
    for row in sheet.iter_rows(min_row=3, max_row=last_sphere + 1, min_col=2):
        for cell in row:
            if isinstance(cell.value, float | int):
                cell.number_format = SCORE_FORMAT
                green = int(255 * (cell.value + 1) / 2)
                cell.fill = PatternFill("solid", fgColor=f"{255 - green:02X}{min(255, 120 + green // 2):02X}80")
    for cell in sheet[last_sphere + 2][1:]:
        cell.number_format = PERCENT_FORMAT
    for total in range(last_sphere + 1, last_sphere + 4):
        sheet.cell(total, 1).font = Font(bold=True)
    last_column = get_column_letter(len(card.parties) + 2)
    sheet.freeze_panes = "B3"
    sheet.auto_filter.ref = f"A2:{last_column}{last_sphere}"  # the spheres; the totals below stay put
    sheet.column_dimensions["A"].width = min(
        max([len("Research Group %")] + [len(r.sphere.name) for r in st.status_by_sphere]) + 2, 50
    )
    for column, party in enumerate(card.parties, 2):
        sheet.column_dimensions[get_column_letter(column)].width = max(len(party.name), 8) + 2
    sheet.column_dimensions[last_column].width = len("All parties") + 2


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)

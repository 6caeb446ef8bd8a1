"""`casr-tracker report` in every format, as of past dates, with its mistakes; the PDF read back with pypdf."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os

import pytest
from pypdf import PdfReader

from casr_tracker import cli


@pytest.fixture
def tracked(run):
    assert run("status", "TRD-3", "in_progress", "--date", "2021-03-01").code == 0
    assert run("status", "TRD-3", "fulfilled", "--date", "2023-02-01").code == 0
    assert run("assess", "TRD-3", "KZ", "+1", "--date", "2021-04-01").code == 0
    assert run("note", "TRD-3", "<script>alert(1)</script>").code == 0
    assert (
        run("evidence", "add", "SNT-4", "--document", "1", "--quote", "increase the number of scholarships").code == 0
    )
    return run


def test_every_format_from_the_extension(tracked, tmp_path):
    for ext, head in (("html", "<!DOCTYPE html>"), ("md", "# Progress report"), ("csv", "statement,ref,sphere")):
        out = tmp_path / f"r.{ext}"
        result = tracked("report", "-o", str(out))
        assert result.code == 0 and out.read_text(encoding="utf-8").startswith(head), result.err
    forced = tmp_path / "report.txt"
    assert tracked("report", "-o", str(forced), "--format", "md").code == 0
    assert forced.read_text(encoding="utf-8").startswith("# Progress report")


def test_as_of_reproduces_the_past_in_csv(tracked, tmp_path):
    past, today = tmp_path / "past.csv", tmp_path / "today.csv"
    assert tracked("report", "-o", str(past), "--as-of", "2022-01-01").code == 0
    assert tracked("report", "-o", str(today)).code == 0
    rows_past = {r["ref"]: r for r in csv.DictReader(io.StringIO(past.read_text(encoding="utf-8")))}
    rows_today = {r["ref"]: r for r in csv.DictReader(io.StringIO(today.read_text(encoding="utf-8")))}
    assert (rows_past["TRD-3"]["status"], rows_past["TRD-3"]["status_date"]) == ("in_progress", "2021-03-01")
    assert (rows_today["TRD-3"]["status"], rows_today["TRD-3"]["status_date"]) == ("fulfilled", "2023-02-01")
    assert rows_past["TRD-3"]["score_Kazakhstan"] == "1"
    assert rows_past["TRD-3"]["last_note"] == ""  # the note was written today


def test_pdf_pages_text_header_and_escaping(tracked, tmp_path):
    out = tmp_path / "report.pdf"
    result = tracked("report", "-o", str(out), "--since", "2021-01-01")
    assert result.code == 0, result.err
    reader = PdfReader(str(out))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) >= 5
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        assert "status as of" in text  # the running header
    whole = "\n".join(pages)
    for expected in (
        "Executive summary",
        "Compliance scorecard",
        "Changes since 2021-01-01",
        "Trade and economy",
        "TRD-3",
        "Appendix: sources cited",
        "<script>alert(1)</script>",
        "scholarships",
    ):
        assert expected in whole, expected
    assert reader.metadata.title.startswith("Progress report")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "-o", "OUT/r.xyz"], "Cannot tell the format"),
        (["report", "-o", "OUT/r.pdf", "--as-of", "2021-99-01"], "is not a date"),
        (["report", "-o", "OUT/r.pdf", "--as-of", "March 2021"], "'March 2021' names no day"),
        (["report", "-o", "OUT/r.pdf", "--since", "2021"], "'2021' names no day or month"),
        (["report", "-o", "OUT/r.pdf", "--as-of", "2021-01-01", "--since", "2022-01-01"], "must be before"),
        (["report", "-o", "OUT/r.pdf", "--statement", "5"], "There is no statement 5"),
        (["report", "-o", "/no/such/folder/r.pdf"], "does not exist"),
        (["report", "-o", "OUT", "--format", "pdf"], "is a folder"),
    ],
)
def test_report_mistakes(run, tmp_path, args, message):
    result = run(*[a.replace("OUT", str(tmp_path)) for a in args])
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1
    assert not list(tmp_path.glob("r.*")) and not list(tmp_path.glob(".report-*"))


def test_excel_workbook(tracked, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    assert tracked("report", "-o", str(out), "--as-of", "2022-01-01").code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Pledges", "Scorecard"]
    rows = list(book["Pledges"].iter_rows(values_only=True))
    header, trade = rows[0], next(r for r in rows if r[1] == "TRD-3")
    assert header[:3] == ("statement", "ref", "sphere") and len(rows) == 42
    assert trade[header.index("status")] == "In progress" and trade[header.index("score_Kazakhstan")] == 1
    card = [r for r in book["Scorecard"].iter_rows(values_only=True) if r and r[0] == "Trade and economy"]
    assert card and card[0][1] == 1.0


def test_excel_cells_are_typed_rounded_labelled_filtered_and_frozen(tracked, tmp_path):
    from openpyxl import load_workbook

    assert tracked("assess", "TRD-1", "KZ", "0", "--date", "2021-04-01").code == 0
    assert tracked("assess", "TRD-2", "KZ", "0", "--date", "2021-04-01").code == 0
    out = tmp_path / "report.xlsx"
    assert tracked("report", "-o", str(out)).code == 0
    book = load_workbook(out)
    pledges = book["Pledges"]
    header = [c.value for c in pledges[1]]
    trade = next(row for row in pledges.iter_rows(min_row=2) if row[1].value == "TRD-3")
    status, date = trade[header.index("status")], trade[header.index("status_date")]
    assert status.value == "Fulfilled"
    assert date.is_date and date.value == dt.datetime(2023, 2, 1) and "yyyy" in date.number_format
    assert pledges.auto_filter.ref == pledges.dimensions and pledges.freeze_panes in ("A2", "B2", "C2")
    assert all(cell.font.b for cell in pledges[1])
    widths = {cell.value: pledges.column_dimensions[cell.column_letter].width for cell in pledges[1]}
    assert all(width >= max(8, len(name) + 1) for name, width in widths.items())  # every header reads whole
    assert widths["text"] >= 60 and pledges.cell(trade[0].row, header.index("text") + 1).alignment.wrap_text
    card = book["Scorecard"]
    rows = {row[0].value: row for row in card.iter_rows() if row[0].value}
    sphere_header = rows["Sphere"]
    kz = [c.value for c in sphere_header].index("Kazakhstan")
    average = rows["Trade and economy"][kz]
    assert average.value == 0.33 and average.number_format == "+0.00;-0.00;0.00"
    percent = rows["Research Group %"][kz]
    assert percent.value == 0.67 and percent.number_format == "0%"
    assert rows["Scores (n)"][kz].value == 3
    assert card.freeze_panes == f"B{sphere_header[0].row + 1}"
    assert card.auto_filter.ref.startswith(f"A{sphere_header[0].row}:")


MODES = (
    [(fmt, 0o022, 0o644) for fmt in ("html", "md", "csv", "xlsx", "pdf")]
    + [(fmt, 0o077, 0o600) for fmt in ("html", "md", "csv", "xlsx")]
    + [("md", 0o002, 0o664)]
)


@pytest.mark.skipif(os.name != "posix", reason="file modes and umasks are POSIX")
@pytest.mark.parametrize(("fmt", "umask", "mode"), MODES)
def test_report_files_get_the_mode_of_the_umask(tmp_path, capsys, fmt, umask, mode):
    """A report is a file like any other: 0o666 less the umask (file modes do not depend on the
    database, so one SQLite tracker serves)."""
    out = tmp_path / f"report.{fmt}"
    old = os.umask(umask)
    try:
        code = cli.main(["--db", f"sqlite:///{tmp_path / 'tracker.sqlite3'}", "report", "-o", str(out)])
    finally:
        os.umask(old)
    assert code == 0, capsys.readouterr().err
    assert out.stat().st_mode & 0o777 == mode
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report-")] == []


def test_a_titled_link_travels_through_export_import_into_the_report(run, tmp_path):
    url = "https://example.org/customs?x=1&y=2"
    added = run("evidence", "add", "TRD-3", "--url", url, "--title", "Customs talks resume", "--date", "2022-05-04")
    assert added.code == 0, added.err
    excerpt = run("evidence", "add", "TRD-3", "--document", "3", "--quote", "trade volumes", "--title", "T")
    assert excerpt.code == 2 and "A title names a link" in excerpt.err
    dump = tmp_path / "dump.json"
    assert run("export", "--format", "json", "-o", str(dump)).code == 0
    rows = json.loads(dump.read_text(encoding="utf-8"))["tables"]["evidence"]
    assert [(r["url"], r["title"], r["date"]) for r in rows] == [(url, "Customs talks resume", "2022-05-04")]
    copy = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    assert run("import-json", str(dump), db=copy).code == 0
    assert run("check", db=copy).code == 0
    report = tmp_path / "r.md"
    assert run("report", "-o", str(report), db=copy).code == 0
    sources = report.read_text(encoding="utf-8").split("## Sources cited")[1]
    assert f"1. [Customs talks resume](<{url}>), 2022-05-04" in sources
    assert run("report", "-o", str(tmp_path / "r.html"), db=copy).code == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/customs?x=1&amp;y=2">Customs talks resume</a>' in page


def test_a_statement_counts_in_reports_from_its_date_or_its_import(run, tmp_path):
    """An undated statement imported today is not in a report as of 2021; a dated one from its date."""
    from ..conftest import DATA

    assert run("import-statement", str(DATA / "second_statement.txt")).code == 0
    old, today = tmp_path / "old.csv", tmp_path / "today.csv"
    assert run("report", "-o", str(old), "--as-of", "2021-12-31").code == 0
    assert run("report", "-o", str(today)).code == 0
    statements = lambda path: {row.split(",")[0] for row in path.read_text(encoding="utf-8").splitlines()[1:]}  # noqa: E731
    assert len(statements(today)) == len(statements(old)) + 1

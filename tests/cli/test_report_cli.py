"""`casr-tracker report` in every format, as of past dates, with its mistakes; the PDF read back with pypdf."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader


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
    assert trade[header.index("status")] == "in_progress" and trade[header.index("score_Kazakhstan")] == 1
    card = [r for r in book["Scorecard"].iter_rows(values_only=True) if r and r[0] == "Trade and economy"]
    assert card and card[0][1] == 1.0

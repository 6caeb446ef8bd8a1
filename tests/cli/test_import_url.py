"""Capture from the web: pages served by a real HTTP server on 127.0.0.1 (saved pages in
tests/data/pages), imported with `casr-tracker import-document URL`; every failure is one sentence
and stores nothing."""

from __future__ import annotations

import pytest

from casr_tracker.errors import BadFile
from casr_tracker.importer import web

from ..pages_server import PAGES, serving


@pytest.fixture(scope="module")
def site():
    with serving() as address:
        yield address


def test_a_page_is_imported_with_its_text_dates_bytes_and_address(run, site, snapshot, tmp_path):
    result = run("import-document", f"{site}/old-address", "--json")
    assert result.code == 0, result.err
    row = result.json()
    assert row["title"] == "Russia launches gas supply to Uzbekistan via Kazakhstan"
    assert (row["date"], row["updated"], row["author"]) == ("2023-10-07", "2023-10-09", "Aida Karimova")
    assert row["url"] == f"{site}/news/gas-uzbekistan"  # where it was fetched, after the redirect
    assert row["retrieved_at"] and row["media_type"] == "text/html"
    assert row["original_bytes"] == len((PAGES / "gas-uzbekistan.html").read_bytes())
    stored = next(d for d in snapshot()["tables"]["document"] if d["id"] == row["id"])
    text = stored["text"]
    assert text.startswith("Russia launches gas supply to Uzbekistan via Kazakhstan\n\n")
    assert "Central Asia – Center gas pipeline" in text and "All rights reserved" not in text
    assert "Privacy" not in text and "Lavrov meets ministers" not in text  # navigation, footer, sidebar
    assert "Already imported" in run("import-document", f"{site}/news/gas-uzbekistan").out
    assert run("evidence", "add", "ENR-1", "--document", str(row["id"]), "--quote", "launched gas exports").code == 0
    report = tmp_path / "r.md"
    assert run("report", "-o", str(report)).code == 0
    cited = next(line for line in report.read_text(encoding="utf-8").splitlines() if "Russia launches gas" in line)
    assert cited.endswith(f", Aida Karimova, retrieved {row['retrieved_at'][:10]}")


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/missing", "the server answered 404"),
        ("/report.pdf", "is not a web page (it is application/pdf)"),
        ("/empty", "has no text to import"),
    ],
)
def test_a_page_that_cannot_be_imported_is_one_sentence_and_nothing_is_stored(engine, run, site, snapshot, path, says):
    before = snapshot()
    result = run("import-document", f"{site}{path}")
    assert result.code == 2 and says in result.err and len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err and snapshot() == before


def test_a_bad_address_and_a_closed_port_are_one_sentence(engine, run, snapshot):
    before = snapshot()
    for address, says in (("http://", "is not a web address"), ("http://127.0.0.1:9/x", "could not be reached")):
        result = run("import-document", address)
        assert result.code == 2 and says in result.err and len(result.err.strip().splitlines()) == 1
    assert snapshot() == before


def test_a_timeout_and_a_page_over_the_cap_are_refused(site):
    with pytest.raises(BadFile, match="did not answer within 0.5 seconds"):
        web.fetch(f"{site}/slow", timeout=0.5)
    with pytest.raises(BadFile, match="larger than"):
        web.fetch(f"{site}/news/gas-uzbekistan", max_bytes=1024 * 1024 // 1024)


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/to-ftp", "which is not a web page"),
        ("/cut", "arrived cut short"),
    ],
)
def test_a_redirect_elsewhere_and_a_page_cut_short_are_refused(site, path, says):
    with pytest.raises(BadFile, match=says):
        web.fetch(f"{site}{path}")


def test_the_whole_download_must_finish_within_the_timeout(site):
    with pytest.raises(BadFile, match="within 1 seconds"):
        web.fetch(f"{site}/drip", timeout=1)


def test_the_servers_charset_and_a_non_ascii_address(site):
    loaded = web.load_url(f"{site}/latin1")
    assert "À Genève, on apprend" in loaded.text
    assert "Central Asia" in web.load_url(f"{site}/новости/gas uzbekistan").text

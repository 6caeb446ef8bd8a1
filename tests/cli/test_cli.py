"""Every command of the CLI, its JSON, and its answers to mistakes (one line, non-zero, nothing changed)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from sqlmodel import select

from casr_tracker import db, services
from casr_tracker.models import Evidence

from ..conftest import DATA, SEEDS, STATEMENT

PLEDGE_KEYS = {
    "ref",
    "statement",
    "sphere",
    "text",
    "start",
    "end",
    "parties",
    "strength",
    "status",
    "version",
    "evidence_count",
    "notes_count",
}
DOCUMENT_KEYS = {"id", "title", "date", "author", "url", "sha256"}


def test_pledges_json_shape_and_offsets(run, statement_text):
    result = run("pledges", "--json")
    assert result.code == 0
    rows = result.json()
    assert len(rows) > 30
    for row in rows:
        assert row.keys() >= PLEDGE_KEYS
        assert statement_text[row["start"] : row["end"]] == row["text"]
    assert {"Russia", "Kazakhstan"} <= set(rows[0]["parties"])
    assert run("pledges", "--sphere", "Transport", "--json").json()[0]["ref"] == "TRN-1"
    russia = {r["ref"] for r in run("pledges", "--party", "Russia", "--json").json()}
    uzbekistan = {r["ref"] for r in run("pledges", "--party", "UZ", "--json").json()}
    assert russia - uzbekistan == {"SNT-5"}
    assert uzbekistan - russia == {"MGR-2"}


def test_status_then_history(run):
    assert run("status", "SNT-4", "in_progress", "--comment", "MoU signed", "--date", "2021-09-01").code == 0
    result = run("history", "SNT-4", "--json")
    entries = result.json()
    assert entries[0]["kind"] == "status" and entries[0]["date"] == "2021-09-01"
    assert entries[0]["detail"]["new"] == "in_progress" and entries[0]["who"] == "tester"
    text = run("history", "SNT-4").out
    assert "Not assessed → In progress: MoU signed" in text
    filtered = run("pledges", "--status", "in_progress", "--json").json()
    assert [r["ref"] for r in filtered] == ["SNT-4"]


def test_expect_version(run):
    version = run("pledges", "--json").json()[0]["version"]
    assert run("status", "GEN-1", "in_progress", "--expect-version", str(version)).code == 0
    stale = run("status", "GEN-1", "fulfilled", "--expect-version", str(version))
    assert stale.code != 0
    assert "GEN-1 was changed by tester" in stale.err and stale.err.count("\n") == 1
    assert run("pledges", "--json").json()[0]["status"] == "in_progress"


def test_assess_note_evidence(run):
    assert run("assess", "SNT-5", "Russia", "+1", "--comment", "data shared", "--date", "2021-02-01").code == 0
    assert run("assess", "TRD-3", "UZ", "-1").code == 0
    assert run("note", "TRD-3", "Ask the embassy about customs").code == 0
    assert (
        run("evidence", "add", "TRD-3", "--document", "3", "--quote", "trade volumes", "--stance", "supports").code == 0
    )
    path = str(SEEDS / "doc-2020-10-30-wolkov-fms-release-statement.txt")
    assert run("evidence", "add", "TRD-3", "--document", path, "--quote", "uninterrupted flow of goods").code == 0
    assert run("evidence", "add", "TRD-3", "--url", "https://example.org/customs").code == 0
    row = next(r for r in run("pledges", "--json").json() if r["ref"] == "TRD-3")
    assert (row["evidence_count"], row["notes_count"]) == (3, 1)
    listed = run("evidence", "list", "TRD-3", "--json").json()
    assert [e["stance"] for e in listed] == ["supports"] * 3
    kinds = [e["kind"] for e in run("history", "TRD-3", "--json").json()]
    assert kinds.count("assessment") == 1 and kinds.count("note") == 1


def test_evidence_list_marks_withdrawn_items(run, db_url):
    kept = ("--url", "https://example.org/kept", "--title", "Customs union talks", "--date", "2021-03-05")
    assert run("evidence", "add", "TRD-3", *kept).code == 0
    assert run("evidence", "add", "TRD-3", "--url", "https://example.org/taken-back", "--date", "2021-04-01").code == 0
    engine = db.make_engine(db_url)
    with db.session_scope(engine) as s:
        taken_back = s.exec(select(Evidence).where(Evidence.url == "https://example.org/taken-back")).one()
        withdrawn = services.withdraw_evidence(session=s, evidence=taken_back)
        day = withdrawn.withdrawn_at.date().isoformat()
    engine.dispose()
    lines = run("evidence", "list", "TRD-3").out.splitlines()
    assert lines == [
        "  2021-03-05  supports    Customs union talks <https://example.org/kept>",
        "Withdrawn (no longer counted):",
        f"  2021-04-01  supports    https://example.org/taken-back  [withdrawn on {day}]",
    ]
    listed = run("evidence", "list", "TRD-3", "--json").json()
    assert [e["withdrawn_at"] is None for e in listed] == [True, False]


def test_documents_and_import_document(run, tmp_path):
    docs = run("documents", "--json").json()
    assert len(docs) == 4 and all(d.keys() >= DOCUMENT_KEYS for d in docs)
    assert docs[0]["date"] == "2020-10-30"
    page = tmp_path / "news.txt"
    page.write_text(
        "Menu\nUzbekistan opens migrant training centre with Russian support\nBy Anna Petrova March 3, 2021\n"
        "Tashkent launched a vocational training centre for labour migrants. Earlier, on January 5, 2020, talks began.\n",
        encoding="utf-8",
    )
    result = run("import-document", str(page), "--json")
    assert result.code == 0
    doc = result.json()
    assert doc["title"] == "Uzbekistan opens migrant training centre with Russian support"
    assert doc["date"] == "2021-03-03" and doc["author"] == "Anna Petrova" and doc["created"]
    again = run("import-document", str(page))
    assert again.code == 0 and "Already imported" in again.out
    assert len(run("documents", "--json").json()) == 5


def test_import_statement_idempotent_and_second_statement(run):
    first = run("import-statement", str(STATEMENT), "--json").json()
    assert first["identical"]
    second = run(
        "import-statement",
        str(DATA / "second_statement.txt"),
        "--title",
        "Trilateral",
        "--date",
        "2023-05-04",
        "--json",
    ).json()
    assert second["created"] and second["spheres"] == 3
    rows = run("pledges", "--statement", str(second["statement_id"]), "--json").json()
    assert rows[0]["ref"] == "GEN-1" or rows[0]["ref"].startswith("WTR")
    ambiguous = run("status", "REV-1", "in_progress")
    assert ambiguous.code != 0 and "STATEMENT/REV-1" in ambiguous.err
    assert run("status", f"{second['statement_id']}/REV-1", "in_progress").code == 0


def test_export_import_json_round_trip(run, tmp_path, snapshot):
    run("status", "ENR-3", "fulfilled", "--date", "2022-01-01")
    run("note", "ENR-3", "Done at the 2022 energy forum")
    out = tmp_path / "dump.json"
    assert run("export", "--format", "json", "-o", str(out)).code == 0
    target = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    result = run("import-json", str(out), db=target)
    assert result.code == 0, result.err
    assert snapshot(target)["tables"] == json.loads(out.read_text(encoding="utf-8"))["tables"]
    refused = run("import-json", str(out), db=target)
    assert refused.code != 0 and "already holds" in refused.err


TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()

BAD = [
    (["status", "NOPE-1", "fulfilled"], "There is no pledge"),
    (["status", "TRD-3", "finished"], "is not a status"),
    (["status", "TRD-3", "fulfilled", "--date", "31/31/2021"], "is not a date"),
    (["status", "TRD-3", "fulfilled", "--date", "March 2021"], "'March 2021' names no day; write a full date"),
    (["status", "TRD-3", "fulfilled", "--date", TOMORROW], f"cannot take effect on {TOMORROW}, after today"),
    (["assess", "TRD-3", "KZ", "1", "--date", "2021-03"], "'2021-03' names no day"),
    (["assess", "TRD-3", "KZ", "1", "--date", TOMORROW], f"cannot take effect on {TOMORROW}, after today"),
    (["evidence", "add", "TRD-3", "--url", "https://example.org", "--date", "15 March"], "'15 March' names no year"),
    (["import-document", str(SEEDS / "manifest.json"), "--date", "2021"], "'2021' names no day or month"),
    (["import-statement", str(DATA / "second_statement.txt"), "--date", "May 2023"], "'May 2023' names no day"),
    (["assess", "TRD-3", "France", "1"], "is not a party"),
    (["assess", "TRD-3", "KZ", "5"], "is not a compliance score"),
    (["assess", "TRD-3", "KZ", ""], "is not a compliance score"),
    (["assess", "SNT-5", "KZ", "1"], "binds Russia, not Kazakhstan"),
    (["note", "TRD-3", "   "], "cannot be empty"),
    (["evidence", "add", "TRD-3", "--url", "javascript:alert(1)"], "not an http, https or file link"),
    (["evidence", "add", "TRD-3", "--document", "99", "--quote", "x"], "There is no document 99"),
    (["evidence", "add", "TRD-3", "--document", "1"], "needs --quote"),
    (["evidence", "add", "TRD-3"], "Give --document"),
    (["import-statement", "/no/such/file.txt"], "does not exist"),
    (["import-document", "/no/such/file.txt"], "does not exist"),
    (["history", "ZZZ-1"], "There is no pledge"),
    (["pledges", "--status", "bogus"], "is not a status"),
    (["status", "TRD-3"], "the following arguments are required"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _m in BAD])
def test_mistakes_get_one_line_and_change_nothing(run, snapshot, args, message):
    run("pledges")  # seed first, so the snapshot is of a real tracker
    before = snapshot()
    try:
        result = run(*args)
    except SystemExit as exit_:  # argparse usage errors
        assert exit_.code == 2
    else:
        assert result.code != 0
        assert message in result.err, result.err
        assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert snapshot() == before


def test_a_status_after_today_is_refused_with_one_sentence(run):
    run("pledges")
    before = run("history", "TRD-3", "--json").json()
    result = run("status", "TRD-3", "fulfilled", "--date", "2030-01-01")
    today = dt.date.today().isoformat()
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"casr-tracker: A status of TRD-3 cannot take effect on 2030-01-01, after today ({today}); "
        "give today's date or an earlier one.\n"
    )
    assert run("history", "TRD-3", "--json").json() == before
    assert run("status", "TRD-3", "fulfilled", "--date", today).code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary" * 100, "binary"),
        (b"Just a sentence. The ministers met in Tashkent.", "commits its parties to anything"),
    ],
)
def test_bad_statement_files(run, snapshot, tmp_path, content, message):
    run("pledges")
    before = snapshot()
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run("import-statement", str(path))
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1
    assert snapshot() == before


def test_usage_error_is_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "casr_tracker", "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "status", "TRD-3"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "required" in result.stderr


def test_console_script_and_module(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    module = subprocess.run(
        [sys.executable, "-m", "casr_tracker", "--db", url, "pledges", "--json"], capture_output=True, text=True
    )
    assert module.returncode == 0 and len(json.loads(module.stdout)) > 30
    script = subprocess.run(
        ["casr-tracker", "--db", url, "pledges", "--json"], capture_output=True, text=True, cwd=tmp_path
    )
    assert script.returncode == 0 and json.loads(script.stdout) == json.loads(module.stdout)


def test_default_database_lives_in_the_user_data_folder(tmp_path, monkeypatch, capsys):
    from casr_tracker import cli

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cli.main(["documents", "--json"]) == 0
    assert (tmp_path / "data" / "casr-tracker" / "tracker.sqlite3").exists()
    monkeypatch.setenv("CASR_TRACKER_DB", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    assert cli.main(["--empty", "documents", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n]\n")[-1] or "[]") == []
    assert (tmp_path / "env.sqlite3").exists()


def test_suggest_json_and_path_resolution(run):
    by_id = run("suggest", "1", "--json")
    assert by_id.code == 0
    proposals = by_id.json()
    assert proposals and [p["start"] for p in proposals] == sorted(p["start"] for p in proposals)
    scholarships = next(p for p in proposals if "scholarships" in p["text"])
    assert scholarships["candidates"][0]["ref"] == "SNT-4"
    assert all(len(p["candidates"]) <= 2 for p in run("suggest", "1", "--top", "2", "--json").json())
    path = str(SEEDS / "doc-2020-10-30-wolkov-fms-release-statement.txt")
    assert run("suggest", path, "--json").json() == proposals
    text = run("suggest", "3")
    assert text.code == 0 and "passages with suggestions" in text.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["suggest", "42"], "There is no document 42"),
        (["suggest", "1", "--top", "0"], "--top must be 1 or more"),
        (["suggest", "/no/such.txt"], "does not exist"),
    ],
)
def test_suggest_mistakes(run, args, message):
    result = run(*args)
    assert result.code == 2 and message in result.err


def test_suggest_for_a_file_not_imported_yet(run, tmp_path):
    path = tmp_path / "new.txt"
    path.write_text("Some news about scholarships for students.\n", encoding="utf-8")
    result = run("suggest", str(path))
    assert result.code == 2 and "has not been imported" in result.err


def test_suggest_min_strength(run):
    every = run("suggest", "2", "--json").json()
    sure = run("suggest", "2", "--min-strength", "medium", "--json").json()
    assert 0 < len(sure) < len(every)
    assert all(any(c["strength"] in ("medium", "strong") for c in p["candidates"]) for p in sure)


def test_keywords_teach_the_suggestions_a_pledges_own_words(run, tmp_path):
    """A passage in words no pledge uses finds its pledge once the analyst gives it those words."""
    page = tmp_path / "gas.txt"
    page.write_text(
        "Gazprom and Uztransgaz sign a supply contract\nBy A. Writer March 3, 2023\n"
        "Gazprom and Uztransgaz signed a contract for supplies through the CAC system starting next winter.\n",
        encoding="utf-8",
    )
    document = run("import-document", str(page), "--json").json()["id"]

    def first_candidates():
        found = run("suggest", str(document), "--json").json()
        return [p["candidates"][0]["ref"] for p in found if "Uztransgaz signed" in p["text"]]

    assert first_candidates() != ["ENR-1"]
    assert run("keywords", "ENR-1", "Gazprom, Uztransgaz, CAC system").out.strip() == (
        "ENR-1: Gazprom, Uztransgaz, CAC system"
    )
    assert first_candidates() == ["ENR-1"]
    assert "keywords of ENR-1" in run("undo").out
    assert run("keywords", "ENR-1").out.strip() == "ENR-1: no keywords"
    bad = run("keywords", "ENR-1", "")
    assert bad.code == 2 and "already has these keywords" in bad.err


def test_a_document_dated_after_today_is_refused_at_import(run, snapshot, tmp_path):
    page = tmp_path / "later.txt"
    page.write_text("A later article about trade\n\nTrade grew by a tenth last year.\n", encoding="utf-8")
    run("documents")
    before = snapshot()
    result = run("import-document", str(page), "--date", "2099-01-01")
    assert result.code == 2 and "cannot be dated 2099-01-01, after today" in result.err
    assert snapshot() == before


def test_a_quote_that_says_nothing_and_a_non_web_address_are_refused(run, snapshot):
    run("documents")
    before = snapshot()
    lone = run("evidence", "add", "SNT-8", "--document", "2", "--quote", "the")
    assert lone.code == 2 and "says nothing by itself" in lone.err
    ftp = run("import-document", "ftp://127.0.0.1/x")
    assert ftp.code == 2 and "is not a web address" in ftp.err
    assert snapshot() == before

"""Trust no file you open (issue 16): `import-json`, `restore`, `--db` and `check` on files that were
tampered with, made by another application or by a newer version. Each refusal is one sentence with
exit 2, and the tracker (or the foreign file) is left exactly as it was."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from casr_tracker import cli, db
from casr_tracker.seeding import open_tracker

from ..conftest import one_line_refusal


@pytest.fixture
def run(run_file):
    """`casr-tracker --db sqlite:///FILE ARGS` in-process: (code, stdout, stderr)."""
    return run_file


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def application_id(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA application_id").fetchone()[0]
    finally:
        conn.close()


def ours() -> int:
    from casr_tracker.trackerfile import APPLICATION_ID

    return APPLICATION_ID


@pytest.fixture
def tracker(tmp_path, run) -> Path:
    """A seeded tracker with a status, a score, a note, an excerpt and a link."""
    path = tmp_path / "tracker.sqlite3"
    assert run(path, "status", "TRD-3", "in_progress", "--date", "2021-03-01")[0] == 0
    assert run(path, "assess", "TRD-3", "KZ", "1", "--date", "2021-03-01")[0] == 0
    assert run(path, "note", "TRD-3", "Talks began")[0] == 0
    assert run(path, "evidence", "add", "TRD-3", "--url", "https://example.org/a")[0] == 0
    assert run(path, "evidence", "add", "TRD-3", "--document", "2", "--quote", "Central Asia")[0] == 0
    return path


@pytest.fixture
def export(tracker, tmp_path, run) -> dict:
    out = tmp_path / "export.json"
    assert run(tracker, "export", "-o", str(out))[0] == 0
    return json.loads(out.read_text(encoding="utf-8"))


# --- import-json ------------------------------------------------------------------------------------


def _first(tables, table, **where):
    return next(row for row in tables[table] if all(row[k] == v for k, v in where.items()))


def _excerpt(tables):
    return next(row for row in tables["evidence"] if row["document_id"] is not None)


def _link(tables):
    return next(row for row in tables["evidence"] if row["document_id"] is None)


def _event(tables, kind):
    return next(row for row in tables["event"] if row["kind"] == kind)


TAMPERED = [
    ("score 7", lambda t: t["assessment"][0].update(score=7), "assessment 1 has score 7; scores are -1, 0 or +1"),
    ("score 1.0", lambda t: t["assessment"][0].update(score=1.0), "assessment 1 has score 1.0; scores are -1, 0 or +1"),
    ("status", lambda t: t["pledge"][0].update(status="bogus"), "pledge 1 has status 'bogus'; statuses are"),
    ("status entry", lambda t: t["status_change"][0].update(new="bogus"), "status_change 1 has new 'bogus'"),
    ("stance", lambda t: _link(t).update(stance="loves"), "evidence 1 has stance 'loves'; stances are"),
    ("strength", lambda t: t["pledge"][0].update(strength="huge"), "pledge 1 has strength 'huge'"),
    ("sphere kind", lambda t: t["sphere"][0].update(kind="x"), "sphere 1 has kind 'x'"),
    ("event kind", lambda t: t["event"][0].update(kind="x"), "event 1 has kind 'x'"),
    (
        "excerpt offsets",
        lambda t: _excerpt(t).update(end=10**6),
        "evidence 2 lies outside document 2 (17:1000000 of a text of",
    ),
    ("reversed offsets", lambda t: _excerpt(t).update(start=29, end=17), "evidence 2 lies outside document 2 (29:17"),
    ("negative offset", lambda t: t["pledge"][0].update(start=-5), "pledge 1 lies outside statement 1 (-5:"),
    ("moved quote", lambda t: _excerpt(t).update(start=18, end=30), "evidence 2 quotes what document 2 does not"),
    ("moved pledge", lambda t: t["pledge"][0].update(text="We shall do nothing."), "pledge 1 is not the text"),
    (
        "duplicate ref",
        lambda t: t["pledge"][1].update(ref=t["pledge"][0]["ref"]),
        "pledge 2 has the ref GEN-1 of another pledge of statement 1",
    ),
    (
        "javascript: link",
        lambda t: _link(t).update(url="javascript:alert(1)"),
        "evidence 1 has the URL 'javascript:alert(1)'; only http, https and file links are kept",
    ),
    ("document URL", lambda t: t["document"][0].update(url="data:text/html,x"), "document 1 has the URL 'data:"),
    (
        "huge id",
        lambda t: t["note"][0].update(id=2**63),
        "note row 1 has id 9223372036854775808, beyond what a database holds",
    ),
    ("huge reference", lambda t: t["note"][0].update(pledge_id=-(2**70)), "note 1 has pledge_id -1180591620717"),
    ("text for a number", lambda t: t["pledge"][0].update(start="abc"), "pledge 1 has start 'abc', not a whole number"),
    ("bool for a number", lambda t: t["pledge"][0].update(seq=True), "pledge 1 has seq True, not a whole number"),
    ("number for a text", lambda t: t["note"][0].update(text=5), "note 1 has text 5, not a text"),
    ("bad date", lambda t: t["status_change"][0].update(effective_date="2021-13-01"), "status_change 1 has"),
    ("missing field", lambda t: t["pledge"][0].pop("text"), "pledge 1 has no text"),
    ("unknown field", lambda t: t["pledge"][0].update(evil=1), "pledge 1 has a field 'evil' that"),
    ("unknown table", lambda t: t.update(evil=[]), "it has a table 'evil' that"),
    ("meta table", lambda t: t.update(tracker_meta=[{"key": "data_revision", "value": "1"}]), "'tracker_meta'"),
    ("row not an object", lambda t: t["note"].append([1, 2]), "note row 2 is not an object"),
    ("missing pledge", lambda t: t["note"][0].update(pledge_id=999), "note 1 names pledge 999, which it does not hold"),
    ("same id twice", lambda t: t["note"].append(dict(t["note"][0])), "note 1 occurs twice"),
    ("event data", lambda t: _event(t, "evidence_attached").update(data="not json"), "has data that is not a JSON"),
    ("event data list", lambda t: _event(t, "note_added").update(data="[1]"), "has data that is not a JSON object"),
    (
        "event date",
        lambda t: _event(t, "evidence_attached").update(data=json.dumps({"date": "garbage", "stance": "supports"})),
        "has date 'garbage' in its data, not a date",
    ),
    ("nul", lambda t: t["note"][0].update(text="a\x00b"), "note 1 has a NUL character in its text"),
]


@pytest.mark.parametrize("tamper, message", [(f, m) for _, f, m in TAMPERED], ids=[i for i, _, _ in TAMPERED])
def test_a_tampered_export_is_refused_before_anything_is_imported(run, export, tmp_path, tamper, message):
    tamper(export["tables"])
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    target = tmp_path / "target.sqlite3"
    err = one_line_refusal(run(target, "--empty", "import-json", str(path)))
    assert err.startswith(f"casr-tracker: {path} is not a valid CASR Tracker export: "), err
    assert message in err, err
    assert not target.exists()  # nothing was even opened


@pytest.mark.parametrize(
    "content, message",
    [
        ("[" * 200_000 + "]" * 200_000, "its JSON nests deeper than an export does"),
        (
            '{"format": "casr-tracker", "version": 1, "tables": {"note": [{"id": ' + "9" * 5000 + "}]}}",
            "it holds a number too long to read",
        ),
        ('{"format": "casr-tracker", "version": "2", "tables": {}}', "its version '2' is not a whole number"),
        ('{"format": "casr-tracker", "version": 1, "schema": "9999", "tables": {}}', "newer version"),
    ],
    ids=["deep nesting", "a 5,000-digit number", "a version as text", "a newer schema"],
)
def test_an_export_that_is_not_one_is_one_sentence(run, tmp_path, content, message):
    path = tmp_path / "weird.json"
    path.write_text(content, encoding="utf-8")
    target = tmp_path / "target.sqlite3"
    assert run(target, "--empty", "statements")[0] == 0
    before = digest(target)
    err = one_line_refusal(run(target, "--empty", "import-json", str(path)))
    assert message in err, err
    assert digest(target) == before


def test_a_sound_export_still_imports_and_checks_sound(run, export, tmp_path):
    path = tmp_path / "sound.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    target = tmp_path / "target.sqlite3"
    code, out, err = run(target, "--empty", "import-json", str(path))
    assert code == 0, err
    code, out, err = run(target, "check")
    assert code == 0 and "The tracker is sound" in out, out + err


# --- check ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage, problem",
    [
        ("UPDATE event SET data = 'not json' WHERE kind = 'evidence_attached'", "events: evidence 2's events"),
        ("UPDATE event SET data = '[1]' WHERE kind = 'note_added'", "events: note 1's events"),
        ("UPDATE pledge SET start = 'abc' WHERE ref = 'GEN-1'", "offsets: pledge GEN-1 (abc:"),
        ("UPDATE status_change SET effective_date = 'garbage'", "history: "),
    ],
    ids=["event data", "event data list", "text offset", "bad date"],
)
def test_check_reports_damaged_values_instead_of_crashing(run, tracker, damage, problem):
    with sqlite3.connect(tracker) as conn:
        conn.execute(damage)
    conn.close()
    code, out, err = run(tracker, "check")
    assert code == 1 and "Traceback" not in err, err
    assert problem in out, out


def test_check_reports_a_foreign_trigger(run, tracker):
    with sqlite3.connect(tracker) as conn:
        conn.execute("CREATE TRIGGER wipe AFTER INSERT ON note BEGIN DELETE FROM pledge_party; END")
    conn.close()
    code, out, err = run(tracker, "check")
    assert code == 1, out + err
    assert "schema: a trigger 'wipe' that CASR Tracker does not make" in out


# --- restore ----------------------------------------------------------------------------------------


@pytest.fixture
def backup(tracker, tmp_path, run) -> Path:
    path = tmp_path / "backup.sqlite3"
    assert run(tracker, "backup", str(path))[0] == 0
    return path


def _alter(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _hand_made(path: Path) -> None:
    path.unlink()
    _alter(
        path,
        "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)",
        f"INSERT INTO alembic_version VALUES ('{db.HEAD}')",
        "CREATE TABLE pledge (id INTEGER PRIMARY KEY, ref TEXT)",
        "CREATE TABLE statement (id INTEGER PRIMARY KEY)",
    )


RESTORE_REFUSED = [
    (
        "a trigger of its own",
        lambda p: _alter(p, "CREATE TRIGGER wipe AFTER INSERT ON note BEGIN DELETE FROM pledge_party; END"),
        "was not restored: it has a trigger 'wipe' that CASR Tracker does not make.",
    ),
    (
        "the search trigger rewritten",
        lambda p: _alter(
            p,
            "DROP TRIGGER pledge_search_ai",
            "CREATE TRIGGER pledge_search_ai AFTER INSERT ON pledge BEGIN DELETE FROM note; END",
        ),
        "was not restored: it has a trigger 'pledge_search_ai' other than the one CASR Tracker makes.",
    ),
    (
        "a view",
        lambda p: _alter(p, "CREATE VIEW everything AS SELECT * FROM pledge"),
        "was not restored: it has a view 'everything' that CASR Tracker does not make.",
    ),
    (
        "a newer schema",
        lambda p: _alter(p, "UPDATE alembic_version SET version_num = '9999'"),
        "was written by a newer version of CASR Tracker (schema 9999); update the app to restore it.",
    ),
    (
        "another application's id",
        lambda p: _alter(p, "PRAGMA application_id = 1234"),
        "is not a CASR Tracker backup (it belongs to another application).",
    ),
    ("tables that only look like a tracker's", _hand_made, "is a database, but not a CASR Tracker backup"),
]


@pytest.mark.parametrize(
    "tamper, message", [(f, m) for _, f, m in RESTORE_REFUSED], ids=[i for i, _, _ in RESTORE_REFUSED]
)
def test_restore_refuses_a_file_that_is_not_our_own_tracker(run, tracker, backup, tmp_path, tamper, message):
    tamper(backup)
    assert run(tracker, "note", "TRD-1", "written after the backup")[0] == 0
    _, before, _ = run(tracker, "export")
    err = one_line_refusal(run(tracker, "restore", str(backup), "--force"))
    assert message in err, err
    assert run(tracker, "export")[1] == before
    assert list(tmp_path.glob("*.before-restore-*")) == []  # nothing was even kept aside


def test_a_backup_made_before_the_application_id_is_still_restored(run, tracker, tmp_path):
    engine = db.make_engine(f"sqlite:///{tracker}")
    with engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0010")
    engine.dispose()
    old = tmp_path / "old.sqlite3"
    assert run(tracker, "backup", str(old))[0] == 0  # (backup itself does not migrate)
    assert application_id(old) == 0
    target = tmp_path / "restored.sqlite3"
    code, out, err = run(target, "restore", str(old))
    assert code == 0, err
    code, out, err = run(target, "check")  # opening migrates it, the id included
    assert code == 0, out + err
    assert application_id(target) == ours()


# --- the application id, and --db on a foreign file ---------------------------------------------------


def test_every_tracker_carries_the_application_id(tmp_path):
    new = tmp_path / "new.sqlite3"
    open_tracker(f"sqlite:///{new}", seed_if_empty=False).dispose()
    assert application_id(new) == ours()
    engine = db.make_engine(f"sqlite:///{new}")
    with engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0010")
        assert conn.execute(text("PRAGMA application_id")).scalar() == 0
    engine.dispose()
    open_tracker(f"sqlite:///{new}", seed_if_empty=False).dispose()  # an existing tracker gets it on open
    assert application_id(new) == ours()


def _foreign(path: Path, *statements: str) -> None:
    _alter(path, "CREATE TABLE things (x)", "INSERT INTO things VALUES (1)", *statements)


FOREIGN = [
    ("another application's tables", lambda p: _foreign(p)),
    ("another application's id", lambda p: _foreign(p, "PRAGMA application_id = 1234")),
    (
        "another Alembic application",
        lambda p: _foreign(
            p, "CREATE TABLE alembic_version (version_num VARCHAR(32))", "INSERT INTO alembic_version VALUES ('ab12')"
        ),
    ),
    ("a text file", lambda p: p.write_text("my notes, not a database\n" * 100)),
]


@pytest.mark.parametrize("make", [f for _, f in FOREIGN], ids=[i for i, _ in FOREIGN])
def test_a_foreign_file_named_with_db_is_refused_and_left_byte_for_byte(run, tmp_path, make):
    path = tmp_path / "other.sqlite3"
    make(path)
    before = digest(path)
    for args in (["pledges"], ["--empty", "check"]):
        err = one_line_refusal(run(path, *args))
        assert "is not a CASR Tracker database" in err, err
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.glob("other*")) == ["other.sqlite3"]  # no -wal, no -shm


def test_copy_does_not_carry_a_tampered_tracker_on(run, tracker, tmp_path, capsys):
    with sqlite3.connect(tracker) as conn:
        conn.execute("UPDATE assessment SET score = 7")
    conn.close()
    target = tmp_path / "copy.sqlite3"
    capsys.readouterr()
    code = cli.main(["copy", "--from", f"sqlite:///{tracker}", "--to", f"sqlite:///{target}"])
    err = one_line_refusal((code, *capsys.readouterr()))
    assert "cannot be copied: assessment 1 has score 7; scores are -1, 0 or +1." in err, err
    assert not target.exists()


def test_the_digest_of_a_fresh_trackers_triggers_and_views_is_in_step():
    """`--db` checks a tracker at HEAD against trackerfile.HEAD_OBJECTS with one query: a new
    migration that adds or changes a trigger or view must update it."""
    from casr_tracker import trackerfile

    assert trackerfile.objects_digest(trackerfile.expected(db.HEAD).objects) == trackerfile.HEAD_OBJECTS


def test_db_refuses_a_tracker_carrying_a_trigger_of_its_own(tmp_path, run):
    """A trigger that deletes rows later: `--db` refuses the file before anything runs, and the file
    is left as it was (restore and check already refused or reported it)."""
    path = tmp_path / "tracker.sqlite3"
    assert run(path, "note", "TRD-1", "before")[0] == 0
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TRIGGER wipe AFTER INSERT ON note BEGIN DELETE FROM evidence; END")
    before = digest(path)
    err = one_line_refusal(run(path, "note", "TRD-1", "after"))
    assert "is not opened: it has a trigger 'wipe' that CASR Tracker does not make" in err
    assert digest(path) == before

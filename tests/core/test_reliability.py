"""check, backup and restore, automatic backups, and every bad input of docs/bad-input.md."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from casr_tracker import backups, db
from casr_tracker.seeding import open_tracker

from ..conftest import STATEMENT


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch):
    return f"sqlite:///{tmp_path / 'tracker.sqlite3'}"


def test_check_passes_on_a_sound_tracker(run):
    result = run("check")
    assert result.code == 0 and "The tracker is sound" in result.out


def test_check_reports_one_line_per_problem(run, engine, backend):
    run("status", "TRD-3", "in_progress")
    with engine.begin() as conn:
        conn.execute(text("UPDATE pledge SET start = start + 1 WHERE ref = 'GEN-1'"))
        conn.execute(text("UPDATE pledge SET ref = 'TRD-1' WHERE ref = 'TRD-2'"))
        conn.execute(text("UPDATE pledge SET status = 'fulfilled' WHERE ref = 'TRD-3'"))
        conn.execute(text("UPDATE pledge SET \"end\" = 999999 WHERE ref = 'SNT-1'"))
    result = run("check")
    assert result.code == 1
    lines = result.out.strip().splitlines()
    assert "offsets: pledge GEN-1 does not match its statement at" in result.out
    assert "offsets: pledge SNT-1 (" in result.out and "lies outside its statement" in result.out
    assert "refs: TRD-1 occurs 2 times in statement 1" in lines
    assert "history: pledge TRD-3 is fulfilled but its history says in_progress" in lines
    assert len(lines) == 4 and "4 problems found." in result.err


def test_check_finds_broken_foreign_keys_in_sqlite(run, sqlite_url, tmp_path):
    run("pledges", db=sqlite_url)
    with sqlite3.connect(tmp_path / "tracker.sqlite3") as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(
            "INSERT INTO note (pledge_id, text, created_at, edited_at, who, version) VALUES (9999, 'x', '2021-01-01', '2021-01-01', '', 1)"
        )
    result = run("check", db=sqlite_url)
    assert result.code == 1 and "foreign key: note row" in result.out


def test_backup_and_restore(run, sqlite_url, tmp_path):
    run("status", "TRD-3", "in_progress", db=sqlite_url)
    copy = tmp_path / "copy.sqlite3"
    assert run("backup", str(copy), db=sqlite_url).code == 0
    before = json.loads(run("export", db=sqlite_url).out)
    run("status", "TRD-3", "abandoned", db=sqlite_url)
    refused = run("restore", str(copy), db=sqlite_url)
    assert refused.code == 2 and "add --force" in refused.err
    assert json.loads(run("export", db=sqlite_url).out) != before
    restored = run("restore", str(copy), "--force", db=sqlite_url)
    assert restored.code == 0 and "kept as" in restored.out
    assert json.loads(run("export", db=sqlite_url).out) == before
    kept = list(tmp_path.glob("tracker.before-restore-*.sqlite3"))
    assert len(kept) == 1  # the replaced tracker is not lost
    again = run("backup", str(copy), db=sqlite_url)
    assert again.code == 2 and "already exists" in again.err
    assert run("backup", str(tmp_path), db=sqlite_url).code == 0  # a folder gets a dated file


@pytest.mark.parametrize("bad", ["not-a-db", "other-app", "missing"])
def test_restore_refuses_what_is_not_a_backup(run, sqlite_url, tmp_path, bad):
    path = tmp_path / "backup.sqlite3"
    if bad == "not-a-db":
        path.write_text("hello")
    elif bad == "other-app":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE things (x)")
    run("pledges", db=sqlite_url)
    before = json.loads(run("export", db=sqlite_url).out)
    result = run("restore", str(path), "--force", db=sqlite_url)
    assert result.code == 2 and result.err.count("\n") == 1
    assert json.loads(run("export", db=sqlite_url).out) == before


def test_backup_of_a_postgresql_tracker_is_explained(run):
    result = run("backup", "/tmp/x.sqlite3", db="postgresql+psycopg://u@127.0.0.1:1/x")
    assert result.code == 2 and "pg_dump" in result.err


def test_a_backup_is_made_before_every_migration(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = db.make_engine(url)
    db.upgrade(engine, "0002")
    engine.dispose()
    open_tracker(url).dispose()
    made = list((tmp_path / "backups").glob("old-before-migration-*.sqlite3"))
    assert len(made) == 1
    with sqlite3.connect(made[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
    open_tracker(url).dispose()  # nothing to migrate: no new backup
    assert len(list((tmp_path / "backups").glob("*.sqlite3"))) == 1


def test_daily_backups_rotate(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    open_tracker(url).dispose()
    start = dt.date(2026, 1, 1)
    for n in range(10):
        assert backups.daily(url, keep=3, today=start + dt.timedelta(days=n)) is not None
    assert backups.daily(url, keep=3, today=start + dt.timedelta(days=9)) is None  # once a day
    names = sorted(p.name for p in (tmp_path / "backups").glob("tracker-daily-*.sqlite3"))
    assert [n[len("tracker-daily-") : len("tracker-daily-") + 8] for n in names] == ["20260108", "20260109", "20260110"]


# --- bad input: one sentence, exit 2, nothing changed --------------------------------------------


@pytest.fixture
def bad_files(tmp_path):
    files = {
        "missing": tmp_path / "missing.txt",
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "binary.txt",
        "truncated": tmp_path / "truncated.txt",
        "huge": tmp_path / "huge.txt",
        "no commitment": tmp_path / "plain.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(bytes(range(256)) * 64)
    files["truncated"].write_bytes("Совместное заявление. Мы будем".encode()[:-1])
    with open(files["huge"], "wb") as handle:
        handle.truncate(51 * 1024 * 1024)
    files["no commitment"].write_text("Trade grew by ten per cent. The ministers met in Tashkent.\n", encoding="utf-8")
    return files


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing", "does not exist"),
        ("empty", "is empty"),
        ("binary", "binary"),
        ("truncated", "truncated"),
        ("huge", "over 50 MB"),
        ("no commitment", "commits its parties to anything"),
    ],
)
@pytest.mark.parametrize("command", ["import-statement", "import-document"])
def test_bad_files(run, snapshot, bad_files, kind, message, command):
    if command == "import-document" and kind == "no commitment":
        pytest.skip("a later document need not commit anyone")
    run("pledges")
    before = snapshot()
    result = run(command, str(bad_files[kind]))
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1, result.err
    assert snapshot() == before


def test_a_windows_1251_file_imports(run, tmp_path):
    statement = STATEMENT.read_text(encoding="utf-8")
    russian = "Совместное заявление министров иностранных дел Казахстана и России\n\n" + statement
    path = tmp_path / "statement-cp1251.txt"
    path.write_bytes(russian.encode("cp1251", errors="replace"))
    result = run("import-statement", str(path), "--title", "Windows-1251 copy", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["spheres"] == 9


def test_a_database_that_is_read_only(run, sqlite_url, tmp_path):
    run("pledges", db=sqlite_url)
    read_only = f"sqlite:///file:{tmp_path / 'tracker.sqlite3'}?mode=ro&uri=true"
    listed = run("pledges", "--json", db=read_only)
    assert listed.code == 0 and len(json.loads(listed.out)) > 30
    result = run("status", "TRD-3", "fulfilled", db=read_only)
    assert result.code == 2 and "is read-only" in result.err and "file%3A" not in result.err


def test_a_locked_database(run, sqlite_url, tmp_path, monkeypatch):
    run("pledges", db=sqlite_url)
    monkeypatch.setenv("CASR_TRACKER_BUSY_TIMEOUT_MS", "300")
    ready, done = threading.Event(), threading.Event()

    def hold():
        conn = sqlite3.connect(tmp_path / "tracker.sqlite3", isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN EXCLUSIVE")
        ready.set()
        done.wait(10)
        conn.rollback()
        conn.close()

    holder = threading.Thread(target=hold)
    holder.start()
    ready.wait(5)
    try:
        started = time.monotonic()
        result = run("status", "TRD-3", "fulfilled", db=sqlite_url)
        assert time.monotonic() - started < 5
        assert result.code == 2 and "is locked by another program" in result.err
    finally:
        done.set()
        holder.join()
    assert run("status", "TRD-3", "fulfilled", db=sqlite_url).code == 0  # and once it is free, it works


def test_unknown_scheme_in_the_db_url(run):
    result = run("pledges", db="nosuchdb://x/y")
    assert result.code == 2 and result.err.count("\n") == 1


def test_no_traceback_from_the_console_for_a_mistake(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "casr_tracker",
            "--db",
            f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "assess",
            "TRD-3",
            "XX",
            "1",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr and "is not a party" in result.stderr

"""Several analysts on one database: separate processes, as two people at two desks would be."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from casr_tracker import db, services
from casr_tracker.models import Note
from casr_tracker.seeding import open_tracker

from ..conftest import POSTGRES, fresh_postgres_database


def cli(url: str, user: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "casr_tracker", "--db", url, "--user", user, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def test_a_stale_edit_from_another_process_is_refused(engine, db_url):
    with db.session_scope(engine) as s:
        version = services.find_pledge(s, "TRD-3").version
    alice = cli(db_url, "alice", "status", "TRD-3", "in_progress", "--expect-version", str(version), "--comment", "A")
    bob = cli(db_url, "bob", "status", "TRD-3", "fulfilled", "--expect-version", str(version), "--comment", "B")
    results = {name: finish(p) for name, p in (("alice", alice), ("bob", bob))}
    winners = [name for name, (code, _o, _e) in results.items() if code == 0]
    assert len(winners) == 1, results
    loser = "bob" if winners == ["alice"] else "alice"
    code, _out, err = results[loser]
    assert code == 2 and f"TRD-3 was changed by {winners[0]}" in err and err.count("\n") == 1
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "TRD-3")
        history = [e for e in services_history(s, pledge) if e.kind == "status"]
    assert len(history) == 1 and history[0].who == winners[0]
    assert pledge.status == {"alice": "in_progress", "bob": "fulfilled"}[winners[0]] and pledge.version == version + 1


def services_history(session, pledge):
    from casr_tracker.queries import history

    return history(session, pledge)


def test_parallel_changes_on_different_pledges_all_land(engine, db_url):
    refs = ["GEN-1", "PLT-1", "SCR-1", "TRD-1", "TRN-1", "ENV-1", "ENR-1", "SNT-1"]
    with db.session_scope(engine) as s:
        before = services.data_revision(s)
    processes = [cli(db_url, f"analyst{i}", "status", ref, "in_progress") for i, ref in enumerate(refs)]
    results = [finish(p) for p in processes]
    assert all(code == 0 for code, _o, _e in results), results
    with db.session_scope(engine) as s:
        assert {services.find_pledge(s, ref).status for ref in refs} == {"in_progress"}
        assert services.data_revision(s) == before + len(refs)


def test_a_stale_note_edit_is_refused(engine):
    with db.session_scope(engine) as s:
        note = services.add_note(session=s, pledge=services.find_pledge(s, "MGR-1"), text="first", who="alice")
        note_id, version = note.id, note.version
    with db.session_scope(engine) as s:
        services.edit_note(session=s, note=s.get(Note, note_id), text="alice's edit", expect_version=version)
    with pytest.raises(services.StaleEdit, match="edited by alice"), db.session_scope(engine) as s:
        services.edit_note(session=s, note=s.get(Note, note_id), text="bob's edit", expect_version=version)
    with db.session_scope(engine) as s:
        assert s.get(Note, note_id).text == "alice's edit"


def test_copy_round_trip_sqlite_postgresql_sqlite(tmp_path, run):
    if not POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("CASR_TEST_POSTGRES_URL is not set in CI")
        pytest.skip("no PostgreSQL server")
    first = f"sqlite:///{tmp_path / 'first.sqlite3'}"
    last = f"sqlite:///{tmp_path / 'last.sqlite3'}"
    assert run("status", "TRD-3", "in_progress", "--date", "2021-03-01", db=first).code == 0
    assert run("assess", "TRD-3", "KZ", "1", db=first).code == 0
    assert run("note", "TRD-3", "Ünïcode — “quotes” and <tags>", db=first).code == 0
    assert run("evidence", "add", "SNT-4", "--document", "1", "--quote", "scholarships", db=first).code == 0
    middle_db = fresh_postgres_database()
    middle = next(middle_db)
    try:
        copied = run("copy", "--from", first, "--to", middle)
        assert copied.code == 0, copied.err
        assert run("copy", "--from", middle, "--to", last).code == 0
        exports = [json.loads(run("export", db=url).out) for url in (first, middle, last)]
        assert exports[0] == exports[1] == exports[2]
        assert run("status", "TRD-4", "fulfilled", db=middle).code == 0  # the copy is a working tracker
        again = run("copy", "--from", first, "--to", middle)
        assert again.code == 2 and "already holds" in again.err
    finally:
        next(middle_db, None)


def test_copy_to_itself_is_refused(run, db_url):
    result = run("copy", "--from", db_url, "--to", db_url)
    assert result.code == 2 and "same database" in result.err


def test_open_tracker_on_an_unreachable_server():
    with pytest.raises(services.CasrError) as caught:
        open_tracker("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "cannot be reached" in str(caught.value) and "\n" not in str(caught.value)


def test_plain_changes_of_one_pledge_at_once_all_land(engine):
    """Commands that ask for no version ("status TRD-3 in_progress") apply to the pledge as it is when
    they run: none is refused as stale because another landed between its read and its write (on
    PostgreSQL 5 of 200 were refused with "you had version 69")."""
    import threading

    statuses = ["in_progress", "partially_fulfilled", "not_started", "fulfilled"]
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def analyst(n: int) -> None:
        start.wait()
        for k in range(6):
            try:
                with db.session_scope(engine) as s:
                    pledge = services.find_pledge(s, "TRD-3")  # read first, as a command does
                    services.set_status(session=s, pledge=pledge, status=statuses[(n + k) % 4], who=f"a{n}")
            except BaseException as error:  # noqa: BLE001 - every failure is the finding
                errors.append(error)

    threads = [threading.Thread(target=analyst, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "TRD-3")
        changes = [e for e in services_history(s, pledge) if e.kind == "status"]
        assert len(changes) == 48 and pledge.version == 49
        # each change records the status it replaced: the chain is unbroken
        by_order = sorted(changes, key=lambda e: e.id)
        olds = [e.detail["old"] for e in by_order[1:]]
        assert olds == [e.detail["new"] for e in by_order[:-1]]


def test_what_psycopg_ignores_while_closing_is_not_printed():
    """A server stopped mid-command: psycopg logs "error ignored terminating <psycopg.Pipeline [BAD]>"
    on its way out; it must not add a line to the app's one sentence (a process of its own: pytest
    would catch the log record itself)."""
    code = (
        "import logging, casr_tracker.db\n"
        "logging.getLogger('psycopg.pipeline').warning('error ignored terminating %r', '<psycopg.Pipeline [BAD]>')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == ""

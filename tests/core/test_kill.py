"""kill -9 at random moments of imports and edits: the database stays consistent, and every operation
is either wholly there or not at all."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from sqlmodel import func, select

from casr_tracker import checks, db
from casr_tracker.models import Note, Pledge, Statement, StatusChange
from casr_tracker.seeding import open_tracker

EDITS = r"""
import random, sys
from casr_tracker import db, services
from casr_tracker.seeding import open_tracker
engine = open_tracker(sys.argv[1])
refs = sys.argv[2].split(",")
statuses = ["not_started", "in_progress", "partially_fulfilled", "fulfilled", "stalled"]
n = 0
while True:
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, random.choice(refs))
        status = random.choice([x for x in statuses if x != pledge.status])
        services.set_status(session=s, pledge=pledge, status=status, who="killer", comment=f"op {n}")
        services.add_note(session=s, pledge=pledge, text=f"note for op {n}")
        services.assess(session=s, pledge=pledge, party=services.find_party(s, "RU"), score=random.choice([-1, 0, 1]))
    n += 1
    print(n, flush=True)
"""

IMPORT = r"""
import sys
from casr_tracker import db
from casr_tracker.importer import pipeline
engine = db.make_engine(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
print("start", flush=True)
with db.session_scope(engine) as s:
    pipeline.import_statement(s, text, title="Big statement")
print("done", flush=True)
"""


def big_statement(spheres: int = 2500) -> tuple[str, int]:
    """A statement of the usual shape with many spheres of three pledges each (long enough to import
    for a few seconds, so that a kill lands inside the import)."""
    parts = ["We, the foreign ministers of the Republic of Kazakhstan and the Russian Federation, meet again.", ""]
    for i in range(spheres):
        parts += [f"Area {i} cooperation", ""]
        for j in range(3):
            parts += [f"We will carry out joint project number {i}-{j} in this area of work.", ""]
    return "\n".join(parts), 3 * spheres


def consistent(path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        assert checks.check(engine) == []
    finally:
        engine.dispose()


def kill_after(process: subprocess.Popen, seconds: float) -> list[str]:
    time.sleep(seconds)
    os.kill(process.pid, signal.SIGKILL)
    out, _err = process.communicate(timeout=30)
    return out.split()


@pytest.fixture
def seeded(tmp_path):
    path = tmp_path / "tracker.sqlite3"
    open_tracker(f"sqlite:///{path}").dispose()
    return path


def test_killing_edits_at_random_points(seeded):
    rng = random.Random(20201015)
    refs = "TRD-1,TRD-2,TRD-3,SNT-4,MGR-1"
    url = f"sqlite:///{seeded}"
    total = 0
    for _round in range(8):
        process = subprocess.Popen(
            [sys.executable, "-c", EDITS, url, refs], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        reported = kill_after(process, rng.uniform(1.2, 2.5))
        consistent(seeded)
        engine = db.make_engine(url)
        with db.session_scope(engine, write=False) as s:
            changes = s.exec(select(func.count()).select_from(StatusChange)).one()
            notes = s.exec(select(func.count()).select_from(Note)).one()
        engine.dispose()
        # each operation is one transaction: its three rows are all there or none is
        assert changes == notes
        assert total + len(reported) <= changes <= total + len(reported) + 1
        total = changes
    assert total > 0


def test_killing_an_import_at_random_points(seeded, tmp_path):
    rng = random.Random(42)
    text, expected = big_statement()
    source = tmp_path / "big.txt"
    source.write_text(text, encoding="utf-8")
    url = f"sqlite:///{seeded}"
    outcomes, interrupted = set(), 0
    for _round in range(8):
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORT, url, str(source)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        said = kill_after(process, rng.uniform(0.9, 2.2))
        consistent(seeded)
        engine = db.make_engine(url)
        with db.session_scope(engine, write=False) as s:
            statement = s.exec(select(Statement).where(Statement.title == "Big statement")).first()
            pledges = (
                s.exec(select(func.count()).select_from(Pledge).where(Pledge.statement_id == statement.id)).one()
                if statement
                else 0
            )
        engine.dispose()
        assert pledges in (0, expected)  # all or nothing
        if "done" in said:
            assert pledges == expected
        interrupted += "start" in said and "done" not in said
        outcomes.add(pledges)
    assert interrupted >= 2, "no kill landed inside the import: adjust the delays"

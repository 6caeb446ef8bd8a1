"""Shared fixtures: the real seeds, a real SQLite file per test, the CLI run in-process."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from pathlib import Path

import pytest

from casr_tracker import cli, db, seeding
from casr_tracker.transfer import export_all

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
STATEMENT = SEEDS / "statement-2020-10-15-central-asia-russia.txt"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt settings written by code under test (e.g. the window's default QSettings) go to a throw-away folder.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="casr-tracker-config-")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test touches the real user-data folder or an inherited CASR_TRACKER_DB."""
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("CASR_TRACKER_USER", "tester")


@pytest.fixture
def statement_text() -> str:
    return STATEMENT.read_text(encoding="utf-8")


POSTGRES = os.environ.get("CASR_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"]


def require_postgres() -> str:
    """The PostgreSQL server's URL; without one a test is skipped, and fails in CI (which starts one)."""
    if not POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("CASR_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL (.ci/postgres.sh).")
        pytest.skip("no PostgreSQL server: source .ci/postgres.sh to run these")
    return POSTGRES


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Each test that uses the database runs on SQLite and on the PostgreSQL server .ci/run starts."""
    if request.param == "postgresql":
        require_postgres()
    return request.param


@pytest.fixture
def db_url(backend, tmp_path) -> str:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
        return
    yield from fresh_postgres_database()


def fresh_postgres_database():
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"casr_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(db_url):
    """A seeded tracker in a fresh SQLite file."""
    engine = seeding.open_tracker(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with db.session_scope(engine) as session:
        yield session


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def run(db_url, capsys):
    """Run `casr-tracker --db <test db> ARGS...` in-process; returns code, stdout, stderr."""

    def _run(*args: str, db: str | None = None) -> CliResult:
        capsys.readouterr()
        code = cli.main(["--db", db or db_url, *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return _run


@pytest.fixture
def run_file(capsys):
    """Run `casr-tracker --db sqlite:///FILE ARGS...` in-process on a tracker file of the test's own:
    (code, stdout, stderr); argparse's refusals come back as their exit code."""

    def _run(file, *args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = cli.main(["--db", f"sqlite:///{file}", *args])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 2
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def one_line_refusal(result: tuple[int, str, str]) -> str:
    """The refusal's one line, after checking that it is one: exit 2, no traceback, a single line."""
    code, out, err = result
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.fixture
def snapshot(db_url):
    """The whole tracker as exported JSON: compare before and after to prove nothing changed."""

    def _snapshot(url: str | None = None) -> dict:
        engine = db.make_engine(url or db_url)
        with db.session_scope(engine) as session:
            data = export_all(session)
        engine.dispose()
        return data

    return _snapshot

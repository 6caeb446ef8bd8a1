"""The benchmark corpus on PostgreSQL: its cached copy, and the search and list figures beside SQLite's.

    python benchmarks/postgres.py [URL]    # make (or find) the cached copy and print its URL

URL is any database URL on the server (default $CASR_TEST_POSTGRES_URL, the server `.ci/postgres.sh`
starts); the copy is a database of its own there, kept between runs. run.py runs these steps.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

import corpus  # noqa: E402

from casr_tracker import db, queries  # noqa: E402
from casr_tracker.gui.models import PledgeTableModel  # noqa: E402
from casr_tracker.queries.listing import postgres_query  # noqa: E402


def server_url(given: str | None) -> str | None:
    """The PostgreSQL server to measure on: `--postgres URL` (none for ''), else the .ci/postgres.sh
    server, else none."""
    if given is not None:
        return given or None
    return os.environ.get("CASR_TEST_POSTGRES_URL") or None


def database_url(server: str, name: str) -> str:
    """The URL of database `name` on the server of `server` (same login)."""
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def libpq(url: str) -> str:
    """A SQLAlchemy URL as psycopg takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _admin(server: str, *statements: str) -> None:
    with psycopg.connect(libpq(server), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def create_database(server: str, name: str) -> str:
    """A new, empty database on the server (an old one of that name dropped first); its URL."""
    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return database_url(server, name)


def drop_database(server: str, name: str) -> None:
    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cache_name() -> str:
    """The cached copy's database: named by the corpus version and the schema it was copied at."""
    return f"casr_bench_100k_{db.HEAD}_v{corpus.VERSION}"


def _contents(url: str) -> tuple[str, int] | None:
    """The schema revision of the tracker at `url` and how many pledges it holds (None: no such
    database or tracker)."""
    try:
        with psycopg.connect(libpq(url), connect_timeout=10) as conn:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            return revision, conn.execute("SELECT count(*) FROM pledge").fetchone()[0]
    except psycopg.Error:
        return None


def sqlite_pledges(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM pledge").fetchone()[0]


def cached_copy(server: str, big: Path) -> str:
    """The URL of the corpus copied into PostgreSQL: the cached database while it is at the schema's head
    and holds as many pledges as `big`, else a new copy (`casr-tracker copy`), made under another name
    and renamed when whole, so that a copy cut short is never taken for the cache."""
    name = cache_name()
    url = database_url(server, name)
    if _contents(url) == (db.HEAD, sqlite_pledges(big)):
        return url
    started = time.perf_counter()
    making = f"{name}_making"
    target = create_database(server, making)
    try:
        subprocess.run(
            [sys.executable, "-m", "casr_tracker", "copy", "--from", f"sqlite:///{big}", "--to", target],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except BaseException:
        drop_database(server, making)
        raise
    adopt(server, making)
    print(
        f"copied the corpus into PostgreSQL database {name} in {time.perf_counter() - started:.0f} s", file=sys.stderr
    )
    return url


def adopt(server: str, name: str) -> None:
    """Make database `name` (a whole copy of the corpus) the cached copy, analysed for the planner."""
    with psycopg.connect(libpq(database_url(server, name)), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    _admin(server, f'DROP DATABASE IF EXISTS "{cache_name()}" WITH (FORCE)')
    _admin(server, f'ALTER DATABASE "{name}" RENAME TO "{cache_name()}"')


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def search(url: str, words: list[str], repeats: int = 5) -> dict:
    """The window's search on PostgreSQL (which pledges match, in list order: `pledge_list`, as with All
    statements) against a raw psycopg full-text query on the same index for the same tsquery, fetching
    the same pledges; beside it, reading the first block of rows the table then paints."""
    engine = db.make_engine(url)
    raw = psycopg.connect(libpq(url), autocommit=True)
    sql = "SELECT pledge_id FROM pledge_search WHERE body @@ to_tsquery('simple', %s)"
    app_ms, raw_ms, rows_ms, matches, raw_matches = [], [], [], [], []
    for word in words:
        tsquery = postgres_query(word)
        for _ in range(repeats):
            started = time.perf_counter()
            with db.session_scope(engine, write=False) as s:
                found = queries.pledge_list(s, search=word)
            app_ms.append(_ms(started))
            started = time.perf_counter()
            with db.session_scope(engine, write=False) as s:
                queries.rows_for(s, found, found.handles[: PledgeTableModel.BLOCK])
            rows_ms.append(_ms(started))
            started = time.perf_counter()
            ids = raw.execute(sql, (tsquery,)).fetchall()
            raw_ms.append(_ms(started))
        matches.append(len(found))
        raw_matches.append(len(ids))
    engine.dispose()
    raw.close()
    app, fts = statistics.median(app_ms), statistics.median(raw_ms)
    return {
        "pg_search_ms_p50": round(app, 2),
        "pg_search_raw_ms_p50": round(fts, 2),
        "pg_search_ratio_vs_raw": round(app / fts, 2),
        "pg_search_matches_p50": statistics.median(matches),
        "pg_search_same_matches": matches == raw_matches,
        "pg_search_first_rows_ms_p50": round(statistics.median(rows_ms), 2),
    }


def listing(urls: dict[str, str], repeats: int = 9) -> dict:
    """Every statement's pledges as the window lists them (All statements: `pledge_list`, then the first
    block of rows it paints), timed in this process on each backend, turn about (ms, medians)."""
    engines = {name: db.make_engine(url) for name, url in urls.items()}
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(repeats):
        for name, engine in engines.items():
            started = time.perf_counter()
            with db.session_scope(engine, write=False) as s:
                found = queries.pledge_list(s)
                queries.rows_for(s, found, found.handles[: PledgeTableModel.BLOCK])
            times[name].append(_ms(started))
    for engine in engines.values():
        engine.dispose()
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    server = server_url(sys.argv[1] if len(sys.argv) > 1 else None)
    if server is None:
        raise SystemExit("no PostgreSQL server: give its URL or set CASR_TEST_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "corpus.sqlite3"
        work.write_bytes(corpus.corpus().read_bytes())  # copying opens its source as a tracker
        print(cached_copy(server, work))


if __name__ == "__main__":
    main()

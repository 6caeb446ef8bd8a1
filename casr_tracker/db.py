"""The database: engine from a URL, SQLite pragmas, upgrade-on-open with Alembic, session scope."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import platformdirs
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlmodel import Session, create_engine

from . import backups, trackerfile, users  # noqa: F401 (users signs new rows on a file)
from .changes import Changes, changes_of, data_revision  # (importing it sets the session hooks)
from .errors import StorageError

# psycopg logs what it ignores while closing a broken connection ("error ignored terminating
# <psycopg.Pipeline [BAD]>"); with no handler Python prints it on stderr, after the one sentence that
# already said the server went away. The app reports database errors itself.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

ENV_VAR = "CASR_TRACKER_DB"
MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    """The URL used without --db: $CASR_TRACKER_DB, else a SQLite file in the user-data folder."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    folder = platformdirs.user_data_path("casr-tracker", appauthor=False)
    return f"sqlite:///{folder / 'tracker.sqlite3'}"


def busy_timeout() -> int:
    """How long (ms) to wait for another program's lock on a SQLite file: $CASR_TRACKER_BUSY_TIMEOUT_MS or 5 s."""
    try:
        return max(0, int(os.environ.get("CASR_TRACKER_BUSY_TIMEOUT_MS", "5000")))
    except ValueError:
        return 5000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin, not the driver
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout()}")
    with contextlib.suppress(Exception):  # a read-only file cannot switch journal mode; reading works
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_uri_options(parsed) -> bool:
    """The one form of options a SQLite tracker's URL may carry: SQLite's own URI filename
    (`sqlite:///file:PATH?mode=ro&uri=true`), with a mode it knows."""
    query = dict(parsed.query)
    return (
        (parsed.database or "").startswith("file:")
        and query.get("uri") == "true"
        and set(query) <= {"uri", "mode", "immutable"}
        and query.get("mode", "ro") in ("ro", "rw", "rwc")
        and query.get("immutable", "0") in ("0", "1")
    )


def _read_only_place(folder: Path) -> bool:
    """True for a folder on a read-only file system, or one this user may not write in."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except (OSError, AttributeError):
        pass
    return not os.access(folder, os.W_OK)


def _sqlite_begin(connection) -> None:
    """A writing transaction takes SQLite's write lock at once (BEGIN IMMEDIATE), so two processes
    never both read and then fail to write; a reading one stays deferred."""
    immediate = connection.get_execution_options().get("casr_write", True)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, refuse_foreign: bool = True) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite files get WAL, foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a port that is no number is refused here, not when connecting
    except (ArgumentError, ValueError):
        raise StorageError(f"{url!r} is not a database URL (try sqlite:///path/to/file.sqlite3).") from None
    if parsed.get_backend_name() == "sqlite" and parsed.query and not _sqlite_uri_options(parsed):
        # options after "?" would be read by the driver when connecting (a traceback for ?timeout=abc)
        # or ignored with a warning (?mode=ro, and the tracker written anyway)
        raise StorageError(
            f"{url!r}: a SQLite tracker's URL takes no options after '?'; give the file alone "
            "(a tracker that cannot be written is opened to read by itself)."
        )
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if path and path != ":memory:" and not path.startswith("file:"):
            file = Path(path).expanduser()
            if file.is_dir():
                raise StorageError(f"{file} is a folder, not a database file.")
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                raise StorageError(f"The folder {file.parent} cannot be created.") from None
            if file.is_file() and (why := trackerfile.belongs_elsewhere(file)):  # (read without writing)
                raise StorageError(f"{file} is not a CASR Tracker database ({why}).")
            if refuse_foreign and file.is_file() and (foreign := trackerfile.foreign_in_file(file)):
                # a trigger or view that is not ours (one that deletes rows later), found before it can run
                raise StorageError(f"{file} is not opened: it has {foreign}.")
            if file.is_file() and _read_only_place(file.parent):
                # SQLite cannot make the WAL's index file beside a tracker on a read-only disk or in a
                # folder the user may not write: such a tracker is opened as an unchanging file, to read
                # (a change is refused as "read-only")
                url = parsed.set(database=f"file:{file.resolve()}?mode=ro&immutable=1", query={"uri": "true"})
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout() / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # missing driver, bad URL parts
        raise StorageError(f"Cannot use the database {parsed.render_as_string(hide_password=True)}: {exc}.") from None


#: the newest migration in migrations/versions (a test keeps this in step with Alembic's head);
#: knowing it lets an up-to-date database open without loading Alembic at all
HEAD = "0014"


def alembic_config(connection=None):
    """An Alembic configuration for the migrations shipped in the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None for an empty one)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Bring the schema to `revision` (head by default); True when anything was migrated.

    Refuses a database written by a newer version of the app (a revision this one does not know).
    """
    try:
        current = current_revision(engine)
    except DatabaseError as exc:
        raise StorageError(_describe(engine, exc)) from None
    if revision == "head" and current == HEAD:
        return False
    from alembic import command
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    if current is not None:
        try:
            scripts.get_revision(current)
        except Exception:
            raise StorageError(
                f"The database was written by a newer version of CASR Tracker (schema {current}); "
                "update the app to open it."
            ) from None
    target = scripts.get_current_head() if revision == "head" else revision
    if current == target:
        return False
    if current is None and inspect(engine).get_table_names() and "pledge" not in inspect(engine).get_table_names():
        raise StorageError("The database already holds tables of another application.")
    database = backups.sqlite_file(engine.url.render_as_string(hide_password=False))
    if current is not None and database is not None and database.exists():
        backups.automatic(database, f"before-migration-{target}")
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
            from . import team

            if team.is_set_up(conn) and team.owns_tracker(conn):  # a new table is granted to the roles
                team.set_up(conn)
    except DatabaseError as exc:
        if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":  # a team login, not the owner
            raise StorageError(
                f"{where(engine)} needs its schema brought up to date ({current} to {target}), which only its "
                "owner may do: the owner opens it once with this version of CASR Tracker."
            ) from None
        raise StorageError(_describe(engine, exc)) from None
    return True


def where(engine: Engine) -> str:
    """How to name a database to its user: a SQLite file by its path, others by their URL."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        return engine.url.database.removeprefix("file:").split("?", 1)[0]
    return engine.url.render_as_string(hide_password=True)


def _describe(engine: Engine, exc: Exception) -> str:
    where_ = where(engine)
    detail = " ".join(str(getattr(exc, "orig", exc)).split())
    text = detail.lower()
    if "password authentication failed" in text or ("role" in text and "does not exist" in text):
        return f"{where_}: the server knows no such login, or not with this password."
    if "does not have connect privilege" in text:
        return f"{where_} cannot be used by this login: ask an admin to add you (casr-tracker team add-user)."
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":  # insufficient privilege
        from . import team

        return team.refusal(engine)
    if "not a database" in text:
        return f"{where_} is not a CASR Tracker database (the file is not a database)."
    if "readonly" in text or "read-only" in text:
        return f"{where_} is read-only; changes cannot be saved."
    if "locked" in text:
        return f"{where_} is locked by another program; try again in a moment."
    if "unable to open" in text:
        return f"{where_} cannot be opened."
    if "connection" in text and ("refused" in text or "failed" in text or "timeout" in text):
        return f"{where_} cannot be reached: {detail.rstrip('.')}."
    return f"{where_} cannot be used: {detail.rstrip('.')}."


@contextmanager
def described(engine: Engine) -> Iterator[None]:
    """Database errors inside become one sentence (a StorageError), as in `session_scope`."""
    try:
        yield
    except (OperationalError, DatabaseError) as exc:
        raise StorageError(_describe(engine, exc)) from None


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error. `write=False` for
    reading only (on SQLite it then does not wait for, or hold, the write lock)."""
    session = Session(engine, expire_on_commit=False)
    try:
        if engine.dialect.name == "sqlite":
            session.connection(execution_options={"casr_write": write})
        yield session
        session.commit()
    except (OperationalError, DatabaseError) as exc:
        session.rollback()
        raise StorageError(_describe(engine, exc)) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class Written(NamedTuple):
    """What a write returned, what it changed, and the data revision it left."""

    result: Any
    changes: Changes
    revision: int
    #: the revision the transaction began from (other writers' changes included)
    before: int = -1


def write(engine: Engine, fn: Callable[[Session], Any]) -> Written:
    """Run `fn(session)` in one transaction and commit it; the session itself notes what changed."""
    with session_scope(engine) as session:
        before = data_revision(session)
        result = fn(session)
        session.flush()
        changes, revision = changes_of(session), data_revision(session)
    return Written(result, changes, revision, before)

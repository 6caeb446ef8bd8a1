"""Is a SQLite file one of our own trackers? Read without changing a byte: its header, its
application id, its schema revision, and its tables, triggers and views against those a fresh
tracker of that revision has (so a file carrying a trigger of its own is caught before it runs)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

#: `PRAGMA application_id` of every tracker (migration 0011 sets it): "CASR" in ASCII
APPLICATION_ID = 0x43415352
MAGIC = b"SQLite format 3\x00"
#: the tables a tracker from before migration 0011 (application id 0) is recognised by
TRACKER_TABLES = frozenset({"alembic_version", "pledge", "statement"})


class Schema(NamedTuple):
    """What a SQLite file says it is: its application id, its Alembic revision (None: none), its
    tables (name → column names), and its triggers and views ((type, name) → SQL)."""

    application_id: int
    revision: str | None
    tables: dict[str, tuple[str, ...]]
    objects: dict[tuple[str, str], str]


class Difference(NamedTuple):
    """One way a file's schema differs from a tracker's: `what` is id, table, trigger or view."""

    what: str
    phrase: str


def header(path: Path) -> bytes:
    """The first 100 bytes of a file (a SQLite database's header)."""
    with open(path, "rb") as file:
        return file.read(100)


def is_sqlite(path: Path) -> bool:
    return header(path).startswith(MAGIC)


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file (no journal mode switched, nothing written)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def schema_of(conn: sqlite3.Connection) -> Schema:
    """The schema of an open SQLite database (sqlite_* tables aside)."""
    (application_id,) = conn.execute("PRAGMA application_id").fetchone()
    tables, objects = {}, {}
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name"):
        if name.startswith("sqlite_"):
            continue
        if kind == "table":
            quoted = name.replace('"', '""')
            tables[name] = tuple(row[1] for row in conn.execute(f'PRAGMA table_info("{quoted}")'))
        elif kind in ("trigger", "view"):
            objects[(kind, name)] = " ".join((sql or "").split())
    revision = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    return Schema(application_id, revision, tables, objects)


def application_id(path: Path) -> int:
    conn = read_only(path)
    try:
        return conn.execute("PRAGMA application_id").fetchone()[0]
    finally:
        conn.close()


def known(revision: str) -> bool:
    """Whether this version of the app knows the schema revision (a newer app's it does not)."""
    from alembic.script import ScriptDirectory

    from . import db

    try:
        ScriptDirectory.from_config(db.alembic_config()).get_revision(revision)
    except Exception:  # noqa: BLE001 - Alembic's errors for an unknown or malformed revision vary
        return False
    return True


@lru_cache(maxsize=4)
def expected(revision: str) -> Schema:
    """The schema a fresh tracker at `revision` has (built in memory by the migrations)."""
    from . import db

    engine = db.make_engine("sqlite://")
    try:
        db.upgrade(engine, revision)
        with engine.connect() as conn:
            return schema_of(conn.connection.dbapi_connection)
    finally:
        engine.dispose()


def differences(found: Schema, revision: str | None = None) -> list[Difference]:
    """How `found` differs from a fresh tracker at its own revision (or at `revision`)."""
    want = expected(revision or found.revision)
    out = []
    if found.application_id != want.application_id:
        out.append(Difference("id", f"application id {found.application_id} rather than {want.application_id}"))
    for name in sorted(want.tables.keys() - found.tables.keys()):
        out.append(Difference("table", f"no table '{name}'"))
    for name in sorted(found.tables.keys() - want.tables.keys()):
        out.append(Difference("table", f"a table '{name}' that CASR Tracker does not make"))
    for name in sorted(found.tables.keys() & want.tables.keys()):
        if found.tables[name] != want.tables[name]:
            out.append(Difference("table", f"a table '{name}' with other columns than CASR Tracker's"))
    for kind, name in sorted(found.objects.keys() - want.objects.keys()):
        out.append(Difference(kind, f"a {kind} '{name}' that CASR Tracker does not make"))
    for kind, name in sorted(found.objects.keys() & want.objects.keys()):
        if found.objects[(kind, name)] != want.objects[(kind, name)]:
            out.append(Difference(kind, f"a {kind} '{name}' other than the one CASR Tracker makes"))
    for kind, name in sorted(want.objects.keys() - found.objects.keys()):
        out.append(Difference(kind, f"no {kind} '{name}', which CASR Tracker makes"))
    return out


#: the triggers and views of a fresh tracker at db.HEAD, as a digest (a test keeps it in step): a
#: tracker at HEAD is checked against it with one query, without building a fresh tracker
HEAD_OBJECTS = "14378512126bcacac1521b5738f1c930300ee801029153a20df9ba3c75ad6856"


def objects_digest(objects: dict[tuple[str, str], str]) -> str:
    return hashlib.sha256(json.dumps(sorted(objects.items())).encode()).hexdigest()


def foreign_objects(conn: sqlite3.Connection, revision: str) -> str | None:
    """A trigger or view of an open tracker at `revision` that a fresh tracker of that revision does not
    have, or has otherwise (as a phrase: "a trigger 'wipe' that CASR Tracker does not make"); None when
    they are all ours. An unknown revision is left to the caller."""
    from . import db

    objects = {
        (kind, name): " ".join((sql or "").split())
        for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')"
        )
    }
    if revision == db.HEAD and objects_digest(objects) == HEAD_OBJECTS:
        return None
    if not known(revision):
        return None
    found = Schema(0, revision, {}, objects)
    odd = [d.phrase for d in differences(found) if d.what in ("trigger", "view") and "does not make" in d.phrase]
    odd += [d.phrase for d in differences(found) if d.what in ("trigger", "view") and "other than" in d.phrase]
    return odd[0] if odd else None


def foreign_in_file(path: Path) -> str | None:
    """foreign_objects of a tracker file, read without writing a byte (None when it cannot be read so,
    or has no revision yet: opening it will say what is wrong)."""
    try:
        conn = read_only(path)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return foreign_objects(conn, row[0]) if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def belongs_elsewhere(path: Path) -> str | None:
    """Why an existing, non-empty file named with --db is not a tracker (None when it is one, or
    may be: an empty database, a tracker from before the application id, one that cannot be read
    without writing). Reads the header, and if need be the table names, never writing a byte."""
    try:
        head = header(path)
    except OSError:
        return None  # (a file this user may not read: opening it will say so)
    if not head:
        return None
    if not head.startswith(MAGIC):
        return "the file is not a database"
    on_disk = int.from_bytes(head[68:72], "big")
    if on_disk == APPLICATION_ID:
        return None
    try:
        conn = read_only(path)
        try:
            application = conn.execute("PRAGMA application_id").fetchone()[0]  # (the -wal file's, if newer)
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            return "the file is not a database"
        return None  # (cannot be read read-only here, e.g. WAL in a read-only folder: opening will say)
    if application == APPLICATION_ID:
        return None
    if application == 0 and (not names or names >= TRACKER_TABLES):
        return None
    return "it belongs to another application"

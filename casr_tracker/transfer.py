"""Export the whole tracker to JSON, import such an export into an empty database, copy one tracker
into another: rows move in batches (bounded by rows and by bytes), so memory stays flat whatever the
size. Nothing is inserted before all of it is checked (`export_rules`): an export file is read twice,
a source tracker twice in one snapshot."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, delete, func, insert, literal, select, text, tuple_
from sqlmodel import Session

from . import users
from .changes import EVERYTHING, changes_of, move_revision
from .db import head_revision, session_scope, where
from .errors import BadFile, InputError
from .export_rules import EXPORTED, Checker
from .exportfile import FORMAT, FORMAT_VERSION, ExportFile, Progress
from .models import TABLES, Document, Party, Statement

#: rows read or inserted at a time
BATCH_ROWS = 2000
#: ...and at most about this many characters or bytes of their text and binary values
BATCH_BYTES = 8 << 20


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):  # a document's original bytes
        return base64.b64encode(value).decode("ascii")
    return value


def _kind(column) -> type:
    return getattr(column.type, "impl", column.type).python_type


# --- reading a tracker ------------------------------------------------------------------------------


def _snapshot(session: Session) -> Connection:
    """The session's connection, reading one snapshot however long the reading takes (on PostgreSQL
    a repeatable-read transaction; a SQLite read transaction is one already)."""
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        return session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return session.connection()


def counts(connection: Connection) -> dict[str, int]:
    """The rows of each exported table."""
    return {
        name: connection.execute(select(func.count()).select_from(model.__table__)).scalar_one()
        for name, model in EXPORTED.items()
    }


def batches(connection: Connection, model) -> Iterator[list[dict]]:
    """A table's rows in primary-key order, as dicts of column values, a batch at a time: at most
    BATCH_ROWS rows and, but for a single large row, BATCH_BYTES of text and binary values (sizes are
    read first, with the keys, so a batch of large documents is never fetched whole)."""
    table = model.__table__
    keys = list(table.primary_key.columns)
    sized = [func.coalesce(func.length(c), 0) for c in table.columns if _kind(c) in (str, bytes)]
    size = functools.reduce(operator.add, sized) if sized else literal(0)
    last: tuple | None = None
    while True:
        query = select(*keys, size).order_by(*keys).limit(BATCH_ROWS)
        if last is not None:
            query = query.where(keys[0] > last[0] if len(keys) == 1 else tuple_(*keys) > tuple_(*last))
        found = connection.execute(query).all()
        if not found:
            return
        group_start, group_size = 0, 0
        for at, row in enumerate(found):
            row_size = row[-1]
            if at > group_start and group_size + row_size > BATCH_BYTES:
                yield _fetch(connection, table, keys, found[group_start][:-1], found[at - 1][:-1])
                group_start, group_size = at, 0
            group_size += row_size
        yield _fetch(connection, table, keys, found[group_start][:-1], found[-1][:-1])
        last = tuple(found[-1][:-1])


def _fetch(connection: Connection, table, keys: list, first: tuple, final: tuple) -> list[dict]:
    """The rows from key `first` to key `final`."""
    key = keys[0] if len(keys) == 1 else tuple_(*keys)
    low, high = (first[0], final[0]) if len(keys) == 1 else (tuple_(*first), tuple_(*final))
    query = select(table).where(key >= low, key <= high).order_by(*keys)
    return [dict(row) for row in connection.execute(query).mappings()]


def _total(connection: Connection, progress: Progress | None) -> int:
    return sum(counts(connection).values()) if progress else 0


# --- export -----------------------------------------------------------------------------------------

_encode_string = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes a text as


def _json(value: Any) -> str:
    """One plain value as `json.dumps(value, ensure_ascii=False)` writes it."""
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def _table_batches(session: Session) -> Iterator[tuple[str, list[dict]]]:
    """Every exported table's rows a batch at a time, tables in the order they are inserted in; a
    table without rows is one empty batch."""
    connection = _snapshot(session)
    for name, model in EXPORTED.items():
        empty = True
        for batch in batches(connection, model):
            empty = False
            yield name, batch
        if empty:
            yield name, []


def export_rows(session: Session) -> Iterator[tuple[str, list[dict]]]:
    """Every exported table's rows in primary-key order as JSON-ready dicts, a batch at a time."""
    for name, batch in _table_batches(session):
        yield name, [{k: _plain(v) for k, v in row.items()} for row in batch]


def write_export(
    session: Session, write: Callable[[str], Any], *, indent: int = 1, progress: Progress | None = None
) -> None:
    """Write every row of every table (the meta table excepted), in primary-key order, to `write` a
    batch at a time: the text `json.dumps(export_all(session), ensure_ascii=False, indent=indent)`
    gives, byte for byte, without ever holding it."""
    pad = [" " * (indent * level) for level in range(5)]
    head = {"format": FORMAT, "version": FORMAT_VERSION, "schema": head_revision()}
    write("{\n" + "".join(f"{pad[1]}{_json(k)}: {_json(v)},\n" for k, v in head.items()) + f'{pad[1]}"tables": {{')
    total, done = _total(_snapshot(session), progress), 0
    current: str | None = None
    wrote = False
    for name, batch in _table_batches(session):
        if name != current:
            if current is not None:
                write(f"\n{pad[2]}]," if wrote else "],")
            write(f"\n{pad[2]}{_json(name)}: [")
            current, wrote = name, False
        for row in batch:  # (a row at a time: a batch's text is never held whole)
            fields = f",\n{pad[4]}".join(f"{_json(k)}: {_json(_plain(v))}" for k, v in row.items())
            write(f"{',' if wrote else ''}\n{pad[3]}{{\n{pad[4]}{fields}\n{pad[3]}}}")
            wrote = True
        done += len(batch)
        if progress:
            progress("Exporting", done, total, "rows")
    write((f"\n{pad[2]}]" if wrote else "]") + f"\n{pad[1]}}}\n}}")


def export_all(session: Session) -> dict:
    """Every row of every table, in id order, as JSON-ready dicts (the meta table excepted), held
    whole: for small trackers and tests (`write_export` streams)."""
    tables: dict[str, list[dict]] = {}
    for name, batch in export_rows(session):
        tables.setdefault(name, []).extend(batch)
    return {"format": FORMAT, "version": FORMAT_VERSION, "schema": head_revision(), "tables": tables}


# --- import -----------------------------------------------------------------------------------------


def _typed(model, row: dict) -> dict:
    """An export's row with its values of the column's kind (dates, times, bytes)."""
    out = {}
    for column in model.__table__.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        kind = _kind(column)
        if value is not None and kind is dt.datetime:
            value = dt.datetime.fromisoformat(value)
        elif value is not None and kind is dt.date:
            value = dt.date.fromisoformat(value)
        elif value is not None and kind is bytes:
            value = base64.b64decode(value)
        out[column.name] = value
    return out


def _size(row: dict) -> int:
    return sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))


class _Inserter:
    """Inserts rows into an empty tracker a batch at a time, keeping every id; the parties a fresh
    tracker starts with give way to the export's."""

    def __init__(self, session: Session) -> None:
        if session.exec(select(Statement)).first() or session.exec(select(Document)).first():
            raise InputError(
                "The database already holds statements or documents; import into an empty one "
                "(a new --db together with --empty)."
            )
        self.session = session
        self.connection = session.connection()
        users.keep_logins(session)  # the rows keep who made them
        move_revision(session)
        changes_of(session).kinds |= EVERYTHING
        self.counts: dict[str, int] = {}
        self._batch: list[dict] = []
        self._size = 0
        self._table: str | None = None
        self._parties = {code: id_ for id_, code in self.connection.execute(select(Party.id, Party.code))}
        self._held: list[dict] = []  # export parties whose id a starting party has (for now)

    def add(self, table: str, row: dict) -> None:
        if table != self._table:
            self.flush()
            self._table = table
        self.counts[table] = self.counts.get(table, 0) + 1
        if table == "party" and self._party_waits(row):
            return
        self._batch.append(row)
        self._size += _size(row)
        if len(self._batch) >= BATCH_ROWS or self._size >= BATCH_BYTES:
            self._insert()

    def _party_waits(self, row: dict) -> bool:
        """A starting party with this party's code but another id goes; one with its id stays,
        unless a later party of the export takes its code (then the export's is inserted at the end)."""
        code, id_ = row.get("code"), row.get("id")
        if code in self._parties and self._parties[code] != id_:
            self.connection.execute(delete(Party.__table__).where(Party.id == self._parties.pop(code)))
        if id_ in self._parties.values():
            self._held.append(row)
            return True
        return False

    def _insert(self) -> None:
        if not self._batch:
            return
        table = EXPORTED[self._table].__table__
        groups: dict[tuple, list[dict]] = {}
        for row in self._batch:  # (rows that leave out a column take its default)
            groups.setdefault(tuple(row), []).append(row)
        for rows in groups.values():
            self.connection.execute(insert(table), rows)
        self._batch, self._size = [], 0

    def flush(self) -> None:
        self._insert()
        if self._table == "party" and self._held:
            self._batch = [row for row in self._held if row["id"] not in self._parties.values()]
            self._held = []
            self._insert()

    def finish(self) -> dict[str, int]:
        self.flush()
        _reset_sequences(self.connection)
        return self.counts


def import_rows(
    session: Session,
    rows: Iterable[tuple[str, dict]],
    *,
    plain: bool = True,
    total: int = 0,
    progress: Progress | None = None,
    what: str = "Importing",
) -> dict[str, int]:
    """Insert checked rows, (table, row) with tables in `EXPORTED` order, into an empty tracker,
    keeping every id; `plain` rows are an export's (dates as text, bytes as base64). Returns the
    rows of each table."""
    inserter = _Inserter(session)
    done = 0
    try:
        for table, row in rows:
            inserter.add(table, _typed(EXPORTED[table], row) if plain else row)
            done += 1
            if progress and not done % 1000:
                progress(what, done, total, "rows")
    except (KeyError, TypeError, ValueError) as exc:
        raise BadFile(f"The export is damaged: {exc}.") from None
    result = inserter.finish()
    if progress:
        progress(what, done, total, "rows")
    return result


def import_all(session: Session, data: dict) -> dict[str, int]:
    """Insert an export held whole (checked by `export_rules.first_problem`) into an empty tracker,
    keeping every id; returns rows per table."""
    tables = data["tables"]
    return import_rows(session, ((name, row) for name in EXPORTED for row in tables.get(name, [])))


def import_file(session: Session, export: ExportFile, progress: Progress | None = None) -> dict[str, int]:
    """Insert an export file checked by `export.check()` into an empty tracker, a batch at a time."""
    return import_rows(session, export.rows(), total=sum(export.counts.values()), progress=progress)


def _reset_sequences(connection: Connection) -> None:
    """After explicit ids, PostgreSQL's sequences must move past them."""
    if connection.dialect.name != "postgresql":
        return
    for model in TABLES:
        table = model.__table__
        if "id" in table.columns and table.columns["id"].autoincrement:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


# --- copy -------------------------------------------------------------------------------------------


def _database_rows(connection: Connection) -> Iterator[tuple[str, dict]]:
    for name, model in EXPORTED.items():
        for batch in batches(connection, model):
            yield from ((name, row) for row in batch)


def _plain_rows(connection: Connection, name: str) -> Iterator[tuple[str, dict]]:
    for batch in batches(connection, EXPORTED[name]):
        yield from ((name, {k: _plain(v) for k, v in row.items()}) for row in batch)


def _first_problem(connection: Connection, total: int, progress: Progress | None) -> str | None:
    """Check a tracker's rows as an export of it would be checked, a batch at a time."""
    checker, done = Checker(), 0
    try:
        for position, (name, model) in enumerate(EXPORTED.items()):
            checker.table(position, name, True)
            index = 0
            for batch in batches(connection, model):
                for row in batch:
                    checker.row(name, index, {k: _plain(v) for k, v in row.items()})
                    index += 1
                done += len(batch)
                if progress:
                    progress("Checking", done, total, "rows")
        for name in checker.unsorted:  # (a database hands rows out in key order: not expected)
            checker.rescan(name, lambda name=name: (row for _, row in _plain_rows(connection, name)))
        return checker.problem()
    finally:
        checker.close()


def copy_tracker(source_url: str, target_url: str, progress: Progress | None = None) -> dict[str, int]:
    """Copy every row of one tracker into another, empty one (any two SQLAlchemy URLs): all of it is
    checked first, before the target is opened (a tampered tracker is not carried on), then copied a
    batch at a time; both readings see one snapshot of the source."""
    from .seeding import open_tracker

    if source_url == target_url:
        raise InputError("--from and --to name the same database.")
    source = open_tracker(source_url, seed_if_empty=False)
    try:
        with session_scope(source, write=False) as reading:
            connection = _snapshot(reading)
            total = _total(connection, progress)
            if problem := _first_problem(connection, total, progress):
                raise BadFile(f"{where(source)} cannot be copied: {problem}.")
            target = open_tracker(target_url, seed_if_empty=False)
            try:
                with session_scope(target) as writing:
                    rows = _database_rows(connection)
                    return import_rows(writing, rows, plain=False, total=total, progress=progress, what="Copying")
            finally:
                target.dispose()
    finally:
        source.dispose()

"""Export the whole tracker to JSON and import such an export into an empty database."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from . import export_rules, trackerfile
from .db import head_revision, session_scope, where
from .errors import BadFile, InputError
from .importer.documents import read_text
from .models import TABLES, Document, Statement, TrackerMeta
from .users import keep_logins

FORMAT = "casr-tracker"
FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):  # a document's original bytes
        return base64.b64encode(value).decode("ascii")
    return value


def export_all(session: Session) -> dict:
    """Every row of every table, in id order, as JSON-ready dicts (the meta table excepted)."""
    tables: dict[str, list[dict]] = {}
    for model in TABLES:
        if model is TrackerMeta:
            continue
        keys = [c.name for c in model.__table__.primary_key.columns]
        rows = session.exec(select(model).order_by(*[getattr(model, k) for k in keys])).all()
        tables[model.__tablename__] = [
            {c.name: _plain(getattr(row, c.name)) for c in model.__table__.columns} for row in rows
        ]
    return {"format": FORMAT, "version": FORMAT_VERSION, "schema": head_revision(), "tables": tables}


def _typed(model, row: dict) -> dict:
    out = {}
    for column in model.__table__.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        kind = getattr(column.type, "impl", column.type).python_type
        if value is not None and kind is dt.datetime:
            value = dt.datetime.fromisoformat(value)
        elif value is not None and kind is dt.date:
            value = dt.date.fromisoformat(value)
        elif value is not None and kind is bytes:
            value = base64.b64decode(value)
        out[column.name] = value
    return out


def load_export(path: str | Path) -> dict:
    """Read an export file and check all of it (export_rules), before anything is imported."""
    invalid = f"{path} is not a valid CASR Tracker export"
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise BadFile(f"{path} is not valid JSON (line {exc.lineno}).") from None
    except RecursionError:
        raise BadFile(f"{invalid}: its JSON nests deeper than an export does.") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise BadFile(f"{invalid}: it holds a number too long to read.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise BadFile(f"{path} is not a CASR Tracker export.")
    version, schema = data.get("version", 0), data.get("schema")
    if type(version) is not int:
        raise BadFile(f"{invalid}: its version {version!r:.40} is not a whole number.")
    if version > FORMAT_VERSION:
        raise BadFile(f"{path} was exported by a newer version of CASR Tracker.")
    if schema is not None and (not isinstance(schema, str) or not trackerfile.known(schema)):
        raise BadFile(
            f"{path} was exported by a newer version of CASR Tracker (schema {schema!s:.40}); "
            "update the app to import it."
        )
    if problem := export_rules.first_problem(data["tables"]):
        raise BadFile(f"{invalid}: {problem}.")
    return data


def import_all(session: Session, data: dict) -> dict[str, int]:
    """Insert an export (checked by `load_export` or `export_rules`) into an empty tracker, keeping
    every id; returns rows per table."""
    if session.exec(select(Statement)).first() or session.exec(select(Document)).first():
        raise InputError(
            "The database already holds statements or documents; import into an empty one "
            "(a new --db together with --empty)."
        )
    keep_logins(session)  # the logins the rows carry, not the copier's
    counts = {}
    try:
        for model in TABLES:
            rows = data["tables"].get(model.__tablename__, [])
            if model.__tablename__ == "party":
                existing = {p.code: p for p in session.exec(select(model))}
                for row in rows:
                    party = existing.get(row["code"])
                    if party is not None and party.id != row["id"]:
                        session.delete(party)
                session.flush()
                existing_ids = {p.id for p in session.exec(select(model))}
                rows = [r for r in rows if r["id"] not in existing_ids]
            for row in rows:
                session.add(model(**_typed(model, row)))
            session.flush()
            counts[model.__tablename__] = len(data["tables"].get(model.__tablename__, []))
    except (KeyError, TypeError, ValueError) as exc:
        raise BadFile(f"The export is damaged: {exc}.") from None
    _reset_sequences(session)
    return counts


def _reset_sequences(session: Session) -> None:
    """After explicit ids, PostgreSQL's sequences must move past them."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for model in TABLES:
        table = model.__table__
        if "id" in table.columns and table.columns["id"].autoincrement:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def copy_tracker(source_url: str, target_url: str) -> dict[str, int]:
    """Copy every row of one tracker into another, empty one (any two SQLAlchemy URLs)."""
    from .seeding import open_tracker

    if source_url == target_url:
        raise InputError("--from and --to name the same database.")
    source = open_tracker(source_url, seed_if_empty=False)
    try:
        with session_scope(source, write=False) as session:
            data = export_all(session)
        if problem := export_rules.first_problem(data["tables"]):  # (a tampered tracker is not carried on)
            raise BadFile(f"{where(source)} cannot be copied: {problem}.")
    finally:
        source.dispose()
    target = open_tracker(target_url, seed_if_empty=False)
    try:
        with session_scope(target) as session:
            counts = import_all(session, data)
    finally:
        target.dispose()
    return counts

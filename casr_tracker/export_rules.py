"""What an export must be before `import-json` (or `copy`) inserts any of it: known tables and
fields, every value of its column's kind and in its domain, ids a database can hold, references to
rows the export holds, offsets inside their texts, unique ids, keys and refs, and safe links.

`first_problem(tables)` names the first thing wrong as the end of a sentence
("assessment 12 has score 7; scores are -1, 0 or +1"), or returns None for a sound export."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any

from sqlalchemy import Column

from .errors import BadUrl
from .models import TABLES, EventKind, SphereKind, Stance, Status, Strength, TrackerMeta
from .parsing import check_url

#: what SQLite (and PostgreSQL's bigint) can hold
SMALLEST, LARGEST = -(2**63), 2**63 - 1
#: the tables an export carries (the tracker's own facts in tracker_meta are not exported)
EXPORTED = {model.__tablename__: model for model in TABLES if model is not TrackerMeta}


class Invalid(Exception):
    """The first thing wrong with an export, as the end of a sentence."""


def _names(values: list[str]) -> str:
    return f"{', '.join(values[:-1])} or {values[-1]}"


def _enum(kind: type[Enum], plural: str) -> tuple[set, str]:
    values = [member.value for member in kind]
    return set(values), f"{plural} are {_names(values)}"


#: the closed vocabularies: (table, column) → (the values allowed, how to say so)
DOMAINS: dict[tuple[str, str], tuple[set, str]] = {
    ("assessment", "score"): ({-1, 0, 1}, "scores are -1, 0 or +1"),
    ("pledge", "status"): _enum(Status, "statuses"),
    ("status_change", "old"): _enum(Status, "statuses"),
    ("status_change", "new"): _enum(Status, "statuses"),
    ("pledge", "strength"): _enum(Strength, "strengths"),
    ("evidence", "stance"): _enum(Stance, "stances"),
    ("sphere", "kind"): _enum(SphereKind, "sphere kinds"),
    ("event", "kind"): _enum(EventKind, "event kinds"),
    ("suggestion_decision", "decision"): (
        {"accepted", "rejected", "reopened"},
        "decisions are accepted, rejected or reopened",
    ),
}
#: the links a report turns into anchors: http, https or file only
LINKS = {("evidence", "url"), ("document", "url")}
EVIDENCE_EVENTS = {EventKind.evidence_attached.value, EventKind.evidence_edited.value}
NOTE_EVENTS = {EventKind.note_added.value, EventKind.note_edited.value}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _kind(column: Column) -> type:
    return getattr(column.type, "impl", column.type).python_type


def _whole(value: Any) -> bool:
    return type(value) is int


def _name(table: str, row: dict, index: int) -> str:
    """How a row is named: by its id when it has a sound one, else by its place ("note row 2")."""
    if "id" in EXPORTED[table].__table__.columns and _whole(row.get("id")) and SMALLEST <= row["id"] <= LARGEST:
        return f"{table} {row['id']}"
    return f"{table} row {index + 1}"


def _required(column: Column) -> bool:
    return not column.nullable and column.default is None and column.server_default is None


# --- one value -------------------------------------------------------------------------------------


def _value_problem(name: str, table: str, column: Column, value: Any) -> str | None:
    """What is wrong with one value of a row (None: nothing)."""
    key = column.name
    if value is None:
        return None if column.nullable else f"{name} has no {key}"
    if (table, key) in DOMAINS:
        allowed, hint = DOMAINS[(table, key)]
        if type(value) is not type(next(iter(allowed))) or value not in allowed:
            return f"{name} has {key} {_shown(value)}; {hint}"
        return None
    kind = _kind(column)
    if kind is int:
        if not _whole(value):
            return f"{name} has {key} {_shown(value)}, not a whole number"
        if not SMALLEST <= value <= LARGEST:
            return f"{name} has {key} {_shown(value)}, beyond what a database holds"
    elif kind is bool:
        if type(value) is not bool:
            return f"{name} has {key} {_shown(value)}, not true or false"
    elif kind is str:
        if type(value) is not str:
            return f"{name} has {key} {_shown(value)}, not a text"
        if "\x00" in value:
            return f"{name} has a NUL character in its {key}"
        if (table, key) in LINKS and value:
            try:
                check_url(value)
            except BadUrl:
                return f"{name} has the URL {_shown(value)}; only http, https and file links are kept"
    elif kind in (dt.date, dt.datetime):
        what = "a date" if kind is dt.date else "a date and time"
        try:
            kind.fromisoformat(value)
        except (TypeError, ValueError):
            return f"{name} has {key} {_shown(value)}, not {what}"
    elif kind is bytes:
        try:
            base64.b64decode(value, validate=True)
        except (TypeError, ValueError, binascii.Error):
            return f"{name} has {key} that is not base64"
    return None


def _event_problem(name: str, row: dict) -> str | None:
    """An event's data is a JSON object; an evidence event's date and stance, a note event's text,
    are of the kinds the replay reads (so `check` and the reports can replay it)."""
    try:
        data = json.loads(row.get("data", "{}"))
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return f"{name} has data that is not a JSON object"
    if row["kind"] in EVIDENCE_EVENTS:
        date = data.get("date")
        try:
            if date is not None:
                dt.date.fromisoformat(date)
        except (TypeError, ValueError):
            return f"{name} has date {_shown(date)} in its data, not a date"
        allowed, hint = DOMAINS[("evidence", "stance")]
        if "stance" in data and data["stance"] not in allowed:
            return f"{name} has stance {_shown(data['stance'])} in its data; {hint}"
    if row["kind"] in NOTE_EVENTS and not isinstance(data.get("text"), str | None):
        return f"{name} has text {_shown(data.get('text'))} in its data, not a text"
    return None


def _page_starts_problem(name: str, row: dict) -> str | None:
    if row.get("page_starts") is None:
        return None
    try:
        starts = json.loads(row["page_starts"])
    except (ValueError, RecursionError):
        starts = None
    length = len(row["text"])
    if not isinstance(starts, list) or not all(_whole(s) and 0 <= s <= length for s in starts):
        return f"{name} has page_starts that are not offsets of its text"
    return None


# --- the whole export ------------------------------------------------------------------------------


def _rows(tables: dict) -> Iterator[tuple[str, int, dict]]:
    for table in EXPORTED:
        for index, row in enumerate(tables.get(table, [])):
            yield table, index, row


def _shape_problems(tables: dict) -> Iterator[str]:
    """Tables, rows, fields and each value on its own."""
    for table, rows in tables.items():
        if table not in EXPORTED:
            yield f"it has a table {_shown(table)} that an export does not hold"
        elif not isinstance(rows, list):
            yield f"its table {table} is not a list of rows"
    for table, index, row in _rows(tables):
        if not isinstance(row, dict):
            yield f"{table} row {index + 1} is not an object"
            continue
        name, columns = _name(table, row, index), EXPORTED[table].__table__.columns
        for key in row:
            if key not in columns:
                yield f"{name} has a field {_shown(key)} that CASR Tracker does not know"
        for column in columns:
            if column.name not in row:
                if _required(column):
                    yield f"{name} has no {column.name}"
            elif problem := _value_problem(name, table, column, row[column.name]):
                yield problem
        if table == "event" and (problem := _event_problem(name, row)):
            yield problem
        if table == "document" and (problem := _page_starts_problem(name, row)):
            yield problem


def _key_problems(tables: dict) -> Iterator[str]:
    """Ids and keys that occur twice; references to rows the export does not hold."""
    ids: dict[str, set[int]] = {}
    for table, model in EXPORTED.items():
        rows = tables.get(table, [])
        keys = [c.name for c in model.__table__.primary_key.columns]
        seen = Counter(tuple(row[k] for k in keys) for row in rows)
        for index, row in enumerate(rows):
            key = tuple(row[k] for k in keys)
            if seen[key] > 1:
                what = " and ".join(f"{k} {row[k]}" for k in keys)
                yield (
                    f"{table} {row['id']} occurs twice" if keys == ["id"] else f"{table} row {index + 1} repeats {what}"
                )
        for column in model.__table__.columns:
            if column.unique:
                values = Counter(row.get(column.name) for row in rows)
                for index, row in enumerate(rows):
                    if row.get(column.name) is not None and values[row.get(column.name)] > 1:
                        yield (
                            f"{_name(table, row, index)} has the {column.name} {_shown(row[column.name])} "
                            f"of another {table}"
                        )
        if keys == ["id"]:
            ids[table] = {row["id"] for row in rows}
    for table, index, row in _rows(tables):
        for column in EXPORTED[table].__table__.columns:
            for foreign in column.foreign_keys:
                target = foreign.column.table.name
                value = row.get(column.name)
                if value is not None and value not in ids.get(target, set()):
                    yield f"{_name(table, row, index)} names {target} {value}, which it does not hold"


def _inside(start: Any, end: Any, text: str) -> bool:
    return _whole(start) and _whole(end) and 0 <= start <= end <= len(text)


def _text_problems(tables: dict) -> Iterator[str]:
    """Offsets inside their texts, quotes and pledges that are what their texts say there, and refs
    unique within a statement."""
    statements = {row["id"]: row["text"] for row in tables.get("statement", [])}
    documents = {row["id"]: row["text"] for row in tables.get("document", [])}
    for index, row in enumerate(tables.get("sphere", [])):
        start = row.get("heading_start")
        if start is not None and not _inside(start, start, statements[row["statement_id"]]):
            yield f"{_name('sphere', row, index)} has its heading outside statement {row['statement_id']}"
    refs = Counter((row["statement_id"], row["ref"]) for row in tables.get("pledge", []))
    seen: set[tuple[int, str]] = set()
    for index, row in enumerate(tables.get("pledge", [])):
        name, sid, start, end = _name("pledge", row, index), row["statement_id"], row["start"], row["end"]
        text = statements[sid]
        if not row.get("retired", False):  # (a retired pledge's offsets may be of an earlier text)
            if not _inside(start, end, text):
                yield f"{name} lies outside statement {sid} ({start}:{end} of a text of {len(text)} characters)"
            elif text[start:end] != row["text"]:
                yield f"{name} is not the text of statement {sid} at {start}:{end}"
        if refs[(sid, row["ref"])] > 1 and (sid, row["ref"]) in seen:
            yield f"{name} has the ref {row['ref']} of another pledge of statement {sid}"
        seen.add((sid, row["ref"]))
    for table in ("evidence", "suggestion_decision"):
        for index, row in enumerate(tables.get(table, [])):
            if row.get("document_id") is None:
                continue
            name, did, start, end = _name(table, row, index), row["document_id"], row.get("start"), row.get("end")
            text = documents[did]
            if not _inside(start, end, text):
                yield f"{name} lies outside document {did} ({start}:{end} of a text of {len(text)} characters)"
            elif table == "evidence" and text[start:end] != row.get("quote", ""):
                yield f"{name} quotes what document {did} does not say at {start}:{end}"


def first_problem(tables: Any) -> str | None:
    """The first thing wrong with an export's tables (None: nothing). Each stage assumes the ones
    before it found nothing: shapes and values, then ids and references, then texts and offsets."""
    if not isinstance(tables, dict):
        return "its tables are not an object"
    stages: tuple[Callable[[dict], Iterator[str]], ...] = (_shape_problems, _key_problems, _text_problems)
    for stage in stages:
        for problem in stage(tables):
            return problem
    return None

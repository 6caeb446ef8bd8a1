"""What an export must be before `import-json` (or `copy`) inserts any of it: known tables and
fields, every value of its column's kind and in its domain, ids a database can hold, references to
rows the export holds, offsets inside their texts, unique ids, keys and refs, and safe links.

`Checker` takes the rows as they stream past (an export need not fit in memory) and names the first
thing wrong as the end of a sentence ("assessment 12 has score 7; scores are -1, 0 or +1");
`first_problem(tables)` does the same for an export held whole, or returns None for a sound one."""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import json
import sqlite3
import tempfile
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple

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


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
        if not value.isascii() and not _encodable(value):
            return f"{name} has a lone surrogate in its {key}, which is not text"
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


# --- the whole export, row by row ------------------------------------------------------------------


class _Ids:
    """A set of whole numbers kept as runs of consecutive ones (an export's ids come in order, so a
    table of a million rows is a few runs), with a plain set for those that come out of order."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._rest: set[int] = set()

    def add(self, value: int) -> None:
        if self._ends and value == self._ends[-1] + 1:
            self._ends[-1] = value
        elif not self._ends or value > self._ends[-1] + 1:
            self._starts.append(value)
            self._ends.append(value)
        else:
            self._rest.add(value)

    def __contains__(self, value: object) -> bool:
        if value in self._rest:
            return True
        at = bisect.bisect_right(self._starts, value) - 1 if _whole(value) else -1
        return at >= 0 and value <= self._ends[at]


#: the characters of statement and document texts a check holds in memory before it spills them to a file
TEXT_BUDGET = 32 << 20


class Texts:
    """The statement and document texts an export holds, for the offsets of the rows after them: in
    memory up to `budget` characters, beyond that in a temporary SQLite file (read back through a
    small cache), so an export's documents need not fit in memory."""

    def __init__(self, budget: int | None = None, cache: int = 16 << 20) -> None:
        self._budget, self._cache_budget = TEXT_BUDGET if budget is None else budget, cache
        self._held: dict[tuple[str, int], str] = {}
        self._size = 0
        self._lengths: dict[tuple[str, int], int] = {}
        self._file: sqlite3.Connection | None = None
        self._folder: tempfile.TemporaryDirectory | None = None
        self._cache: OrderedDict[tuple[str, int], str] = OrderedDict()
        self._cached = 0

    def add(self, table: str, id_: int, text: str) -> None:
        self._lengths[(table, id_)] = len(text)
        if self._file is None and self._size + len(text) <= self._budget:
            self._held[(table, id_)] = text
            self._size += len(text)
            return
        if self._file is None:
            self._folder = tempfile.TemporaryDirectory(prefix="casr-texts-")
            self._file = sqlite3.connect(Path(self._folder.name) / "texts.sqlite3")
            self._file.execute("CREATE TABLE text (tab TEXT, id INTEGER, body TEXT, PRIMARY KEY (tab, id))")
            self._file.executemany(
                "INSERT OR REPLACE INTO text VALUES (?, ?, ?)", [(*k, v) for k, v in self._held.items()]
            )
            self._held.clear()
        self._file.execute("INSERT OR REPLACE INTO text VALUES (?, ?, ?)", (table, id_, text))

    def length(self, table: str, id_: int) -> int:
        return self._lengths[(table, id_)]

    def get(self, table: str, id_: int) -> str:
        key = (table, id_)
        if self._file is None:
            return self._held[key]
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        (text,) = self._file.execute("SELECT body FROM text WHERE tab = ? AND id = ?", key).fetchone()
        self._cache[key] = text
        self._cached += len(text)
        while self._cached > self._cache_budget and len(self._cache) > 1:
            self._cached -= len(self._cache.popitem(last=False)[1])
        return text

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
        self._held.clear()
        self._cache.clear()


#: the order old whole-export checks reported problems in: shapes, then keys, then texts
SHAPE, KEYS, TEXTS = 1, 2, 3
#: the tables whose rows hold offsets into another table's texts, and that table
_TEXT_OF = {"sphere": "statement", "pledge": "statement", "evidence": "document", "suggestion_decision": "document"}


class Checker:
    """Checks an export's rows as they stream past, tables in `EXPORTED` order and rows in their
    order, keeping only what later rows are checked against: ids (as runs), the values of unique
    columns, pledge refs, and the texts offsets point into (`Texts`). It reports the problem a check
    of the whole export at once would have named first — shapes and values before ids and
    references, those before texts and offsets — so a streamed import says what a whole one did.

    Feed it `table(...)` for each table it holds, `row(...)` for each row; tables whose primary keys came out of
    order are listed in `unsorted` and must be fed again through `rescan(...)`; then `problem()`."""

    def __init__(self) -> None:
        self._best: tuple[tuple, str] | None = None
        self._order = {table: number for number, table in enumerate(EXPORTED)}
        self._ids: dict[str, _Ids] = {}
        self._last: dict[str, tuple[tuple, int]] = {}
        self.unsorted: list[str] = []
        self._unique: dict[tuple[str, str], dict[Any, str]] = {}
        self._forward: list[tuple[tuple, str, str, Any]] = []
        self._refs: set[str] = set()
        self.texts = Texts()
        self._plans = {table: _plan(model) for table, model in EXPORTED.items()}

    def _found(self, key: tuple, problem: str) -> None:
        if self._best is None or key < self._best[0]:
            self._best = (key, problem)

    @property
    def stage(self) -> int:
        """The stage of the first problem found so far (4: none yet)."""
        return self._best[0][0] if self._best else 4

    def table(self, position: int, table: str, is_list: bool) -> None:
        """One of the export's tables, at its `position` among them, and whether it is a list of rows."""
        if table not in EXPORTED:
            self._found((SHAPE, 0, position), f"it has a table {_shown(table)} that an export does not hold")
        elif not is_list:
            self._found((SHAPE, 0, position), f"its table {table} is not a list of rows")

    def row(self, table: str, index: int, row: Any) -> None:
        """Check one row (the `index`th of its table)."""
        if self.stage == SHAPE:
            return  # nothing after it can come first
        number = self._order[table]
        if not isinstance(row, dict):
            self._found((SHAPE, 1, number, index), f"{table} row {index + 1} is not an object")
            return
        name = _name(table, row, index)
        if problem := _row_problem(name, table, row):
            self._found((SHAPE, 1, number, index), problem)
            return
        if self.stage >= KEYS:
            self._keys(table, number, index, name, row)
        if self.stage >= TEXTS:
            self._text(table, number, index, name, row)

    def _keys(self, table: str, number: int, index: int, name: str, row: dict) -> None:
        plan = self._plans[table]
        key = tuple(row[k] for k in plan.keys)
        if plan.keys == ["id"]:
            self._ids.setdefault(table, _Ids()).add(row["id"])
        if table not in self.unsorted:
            last = self._last.get(table)
            if last is None or key > last[0]:
                self._last[table] = (key, index)
            elif key == last[0]:
                self._found((KEYS, 0, number, 0, last[1]), _repeated(table, plan.keys, row, last[1]))
            else:  # out of order: which key repeats first is found by `rescan`
                self.unsorted.append(table)
        for place, column in enumerate(plan.unique, start=1):
            value = row.get(column)
            if value is None:
                continue
            seen = self._unique.setdefault((table, column), {})
            if value in seen:
                first, first_name = seen[value]
                self._found(
                    (KEYS, 0, number, place, first), f"{first_name} has the {column} {_shown(value)} of another {table}"
                )
            else:
                seen[value] = (index, name)
        for place, (column, target) in enumerate(plan.references):
            value = row.get(column)
            if value is None:
                continue
            key = (KEYS, 1, number, index, place)
            if self._order[target] >= number:  # a row later in the export: checked at the end
                self._forward.append((key, f"{name} names {target} {value}, which it does not hold", target, value))
            elif value not in self._ids.get(target, ()):
                self._found(key, f"{name} names {target} {value}, which it does not hold")

    def _text(self, table: str, number: int, index: int, name: str, row: dict) -> None:
        if table in ("statement", "document"):
            self.texts.add(table, row["id"], row["text"])
            return
        if table not in _TEXT_OF:
            return
        key = (TEXTS, number, index)
        if table == "sphere":
            start, sid = row.get("heading_start"), row["statement_id"]
            if start is not None and not _inside(start, start, self.texts.length("statement", sid)):
                self._found(key, f"{name} has its heading outside statement {sid}")
        elif table == "pledge":
            sid, start, end = row["statement_id"], row["start"], row["end"]
            if not row.get("retired", False):  # (a retired pledge's offsets may be of an earlier text)
                length = self.texts.length("statement", sid)
                if not _inside(start, end, length):
                    self._found(
                        key, f"{name} lies outside statement {sid} ({start}:{end} of a text of {length} characters)"
                    )
                elif self.texts.get("statement", sid)[start:end] != row["text"]:
                    self._found(key, f"{name} is not the text of statement {sid} at {start}:{end}")
            ref = f"{sid}\x00{row['ref']}"
            if ref in self._refs:
                self._found(key, f"{name} has the ref {row['ref']} of another pledge of statement {sid}")
            self._refs.add(ref)
        elif row.get("document_id") is not None:
            did, start, end = row["document_id"], row.get("start"), row.get("end")
            length = self.texts.length("document", did)
            if not _inside(start, end, length):
                self._found(key, f"{name} lies outside document {did} ({start}:{end} of a text of {length} characters)")
            elif table == "evidence" and self.texts.get("document", did)[start:end] != row.get("quote", ""):
                self._found(key, f"{name} quotes what document {did} does not say at {start}:{end}")

    def rescan(self, table: str, rows: Callable[[], Iterable[dict]]) -> None:
        """A table whose keys came out of order, read twice more (`rows()` each time): the first row
        whose key repeats, as a check of the whole table at once finds it."""
        if self.stage < KEYS:
            return
        keys = self._plans[table].keys
        seen = Counter(tuple(row[k] for k in keys) for row in rows())
        for index, row in enumerate(rows()):
            if seen[tuple(row[k] for k in keys)] > 1:
                self._found((KEYS, 0, self._order[table], 0, index), _repeated(table, keys, row, index))
                return

    def problem(self) -> str | None:
        """The first thing wrong with the rows fed (None: nothing), once all are fed."""
        for key, problem, target, value in self._forward:
            if value not in self._ids.get(target, ()):
                self._found(key, problem)
        self._forward.clear()
        return self._best[1] if self._best else None

    def close(self) -> None:
        self.texts.close()


class _Plan(NamedTuple):
    keys: list[str]
    unique: list[str]
    references: list[tuple[str, str]]
    columns: Any


def _plan(model) -> _Plan:
    table = model.__table__
    return _Plan(
        keys=[c.name for c in table.primary_key.columns],
        unique=[c.name for c in table.columns if c.unique],
        references=[(c.name, fk.column.table.name) for c in table.columns for fk in c.foreign_keys],
        columns=table.columns,
    )


def _repeated(table: str, keys: list[str], row: dict, first: int) -> str:
    if keys == ["id"]:
        return f"{table} {row['id']} occurs twice"
    what = " and ".join(f"{k} {row[k]}" for k in keys)
    return f"{table} row {first + 1} repeats {what}"


def _row_problem(name: str, table: str, row: dict) -> str | None:
    """The first thing wrong with one row on its own: its fields, each value, an event's data, a
    document's page starts."""
    columns = EXPORTED[table].__table__.columns
    for key in row:
        if key not in columns:
            return f"{name} has a field {_shown(key)} that CASR Tracker does not know"
    for column in columns:
        if column.name not in row:
            if _required(column):
                return f"{name} has no {column.name}"
        elif problem := _value_problem(name, table, column, row[column.name]):
            return problem
    if table == "event" and (problem := _event_problem(name, row)):
        return problem
    if table == "document" and (problem := _page_starts_problem(name, row)):
        return problem
    return None


def _inside(start: Any, end: Any, length: int) -> bool:
    return _whole(start) and _whole(end) and 0 <= start <= end <= length


def first_problem(tables: Any) -> str | None:
    """The first thing wrong with an export's tables held whole in memory (None: nothing)."""
    if not isinstance(tables, dict):
        return "its tables are not an object"
    checker = Checker()
    try:
        for position, (table, rows) in enumerate(tables.items()):
            checker.table(position, table, isinstance(rows, list))
        for table in EXPORTED:
            rows = tables.get(table, [])
            if isinstance(rows, list):
                for index, row in enumerate(rows):
                    checker.row(table, index, row)
        for table in checker.unsorted:
            checker.rescan(table, lambda table=table: tables[table])
        return checker.problem()
    finally:
        checker.close()

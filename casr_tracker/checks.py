"""`casr-tracker check`: is the stored tracker whole and consistent? One line per problem found."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from . import db, events, trackerfile
from .models import Assessment, Document, EventKind, Evidence, Note, Pledge, Statement, Status, StatusChange
from .queries import SEARCH_BODY, SEARCH_KEY
from .scorecard import statuses_as_of


def database_problems(engine: Engine) -> list[str]:
    """SQLite's own integrity and foreign-key checks (PostgreSQL enforces both as it writes)."""
    if engine.dialect.name != "sqlite":
        return []
    problems = []
    with engine.connect() as conn:
        for (row,) in conn.execute(text("PRAGMA integrity_check")):
            if row != "ok":
                problems.append(f"integrity: {row}")
        for table, rowid, parent, _fk in conn.execute(text("PRAGMA foreign_key_check")):
            problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
    return problems


def offset_problems(session: Session) -> list[str]:
    """Every pledge is exactly `text[start:end]` of its statement; every excerpt of its document."""
    problems = []
    texts = {s.id: s.text for s in session.exec(select(Statement))}
    for p in session.exec(select(Pledge).where(Pledge.retired == False)):  # noqa: E712
        source = texts.get(p.statement_id, "")
        if not (_whole(p.start, p.end) and 0 <= p.start < p.end <= len(source)):
            problems.append(f"offsets: pledge {p.ref} ({p.start}:{p.end}) lies outside its statement")
        elif source[p.start : p.end] != p.text:
            problems.append(f"offsets: pledge {p.ref} does not match its statement at {p.start}:{p.end}")
    documents = {d.id: d.text for d in session.exec(select(Document))}
    for e in session.exec(select(Evidence).where(Evidence.document_id != None)):  # noqa: E711
        source = documents.get(e.document_id, "")
        if not (_whole(e.start, e.end) and 0 <= e.start < e.end <= len(source)):
            problems.append(f"offsets: evidence {e.id} lies outside document {e.document_id}")
        elif source[e.start : e.end] != e.quote:
            problems.append(f"offsets: evidence {e.id} quote does not match document {e.document_id}")
    return problems


def _whole(*values) -> bool:
    """Whether every value is a whole number (a tampered file can hold text where a number goes)."""
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def ref_problems(session: Session) -> list[str]:
    """Refs are unique within a statement."""
    counts = Counter((p.statement_id, p.ref) for p in session.exec(select(Pledge)))
    return [f"refs: {ref} occurs {n} times in statement {sid}" for (sid, ref), n in sorted(counts.items()) if n > 1]


def history_problems(session: Session) -> list[str]:
    """Each pledge's current status is the one its history says (the latest change in force)."""
    pledges = list(session.exec(select(Pledge)))
    latest = statuses_as_of(session, [p.id for p in pledges])
    problems = []
    valid = {s.value for s in Status}
    for p in pledges:
        change = latest[p.id]
        expected = change.new if change else Status.not_assessed.value
        if p.status not in valid:
            problems.append(f"history: pledge {p.ref} has an unknown status {p.status!r}")
        elif p.status != expected:
            problems.append(f"history: pledge {p.ref} is {p.status} but its history says {expected}")
    return problems


def event_problems(session: Session) -> list[str]:
    """The current values are what a replay of the event log gives: each status entry and score has
    its event, each note its words and deletion, each piece of evidence its date, stance and
    withdrawal, each edited document its details."""
    problems = []
    for model, kind in ((StatusChange, EventKind.status), (Assessment, EventKind.score)):
        rows = [row.id for row in session.exec(select(model))]
        logged = events.entry_event_ids(session, kind, rows)
        problems += [f"events: {model.__tablename__} {row} has no event" for row in rows if row not in logged]
    notes = {note.id: note for note in session.exec(select(Note))}
    for note_id, log in events.replay(session, events.NOTE_KINDS, notes).items():
        try:
            state, note = events.note_state(log), notes[note_id]
        except (ValueError, TypeError, AttributeError) as exc:  # events whose data is not what was logged
            problems.append(f"events: note {note_id}'s events cannot be read ({_one_line(exc)})")
            continue
        if state["text"] != note.text or state["deleted"] != (note.deleted_at is not None):
            problems.append(f"events: note {note_id} does not read as its events say")
    items = {item.id: item for item in session.exec(select(Evidence))}
    for item_id, log in events.replay(session, events.EVIDENCE_KINDS, items).items():
        try:
            state, item = events.evidence_state(log), items[item_id]
        except (ValueError, TypeError, AttributeError) as exc:
            problems.append(f"events: evidence {item_id}'s events cannot be read ({_one_line(exc)})")
            continue
        now = {"date": item.date, "stance": item.stance}
        if not log or any(state.get(k, now[k]) != now[k] for k in now) or state["withdrawn"] != bool(item.withdrawn_at):
            problems.append(f"events: evidence {item_id} is not what its events say")
    documents = {d.id: d for d in session.exec(select(Document))}
    for document_id, log in events.replay(session, [EventKind.document_edited], documents).items():
        last: dict = {}
        try:
            for event in log:  # oldest first: the last edit of each detail wins
                last.update({k: v for k, v in events.data_of(event).items() if k != "before"})
        except (ValueError, TypeError, AttributeError) as exc:
            problems.append(f"events: document {document_id}'s edits cannot be read ({_one_line(exc)})")
            continue
        for name, value in last.items():
            if not _same(getattr(documents[document_id], name, None), value):
                problems.append(f"events: document {document_id}'s {name} is not its last edit")
    return problems


def _one_line(exc: BaseException) -> str:
    return " ".join(str(getattr(exc, "orig", exc)).split()).rstrip(".")


def _same(current, logged) -> bool:
    return (current.isoformat() if hasattr(current, "isoformat") else current) == logged


#: a pledge row `p`'s place in the list as PostgreSQL's search index holds it (migration 0014's `key`)
POSTGRES_LIST_KEY = SEARCH_KEY.replace("pledge.", "p.").replace("p.statement_id", "p.statement_id::bigint")


def search_problems(session: Session) -> list[str]:
    """On SQLite, the search index holds one row per pledge, at the pledge's place in the list, with
    its text, live notes and unwithdrawn quotes (migration 0006); FTS5 checks its own structure. On
    PostgreSQL, each pledge has its row with its place in the list (migration 0014); its words are not
    compared here (rebuilding every pledge's words takes seconds at 100,000)."""
    if session.get_bind().dialect.name == "postgresql":
        return [
            f"search index: pledge {ref} is {'missing' if missing else 'out of place'}"
            for ref, missing in session.connection().exec_driver_sql(
                f"SELECT p.ref, s.pledge_id IS NULL FROM pledge p LEFT JOIN pledge_search s ON s.pledge_id = p.id "
                f"WHERE s.pledge_id IS NULL OR s.list_key IS DISTINCT FROM {POSTGRES_LIST_KEY} ORDER BY p.id"
            )
        ]
    if session.get_bind().dialect.name != "sqlite":
        return []
    problems = []
    try:
        session.connection().exec_driver_sql("INSERT INTO pledge_search(pledge_search) VALUES ('integrity-check')")
    except Exception as exc:  # noqa: BLE001 - any failure of the check is the problem to report
        if "readonly" not in str(exc):  # a read-only tracker cannot run FTS5's own check: the rest still runs
            problems.append(f"search index: {' '.join(str(getattr(exc, 'orig', exc)).split())}")
    key, body = SEARCH_KEY.replace("pledge.", "p."), SEARCH_BODY.replace("pledge.", "p.")
    wrong = session.connection().exec_driver_sql(
        f"SELECT p.ref, s.rowid IS NULL FROM pledge p LEFT JOIN pledge_search s ON s.rowid = {key} "
        f"WHERE s.rowid IS NULL OR s.pledge_id != p.id OR s.body != {body}"
    )
    for ref, missing in wrong:
        problems.append(f"search index: pledge {ref} is {'missing' if missing else 'out of date'}")
    (rows,) = session.connection().exec_driver_sql("SELECT count(*) FROM pledge_search").one()
    (pledges,) = session.connection().exec_driver_sql("SELECT count(*) FROM pledge").one()
    if rows > pledges:
        problems.append(f"search index: {rows - pledges} rows more than there are pledges")
    return problems


def schema_problems(engine: Engine) -> list[str]:
    """On SQLite, the file carries the tracker's application id and exactly the tables, triggers and
    views a fresh tracker of its revision has: a trigger of its own would run on every change."""
    if engine.dialect.name != "sqlite":
        return []
    with engine.connect() as conn:
        found = trackerfile.schema_of(conn.connection.dbapi_connection)
    if found.revision is None or not trackerfile.known(found.revision):
        return [f"schema: revision {found.revision} is not one this version of CASR Tracker knows"]
    return [f"schema: {difference.phrase}" for difference in trackerfile.differences(found)]


#: each check and the word its problems begin with
FINDERS = (
    (offset_problems, "offsets"),
    (ref_problems, "refs"),
    (history_problems, "history"),
    (event_problems, "events"),
    (search_problems, "search index"),
)


def check(engine: Engine) -> list[str]:
    """All the checks; an empty list means the tracker is sound. A check that cannot finish (a value
    of the wrong kind where the schema does not stop one, as in a tampered file) is itself a problem."""
    problems = database_problems(engine) + schema_problems(engine)
    with db.session_scope(engine, write=False) as session:  # (one snapshot for every check)
        for finder, area in FINDERS:
            try:
                problems += finder(session)
            except (ValueError, TypeError, AttributeError, LookupError) as exc:
                problems.append(f"{area}: the check could not finish ({_one_line(exc)})")
    return problems

"""The event log: every change appended as one `Event`; what stood at a moment is a replay of it.

Facts (a status entry, a score, evidence, a note) count from the day they speak for; corrections of
them (a retraction, a withdrawal or restoration, an edit, a deletion) count from the moment they were
recorded. So a report as of a day made today and one made later agree, whatever was corrected since.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import and_, exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from .models import Event, EventKind
from .neutral import user_name


def log(
    session: Session,
    kind: EventKind,
    *,
    pledge_id: int | None,
    subject_id: int | None,
    who: str = "",
    undoes: int | None = None,
    **data,
) -> Event:
    """Append one event (the caller's transaction commits it with the change it records). `who` is
    refused (InputError, and the change with it) when it holds a line break or a control character."""
    who = user_name(who)
    undoes = undoes if undoes is not None else _UNDOING.get()
    event = Event(
        kind=kind.value,
        pledge_id=pledge_id,
        subject_id=subject_id,
        data=json.dumps(data, default=_plain, ensure_ascii=False, sort_keys=True),
        who=who,
        undoes=undoes,
    )
    session.add(event)
    session.flush()
    return event


#: the event an undo in progress reverses: the events it appends name it
_UNDOING: ContextVar[int | None] = ContextVar("casr_tracker_undoing", default=None)


@contextmanager
def undoing(event_id: int) -> Iterator[None]:
    """Mark every event appended inside as part of the undo of `event_id`."""
    token = _UNDOING.set(event_id)
    try:
        yield
    finally:
        _UNDOING.reset(token)


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored in an event")


def data_of(event: Event) -> dict:
    return json.loads(event.data or "{}")


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after `day` (UTC): what was recorded before it was known at the end of the day
    (for the last day a date can name, 31 December 9999, its last moment)."""
    if day >= dt.date.max:
        return dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _until(query, until: dt.datetime | None):
    return query if until is None else query.where(col(Event.recorded_at) < until)


def retractions(
    session: Session, *, pledge_ids: Iterable[int] | None = None, until: dt.datetime | None = None
) -> dict[int, Event]:
    """The entries retracted (and not taken back) by `until`: entry event id → its retraction."""
    query = select(Event).where(col(Event.kind).in_([EventKind.retraction.value, EventKind.unretraction.value]))
    if pledge_ids is not None:
        query = query.where(col(Event.pledge_id).in_(list(pledge_ids)))
    found: dict[int, Event] = {}
    by_id: dict[int, Event] = {}
    for event in session.exec(_until(query, until).order_by(Event.id)):
        by_id[event.id] = event
        if event.kind == EventKind.retraction.value:
            found[event.subject_id] = event
        else:  # an unretraction's subject is the retraction it takes back
            taken_back = by_id.get(event.subject_id)
            if taken_back is not None and found.get(taken_back.subject_id) is taken_back:
                del found[taken_back.subject_id]
    return found


def retracted_rows(
    session: Session, kind: EventKind, *, pledge_ids: Iterable[int] | None = None, until: dt.datetime | None = None
) -> set[int]:
    """The ids of the StatusChange (kind status) or Assessment (kind score) rows retracted by `until`."""
    entries = retractions(session, pledge_ids=pledge_ids, until=until)
    if not entries:
        return set()
    rows = session.exec(select(Event.subject_id).where(col(Event.id).in_(list(entries)), Event.kind == kind.value))
    return {row for row in rows if row is not None}


def not_retracted(kind: EventKind, row_id):
    """A SQL condition: the row of `kind` (a StatusChange's or an Assessment's id column) has no
    retraction in effect (one not taken back)."""
    entry, retraction, taken_back = aliased(Event), aliased(Event), aliased(Event)
    in_effect = ~exists(
        select(taken_back.id).where(
            taken_back.kind == EventKind.unretraction.value, taken_back.subject_id == retraction.id
        )
    )
    return ~exists(
        select(entry.id)
        .join(retraction, and_(retraction.subject_id == entry.id, retraction.kind == EventKind.retraction.value))
        .where(entry.kind == kind.value, entry.subject_id == row_id, in_effect)
    )


def entry_event_ids(session: Session, kind: EventKind, subject_ids: Iterable[int]) -> dict[int, int]:
    """Row id → the id of the event that recorded it (a status entry's or a score's entry id)."""
    ids = list(subject_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(Event.subject_id, Event.id).where(Event.kind == kind.value, col(Event.subject_id).in_(ids))
    )
    return {subject: event_id for subject, event_id in rows}


def replay(
    session: Session, kinds: Iterable[EventKind], subject_ids: Iterable[int], *, until: dt.datetime | None = None
) -> dict[int, list[Event]]:
    """The events of `kinds` about each subject recorded before `until`, oldest first."""
    ids = list(subject_ids)
    found: dict[int, list[Event]] = {i: [] for i in ids}
    if not ids:
        return found
    query = select(Event).where(col(Event.kind).in_([k.value for k in kinds]), col(Event.subject_id).in_(ids))
    for event in session.exec(_until(query, until).order_by(Event.id)):
        found[event.subject_id].append(event)
    return found


EVIDENCE_KINDS = (
    EventKind.evidence_attached,
    EventKind.evidence_edited,
    EventKind.evidence_withdrawn,
    EventKind.evidence_restored,
)
NOTE_KINDS = (EventKind.note_added, EventKind.note_edited, EventKind.note_deleted, EventKind.note_restored)


def evidence_state(log: list[Event], until: dt.datetime | None = None) -> dict:
    """A piece of evidence as its events (oldest first) leave it: {"date", "stance", "withdrawn"};
    with `until`, only the corrections made before it (the attachment counts by its own date)."""
    state: dict = {"withdrawn": False}
    for event in log:
        if until is not None and event.kind != EventKind.evidence_attached.value and aware(event.recorded_at) >= until:
            break
        if event.kind in (EventKind.evidence_attached.value, EventKind.evidence_edited.value):
            data = data_of(event)
            state.update({k: data[k] for k in ("date", "stance") if k in data})
        else:
            state["withdrawn"] = event.kind == EventKind.evidence_withdrawn.value
    if isinstance(state.get("date"), str):
        state["date"] = dt.date.fromisoformat(state["date"])
    return state


def note_state(log: list[Event]) -> dict:
    """A note as its events (oldest first) leave it: {"text", "edited", "deleted"} (text None: none yet)."""
    state: dict = {"text": None, "edited": None, "deleted": False}
    for event in log:
        if event.kind in (EventKind.note_added.value, EventKind.note_edited.value):
            state["text"], state["edited"] = data_of(event).get("text"), event.recorded_at
        else:
            state["deleted"] = event.kind == EventKind.note_deleted.value
    return state

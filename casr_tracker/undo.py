"""Undo, in the core: a change is undone by recording its opposite (new events that name the events
they reverse), and an undo is redone by reversing it in turn. Nothing is deleted. The command line's
`undo` and the window's Undo/Redo (whose QUndoCommands only call these) follow the same rules."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_
from sqlmodel import Session, col, select

from . import corrections, events, services
from .errors import InputError, StaleEdit
from .models import Document, Event, EventKind, Evidence, Note, Party, Pledge
from .users import current_login

#: every kind of event can be reversed (a retraction taken back is retracted again)
#: a correction of the importer's reading is undone by the opposite correction, not by Ctrl+Z
UNDOABLE = {kind.value for kind in EventKind} - {EventKind.import_edit.value}


def _undo_links(session: Session) -> dict[int, int]:
    """event id -> the event it reverses, for every reversal recorded."""
    return dict(session.exec(select(Event.id, Event.undoes).where(col(Event.undoes).is_not(None))).all())


def _state(links: dict[int, int]):
    reversed_by: dict[int, list[int]] = {}
    for event_id, target in links.items():
        reversed_by.setdefault(target, []).append(event_id)

    def in_effect(event_id: int, depth: int = 0) -> bool:
        """Not reversed by a reversal that is itself in effect."""
        return depth > 50 or not any(in_effect(r, depth + 1) for r in reversed_by.get(event_id, ()))

    def is_change(event_id: int) -> bool:
        """A change the user made: not a reversal, or the reversal of a reversal (a redo)."""
        depth = 0
        while event_id in links and depth < 50:
            event_id, depth = links[event_id], depth + 1
        return depth % 2 == 0

    return in_effect, is_change


def _mine(session: Session, who: str):
    """The events this analyst made: recorded under this display name by this login — on PostgreSQL
    the login the database wrote, so a borrowed --user undoes nobody else's work, and two people who
    share one login still undo only their own; an event from before logins were recorded (migration
    0013) by its name alone."""
    login = current_login(session)
    return (Event.who == who) & (or_(Event.login == login, col(Event.login).is_(None)))


def _changes_in_effect(session: Session, who: str, limit: int) -> list[Event]:
    """`who`'s latest changes still in effect, latest first: an undo is not itself undone by the next
    undo (which reaches the change before), but a redo is a change again."""
    links = _undo_links(session)
    in_effect, is_change = _state(links)
    reversed_ = set(links.values())
    ids = session.exec(
        select(Event.id).where(_mine(session, who), col(Event.kind).in_(UNDOABLE)).order_by(col(Event.id).desc())
    ).all()
    found = []
    for event_id in ids:
        # the last link of its chain (a change, or the redo of one) that nobody's correction has overtaken
        if event_id not in reversed_ and is_change(event_id) and in_effect(event_id):
            if not _still_stands(session, session.get(Event, event_id)):
                continue
            found.append(session.get(Event, event_id))
            if len(found) == limit:
                break
    return found


def _still_stands(session: Session, event: Event) -> bool:
    """The change is what the record still says: a status or score entry not retracted since, a note
    not deleted, evidence not withdrawn (by anyone), so undoing it means something."""
    kind = event.kind
    if kind in corrections.RETRACTABLE:
        return event.id not in events.retractions(session, pledge_ids=[event.pledge_id])
    if kind in (EventKind.note_added.value, EventKind.note_edited.value, EventKind.note_restored.value):
        note = session.get(Note, event.subject_id)
        return note is not None and note.deleted_at is None
    if kind in (EventKind.evidence_attached.value, EventKind.evidence_edited.value, EventKind.evidence_restored.value):
        evidence = session.get(Evidence, event.subject_id)
        return evidence is not None and evidence.withdrawn_at is None
    return True


def _overtaken(what: str) -> StaleEdit:
    return StaleEdit(f"{what} was changed again since; nothing was undone (see its history).")


def last_change(session: Session, who: str) -> Event | None:
    """`who`'s latest change still in effect (what `casr-tracker undo` undoes)."""
    found = _changes_in_effect(session, who, 1)
    return found[0] if found else None


def undoable_changes(session: Session, who: str, limit: int = 20) -> list[Event]:
    """`who`'s latest changes still in effect, oldest first (the window's undo stack after a restart)."""
    return _changes_in_effect(session, who, limit)[::-1]


def undo(*, session: Session, event_ids: Iterable[int], who: str) -> str:
    """Reverse the events of one change (latest first); the events recorded name the ones they reverse,
    and `changes.changes_of(session).event_ids` lists them (what a redo reverses in turn). Returns a
    sentence that says what was undone."""
    what = []
    for event_id in sorted(event_ids, reverse=True):
        event = session.get(Event, event_id)
        if event is None:
            raise InputError(f"There is no history entry {event_id} to undo.")
        with events.undoing(event.id):
            what.append(_reverse(session, event, who))
    return "; ".join(what)


def undo_last(*, session: Session, who: str) -> tuple[Event, str]:
    """Undo `who`'s last change. Returns the change undone and a sentence that says what was undone."""
    event = last_change(session, who)
    reading = session.exec(
        select(Event)
        .where(_mine(session, who), Event.kind == EventKind.import_edit.value)
        .order_by(col(Event.id).desc())
    ).first()
    if reading is not None and (event is None or reading.id > event.id):
        pledge = session.get(Pledge, reading.pledge_id) if reading.pledge_id else None
        ref = pledge.ref if pledge else "a pledge"
        raise InputError(
            f"The last change corrected how {ref} was read; undo does not take that back (nor the changes "
            "before it): correct the reading again with 'correct' or Edit → Correct how the pledge was read…"
        )
    if event is None:
        raise InputError(f"{who or 'You'} made no change that can be undone.")
    what = undo(session=session, event_ids=[event.id], who=who)
    return event, f"Undid entry {event.id}: {what}."


def describe(session: Session, event: Event) -> str:
    """What a change did, in the words the window's Undo menu uses for it ("Set TRD-1 to in progress",
    "Score Kazakhstan on TRD-1", "Edit evidence on SNT-8"); a redo is described as the change it redid."""
    links = _undo_links(session)
    depth = 0
    while event.id in links and depth < 50:  # a redo reverses an undo of the original change
        event, depth = session.get(Event, links[event.id]), depth + 1
    data = events.data_of(event)
    pledge = session.get(Pledge, event.pledge_id) if event.pledge_id else None
    ref = pledge.ref if pledge else ""
    kind = event.kind
    if kind == EventKind.status.value:
        return f"Set {ref} to {str(data.get('new', '')).replace('_', ' ')}"
    if kind == EventKind.score.value:
        party = session.get(Party, data["party_id"]) if data.get("party_id") else None
        return f"Score {party.name if party else 'a party'} on {ref}"
    if kind == EventKind.retraction.value:
        return f"Retract entry {event.subject_id} on {ref}"
    if kind == EventKind.unretraction.value:
        return f"Take back the retraction on {ref}"
    if kind == EventKind.keywords.value:
        return f"Set keywords of {ref}"
    if kind == EventKind.document_edited.value:
        document = session.get(Document, event.subject_id)
        return f"Edit details of {document.title if document else 'a document'}"
    noun, _, verb = kind.partition("_")
    verbs = {
        "added": "Add",
        "edited": "Edit",
        "deleted": "Delete",
        "restored": "Restore",
        "attached": "Attach",
        "withdrawn": "Withdraw",
    }
    return f"{verbs.get(verb, verb.capitalize())} {noun} on {ref}"


def _plain(value):
    """A value as events store it (dates as ISO text)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _reverse(session: Session, event: Event, who: str) -> str:
    kind, data = event.kind, events.data_of(event)
    pledge = session.get(Pledge, event.pledge_id) if event.pledge_id else None
    ref = pledge.ref if pledge else ""
    if kind in corrections.RETRACTABLE:
        reason = f"undone by {who}" if who else "undone"
        corrections.retract(session=session, entry_id=event.id, reason=reason, who=who)
        return f"the {'status' if kind == 'status' else 'score'} entry on {ref} (now retracted)"
    if kind == EventKind.retraction.value:
        corrections.unretract(session=session, retraction=event, who=who)
        return f"the retraction of entry {event.subject_id} on {ref}"
    if kind == EventKind.unretraction.value:
        retraction = session.get(Event, event.subject_id)
        reason = events.data_of(retraction).get("reason") or "retracted again"
        corrections.retract(session=session, entry_id=retraction.subject_id, reason=reason, who=who)
        return f"entry {retraction.subject_id} on {ref} (retracted again)"
    if kind == EventKind.keywords.value:
        if pledge.keywords != data.get("keywords", ""):
            raise _overtaken(f"The keywords of {ref}")
        services.set_keywords(session=session, pledge=pledge, keywords=data.get("before", ""), who=who)
        return f"the keywords of {ref}"
    if kind.startswith("note"):
        return _reverse_note(session, event, kind, data, ref, who)
    if kind.startswith("evidence"):
        return _reverse_evidence(session, event, kind, data, ref, who)
    document = session.get(Document, event.subject_id)
    if any(_plain(getattr(document, key)) != data.get(key) for key in data.get("before", {})):
        raise _overtaken(f"Document {document.id}")
    before = dict(data["before"])
    if "date" in before:
        before["date"] = services.parse_date(before["date"]) if before["date"] else ""
    corrections.edit_document(session=session, document=document, who=who, **before)
    return f"the edit of document {document.id}"


def _reverse_note(session: Session, event: Event, kind: str, data: dict, ref: str, who: str) -> str:
    note = session.get(Note, event.subject_id)
    if kind == EventKind.note_edited.value:
        if note.text != data.get("text", note.text):
            raise _overtaken(f"Note {note.id}")
        if note.deleted_at is not None:
            services.restore_note(session=session, note=note, who=who)
        services.edit_note(session=session, note=note, text=data["before"], who=who)
        return f"the edit of note {note.id} on {ref}"
    if kind in (EventKind.note_added.value, EventKind.note_restored.value):
        services.delete_note(session=session, note=note, who=who)
        return f"note {note.id} on {ref} (deleted again)" if "restored" in kind else f"the new note on {ref}"
    services.restore_note(session=session, note=note, who=who)
    return f"the deletion of note {note.id} on {ref}"


def _reverse_evidence(session: Session, event: Event, kind: str, data: dict, ref: str, who: str) -> str:
    evidence = session.get(Evidence, event.subject_id)
    if kind == EventKind.evidence_edited.value:
        if any(_plain(getattr(evidence, key)) != data.get(key) for key in data.get("before", {})):
            raise _overtaken(f"Evidence {evidence.id}")
        before = data["before"]
        date = services.parse_date(before["date"]) if "date" in before else None
        corrections.edit_evidence(session=session, evidence=evidence, date=date, stance=before.get("stance"), who=who)
        return f"the edit of evidence {evidence.id} on {ref}"
    if kind in (EventKind.evidence_attached.value, EventKind.evidence_restored.value):
        services.withdraw_evidence(session=session, evidence=evidence, who=who)
        return f"evidence {evidence.id} on {ref} (withdrawn)"
    services.restore_evidence(session=session, evidence=evidence, who=who)
    return f"the withdrawal of evidence {evidence.id} on {ref}"


__all__ = ["UNDOABLE", "describe", "last_change", "undo", "undo_last", "undoable_changes"]

"""Corrections that keep the record: retract a status or score entry, edit evidence and a document's
details, undo one's last change. Each is a new event; nothing recorded before is changed or deleted
(the current values other tables hold are caches, moved along with the event)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from . import events, services
from .errors import InputError, NotFound
from .models import Document, Event, EventKind, Evidence, Pledge, Stance, today
from .parsing import parse_id

#: the kinds of entry a retraction applies to
RETRACTABLE = {EventKind.status.value, EventKind.score.value}


def find_entry(session: Session, entry_id: int | str) -> Event:
    """A history entry by its id (the `id` of `history REF --json`)."""
    number = parse_id(entry_id)
    event = session.get(Event, number) if number is not None else None
    if event is None:
        raise NotFound(f"There is no history entry {entry_id}; 'casr-tracker history REF --json' lists them.")
    return event


def retract(*, session: Session, entry_id: int | str, reason: str, who: str = "") -> Event:
    """Retract a status or score entry: it stops counting from now on, and the history shows it
    struck through with who retracted it and why. Returns the retraction."""
    entry = find_entry(session, entry_id)
    if entry.kind not in RETRACTABLE:
        raise InputError(
            f"Entry {entry.id} records {entry.kind.replace('_', ' ')}, not a status or a score; "
            "withdraw evidence or delete a note instead."
        )
    reason = " ".join(reason.split())
    if not reason:
        raise InputError("Say why the entry is retracted: the history keeps the reason.")
    if entry.id in events.retractions(session, pledge_ids=[entry.pledge_id]):
        raise InputError(f"Entry {entry.id} is already retracted.")
    pledge = session.get(Pledge, entry.pledge_id)
    services.claim_version(session, pledge)
    retraction = events.log(
        session, EventKind.retraction, pledge_id=pledge.id, subject_id=entry.id, who=who, reason=reason
    )
    if entry.kind == EventKind.status.value:
        services.refresh_status(session, pledge)
    return retraction


def unretract(*, session: Session, retraction: Event, who: str = "") -> Event:
    """Take a retraction back (the undo of a retraction): the entry counts again from now on."""
    in_effect = {r.id for r in events.retractions(session, pledge_ids=[retraction.pledge_id]).values()}
    if retraction.id not in in_effect:
        raise InputError(f"The retraction of entry {retraction.subject_id} was already taken back.")
    pledge = session.get(Pledge, retraction.pledge_id)
    services.claim_version(session, pledge)
    event = events.log(session, EventKind.unretraction, pledge_id=pledge.id, subject_id=retraction.id, who=who)
    target = session.get(Event, retraction.subject_id)
    if target is not None and target.kind == EventKind.status.value:
        services.refresh_status(session, pledge)
    return event


def edit_evidence(
    *,
    session: Session,
    evidence: Evidence,
    date: dt.date | None = None,
    stance: Stance | str | None = None,
    who: str = "",
) -> Evidence:
    """Change the date a piece of evidence speaks for, or its stance (one event with the old values)."""
    changed: dict = {}
    services.check_not_after_today(date, "Evidence")
    if date is not None and date != evidence.date:
        changed["date"] = date
    if stance is not None:
        value = (services.parse_stance(stance) if isinstance(stance, str) else stance).value
        if value != evidence.stance:
            changed["stance"] = value
    if not changed:
        raise InputError(f"Nothing to change: give evidence {evidence.id} a new --date or --stance.")
    _record_edit(session, evidence, changed, EventKind.evidence_edited, evidence.pledge_id, who)
    return evidence


def _record_edit(session: Session, row, changed: dict, kind: EventKind, pledge_id: int | None, who: str) -> None:
    """Set the changed values on their cache row and append the event that records them, with the
    values they replaced under "before"."""
    before = {key: getattr(row, key) for key in changed}
    for key, value in changed.items():
        setattr(row, key, value)
    session.add(row)
    events.log(session, kind, pledge_id=pledge_id, subject_id=row.id, who=who, before=before, **changed)


DOCUMENT_FIELDS = ("title", "date", "author", "url")


def edit_document(*, session: Session, document: Document, who: str = "", **fields) -> Document:
    """Change a document's title, date, author or URL (one event with the old values); a date of ""
    takes the date away. Evidence already taken from it keeps its own date; evidence attached
    afterwards takes the new one."""
    changed: dict = {}
    for key in DOCUMENT_FIELDS:
        value = fields.get(key)
        if value is None:
            continue  # not given
        if key == "date" and value == "":
            value = None  # the date taken away (the undo of dating an undated document)
        elif key == "date" and value > today():
            raise InputError(f"A document cannot be dated {value}, after today ({today()}).")
        if key == "title":
            value = " ".join(str(value).split())
            if not value:
                raise InputError("A document's title cannot be empty.")
        if key == "url" and value:
            value = services.check_url(value)
        if key == "author":
            value = " ".join(str(value).split())
        if value != getattr(document, key):
            changed[key] = value
    if not changed:
        raise InputError(f"Nothing to change: give document {document.id} a new --title, --date, --author or --url.")
    _record_edit(session, document, changed, EventKind.document_edited, None, who)
    return document


__all__ = [
    "DOCUMENT_FIELDS",
    "RETRACTABLE",
    "edit_document",
    "edit_evidence",
    "find_entry",
    "retract",
    "unretract",
]

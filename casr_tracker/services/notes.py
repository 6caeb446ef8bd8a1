"""Analysts' notes: written, revised, deleted and restored, every step an event."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from .. import events
from ..errors import InputError, StaleEdit
from ..models import (
    EventKind,
    Note,
    Pledge,
    utcnow,
)
from .rows import _save


def add_note(*, session: Session, pledge: Pledge, text: str, who: str = "") -> Note:
    """Write a new note on a pledge."""
    if not text.strip():
        raise InputError("A note cannot be empty.")
    note = Note(pledge_id=pledge.id, text=text.strip(), who=who)
    _save(session, note)
    events.log(session, EventKind.note_added, pledge_id=pledge.id, subject_id=note.id, who=who, text=note.text)
    return note


def edit_note(*, session: Session, note: Note, text: str, expect_version: int | None = None, who: str = "") -> Note:
    """Change a note's text; refused when someone else edited it since `expect_version` (by default
    the version this session read)."""
    if not text.strip():
        raise InputError("A note cannot be empty.")
    if note.deleted_at is not None:
        raise InputError(f"Note {note.id} is deleted; undo the deletion first ('casr-tracker undo').")
    expected = note.version if expect_version is None else expect_version
    before = note.text
    result = session.execute(
        update(Note)
        .where(col(Note.id) == note.id, col(Note.version) == expected)
        .values(text=text.strip(), version=expected + 1, edited_at=utcnow())
    )
    session.refresh(note)
    if result.rowcount != 1:
        raise StaleEdit(
            f"The note was edited by {note.who or 'someone'} at {note.edited_at:%Y-%m-%d %H:%M} "
            "since you opened it; reload it and apply your change again."
        )
    events.log(
        session,
        EventKind.note_edited,
        pledge_id=note.pledge_id,
        subject_id=note.id,
        who=who,
        text=note.text,
        before=before,
    )
    return note


def delete_note(*, session: Session, note: Note, who: str = "") -> Note:
    """Remove a note from view; the row and its revisions stay (and it can be restored)."""
    if note.deleted_at is not None:
        raise InputError(f"Note {note.id} is already deleted.")
    note.deleted_at = utcnow()
    _save(session, note)
    events.log(session, EventKind.note_deleted, pledge_id=note.pledge_id, subject_id=note.id, who=who)
    return note


def restore_note(*, session: Session, note: Note, who: str = "") -> Note:
    if note.deleted_at is None:
        raise InputError(f"Note {note.id} is not deleted.")
    note.deleted_at = None
    _save(session, note)
    events.log(session, EventKind.note_restored, pledge_id=note.pledge_id, subject_id=note.id, who=who)
    return note

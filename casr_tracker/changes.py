"""What a write changed, seen by the session itself: every flushed row and every ORM insert, update or
delete is noted in a Qt-free `Changes` (pledges, kinds, events appended), and the data revision moves
once in any transaction that changed something. No verb has to remember either.

Open windows watch the revision (and hear PostgreSQL's NOTIFY) to refresh; the window that wrote
reads the `Changes` of its own transaction and refreshes only the views they concern (Anki's
OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from .models import (
    Assessment,
    Document,
    Event,
    Evidence,
    Note,
    Party,
    Pledge,
    PledgeParty,
    Sphere,
    Statement,
    StatementParty,
    StatusChange,
    SuggestionDecision,
    TrackerMeta,
)

#: PostgreSQL channel a NOTIFY is sent on with every change
NOTIFY_CHANNEL = "casr_tracker_changes"

#: the kinds of change a view may care about
KINDS = ("status", "assessment", "evidence", "note", "document", "statement", "suggestion", "keywords")
EVERYTHING = frozenset(KINDS)


@dataclass
class Changes:
    """What one transaction touched: the pledges, the kinds of data, the events appended (in order)."""

    pledge_ids: set[int] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    event_ids: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.kinds or self.pledge_ids or self.event_ids)

    def concerns(self, *kinds: str) -> bool:
        return bool(self.kinds & set(kinds))

    @classmethod
    def everything(cls) -> Changes:
        """For a reload after changes made elsewhere, whose details this window does not know."""
        return cls(kinds=set(EVERYTHING))


#: the kind of change each table's rows record
_KIND_OF_TABLE = {
    StatusChange: "status",
    Assessment: "assessment",
    Evidence: "evidence",
    Note: "note",
    Document: "document",
    Statement: "statement",
    StatementParty: "statement",
    Sphere: "statement",
    Pledge: "statement",
    PledgeParty: "statement",
    Party: "statement",
    SuggestionDecision: "suggestion",
}

#: the kind of change each event records
_KIND_OF_EVENT = {
    "status": {"status"},
    "score": {"assessment"},
    "document_edited": {"document"},
    "keywords": {"keywords"},
    "import_edit": {"statement"},
    "retraction": {"status", "assessment"},
    "unretraction": {"status", "assessment"},
}


def changes_of(session: Session) -> Changes:
    """The changes `session` has flushed in its transaction so far."""
    return session.info.setdefault("casr_changes", Changes())


def _note(session: Session, row, *, new: bool) -> bool:
    """Add one flushed row to the session's Changes; False for rows that are not data (the revision)."""
    if isinstance(row, TrackerMeta):
        return False
    changes = changes_of(session)
    if isinstance(row, Event):
        if new:
            changes.event_ids.append(row.id)
        kinds = _KIND_OF_EVENT.get(row.kind) or {row.kind.split("_")[0]}
        changes.kinds |= kinds
    else:
        kind = _KIND_OF_TABLE.get(type(row))
        if kind is not None and (new or not isinstance(row, Pledge)):
            changes.kinds.add(kind)
    pledge_id = row.id if isinstance(row, Pledge) else getattr(row, "pledge_id", None)
    if pledge_id is not None:
        changes.pledge_ids.add(pledge_id)
    return True


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    changed = False
    for row in session.new:
        changed |= _note(session, row, new=True)
    for row in list(session.dirty) + list(session.deleted):
        if session.is_modified(row) or row in session.deleted:
            changed |= _note(session, row, new=False)
    if changed:
        move_revision(session)


@event.listens_for(Session, "do_orm_execute")
def _after_orm_statement(state) -> None:
    """Bulk ORM statements (an UPDATE of cached columns, say) change data without a flush."""
    if state.is_insert or state.is_update or state.is_delete:
        move_revision(state.session)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_over(session: Session) -> None:
    session.info.pop("casr_moved", None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous) -> None:
    """A savepoint rolled back may have taken the revision's move with it: the next change moves it
    again (at worst it moves twice, never not at all)."""
    session.info.pop("casr_moved", None)
    if not previous.nested:
        session.info.pop("casr_changes", None)


def move_revision(session: Session) -> None:
    """Count one more change, once per transaction: one atomic UPDATE, so concurrent writers never
    lose a count; on PostgreSQL a NOTIFY tells listening windows at commit."""
    if session.info.get("casr_moved"):
        return
    session.info["casr_moved"] = True
    connection = session.connection()
    updated = connection.execute(
        text("UPDATE tracker_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'data_revision'")
    )
    if updated.rowcount == 0:
        connection.execute(text("INSERT INTO tracker_meta (key, value) VALUES ('data_revision', '1')"))
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


def data_revision(session: Session) -> int:
    """How many transactions have changed the tracker (read afresh, never from the session's cache)."""
    value = (
        session.connection()
        .execute(text("SELECT value FROM tracker_meta WHERE key = 'data_revision'"))
        .scalar_one_or_none()
    )
    return int(value) if value else 0


__all__ = ["EVERYTHING", "KINDS", "NOTIFY_CHANNEL", "Changes", "changes_of", "data_revision", "move_revision"]

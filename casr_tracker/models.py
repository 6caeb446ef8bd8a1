"""The database tables (sqlmodel) and the closed vocabularies: statuses, strengths, stances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

#: a moment that stands for "now" while set (tests record changes on chosen days with `frozen_time`)
_NOW: ContextVar[dt.datetime | None] = ContextVar("casr_tracker_now", default=None)


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC (how every timestamp is stored)."""
    return _NOW.get() or dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Today's date (the day of `frozen_time` while one is set)."""
    frozen = _NOW.get()
    return frozen.date() if frozen else dt.date.today()


@contextmanager
def frozen_time(moment: dt.datetime) -> Iterator[None]:
    """Record every change made inside as made at `moment` (UTC), and take its day as today."""
    token = _NOW.set(moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc))
    try:
        yield
    finally:
        _NOW.reset(token)


class Status(str, Enum):
    """Where a pledge stands. `not_assessed` means no evidence yet, not 'not started' (OGP IRM)."""

    not_assessed = "not_assessed"
    not_started = "not_started"
    in_progress = "in_progress"
    partially_fulfilled = "partially_fulfilled"
    fulfilled = "fulfilled"
    stalled = "stalled"
    abandoned = "abandoned"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Strength(str, Enum):
    """How firmly a pledge is worded: 'will', 'shall', 'intend to' vs 'are ready to', 'support'."""

    firm = "firm"
    soft = "soft"


class Stance(str, Enum):
    """What a piece of evidence says about its pledge."""

    supports = "supports"
    contradicts = "contradicts"
    context = "context"


class SphereKind(str, Enum):
    """A statement section: the preamble, one of the headed spheres, or the closing review part."""

    preamble = "preamble"
    sphere = "sphere"
    review = "review"


class Party(SQLModel, table=True):
    """A state that signs statements and is bound by pledges."""

    __tablename__ = "party"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=8)
    name: str = Field(unique=True)
    formal_name: str = ""


class Statement(SQLModel, table=True):
    """A joint statement whose pledges are tracked; `text` is the exact source text."""

    __tablename__ = "statement"
    id: int | None = Field(default=None, primary_key=True)
    title: str
    date: dt.date | None = None
    text: str
    sha256: str = Field(index=True, max_length=64)
    source_name: str = ""
    imported_at: dt.datetime = Field(default_factory=utcnow)


class StatementParty(SQLModel, table=True):
    """The parties that signed a statement."""

    __tablename__ = "statement_party"
    statement_id: int = Field(foreign_key="statement.id", primary_key=True, ondelete="CASCADE")
    party_id: int = Field(foreign_key="party.id", primary_key=True)


class Sphere(SQLModel, table=True):
    """A section of a statement: its heading as written, its order and the code used in refs."""

    __tablename__ = "sphere"
    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True, ondelete="CASCADE")
    name: str
    code: str = Field(max_length=8)
    kind: str = Field(default=SphereKind.sphere.value, max_length=16)
    order: int = 0
    heading_start: int | None = None


class Pledge(SQLModel, table=True):
    """One commitment: exact text at `start:end` of its statement, a stable ref such as TRD-3."""

    __tablename__ = "pledge"
    #: the list's order (migration 0007): listing every statement's pledges reads it instead of sorting
    __table_args__ = (Index("ix_pledge_list_order", "retired", "statement_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(index=True, max_length=32)
    statement_id: int = Field(foreign_key="statement.id", index=True, ondelete="CASCADE")
    sphere_id: int = Field(foreign_key="sphere.id", index=True)
    seq: int = 0
    text: str
    start: int
    end: int
    strength: str = Field(default=Strength.firm.value, max_length=8)
    status: str = Field(default=Status.not_assessed.value, max_length=32, index=True)
    version: int = 1
    retired: bool = False
    updated_at: dt.datetime = Field(default_factory=utcnow)
    #: the analyst's own words for what progress on this pledge looks like (the matcher reads them)
    keywords: str = ""


class PledgeParty(SQLModel, table=True):
    """The parties a pledge binds."""

    __tablename__ = "pledge_party"
    pledge_id: int = Field(foreign_key="pledge.id", primary_key=True, ondelete="CASCADE")
    party_id: int = Field(foreign_key="party.id", primary_key=True)


class StatusChange(SQLModel, table=True):
    """One entry of a pledge's status history. Append-only: rows are never updated or deleted."""

    __tablename__ = "status_change"
    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True, ondelete="CASCADE")
    old: str = Field(max_length=32)
    new: str = Field(max_length=32)
    effective_date: dt.date
    recorded_at: dt.datetime = Field(default_factory=utcnow)
    who: str = ""
    #: the account that recorded it (migration 0013): written by PostgreSQL, the OS user on a file
    login: str | None = Field(default=None, max_length=128)
    comment: str = ""


class Assessment(SQLModel, table=True):
    """A compliance score of one party on one pledge (-1, 0, +1). Append-only: the latest row counts;
    a row with no score withdraws the party's score (how an undo of a first score is recorded)."""

    __tablename__ = "assessment"
    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True, ondelete="CASCADE")
    party_id: int = Field(foreign_key="party.id", index=True)
    score: int | None = None
    justification: str = ""
    date: dt.date
    recorded_at: dt.datetime = Field(default_factory=utcnow)
    who: str = ""
    #: the account that recorded it (migration 0013): written by PostgreSQL, the OS user on a file
    login: str | None = Field(default=None, max_length=128)


class Document(SQLModel, table=True):
    """A later source (news, interview, op-ed) with its full text."""

    __tablename__ = "document"
    id: int | None = Field(default=None, primary_key=True)
    title: str
    date: dt.date | None = None
    author: str = ""
    url: str = ""
    text: str
    sha256: str = Field(index=True, unique=True, max_length=64)
    source_name: str = ""
    imported_at: dt.datetime = Field(default_factory=utcnow)
    #: the bytes the text was read from (a web page as fetched, a PDF), so evidence outlives the link
    original: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    media_type: str | None = Field(default=None, max_length=64)
    #: when a web page was fetched (its URL is `url`)
    retrieved_at: dt.datetime | None = None
    #: the day the page says it was last updated, kept apart from `date`, its publication
    updated: dt.date | None = None
    #: a PDF's page starts: the offsets in `text` where pages 2, 3, … begin, as JSON ("[812, 1790]")
    page_starts: str | None = None

    def page_of(self, offset: int | None) -> int | None:
        """The page of a PDF an offset of the text lies on (None for other documents)."""
        return page_at(self.page_starts, offset)


def page_at(page_starts: str | None, offset: int | None) -> int | None:
    """The page an offset lies on, from a document's `page_starts` (None when it has none)."""
    if not page_starts or offset is None:
        return None
    import bisect
    import json

    return bisect.bisect_right(json.loads(page_starts), offset) + 1


class Evidence(SQLModel, table=True):
    """Support for a judgement: an excerpt of a document (with offsets) or a link."""

    __tablename__ = "evidence"
    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True, ondelete="CASCADE")
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    start: int | None = None
    end: int | None = None
    quote: str = ""
    url: str = ""
    #: a link's title (migration 0008); None for an excerpt or an untitled link
    title: str | None = None
    stance: str = Field(default=Stance.supports.value, max_length=16)
    date: dt.date | None = None
    recorded_at: dt.datetime = Field(default_factory=utcnow)
    who: str = ""
    #: the account that recorded it (migration 0013): written by PostgreSQL, the OS user on a file
    login: str | None = Field(default=None, max_length=128)
    withdrawn_at: dt.datetime | None = None


class Note(SQLModel, table=True):
    """An analyst's note on a pledge."""

    __tablename__ = "note"
    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True, ondelete="CASCADE")
    text: str
    created_at: dt.datetime = Field(default_factory=utcnow)
    edited_at: dt.datetime = Field(default_factory=utcnow)
    who: str = ""
    #: the account that recorded it (migration 0013): written by PostgreSQL, the OS user on a file
    login: str | None = Field(default=None, max_length=128)
    version: int = 1
    deleted_at: dt.datetime | None = None


class SuggestionDecision(SQLModel, table=True):
    """An analyst's answer to a suggested (passage, pledge) pair, so it is not asked again."""

    __tablename__ = "suggestion_decision"
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    pledge_id: int = Field(foreign_key="pledge.id", index=True, ondelete="CASCADE")
    start: int
    end: int
    decision: str = Field(max_length=16)  # accepted | rejected
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id")
    recorded_at: dt.datetime = Field(default_factory=utcnow)
    who: str = ""
    #: the account that recorded it (migration 0013): written by PostgreSQL, the OS user on a file
    login: str | None = Field(default=None, max_length=128)


class EventKind(str, Enum):
    """What an event records. The subject is a row of the table the kind names (a retraction's
    subject is the event it retracts)."""

    status = "status"  # StatusChange
    score = "score"  # Assessment
    note_added = "note_added"  # Note
    note_edited = "note_edited"
    note_deleted = "note_deleted"
    note_restored = "note_restored"
    evidence_attached = "evidence_attached"  # Evidence
    evidence_edited = "evidence_edited"
    evidence_withdrawn = "evidence_withdrawn"
    evidence_restored = "evidence_restored"
    document_edited = "document_edited"  # Document
    keywords = "keywords"  # Pledge (the analyst's keywords)
    import_edit = "import_edit"  # Statement: an analyst's correction of what the importer read
    retraction = "retraction"  # Event (a status or score entry)
    unretraction = "unretraction"  # Event (a retraction taken back)


class Event(SQLModel, table=True):
    """One recorded change. Append-only: never updated or deleted. `data` (JSON) holds the values the
    change set and, under "before", the ones it replaced; `undoes` names the event an undo reversed.
    The other tables' current values are caches of these (`casr-tracker check` replays them)."""

    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32, index=True)
    pledge_id: int | None = Field(default=None, foreign_key="pledge.id", index=True, ondelete="CASCADE")
    subject_id: int | None = Field(default=None, index=True)
    data: str = "{}"
    recorded_at: dt.datetime = Field(default_factory=utcnow, index=True)
    who: str = ""
    #: the account that recorded it (migration 0013): written by PostgreSQL, the OS user on a file
    login: str | None = Field(default=None, max_length=128)
    undoes: int | None = Field(default=None, index=True)


class TrackerMeta(SQLModel, table=True):
    """Key/value facts about the tracker itself; `data_revision` counts every committed change."""

    __tablename__ = "tracker_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = ""


TABLES = (
    Party,
    Statement,
    StatementParty,
    Sphere,
    Pledge,
    PledgeParty,
    StatusChange,
    Assessment,
    Document,
    Evidence,
    Note,
    SuggestionDecision,
    Event,
    TrackerMeta,
)

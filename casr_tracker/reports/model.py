"""The report model: everything a progress report says, as the tracker stood at the end of a day.

Each status entry, score and piece of evidence counts from the day it speaks for (its effective
date), each note from the day it was written; the corrections of them (a retraction, a withdrawal or
restoration, an edit, a deletion) count from the moment they were recorded. So a report as of a day
shows what the record said at the end of that day, and stays the same whatever is corrected later
(see events.py). Nothing here formats anything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from .. import events
from ..errors import InputError, NotFound
from ..models import (
    Document,
    Event,
    EventKind,
    Evidence,
    Note,
    Party,
    Pledge,
    PledgeParty,
    Sphere,
    Statement,
    Status,
    StatusChange,
    page_at,
)
from ..scorecard import Cell, Scorecard, SphereStatus, latest_scores, scorecard, statement_parties, status_by_sphere
from ..scorecard import statuses_as_of as _statuses

#: the URLs a report may make followable: an http, https or file link, spelled so from its first
#: character (so "javascript:", " javascript:" or "java\tscript:" never becomes a link)
_FOLLOWABLE = re.compile(r"(?:https?|file):", re.IGNORECASE)


@dataclass
class Source:
    """An item of the appendix: a document or a link cited as evidence; `number` is its [n].

    A link's title is its own title when it was given one, else its URL; its date is the link's date."""

    number: int
    title: str
    date: dt.date | None = None
    author: str = ""
    url: str = ""
    is_link: bool = False
    #: the day a web page was fetched (its bytes are kept in the tracker)
    retrieved: dt.date | None = None

    @property
    def href(self) -> str:
        """The URL when a reader may follow it (http, https or file), else "": percent-encoded where a
        character could end it (a PDF link's `)`, an attribute's `"`), as a browser would send it."""
        from ..neutral import markdown_url

        return markdown_url(self.url) if _FOLLOWABLE.match(self.url) else ""


@dataclass
class Citation:
    source: Source
    quote: str
    stance: str
    date: dt.date | None
    who: str
    page: int | None = None  # the page of a PDF the quote is on


@dataclass
class Score:
    party: str
    score: int
    justification: str
    date: dt.date
    who: str


@dataclass
class PledgeReport:
    ref: str
    text: str
    parties: list[str]
    binds_all: bool
    strength: str
    status: str
    status_date: dt.date | None
    status_comment: str
    status_who: str
    scores: list[Score]
    citations: list[Citation]
    notes: list[tuple[dt.datetime, str, str]]  # when, who, text

    @property
    def average(self) -> Cell:
        cell = Cell()
        for score in self.scores:
            cell.add(score.score)
        return cell


@dataclass
class SphereReport:
    name: str
    code: str
    kind: str
    pledges: list[PledgeReport]


@dataclass
class Change:
    """A status entry effective in the "changes since" period: `old` is the status in force just
    before it by effective date (not the one stored with it, which was the latest when entered)."""

    ref: str
    old: str
    new: str
    date: dt.date
    who: str
    comment: str

    @property
    def confirmed(self) -> bool:
        """The entry keeps the status in force: a review that confirmed it, not a change."""
        return self.old == self.new


@dataclass
class StatementReport:
    id: int
    title: str
    date: dt.date | None
    parties: list[Party]
    spheres: list[SphereReport]
    status_by_sphere: list[SphereStatus]
    scorecard: Scorecard
    changes: list[Change]

    @property
    def pledges(self) -> list[PledgeReport]:
        return [p for s in self.spheres for p in s.pledges]

    def status_counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for pledge in self.pledges:
            counts[pledge.status] += 1
        return counts


@dataclass
class Report:
    """A whole report: one or more statements, the as-of and since dates, the cited sources."""

    as_of: dt.date
    since: dt.date | None
    generated_at: dt.datetime
    statements: list[StatementReport]
    sources: list[Source] = field(default_factory=list)

    @property
    def title(self) -> str:
        if len(self.statements) == 1:
            return f"Progress report: {self.statements[0].title}"
        return "Progress report: joint statements tracked"


class _Sources:
    """Numbers the documents and links in order of first citation."""

    def __init__(self, session: Session):
        self.session = session
        self.by_key: dict[tuple[str, object], Source] = {}
        self.page_starts: dict[int, str | None] = {}

    def for_document(self, document_id: int, end: dt.datetime) -> Source:
        """A document with the details it had at `end` (later edits undone)."""
        key = ("document", document_id)
        if key not in self.by_key:
            doc = self.session.get(Document, document_id)
            details = {name: getattr(doc, name) for name in ("title", "date", "author", "url")}
            later = self.session.exec(
                select(Event)
                .where(
                    Event.kind == EventKind.document_edited.value,
                    Event.subject_id == document_id,
                    col(Event.recorded_at) >= end,
                )
                .order_by(col(Event.id).desc())
            )
            for edit in later:
                for name, value in events.data_of(edit).get("before", {}).items():
                    details[name] = dt.date.fromisoformat(value) if name == "date" and value else value
            retrieved = doc.retrieved_at.date() if doc.retrieved_at else None
            self.by_key[key] = Source(
                len(self.by_key) + 1,
                details["title"],
                details["date"],
                details["author"],
                details["url"],
                retrieved=retrieved,
            )
        return self.by_key[key]

    def page_of(self, document_id: int, offset: int | None) -> int | None:
        if document_id not in self.page_starts:  # read once per document (not its text or bytes)
            self.page_starts[document_id] = self.session.exec(
                select(Document.page_starts).where(Document.id == document_id)
            ).first()
        return page_at(self.page_starts[document_id], offset)

    def for_link(self, item: Evidence) -> Source:
        """A link by its URL; the first citation that gives a title or a date gives it."""
        key = ("url", item.url)
        if key not in self.by_key:
            self.by_key[key] = Source(len(self.by_key) + 1, item.url, url=item.url, is_link=True)
        source = self.by_key[key]
        if item.title and source.title == source.url:
            source.title = item.title
        source.date = source.date or item.date
        return source


def build_report(
    session: Session,
    *,
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    statement_id: int | None = None,
    progress=None,
) -> Report:
    """The report as of the end of `as_of` (default today), with changes after `since` if given."""
    as_of = as_of or dt.date.today()
    if since is not None and since >= as_of:
        raise InputError(f"--since ({since}) must be before the as-of date ({as_of}).")
    query = select(Statement).order_by(Statement.id)
    if statement_id is not None:
        query = query.where(Statement.id == statement_id)
    statements = list(session.exec(query))
    if statement_id is not None and not statements:
        raise NotFound(f"There is no statement {statement_id}.")
    if statement_id is None:  # a statement counts from its date; an undated one from when it was imported
        statements = [
            st
            for st in statements
            if (st.date <= as_of if st.date else events.aware(st.imported_at) < events.end_of(as_of))
        ]
    sources = _Sources(session)
    out = []
    for n, statement in enumerate(statements):
        out.append(_statement_report(session, statement, as_of, since, sources))
        if progress:
            progress(n + 1, len(statements))
    ordered = sorted(sources.by_key.values(), key=lambda s: s.number)
    return Report(as_of, since, dt.datetime.now(dt.timezone.utc), out, ordered)


def _statement_report(
    session: Session, statement: Statement, as_of: dt.date, since: dt.date | None, sources: _Sources
) -> StatementReport:
    end = events.end_of(as_of)
    parties = statement_parties(session, statement.id)
    names = {p.id: p.name for p in parties}
    pledges = list(
        session.exec(
            select(Pledge)
            .where(Pledge.statement_id == statement.id, Pledge.retired == False)  # noqa: E712
            .order_by(Pledge.seq)
        )
    )
    ids = [p.id for p in pledges]
    statuses = _statuses(session, ids, as_of)
    scores = latest_scores(session, ids, as_of)
    bound: dict[int, list[int]] = {}
    for pledge_id, party_id in session.exec(
        select(PledgeParty.pledge_id, PledgeParty.party_id).where(col(PledgeParty.pledge_id).in_(ids))
    ):
        bound.setdefault(pledge_id, []).append(party_id)
    evidence = _evidence_as_of(session, ids, as_of, end)
    notes = _notes_as_of(session, ids, end)
    spheres = list(session.exec(select(Sphere).where(Sphere.statement_id == statement.id).order_by(Sphere.order)))
    by_sphere: dict[int, list[PledgeReport]] = {}
    for pledge in pledges:
        change = statuses[pledge.id]
        party_ids = sorted(bound.get(pledge.id, []))
        pledge_scores = [
            Score(names.get(pid, str(pid)), a.score, a.justification, a.date, a.who)
            for pid in party_ids
            if (a := scores.get((pledge.id, pid))) is not None and a.score is not None
        ]
        citations = []
        for item in evidence.get(pledge.id, []):
            source = sources.for_document(item.document_id, end) if item.document_id else sources.for_link(item)
            page = sources.page_of(item.document_id, item.start) if item.document_id else None
            citations.append(Citation(source, item.quote, item.stance, item.date, item.who, page))
        by_sphere.setdefault(pledge.sphere_id, []).append(
            PledgeReport(
                ref=pledge.ref,
                text=pledge.text,
                parties=[names.get(pid, str(pid)) for pid in party_ids],
                binds_all=len(party_ids) == len(parties),
                strength=pledge.strength,
                status=change.new if change else Status.not_assessed.value,
                status_date=change.effective_date if change else None,
                status_comment=change.comment if change else "",
                status_who=change.who if change else "",
                scores=pledge_scores,
                citations=citations,
                notes=notes.get(pledge.id, []),
            )
        )
    return StatementReport(
        id=statement.id,
        title=statement.title,
        date=statement.date,
        parties=parties,
        spheres=[SphereReport(s.name, s.code, s.kind, by_sphere[s.id]) for s in spheres if by_sphere.get(s.id)],
        status_by_sphere=status_by_sphere(session, statement.id, as_of),
        scorecard=scorecard(session, statement.id, as_of),
        changes=_changes(session, statement.id, as_of, since) if since is not None else [],
    )


def _changes(session: Session, statement_id: int, as_of: dt.date, since: dt.date) -> list[Change]:
    """The status entries effective after `since` up to `as_of`, in effective-date order (ties: in
    the order entered), each from the status in force just before it. The pledge's history is
    walked by effective date, so an entry entered late but effective early reads right, and the
    entries after it read from it."""
    retracted = events.retracted_rows(session, EventKind.status, until=events.end_of(as_of))
    query = (
        select(StatusChange, Pledge.ref)
        .join(Pledge, Pledge.id == StatusChange.pledge_id)
        .where(
            Pledge.statement_id == statement_id,
            StatusChange.effective_date <= as_of,
            col(StatusChange.id).not_in(retracted),
        )
        .order_by(StatusChange.effective_date, StatusChange.id)
    )
    in_force: dict[int, str] = {}
    changes = []
    for entry, ref in session.exec(query):
        before = in_force.get(entry.pledge_id, Status.not_assessed.value)
        in_force[entry.pledge_id] = entry.new
        if entry.effective_date > since:
            changes.append(Change(ref, before, entry.new, entry.effective_date, entry.who, entry.comment))
    return changes


def _evidence_as_of(session: Session, pledge_ids: list[int], as_of: dt.date, end: dt.datetime) -> dict:
    """The evidence of each pledge as it stood at `end`: its date and stance as edited by then, not
    withdrawn by then (or restored since), and speaking for a day up to `as_of`."""
    found: dict[int, list[Evidence]] = {}
    items = list(session.exec(select(Evidence).where(col(Evidence.pledge_id).in_(pledge_ids)).order_by(Evidence.id)))
    replayed = events.replay(session, events.EVIDENCE_KINDS, [item.id for item in items])
    for item in items:
        state = {"date": item.date, "stance": item.stance} | events.evidence_state(replayed[item.id], until=end)
        day = state["date"]
        if state["withdrawn"] or (day is not None and day > as_of):
            continue
        shown = item.model_copy(update={"date": day, "stance": state["stance"]})
        found.setdefault(item.pledge_id, []).append(shown)
    return found


def _notes_as_of(session: Session, pledge_ids: list[int], end: dt.datetime) -> dict:
    """(written, who, text) of each pledge's notes written by `end`, in the words they had then,
    leaving out those deleted by then (and not restored)."""
    found: dict[int, list] = {}
    notes = list(session.exec(select(Note).where(col(Note.pledge_id).in_(pledge_ids)).order_by(Note.id)))
    replayed = events.replay(session, events.NOTE_KINDS, [note.id for note in notes], until=end)
    for note in notes:
        state = events.note_state(replayed[note.id])
        if state["text"] is not None and not state["deleted"]:
            found.setdefault(note.pledge_id, []).append((state["edited"], note.who, state["text"]))
    return found

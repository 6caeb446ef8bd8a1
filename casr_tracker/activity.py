"""A pledge's activity: its history read from the event log, every entry with its event id."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from textwrap import shorten

from sqlalchemy import true
from sqlmodel import Session, col, select

from . import events
from .models import Assessment, Document, Event, EventKind, Evidence, Note, Party, Pledge, Status, StatusChange, page_at
from .users import signed


@dataclass
class HistoryEntry:
    """One event in a pledge's life: a status entry, a score, evidence or a note, or a correction of
    one (an edit, a withdrawal, a deletion, a retraction). `id` is the event's: unique, and what
    `retract` and `undo` name."""

    kind: str
    date: str
    recorded_at: str
    who: str
    summary: str
    detail: dict
    id: int = 0
    retracted: dict | None = None
    #: the account that recorded it (None before migration 0013)
    login: str | None = None

    @property
    def signed(self) -> str:
        """Who, as shown: the display name, and the login beside it when they differ."""
        return signed(self.who, self.login)

    def to_json(self) -> dict:
        return asdict(self)


def _score_label(score: int | None) -> str:
    return "score withdrawn" if score is None else ("0" if score == 0 else f"{score:+d}")


def _iso(value: dt.datetime | dt.date | None) -> str:
    return value.isoformat() if value else ""


def _status_label(code: str) -> str:
    return Status(code).label if code in Status.__members__ else code


#: what a correction event is called in a history
CORRECTIONS = {
    EventKind.note_edited.value: "note edited",
    EventKind.note_deleted.value: "note deleted",
    EventKind.note_restored.value: "note restored",
    EventKind.evidence_edited.value: "evidence edited",
    EventKind.evidence_withdrawn.value: "evidence withdrawn",
    EventKind.evidence_restored.value: "evidence restored",
    EventKind.retraction.value: "retraction",
    EventKind.unretraction.value: "retraction taken back",
}


def history(session: Session, pledge: Pledge) -> list[HistoryEntry]:
    """Everything recorded about a pledge, in the order it was recorded, each entry with its event id;
    a status or score entry that was retracted says when, by whom and why."""
    found = list(session.exec(select(Event).where(Event.pledge_id == pledge.id).order_by(Event.id)))
    subjects = {kind: {e.subject_id for e in found if e.kind == kind} for kind in {e.kind for e in found}}
    changes = _rows(session, StatusChange, subjects.get(EventKind.status.value))
    scores = _rows(session, Assessment, subjects.get(EventKind.score.value))
    evidence_ids = set().union(*(v for k, v in subjects.items() if k.startswith("evidence")))
    evidence = _rows(session, Evidence, evidence_ids)
    notes = _rows(session, Note, set().union(*(v for k, v in subjects.items() if k.startswith("note"))))
    parties = {p.id: p.name for p in session.exec(select(Party))}
    documents = {
        i: (title, starts)
        for i, title, starts in session.exec(
            select(Document.id, Document.title, Document.page_starts).where(
                col(Document.id).in_({e.document_id for e in evidence.values() if e.document_id})
            )
        )
    }
    titles = {i: title for i, (title, _starts) in documents.items()}
    pages = {
        e.id: page_at(documents[e.document_id][1], e.start) for e in evidence.values() if e.document_id in documents
    }
    retracted = events.retractions(session, pledge_ids=[pledge.id])
    entries = []
    for event in found:
        data = events.data_of(event)
        entry = _entry(event, data, changes, scores, evidence, notes, parties, titles, found, pages)
        if entry is None:
            continue
        if event.id in retracted:
            by = retracted[event.id]
            entry.retracted = {
                "at": _iso(by.recorded_at),
                "who": by.who,
                "login": by.login,
                "reason": events.data_of(by).get("reason", ""),
            }
            by_whom = signed(by.who, by.login) or "someone"
            entry.summary += f"  [retracted {by.recorded_at:%Y-%m-%d} by {by_whom}: {entry.retracted['reason']}]"
        entries.append(entry)
    return entries


def _rows(session: Session, model, ids) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids)))}


def _entry(event, data, changes, scores, evidence, notes, parties, titles, found, pages) -> HistoryEntry | None:
    """The history line of one event (None for an event whose row is gone)."""
    kind, recorded = event.kind, _iso(event.recorded_at)

    def line(kind_name: str, date, summary: str, detail: dict) -> HistoryEntry:
        return HistoryEntry(kind_name, _iso(date), recorded, event.who, summary, detail, event.id, login=event.login)

    if kind == EventKind.status.value and (change := changes.get(event.subject_id)):
        summary = f"{_status_label(change.old)} → {_status_label(change.new)}"
        summary += f": {change.comment}" if change.comment else ""
        detail = {"old": change.old, "new": change.new, "comment": change.comment, "id": change.id}
        return line("status", change.effective_date, summary, detail)
    if kind == EventKind.score.value and (score := scores.get(event.subject_id)):
        name = parties.get(score.party_id, str(score.party_id))
        summary = f"{name} {_score_label(score.score)}" + (f": {score.justification}" if score.justification else "")
        detail = {"party": name, "score": score.score, "justification": score.justification, "id": score.id}
        return line("assessment", score.date, summary, detail)
    if kind == EventKind.evidence_attached.value and (item := evidence.get(event.subject_id)):
        page = pages.get(item.id)
        return line(
            "evidence", item.date, f"{item.stance}: {_source(item, titles, page)}", _evidence_detail(item, page)
        )
    if kind == EventKind.note_added.value and (note := notes.get(event.subject_id)):
        detail = {
            "id": note.id,
            "text": note.text,
            "edited_at": _iso(note.edited_at),
            "deleted_at": _iso(note.deleted_at) or None,
        }
        return line("note", event.recorded_at.date(), data.get("text", note.text), detail)
    if kind == EventKind.keywords.value:
        summary = data.get("keywords") or "(none)"
        return line("keywords", event.recorded_at.date(), summary, data | {"subject_id": event.subject_id})
    if kind == EventKind.import_edit.value:
        return line(
            "reading corrected", event.recorded_at.date(), reading_said(data), data | {"statement_id": event.subject_id}
        )
    if kind in CORRECTIONS:
        summary = _correction(event, data, evidence, notes, titles, found)
        return line(CORRECTIONS[kind], event.recorded_at.date(), summary, data | {"subject_id": event.subject_id})
    return None


def reading_said(data: dict) -> str:
    """What an analyst corrected in the importer's reading of the pledge's sentence."""
    value = data.get("value")
    said = {
        "drop": "not a pledge (dropped)",
        "add": "added: the importer had missed it",
        "strength": f"strength set to {value}",
        "parties": f"binds {', '.join(value or [])}",
        "sphere": f"moved to {value}",
        "split": f"split where “{value}” begins",
        "merge": "merged with the sentence after it",
    }
    return said.get(data.get("edit", ""), str(data.get("edit")))


def _source(item: Evidence, titles: dict, page: int | None = None) -> str:
    if item.document_id:
        where = titles.get(item.document_id, f"document {item.document_id}") + (f", p. {page}" if page else "")
        return f"“{shorten(item.quote, 120)}” ({where})"
    return f"{item.title} <{item.url}>" if item.title else item.url


def _evidence_detail(item: Evidence, page: int | None = None) -> dict:
    return {
        "page": page,
        "id": item.id,
        "document_id": item.document_id,
        "start": item.start,
        "end": item.end,
        "quote": item.quote,
        "url": item.url,
        "title": item.title,
        "stance": item.stance,
        "date": _iso(item.date) or None,
        "withdrawn_at": _iso(item.withdrawn_at) or None,
    }


def _correction(event, data, evidence, notes, titles, found) -> str:
    kind = event.kind
    if kind.startswith("evidence"):
        item = evidence.get(event.subject_id)
        what = _source(item, titles) if item else f"evidence {event.subject_id}"
        if kind == EventKind.evidence_edited.value:
            before = data.get("before", {})
            changed = [f"{k} {before.get(k)} → {data[k]}" for k in ("date", "stance") if k in data]
            return f"{what}: {', '.join(changed)}"
        return what
    if kind.startswith("note"):
        if kind == EventKind.note_edited.value:
            return data.get("text", "")
        note = notes.get(event.subject_id)
        return shorten(note.text, 120) if note else f"note {event.subject_id}"
    target = next((e for e in found if e.id == event.subject_id), None)
    what = f"entry {event.subject_id}" + (f" ({target.kind})" if target else "")
    return f"{what}: {data.get('reason', '')}".rstrip(": ")


@dataclass
class RecentChange:
    """One recent event anywhere in the tracker, for the dashboard."""

    pledge_id: int
    ref: str
    kind: str
    recorded_at: dt.datetime
    who: str
    summary: str


def recent_changes(session: Session, limit: int = 15, statement_id: int | None = None) -> list[RecentChange]:
    """The latest status changes, assessments, evidence and notes, newest first (of one statement's
    pledges when `statement_id` is given)."""
    out: list[RecentChange] = []
    mine = (Pledge.statement_id == statement_id) if statement_id is not None else true()
    statuses = session.exec(
        select(StatusChange, Pledge.ref)
        .join(Pledge, Pledge.id == StatusChange.pledge_id)
        .where(mine)
        .order_by(col(StatusChange.id).desc())
        .limit(limit)
    ).all()
    retracted = events.retracted_rows(session, EventKind.status, pledge_ids={c.pledge_id for c, _ in statuses})
    for change, ref in statuses:
        summary = f"{_status_label(change.old)} → {_status_label(change.new)}"
        summary += " (since retracted)" if change.id in retracted else ""
        out.append(
            RecentChange(change.pledge_id, ref, "status", change.recorded_at, signed(change.who, change.login), summary)
        )
    scores = session.exec(
        select(Assessment, Pledge.ref, Party.name)
        .join(Pledge, Pledge.id == Assessment.pledge_id)
        .join(Party, Party.id == Assessment.party_id)
        .where(mine)
        .order_by(col(Assessment.id).desc())
        .limit(limit)
    ).all()
    withdrawn = events.retracted_rows(session, EventKind.score, pledge_ids={a.pledge_id for a, _, _ in scores})
    for assessment, ref, party in scores:
        summary = f"{party} {_score_label(assessment.score)}"
        summary += " (since retracted)" if assessment.id in withdrawn else ""
        out.append(
            RecentChange(
                assessment.pledge_id,
                ref,
                "assessment",
                assessment.recorded_at,
                signed(assessment.who, assessment.login),
                summary,
            )
        )
    for evidence, ref in session.exec(
        select(Evidence, Pledge.ref)
        .join(Pledge, Pledge.id == Evidence.pledge_id)
        .where(mine)
        .order_by(col(Evidence.id).desc())
        .limit(limit)
    ):
        summary = f"{evidence.stance} evidence added" + (" (since withdrawn)" if evidence.withdrawn_at else "")
        out.append(
            RecentChange(
                evidence.pledge_id, ref, "evidence", evidence.recorded_at, signed(evidence.who, evidence.login), summary
            )
        )
    for note, ref in session.exec(
        select(Note, Pledge.ref)
        .join(Pledge, Pledge.id == Note.pledge_id)
        .where(mine)
        .order_by(col(Note.id).desc())
        .limit(limit)
    ):
        text = note.text + (" (deleted)" if note.deleted_at else "")
        out.append(RecentChange(note.pledge_id, ref, "note", note.edited_at, signed(note.who, note.login), text))
    out.sort(key=lambda c: c.recorded_at, reverse=True)
    return out[:limit]

"""Answers to suggested evidence: a (passage, pledge) pair accepted (it becomes evidence), rejected
(not suggested again) or reopened (the undo of either). Each answer is a new row."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from .errors import InputError
from .models import Document, Evidence, Pledge, Stance, SuggestionDecision
from .services import attach_evidence
from .services.rows import _save


def record_decision(
    session: Session,
    document: Document,
    pledge: Pledge,
    start: int,
    end: int,
    decision: str,
    who: str,
    evidence_id: int | None = None,
) -> SuggestionDecision:
    """Append an answer (accepted / rejected / reopened) to a suggested (passage, pledge) pair."""
    if decision not in ("accepted", "rejected", "reopened"):
        raise InputError(f"{decision!r} is not a decision; use accepted, rejected or reopened.")
    if not (0 <= start < end <= len(document.text)):
        raise InputError(f"The passage {start}:{end} lies outside document {document.id}.")
    row = SuggestionDecision(
        document_id=document.id,
        pledge_id=pledge.id,
        start=start,
        end=end,
        decision=decision,
        evidence_id=evidence_id,
        who=who,
    )
    return _save(session, row)


def accept_suggestion(
    *,
    session: Session,
    document: Document,
    pledge: Pledge,
    start: int,
    end: int,
    stance: Stance | str = Stance.supports,
    who: str = "",
    date: dt.date | None = None,
) -> Evidence:
    """Accept a suggested passage: it becomes evidence (with its offsets and the document's date, or,
    for an undated document, `date`: the day the passage speaks for)."""
    evidence = attach_evidence(
        session=session,
        pledge=pledge,
        document=document,
        start=start,
        end=end,
        stance=stance,
        date=document.date or date,
        who=who,
    )
    record_decision(session, document, pledge, start, end, "accepted", who, evidence.id)
    return evidence


def reject_suggestion(
    *, session: Session, document: Document, pledge: Pledge, start: int, end: int, who: str = ""
) -> SuggestionDecision:
    """Reject a suggested (passage, pledge) pair: it is not suggested again."""
    return record_decision(session, document, pledge, start, end, "rejected", who)


def reopen_suggestion(
    *, session: Session, document: Document, pledge: Pledge, start: int, end: int, who: str = ""
) -> SuggestionDecision:
    """Take back an accept or reject (the undo of either): the pair may be suggested again."""
    return record_decision(session, document, pledge, start, end, "reopened", who)

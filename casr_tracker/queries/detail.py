"""One pledge's detail: its context in the statement, parties, scores, evidence, notes and history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..activity import HistoryEntry, history
from ..models import Assessment, Document, Evidence, Note, Party, Pledge, PledgeParty, Sphere, Statement, page_at


@dataclass
class EvidenceItem:
    """Evidence as the detail panel lists it, with its document's title."""

    id: int
    stance: str
    date: dt.date | None
    quote: str
    url: str
    document_id: int | None
    document_title: str
    start: int | None
    end: int | None
    withdrawn: bool
    title: str = ""  # a link's title, if it has one
    page: int | None = None  # the page of a PDF the excerpt is on


@dataclass
class PledgeDetail:
    """Everything the detail panel shows about one pledge."""

    pledge: Pledge
    sphere: Sphere
    statement: Statement
    parties: list[Party]
    scores: dict[int, Assessment]
    evidence: list[EvidenceItem]
    notes: list[Note]
    history: list[HistoryEntry]
    context: str
    context_start: int
    context_end: int


def pledge_context(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The paragraph around `start:end` (with the paragraphs before and after it), and where the
    pledge stands inside that excerpt."""
    para_start = text.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    before = text.rfind("\n\n", 0, max(para_start - 2, 0))
    context_start = 0 if before < 0 or para_start == 0 else before + 2
    para_end = text.find("\n\n", end)
    para_end = len(text) if para_end < 0 else para_end
    after = text.find("\n\n", para_end + 2) if para_end < len(text) else -1
    context_end = len(text) if after < 0 else after
    return text[context_start:context_end], start - context_start, end - context_start


def pledge_detail(session: Session, pledge_id: int) -> PledgeDetail:
    """The pledge with its sphere, statement, parties, latest scores, evidence, notes and history."""
    from ..scorecard import latest_scores

    pledge = session.get(Pledge, pledge_id)
    if pledge is None:
        raise LookupError(pledge_id)
    sphere = session.get(Sphere, pledge.sphere_id)
    statement = session.get(Statement, pledge.statement_id)
    parties = list(
        session.exec(
            select(Party)
            .join(PledgeParty, PledgeParty.party_id == Party.id)
            .where(PledgeParty.pledge_id == pledge.id)
            .order_by(Party.id)
        )
    )
    scores = {party_id: a for (_p, party_id), a in latest_scores(session, [pledge.id]).items()}
    evidence = [
        EvidenceItem(
            e.id,
            e.stance,
            e.date,
            e.quote,
            e.url,
            e.document_id,
            title or "",
            e.start,
            e.end,
            e.withdrawn_at is not None,
            e.title or "",
            page_at(page_starts, e.start),
        )
        for e, title, page_starts in session.exec(
            select(Evidence, Document.title, Document.page_starts)
            .join(Document, Document.id == Evidence.document_id, isouter=True)
            .where(Evidence.pledge_id == pledge.id)
            .order_by(Evidence.id)
        )
    ]
    notes = list(
        session.exec(select(Note).where(Note.pledge_id == pledge.id, col(Note.deleted_at).is_(None)).order_by(Note.id))
    )
    context, c_start, c_end = pledge_context(statement.text, pledge.start, pledge.end)
    return PledgeDetail(
        pledge, sphere, statement, parties, scores, evidence, notes, history(session, pledge), context, c_start, c_end
    )

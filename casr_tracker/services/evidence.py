"""Evidence: a passage of a document (with its offsets) or a link, attached, withdrawn and restored."""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import Session

from .. import events
from ..errors import InputError, NotFound
from ..models import (
    Document,
    EventKind,
    Evidence,
    Pledge,
    Stance,
    today,
    utcnow,
)
from ..parsing import (
    check_not_after_today,
    check_url,
    parse_stance,
)
from .rows import _save


def restore_evidence(*, session: Session, evidence: Evidence, who: str = "") -> Evidence:
    """Bring withdrawn evidence back (it counts again from now on)."""
    if evidence.withdrawn_at is None:
        raise InputError(f"Evidence {evidence.id} is not withdrawn.")
    evidence.withdrawn_at = None
    _save(session, evidence)
    events.log(session, EventKind.evidence_restored, pledge_id=evidence.pledge_id, subject_id=evidence.id, who=who)
    return evidence


#: words that are no evidence by themselves
_FILLER = frozenset(
    ["the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "and", "or", "but", "is", "are", "was"]
    + ["were", "be", "it", "its", "this", "that", "these", "those", "with", "as", "from", "has", "have"]
)


def _says_something(quote: str) -> bool:
    """A quote with at least one word that is not filler (a lone "the" is no evidence)."""
    words = [w.strip(".,;:!?\"'“”()").lower() for w in quote.split()]
    return any(w and w not in _FILLER for w in words)


def _locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` stands in `text`, exactly or with any run of white space standing for one."""
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else None


def attach_evidence(
    *,
    session: Session,
    pledge: Pledge,
    document: Document | None = None,
    quote: str = "",
    start: int | None = None,
    end: int | None = None,
    url: str = "",
    stance: Stance | str = Stance.supports,
    date: dt.date | None = None,
    who: str = "",
    title: str | None = None,
) -> Evidence:
    """Attach an excerpt of a document (by quote or by offsets) or a link (with an optional title)
    as evidence for a pledge."""
    stance = parse_stance(stance) if isinstance(stance, str) else stance
    if document is None and not url:
        raise InputError("Evidence needs a document excerpt or a URL.")
    if document is not None and url:
        raise InputError("Evidence is a document excerpt or a link, not both: give --document or --url.")
    check_not_after_today(date, "Evidence")
    if title and title.strip() and not url:
        raise InputError("A title names a link; give its URL too (an excerpt shows its document's title).")
    evidence = Evidence(pledge_id=pledge.id, stance=stance.value, who=who)
    if document is not None:
        if start is None or end is None:
            if not quote.strip():
                raise InputError("Give the passage to quote from the document.")
            if not _says_something(quote):
                raise InputError(f"{quote.strip()!r} says nothing by itself; quote the words that are evidence.")
            span = _locate(document.text, quote.strip())
            if span is None:
                raise NotFound(f"The quote does not occur in document {document.id} ({document.title}).")
            start, end = span
        if not (0 <= start < end <= len(document.text)):
            raise InputError(f"The excerpt {start}:{end} lies outside document {document.id}.")
        evidence.document_id = document.id
        evidence.start, evidence.end, evidence.quote = start, end, document.text[start:end]
        evidence.date = date or document.date
    if url:
        evidence.url = check_url(url)
        evidence.title = " ".join((title or "").split()) or None
        evidence.date = evidence.date or date
    evidence.date = evidence.date or today()
    _save(session, evidence)
    events.log(
        session,
        EventKind.evidence_attached,
        pledge_id=pledge.id,
        subject_id=evidence.id,
        who=who,
        date=evidence.date,
        stance=evidence.stance,
    )
    return evidence


def withdraw_evidence(*, session: Session, evidence: Evidence, who: str = "") -> Evidence:
    """Mark evidence as withdrawn (kept in the history, no longer counted from now on)."""
    if evidence.withdrawn_at is not None:
        raise InputError(f"Evidence {evidence.id} is already withdrawn.")
    evidence.withdrawn_at = utcnow()
    _save(session, evidence)
    events.log(session, EventKind.evidence_withdrawn, pledge_id=evidence.pledge_id, subject_id=evidence.id, who=who)
    return evidence

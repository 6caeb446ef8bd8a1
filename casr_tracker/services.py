"""The verbs: every change to the tracker goes through one of these functions.

Each takes keyword-only arguments with an open `session` (one transaction, see db.session_scope),
checks its input, records history (append-only) and bumps the data revision.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from . import events
from .changes import NOTIFY_CHANNEL, data_revision, move_revision  # noqa: F401 - watched by windows
from .errors import BadDate, BadScore, BadUrl, CasrError, InputError, NotFound, StaleEdit, UnknownParty, UnknownStatus  # noqa: F401
from .importer.documents import detect_metadata, load_document, sha256_text
from .models import (
    Assessment,
    Document,
    EventKind,
    Evidence,
    Note,
    Party,
    Pledge,
    PledgeParty,
    Stance,
    Statement,
    Status,
    StatusChange,
    today,
    utcnow,
)
from .parsing import (  # noqa: F401 - the verbs' callers find the parsing of user values here too
    FULL_DATE_HINT,
    URL_SCHEMES,
    check_not_after_today,
    check_url,
    parse_date,
    parse_score,
    parse_stance,
    parse_status,
)

# --- finding things ----------------------------------------------------------------------------


def find_pledge(session: Session, ref: str) -> Pledge:
    """The pledge with this ref (e.g. TRD-3, or 2/TRD-3 to name the statement)."""
    text = ref.strip().upper()
    statement_id = None
    if "/" in text:
        head, _, text = text.partition("/")
        if head.isdigit():
            statement_id = int(head)
    query = select(Pledge).where(Pledge.ref == text)
    if statement_id is not None:
        query = query.where(Pledge.statement_id == statement_id)
    found = list(session.exec(query))
    if not found:
        raise NotFound(f"There is no pledge {ref.strip()!r}; 'casr-tracker pledges' lists them.")
    if len(found) > 1:
        live = [p for p in found if not p.retired]
        if len(live) == 1:
            return live[0]
        raise InputError(
            f"{text} is in several statements; write it as STATEMENT/{text}, e.g. {found[0].statement_id}/{text}."
        )
    return found[0]


def pledge_parties(session: Session, pledge: Pledge) -> list[Party]:
    query = (
        select(Party)
        .join(PledgeParty, PledgeParty.party_id == Party.id)
        .where(PledgeParty.pledge_id == pledge.id)
        .order_by(Party.id)
    )
    return list(session.exec(query))


def find_party(session: Session, text: str) -> Party:
    """A party by code (KZ), short name (Kazakhstan) or formal name (Republic of Kazakhstan)."""
    key = text.strip().lower()
    for party in session.exec(select(Party)):
        if key in (party.code.lower(), party.name.lower(), party.formal_name.lower()):
            return party
    names = ", ".join(p.name for p in session.exec(select(Party).order_by(Party.id)))
    raise UnknownParty(f"{text!r} is not a party; use one of: {names}.")


def find_document(session: Session, key: str | int) -> Document:
    """A document by id, or by the path of a file that has been imported (matched by content)."""
    text = str(key).strip()
    if text.isdigit():
        document = session.get(Document, int(text))
        if document is None:
            raise NotFound(f"There is no document {text}; 'casr-tracker documents' lists them.")
        return document
    sha = sha256_text(load_document(text).text)
    document = session.exec(select(Document).where(Document.sha256 == sha)).first()
    if document is None:
        raise NotFound(f"{text} has not been imported; import it first with 'casr-tracker import-document {text}'.")
    return document


# --- the data revision is moved by the session itself (changes.py) -------------------------------


def bump_revision(session: Session) -> None:
    """Count a change made by raw SQL the session cannot see (ORM writes are counted by themselves)."""
    move_revision(session)


def _save(session: Session, row):
    """Store a new or changed row (the session notes the change and moves the revision)."""
    session.add(row)
    session.flush()
    return row


# --- the verbs ---------------------------------------------------------------------------------


def _claim_version(session: Session, pledge: Pledge, expect_version: int | None, **values) -> None:
    """Move the pledge to version+1 only if nobody else has since (compare-and-swap). Call it before
    writing anything else, so a refused edit leaves no trace and names the real other editor."""
    expected = pledge.version if expect_version is None else expect_version
    if expect_version is not None and pledge.version != expect_version:
        _refuse_stale(session, pledge, expect_version)
    result = session.execute(
        update(Pledge)
        .where(col(Pledge.id) == pledge.id, col(Pledge.version) == expected)
        .values(version=expected + 1, updated_at=utcnow(), **values)
    )
    if result.rowcount != 1:
        session.refresh(pledge)
        _refuse_stale(session, pledge, expected)
    session.refresh(pledge)


def claim_version(session: Session, pledge: Pledge) -> None:
    """Move the pledge to its next version (a correction of one of its entries is a change of it)."""
    _claim_version(session, pledge, None)


def refresh_status(session: Session, pledge: Pledge) -> None:
    """Set the pledge's status (a cache) to the entry in force now, retracted entries left out."""
    session.execute(update(Pledge).where(col(Pledge.id) == pledge.id).values(status=_current_status(session, pledge)))
    session.refresh(pledge)


def _refuse_stale(session: Session, pledge: Pledge, expected: int) -> None:
    """Raise StaleEdit naming the latest status change or assessment of the pledge (who, when)."""
    candidates = [
        session.exec(select(model).where(model.pledge_id == pledge.id).order_by(col(model.recorded_at).desc())).first()
        for model in (StatusChange, Assessment)
    ]
    latest = max((c for c in candidates if c is not None), key=lambda c: c.recorded_at, default=None)
    who = f" by {latest.who} at {latest.recorded_at:%Y-%m-%d %H:%M}" if latest and latest.who else ""
    raise StaleEdit(
        f"{pledge.ref} was changed{who} (it is now version {pledge.version}, you had version {expected}); "
        "reload it and apply your change again."
    )


def _current_status(session: Session, pledge: Pledge) -> str:
    """The status of the change with the latest effective date (then the latest recorded)."""
    last = session.exec(
        select(StatusChange)
        .where(
            StatusChange.pledge_id == pledge.id,
            col(StatusChange.id).not_in(events.retracted_rows(session, EventKind.status, pledge_ids=[pledge.id])),
        )
        .order_by(col(StatusChange.effective_date).desc(), col(StatusChange.id).desc())
    ).first()
    return last.new if last else Status.not_assessed.value


def set_status(
    *,
    session: Session,
    pledge: Pledge,
    status: Status | str,
    who: str = "",
    comment: str = "",
    effective: dt.date | None = None,
    expect_version: int | None = None,
) -> StatusChange:
    """Record a status change (the only way a status changes) and return the history entry."""
    new = parse_status(status) if isinstance(status, str) else status
    if pledge.retired:
        raise InputError(f"{pledge.ref} is no longer in its statement; its status cannot change.")
    check_not_after_today(effective, f"A status of {pledge.ref}")
    old = pledge.status
    _claim_version(session, pledge, expect_version)
    change = StatusChange(
        pledge_id=pledge.id,
        old=old,
        new=new.value,
        effective_date=effective or today(),
        who=who,
        comment=comment.strip(),
    )
    session.add(change)
    session.flush()
    events.log(
        session,
        EventKind.status,
        pledge_id=pledge.id,
        subject_id=change.id,
        who=who,
        old=old,
        new=change.new,
        effective=change.effective_date,
        comment=change.comment,
    )
    session.execute(update(Pledge).where(col(Pledge.id) == pledge.id).values(status=_current_status(session, pledge)))
    session.refresh(pledge)
    return change


def assess(
    *,
    session: Session,
    pledge: Pledge,
    party: Party,
    score: int | str | None,
    who: str = "",
    justification: str = "",
    date: dt.date | None = None,
    expect_version: int | None = None,
) -> Assessment:
    """Score one party's compliance with a pledge (-1, 0, +1); the latest assessment counts.

    A score of None withdraws the party's score (a new row, so the history keeps both)."""
    value = parse_score(score)
    bound = pledge_parties(session, pledge)
    if party.id not in {p.id for p in bound}:
        names = ", ".join(p.name for p in bound)
        raise UnknownParty(f"{pledge.ref} binds {names}, not {party.name}.")
    check_not_after_today(date, f"A score of {party.name} on {pledge.ref}")
    _claim_version(session, pledge, expect_version)
    assessment = Assessment(
        pledge_id=pledge.id,
        party_id=party.id,
        score=value,
        justification=justification.strip(),
        date=date or today(),
        who=who,
    )
    _save(session, assessment)
    events.log(
        session,
        EventKind.score,
        pledge_id=pledge.id,
        subject_id=assessment.id,
        who=who,
        party_id=party.id,
        score=value,
        justification=assessment.justification,
        date=assessment.date,
    )
    return assessment


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


def restore_evidence(*, session: Session, evidence: Evidence, who: str = "") -> Evidence:
    """Bring withdrawn evidence back (it counts again from now on)."""
    if evidence.withdrawn_at is None:
        raise InputError(f"Evidence {evidence.id} is not withdrawn.")
    evidence.withdrawn_at = None
    _save(session, evidence)
    events.log(session, EventKind.evidence_restored, pledge_id=evidence.pledge_id, subject_id=evidence.id, who=who)
    return evidence


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


def import_document(
    *,
    session: Session,
    path: str | Path | None = None,
    text: str | None = None,
    title: str = "",
    date: dt.date | None = None,
    author: str = "",
    url: str = "",
    source_name: str = "",
) -> tuple[Document, bool]:
    """Store a later document (from a file or a text); returns (document, created).

    Metadata the caller does not give is detected from the text; a document whose text is already
    stored is not stored twice.
    """
    if text is None:
        if path is None:
            raise InputError("Give a file or a text to import.")
        loaded = load_document(path)
        text, found, url = loaded.text, loaded.meta, url or loaded.url
        source_name = source_name or Path(path).name
    else:
        found = detect_metadata(text)
    sha = sha256_text(text)
    existing = session.exec(select(Document).where(Document.sha256 == sha)).first()
    if existing is not None:
        return existing, False
    if url:
        url = check_url(url)
    document = Document(
        title=title or found.title or (Path(source_name).stem if source_name else "Untitled document"),
        date=date or found.date,
        author=author or found.author,
        url=url,
        text=text,
        sha256=sha,
        source_name=source_name,
    )
    _save(session, document)
    return document, True


def statements(session: Session) -> list[Statement]:
    return list(session.exec(select(Statement).order_by(Statement.id)))

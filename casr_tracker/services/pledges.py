"""A pledge's status and its parties' scores: each entry appended, the current status a cache of them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import Session, col, select

from .. import events
from ..errors import InputError, StaleEdit, UnknownParty
from ..models import (
    Assessment,
    EventKind,
    Party,
    Pledge,
    Status,
    StatusChange,
    today,
    utcnow,
)
from ..parsing import (
    check_not_after_today,
    parse_score,
    parse_status,
)
from ..users import signed
from .lookups import pledge_parties
from .rows import _save


def _claim_version(session: Session, pledge: Pledge, expect_version: int | None, **values) -> None:
    """Move the pledge to version+1 only if nobody else has since (compare-and-swap). Call it before
    writing anything else, so a refused edit leaves no trace and names the real other editor."""
    if expect_version is None:
        # a change that asked for no version applies to the pledge as it is now: the row is locked and
        # moved on whatever version another writer left it at (under contention, a compare-and-swap on
        # the version read a moment ago refused plain commands as stale)
        session.execute(
            update(Pledge)
            .where(col(Pledge.id) == pledge.id)
            .values(version=col(Pledge.version) + 1, updated_at=utcnow(), **values)
        )
        session.refresh(pledge)
        return
    expected = expect_version
    if pledge.version != expect_version:
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
    by = signed(latest.who, latest.login) if latest else ""
    who = f" by {by} at {latest.recorded_at:%Y-%m-%d %H:%M}" if by else ""
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
    _claim_version(session, pledge, expect_version)  # first: it locks the pledge, whose status is then current
    old = pledge.status
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


#: the longest keywords a pledge may have (a few project names, not an article)
MAX_KEYWORDS = 500


def set_keywords(*, session: Session, pledge: Pledge, keywords: str, who: str = "") -> Pledge:
    """Give a pledge the analyst's own words for what progress on it looks like (the facility, the
    programme, the agency): the matcher reads them with the pledge. One event with the old words."""
    words = ", ".join(w for w in (" ".join(part.split()) for part in keywords.replace(";", ",").split(",")) if w)
    if len(words) > MAX_KEYWORDS:
        raise InputError(f"Keywords are a few words for the matcher: keep them under {MAX_KEYWORDS} characters.")
    if words == pledge.keywords:
        raise InputError(f"{pledge.ref} already has these keywords.")
    before = pledge.keywords
    _claim_version(session, pledge, None, keywords=words)
    events.log(
        session, EventKind.keywords, pledge_id=pledge.id, subject_id=pledge.id, who=who, keywords=words, before=before
    )
    session.refresh(pledge)
    return pledge


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

"""Compliance arithmetic and status summaries (G7/G20 Research Group method).

A party's score on a pledge is its latest assessment: -1 (no compliance), 0 (partial), +1 (full).
Averages are over the pledges that were scored; as a percentage, (average + 1) / 2 × 100.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from . import events
from .models import Assessment, EventKind, Party, Pledge, PledgeParty, Sphere, StatementParty, Status, StatusChange


def percent(average: float | None) -> float | None:
    """A -1..+1 average as the Research Group's percentage: -1 → 0 %, 0 → 50 %, +1 → 100 %."""
    return None if average is None else (average + 1) / 2 * 100


@dataclass
class Cell:
    """Scores gathered for one party, one sphere, or both."""

    total: int = 0
    count: int = 0

    def add(self, score: int) -> None:
        self.total += score
        self.count += 1

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def percent(self) -> float | None:
        return percent(self.average)


@dataclass
class Scorecard:
    """Party × sphere averages for one statement, with totals per party, per sphere and overall."""

    parties: list[Party]
    spheres: list[Sphere]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    by_party: dict[int, Cell] = field(default_factory=dict)
    by_sphere: dict[int, Cell] = field(default_factory=dict)
    overall: Cell = field(default_factory=Cell)
    pledges_assessed: int = 0

    def cell(self, party_id: int, sphere_id: int) -> Cell:
        return self.cells.get((party_id, sphere_id), Cell())


def latest_scores(
    session: Session, pledge_ids: list[int] | None = None, as_of: dt.date | None = None
) -> dict[tuple[int, int], Assessment]:
    """The current assessment of every (pledge, party) pair that has one: the latest by its date,
    then by when it was recorded (as statuses are ordered); with `as_of`, as it stood that day."""
    ranked = select(
        Assessment.id,
        func.row_number()
        .over(
            partition_by=(Assessment.pledge_id, Assessment.party_id),
            order_by=(col(Assessment.date).desc(), col(Assessment.id).desc()),
        )
        .label("rank"),
    )
    if pledge_ids is not None:
        ranked = ranked.where(col(Assessment.pledge_id).in_(pledge_ids))
    if as_of is not None:
        ranked = ranked.where(Assessment.date <= as_of)
    retracted = events.retracted_rows(
        session, EventKind.score, pledge_ids=pledge_ids, until=events.end_of(as_of) if as_of else None
    )
    if retracted:
        ranked = ranked.where(col(Assessment.id).not_in(retracted))
    ranked = ranked.subquery()
    newest = select(ranked.c.id).where(ranked.c.rank == 1)
    rows = session.exec(select(Assessment).where(col(Assessment.id).in_(newest)))
    return {(a.pledge_id, a.party_id): a for a in rows}


def statement_parties(session: Session, statement_id: int) -> list[Party]:
    query = (
        select(Party)
        .join(StatementParty, StatementParty.party_id == Party.id)
        .where(StatementParty.statement_id == statement_id)
        .order_by(Party.id)
    )
    return list(session.exec(query))


def statuses_as_of(
    session: Session, pledge_ids: list[int], as_of: dt.date | None = None
) -> dict[int, StatusChange | None]:
    """For each pledge, the status change in force at the end of `as_of` (None: never changed, so
    not assessed). Without `as_of`, the current one."""
    ranked = select(
        StatusChange.id,
        func.row_number()
        .over(
            partition_by=StatusChange.pledge_id,
            order_by=(col(StatusChange.effective_date).desc(), col(StatusChange.id).desc()),
        )
        .label("rank"),
    ).where(col(StatusChange.pledge_id).in_(pledge_ids))
    if as_of is not None:
        ranked = ranked.where(StatusChange.effective_date <= as_of)
    retracted = events.retracted_rows(
        session, EventKind.status, pledge_ids=pledge_ids, until=events.end_of(as_of) if as_of else None
    )
    if retracted:
        ranked = ranked.where(col(StatusChange.id).not_in(retracted))
    ranked = ranked.subquery()
    rows = session.exec(
        select(StatusChange).where(col(StatusChange.id).in_(select(ranked.c.id).where(ranked.c.rank == 1)))
    )
    found: dict[int, StatusChange | None] = {pid: None for pid in pledge_ids}
    for change in rows:
        found[change.pledge_id] = change
    return found


def scorecard(session: Session, statement_id: int, as_of: dt.date | None = None) -> Scorecard:
    """The compliance scorecard of a statement from the latest scores (withdrawn ones left out),
    as it stood at the end of `as_of` when given."""
    spheres = list(session.exec(select(Sphere).where(Sphere.statement_id == statement_id).order_by(Sphere.order)))
    card = Scorecard(statement_parties(session, statement_id), spheres)
    pledges = {
        p.id: p
        for p in session.exec(
            select(Pledge).where(Pledge.statement_id == statement_id, Pledge.retired == False)  # noqa: E712
        )
    }
    bound = set(
        session.exec(select(PledgeParty.pledge_id, PledgeParty.party_id).where(col(PledgeParty.pledge_id).in_(pledges)))
    )
    assessed: set[int] = set()
    for key, assessment in latest_scores(session, list(pledges), as_of).items():
        if assessment.score is None or key not in bound:
            continue
        pledge_id, party_id = key
        sphere_id = pledges[pledge_id].sphere_id
        card.cells.setdefault((party_id, sphere_id), Cell()).add(assessment.score)
        card.by_party.setdefault(party_id, Cell()).add(assessment.score)
        card.by_sphere.setdefault(sphere_id, Cell()).add(assessment.score)
        card.overall.add(assessment.score)
        assessed.add(pledge_id)
    card.pledges_assessed = len(assessed)
    return card


@dataclass(frozen=True)
class SphereInfo:
    """What summaries need of a sphere (plain values, cheap to load by the thousand)."""

    id: int
    statement_id: int
    name: str
    code: str
    kind: str
    order: int


def _spheres(session: Session, statement_id: int | None = None) -> list[SphereInfo]:
    query = select(Sphere.id, Sphere.statement_id, Sphere.name, Sphere.code, Sphere.kind, Sphere.order).order_by(
        Sphere.statement_id, Sphere.order
    )
    if statement_id is not None:
        query = query.where(Sphere.statement_id == statement_id)
    return [SphereInfo(*row) for row in session.exec(query)]


@dataclass
class SphereStatus:
    """How many pledges of a sphere stand at each status."""

    sphere: SphereInfo
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def status_by_sphere(session: Session, statement_id: int, as_of: dt.date | None = None) -> list[SphereStatus]:
    """Per sphere (in statement order, those with pledges), the count of pledges at each status;
    with `as_of`, the statuses as they stood at the end of that day."""
    spheres = _spheres(session, statement_id)
    counts: dict[int, dict[str, int]] = {}
    if as_of is None:
        query = (
            select(Pledge.sphere_id, Pledge.status, func.count())
            .where(Pledge.statement_id == statement_id, Pledge.retired == False)  # noqa: E712
            .group_by(Pledge.sphere_id, Pledge.status)
        )
        for sphere_id, status, n in session.exec(query):
            counts.setdefault(sphere_id, {})[status] = n
    else:
        pledges = dict(
            session.exec(
                select(Pledge.id, Pledge.sphere_id).where(
                    Pledge.statement_id == statement_id,
                    Pledge.retired == False,  # noqa: E712
                )
            ).all()
        )
        for pledge_id, change in statuses_as_of(session, list(pledges), as_of).items():
            status = change.new if change else Status.not_assessed.value
            bucket = counts.setdefault(pledges[pledge_id], {})
            bucket[status] = bucket.get(status, 0) + 1
    out = []
    for sphere in spheres:
        if sphere.id in counts:
            out.append(SphereStatus(sphere, {s.value: counts[sphere.id].get(s.value, 0) for s in Status}))
    return out


def status_by_statement(session: Session) -> dict[int, dict[str, int]]:
    """For every statement, how many of its live pledges stand at each status (one query)."""
    out: dict[int, dict[str, int]] = {}
    query = (
        select(Pledge.statement_id, Pledge.status, func.count())
        .where(Pledge.retired == False)  # noqa: E712
        .group_by(Pledge.statement_id, Pledge.status)
    )
    for statement_id, status, n in session.exec(query):
        out.setdefault(statement_id, {})[status] = n
    return out

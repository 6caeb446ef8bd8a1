"""Compliance arithmetic and status summaries (G7/G20 Research Group method).

A party's score on a pledge is its latest assessment: -1 (no compliance), 0 (partial), +1 (full).
Averages are over the pledges that were scored; as a percentage, (average + 1) / 2 × 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import Assessment, Party, Pledge, PledgeParty, Sphere, StatementParty, Status


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


def latest_scores(session: Session, pledge_ids: list[int] | None = None) -> dict[tuple[int, int], Assessment]:
    """The current assessment of every (pledge, party) pair that has one: the latest by its date,
    then by when it was recorded (as statuses are ordered)."""
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


def scorecard(session: Session, statement_id: int) -> Scorecard:
    """The compliance scorecard of a statement from the latest scores (withdrawn ones left out)."""
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
    for key, assessment in latest_scores(session, list(pledges)).items():
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


@dataclass
class SphereStatus:
    """How many pledges of a sphere stand at each status."""

    sphere: Sphere
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def status_by_sphere(session: Session, statement_id: int) -> list[SphereStatus]:
    """Per sphere (in statement order, those with pledges), the count of pledges at each status."""
    spheres = list(session.exec(select(Sphere).where(Sphere.statement_id == statement_id).order_by(Sphere.order)))
    counts: dict[int, dict[str, int]] = {}
    query = (
        select(Pledge.sphere_id, Pledge.status, func.count())
        .where(Pledge.statement_id == statement_id, Pledge.retired == False)  # noqa: E712
        .group_by(Pledge.sphere_id, Pledge.status)
    )
    for sphere_id, status, n in session.exec(query):
        counts.setdefault(sphere_id, {})[status] = n
    out = []
    for sphere in spheres:
        if sphere.id in counts:
            out.append(SphereStatus(sphere, {s.value: counts[sphere.id].get(s.value, 0) for s in Status}))
    return out


def pledge_score(session: Session, pledge: Pledge) -> Cell:
    """The pledge's own average over the parties it binds that were scored."""
    cell = Cell()
    bound = set(session.exec(select(PledgeParty.party_id).where(PledgeParty.pledge_id == pledge.id)))
    for (_pid, party_id), assessment in latest_scores(session, [pledge.id]).items():
        if assessment.score is not None and party_id in bound:
            cell.add(assessment.score)
    return cell

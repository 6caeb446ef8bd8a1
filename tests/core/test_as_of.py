"""As-of is exact: a report as of a day, made before and after any later changes (new entries,
corrections, retractions, undos), is the same apart from the line saying when it was generated."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from casr_tracker import corrections, db, services, undo
from casr_tracker.errors import StaleEdit
from casr_tracker.models import Document, Event, Evidence, Note, Pledge, frozen_time
from casr_tracker.reports import build_report
from casr_tracker.reports.csv import render_csv
from casr_tracker.reports.html import render_html

DAY = dt.date(2024, 3, 1)
STATUSES = ["not_started", "in_progress", "partially_fulfilled", "fulfilled", "stalled", "abandoned"]


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone.utc)


def reports(engine, day: dt.date = DAY, since: dt.date | None = dt.date(2022, 1, 1)) -> tuple[str, str]:
    with db.session_scope(engine, write=False) as session:
        report = build_report(session, as_of=day, since=since)
    html = "\n".join(line for line in render_html(report).splitlines() if "<th>Generated</th>" not in line)
    return html, render_csv(report)


def pledge(session, ref: str) -> Pledge:
    return services.find_pledge(session, ref)


def build_the_past(engine) -> None:
    """A record made before DAY: statuses, scores, notes, evidence, and corrections of them."""
    with db.session_scope(engine) as s:
        kz = services.find_party(s, "KZ")
        with frozen_time(at(dt.date(2022, 5, 1))):
            services.set_status(
                session=s, pledge=pledge(s, "TRD-3"), status="in_progress", effective=dt.date(2022, 4, 1)
            )
            services.set_status(session=s, pledge=pledge(s, "SNT-4"), status="fulfilled", who="ana")
            services.assess(session=s, pledge=pledge(s, "TRD-3"), party=kz, score=1, justification="ventures")
            note = services.add_note(session=s, pledge=pledge(s, "SNT-4"), text="quota raised", who="ana")
            doc = s.get(Document, 2)
            services.attach_evidence(
                session=s, pledge=pledge(s, "SNT-8"), document=doc, quote="WHO", date=dt.date(2020, 11, 30)
            )
            link = services.attach_evidence(
                session=s, pledge=pledge(s, "TRD-3"), url="https://example.org/a", title="A"
            )
        with frozen_time(at(dt.date(2023, 6, 1))):
            services.edit_note(session=s, note=note, text="quota raised to 600", who="ana")
            services.withdraw_evidence(session=s, evidence=link, who="ana")
            corrections.edit_document(session=s, document=s.get(Document, 2), date=dt.date(2020, 11, 25), who="ana")
            wrong = services.set_status(
                session=s, pledge=pledge(s, "MGR-1"), status="abandoned", effective=dt.date(2023, 1, 1)
            )
            entry = s.exec(select(Event).where(Event.kind == "status", Event.subject_id == wrong.id)).one()
            corrections.retract(session=s, entry_id=entry.id, reason="wrong pledge", who="ana")


@st.composite
def later_changes(draw):
    """A sequence of changes, each recorded on a day after DAY (and speaking for such a day when new)."""
    steps = []
    for _ in range(draw(st.integers(1, 6))):
        offset = draw(st.integers(1, 700))
        steps.append((offset, draw(st.sampled_from(ACTIONS)), draw(st.integers(0, 10_000))))
    return steps


def _any(rows, n):
    return rows[n % len(rows)] if rows else None


def act_status(s, day, n):
    p = _any(s.exec(select(Pledge).where(Pledge.retired == False)).all(), n)  # noqa: E712
    effective = DAY + dt.timedelta(days=1 + n % max(1, (day - DAY).days))
    services.set_status(
        session=s, pledge=p, status=STATUSES[n % len(STATUSES)], effective=min(effective, day), who="bo"
    )


def act_score(s, day, n):
    p = pledge(s, ["TRD-3", "SNT-4", "SNT-5", "GEN-1"][n % 4])
    party = services.pledge_parties(s, p)[n % len(services.pledge_parties(s, p))]
    services.assess(session=s, pledge=p, party=party, score=[-1, 0, 1, None][n % 4], justification=f"j{n}", who="bo")


def act_note(s, day, n):
    notes = s.exec(select(Note)).all()
    note = _any(notes, n)
    if n % 3 == 0 or note is None:
        services.add_note(session=s, pledge=pledge(s, "SNT-4"), text=f"later note {n}", who="bo")
    elif n % 3 == 1 and note.deleted_at is None:  # a deleted note is restored before it is edited
        services.edit_note(session=s, note=note, text=f"rewritten {n}", who="bo")
    elif note.deleted_at is None:
        services.delete_note(session=s, note=note, who="bo")
    else:
        services.restore_note(session=s, note=note, who="bo")


def act_evidence(s, day, n):
    items = s.exec(select(Evidence)).all()
    item = _any(items, n)
    if n % 4 == 0:
        services.attach_evidence(
            session=s, pledge=pledge(s, "TRD-3"), url=f"https://example.org/{n}", date=day, who="bo"
        )
    elif n % 4 == 1:
        if item.withdrawn_at is None:
            services.withdraw_evidence(session=s, evidence=item, who="bo")
        else:
            services.restore_evidence(session=s, evidence=item, who="bo")
    else:
        stance = ["supports", "contradicts", "context"][n % 3]
        date = dt.date(2019, 1, 1) + dt.timedelta(days=n % 2000)  # any day: a correction counts from when made
        with contextlib.suppress(services.InputError):  # nothing to change
            corrections.edit_evidence(session=s, evidence=item, date=date, stance=stance, who="bo")


def act_document(s, day, n):
    document = s.get(Document, 1 + n % 4)
    with contextlib.suppress(services.InputError):  # the same details again: nothing to change
        corrections.edit_document(session=s, document=document, title=f"Retitled {n}", author=f"Author {n}", who="bo")


def act_retract(s, day, n):
    live = [e for e in s.exec(select(Event).where(Event.kind.in_(["status", "score"]))).all()]
    retracted = set(corrections.events.retractions(s))
    candidates = [e for e in live if e.id not in retracted]
    if candidates:
        corrections.retract(session=s, entry_id=_any(candidates, n).id, reason=f"mistake {n}", who="bo")


def act_undo(s, day, n):
    with contextlib.suppress(services.InputError, StaleEdit):  # nothing left to undo, or changed again since
        undo.undo_last(session=s, who=["ana", "bo"][n % 2])


ACTIONS = [act_status, act_score, act_note, act_evidence, act_document, act_retract, act_undo]


@pytest.fixture(scope="module")
def past_engine(tmp_path_factory):
    from casr_tracker.seeding import open_tracker

    engine = open_tracker(f"sqlite:///{tmp_path_factory.mktemp('as-of') / 'tracker.sqlite3'}")
    build_the_past(engine)
    yield engine
    engine.dispose()


class Reports(dict):
    """The reports made before any later change, by day (a short repr: hypothesis prints its arguments)."""

    def __repr__(self) -> str:
        return f"<reports as of {', '.join(str(day) for day in self)}>"


@pytest.fixture(scope="module")
def before(past_engine):
    return Reports({day: reports(past_engine, day) for day in (DAY, dt.date(2023, 12, 31), dt.date(2022, 6, 30))})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=later_changes())
def test_later_changes_never_change_an_earlier_report(past_engine, before, steps):
    clock = at(DAY, 23)
    for offset, action, n in steps:
        clock = max(clock, at(DAY + dt.timedelta(days=offset)))
        with frozen_time(clock), db.session_scope(past_engine) as s:
            action(s, clock.date(), n)
    for day, (html, csv) in before.items():
        now_html, now_csv = reports(past_engine, day)
        assert now_csv == csv
        assert now_html == html


def test_the_past_reads_as_it_was_recorded(past_engine, before):
    html, csv = before[DAY]
    assert "quota raised to 600" in html  # the note in the words it had on that day
    assert "https://example.org/a" not in csv and "example.org/a" not in html  # withdrawn in 2023
    assert re.search(r"MGR-1,[^\n]*not_assessed", csv)  # the retracted entry does not count
    assert "2020-11-25" in html  # the interview's date as corrected in 2023
    old_html, _ = before[dt.date(2022, 6, 30)]
    assert "quota raised</" in old_html or "quota raised<" in old_html or "quota raised " in old_html
    assert "quota raised to 600" not in old_html
    assert "SNT-8" in csv and "WHO" in html  # evidence dated 2020 counts in every report after it

"""The verbs on a real seeded SQLite file: history, versions, scores, evidence, notes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from casr_tracker import db, services
from casr_tracker.errors import BadDate, BadScore, BadUrl, NotFound, StaleEdit, UnknownParty, UnknownStatus
from casr_tracker.models import Assessment, StatusChange
from casr_tracker.queries import history, pledge_rows


def test_status_changes_are_appended_never_rewritten(engine):
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "TRD-3")
        services.set_status(session=s, pledge=pledge, status="in_progress", who="ana", effective=dt.date(2021, 1, 5))
        services.set_status(session=s, pledge=pledge, status="Partially fulfilled", who="ben", comment="half")
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "TRD-3")
        changes = s.exec(
            select(StatusChange).where(StatusChange.pledge_id == pledge.id).order_by(StatusChange.id)
        ).all()
        assert [(c.old, c.new, c.who) for c in changes] == [
            ("not_assessed", "in_progress", "ana"),
            ("in_progress", "partially_fulfilled", "ben"),
        ]
        assert pledge.status == "partially_fulfilled"
        assert pledge.version == 3


def test_a_backdated_change_does_not_override_a_later_one(engine):
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "SCR-1")
        services.set_status(session=s, pledge=pledge, status="fulfilled", effective=dt.date(2022, 6, 1))
        services.set_status(session=s, pledge=pledge, status="in_progress", effective=dt.date(2021, 6, 1))
        assert pledge.status == "fulfilled"


def test_stale_version_is_refused_with_who_and_when(engine):
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "ENV-3")
        services.set_status(session=s, pledge=pledge, status="in_progress", who="ana", expect_version=1)
    with (
        pytest.raises(StaleEdit, match=r"ENV-3 was changed by ana .* version 2, you had version 1"),
        db.session_scope(engine) as s,
    ):
        pledge = services.find_pledge(s, "ENV-3")
        services.set_status(session=s, pledge=pledge, status="fulfilled", who="ben", expect_version=1)
    with db.session_scope(engine) as s:
        assert services.find_pledge(s, "ENV-3").status == "in_progress"


def test_assessments_are_per_bound_party(engine):
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "SNT-5")
        russia = services.find_party(s, "Russian Federation")
        services.assess(session=s, pledge=pledge, party=russia, score="+1", justification="data shared")
        with pytest.raises(UnknownParty, match="binds Russia, not Kazakhstan"):
            services.assess(session=s, pledge=pledge, party=services.find_party(s, "kz"), score=1)
        with pytest.raises(BadScore):
            services.assess(session=s, pledge=pledge, party=russia, score=2)
        rows = s.exec(select(Assessment).where(Assessment.pledge_id == pledge.id)).all()
        assert [(r.score, r.justification) for r in rows] == [(1, "data shared")]


def test_evidence_from_a_document_keeps_offsets(engine):
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "SNT-4")
        doc = services.find_document(s, 2)
        quote = "received a Russian state scholarship"
        evidence = services.attach_evidence(session=s, pledge=pledge, document=doc, quote=quote, stance="supports")
        assert doc.text[evidence.start : evidence.end] == evidence.quote == quote
        assert evidence.date == dt.date.today()  # the interview has no date of its own
        dated = services.attach_evidence(
            session=s, pledge=pledge, document=services.find_document(s, 1), quote="Central Asia + Russia format"
        )
        assert dated.date == dt.date(2020, 10, 30)
        with pytest.raises(NotFound):
            services.attach_evidence(session=s, pledge=pledge, document=doc, quote="no such words anywhere here")
        with pytest.raises(BadUrl):
            services.attach_evidence(session=s, pledge=pledge, url="javascript:alert(1)")
        link = services.attach_evidence(session=s, pledge=pledge, url="https://example.org/report", stance="context")
        assert link.url == "https://example.org/report"
    with db.session_scope(engine) as s:
        row = next(r for r in pledge_rows(s) if r.ref == "SNT-4")
        assert row.evidence_count == 3
        assert [e.kind for e in history(s, services.find_pledge(s, "SNT-4"))] == ["evidence"] * 3


def test_a_quote_across_line_breaks_is_found(engine):
    with db.session_scope(engine) as s:
        doc = services.find_document(s, 3)
        start = doc.text.index("Russian Foreign Minister Sergei Lavrov")
        words = " ".join(doc.text[start : start + 120].split())
        evidence = services.attach_evidence(
            session=s, pledge=services.find_pledge(s, "PLT-2"), document=doc, quote=words
        )
        assert evidence.start == start


def test_notes_and_search(engine):
    with db.session_scope(engine) as s:
        services.add_note(session=s, pledge=services.find_pledge(s, "CLT-5"), text="Festival held in Kazan, 2021")
    with db.session_scope(engine) as s:
        assert [r.ref for r in pledge_rows(s, search="kazan")] == ["CLT-5"]
        assert {r.ref for r in pledge_rows(s, search="tuition-free scholarships")} == {"SNT-4"}
        assert {r.ref for r in pledge_rows(s, party="RU")} >= {"SNT-5"}
        assert "SNT-5" not in {r.ref for r in pledge_rows(s, party="Uzbekistan")}
        assert all(r.sphere == "Migration" for r in pledge_rows(s, sphere="migration"))


@pytest.mark.parametrize(
    ("func", "value", "error"),
    [
        (services.parse_status, "done-ish", UnknownStatus),
        (services.parse_date, "2021-02-30", BadDate),
        (services.parse_date, "yesterday-ish", BadDate),
        (services.parse_score, "+2", BadScore),
        (services.check_url, "data:text/html,hi", BadUrl),
    ],
)
def test_bad_values_are_refused_with_one_sentence(func, value, error):
    with pytest.raises(error) as caught:
        func(value)
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message and repr(value) in message


FULL_DATES = [
    ("2021-03-05", dt.date(2021, 3, 5)),
    ("2021/03/05", dt.date(2021, 3, 5)),  # year first: year, month, day (not 3 May)
    ("2021.03.05", dt.date(2021, 3, 5)),
    ("20210305", dt.date(2021, 3, 5)),
    ("2021-03-05T10:30", dt.date(2021, 3, 5)),
    ("5 March 2021", dt.date(2021, 3, 5)),
    ("March 5, 2021", dt.date(2021, 3, 5)),
    ("05.03.2021", dt.date(2021, 3, 5)),  # otherwise day first
    ("05/03/2021", dt.date(2021, 3, 5)),
    ("  5 Mar 2021 ", dt.date(2021, 3, 5)),
    ("29 February 2024", dt.date(2024, 2, 29)),
]


@pytest.mark.parametrize(("text", "expected"), FULL_DATES, ids=[t for t, _d in FULL_DATES])
def test_full_dates_are_read(text, expected):
    assert services.parse_date(text) == expected


PARTIAL_DATES = [
    ("March 2021", "names no day"),
    ("Mar 2021", "names no day"),
    ("2021-03", "names no day"),
    ("03/2021", "names no day"),
    ("2021", "names no day or month"),
    ("15 March", "names no year"),
    ("29 February", "names no year"),
    ("15", "names no month or year"),
    ("Monday", "names no day, month or year"),
]


@pytest.mark.parametrize(("text", "missing"), PARTIAL_DATES, ids=[t for t, _m in PARTIAL_DATES])
def test_a_date_without_its_day_month_or_year_is_refused(text, missing):
    """dateutil fills a missing part from today (or the 1st): "March 2021" must not become the 24th."""
    with pytest.raises(BadDate) as caught:
        services.parse_date(text)
    assert str(caught.value) == f"{text!r} {missing}; write a full date such as 2021-03-01 or 1 March 2021."


def test_a_status_or_score_after_today_is_refused_and_changes_nothing(engine):
    today, tomorrow = dt.date.today(), dt.date.today() + dt.timedelta(days=1)
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "SNT-5")
        russia = services.find_party(s, "RU")
        with pytest.raises(BadDate) as caught:
            services.set_status(session=s, pledge=pledge, status="fulfilled", effective=tomorrow)
        assert str(caught.value) == (
            f"A status of SNT-5 cannot take effect on {tomorrow}, after today ({today}); "
            "give today's date or an earlier one."
        )
        with pytest.raises(BadDate, match=rf"A score of Russia on SNT-5 cannot take effect on {tomorrow}, after today"):
            services.assess(session=s, pledge=pledge, party=russia, score=1, date=tomorrow)
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "SNT-5")
        assert (pledge.status, pledge.version) == ("not_assessed", 1)
        assert s.exec(select(StatusChange)).all() == [] and s.exec(select(Assessment)).all() == []
        services.set_status(session=s, pledge=pledge, status="fulfilled", effective=today)
        services.assess(session=s, pledge=pledge, party=services.find_party(s, "RU"), score=1, date=today)
        assert pledge.status == "fulfilled"


def test_unknown_ref(session):
    with pytest.raises(NotFound, match="There is no pledge 'XYZ-9'"):
        services.find_pledge(session, "XYZ-9")


def test_every_order_of_the_pledge_table(session):
    from casr_tracker.errors import InputError
    from casr_tracker.queries import ORDERS

    services.set_status(session=session, pledge=services.find_pledge(session, "ENV-2"), status="abandoned")
    for key in ORDERS:
        rows = pledge_rows(session, order=key, descending=True)
        assert len(rows) == 41, key
    assert pledge_rows(session, order="status", descending=True)[0].ref == "ENV-2"
    assert pledge_rows(session, order="ref", descending=True)[0].ref == "REV-2"
    with pytest.raises(InputError, match="is not an order"):
        pledge_rows(session, order="colour")

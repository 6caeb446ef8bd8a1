"""The report model as of a date, the scorecard arithmetic, and the Qt-free renderers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import pytest

from casr_tracker import db, services
from casr_tracker.errors import InputError, NotFound
from casr_tracker.reports import build_report
from casr_tracker.reports.csv import render_csv
from casr_tracker.reports.html import render_html
from casr_tracker.reports.markdown import render_markdown
from casr_tracker.scorecard import percent

D = dt.date


@pytest.fixture
def history(engine):
    """TRD-3 moves through three statuses; two parties are scored on two dates; evidence and a note."""
    with db.session_scope(engine) as s:
        trd = services.find_pledge(s, "TRD-3")
        services.set_status(session=s, pledge=trd, status="not_started", effective=D(2021, 1, 10), who="ana")
        services.set_status(session=s, pledge=trd, status="in_progress", effective=D(2021, 6, 1), who="ana")
        services.set_status(
            session=s, pledge=trd, status="fulfilled", effective=D(2023, 2, 1), who="ben", comment="agreement signed"
        )
        kz, ru = services.find_party(s, "KZ"), services.find_party(s, "RU")
        services.assess(session=s, pledge=trd, party=kz, score=-1, date=D(2021, 3, 1))
        services.assess(session=s, pledge=trd, party=kz, score=1, date=D(2023, 3, 1), justification="customs union")
        services.assess(session=s, pledge=trd, party=ru, score=0, date=D(2021, 3, 1))
        snt = services.find_pledge(s, "SNT-5")
        services.assess(session=s, pledge=snt, party=ru, score=1, date=D(2021, 3, 1))
        services.attach_evidence(
            session=s, pledge=trd, document=services.find_document(s, 3), quote="trade volumes", stance="supports"
        )
        services.add_note(session=s, pledge=trd, text="<script>alert(1)</script> & **bold**")
    return engine


def pledge(report, ref):
    return next(p for p in report.statements[0].pledges if p.ref == ref)


def test_the_past_is_reproduced(history):
    with db.session_scope(history) as s:
        early = build_report(s, as_of=D(2021, 2, 1))
        middle = build_report(s, as_of=D(2022, 1, 1), since=D(2021, 2, 1))
        now = build_report(s)
    assert pledge(early, "TRD-3").status == "not_started"
    assert pledge(middle, "TRD-3").status == "in_progress" and pledge(middle, "TRD-3").status_date == D(2021, 6, 1)
    assert pledge(now, "TRD-3").status == "fulfilled" and pledge(now, "TRD-3").status_comment == "agreement signed"
    assert pledge(early, "GEN-1").status == "not_assessed"
    assert [(c.ref, c.new) for c in middle.statements[0].changes] == [("TRD-3", "in_progress")]
    early_scores = {s.party: s.score for s in pledge(early, "TRD-3").scores}
    middle_scores = {s.party: s.score for s in pledge(middle, "TRD-3").scores}
    now_scores = {s.party: s.score for s in pledge(now, "TRD-3").scores}
    assert early_scores == {}
    assert middle_scores == {"Kazakhstan": -1, "Russia": 0}
    assert now_scores == {"Kazakhstan": 1, "Russia": 0}
    assert pledge(middle, "TRD-3").citations == []  # the evidence is dated 2023-11-20
    assert [c.source.title for c in pledge(now, "TRD-3").citations] == [
        "Russian FM Discusses Strategic Partnership with Central Asian Ambassadors"
    ]
    assert pledge(early, "TRD-3").notes == [] and len(pledge(now, "TRD-3").notes) == 1
    counts = now.statements[0].status_counts()
    assert counts["fulfilled"] == 1 and sum(counts.values()) == len(now.statements[0].pledges)


def test_scorecard_arithmetic(history):
    with db.session_scope(history) as s:
        card = build_report(s).statements[0].scorecard
        kz, ru = services.find_party(s, "KZ"), services.find_party(s, "RU")
        trade = services.find_pledge(s, "TRD-3").sphere_id
        sanitary = services.find_pledge(s, "SNT-5").sphere_id
    assert card.cell(kz.id, trade).average == 1 and card.cell(ru.id, trade).average == 0
    assert card.by_party[ru.id].average == 0.5 and card.by_party[ru.id].count == 2
    assert card.by_sphere[trade].average == 0.5 and card.by_sphere[sanitary].average == 1
    assert card.overall.count == 3 and card.overall.average == pytest.approx(2 / 3)
    assert card.pledges_assessed == 2
    assert (percent(-1), percent(0), percent(1), percent(0.5)) == (0, 50, 100, 75)


def test_user_text_is_escaped_everywhere(history):
    with db.session_scope(history) as s:
        report = build_report(s)
    page = render_html(report)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; **bold**" in page

    class Collect(HTMLParser):
        scripts = 0

        def handle_starttag(self, tag, attrs):
            Collect.scripts += tag == "script"

    Collect().feed(page)
    assert Collect.scripts == 0
    markdown = render_markdown(report)
    assert "<script>" not in markdown and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\*\\*bold\\*\\*" in markdown
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert next(r for r in rows if r["ref"] == "TRD-3")["last_note"] == "<script>alert(1)</script> & **bold**"


def test_csv_has_one_row_per_pledge_with_party_scores(history):
    with db.session_scope(history) as s:
        report = build_report(s)
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert len(rows) == len(report.statements[0].pledges)
    trade = next(r for r in rows if r["ref"] == "TRD-3")
    assert (trade["status"], trade["status_date"], trade["score_Kazakhstan"], trade["score_Russia"]) == (
        "fulfilled",
        "2023-02-01",
        "1",
        "0",
    )
    assert trade["score_Uzbekistan"] == "" and trade["evidence_count"] == "1"
    assert set(rows[0]) >= {"ref", "sphere", "text", "parties", "status", "status_date", "evidence_count", "last_note"}


def test_html_is_self_contained_with_chart_and_appendix(history):
    with db.session_scope(history) as s:
        page = render_html(build_report(s, since=D(2021, 1, 1)))
    assert "<svg" in page and "<link" not in page and 'src="http' not in page
    assert "Changes since 2021-01-01" in page and "Appendix: sources cited" in page
    assert page.count("Trade and economy") >= 2 and "75 %" in page


def test_bad_requests(session):
    with pytest.raises(InputError, match="must be before"):
        build_report(session, as_of=D(2021, 1, 1), since=D(2021, 1, 1))
    with pytest.raises(NotFound, match="no statement 7"):
        build_report(session, statement_id=7)

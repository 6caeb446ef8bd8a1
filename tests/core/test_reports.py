"""The report model as of a date, the scorecard arithmetic, and the Qt-free renderers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
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


def test_status_comments_and_justifications_in_markdown_csv_and_excel(history, tmp_path):
    from openpyxl import load_workbook

    from casr_tracker.reports.xlsx import write_xlsx

    with db.session_scope(history) as s:
        report = build_report(s)
    lines = render_markdown(report).splitlines()
    trade = next(i for i, line in enumerate(lines) if line.startswith("- **TRD-3**"))
    assert "agreement signed" in lines[trade]
    assert "Kazakhstan +1 (customs union); Russia +0" in lines[trade + 2]
    reader = csv.reader(io.StringIO(render_csv(report)))
    header = next(reader)
    assert header[:8] == ["statement", "ref", "sphere", "text", "parties", "strength", "status", "status_date"]
    assert header[-9:-6] == ["evidence_count", "last_note", "status_comment"]  # the new columns come last
    assert header[-6:] == [f"justification_{p.name}" for p in report.statements[0].parties]
    row = next(dict(zip(header, r, strict=True)) for r in reader if r[1] == "TRD-3")
    assert (row["status_comment"], row["justification_Kazakhstan"], row["justification_Russia"]) == (
        "agreement signed",
        "customs union",
        "",
    )
    write_xlsx(report, str(tmp_path / "r.xlsx"))
    rows = list(load_workbook(tmp_path / "r.xlsx")["Pledges"].iter_rows(values_only=True))
    excel = dict(zip(rows[0], next(r for r in rows if r[1] == "TRD-3"), strict=True))
    assert (excel["status_comment"], excel["justification_Kazakhstan"]) == ("agreement signed", "customs union")


class Links(HTMLParser):
    """The links of a page: (href, text) of every <a>."""

    def __init__(self):
        super().__init__()
        self.links: list[list[str]] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append([dict(attrs).get("href"), ""])
            self.inside = True

    def handle_endtag(self, tag):
        self.inside = self.inside and tag != "a"

    def handle_data(self, data):
        if self.inside:
            self.links[-1][1] += data


def links_of(page: str) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(page)
    return [(href, text) for href, text in parser.links]


@pytest.fixture
def linked(history):
    """Two links on TRD-3 (one titled, one not) and two cited documents with URLs, one of them a
    javascript: URL as an old export could carry (imports do not check URLs)."""
    with db.session_scope(history) as s:
        trd = services.find_pledge(s, "TRD-3")
        services.attach_evidence(
            session=s,
            pledge=trd,
            url="https://example.org/talks?a=1&b=2",
            title='Talks <b>"resumed"</b>',
            date=D(2022, 5, 4),
        )
        services.attach_evidence(session=s, pledge=trd, url="file:///srv/notes/customs.pdf", date=D(2022, 6, 1))
        first, second = services.find_document(s, 1), services.find_document(s, 2)
        first.url, second.url = "https://news.example.org/fms", "javascript:alert(1)"
        s.add_all([first, second])
        for document, quote in ((first, "Central Asia"), (second, "Central Asia")):
            services.attach_evidence(session=s, pledge=services.find_pledge(s, "SNT-4"), document=document, quote=quote)
    return history


def test_html_links_are_clickable_and_only_for_safe_schemes(linked):
    with db.session_scope(linked) as s:
        page = render_html(build_report(s))
    links = links_of(page)
    hrefs = {href for href, _ in links}
    assert hrefs == {
        "https://example.org/talks?a=1&b=2",
        "file:///srv/notes/customs.pdf",
        "https://news.example.org/fms",
    }
    assert 'href="https://example.org/talks?a=1&amp;b=2"' in page  # escaped in the attribute
    assert "javascript:alert(1)" in page and 'href="javascript' not in page.lower()  # shown, not linked
    assert ("https://example.org/talks?a=1&b=2", 'Talks <b>"resumed"</b>') in links  # the title, as text


def test_link_titles_and_dates_in_the_sources(linked):
    with db.session_scope(linked) as s:
        report = build_report(s)
    titled = next(src for src in report.sources if src.url.startswith("https://example.org"))
    untitled = next(src for src in report.sources if src.url.startswith("file:"))
    assert (titled.title, titled.date) == ('Talks <b>"resumed"</b>', D(2022, 5, 4))
    assert (untitled.title, untitled.date) == ("file:///srv/notes/customs.pdf", D(2022, 6, 1))
    page = render_html(report)
    appendix = page[page.index("Appendix: sources cited") :]
    assert "2022-05-04" in appendix and "2022-06-01" in appendix
    assert appendix.count("no date") == 1  # only the undated interview (document 2)
    trade = page[page.index("<b>TRD-3</b>") : page.index("</table>", page.index("<b>TRD-3</b>"))]
    assert ("https://example.org/talks?a=1&b=2", 'Talks <b>"resumed"</b>') in links_of(trade)
    markdown = render_markdown(report)
    expected = f'{titled.number}. [Talks &lt;b&gt;"resumed"&lt;/b&gt;](<https://example.org/talks?a=1&b=2>), 2022-05-04'
    assert expected in markdown.splitlines()
    assert f"{untitled.number}. <file:///srv/notes/customs.pdf>, 2022-06-01" in markdown.splitlines()
    assert "](<javascript" not in markdown and "<javascript" not in markdown


def test_changes_since_follow_the_effective_dates(engine):
    """Statuses entered out of date order: each change reads from the status in force just before it
    (by effective date), in date order; an entry that keeps the status in force is a confirmation."""
    with db.session_scope(engine) as s:
        trd = services.find_pledge(s, "TRD-3")
        services.set_status(session=s, pledge=trd, status="fulfilled", effective=D(2023, 2, 1), who="ben")
        services.set_status(session=s, pledge=trd, status="in_progress", effective=D(2021, 6, 1), who="ana")
        services.set_status(
            session=s, pledge=trd, status="fulfilled", effective=D(2022, 9, 1), who="ben", comment="signed earlier"
        )
        services.set_status(session=s, pledge=trd, status="not_started", effective=D(2020, 12, 1), who="ana")
    with db.session_scope(engine) as s:
        report = build_report(s, as_of=D(2024, 1, 1), since=D(2021, 1, 1))
        before_2023 = build_report(s, as_of=D(2022, 12, 31), since=D(2020, 11, 1))
    changes = [(c.date, c.ref, c.old, c.new) for c in report.statements[0].changes]
    assert changes == [
        (D(2021, 6, 1), "TRD-3", "not_started", "in_progress"),
        (D(2022, 9, 1), "TRD-3", "in_progress", "fulfilled"),
        (D(2023, 2, 1), "TRD-3", "fulfilled", "fulfilled"),
    ]
    assert [c.confirmed for c in report.statements[0].changes] == [False, False, True]
    assert [(c.date, c.old, c.new) for c in before_2023.statements[0].changes] == [
        (D(2020, 12, 1), "not_assessed", "not_started"),
        (D(2021, 6, 1), "not_started", "in_progress"),
        (D(2022, 9, 1), "in_progress", "fulfilled"),
    ]
    markdown = render_markdown(report)
    assert "- 2021-06-01 **TRD-3** Not started → In progress (ana)" in markdown
    assert "- 2022-09-01 **TRD-3** In progress → Fulfilled (ben): signed earlier" in markdown
    assert "- 2023-02-01 **TRD-3** Fulfilled, confirmed (ben)" in markdown
    assert "Fulfilled → Fulfilled" not in markdown
    page = render_html(report)
    assert "Fulfilled → Fulfilled" not in page and "confirmed" in page
    table = page[
        page.index("Changes since 2021-01-01") : page.index("</table>", page.index("Changes since 2021-01-01"))
    ]
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>TRD-3</td><td>([^<]*)</td><td>([^<]*)</td>", table)
    assert rows == [
        ("2021-06-01", "Not started", "In progress"),
        ("2022-09-01", "In progress", "Fulfilled"),
        ("2023-02-01", "Fulfilled", "Fulfilled (confirmed)"),
    ]

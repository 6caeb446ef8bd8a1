"""The statement importer on the real statement, a re-import, an edited version and a second text."""

from __future__ import annotations

import pytest
from sqlmodel import select

from casr_tracker import db, services
from casr_tracker.errors import ImportProblem
from casr_tracker.importer import pipeline
from casr_tracker.importer.statement import parse_statement
from casr_tracker.models import Evidence, Note, Pledge, Sphere, Statement, StatusChange
from casr_tracker.queries import pledge_rows
from casr_tracker.seeding import open_tracker

from ..conftest import DATA

NINE = [
    "Political and diplomatic sphere",
    "Security",
    "Trade and economy",
    "Transport",
    "Environmental protection and climate change adaptation",
    "Energy",
    "Sanitary and epidemiological safety",
    "Migration",
    "Culture and education",
]


def test_nine_spheres_preamble_and_review(statement_text):
    parsed = parse_statement(statement_text)
    assert [s.name for s in parsed.spheres] == NINE
    kinds = [s.kind for s in parsed.sections]
    assert kinds[0] == "preamble" and kinds[-1] == "review"
    review = parsed.sections[-1]
    assert [p.text.split()[1] for p in review.pledges] == ["foreign", "relevant"]
    assert parsed.parties == ("KZ", "KG", "RU", "TJ", "TM", "UZ")


def test_offsets_give_back_the_exact_text(statement_text):
    parsed = parse_statement(statement_text)
    assert len(parsed.pledges) >= 35
    for _section, pledge in parsed.pledges:
        assert statement_text[pledge.start : pledge.end] == pledge.text


def test_every_sphere_has_pledges_and_context_stays_out(statement_text):
    parsed = parse_statement(statement_text)
    assert all(s.pledges for s in parsed.spheres)
    texts = " ".join(p.text for _s, p in parsed.pledges)
    for context in [
        "In 2019, our trade exceeded $30 billion.",
        "We believe that environmental issues",
        "The SCO is working on",
        "We are confident that these joint activities",
        "Security\n",
        "There are broad opportunities",
        "Matters related to labour migration remain high",
    ]:
        assert context not in texts


def test_stored_pledges_match_the_text(session, statement_text):
    statement = session.exec(select(Statement)).one()
    assert statement.text == statement_text
    spheres = session.exec(select(Sphere).where(Sphere.kind == "sphere").order_by(Sphere.order)).all()
    assert [s.name for s in spheres] == NINE
    rows = pledge_rows(session)
    assert len({r.ref for r in rows}) == len(rows)
    for row in rows:
        assert statement.text[row.start : row.end] == row.text
    by_text = {r.text.split(" will ")[0]: r for r in rows}
    assert by_text["Russia"].parties == ["Russia"]
    assert by_text["Russia"].strength == "firm"
    migrants = next(r for r in rows if "interested Central Asian countries" in r.text)
    assert "Russia" not in migrants.parties and len(migrants.parties) == 5
    assert any(r.ref == "TRD-3" for r in rows)


def test_reimport_changes_nothing(engine, statement_text, snapshot):
    before = snapshot()
    with db.session_scope(engine) as session:
        report = pipeline.import_statement(session, statement_text)
    assert report.identical
    assert snapshot() == before


def _edit(text: str) -> str:
    """An edited version: one pledge reworded, one removed, one added."""
    reworded = text.replace(
        "We will continue working with the WHO along these lines.",
        "We will continue working closely with the WHO along these lines.",
    )
    removed = reworded.replace(
        "We call for stepping up cooperation in education and emphasise the importance of sharing best practices and information on modernising national education systems.\n\n",
        "",
    )
    return removed.replace(
        "Matters related to labour migration",
        "We will create a joint register of labour migrants. Matters related to labour migration",
    )


def test_edited_reimport_keeps_work_and_reports_differences(engine, statement_text):
    with db.session_scope(engine) as session:
        who = services.find_pledge(session, "SNT-8")
        trade = services.find_pledge(session, "TRD-3")
        services.set_status(session=session, pledge=who, status="in_progress", who="a")
        services.set_status(session=session, pledge=trade, status="fulfilled", who="a")
        services.add_note(session=session, pledge=trade, text="customs", who="a")
        doc = services.find_document(session, 1)
        services.attach_evidence(session=session, pledge=trade, document=doc, quote="strengthen interstate relations")
        gone_ref = services.find_pledge(session, "CLT-1").ref
    with db.session_scope(engine) as session:
        report = pipeline.import_statement(session, _edit(statement_text))
    assert not report.created and not report.identical
    assert report.changed == ["SNT-8"]
    assert report.gone == [gone_ref]
    assert report.new == ["MGR-3"]
    with db.session_scope(engine) as session:
        statement = session.exec(select(Statement)).one()
        assert statement.text == _edit(statement_text)
        trade = services.find_pledge(session, "TRD-3")
        assert trade.status == "fulfilled"
        assert session.exec(select(Note).where(Note.pledge_id == trade.id)).all()
        assert session.exec(select(Evidence).where(Evidence.pledge_id == trade.id)).all()
        who = services.find_pledge(session, "SNT-8")
        assert who.status == "in_progress" and "closely" in who.text
        assert session.exec(select(StatusChange).where(StatusChange.pledge_id == who.id)).all()
        for pledge in session.exec(select(Pledge).where(Pledge.retired == False)):  # noqa: E712
            assert statement.text[pledge.start : pledge.end] == pledge.text
        assert services.find_pledge(session, gone_ref).retired
        assert gone_ref not in [r.ref for r in pledge_rows(session)]


def test_a_second_statement_of_the_same_shape(engine):
    text = (DATA / "second_statement.txt").read_text(encoding="utf-8")
    parsed = parse_statement(text)
    assert parsed.parties == ("KZ", "RU", "UZ")
    assert [s.name for s in parsed.spheres] == ["Water resources", "Transport corridors", "Digital cooperation"]
    got = {p.text.split()[0] + " " + p.text.split()[1]: (p.strength, p.parties) for _s, p in parsed.pledges}
    assert got["We will"] == ("firm", ("KZ", "RU", "UZ"))
    assert got["We are"][0] in ("soft",)
    assert got["Uzbekistan will"] == ("firm", ("UZ",))
    assert got["Kazakhstan and"] == ("firm", ("KZ", "RU"))
    assert parsed.sections[-1].kind == "review" and len(parsed.sections[-1].pledges) == 2
    all_text = " ".join(p.text for _s, p in parsed.pledges)
    assert "We believe" not in all_text and "In 2022" not in all_text and "Asian Development Bank" not in all_text
    with db.session_scope(engine) as session:
        report = pipeline.import_statement(session, text, title="Trilateral statement")
        assert report.created
        assert services.find_pledge(session, f"{report.statement_id}/WTR-1").text.startswith("We will establish")
        assert len(session.exec(select(Statement)).all()) == 2


def test_text_without_headings_is_one_sphere(engine):
    text = "Kazakhstan and Uzbekistan will open a border crossing. We are ready to do more. Trade grew."
    with db.session_scope(engine) as session:
        report = pipeline.import_statement(session, text)
        pledges = session.exec(select(Pledge).where(Pledge.statement_id == report.statement_id)).all()
        assert [(p.ref, p.strength) for p in pledges] == [("GEN-1", "firm"), ("GEN-2", "soft")]
        sphere = session.get(Sphere, pledges[0].sphere_id)
        assert sphere.name == "Whole statement" and sphere.kind == "sphere"


def test_text_that_commits_to_nothing_is_refused(engine, snapshot):
    before = snapshot()
    with pytest.raises(ImportProblem, match="commits its parties to anything"), db.session_scope(engine) as session:
        pipeline.import_statement(session, "Trade grew by ten per cent. The ministers met in Tashkent.")
    assert snapshot() == before


def test_empty_flag_skips_seeding(tmp_path):
    engine = open_tracker(f"sqlite:///{tmp_path / 'e.sqlite3'}", seed_if_empty=False)
    with db.session_scope(engine) as session:
        assert session.exec(select(Statement)).first() is None
    engine.dispose()

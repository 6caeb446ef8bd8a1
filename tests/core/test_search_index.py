"""The pledge list's search: one index (SQLite) that follows every edit, re-import included, and a
list whose rows agree with pledge_rows on both backends."""

from __future__ import annotations

import pytest

from casr_tracker import checks, db, services
from casr_tracker.importer import pipeline
from casr_tracker.queries import count_pledges, pledge_list, pledge_rows, rows_for

NEW_PLEDGE = "We will also hold annual consultations on water diplomacy."
FIRST_AGENDA = "to discuss important items on the global and regional agendas."
GONE = "We will continue working with the WHO along these lines."


def edited_statement(statement_text: str) -> str:
    """The seeded statement with a pledge added near the top (every later pledge moves one place down)
    and one removed (it is retired)."""
    assert FIRST_AGENDA in statement_text and GONE in statement_text
    return statement_text.replace(FIRST_AGENDA, f"{FIRST_AGENDA} {NEW_PLEDGE}").replace(GONE, "")


def listed(session, **filters) -> list[str]:
    """The refs of the list the window shows, read through handles as the window reads them."""
    found = pledge_list(session, **filters)
    rows = rows_for(session, found, found.handles)
    assert len(rows) == len(found)
    return [row.ref for row in rows.values()]


def statement_id(session) -> int:
    return services.statements(session)[0].id


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"search": "cooperation"},
        {"search": "cooperat", "with_statement": True},
        {"search": "joint measures"},
        {"search": "cooperation", "status": "not_assessed"},
        {"search": "cooperation", "order": "text", "descending": True},
        {"order": "status"},
        {"party": "RU"},
        {"search": "nothing-of-the-sort"},
        {"search": "   "},
    ],
)
def test_the_list_gives_what_pledge_rows_gives(engine, filters):
    filters = dict(filters)
    with db.session_scope(engine, write=False) as s:
        if filters.pop("with_statement", False):
            filters["statement_id"] = statement_id(s)
        expected = [r.ref for r in pledge_rows(s, **filters)]
        assert listed(s, **filters) == expected
        filters.pop("order", None), filters.pop("descending", None)
        assert len(pledge_list(s, **filters)) == count_pledges(s, **filters)
    if filters.get("search", "").startswith("cooperat"):
        assert expected  # the searches that should find something do


def test_the_search_reads_the_index_in_list_order_on_sqlite(engine):
    with db.session_scope(engine, write=False) as s:
        found = pledge_list(s, search="cooperation")
        assert found.by_key == (engine.dialect.name == "sqlite")
        assert found.handles == sorted(found.handles)
        assert not pledge_list(s, search="cooperation", status="fulfilled").by_key


def test_notes_and_quotes_are_searched_while_they_live(engine):
    with db.session_scope(engine) as s:
        note = services.add_note(session=s, pledge=services.find_pledge(s, "CLT-5"), text="Festival held in Kazan")
        document = services.find_document(s, 1)
        evidence = services.attach_evidence(
            session=s,
            pledge=services.find_pledge(s, "TRD-3"),
            document=document,
            quote="strengthen interstate relations",
        )
    with db.session_scope(engine, write=False) as s:
        assert listed(s, search="kazan") == ["CLT-5"]
        assert "TRD-3" in listed(s, search="interstate")
    with db.session_scope(engine) as s:
        services.edit_note(session=s, note=s.get(type(note), note.id), text="Festival held in Wombatville")
        services.withdraw_evidence(session=s, evidence=s.get(type(evidence), evidence.id))
    with db.session_scope(engine, write=False) as s:
        assert listed(s, search="kazan") == []
        assert listed(s, search="wombatville") == ["CLT-5"]
        assert "TRD-3" not in listed(s, search="interstate")
    with db.session_scope(engine) as s:
        services.delete_note(session=s, note=s.get(type(note), note.id))
    with db.session_scope(engine, write=False) as s:
        assert listed(s, search="wombatville") == []
    assert checks.check(engine) == []


def test_a_reimport_that_moves_every_pledge_keeps_the_index_true(engine, statement_text):
    """A pledge added near the top moves every later pledge one place down; one is removed."""
    with db.session_scope(engine) as s:
        services.add_note(session=s, pledge=services.find_pledge(s, "ENV-2"), text="Talks on the quokka basin")
        before = {r.ref: r.text for r in pledge_rows(s)}
    with db.session_scope(engine) as s:
        report = pipeline.import_statement(s, edited_statement(statement_text))
    assert report.new and report.gone
    assert checks.check(engine) == []
    with db.session_scope(engine, write=False) as s:
        now = {r.ref: r.text for r in pledge_rows(s)}
        assert len(now) == len(before)
        new_ref = next(ref for ref, text in now.items() if text == NEW_PLEDGE)
        assert listed(s, search="water diplomacy") == [new_ref]
        assert listed(s, search="quokka") == ["ENV-2"]
        for word in ("cooperation", "will", "joint", "health", "migrants"):
            assert listed(s, search=word) == [r.ref for r in pledge_rows(s, search=word)]
        assert listed(s, search="WHO along") == []
        assert [r.ref for r in pledge_rows(s, search="WHO along", include_retired=True)]
    with db.session_scope(engine) as s:
        pipeline.import_statement(s, statement_text)  # and back: the removed pledge returns
    assert checks.check(engine) == []
    with db.session_scope(engine, write=False) as s:
        assert listed(s, search="WHO along")
        assert listed(s, search="water diplomacy") == []


def test_check_notices_a_search_index_out_of_step(engine):
    if engine.dialect.name == "postgresql":
        with db.session_scope(engine) as s:
            s.connection().exec_driver_sql("DELETE FROM pledge_search WHERE pledge_id = (SELECT max(id) FROM pledge)")
        problems = checks.check(engine)
        assert (
            len(problems) == 1 and problems[0].startswith("search index: pledge ") and problems[0].endswith("missing")
        )
        with db.session_scope(engine) as s:
            s.connection().exec_driver_sql(
                "UPDATE pledge_search SET list_key = list_key + 1 WHERE pledge_id = (SELECT min(id) FROM pledge)"
            )
        problems = checks.check(engine)
        assert len(problems) == 2 and problems[0].endswith("out of place")
        return
    with db.session_scope(engine) as s:
        s.connection().exec_driver_sql("DELETE FROM pledge_search WHERE rowid = (SELECT max(rowid) FROM pledge_search)")
    problems = checks.check(engine)
    assert len(problems) == 1 and problems[0].startswith("search index: pledge ") and problems[0].endswith("missing")
    with db.session_scope(engine) as s:
        s.connection().exec_driver_sql(
            "UPDATE pledge_search SET body = 'stale' WHERE rowid = (SELECT min(rowid) FROM pledge_search)"
        )
    problems = checks.check(engine)
    assert len(problems) == 2 and problems[0].endswith("out of date")


def test_a_tracker_from_before_the_index_gets_it_filled(db_url):
    """Upgrading from 0005 indexes the notes already written; down to 0005 and up again stays sound."""
    from alembic import command

    from casr_tracker.seeding import open_tracker

    engine = db.make_engine(db_url)
    db.upgrade(engine, "0005")
    engine.dispose()
    engine = open_tracker(db_url)  # seeds, and migrates to the head
    with db.session_scope(engine) as s:
        services.add_note(session=s, pledge=services.find_pledge(s, "ENV-3"), text="Quokka census planned")
    with engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0005")
    assert db.current_revision(engine) == "0005"
    assert db.upgrade(engine) is True
    assert checks.check(engine) == []
    with db.session_scope(engine, write=False) as s:
        assert listed(s, search="quokka census") == ["ENV-3"]
    engine.dispose()

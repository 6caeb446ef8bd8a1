"""Migrations: an empty database, an older one with data, one from a newer app, one that is not a database."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from casr_tracker import db
from casr_tracker.errors import StorageError
from casr_tracker.queries import history, pledge_rows
from casr_tracker.seeding import open_tracker


def test_empty_database_gets_the_whole_schema(db_url):
    engine = db.make_engine(db_url)
    assert db.upgrade(engine) is True
    assert db.current_revision(engine) == db.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {
        "statement",
        "sphere",
        "pledge",
        "party",
        "assessment",
        "status_change",
        "document",
        "evidence",
        "note",
    } <= tables
    assert db.upgrade(engine) is False
    engine.dispose()


def test_older_database_is_upgraded_on_open_and_keeps_its_data(db_url):  # noqa: D103
    engine = db.make_engine(db_url)
    db.upgrade(engine, "0001")
    assert "tracker_meta" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO party (code, name, formal_name) VALUES ('KZ', 'Kazakhstan', '')"))
    engine.dispose()
    opened = open_tracker(db_url)
    assert db.current_revision(opened) == db.head_revision()
    with db.session_scope(opened) as session:
        assert len(pledge_rows(session)) > 30
        kz = session.execute(text("SELECT name FROM party WHERE code='KZ'")).scalar_one()
        assert kz == "Kazakhstan"
    opened.dispose()


def test_wal_and_foreign_keys_are_on(engine, backend):
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_database_from_a_newer_version_is_refused(db_url, snapshot):
    engine = open_tracker(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StorageError, match="newer version"):
        open_tracker(db_url)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(StorageError, match="not a CASR Tracker database"):
        open_tracker(f"sqlite:///{junk}")
    assert junk.read_text().startswith("these are my notes")


def test_the_head_constant_is_alembics_head():
    assert db.head_revision() == db.HEAD


def test_0008_gives_evidence_an_optional_title_and_keeps_the_search_triggers(db_url, backend):
    from alembic import command

    from casr_tracker.checks import check

    engine = open_tracker(db_url)
    with engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0007")
        assert "title" not in {c["name"] for c in inspect(conn).get_columns("evidence")}
        pledge_id = conn.execute(text("SELECT id FROM pledge WHERE ref = 'TRD-3'")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO evidence (pledge_id, quote, url, stance, recorded_at, who) "
                "VALUES (:p, '', 'https://example.org/a', 'supports', CURRENT_TIMESTAMP, 'ana')"
            ),
            {"p": pledge_id},
        )
    engine.dispose()
    opened = open_tracker(db_url)
    assert db.current_revision(opened) == db.head_revision()
    with opened.begin() as conn:
        assert conn.execute(text("SELECT url, title FROM evidence")).one() == ("https://example.org/a", None)
        conn.execute(text("UPDATE evidence SET title = 'Customs talks'"))
        command.downgrade(db.alembic_config(conn), "0007")
        assert conn.execute(text("SELECT url FROM evidence")).scalar_one() == "https://example.org/a"
        # a quote attached after the downgrade still reaches the search index (its triggers survived)
        conn.execute(
            text(
                "INSERT INTO evidence (pledge_id, quote, url, stance, recorded_at, who) "
                "VALUES (:p, 'zebrafinch', 'https://example.org/b', 'supports', CURRENT_TIMESTAMP, 'ana')"
            ),
            {"p": pledge_id},
        )
        if backend == "sqlite":
            assert (
                conn.execute(text("SELECT count(*) FROM pledge_search WHERE pledge_search MATCH 'zebrafinch'")).scalar()
                == 1
            )
        command.upgrade(db.alembic_config(conn), "head")
    assert check(opened) == []
    opened.dispose()


def test_0009_turns_the_history_recorded_before_it_into_events_with_the_same_reports(db_url):
    """A tracker as today's main made it before the event log (0008), upgraded: the same history,
    the same reports as of any day, and `check` finds every current value in its events."""
    import datetime as dt

    from alembic import command

    from casr_tracker import services
    from casr_tracker.checks import check
    from casr_tracker.models import frozen_time
    from casr_tracker.reports import build_report
    from casr_tracker.reports.csv import render_csv

    engine = open_tracker(db_url)
    with db.session_scope(engine) as s:
        with frozen_time(dt.datetime(2022, 3, 1, 9, tzinfo=dt.timezone.utc)):
            services.set_status(session=s, pledge=services.find_pledge(s, "TRD-3"), status="in_progress", who="ana")
            services.assess(
                session=s, pledge=services.find_pledge(s, "TRD-3"), party=services.find_party(s, "KZ"), score=1
            )
            note = services.add_note(session=s, pledge=services.find_pledge(s, "SNT-4"), text="quota", who="ana")
            link = services.attach_evidence(
                session=s, pledge=services.find_pledge(s, "TRD-3"), url="https://example.org/a"
            )
        with frozen_time(dt.datetime(2023, 3, 1, 9, tzinfo=dt.timezone.utc)):
            services.withdraw_evidence(session=s, evidence=link)
            services.delete_note(session=s, note=note)

    def reports() -> list[str]:
        with db.session_scope(engine, write=False) as s:
            return [render_csv(build_report(s, as_of=day)) for day in (dt.date(2022, 6, 1), dt.date(2024, 1, 1))]

    def lines_of_trd3() -> list[tuple]:
        with db.session_scope(engine, write=False) as s:
            entries = history(s, services.find_pledge(s, "TRD-3"))
            return [(e.kind, e.date, e.summary) for e in entries]

    before, lines = reports(), lines_of_trd3()
    with engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0008")
        assert "event" not in inspect(conn).get_table_names()
        command.upgrade(db.alembic_config(conn), "head")
    assert reports() == before and lines_of_trd3() == lines
    assert check(engine) == []
    engine.dispose()


def test_the_event_kinds_the_server_allows_are_the_apps():
    """Migration 0013's CHECK on event.kind (PostgreSQL) names every kind the app records."""
    import importlib.util

    from casr_tracker.models import EventKind

    path = db.MIGRATIONS / "versions" / "0013_login.py"
    spec = importlib.util.spec_from_file_location("migration_0013", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.EVENT_KINDS) == {kind.value for kind in EventKind}

"""Migrations: an empty database, an older one with data, one from a newer app, one that is not a database."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from casr_tracker import db
from casr_tracker.errors import StorageError
from casr_tracker.queries import pledge_rows
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

"""Migrations: an empty database, an older one with data, one from a newer app, one that is not a database."""

from __future__ import annotations

import sqlite3

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


def test_older_database_is_upgraded_on_open_and_keeps_its_data(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine, "0001")
    assert "tracker_meta" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO party (id, code, name, formal_name) VALUES (1, 'KZ', 'Kazakhstan', '')"))
    engine.dispose()
    opened = open_tracker(db_url)
    assert db.current_revision(opened) == db.head_revision()
    with db.session_scope(opened) as session:
        assert len(pledge_rows(session)) > 30
        kz = session.execute(text("SELECT name FROM party WHERE code='KZ'")).scalar_one()
        assert kz == "Kazakhstan"


def test_wal_and_foreign_keys_are_on(engine):
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_database_from_a_newer_version_is_refused(db_url, tmp_path):
    open_tracker(db_url).dispose()
    path = tmp_path / "tracker.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StorageError, match="newer version"):
        open_tracker(db_url)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(StorageError, match="not a CASR Tracker database"):
        open_tracker(f"sqlite:///{junk}")
    assert junk.read_text().startswith("these are my notes")

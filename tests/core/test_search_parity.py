"""One search semantics on both backends (issue 17): the same searches over the same tracker give
the same pledges in the same order on SQLite (FTS5) and PostgreSQL (tsvector, migration 0012), through
pledge_rows and through the window's list, which reads the order from the index (SQLite's row ids,
PostgreSQL's list_key, migration 0014), also after a re-import has moved and retired pledges."""

from __future__ import annotations

import pytest

from casr_tracker import checks, db, queries, services
from casr_tracker.importer import pipeline
from casr_tracker.seeding import open_tracker

from ..conftest import POSTGRES, STATEMENT, fresh_postgres_database
from .test_search_index import FIRST_AGENDA, edited_statement, listed

SEARCHES = [
    "energy",  # one word
    "energy cooperation",  # several words, anywhere (not a substring)
    "scholar",  # a prefix: "scholarships"
    "ENERGY Cooperation",  # case
    '"energy cooperation"',  # quotes typed as text
    "energy AND NOT transport",  # FTS operators typed as text
    "energy OR water",
    "coop* NEAR(trade)",
    "energy & !water | (x:*)",  # tsquery operators typed as text
    "COVID-19",  # a word with digits and a hyphen
    "Россия сотрудничество",  # Cyrillic, in a note
    "россия",  # Cyrillic, other case
    "ministry's",
    "2021",
    "trade-economic",
    "   ",  # nothing to look for
    "'; DROP TABLE pledge; --",
    "foo_bar",
    "milestone",  # a word only in an evidence quote
    "withdrawn-only",  # a word only in a withdrawn quote: not found
]


def _build(url: str) -> None:
    engine = open_tracker(url)
    with db.session_scope(engine) as s:
        trd = services.find_pledge(s, "TRD-1")
        services.add_note(session=s, pledge=trd, text="Россия и Казахстан: Сотрудничество в энергетике", who="t")
        snt = services.find_pledge(s, "SNT-4")
        services.add_note(session=s, pledge=snt, text="foo_bar 2021 ministry's plan, COVID-19 response", who="t")
        document, _ = services.import_document(
            session=s,
            text="The energy milestone was reached this year in full. A withdrawn-only passage stands here too.",
            title="A report",
        )
        enr = services.find_pledge(s, "ENR-1")
        services.attach_evidence(session=s, pledge=enr, document=document, quote="The energy milestone was reached")
        cancelled = services.attach_evidence(
            session=s, pledge=enr, document=document, quote="A withdrawn-only passage stands here too."
        )
        services.withdraw_evidence(session=s, evidence=cancelled)
    engine.dispose()


def _searched(url: str, searches: list[str]) -> dict[str, dict[str, list[str]]]:
    """The refs each search finds, in order: through pledge_rows, the window's list of all statements
    and of the seeded statement's pledges alone."""
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine, write=False) as s:
            statement_id = next(
                st.id for st in services.statements(s) if FIRST_AGENDA in st.text
            )  # the re-imported one
            found = {
                "rows": {q: [r.ref for r in queries.pledge_rows(s, search=q)] for q in searches},
                "list": {q: listed(s, search=q) for q in searches},
                "statement": {q: listed(s, search=q, statement_id=statement_id) for q in searches},
            }
        assert checks.check(engine) == []
    finally:
        engine.dispose()
    return found


def _statement_text() -> str:
    return STATEMENT.read_text(encoding="utf-8")


@pytest.mark.skipif(not POSTGRES, reason="no PostgreSQL server: source .ci/postgres.sh to run these")
def test_the_same_searches_give_the_same_pledges_in_the_same_order(tmp_path):
    sqlite_url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    postgres = fresh_postgres_database()
    postgres_url = next(postgres)
    try:
        both = {}
        for name, url in (("sqlite", sqlite_url), ("postgresql", postgres_url)):
            _build(url)
            both[name] = _searched(url, SEARCHES)
        for query in SEARCHES:
            for way in ("rows", "list", "statement"):
                assert both["postgresql"][way][query] == both["sqlite"][way][query], (way, query)
            assert both["sqlite"]["list"][query] == both["sqlite"]["rows"][query], query
        found = both["sqlite"]["rows"]
        assert found["scholar"] and found["energy cooperation"] and found["Россия сотрудничество"] == ["TRD-1"]
        assert found["россия"] == ["TRD-1"] and found["foo_bar"] == ["SNT-4"] and "SNT-4" in found["COVID-19"]
        assert found["milestone"] == ["ENR-1"] and found["withdrawn-only"] == []
        assert found["   "] == [] or len(found["   "]) > 30
    finally:
        next(postgres, None)


#: searches whose matches a re-import moves: every later pledge one place down, one retired, one new
MOVED = ["cooperation", "will", "joint", "health", "migrants", "water diplomacy", "WHO along", "coop"]


@pytest.mark.skipif(not POSTGRES, reason="no PostgreSQL server: source .ci/postgres.sh to run these")
def test_the_order_follows_a_reimport_that_moves_and_retires_pledges(tmp_path):
    """The list key moves with the pledges: after an edited re-import (a pledge added near the top, one
    removed) and after the first text again (the removed one back in its place), both backends list the
    same pledges in the same order, through the index as through pledge_rows."""
    sqlite_url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    postgres = fresh_postgres_database()
    postgres_url = next(postgres)
    try:
        for text in (edited_statement(_statement_text()), _statement_text()):
            both = {}
            for name, url in (("sqlite", sqlite_url), ("postgresql", postgres_url)):
                engine = open_tracker(url)
                with db.session_scope(engine) as s:
                    report = pipeline.import_statement(s, text)
                    assert report.gone  # (the edit retires one pledge; the first text again, the added one)
                engine.dispose()
                both[name] = _searched(url, MOVED)
            for query in MOVED:
                for way in ("rows", "list", "statement"):
                    assert both["postgresql"][way][query] == both["sqlite"][way][query], (way, query)
                assert both["sqlite"]["list"][query] == both["sqlite"]["rows"][query], query
            found = both["postgresql"]["list"]
            assert bool(found["water diplomacy"]) == (text != _statement_text())
            assert bool(found["WHO along"]) == (text == _statement_text())
            assert len(found["will"]) > 10
    finally:
        next(postgres, None)

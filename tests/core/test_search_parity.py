"""One search semantics on both backends (issue 17): the same searches over the same tracker give
the same pledges in the same order on SQLite (FTS5) and PostgreSQL (tsvector, migration 0012)."""

from __future__ import annotations

import pytest

from casr_tracker import db, queries, services
from casr_tracker.seeding import open_tracker

from ..conftest import POSTGRES, fresh_postgres_database

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


@pytest.mark.skipif(not POSTGRES, reason="no PostgreSQL server: source .ci/postgres.sh to run these")
def test_the_same_searches_give_the_same_pledges_in_the_same_order(tmp_path):
    sqlite_url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    postgres = fresh_postgres_database()
    postgres_url = next(postgres)
    try:
        results = {}
        for name, url in (("sqlite", sqlite_url), ("postgresql", postgres_url)):
            _build(url)
            engine = db.make_engine(url)
            with db.session_scope(engine, write=False) as s:
                results[name] = {q: [r.ref for r in queries.pledge_rows(s, search=q)] for q in SEARCHES}
            engine.dispose()
        for query in SEARCHES:
            assert results["postgresql"][query] == results["sqlite"][query], query
        found = results["sqlite"]
        assert found["scholar"] and found["energy cooperation"] and found["Россия сотрудничество"] == ["TRD-1"]
        assert found["россия"] == ["TRD-1"] and found["foo_bar"] == ["SNT-4"] and "SNT-4" in found["COVID-19"]
        assert found["milestone"] == ["ENR-1"] and found["withdrawn-only"] == []
        assert found["   "] == [] or len(found["   "]) > 30
    finally:
        next(postgres, None)

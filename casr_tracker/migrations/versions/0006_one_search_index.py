"""full-text search on SQLite in one index whose row ids are the pledge list's order

One FTS5 row per pledge holds its text, its notes and its evidence quotes, so a search is a single
index lookup. The row id is the pledge's place in the list (statement × 1,000,000 + position in
the statement; retired pledges: minus their id), so the matches come out of the index already in
the order the list shows them, and a statement's matches are a range of row ids.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD = (("pledge_fts", "pledge", "text"), ("note_fts", "note", "text"), ("evidence_fts", "evidence", "quote"))


def key(p: str | None) -> str:
    """The search key of pledge row `p` (kept equal to queries.SEARCH_KEY)."""
    p = f"{p}." if p else ""
    return f"(CASE WHEN {p}retired THEN -{p}id ELSE {p}statement_id * 1000000 + {p}seq END)"


def parking(pledge_id: str) -> str:
    """Where a pledge's row waits while a re-import moves another pledge onto its key (the moved
    pledge's own update, later in the same transaction, puts it back in place)."""
    return f"(-1000000000000 - {pledge_id})"


def body(p: str) -> str:
    """What a search looks through for pledge row `p`: its text, live notes and unwithdrawn quotes."""
    return (
        f"{p}.text"
        f" || coalesce(' ' || (SELECT group_concat(text, ' ') FROM note WHERE pledge_id = {p}.id"
        " AND deleted_at IS NULL), '')"
        f" || coalesce(' ' || (SELECT group_concat(quote, ' ') FROM evidence WHERE pledge_id = {p}.id"
        " AND withdrawn_at IS NULL), '')"
    )


def place(p: str) -> str:
    """Statements that put pledge row `p` at its key, parking any other pledge found there."""
    return (
        f"UPDATE pledge_search SET rowid = {parking('pledge_id')} WHERE rowid = {key(p)}; "
        f"INSERT INTO pledge_search(rowid, body, pledge_id) VALUES ({key(p)}, {body(p)}, {p}.id);"
    )


def remove(p: str) -> str:
    """A statement that removes the search row of pledge row `p` (at its key or parked)."""
    return f"DELETE FROM pledge_search WHERE rowid IN ({key(p)}, {parking(p + '.id')}) AND pledge_id = {p}.id;"


def refresh(pledge_id: str) -> str:
    """Statements that rewrite the search row of the pledge with id `pledge_id` (a note or quote changed)."""
    return (
        f"DELETE FROM pledge_search WHERE pledge_id = {pledge_id} AND rowid IN "
        f"(SELECT {key('p')} FROM pledge p WHERE p.id = {pledge_id} UNION ALL SELECT {parking(pledge_id)}); "
        f"INSERT INTO pledge_search(rowid, body, pledge_id) SELECT {key('p')}, {body('p')}, p.id FROM pledge p "
        f"WHERE p.id = {pledge_id};"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL searches with ILIKE
    for index, _table, _column in OLD:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {index}")
    op.execute(
        "CREATE VIRTUAL TABLE pledge_search USING fts5(body, pledge_id UNINDEXED, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(f"CREATE INDEX ix_pledge_search_key ON pledge({key(None)})")
    op.execute(f"CREATE TRIGGER pledge_search_ai AFTER INSERT ON pledge BEGIN {place('new')} END")
    op.execute(f"CREATE TRIGGER pledge_search_ad AFTER DELETE ON pledge BEGIN {remove('old')} END")
    op.execute(
        "CREATE TRIGGER pledge_search_au AFTER UPDATE OF text, statement_id, seq, retired ON pledge BEGIN "
        f"{remove('old')} {place('new')} END"
    )
    for table, columns in (("note", "text, deleted_at"), ("evidence", "quote, withdrawn_at")):
        op.execute(f"CREATE TRIGGER {table}_search_ai AFTER INSERT ON {table} BEGIN {refresh('new.pledge_id')} END")
        op.execute(f"CREATE TRIGGER {table}_search_ad AFTER DELETE ON {table} BEGIN {refresh('old.pledge_id')} END")
        op.execute(
            f"CREATE TRIGGER {table}_search_au AFTER UPDATE OF {columns}, pledge_id ON {table} BEGIN "
            f"{refresh('old.pledge_id')} {refresh('new.pledge_id')} END"
        )
    op.execute(f"INSERT INTO pledge_search(rowid, body, pledge_id) SELECT {key('p')}, {body('p')}, p.id FROM pledge p")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in ("pledge", "note", "evidence"):
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{suffix}")
    op.execute("DROP INDEX IF EXISTS ix_pledge_search_key")
    op.execute("DROP TABLE IF EXISTS pledge_search")
    _revision_0005().upgrade()  # the three indexes as 0005 made them


def _revision_0005():
    """Migration 0005's module (its file name is not an importable module name)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("0005_full_text_search.py")
    spec = importlib.util.spec_from_file_location("casr_migration_0005", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

"""full-text search on PostgreSQL with the same words as SQLite's: one tsvector per pledge

A table `pledge_search` holds, per pledge, the words of its text, its live notes and its
unwithdrawn evidence quotes (what SQLite's FTS5 index holds, migration 0006), kept by triggers and
searched through a GIN index. The text is cut into words where FTS5's unicode61 tokenizer cuts it
(every run of letters and digits is a word: "COVID-19" is "covid" and "19"), and the words are
lower-cased by the 'simple' configuration (no stemming, no stop words), so a search finds the same
pledges on both backends; a query asks for every word as a prefix, as on SQLite. SQLite is
unchanged by this migration.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: the words of a pledge row `p` as the index holds them (kept equal to queries.listing's)
BODY = (
    "to_tsvector('simple', regexp_replace("
    "p.text"
    " || coalesce(' ' || (SELECT string_agg(n.text, ' ') FROM note n WHERE n.pledge_id = p.id"
    " AND n.deleted_at IS NULL), '')"
    " || coalesce(' ' || (SELECT string_agg(e.quote, ' ') FROM evidence e WHERE e.pledge_id = p.id"
    " AND e.withdrawn_at IS NULL), ''),"
    " '[^[:alnum:]]+', ' ', 'g'))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE pledge_search (pledge_id integer PRIMARY KEY REFERENCES pledge(id) ON DELETE CASCADE, "
        "body tsvector NOT NULL)"
    )
    op.execute("CREATE INDEX pledge_search_body ON pledge_search USING gin (body)")
    op.execute(
        "CREATE FUNCTION casr_search_refresh(pid integer) RETURNS void LANGUAGE sql AS $$ "
        f"INSERT INTO pledge_search (pledge_id, body) SELECT p.id, {BODY} FROM pledge p WHERE p.id = pid "
        "ON CONFLICT (pledge_id) DO UPDATE SET body = EXCLUDED.body $$"
    )
    op.execute(
        "CREATE FUNCTION casr_search_pledge() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "PERFORM casr_search_refresh(NEW.id); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE FUNCTION casr_search_child() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN PERFORM casr_search_refresh(OLD.pledge_id); END IF; "
        "IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.pledge_id IS DISTINCT FROM OLD.pledge_id) THEN "
        "PERFORM casr_search_refresh(NEW.pledge_id); END IF; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER pledge_search_pledge AFTER INSERT OR UPDATE OF text ON pledge "
        "FOR EACH ROW EXECUTE FUNCTION casr_search_pledge()"
    )
    for table, columns in (("note", "text, deleted_at, pledge_id"), ("evidence", "quote, withdrawn_at, pledge_id")):
        op.execute(
            f"CREATE TRIGGER pledge_search_{table} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION casr_search_child()"
        )
    op.execute(f"INSERT INTO pledge_search (pledge_id, body) SELECT p.id, {BODY} FROM pledge p")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ("pledge", "note", "evidence"):
        op.execute(f"DROP TRIGGER IF EXISTS pledge_search_{table} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS casr_search_child()")
    op.execute("DROP FUNCTION IF EXISTS casr_search_pledge()")
    op.execute("DROP FUNCTION IF EXISTS casr_search_refresh(integer)")
    op.execute("DROP TABLE IF EXISTS pledge_search")

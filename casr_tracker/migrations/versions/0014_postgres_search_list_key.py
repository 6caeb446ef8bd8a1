"""PostgreSQL's search index knows each pledge's place in the list, as SQLite's does

`pledge_search` (migration 0012) gets `list_key`: the pledge's place in the list as SQLite's search
index holds it in its row id (migration 0006) — statement × 1,000,000 + position in the statement;
retired pledges: minus their id — with a B-tree index. A search in list order then reads the
matching pledges' ids and keys from the index table alone, instead of looking each match up in
`pledge` for its place (2.48 × → 1.37 × a raw full-text query over 100,000 pledges). 0012's
triggers keep the key: the search row is rewritten with it, and the pledge's trigger also fires when a
re-import moves a pledge (`seq`, `statement_id`) or retires it (then only the key moves). bigint:
statement × 1,000,000 passes what an integer holds past statement 2,147.

The functions keep 0013's SECURITY DEFINER and search path. SQLite is unchanged by this migration.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: the words of a pledge row `p` as the index holds them (migration 0012's, kept equal to queries.listing's)
BODY = (
    "to_tsvector('simple', regexp_replace("
    "p.text"
    " || coalesce(' ' || (SELECT string_agg(n.text, ' ') FROM note n WHERE n.pledge_id = p.id"
    " AND n.deleted_at IS NULL), '')"
    " || coalesce(' ' || (SELECT string_agg(e.quote, ' ') FROM evidence e WHERE e.pledge_id = p.id"
    " AND e.withdrawn_at IS NULL), ''),"
    " '[^[:alnum:]]+', ' ', 'g'))"
)


def key(p: str) -> str:
    """The list key of pledge row `p`: SQLite's search row id (0006's `key`, queries.SEARCH_KEY)."""
    return f"(CASE WHEN {p}.retired THEN -{p}.id ELSE {p}.statement_id::bigint * 1000000 + {p}.seq END)"


FUNCTIONS = ("casr_search_refresh(integer)", "casr_search_pledge()")


def _functions(with_key: bool) -> None:
    """The search row of a pledge rewritten (with its list key, or as 0012 wrote it), as its owner."""
    if with_key:
        refresh = (
            f"INSERT INTO pledge_search (pledge_id, body, list_key) SELECT p.id, {BODY}, {key('p')} "
            "FROM pledge p WHERE p.id = pid "
            "ON CONFLICT (pledge_id) DO UPDATE SET body = EXCLUDED.body, list_key = EXCLUDED.list_key"
        )
        # a pledge moved or retired with its text unchanged (a re-import): only its key moves
        pledge = (
            "IF TG_OP = 'UPDATE' AND NEW.text IS NOT DISTINCT FROM OLD.text THEN "
            f"UPDATE pledge_search SET list_key = {key('NEW')} WHERE pledge_id = NEW.id; "
            "IF FOUND THEN RETURN NULL; END IF; END IF; "
            "PERFORM casr_search_refresh(NEW.id); RETURN NULL;"
        )
        columns = "text, statement_id, seq, retired"
    else:
        refresh = (
            f"INSERT INTO pledge_search (pledge_id, body) SELECT p.id, {BODY} FROM pledge p WHERE p.id = pid "
            "ON CONFLICT (pledge_id) DO UPDATE SET body = EXCLUDED.body"
        )
        pledge = "PERFORM casr_search_refresh(NEW.id); RETURN NULL;"
        columns = "text"
    op.execute(
        f"CREATE OR REPLACE FUNCTION casr_search_refresh(pid integer) RETURNS void LANGUAGE sql AS $$ {refresh} $$"
    )
    op.execute(
        f"CREATE OR REPLACE FUNCTION casr_search_pledge() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {pledge} END $$"
    )
    schema = op.get_bind().exec_driver_sql("SELECT quote_ident(current_schema())").scalar()
    for function in FUNCTIONS:  # (a function replaced loses them: as 0013 set them)
        op.execute(f"ALTER FUNCTION {function} SECURITY DEFINER SET search_path = {schema}, pg_temp")
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    op.execute("DROP TRIGGER IF EXISTS pledge_search_pledge ON pledge")
    op.execute(
        f"CREATE TRIGGER pledge_search_pledge AFTER INSERT OR UPDATE OF {columns} ON pledge "
        "FOR EACH ROW EXECUTE FUNCTION casr_search_pledge()"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE pledge_search ADD COLUMN list_key bigint")
    op.execute(f"UPDATE pledge_search s SET list_key = {key('p')} FROM pledge p WHERE p.id = s.pledge_id")
    op.execute("ALTER TABLE pledge_search ALTER COLUMN list_key SET NOT NULL")
    op.execute("CREATE INDEX pledge_search_list_key ON pledge_search (list_key)")
    _functions(with_key=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _functions(with_key=False)
    op.execute("DROP INDEX IF EXISTS pledge_search_list_key")
    op.execute("ALTER TABLE pledge_search DROP COLUMN IF EXISTS list_key")

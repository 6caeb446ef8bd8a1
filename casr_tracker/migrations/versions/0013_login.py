"""who did it is who logged in: a `login` beside every `who`

Each table that records who made a change (status_change, assessment, evidence, note,
suggestion_decision, event) gets a `login` column. `who` stays the display name the analyst chose
(--user, Preferences); `login` is the account that made the change.

On PostgreSQL the database writes it: a BEFORE INSERT trigger sets `login` to `session_user`, the
role the connection authenticated as, whatever the client sent. Only a copy or an import-json by an
admin (a role that may insert statements) keeps the logins of the rows it carries, and only when it
asks to (`SET LOCAL casr.keep_login = 'on'`). The search-index functions of 0012 run with their
owner's rights (SECURITY DEFINER), so a role that may add a note need not be able to write the index.

On a SQLite file the app writes the operating-system user (users.py). Rows recorded before this
migration have no login.

Also on PostgreSQL: no change without its event. The server notes in each event the transaction that
wrote it (`event.tx`), and a transaction that updates a pledge, note, evidence or document must have
appended an event by the time it commits, unless an admin runs it (an import updates pledges).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: the tables whose rows say who made them
SIGNED = ("status_change", "assessment", "evidence", "note", "suggestion_decision", "event")
#: the tables whose rows a change updates, each such change recorded by an event
UNDER_HISTORY = ("pledge", "note", "evidence", "document")


#: the kinds of event there are (models.EventKind as this migration knows them)
EVENT_KINDS = (
    "status", "score", "note_added", "note_edited", "note_deleted", "note_restored", "evidence_attached",
    "evidence_edited", "evidence_withdrawn", "evidence_restored", "document_edited", "keywords", "import_edit",
    "retraction", "unretraction",
)  # fmt: skip


def pin(function: str, *, definer: bool = False) -> None:
    """A function of ours looks up names in the tracker's schema and then pg_temp, never a session's
    temporary table or view first (which could stand in for `pledge` or `statement`), and nobody may
    call it directly (its trigger calls it)."""
    schema = op.get_bind().exec_driver_sql("SELECT quote_ident(current_schema())").scalar()
    rights = "SECURITY DEFINER " if definer else ""
    op.execute(f"ALTER FUNCTION {function} {rights}SET search_path = {schema}, pg_temp")
    op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")


def upgrade() -> None:
    for table in SIGNED:
        op.add_column(table, sa.Column("login", sa.String(length=128), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION casr_login() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF coalesce(current_setting('casr.keep_login', true), '') = 'on' "
        "AND has_table_privilege(session_user, 'statement', 'INSERT') THEN RETURN NEW; END IF; "
        "NEW.login := session_user; RETURN NEW; END $$"
    )
    for table in SIGNED:
        op.execute(
            f"CREATE TRIGGER casr_login_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION casr_login()"
        )
    for function in ("casr_search_refresh(integer)", "casr_search_pledge()", "casr_search_child()"):
        pin(function, definer=True)
    # no change without its event: the server notes in each event the transaction that wrote it, and a
    # transaction that updates a recorded row (a status, a note's words, evidence, a document's details)
    # must have appended an event by the time it commits (an admin's import updates pledges by itself)
    op.execute("ALTER TABLE event ADD COLUMN tx bigint")
    op.execute("CREATE INDEX ix_event_tx ON event (tx)")
    op.execute(
        "CREATE FUNCTION casr_event_tx() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "NEW.tx := txid_current(); RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER casr_event_tx BEFORE INSERT OR UPDATE ON event FOR EACH ROW EXECUTE FUNCTION casr_event_tx()"
    )
    op.execute(
        "CREATE FUNCTION casr_needs_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF has_table_privilege(session_user, 'statement', 'INSERT') "
        "OR EXISTS (SELECT 1 FROM event WHERE tx = txid_current()) THEN RETURN NULL; END IF; "
        "RAISE EXCEPTION USING ERRCODE = '42501', "
        "MESSAGE = format('a change to %s without its event in the history', TG_TABLE_NAME); END $$"
    )
    for function in ("casr_login()", "casr_event_tx()", "casr_needs_event()"):
        pin(function)
    # what an event holds is read by the app: the server keeps it readable
    kinds = ", ".join(f"'{kind}'" for kind in EVENT_KINDS)
    op.execute(f"ALTER TABLE event ADD CONSTRAINT event_kind_known CHECK (kind IN ({kinds}))")
    op.execute("ALTER TABLE event ADD CONSTRAINT event_data_json CHECK (jsonb_typeof(data::jsonb) = 'object')")
    for table in UNDER_HISTORY:
        op.execute(
            f"CREATE CONSTRAINT TRIGGER casr_needs_event_{table} AFTER UPDATE ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION casr_needs_event()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (checks pending in this transaction run now, not after)
        op.execute("ALTER TABLE event DROP CONSTRAINT IF EXISTS event_kind_known")
        op.execute("ALTER TABLE event DROP CONSTRAINT IF EXISTS event_data_json")
        for table in UNDER_HISTORY:
            op.execute(f"DROP TRIGGER IF EXISTS casr_needs_event_{table} ON {table}")
        op.execute("DROP TRIGGER IF EXISTS casr_event_tx ON event")
        op.execute("DROP FUNCTION IF EXISTS casr_needs_event()")
        op.execute("DROP FUNCTION IF EXISTS casr_event_tx()")
        op.execute("ALTER TABLE event DROP COLUMN IF EXISTS tx")
        for function in ("casr_search_refresh(integer)", "casr_search_pledge()", "casr_search_child()"):
            op.execute(f"ALTER FUNCTION {function} SECURITY INVOKER RESET search_path")
        for table in SIGNED:
            op.execute(f"DROP TRIGGER IF EXISTS casr_login_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS casr_login()")
    for table in SIGNED:
        # in place, not in batch mode: copying note or evidence into a new table would break the search
        # triggers that name them (as in 0008's downgrade)
        op.execute(f"ALTER TABLE {table} DROP COLUMN login")

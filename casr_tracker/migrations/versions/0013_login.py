"""who did it is who logged in: a `login` beside every `who`

Each table that records who made a change (status_change, assessment, evidence, note,
suggestion_decision, event) gets a `login` column. `who` stays the display name the analyst chose
(--user, Preferences); `login` is the account that made the change.

On PostgreSQL the database writes it: a BEFORE INSERT trigger sets `login` to `session_user`, the
role the connection authenticated as, whatever the client sent. Only a copy or an import-json by an
admin (a role that may insert statements) keeps the logins of the rows it carries, and only when it
asks to (`SET LOCAL casr.keep_login = 'on'`). The search-index functions of 0012 run with their
owner's rights (SECURITY DEFINER), so a role that may add a note need not be able to write the index.

On a SQLite file the app writes the operating-system user (changes.py). Rows recorded before this
migration have no login.

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
        op.execute(f"ALTER FUNCTION {function} SECURITY DEFINER SET search_path FROM CURRENT")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for function in ("casr_search_refresh(integer)", "casr_search_pledge()", "casr_search_child()"):
            op.execute(f"ALTER FUNCTION {function} SECURITY INVOKER RESET search_path")
        for table in SIGNED:
            op.execute(f"DROP TRIGGER IF EXISTS casr_login_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS casr_login()")
    for table in SIGNED:
        # in place, not in batch mode: copying note or evidence into a new table would break the search
        # triggers that name them (as in 0008's downgrade)
        op.execute(f"ALTER TABLE {table} DROP COLUMN login")

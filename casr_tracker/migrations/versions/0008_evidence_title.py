"""evidence.title: an optional title of a link (a report shows it, linked, instead of the bare URL)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.add_column(sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Not in batch mode: copying evidence into a new table would fail (the search triggers on
        # pledge and note name evidence, migration 0006) and would leave evidence's own triggers
        # behind. SQLite drops the column in place (SQLite 3.35 or later) and keeps the triggers.
        op.execute("ALTER TABLE evidence DROP COLUMN title")
    else:
        op.drop_column("evidence", "title")

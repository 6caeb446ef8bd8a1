"""an index in the pledge list's order, so listing every statement's pledges needs no sort

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_pledge_list_order", "pledge", ["retired", "statement_id", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pledge_list_order", table_name="pledge")

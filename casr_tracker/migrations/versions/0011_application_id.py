"""the tracker's own mark on a SQLite file: PRAGMA application_id (trackerfile.APPLICATION_ID), so
`restore` and `--db` can tell a tracker from another application's database without writing to it

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

from casr_tracker.trackerfile import APPLICATION_ID

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA application_id = 0")

"""document capture: the bytes a document was read from, their media type, when a web page was
retrieved, the date a page says it was updated (apart from the publication date), and where each
page of a PDF starts in the text (so evidence cites "p. 3"); and a pledge's keywords, the analyst's
own words for what progress on it looks like

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("document", sa.Column("original", sa.LargeBinary(), nullable=True))
    op.add_column("document", sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.add_column("document", sa.Column("retrieved_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("document", sa.Column("updated", sa.Date(), nullable=True))
    op.add_column("document", sa.Column("page_starts", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column(
        "pledge", sa.Column("keywords", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE pledge DROP COLUMN keywords")
    else:
        op.drop_column("pledge", "keywords")
    for column in ("page_starts", "updated", "retrieved_at", "media_type", "original"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE document DROP COLUMN {column}")
        else:
            op.drop_column("document", column)

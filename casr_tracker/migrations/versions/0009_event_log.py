"""event: every change appended as one event; the history recorded so far becomes events

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

Status entries, scores, notes and evidence already recorded become events in the order they were
recorded: a note as written now (its earlier wording was overwritten before this log existed), a
deletion or withdrawal at the moment it was recorded.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _day(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)[:10]


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("data", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["pledge_id"], ["pledge.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event") as batch_op:
        for column in ("kind", "pledge_id", "subject_id", "recorded_at", "undoes"):
            batch_op.create_index(f"ix_event_{column}", [column], unique=False)
    _backfill(op.get_bind())


def _backfill(bind) -> None:
    events = []

    def add(kind, pledge_id, subject_id, data, recorded_at, who):
        events.append((str(recorded_at), len(events), kind, pledge_id, subject_id, json.dumps(data), recorded_at, who))

    for row in bind.execute(sa.text("SELECT * FROM status_change ORDER BY id")).mappings():
        data = {
            "old": row["old"],
            "new": row["new"],
            "effective": _day(row["effective_date"]),
            "comment": row["comment"],
        }
        add("status", row["pledge_id"], row["id"], data, row["recorded_at"], row["who"])
    for row in bind.execute(sa.text("SELECT * FROM assessment ORDER BY id")).mappings():
        data = {
            "party_id": row["party_id"],
            "score": row["score"],
            "justification": row["justification"],
            "date": _day(row["date"]),
        }
        add("score", row["pledge_id"], row["id"], data, row["recorded_at"], row["who"])
    for row in bind.execute(sa.text("SELECT * FROM note ORDER BY id")).mappings():
        add("note_added", row["pledge_id"], row["id"], {"text": row["text"]}, row["created_at"], row["who"])
        if row["deleted_at"] is not None:
            add("note_deleted", row["pledge_id"], row["id"], {}, row["deleted_at"], row["who"])
    for row in bind.execute(sa.text("SELECT * FROM evidence ORDER BY id")).mappings():
        data = {"date": _day(row["date"]), "stance": row["stance"]}
        add("evidence_attached", row["pledge_id"], row["id"], data, row["recorded_at"], row["who"])
        if row["withdrawn_at"] is not None:
            add("evidence_withdrawn", row["pledge_id"], row["id"], {}, row["withdrawn_at"], row["who"])
    events.sort(key=lambda e: (e[0], e[1]))
    insert = sa.text(
        "INSERT INTO event (kind, pledge_id, subject_id, data, recorded_at, who) "
        "VALUES (:kind, :pledge_id, :subject_id, :data, :recorded_at, :who)"
    )
    for _key, _n, kind, pledge_id, subject_id, data, recorded_at, who in events:
        bind.execute(
            insert,
            {
                "kind": kind,
                "pledge_id": pledge_id,
                "subject_id": subject_id,
                "data": data,
                "recorded_at": recorded_at,
                "who": who or "",
            },
        )


def downgrade() -> None:
    op.drop_table("event")

"""Storing a row: the session notes what changed and moves the data revision (changes.py)."""

from __future__ import annotations

from sqlmodel import Session


def _save(session: Session, row):
    """Store a new or changed row (the session notes the change and moves the revision)."""
    session.add(row)
    session.flush()
    return row

"""The library: the later documents, listed without their full text."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from ..activity import _iso
from ..models import Document


def document_rows(session: Session) -> list[dict]:
    """The later documents, oldest import first, without their full text (only its length)."""
    query = select(
        Document.id,
        Document.title,
        Document.date,
        Document.author,
        Document.url,
        Document.sha256,
        Document.source_name,
        func.length(Document.text),
        Document.updated,
        Document.retrieved_at,
        Document.media_type,
        func.length(Document.original),
    ).order_by(Document.id)
    rows = session.exec(query)
    return [
        {
            "id": id_,
            "title": title,
            "date": _iso(date) or None,
            "author": author,
            "url": url,
            "sha256": sha,
            "source_name": source,
            "characters": length,
            "updated": _iso(updated) or None,
            "retrieved_at": _iso(retrieved) or None,
            "media_type": media_type,
            "original_bytes": original or 0,
        }
        for (id_, title, date, author, url, sha, source, length, updated, retrieved, media_type, original) in rows
    ]

"""The document library: later texts imported once each (by their content's hash)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import Session, select

from ..changes import NOTIFY_CHANNEL, data_revision, move_revision  # noqa: F401 - watched by windows
from ..errors import BadDate, BadScore, BadUrl, CasrError, InputError, NotFound, StaleEdit, UnknownParty, UnknownStatus  # noqa: F401
from ..importer.documents import detect_metadata, load_document, sha256_text
from ..models import (
    Document,
)
from ..parsing import (  # noqa: F401 - the verbs' callers find the parsing of user values here too
    FULL_DATE_HINT,
    URL_SCHEMES,
    check_not_after_today,
    check_url,
    parse_date,
    parse_score,
    parse_stance,
    parse_status,
)
from .rows import _save


def import_document(
    *,
    session: Session,
    path: str | Path | None = None,
    text: str | None = None,
    title: str = "",
    date: dt.date | None = None,
    author: str = "",
    url: str = "",
    source_name: str = "",
) -> tuple[Document, bool]:
    """Store a later document (from a file or a text); returns (document, created).

    Metadata the caller does not give is detected from the text; a document whose text is already
    stored is not stored twice.
    """
    if text is None:
        if path is None:
            raise InputError("Give a file or a text to import.")
        loaded = load_document(path)
        text, found, url = loaded.text, loaded.meta, url or loaded.url
        source_name = source_name or Path(path).name
    else:
        found = detect_metadata(text)
    sha = sha256_text(text)
    existing = session.exec(select(Document).where(Document.sha256 == sha)).first()
    if existing is not None:
        return existing, False
    if url:
        url = check_url(url)
    document = Document(
        title=title or found.title or (Path(source_name).stem if source_name else "Untitled document"),
        date=date or found.date,
        author=author or found.author,
        url=url,
        text=text,
        sha256=sha,
        source_name=source_name,
    )
    _save(session, document)
    return document, True

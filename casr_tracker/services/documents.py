"""The document library: later texts imported once each (by their content's hash)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, select

from ..errors import InputError
from ..importer.bylines import page_convention
from ..importer.documents import LoadedDocument, detect_metadata, load_document, sha256_text
from ..models import (
    Document,
    today,
)
from ..parsing import (
    check_url,
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
    loaded: LoadedDocument | None = None,
) -> tuple[Document, bool]:
    """Store a later document (from a file, a text, or one already `loaded`, as a web page fetched
    before the transaction); returns (document, created).

    Metadata the caller does not give is detected from the text; a document whose text is already
    stored is not stored twice. The bytes it was read from are kept with it.
    """
    if date is not None and date > today():
        raise InputError(f"A document cannot be dated {date}, after today ({today()}).")
    if loaded is None and text is None:
        if path is None:
            raise InputError("Give a file, a web address or a text to import.")
        loaded = load_document(path)
        source_name = source_name or Path(path).name
    if loaded is not None:
        text, found, url = loaded.text, loaded.meta, url or loaded.url
    else:
        found = detect_metadata(text)
    sha = sha256_text(text)
    existing = session.exec(select(Document).where(Document.sha256 == sha)).first()
    if existing is not None:
        return existing, False
    if url:
        url = check_url(url)
    if date is None and found.date is None and len(found.could_be) == 2:
        date = _by_outlet(session, url, found.could_be)
        date = date if date is not None and date <= today() else None
    document = Document(
        title=title or found.title or (Path(source_name).stem if source_name else "Untitled document"),
        date=date or found.date,
        author=author or found.author,
        url=url,
        text=text,
        sha256=sha,
        source_name=source_name,
        original=loaded.original if loaded else None,
        media_type=loaded.media_type if loaded else None,
        retrieved_at=loaded.retrieved_at if loaded else None,
        updated=loaded.updated if loaded else None,
        page_starts=json.dumps(loaded.page_starts) if loaded and loaded.page_starts is not None else None,
    )
    _save(session, document)
    return document, True


def _by_outlet(session: Session, url: str, could_be: tuple[dt.date, dt.date]) -> dt.date | None:
    """An ambiguous numeric byline date read as the outlet writes its dates: day or month first, as
    the dates of its other pages in the library show (None when they do not tell)."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    votes = {"day": 0, "month": 0}
    same_host = func.lower(Document.url).contains(f"//{host.lower()}/", autoescape=True)
    for text in session.exec(select(Document.text).where(same_host)).all():
        convention = page_convention(text)
        if convention:
            votes[convention] += 1
    if votes["day"] == votes["month"]:
        return None
    return could_be[0] if votes["day"] > votes["month"] else could_be[1]

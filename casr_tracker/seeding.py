"""First-run seeding: the statement and the later documents shipped in `seeds/`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from . import db, services
from .importer import pipeline
from .importer.documents import read_text
from .importer.statement import DEFAULT_PARTIES
from .models import Party, Statement


def seeds_dir() -> Path:
    """The seeds folder: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if (candidate / "manifest.json").is_file():
            return candidate
    raise FileNotFoundError("The seeds folder is missing from this installation.")


def manifest() -> dict:
    return json.loads((seeds_dir() / "manifest.json").read_text(encoding="utf-8"))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def seed(session: Session) -> pipeline.ImportReport:
    """Import the seed statement and documents into the session's database."""
    info = manifest()
    folder = seeds_dir()
    entry = info["statement"]
    report = pipeline.import_statement(
        session,
        read_text(folder / entry["file"]),
        title=entry["title"],
        date=_date(entry.get("date")),
        source_name=entry["file"],
    )
    for doc in info["documents"]:
        services.import_document(
            session=session,
            path=folder / doc["file"],
            title=doc["title"],
            date=_date(doc.get("date")),
            author=doc.get("author", ""),
            url=doc.get("url", ""),
            source_name=doc["file"],
        )
    return report


def open_tracker(url: str | None = None, *, seed_if_empty: bool = True, refuse_foreign: bool = True) -> Engine:
    """Open (creating and upgrading as needed) the tracker at `url` and seed it on first use. A SQLite
    tracker with a trigger or view of its own is refused (`refuse_foreign`; `check` opens it to say so)."""
    engine = db.make_engine(url or db.default_url(), refuse_foreign=refuse_foreign)
    try:
        db.upgrade(engine)
        with db.session_scope(engine, write=False) as session:
            parties = {p.code for p in session.exec(select(Party))}
            empty = session.exec(select(Statement)).first() is None
        if not set(DEFAULT_PARTIES) <= parties or (seed_if_empty and empty):
            with db.session_scope(engine) as session:  # (a read-only tracker can still be read)
                pipeline.ensure_parties(session, DEFAULT_PARTIES)
                if seed_if_empty and session.exec(select(Statement)).first() is None:
                    seed(session)
    except BaseException:
        engine.dispose()
        raise
    return engine

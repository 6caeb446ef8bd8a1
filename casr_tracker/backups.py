"""Backups of SQLite trackers with SQLite's online backup API: on request, before every migration,
and once a day when the window opens (the last N kept)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from . import atomic, trackerfile
from .errors import BadFile, InputError, StorageError

BACKUP_DIR = "backups"
DEFAULT_KEEP = 7


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases and in-memory ones)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    name = parsed.database
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
    return Path(name).expanduser()


def _copy(source: Path, target: Path) -> None:
    """An online, consistent copy of a SQLite database, even while others use it (WAL included)."""
    try:
        immutable = "&immutable=1" if not os.access(source.parent, os.W_OK) else ""  # (no -shm can be made there)
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro{immutable}", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
                # a copy in rollback-journal mode is one file: readable where no -wal/-shm can be made
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{source} could not be copied to {target}: {exc}.") from None


def _stamp(when: dt.datetime | None = None) -> str:
    return (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def backup(url: str, target: str | Path, *, force: bool = False) -> Path:
    """Copy the tracker at `url` to the file `target`."""
    source = sqlite_file(url)
    if source is None:
        raise InputError("backup copies SQLite files; for a PostgreSQL tracker use pg_dump or 'casr-tracker export'.")
    if not source.exists():
        raise BadFile(f"{source} does not exist, so there is nothing to back up.")
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / f"tracker-{_stamp()}.sqlite3"
    if _is_tracker_itself(source, target):
        raise InputError(f"{target} is the tracker itself; back it up to another file.")
    atomic.check_target(target)
    if target.exists() and not force:
        raise InputError(f"{target} already exists; choose another name or add --force to replace it.")
    with atomic.replacing(target, "The backup") as temporary:  # the old backup stays until the new one is whole
        _copy(source, temporary)
    return target


def _is_tracker_itself(source: Path, target: Path) -> bool:
    """True when `target` is the tracker's own file (by any name) or one of its WAL/journal files."""
    try:
        if target.exists() and os.path.samefile(source, target):
            return True
        same_folder = target.parent.resolve() == source.parent.resolve()
    except OSError:
        return False
    return same_folder and target.name in {f"{source.name}{end}" for end in ("-wal", "-shm", "-journal")}


def _check_tracker_file(path: Path) -> None:
    """A restore source must be one of our own trackers, sound, of a schema this app knows, with no
    trigger or view but those its migrations make (a trigger of its own would run on every change)."""
    if not path.exists():
        raise BadFile(f"{path} does not exist.")
    not_a_database = BadFile(f"{path} is not a CASR Tracker backup (it is not a database).")
    try:
        if not path.is_file() or not trackerfile.is_sqlite(path):
            raise not_a_database
        conn = trackerfile.read_only(path)
        try:
            found = trackerfile.schema_of(conn)
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] if found.tables else "ok"
        finally:
            conn.close()
    except (OSError, sqlite3.DatabaseError):
        raise not_a_database from None
    if found.application_id not in (0, trackerfile.APPLICATION_ID):
        raise BadFile(f"{path} is not a CASR Tracker backup (it belongs to another application).")
    if found.revision is None or not found.tables.keys() >= trackerfile.TRACKER_TABLES:
        raise BadFile(f"{path} is a database, but not a CASR Tracker backup.")
    if not trackerfile.known(found.revision):
        raise BadFile(
            f"{path} was written by a newer version of CASR Tracker (schema {found.revision}); "
            "update the app to restore it."
        )
    if ok != "ok":
        raise BadFile(f"{path} is damaged ({ok}); it was not restored.")
    differences = trackerfile.differences(found)
    for what, phrase in differences:
        if what in ("id", "table"):
            raise BadFile(f"{path} is a database, but not a CASR Tracker backup ({phrase}).")
    if differences:
        raise BadFile(f"{path} was not restored: it has {differences[0].phrase}.")


def restore(url: str, source: str | Path, *, force: bool = False) -> Path | None:
    """Replace the tracker at `url` with the backup `source`. An existing tracker is only replaced
    with `force`, and is first kept beside it; returns where it was kept (None if there was none)."""
    target = sqlite_file(url)
    if target is None:
        raise InputError("restore writes SQLite files; for PostgreSQL use pg_restore or 'casr-tracker import-json'.")
    source = Path(source).expanduser()
    _check_tracker_file(source)
    if target.exists() and target.resolve() == source.resolve():
        raise InputError("The backup is the database itself.")
    kept = None
    if target.exists() and target.stat().st_size > 0:
        if not force:
            raise InputError(f"{target} already holds a tracker; add --force to replace it (it will be kept aside).")
        kept = target.with_name(f"{target.stem}.before-restore-{_stamp()}{target.suffix or '.sqlite3'}")
        _copy(target, kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    return kept


def backup_folder(database: Path) -> Path:
    return database.parent / BACKUP_DIR


def automatic(database: Path, reason: str, when: dt.datetime | None = None) -> Path:
    """A backup in the tracker's backups folder, named after why and when it was made."""
    folder = backup_folder(database)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{database.stem}-{reason}-{_stamp(when)}.sqlite3"
    with atomic.replacing(target, "The backup") as temporary:  # a killed backup leaves no half file named as whole
        _copy(database, temporary)
    return target


def keep_count() -> int:
    """How many daily backups to keep: $CASR_TRACKER_BACKUPS_KEEP, default 7."""
    try:
        return max(1, int(os.environ.get("CASR_TRACKER_BACKUPS_KEEP", DEFAULT_KEEP)))
    except ValueError:
        return DEFAULT_KEEP


def daily(url: str, keep: int | None = None, today: dt.date | None = None) -> Path | None:
    """Once a day, a backup of a SQLite tracker; the oldest beyond `keep` are removed."""
    database = sqlite_file(url)
    if database is None or not database.exists():
        return None
    keep = keep or keep_count()
    day = (today or dt.date.today()).strftime("%Y%m%d")
    folder = backup_folder(database)
    made = None
    if not list(folder.glob(f"{database.stem}-daily-{day}-*.sqlite3")):
        when = dt.datetime.combine(today, dt.datetime.now().time()) if today else None
        made = automatic(database, "daily", when)
    dailies = sorted(folder.glob(f"{database.stem}-daily-*.sqlite3"))
    for old in dailies[:-keep]:
        old.unlink()
    return made

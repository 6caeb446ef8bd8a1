"""The command line's data management: export and import-json, copy between databases, check,
backup and restore. Each works on the whole tracker."""

from __future__ import annotations

import sys
from collections.abc import Callable

from sqlalchemy.exc import ArgumentError

from . import atomic, db
from .cli_progress import ProgressBar, is_terminal
from .errors import BadFile, InputError
from .neutral import for_terminal
from .seeding import open_tracker


def _engine(args):
    from .cli import _engine  # the one place engines are opened (and closed when the command ends)

    return _engine(args)


def _as_it_is(args, *, refuse_foreign: bool = True):
    """The tracker as it is: an empty one is not seeded (closed when the command ends, as every engine)."""
    from .cli import _OPEN

    engine = open_tracker(args.db, seed_if_empty=False, refuse_foreign=refuse_foreign)
    _OPEN.append(engine)
    return engine


def _print_json(data) -> None:
    from .cli import _print_json

    _print_json(data)


def cmd_export(args) -> int:
    from . import transfer

    engine = _engine(args)
    to_terminal = not args.output and is_terminal(sys.stdout)  # (a bar would mix with the JSON)
    with ProgressBar(enabled=not to_terminal) as bar, db.session_scope(engine, write=False) as session:
        if args.output:
            with (
                atomic.replacing(args.output, "The export") as temporary,
                open(temporary, "w", encoding="utf-8", newline="") as handle,
            ):
                transfer.write_export(session, handle.write, indent=1, progress=bar)
        else:  # UTF-8 whatever the console's encoding: an export is never lossy
            sys.stdout.flush()
            if hasattr(sys.stdout, "buffer"):

                def write(text: str) -> None:
                    sys.stdout.buffer.write(text.encode("utf-8"))
            else:
                write = sys.stdout.write
            transfer.write_export(session, write, indent=2, progress=bar)
            write("\n")
    if args.output:
        print(f"Exported to {args.output}", file=sys.stderr)
    return 0


def cmd_import_json(args) -> int:
    from . import transfer
    from .exportfile import ExportFile

    export = ExportFile(args.path)
    with ProgressBar() as bar:
        export.check(bar)  # all of it, before the tracker is even opened
        engine = _as_it_is(args)
        with db.session_scope(engine) as session:
            counts = transfer.import_file(session, export, bar)
    print("Imported " + ", ".join(f"{n} {table}" for table, n in counts.items() if n))
    return 0


def cmd_copy(args) -> int:
    from . import backups, transfer

    for url in (args.source, args.target):
        try:
            backups.sqlite_file(url)
        except ArgumentError:
            raise InputError(f"{url!r} is not a database URL (try sqlite:///path/to/file.sqlite3).") from None
    source = backups.sqlite_file(args.source)
    if source is not None and not source.is_file() and args.source != args.target:  # opening would make it
        raise BadFile(f"{source} does not exist; check the --from URL.")
    with ProgressBar() as bar:
        counts = transfer.copy_tracker(args.source, args.target, progress=bar)
    total = sum(counts.values())
    print(f"Copied {total} rows: " + ", ".join(f"{n} {table}" for table, n in counts.items() if n))
    return 0


def cmd_check(args) -> int:
    from .checks import check

    engine = _as_it_is(args, refuse_foreign=False)  # opened to report what is foreign
    problems = check(engine)
    for problem in problems:  # they may quote what the tracker holds: printed, never obeyed
        print(for_terminal(problem))
    if problems:
        print(f"{len(problems)} problems found.", file=sys.stderr)
        return 1
    print("The tracker is sound: integrity, foreign keys, offsets, refs, history and the search index all hold.")
    return 0


def cmd_backup(args) -> int:
    from . import backups

    target = backups.backup(args.db or db.default_url(), args.path, force=args.force)
    print(f"Backed up to {target}")
    return 0


def cmd_restore(args) -> int:
    from . import backups

    kept = backups.restore(args.db or db.default_url(), args.path, force=args.force)
    if kept:
        print(f"Restored {args.path}; the tracker it replaced is kept as {kept}")
    else:
        print(f"Restored {args.path}")
    return 0


def add_commands(command: Callable) -> None:
    """Register the commands with the parser's `command(name, func, help)`."""
    p = command("export", cmd_export, "Export the whole tracker.")
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("-o", "--output", metavar="FILE")

    p = command("copy", cmd_copy, "Copy a whole tracker into an empty database (e.g. SQLite to PostgreSQL).")
    p.add_argument("--from", dest="source", required=True, metavar="URL")
    p.add_argument("--to", dest="target", required=True, metavar="URL")

    p = command("check", cmd_check, "Check the tracker: integrity, foreign keys, offsets, refs, history.")

    p = command("backup", cmd_backup, "Copy the (SQLite) tracker to a backup file.")
    p.add_argument("path", metavar="PATH", help="a file, or a folder to put a dated file in")
    p.add_argument("--force", action="store_true", help="replace PATH if it exists")

    p = command("restore", cmd_restore, "Replace the (SQLite) tracker with a backup.")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--force", action="store_true", help="replace an existing tracker (it is kept aside)")

    p = command("import-json", cmd_import_json, "Load an export into an empty database.")
    p.add_argument("path", metavar="PATH")

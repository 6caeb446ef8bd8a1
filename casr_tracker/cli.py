"""The command line: `casr-tracker [--db URL] COMMAND ...`, a thin layer over services and queries."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import sys
import textwrap
import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine

from . import __version__, cli_corrections, cli_data, cli_statements, cli_team, db, queries, services
from .errors import CasrError, InputError
from .importer.documents import detect_metadata
from .models import Status
from .neutral import for_terminal, user_name
from .parsing import parse_id
from .seeding import open_tracker
from .users import default_user
from .wording import counted


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line (and the hint to --help)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: {for_terminal(message)} (see {self.prog} --help)\n")


def whole_number(text: str) -> int:
    """argparse's type for ids, versions and counts: ASCII digits an id can hold, one clear line otherwise."""
    number = parse_id(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (0 to 999999999999999999)")
    return number


#: characters JSON may carry raw that a terminal would obey or that turn text around (C1 controls,
#: direction marks and overrides): written as \u escapes, which every JSON reader reads back the same
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _print_json(data) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


_OPEN: list[Engine] = []


def _engine(args) -> Engine:
    engine = open_tracker(args.db, seed_if_empty=not args.empty and not getattr(args, "no_seed", False))
    _OPEN.append(engine)
    return engine


# --- commands ----------------------------------------------------------------------------------


def cmd_pledges(args) -> int:
    engine = _engine(args)
    with db.session_scope(engine, write=False) as session:
        if args.statement is not None and args.statement not in {s.id for s in services.statements(session)}:
            raise InputError(f"There is no statement {args.statement}; 'casr-tracker statements' lists them.")
        rows = queries.pledge_rows(
            session,
            sphere=args.sphere,
            status=args.status,
            party=args.party,
            search=args.search,
            statement_id=args.statement,
        )
        if args.json:
            _print_json([r.to_json() for r in rows])
            return 0
        if not rows:
            print("No pledge matches.", file=sys.stderr)
            return 0
        for r in rows:
            text = textwrap.shorten(r.text, 70, placeholder="…")
            parties = "all" if r.binds_all else ",".join(r.party_codes)
            print(f"{r.ref:<7} {r.status:<19} {r.strength:<4}  {parties:<14} {for_terminal(text)}")
        print(f"{len(rows)} pledge{'' if len(rows) == 1 else 's'}", file=sys.stderr)
    return 0


def cmd_status(args) -> int:
    engine = _engine(args)
    date = services.parse_date(args.date)
    with db.session_scope(engine) as session:
        pledge = services.find_pledge(session, args.ref)
        change = services.set_status(
            session=session,
            pledge=pledge,
            status=args.status,
            who=args.user,
            comment=args.comment or "",
            effective=date,
            expect_version=args.expect_version,
        )
    # said once the transaction is committed: a failed commit never reads as saved
    print(f"{pledge.ref}: {change.old} → {change.new} (effective {change.effective_date}, version {pledge.version})")
    return 0


def cmd_assess(args) -> int:
    engine = _engine(args)
    date = services.parse_date(args.date)
    with db.session_scope(engine) as session:
        pledge = services.find_pledge(session, args.ref)
        party = services.find_party(session, args.party)
        assessment = services.assess(
            session=session,
            pledge=pledge,
            party=party,
            score=args.score,
            who=args.user,
            justification=args.comment or "",
            date=date,
        )
    print(f"{pledge.ref}: {party.name} scored {assessment.score:+d} (as of {assessment.date})")
    return 0


def cmd_note(args) -> int:
    engine = _engine(args)
    with db.session_scope(engine) as session:
        pledge = services.find_pledge(session, args.ref)
        note = services.add_note(session=session, pledge=pledge, text=args.text, who=args.user)
    print(f"{pledge.ref}: note {note.id} saved")
    return 0


def cmd_keywords(args) -> int:
    engine = _engine(args)
    with db.session_scope(engine, write=args.words is not None) as session:
        pledge = services.find_pledge(session, args.ref)
        if args.words is not None:
            services.set_keywords(session=session, pledge=pledge, keywords=args.words, who=args.user)
    print(f"{pledge.ref}: {for_terminal(pledge.keywords) or 'no keywords'}")
    return 0


def cmd_history(args) -> int:
    from .neutral import for_terminal as shown  # notes and names printed, never obeyed; one line each

    engine = _engine(args)
    with db.session_scope(engine, write=False) as session:
        pledge = services.find_pledge(session, args.ref)
        entries = queries.history(session, pledge)
        if args.json:
            _print_json([e.to_json() for e in entries])
            return 0
        heading = f"{pledge.ref} [{pledge.status}, version {pledge.version}] {textwrap.shorten(shown(pledge.text), 90)}"
        print(shown(heading))
        if not entries:
            print("  no history yet")
        for e in entries:
            who = f" — {e.signed}" if e.signed else ""
            print(shown(f"  #{e.id:<5} {e.date}  {e.kind:<21} {e.summary}{who}"))
    return 0


def cmd_import_document(args) -> int:
    from .importer import web

    date = services.parse_date(args.date)
    # a web page is fetched before the transaction (the database is not held while the network answers)
    loaded = web.load_url(web.as_address(args.path)) if web.looks_like_address(args.path) else None
    engine = _engine(args)
    with db.session_scope(engine) as session:
        document, created = services.import_document(
            session=session,
            path=None if loaded else args.path,
            loaded=loaded,
            title=args.title or "",
            date=date,
            author=args.author or "",
            url=args.url or "",
        )
        row = next(r for r in queries.document_rows(session) if r["id"] == document.id) if args.json else None
    # said once the transaction is committed
    if row is not None:
        _print_json({**row, "created": created})
        return 0
    if created:
        print(
            f"Imported document {document.id}: {for_terminal(document.title)} "
            f"({document.date or 'no date found'}; {for_terminal(document.author) or 'no author found'})"
        )
        note = "" if document.date else detect_metadata(document.text).date_note
        if note:
            print(note.replace("Edit details (document edit --date)", f"'document edit {document.id} --date'"))
    else:
        asked = args.title or args.date or args.author or args.url
        hint = f"; change its details with 'casr-tracker document edit {document.id}'" if asked else ""
        print(f"Already imported as document {document.id}: {for_terminal(document.title)}{hint}")
    return 0


def cmd_documents(args) -> int:
    engine = _engine(args)
    with db.session_scope(engine, write=False) as session:
        rows = queries.document_rows(session)
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        print("No documents yet; add one with 'casr-tracker import-document PATH'.", file=sys.stderr)
    for r in rows:
        title, author = for_terminal(textwrap.shorten(r["title"], 60)), for_terminal(r["author"])
        print(f"{r['id']:>4}  {r['date'] or '—':<10}  {title:<60}  {author}")
    return 0


def cmd_evidence_add(args) -> int:
    engine = _engine(args)
    date = services.parse_date(args.date)
    if args.document is None and not args.url:
        raise InputError("Give --document ID|PATH with --quote TEXT, or --url URL.")
    if args.document is not None and not args.quote:
        raise InputError("--document needs --quote TEXT: the passage to cite.")
    with db.session_scope(engine) as session:
        pledge = services.find_pledge(session, args.ref)
        document = services.find_document(session, args.document) if args.document is not None else None
        evidence = services.attach_evidence(
            session=session,
            pledge=pledge,
            document=document,
            quote=args.quote or "",
            url=args.url or "",
            title=args.title,
            stance=args.stance,
            date=date,
            who=args.user,
        )
    where = f"document {document.id} [{evidence.start}:{evidence.end}]" if document else evidence.url
    print(f"{pledge.ref}: evidence {evidence.id} ({evidence.stance}) from {for_terminal(where)}")
    return 0


def _evidence_source(detail: dict) -> str:
    """A quote as quoted; a link by its title (when it has one) and its address."""
    if detail["quote"]:
        return detail["quote"]
    return f"{detail['title']} <{detail['url']}>" if detail.get("title") else detail["url"]


def cmd_evidence_list(args) -> int:
    from .neutral import for_terminal as shown  # quotes, titles and URLs printed, never obeyed; one line each

    engine = _engine(args)
    with db.session_scope(engine, write=False) as session:
        pledge = services.find_pledge(session, args.ref)
        items = [e for e in queries.history(session, pledge) if e.kind == "evidence"]
    if args.json:
        _print_json([e.detail | {"date": e.date, "who": e.who} for e in items])
        return 0
    if not items:
        print(f"{pledge.ref} has no evidence yet.", file=sys.stderr)
    live = [e for e in items if not e.detail["withdrawn_at"]]
    withdrawn = [e for e in items if e.detail["withdrawn_at"]]
    for e in live:
        page = f" (p. {e.detail['page']})" if e.detail.get("page") else ""
        source = textwrap.shorten(shown(_evidence_source(e.detail)), 90)
        print(shown(f"  {e.date}  {e.detail['stance']:<11} {source}{page}"))
    if withdrawn:  # kept in the history, no longer counted: listed apart, each with the day it was withdrawn
        print("Withdrawn (no longer counted):")
    for e in withdrawn:
        d = e.detail
        source = textwrap.shorten(shown(_evidence_source(d)), 70)
        print(shown(f"  {e.date}  {d['stance']:<11} {source}  [withdrawn on {d['withdrawn_at'][:10]}]"))
    return 0


def cmd_suggest(args) -> int:
    if args.top < 1:
        raise InputError("--top must be 1 or more.")
    from . import matching

    engine = _engine(args)
    with db.session_scope(engine, write=False) as session:
        document = services.find_document(session, args.document)
        proposals = matching.suggest(session, document, top=args.top, min_strength=args.min_strength)
        if args.json:
            _print_json([p.to_json() for p in proposals])
            return 0
        title = for_terminal(document.title)
        print(f"Document {document.id}: {title} — {counted(len(proposals), 'passage')} with suggestions")
        for p in proposals:
            passage = for_terminal(textwrap.shorten(p.passage.text, 100))
            print(f"\n[{p.passage.start}:{p.passage.end}] ({p.kind}) {passage}")
            for c in p.candidates:
                print(f"    {c.ref:<7} {c.strength:<7} {c.score:6.2f}")
    return 0


def cmd_report(args) -> int:
    from .reports import build_report
    from .reports.output import format_for, write_report

    fmt = format_for(args.output, args.format)
    as_of = services.parse_date(args.as_of)
    since = services.parse_date(args.since)
    engine = _engine(args)
    with db.session_scope(engine, write=False) as session:
        report = build_report(session, as_of=as_of, since=since, statement_id=args.statement)
    write_report(report, args.output, fmt)  # through the format's publisher (PDF's loads Qt)
    pledges = sum(len(st.pledges) for st in report.statements)
    print(f"Wrote {for_terminal(args.output)} ({fmt}, {pledges} pledges, as of {report.as_of})")
    return 0


def cmd_gui(args) -> int:
    from .gui.app import run  # the only place the CLI touches Qt

    return run(args)


# --- the parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="casr-tracker",
        description="Track the pledges of joint statements (seeded with the 2020 Central Asia + Russia statement).",
        epilog="With no command, the window opens.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"SQLAlchemy database URL (default: ${db.ENV_VAR} or a file in the user-data folder)",
    )
    parser.add_argument("--empty", action="store_true", help="do not seed an empty database from the shipped seeds")
    parser.add_argument(
        "--user", help="your name, recorded with every change (default: $CASR_TRACKER_USER or the OS user)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, func: Callable, help: str, parent=sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = command("gui", cmd_gui, "Open the window.")
    p.add_argument("--screenshot", metavar="PATH", help="render the window into a PNG and exit")
    p.add_argument("--select", metavar="REF", help="select this pledge first")

    cli_statements.add_commands(command)

    p = command("pledges", cmd_pledges, "List pledges, optionally filtered.")
    p.add_argument("--sphere", metavar="S", help="sphere code (TRD) or part of its name")
    p.add_argument("--status", metavar="ST", help="one of: " + ", ".join(s.value for s in Status))
    p.add_argument("--party", metavar="P", help="party code or name")
    p.add_argument("--search", metavar="TEXT", help="words in the pledge, its notes or evidence quotes")
    p.add_argument("--statement", type=whole_number, metavar="ID", help="only this statement's (see 'statements')")
    p.add_argument("--json", action="store_true")

    p = command("status", cmd_status, "Change a pledge's status (recorded in its history).")
    p.add_argument("ref", metavar="REF")
    p.add_argument("status", metavar="STATUS", help="one of: " + ", ".join(s.value for s in Status))
    p.add_argument("--comment", metavar="TEXT")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="effective date (default: today)")
    p.add_argument(
        "--expect-version", type=whole_number, metavar="N", help="refuse if the pledge is no longer at version N"
    )

    p = command("assess", cmd_assess, "Score a party's compliance with a pledge: -1, 0 or +1.")
    p.add_argument("ref", metavar="REF")
    p.add_argument("party", metavar="PARTY")
    p.add_argument("score", metavar="SCORE")
    p.add_argument("--comment", metavar="TEXT", help="the justification")
    p.add_argument("--date", metavar="D")

    p = command("note", cmd_note, "Add a note to a pledge.")
    p.add_argument("ref", metavar="REF")
    p.add_argument("text", metavar="TEXT")

    p = command(
        "keywords",
        cmd_keywords,
        "Show or set a pledge's keywords: your words for what progress on it looks like (the suggestions use them).",
    )
    p.add_argument("ref", metavar="REF")
    p.add_argument("words", metavar="WORDS", nargs="?", help='comma-separated ("" clears them)')

    p = command("history", cmd_history, "Show everything recorded about a pledge.")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--json", action="store_true")

    p = command(
        "import-document",
        cmd_import_document,
        "Add a later document (news, interview, op-ed) to the library: a file, or a web page by its URL.",
    )
    p.add_argument("path", metavar="PATH|URL", help="a .txt, .md, .html or .pdf file, or an http(s):// address")
    p.add_argument("--title")
    p.add_argument("--date", metavar="YYYY-MM-DD")
    p.add_argument("--author")
    p.add_argument("--url")
    p.add_argument("--json", action="store_true")

    p = command("documents", cmd_documents, "List the document library.")
    p.add_argument("--json", action="store_true")

    evidence = command("evidence", None, "Attach, list, edit, withdraw or restore evidence.")
    ev_sub = evidence.add_subparsers(dest="evidence_command", metavar="ACTION", parser_class=_Parser)
    ev_sub.required = True
    p = command("add", cmd_evidence_add, "Attach a document passage or a link as evidence for a pledge.", ev_sub)
    p.add_argument("ref", metavar="REF")
    p.add_argument("--document", metavar="ID|PATH")
    p.add_argument("--quote", metavar="TEXT")
    p.add_argument("--url", metavar="URL")
    p.add_argument("--title", metavar="T", help="the link's title, shown in reports instead of the URL")
    p.add_argument("--stance", default="supports", help="supports, contradicts or context")
    p.add_argument("--date", metavar="D")
    p = command("list", cmd_evidence_list, "List a pledge's evidence.", ev_sub)
    p.add_argument("ref", metavar="REF")
    p.add_argument("--json", action="store_true")
    cli_corrections.add_commands(command, sub, ev_sub)

    p = command("suggest", cmd_suggest, "Suggest which pledges each passage of a document speaks to.")
    p.add_argument("document", metavar="DOCUMENT_ID_OR_PATH")
    p.add_argument("--top", type=whole_number, default=3, metavar="K", help="candidates per passage (default 3)")
    p.add_argument(
        "--min-strength", choices=["low", "medium", "strong"], default="low", help="leave out weaker matches"
    )
    p.add_argument("--json", action="store_true")

    p = command("report", cmd_report, "Write a progress report (PDF, HTML, Markdown, CSV or Excel) as of a date.")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--format", choices=["pdf", "html", "md", "csv", "xlsx"], help="default: from the file's extension")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="statuses and scores as they stood that day (default today)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="also list the status changes after this date")
    p.add_argument("--statement", type=whole_number, metavar="ID", help="one statement (default: all)")

    cli_data.add_commands(command)
    cli_team.add_commands(command, _Parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "gui"])
    for name, value in vars(args).items():  # argparse hands a one-value positional over as a list after "--"
        if isinstance(value, list) and name != "party":
            setattr(args, name, " ".join(map(str, value)))
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show "→" (cp1252) gets "?" instead
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")
    terminated = _on_terminate(args)
    try:
        if args.db is not None and not args.db.strip():
            raise InputError(
                "--db is empty; give a database URL such as sqlite:///tracker.sqlite3, or leave --db out "
                "for the default tracker."
            )
        if args.func is not cmd_gui:
            args.user = user_name(args.user or default_user())
        return args.func(args)
    except CasrError as error:  # one line, which may quote what the user typed: printed, never obeyed
        print(f"casr-tracker: {for_terminal(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `casr-tracker pledges | head`: the reader has gone, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, TypeError, AttributeError, LookupError, OSError, RuntimeError) as error:
        # a mistake of ours, not the user's: one line, the details kept where a report can name them
        print(f"casr-tracker: {for_terminal(_crash_report(error))}", file=sys.stderr)
        return 2
    finally:
        while _OPEN:
            _OPEN.pop().dispose()
        if terminated is not None:
            signal.signal(signal.SIGTERM, terminated)


def _crash_report(error: BaseException) -> str:
    """Write the traceback of an unexpected error to a log in the user's cache folder; the line to say."""
    import traceback

    import platformdirs

    try:
        folder = platformdirs.user_cache_path("casr-tracker", appauthor=False)
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "crash.log"
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(error)) + "\n")
        where = f"; the details are in {log}"
    except OSError:
        where = ""
    return f"Something went wrong that should not have ({type(error).__name__}: {error}){where}. Please report it."


def _on_terminate(args):
    """A command stopped with SIGTERM (kill, a closing terminal) unwinds as an interrupted one: its
    transaction rolls back and its temporary files go. Returns the handler it replaced (None: none)."""
    if args.func is cmd_gui or threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    return signal.signal(signal.SIGTERM, stop)


if __name__ == "__main__":
    sys.exit(main())

"""The command line's statement commands: import-statement (a file or a web address, with the
signatories confirmed by --party and a --dry-run that shows the proposal) and correct (the analyst's
corrections of what the importer read)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from . import db, services
from .errors import InputError
from .importer import edits, pipeline, web
from .importer.documents import load_document
from .models import Statement
from .neutral import for_terminal


def _cli():
    from . import cli  # the one place engines are opened and JSON printed

    return cli


def _say(line: str) -> None:
    """Print a line whose titles, names and pledge texts are printed, never obeyed (no escape
    sequence, no control character, no line break of their own)."""
    print(for_terminal(line))


def read_statement(source: str):
    """A statement's text and what its format said about it, from a .txt, .md, .html or .pdf file or
    a web address, through the same readers as documents."""
    if web.looks_like_address(source):
        return web.load_url(web.as_address(source))
    return load_document(source)


def cmd_import_statement(args) -> int:
    cli = _cli()
    loaded = read_statement(args.path)  # a web page is fetched before the database is opened
    date = services.parse_date(args.date) or loaded.meta.date
    engine = cli._engine(args)
    name = loaded.url or Path(args.path).name
    if args.dry_run:
        with db.session_scope(engine, write=False) as session:  # propose keeps nothing
            parties = pipeline.resolve_parties(session, args.party) if args.party else None
            proposal = pipeline.propose(
                session, loaded.text, title=args.title, date=date, source_name=name, parties=parties, who=args.user
            )
        if args.json:
            cli._print_json(proposal.to_json())
        else:
            _print_proposal(proposal)
        return 0
    with db.session_scope(engine) as session:
        parties = pipeline.resolve_parties(session, args.party) if args.party else None
        report = pipeline.import_statement(
            session,
            loaded.text,
            title=args.title,
            date=date,
            source_name=name,
            parties=parties,
            who=args.user,
            retire_at_most=None if args.confirm else pipeline.RETIRE_WITHOUT_ASKING,
        )
        signed = services.statement_party_names(session, report.statement_id)
    if args.json:
        cli._print_json(report.to_json())
        return 0
    _say(report.summary())
    if report.created:
        _say(f"  signatories: {', '.join(signed)}")
    for label, refs in (("new", report.new), ("changed", report.changed), ("gone", report.gone)):
        if refs and not report.created:
            _say(f"  {label}: {', '.join(refs)}")
    return 0


def _print_proposal(proposal: pipeline.Proposal) -> None:
    verb = (
        "would be imported as a new statement"
        if proposal.created
        else f"would update statement {proposal.statement_id}"
    )
    if proposal.identical:
        verb = f"is already imported as statement {proposal.statement_id}"
    _say(f"{proposal.title} {verb}.")
    _say(f"  date: {proposal.date or 'none found (give --date)'}")
    names = ", ".join(p["name"] for p in proposal.parties)
    found = "read from the text" if proposal.parties_found else "as you named them"
    if proposal.parties_assumed:
        found = "none found in the text, so these are assumed: name them with --party"
    _say(f"  signatories ({found}): {names}")
    unsure = [p for p in proposal.pledges if not p["sure"]]
    _say(f"  {len(proposal.pledges)} pledges, {len(unsure)} to look at:")
    for p in proposal.pledges:
        mark = "?" if not p["sure"] else " "
        parties = "all" if len(p["parties"]) == len(proposal.parties) else ",".join(p["parties"])
        text = textwrap.shorten(" ".join(p["text"].split()), 70, placeholder="…")
        why = f"  ({p['why']})" if p["why"] else ""
        _say(f"  {mark} {p['ref']:<7} {p['strength']:<4} {parties:<10} {text}{why}")
    if proposal.gone:
        _say(f"  gone: {', '.join(proposal.gone)}")
    for reason in proposal.stale:
        _say(f"  an earlier correction no longer fits: {reason}")
    if proposal.missed:
        _say(
            f"  {len(proposal.missed)} sentences have a commitment's words but were not taken "
            "(add one with 'correct --add'):"
        )
        for m in proposal.missed:
            _say(f"  - {textwrap.shorten(' '.join(m['text'].split()), 90, placeholder='…')}")


def cmd_correct(args) -> int:
    cli = _cli()
    engine = cli._engine(args)
    with db.session_scope(engine) as session:
        if args.add:
            statement = session.get(Statement, args.statement) if args.statement else None
            if statement is None:
                raise InputError("Name the statement the sentence is in with --statement ID (see 'statements').")
            kind = "add"
            value = {"strength": args.strength or "firm", "parties": _codes(session, args)}
            correction = edits.Edit(kind, args.add, value)
            report = pipeline.correct(session=session, statement=statement, correction=correction, who=args.user)
        else:
            if not args.ref:
                raise InputError("Name the pledge to correct (REF), or a sentence to add with --add.")
            pledge = services.find_pledge(session, args.ref)
            kind, value = _correction(session, args, pledge)
            report = pipeline.correct_pledge(session, pledge_id=pledge.id, kind=kind, value=value, who=args.user)
    from .activity import reading_said

    # said once it is saved
    ref = (report.new or report.changed or [getattr(args, "ref", "") or ""])[0]
    _say(f"Corrected how {ref} was read: {reading_said(correction_json(kind, value))}.")
    if report.gone and kind != "drop":
        _say(f"  gone: {', '.join(report.gone)}")
    return 0


def correction_json(kind: str, value) -> dict:
    return edits.Edit(kind, "", value).to_json()


def _codes(session, args) -> tuple[str, ...] | None:
    return pipeline.resolve_parties(session, args.party) if args.party else None


def _correction(session, args, pledge) -> tuple[str, object]:
    chosen = [k for k in ("drop", "strength", "party", "sphere", "split_at", "merge_with") if getattr(args, k)]
    if len(chosen) != 1:
        raise InputError(
            "Say one correction: --drop, --strength firm|soft, --party NAME (repeated), --sphere NAME, "
            "--split-at WORDS or --merge-with REF."
        )
    kind = chosen[0]
    if kind == "party":
        return "parties", args.party
    if kind == "sphere":
        return "sphere", services.sphere_name(session, pledge.statement_id, args.sphere)
    if kind == "split_at":
        return "split", args.split_at
    if kind == "merge_with":
        return "merge", services.find_pledge(session, args.merge_with).text
    return kind, args.strength if kind == "strength" else None


def cmd_statements(args) -> int:
    cli = _cli()
    engine = cli._engine(args)
    with db.session_scope(engine, write=False) as session:
        rows = [
            {
                "id": statement.id,
                "title": statement.title,
                "date": statement.date.isoformat() if statement.date else None,
                "signatories": services.statement_party_names(session, statement.id),
                "pledges": services.live_pledge_count(session, statement.id),
            }
            for statement in services.statements(session)
        ]
    if args.json:
        cli._print_json(rows)
        return 0
    for row in rows:
        parties = ", ".join(row["signatories"])
        _say(
            f"{row['id']:>3}  {row['date'] or 'no date':<10}  {row['pledges']:>4} pledges  {row['title']}  ({parties})"
        )
    return 0


def add_commands(command: Callable) -> None:
    """Register the commands with the parser's `command(name, func, help)`."""
    p = command("statements", cmd_statements, "List the statements: id, date, pledges, title and signatories.")
    p.add_argument("--json", action="store_true")

    p = command(
        "import-statement",
        cmd_import_statement,
        "Import a statement's pledges from a file (.txt, .md, .html, .pdf) or a web address (again: update it).",
    )
    p.add_argument("path", metavar="PATH_OR_URL")
    p.add_argument("--title", metavar="T", help="default: the statement's title line")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="default: the statement's dateline")
    p.add_argument(
        "--party",
        action="append",
        metavar="NAME",
        help="a signatory (a state or organisation: KZ, Kazakhstan, EU); repeat for each; default: read from the text",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would be imported, how sure, and keep nothing")
    p.add_argument(
        "--confirm",
        action="store_true",
        help=f"retire the pledges gone from the text even when more than {pipeline.RETIRE_WITHOUT_ASKING} would go",
    )
    p.add_argument("--json", action="store_true", help="print the import report (or the --dry-run proposal) as JSON")

    p = command(
        "correct",
        cmd_correct,
        "Correct what the importer read: drop, add, split or merge a pledge, change its sphere, parties or strength "
        "(recorded, and kept when the statement is imported again).",
    )
    p.add_argument("ref", metavar="REF", nargs="?")
    p.add_argument("--drop", action="store_true", help="the sentence is no pledge")
    p.add_argument("--strength", metavar="S", help="firm or soft")
    p.add_argument("--party", action="append", metavar="NAME", help="the parties it binds (repeat for each)")
    p.add_argument("--sphere", metavar="NAME", help="the sphere it belongs to (its name or code)")
    p.add_argument("--split-at", metavar="WORDS", help="split it where these words begin")
    p.add_argument("--merge-with", metavar="REF", help="merge it with the pledge that follows it")
    p.add_argument("--add", metavar="SENTENCE", help="add a sentence of the statement the importer missed")
    p.add_argument(
        "--statement",
        type=_cli().whole_number,
        metavar="ID",
        help="with --add: the statement it is in (see 'statements')",
    )


__all__ = ["add_commands", "read_statement"]

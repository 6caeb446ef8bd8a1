"""The command line's corrections: retract an entry, edit or delete a note, edit, withdraw or restore
evidence, edit a document's details, undo one's last change. Each prints one line of what it did."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from . import corrections, db, services, undo
from .errors import NotFound
from .models import Document, Event, Evidence, Note, Pledge
from .neutral import for_terminal as shown  # what is echoed is printed, never obeyed; one line
from .parsing import parse_id


def _session(args):
    from .cli import _engine  # the one place engines are opened (and closed when the command ends)

    return db.session_scope(_engine(args))


#: where a note's own id is found (the entry id of `history` names the event, not the note)
NOTE_IDS = "casr-tracker history REF --json"  # a note's id is the entry's detail.id there


def _row(session, model, key: str, noun: str, listed_by: str):
    number = parse_id(key)
    row = session.get(model, number) if number is not None else None
    if row is None:
        where = " (a note's id is its entry's detail.id)" if noun == "note" else ""
        raise NotFound(f"There is no {noun} {key}; '{listed_by}' lists them with their ids{where}.")
    return row


def cmd_retract(args) -> int:
    with _session(args) as session:
        retraction = corrections.retract(session=session, entry_id=args.entry, reason=args.reason, who=args.user)
        entry = session.get(Event, retraction.subject_id)
        ref = session.get(Pledge, entry.pledge_id).ref
    print(shown(f"Retracted entry {entry.id} ({entry.kind}) of {ref}: {' '.join(args.reason.split())}"))
    return 0


def cmd_edit_note(args) -> int:
    with _session(args) as session:
        note = _row(session, Note, args.note, "note", NOTE_IDS)
        services.edit_note(session=session, note=note, text=args.text, who=args.user)
        number = note.id
    print(f"Note {number} now reads: {' '.join(shown(args.text).split())[:100]}")
    return 0


def cmd_delete_note(args) -> int:
    with _session(args) as session:
        note = _row(session, Note, args.note, "note", NOTE_IDS)
        services.delete_note(session=session, note=note, who=args.user)
        number = note.id
    print(f"Deleted note {number} (kept in the history; 'casr-tracker undo' brings it back)")
    return 0


def _evidence(session, key) -> Evidence:
    return _row(session, Evidence, key, "evidence", "casr-tracker evidence list REF --json")


def cmd_evidence_edit(args) -> int:
    date = services.parse_date(args.date)
    with _session(args) as session:
        evidence = corrections.edit_evidence(
            session=session, evidence=_evidence(session, args.evidence), date=date, stance=args.stance, who=args.user
        )
        line = f"Evidence {evidence.id}: {evidence.stance}, dated {evidence.date}"
    print(line)
    return 0


def cmd_evidence_withdraw(args) -> int:
    with _session(args) as session:
        evidence = services.withdraw_evidence(
            session=session, evidence=_evidence(session, args.evidence), who=args.user
        )
        number = evidence.id
    print(f"Withdrew evidence {number} (it no longer counts; kept in the history)")
    return 0


def cmd_evidence_restore(args) -> int:
    with _session(args) as session:
        evidence = _evidence(session, args.evidence)
        services.restore_evidence(session=session, evidence=evidence, who=args.user)
        number = evidence.id
    print(f"Restored evidence {number} (it counts again from now on)")
    return 0


def cmd_document_edit(args) -> int:
    date = "" if args.date is not None and not args.date.strip() else services.parse_date(args.date)  # "": none
    with _session(args) as session:
        document = _row(session, Document, args.document, "document", "casr-tracker documents --json")
        corrections.edit_document(
            session=session,
            document=document,
            who=args.user,
            title=args.title,
            date=date,
            author=args.author,
            url=args.url,
        )
        line = f"Document {document.id}: {document.title} · {document.date or 'no date'} · {document.author or '-'}"
    print(shown(line))
    return 0


def cmd_undo(args) -> int:
    with _session(args) as session:
        _event, sentence = undo.undo_last(session=session, who=args.user)
    print(shown(sentence))
    return 0


def add_commands(command: Callable[..., argparse.ArgumentParser], sub, evidence_actions) -> None:
    """The correction commands, added to the parser `cli.build_parser` makes."""
    p = command("retract", cmd_retract, "Retract a status or score entry (it stops counting; the history keeps it).")
    p.add_argument("entry", metavar="ENTRY_ID", help="the entry's id, from 'history REF --json'")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why (kept in the history)")

    p = command("edit-note", cmd_edit_note, "Change a note's text (the earlier text stays in the history).")
    p.add_argument("note", metavar="NOTE_ID")
    p.add_argument("text", metavar="TEXT")

    p = command("delete-note", cmd_delete_note, "Delete a note (kept in the history; undo brings it back).")
    p.add_argument("note", metavar="NOTE_ID")

    p = command("edit", cmd_evidence_edit, "Change the date evidence speaks for, or its stance.", evidence_actions)
    p.add_argument("evidence", metavar="EVIDENCE_ID")
    p.add_argument("--date", metavar="D")
    p.add_argument("--stance", metavar="S", help="supports, contradicts or context")
    p = command("withdraw", cmd_evidence_withdraw, "Withdraw evidence (it stops counting).", evidence_actions)
    p.add_argument("evidence", metavar="EVIDENCE_ID")
    p = command("restore", cmd_evidence_restore, "Restore withdrawn evidence (it counts again).", evidence_actions)
    p.add_argument("evidence", metavar="EVIDENCE_ID")

    document = command("document", None, "Correct a document of the library.")
    doc_actions = document.add_subparsers(dest="document_command", metavar="ACTION", parser_class=type(document))
    doc_actions.required = True
    p = command("edit", cmd_document_edit, "Change a document's title, date, author or URL.", doc_actions)
    p.add_argument("document", metavar="DOCUMENT_ID")
    p.add_argument("--title", metavar="T")
    p.add_argument("--date", metavar="D", help='the publication date ("" takes a wrong date away)')
    p.add_argument("--author", metavar="A")
    p.add_argument("--url", metavar="U")

    command("undo", cmd_undo, "Undo your last change (recorded as a new change; says what it undid).")

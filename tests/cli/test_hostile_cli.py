"""Nothing user-written reaches the terminal as code (issue 16): hostile notes, comments, link titles
and names (tests/hostile.py) stored through the CLI in a real SQLite tracker, then `history`,
`evidence list` and the commands that echo what they changed: no escape sequence, no bell, no line
a note or a name could forge; a name with a line break or a control character is refused."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import text

from casr_tracker import db

from ..conftest import DATA
from ..hostile import BAD_NAMES, CONTROL, FORGED, FORGED_CR, RTL, TERMINAL

REFUSED = "casr-tracker: A user name cannot contain line breaks or control characters.\n"


def unsafe(output: str) -> set[str]:
    """What a terminal would obey in `output`: control characters other than the line ends, and
    the bidirectional overrides that turn a line around."""
    return {c for c in output if (unicodedata.category(c) == "Cc" and c != "\n") or "\u202a" <= c <= "\u202e"} | {
        c for c in output if "\u2066" <= c <= "\u2069"
    }


def test_history_prints_no_escape_sequence_and_no_forged_line(run):
    for typed in [*TERMINAL, CONTROL, FORGED, FORGED_CR, RTL]:
        assert run("note", "TRD-3", typed).code == 0
    assert run("status", "TRD-3", "in_progress", "--comment", "\x1b[2Jcleared\nforged").code == 0
    assert run("assess", "TRD-3", "KZ", "+1", "--comment", "\x1b]0;title\x07ok").code == 0
    entries = run("history", "TRD-3", "--json").json()
    out = run("history", "TRD-3").out
    assert unsafe(out) == set(), out
    lines = out.splitlines()
    assert len(lines) == 1 + len(entries)  # the pledge, then one line per entry: none forged
    assert all(line.startswith("  #") for line in lines[1:])
    assert "red" in out and "cleared forged" in out and "bell" in out  # the text itself is still there


def test_history_of_a_tracker_that_holds_a_forged_name(run, db_url):
    """An imported or older tracker may hold a name with a line break: history shows it on its line."""
    assert run("note", "TRD-3", "seen").code == 0
    engine = db.make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE event SET who = :who"), {"who": FORGED + "\x1b[31m"})
    engine.dispose()
    out = run("history", "TRD-3").out
    assert unsafe(out) == set() and len(out.splitlines()) == 2
    assert "— bob   #1" in out


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
def test_a_name_with_a_line_break_or_a_control_character_is_refused(run, snapshot, monkeypatch, name):
    run("pledges")  # seeded first, so the snapshot is of a real tracker
    before = snapshot()
    for command in (["note", "TRD-3", "x"], ["status", "TRD-3", "stalled"], ["assess", "TRD-3", "KZ", "0"]):
        result = run("--user", name, *command)
        assert (result.code, result.out, result.err) == (2, "", REFUSED)
    monkeypatch.setenv("CASR_TRACKER_USER", name)
    result = run("note", "TRD-3", "x")
    assert (result.code, result.err) == (2, REFUSED)
    assert snapshot() == before
    monkeypatch.setenv("CASR_TRACKER_USER", "Ana Petrova")  # an ordinary name, spaces and all
    assert run("note", "TRD-3", "x").code == 0


def test_evidence_list_prints_no_escape_sequence(run):
    title = "\x1b]0;pwned\x07Talks\nresumed\r  2020-01-01  supports    forged"
    assert run("evidence", "add", "TRD-3", "--url", "https://evil.example/\x1b[2J", "--title", title).code == 0
    assert run("evidence", "add", "TRD-3", "--url", "https://evil.example/\x9b31m").code == 0
    out = run("evidence", "list", "TRD-3").out
    assert unsafe(out) == set(), out
    assert len(out.splitlines()) == 2 and "Talks resumed" in out


def test_commands_that_echo_text_print_no_escape_sequence(run):
    assert run("note", "TRD-3", "first").code == 0
    note_id = str(run("history", "TRD-3", "--json").json()[-1]["detail"]["id"])
    outputs = [
        run("edit-note", note_id, "\x1b[31mred\x07\nforged").out,
        run("document", "edit", "1", "--title", "\x1b]0;t\x07Title", "--author", "\x1b[5mA\u202eB").out,
        run("undo").out,  # names the document by its title
    ]
    entry = run("status", "TRD-3", "stalled").code == 0 and run("history", "TRD-3", "--json").json()[-1]["id"]
    outputs.append(run("retract", str(entry), "--reason", "\x1b[2Jtypo\x07").out)
    for out in outputs:
        assert out and unsafe(out) == set() and len(out.splitlines()) == 1, out


def test_statement_titles_print_no_escape_sequence(run):
    title = "\x1b[31mSecond\x07 statement\n  2  2020-01-01    41 pledges  forged"
    imported = run("import-statement", str(DATA / "second_statement.txt"), "--title", title)
    assert imported.code == 0, imported.err
    listed = run("statements").out
    for out in (imported.out, listed):
        assert unsafe(out) == set(), out
    assert len(listed.splitlines()) == 2 and "Second statement" in listed

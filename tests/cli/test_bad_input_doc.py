"""docs/bad-input.md's table is made by this test: every row is a command run here on a real tracker,
and the sentence in the row is the one it printed. The test fails when the document says anything
else; `CASR_WRITE_DOCS=1 pytest tests/cli/test_bad_input_doc.py` writes the table again.

Each case must exit as its row says (2 for a refusal) with exactly one line on stderr, and leave the
tracker exactly as it was."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shlex
import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from casr_tracker import cli, db
from casr_tracker.models import today
from casr_tracker.transfer import export_all

from ..conftest import ROOT

DOC = ROOT / "docs" / "bad-input.md"
BEGIN = "<!-- the table below is written by tests/cli/test_bad_input_doc.py: edit the cases there -->"
END = "<!-- end of the generated table -->"


@dataclass
class Case:
    """One row: what the user did (`argv`, with {dir} for the case's folder), what the window does, and
    the tests that prove the rest (the window's side, the finer points)."""

    case: str
    argv: list[str]
    window: str = "—"
    tests: str = ""
    make: Callable[[Path], None] | None = None
    code: int = 2
    db: str = ""  # another --db than the seeded tracker ({dir}/…)
    env: dict[str, str] = field(default_factory=dict)


def _write(name: str, content: bytes | str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)

    return make


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")


def _folder(folder: Path) -> None:
    (folder / "notes").mkdir()


def _huge(folder: Path) -> None:
    with open(folder / "huge.txt", "wb") as handle:  # sparse: 60 MB stated, nothing written
        handle.truncate(60 * 1024 * 1024)


def _pdf_bomb(folder: Path) -> None:
    """A PDF whose one content stream inflates to 300 MB (it is a few hundred kB compressed)."""
    squeeze = zlib.compressobj(9)
    chunk = b"0" * (1 << 20)
    body = b"".join(squeeze.compress(chunk) for _ in range(300)) + squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    (folder / "bomb.pdf").write_bytes(bytes(out))


def _other_app(folder: Path) -> None:
    with contextlib.closing(sqlite3.connect(folder / "other.sqlite3")) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.commit()


def _newer(folder: Path) -> None:
    cli.main(["--db", f"sqlite:///{folder / 'newer.sqlite3'}", "--empty", "pledges"])
    with contextlib.closing(sqlite3.connect(folder / "newer.sqlite3")) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()


def _backup_with_trigger(folder: Path) -> None:
    cli.main(["--db", f"sqlite:///{folder / 'source.sqlite3'}", "pledges", "--json"])
    cli.main(["--db", f"sqlite:///{folder / 'source.sqlite3'}", "backup", str(folder / "trap.sqlite3")])
    with contextlib.closing(sqlite3.connect(folder / "trap.sqlite3")) as conn:
        conn.execute("CREATE TRIGGER wipe AFTER INSERT ON note BEGIN DELETE FROM evidence; END")
        conn.commit()


def _tampered(change: Callable[[dict], None], name: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        source = folder / f"{name}.sqlite3"
        cli.main(["--db", f"sqlite:///{source}", "assess", "TRD-1", "KZ", "1"])
        cli.main(["--db", f"sqlite:///{source}", "export", "-o", str(folder / f"{name}.json")])
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        change(data)
        (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")

    return make


def _score_seven(data: dict) -> None:
    data["tables"]["assessment"][0]["score"] = 7


def _bogus_status(data: dict) -> None:
    data["tables"]["pledge"][0]["status"] = "bogus"


def _short_statement(folder: Path) -> None:
    (folder / "short.txt").write_text("A short joint statement\n\nTrade\n\nWe will trade.\n", encoding="utf-8")


TITLE = "Joint Statement of the Foreign Ministers of the Central Asia + Russia format"
FILE_WINDOW = 'import dialog/drop: listed in "Some files were not imported"'

CASES: list[Case] = [
    # --- files to import ----------------------------------------------------------------------------
    Case("a missing file", ["import-document", "{dir}/missing.txt"], FILE_WINDOW, "`test_reliability::test_bad_files`"),
    Case(
        "an empty file",
        ["import-document", "{dir}/empty.txt"],
        "listed as above",
        "`test_bad_files`",
        _write("empty.txt", b""),
    ),
    Case(
        "a byte-order mark and nothing else",
        ["import-document", "{dir}/bom.txt"],
        "listed as above",
        "`test_untrusted_files`",
        _write("bom.txt", b"\xef\xbb\xbf  \n"),
    ),
    Case("a folder", ["import-document", "{dir}/notes"], "listed as above", "`test_untrusted_files`", _folder),
    Case(
        "a named pipe (it is not opened: a pipe with no writer would wait for ever)",
        ["import-document", "{dir}/pipe.txt"],
        "listed as above",
        "`test_untrusted_files`",
        _fifo,
    ),
    Case(
        "a device (`/dev/zero` never ends)",
        ["import-document", "/dev/zero"],
        "listed as above",
        "`test_untrusted_files`",
    ),
    Case(
        "a binary file",
        ["import-document", "{dir}/binary.txt"],
        "listed as above",
        "`test_bad_files`, `test_team::test_dropped_files_that_are_not_text…`",
        _write("binary.txt", bytes(range(256)) * 8),
    ),
    Case(
        "text cut in the middle of a character",
        ["import-document", "{dir}/cut.txt"],
        "listed as above",
        "`test_bad_files`",
        _write("cut.txt", "Мы будем сотрудничать".encode()[:-1]),
    ),
    Case(
        "a file that only pretends to be a PDF",
        ["import-document", "{dir}/fake.pdf"],
        "listed as above",
        "`test_documents::test_a_file_that_only_pretends_to_be_a_pdf`",
        _write("fake.pdf", b"%PDF-1.4\nnot really\n"),
    ),
    Case(
        "a PDF whose content inflates to 300 MB",
        ["import-document", "{dir}/bomb.pdf"],
        "listed as above",
        "`test_untrusted_files`",
        _pdf_bomb,
    ),
    Case(
        "a file over 50 MB",
        ["import-document", "{dir}/huge.txt"],
        "listed as above",
        "`test_bad_files`, `test_untrusted_files` (the cap holds on what is read, not on the size a file states)",
        _huge,
    ),
    Case(
        "UTF-16 text with its byte-order mark (also UTF-32; Windows-1251 is detected)",
        ["import-document", "{dir}/utf16.txt"],
        "imports normally",
        "`test_untrusted_files`, `test_a_windows_1251_file_imports`",
        _write("utf16.txt", "Kazakhstan will host the forum in 2021, said the minister.".encode("utf-16")),
        code=0,
    ),
    Case(
        "a statement in which no sentence commits anyone",
        ["import-statement", "{dir}/facts.txt"],
        "a message",
        "`test_bad_files`",
        _write("facts.txt", "A joint statement\n\nTrade\n\nThe ministers met in Moscow.\n"),
    ),
    Case(
        "an import that would retire more than 3 pledges of a statement",
        ["import-statement", "{dir}/short.txt", "--title", TITLE],
        "a question: Retire them and import? (Cancel keeps everything)",
        "`test_adversarial::test_an_import_that_would_retire…`, `test_import_preview::test_an_import_that_would_retire…`",
        _short_statement,
    ),
    # --- what is typed ------------------------------------------------------------------------------------
    Case("an unknown ref", ["status", "XYZ-9", "in_progress"], "— (refs are chosen from lists)", "`test_mistakes…`"),
    Case(
        "a ref whose statement number is no number (`²`, 20 digits)",
        ["status", "²/TRD-1", "in_progress"],
        "—",
        "`test_adversarial::test_numbers_and_dates…`",
    ),
    Case(
        "an id larger than a database holds",
        ["pledges", "--statement", "99999999999999999999"],
        "—",
        "`test_adversarial::test_numbers_and_dates…`, `test_fuzz_cli`",
    ),
    Case("an unknown status", ["status", "TRD-1", "finished"], "— (chosen from a list)", "`test_mistakes…`"),
    Case(
        "a date that does not parse",
        ["status", "TRD-1", "in_progress", "--date", "2021-02-30"],
        "inline under the status editor / report options",
        "`test_mistakes…`, `test_bad_date_is_shown_inline…`",
    ),
    Case(
        "a month that does not exist",
        ["status", "TRD-1", "in_progress", "--date", "2020-13-01"],
        "inline, as above",
        "`test_adversarial::test_numbers_and_dates…`",
    ),
    Case(
        "a date that names no day, month or year (dateutil would fill it in)",
        ["status", "TRD-1", "in_progress", "--date", "March 2021"],
        "inline, as above",
        "`test_services::test_a_date_without_its_day_month_or_year_is_refused`",
    ),
    Case(
        "a number alone as a date",
        ["status", "TRD-1", "in_progress", "--date", "10"],
        "inline, as above",
        "`test_adversarial::test_numbers_and_dates…`",
    ),
    Case(
        "a status that takes effect after today",
        ["status", "TRD-3", "in_progress", "--date", "2099-01-01"],
        "inline under the status editor",
        "`test_services::test_a_status_or_score_after_today…`",
    ),
    Case(
        "a score other than -1, 0, +1",
        ["assess", "TRD-1", "KZ", "7"],
        "— (chosen from a list)",
        "`test_mistakes…`",
    ),
    Case("an unknown party", ["assess", "TRD-1", "France", "1"], "a message", "`test_mistakes…`"),
    Case("a party the pledge does not bind", ["assess", "SNT-5", "KZ", "1"], "a message", "`test_mistakes…`"),
    Case(
        "evidence that is a link but not http, https or file",
        ["evidence", "add", "TRD-1", "--url", "javascript:alert(1)"],
        "inline in the Add-link dialog",
        "`test_window::test_link_dialog_refuses_javascript`",
    ),
    Case(
        "an edit made from stale data",
        ["status", "TRD-3", "in_progress", "--expect-version", "0"],
        "the window reloads and asks whether to apply the change on top",
        "`test_concurrency`, `test_team::test_a_stale_edit…`",
    ),
    Case(
        "a user name with a line break (it would forge a line of `history`)",
        ["--user", "bob\n  #1  2020-01-01  status", "note", "TRD-1", "hello"],
        "Preferences refuses it",
        "`test_hostile_cli`, `test_hostile_names`",
    ),
    Case(
        "an empty `--db`",
        ["--db", "", "pledges"],
        "—",
        "`test_adversarial::test_an_empty_db_is_refused…`",
    ),
    # --- files written ------------------------------------------------------------------------------------
    Case(
        "a report to a folder",
        ["report", "-o", "{dir}/notes", "--format", "md"],
        "the save dialog names files",
        "`test_adversarial::test_report_targets…`",
        _folder,
    ),
    Case(
        "a report to a device or a pipe (it would have replaced `/dev/full`)",
        ["report", "-o", "/dev/full", "--format", "md"],
        "—",
        "`test_adversarial::test_report_targets…`",
    ),
    Case(
        "a report into a folder that does not exist",
        ["report", "-o", "{dir}/nowhere/r.md"],
        "—",
        "`test_adversarial::test_report_targets…`",
    ),
    Case(
        "a report whose format cannot be told",
        ["report", "-o", "{dir}/r.doc"],
        "the dialog offers the formats",
        "`test_report_cli`",
    ),
    Case(
        "a backup onto the tracker itself (it deleted the tracker)",
        ["backup", "{tracker}", "--force"],
        "—",
        "`test_adversarial::test_a_backup_onto_the_tracker_itself…`",
    ),
    # --- trackers and exports opened ------------------------------------------------------------------------
    Case(
        "`--db` a file that is not a database",
        ["pledges"],
        "a message on opening",
        "`test_a_file_that_is_not_a_database_is_refused`",
        _write("notes.sqlite3", "just some notes\n" * 200),
        db="{dir}/notes.sqlite3",
    ),
    Case(
        "`--db` another application's SQLite file (left byte for byte as it was)",
        ["pledges"],
        "a message on opening",
        "`test_untrusted_trackers`",
        _other_app,
        db="{dir}/other.sqlite3",
    ),
    Case(
        "`--db` a tracker written by a newer version",
        ["pledges"],
        "a message on opening",
        "`test_a_database_from_a_newer_version_is_refused`",
        _newer,
        db="{dir}/newer.sqlite3",
    ),
    Case(
        "`--db` a tracker that carries a trigger of its own",
        ["note", "TRD-1", "hello"],
        "a message on opening",
        "`test_untrusted_trackers::test_db_refuses_a_tracker_carrying…`",
        _backup_with_trigger,
        db="{dir}/trap.sqlite3",
    ),
    Case(
        "`copy --from` a file that does not exist (it was made, empty)",
        ["copy", "--from", "sqlite:///{dir}/typo.sqlite3", "--to", "sqlite:///{dir}/new.sqlite3"],
        "—",
        "`test_adversarial::test_copy_from_a_misspelt_file…`",
    ),
    Case(
        "`restore` a file that is not a tracker",
        ["restore", "{dir}/notes.txt", "--force"],
        "—",
        "`test_restore_refuses_what_is_not_a_backup`",
        _write("notes.txt", "just some notes\n"),
    ),
    Case(
        "`restore` a backup that carries a trigger of its own (it deleted rows later)",
        ["restore", "{dir}/trap.sqlite3", "--force"],
        "—",
        "`test_untrusted_trackers`",
        _backup_with_trigger,
    ),
    Case(
        "`import-json` of an export whose score was changed to 7",
        ["import-json", "{dir}/seven.json"],
        "—",
        "`test_untrusted_trackers`",
        _tampered(_score_seven, "seven"),
        db="{dir}/empty.sqlite3",
    ),
    Case(
        "`import-json` of an export with a status that does not exist",
        ["import-json", "{dir}/bogus.json"],
        "—",
        "`test_untrusted_trackers`",
        _tampered(_bogus_status, "bogus"),
        db="{dir}/empty.sqlite3",
    ),
    Case(
        "`import-json` of JSON nested 200,000 brackets deep",
        ["import-json", "{dir}/deep.json"],
        "—",
        "`test_untrusted_trackers`",
        _write("deep.json", "[" * 200_000 + "]" * 200_000),
        db="{dir}/empty.sqlite3",
    ),
    Case(
        "`team add-user` on a tracker that is a file",
        ["team", "add-user", "aigerim", "--role", "analyst", "--password-stdin"],
        "—",
        "`test_team` (a viewer's write, an analyst's import, a bad login name on PostgreSQL)",
    ),
    Case(
        "`team add-user` with a role that does not exist",
        ["team", "add-user", "aigerim", "--role", "boss"],
        "—",
        "`test_team`",
    ),
]


def _fingerprint(url: str) -> str:
    return hashlib.sha256(_export(url).encode()).hexdigest()


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def _said(case: Case, folder: Path, tracker: Path) -> tuple[str, str]:
    """Run a case: (the command as a user types it, the line it printed), both with the case's folder
    written as it reads in the document."""

    def filled(text: str) -> str:
        return text.replace("{dir}", str(folder)).replace("{tracker}", str(tracker))

    def shown(text: str) -> str:
        text = text.replace(str(tracker), "TRACKER").replace(str(folder) + "/", "").replace(str(folder), ".")
        return text.replace("\n", "⏎").replace(today().isoformat(), "TODAY")  # the table is the same every day

    if case.make:
        case.make(folder)
    argv = [filled(a) for a in case.argv]
    other = Path(filled(case.db)) if case.db else None
    url = f"sqlite:///{other or tracker}"
    before = _fingerprint(f"sqlite:///{tracker}")
    other_before = other.read_bytes() if other is not None and other.is_file() else None
    code, out, err = _run(argv if argv[:1] == ["--db"] else ["--db", url, *argv])
    assert "Traceback" not in err, (case.case, err)
    assert code == case.code, (case.case, code, out, err)
    lines = err.strip().splitlines()
    if case.code == 2:
        assert len(lines) == 1, (case.case, err)
        assert _fingerprint(f"sqlite:///{tracker}") == before, (case.case, "the tracker changed")
        if other_before is not None:
            assert other.read_bytes() == other_before, (case.case, "a file opened with --db changed")
        elif other is not None and other.is_file():
            assert json.loads(_export(f"sqlite:///{other}"))["tables"]["statement"] == [], (case.case, "rows were kept")
    typed = " ".join(shlex.quote(shown(a)) for a in ([*(["--db", url] if other else []), *argv]))
    answer = lines[0].removeprefix("casr-tracker: ") if case.code == 2 else "imports normally"
    return f"casr-tracker {typed}", shown(answer)


def _export(url: str) -> str:
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine, write=False) as session:
            return json.dumps(export_all(session), default=str)
    finally:
        engine.dispose()


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(rows: list[tuple[Case, str, str]]) -> str:
    head = "| case | command | what it says (stderr; exit 2 unless it says otherwise) | window | tests |\n|---|---|---|---|---|\n"
    body = "".join(
        f"| {_cell(c.case)} | `{_cell(typed)}` | {_cell(said) if c.code == 0 else '`' + _cell(said) + '`'} | "
        f"{_cell(c.window)} | {_cell(c.tests)} |\n"
        for c, typed, said in rows
    )
    return head + body


def test_every_row_of_the_bad_input_table_is_what_the_command_says(tmp_path, monkeypatch):
    monkeypatch.setenv("CASR_TRACKER_USER", "analyst")
    monkeypatch.chdir(tmp_path)
    rows = []
    for n, case in enumerate(CASES):
        folder = tmp_path / f"case{n}"
        folder.mkdir()
        tracker = folder / "tracker.sqlite3"
        assert _run(["--db", f"sqlite:///{tracker}", "pledges", "--json"])[0] == 0  # seeded
        typed, said = _said(case, folder, tracker)
        rows.append((case, typed, said))
    table = render(rows)
    text = DOC.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        pytest.fail(f"{DOC} has lost its markers {BEGIN!r} … {END!r}")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    current = text[start:end].strip("\n")
    if os.environ.get("CASR_WRITE_DOCS"):
        DOC.write_text(text[:start] + "\n" + table + text[end:], encoding="utf-8")
        return
    assert current == table.strip("\n"), (
        "docs/bad-input.md's table is not what the commands say: run "
        "CASR_WRITE_DOCS=1 pytest tests/cli/test_bad_input_doc.py and commit the result"
    )

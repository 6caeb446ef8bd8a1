"""Streaming copy, export and import-json (issue 17): rows move in batches, so a tracker of any size
goes through in bounded memory; the copy stays exact (the exports of both sides are the same bytes);
a problem anywhere, however late, is refused before anything is inserted; a terminal shows a
progress bar, a file or a pipe gets nothing extra.

The batch sizes are lowered here (`small_batches`) so a tracker of a few thousand rows spans many
batches, many chunks of the file and a spilled text store."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from casr_tracker import cli, db, export_rules, transfer

from ..conftest import POSTGRES, ROOT, fresh_postgres_database, one_line_refusal

sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402


def _main(*args: str) -> int:
    return cli.main(list(args))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A tracker of ~10,000 rows: the benchmark corpus's shape (12 statements, 150 documents), a few
    originals, and changes made through the command line (events, logins, Unicode)."""
    path = tmp_path_factory.mktemp("streaming") / "built.sqlite3"
    corpus.build(path, statements=12, documents=150)
    url = f"sqlite:///{path}"
    for args in (
        ["status", "1/TRD-3", "in_progress", "--date", "2021-03-01"],
        ["assess", "1/TRD-3", "KZ", "1", "--date", "2021-03-01"],
        ["note", "1/TRD-3", "Ünïcode — “quotes”, <tags>, an emoji 😀 and a tab\there"],
        ["evidence", "add", "1/TRD-3", "--document", "1", "--quote", "Report 1"],
        ["evidence", "add", "2/ENR-1", "--url", "https://example.org/a?b=c&d"],
    ):
        assert cli.main(["--db", url, *args]) == 0, args
    with sqlite3.connect(path) as conn:
        rng = random.Random(7)
        for doc in range(1, 6):
            conn.execute("UPDATE document SET original = ? WHERE id = ?", (rng.randbytes(40_000), doc))
    conn.close()
    return path


@pytest.fixture
def tracker(built, tmp_path) -> Path:
    path = tmp_path / "source.sqlite3"
    shutil.copyfile(built, path)
    return path


@pytest.fixture
def small_batches(monkeypatch):
    from casr_tracker import exportfile

    monkeypatch.setattr(transfer, "BATCH_ROWS", 97)
    monkeypatch.setattr(transfer, "BATCH_BYTES", 48 << 10)
    monkeypatch.setattr(exportfile, "CHUNK", 4096)
    monkeypatch.setattr(export_rules, "TEXT_BUDGET", 64 << 10)  # the texts spill to their temporary file


def _export(url: str, path: Path) -> bytes:
    assert _main("--db", url, "export", "-o", str(path)) == 0
    return path.read_bytes()


def _rows(export: bytes) -> int:
    return sum(len(rows) for rows in json.loads(export)["tables"].values())


# --- exact round trips over many batches ------------------------------------------------------------


def test_export_and_import_json_round_trip_is_exact_over_many_batches(tracker, tmp_path, small_batches):
    first = _export(f"sqlite:///{tracker}", tmp_path / "first.json")
    data = json.loads(first)
    assert _rows(first) > 100 * transfer.BATCH_ROWS and len(first) > 200 * 4096  # many batches, many chunks
    engine = db.make_engine(f"sqlite:///{tracker}")
    with db.session_scope(engine, write=False) as session:
        whole = transfer.export_all(session)
    engine.dispose()
    assert first == json.dumps(whole, ensure_ascii=False, indent=1).encode("utf-8")  # what the export always was
    assert any(row["login"] for row in data["tables"]["event"])  # (a column added later travels too)

    target = tmp_path / "imported.sqlite3"
    assert _main("--db", f"sqlite:///{target}", "--empty", "import-json", str(tmp_path / "first.json")) == 0
    assert _export(f"sqlite:///{target}", tmp_path / "again.json") == first


def test_copy_sqlite_postgresql_sqlite_is_exact_over_many_batches(tracker, tmp_path, small_batches):
    if not POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("CASR_TEST_POSTGRES_URL is not set in CI")
        pytest.skip("no PostgreSQL server")
    first = _export(f"sqlite:///{tracker}", tmp_path / "first.json")
    back = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    databases = fresh_postgres_database()
    middle = next(databases)
    try:
        assert _main("copy", "--from", f"sqlite:///{tracker}", "--to", middle) == 0
        assert _export(middle, tmp_path / "middle.json") == first
        assert _main("copy", "--from", middle, "--to", back) == 0
    finally:
        next(databases, None)
    assert _export(back, tmp_path / "back.json") == first


# --- memory -----------------------------------------------------------------------------------------


def _peak(*args: str) -> int:
    """The most memory Python held (tracemalloc) while `casr-tracker ARGS` ran in this process."""
    tracemalloc.start()
    try:
        code = cli.main(list(args))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 0, args
    return peak


def _documents(path: Path, count: int, original: int) -> int:
    """An empty tracker with `count` documents of `original` bytes each (and a text): their size."""
    assert _main("--db", f"sqlite:///{path}", "--empty", "statements") == 0
    rng = random.Random(count)
    rows = [
        (n, f"Report {n}", f"Report {n}. " + "words of a report " * 400, f"{n:064x}", "", "", "", "2026-01-01 00:00:00")
        for n in range(1, count + 1)
    ]
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO document (id, title, text, sha256, author, url, source_name, imported_at, original) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, rng.randbytes(original)) for row in rows],
        )
    conn.close()
    return sum(len(row[2]) for row in rows) + count * original


def test_memory_stays_far_below_the_size_of_the_tracker(tmp_path, monkeypatch):
    """A 53 MB tracker (200 documents with 256 KB originals) exported, imported and copied: Python's
    peak grows by less than a fifth of the data over a one-document tracker's (batches of at most
    1 MB). Held whole, as before streaming, the rows alone would be over 50 MB, their JSON more."""
    monkeypatch.setattr(transfer, "BATCH_BYTES", 1 << 20, raising=False)
    small, big = tmp_path / "small.sqlite3", tmp_path / "big.sqlite3"
    _documents(small, 1, 256 << 10)
    size = _documents(big, 200, 256 << 10)
    assert size > 50e6

    def peaks(source: Path, name: str) -> tuple[int, int, int]:
        out = tmp_path / f"{name}.json"
        export = _peak("--db", f"sqlite:///{source}", "--empty", "export", "-o", str(out))  # (--empty: no seeds)
        imported = _peak(
            "--db", f"sqlite:///{tmp_path / f'{name}-imported.sqlite3'}", "--empty", "import-json", str(out)
        )
        copied = _peak(
            "copy", "--from", f"sqlite:///{source}", "--to", f"sqlite:///{tmp_path / f'{name}-copy.sqlite3'}"
        )
        return export, imported, copied

    peaks(small, "warm")  # (what is imported and cached on first use is not counted)
    baseline = peaks(small, "small")
    for what, peak, base in zip(("export", "import-json", "copy"), peaks(big, "big"), baseline, strict=True):
        assert peak - base < size / 5, f"{what}: {(peak - base) / 1e6:.0f} MB over the baseline for {size / 1e6:.0f} MB"


# --- refusals: nothing inserted ---------------------------------------------------------------------


def _tampered(path: Path, tamper) -> Path:
    data = json.loads(path.read_bytes())
    tamper(data["tables"])
    out = path.with_name("tampered.json")
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def _last_excerpt(tables: dict) -> dict:
    return next(row for row in reversed(tables["evidence"]) if row["document_id"] is not None)


LATE = [
    (
        "a reference",
        lambda t: t["note"][-1].update(pledge_id=99_999_999),
        lambda t: f"note {t['note'][-1]['id']} names pledge 99999999, which it does not hold",
    ),
    ("a value", lambda t: t["event"][-1].update(kind="x"), lambda t: f"event {t['event'][-1]['id']} has kind 'x'"),
    (
        "a quote",
        lambda t: _last_excerpt(t).update(start=_last_excerpt(t)["start"] + 1),
        lambda t: f"evidence {_last_excerpt(t)['id']} quotes what document",
    ),
    (
        "a value late, a reference early",  # (shapes are named before references, as a whole check did)
        lambda t: (t["pledge"][0].update(sphere_id=99_999_999), t["event"][-1].update(kind="x")),
        lambda t: f"event {t['event'][-1]['id']} has kind 'x'",
    ),
    (
        "a key out of order, repeated",
        lambda t: t["pledge_party"].insert(5, dict(t["pledge_party"][-1])),
        lambda t: f"pledge_party row 6 repeats pledge_id {t['pledge_party'][5]['pledge_id']} and party_id",
    ),
]


@pytest.mark.parametrize("tamper, says", [(t, s) for _, t, s in LATE], ids=[i for i, _, _ in LATE])
def test_a_bad_row_late_in_an_export_is_refused_and_nothing_imported(
    tracker, tmp_path, small_batches, run_file, tamper, says
):
    _export(f"sqlite:///{tracker}", tmp_path / "export.json")
    path = _tampered(tmp_path / "export.json", tamper)
    tables = json.loads(path.read_bytes())["tables"]
    target = tmp_path / "target.sqlite3"
    err = one_line_refusal(run_file(target, "--empty", "import-json", str(path)))
    assert err == f"casr-tracker: {path} is not a valid CASR Tracker export: {export_rules.first_problem(tables)}."
    assert says(tables) in err
    assert not target.exists()  # the whole file was checked before the tracker was opened
    empty = tmp_path / "empty.sqlite3"
    assert run_file(empty, "--empty", "statements")[0] == 0
    before = _export(f"sqlite:///{empty}", tmp_path / "before.json")
    one_line_refusal(run_file(empty, "--empty", "import-json", str(path)))
    assert _export(f"sqlite:///{empty}", tmp_path / "after.json") == before


def test_a_tracker_tampered_late_is_not_copied(tracker, tmp_path, small_batches, capsys):
    with sqlite3.connect(tracker) as conn:
        evidence = conn.execute("SELECT max(id) FROM evidence WHERE document_id IS NOT NULL").fetchone()[0]
        conn.execute("UPDATE evidence SET start = start + 1 WHERE id = ?", (evidence,))
    conn.close()
    target = tmp_path / "copy.sqlite3"
    capsys.readouterr()
    err = one_line_refusal(
        (cli.main(["copy", "--from", f"sqlite:///{tracker}", "--to", f"sqlite:///{target}"]), *capsys.readouterr())
    )
    assert f"cannot be copied: evidence {evidence} quotes what document" in err, err
    assert not target.exists()


def test_an_export_changed_between_its_check_and_its_import_is_rolled_back(tracker, tmp_path, small_batches):
    from casr_tracker.exportfile import ExportFile
    from casr_tracker.models import Pledge, Statement

    path = tmp_path / "export.json"
    _export(f"sqlite:///{tracker}", path)
    target = db.make_engine(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    db.upgrade(target)
    export = ExportFile(path)
    export.check()
    with path.open("a", encoding="utf-8") as handle:  # someone writes to it in between
        handle.write("\n")
    with pytest.raises(transfer.BadFile, match="changed while it was being imported"), db.session_scope(target) as s:
        transfer.import_file(s, export)
        assert s.connection().execute(Pledge.__table__.select()).first() is not None  # (rows were in)
    with db.session_scope(target, write=False) as s:
        assert s.connection().execute(Statement.__table__.select()).first() is None
    target.dispose()


# --- files of other shapes --------------------------------------------------------------------------


def test_an_export_in_another_order_or_encoding_imports_the_same(tmp_path, run_file):
    """Tables in another order, or one named twice, are read as a dict reads them (a pass per table);
    a UTF-16 export is decoded as before."""
    tracker = tmp_path / "seeded.sqlite3"
    assert run_file(tracker, "note", "TRD-3", "Ünïcode 😀")[0] == 0
    first = _export(f"sqlite:///{tracker}", tmp_path / "first.json")
    data = json.loads(first)
    reordered = {"tables": dict(reversed(list(data["tables"].items())))}  # the header after the tables
    reordered.update((key, value) for key, value in data.items() if key != "tables")
    shapes = {
        "reordered.json": json.dumps(reordered, indent=2).encode("utf-8"),  # tables last to first, ASCII escapes
        "utf16.json": codecs_bom_utf16(first),
        "twice.json": first.replace(b'"tables": {', b'"tables": {\n  "note": "not yet",', 1),  # the last value counts
    }
    for name, content in shapes.items():
        (tmp_path / name).write_bytes(content)
        target = tmp_path / f"{name}.sqlite3"
        code, out, err = run_file(target, "--empty", "import-json", str(tmp_path / name))
        assert code == 0, (name, err)
        assert _export(f"sqlite:///{target}", tmp_path / f"{name}.again.json") == first, name


def codecs_bom_utf16(text: bytes) -> bytes:
    return "\ufeff".encode("utf-16-le") + text.decode("utf-8").encode("utf-16-le")


@pytest.mark.parametrize(
    "value, says",
    [
        (2**63, "beyond what a database holds"),  # read exactly, past the fast parser's 64 bits
        ("\ud800", "has a lone surrogate in its text, which is not text"),
    ],
    ids=["64-bit overflow", "lone surrogate"],
)
def test_values_the_fast_parser_cannot_hold_are_read_exactly_and_refused(tracker, tmp_path, run_file, value, says):
    path = tmp_path / "export.json"
    data = json.loads(_export(f"sqlite:///{tracker}", path))
    data["tables"]["note"][-1].update({"text" if isinstance(value, str) else "id": value})
    path.write_text(json.dumps(data), encoding="utf-8")  # (ASCII: the surrogate as an escape)
    err = one_line_refusal(run_file(tmp_path / "target.sqlite3", "--empty", "import-json", str(path)))
    assert says in err, err


# --- the progress bar -------------------------------------------------------------------------------


def _stderr_of(args: list[str], *, terminal: bool) -> bytes:
    """What `casr-tracker ARGS` writes to its stderr: a terminal (a pty) or a pipe."""
    command = [sys.executable, "-m", "casr_tracker", *args]
    if not terminal:
        done = subprocess.run(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stderr
    import pty  # (POSIX)

    parent, child = pty.openpty()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=child)
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:  # (the terminal's other end closed)
            break
        if not chunk:
            break
        seen += chunk
    os.close(parent)
    assert process.wait(timeout=120) == 0, seen
    return seen


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
@pytest.mark.parametrize("what", ["Exporting", "Copying", "Importing"])
def test_a_progress_bar_on_a_terminal_and_nothing_else_otherwise(built, tmp_path, what):
    source, out, target = f"sqlite:///{built}", tmp_path / "export.json", tmp_path / "target.sqlite3"
    if what == "Importing":
        _export(source, out)
    args, says = {
        "Exporting": (["--db", source, "export", "-o", str(out)], f"Exported to {out}\n".encode()),
        "Copying": (["copy", "--from", source, "--to", f"sqlite:///{target}"], b""),
        "Importing": (["--db", f"sqlite:///{target}", "--empty", "import-json", str(out)], b""),
    }[what]
    shown = _stderr_of(args, terminal=True)
    assert f"\r{what} [".encode() in shown and b"%" in shown and b" rows" in shown, shown[-300:]
    last = shown[shown.rindex(f"\r{what} [".encode()) :]  # the last drawing, then erased before the message
    assert re.fullmatch(rb"\r\w+ \[[#-]+\][^\r]*\r +\r" + re.escape(says.replace(b"\n", b"\r\n")), last), last
    for path in tmp_path.glob("target.sqlite3*"):
        path.unlink()
    assert _stderr_of(args, terminal=False) == says  # a file or a pipe gets no bar

"""What an adversarial round found (issue 16): data lost, success reported with the output lost, and
tracebacks. Each test is a reproduction from that round, run on a real SQLite tracker file."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy.event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from casr_tracker import atomic, cli
from casr_tracker.reports import publishers

from ..conftest import STATEMENT, one_line_refusal

FORMATS = ["md", "csv", "html", "xlsx", "pdf"]
TITLE = "Joint Statement of the Foreign Ministers of the Central Asia + Russia format"


@pytest.fixture
def tracker(tmp_path) -> Path:
    return tmp_path / "tracker.sqlite3"


@pytest.fixture
def run(tracker, run_file):
    """`casr-tracker --db <a SQLite file> ARGS` in-process: (code, stdout, stderr)."""
    return lambda *args: run_file(tracker, *args)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((atomic.PREFIX, ".report-")))


# --- data lost --------------------------------------------------------------------------------------


def test_a_backup_onto_the_tracker_itself_is_refused_and_the_tracker_kept(run, tracker, tmp_path):
    assert run("status", "TRD-1", "in_progress")[0] == 0
    size = tracker.stat().st_size
    (tmp_path / "alias").symlink_to(tracker)
    for target in (tracker, tmp_path / "alias", Path(f"{tracker}-wal")):
        err = one_line_refusal(run("backup", str(target), "--force"))
        assert "is the tracker itself" in err
    assert tracker.stat().st_size == size
    assert run("history", "TRD-1")[1].count("In progress") == 1


def test_a_backup_replacing_an_older_one_is_whole(run, tmp_path, capsys):
    target = tmp_path / "backup.sqlite3"
    assert run("pledges")[0] == 0  # the tracker, seeded
    assert run("backup", str(target))[0] == 0
    assert run("status", "TRD-2", "in_progress")[0] == 0
    assert run("backup", str(target), "--force")[0] == 0
    assert cli.main(["--db", f"sqlite:///{target}", "pledges", "--status", "in_progress"]) == 0
    assert "TRD-2" in capsys.readouterr().out  # the new backup, whole
    assert temporaries(tmp_path) == []


def test_an_import_that_would_retire_pledges_asks_first_and_the_original_brings_them_back(run, tmp_path):
    assert run("status", "TRD-1", "in_progress", "--comment", "work begun")[0] == 0
    short = tmp_path / "short.txt"
    short.write_text(f"{TITLE}\n\nTrade\n\nWe will cooperate on trade.\n", encoding="utf-8")
    err = one_line_refusal(run("import-statement", str(short), "--title", TITLE))
    assert "would retire 41 pledges" in err and "--confirm" in err
    assert len(run("pledges", "--json")[1]) > 0 and run("pledges", "--statement", "1")[0] == 0
    code, out, _ = run("import-statement", str(short), "--title", TITLE, "--dry-run")
    assert code == 0 and "gone: GEN-1" in out
    code, out, _ = run("import-statement", str(short), "--title", TITLE, "--confirm")
    assert code == 0 and "41 gone" in out
    code, out, _ = run("import-statement", str(STATEMENT), "--title", TITLE)  # the original again
    assert code == 0
    code, out, _ = run("history", "TRD-1")
    assert code == 0 and "In progress: work begun" in out  # its ref and its history back


# --- success reported, output lost --------------------------------------------------------------------


@pytest.mark.parametrize("target_kind", ["folder", "fifo", "missing folder"])
def test_report_targets_that_are_no_file_are_refused(run, tmp_path, target_kind):
    target = {"folder": tmp_path, "fifo": tmp_path / "pipe.md", "missing folder": tmp_path / "no" / "r.md"}[target_kind]
    if target_kind == "fifo":
        os.mkfifo(target)
    one_line_refusal(run("report", "-o", str(target), "--format", "md"))
    if target_kind == "fifo":
        assert stat.S_ISFIFO(target.stat().st_mode)  # not replaced by a file
    assert temporaries(tmp_path) == []


def mount_tmpfs(mount_point: Path, size: str) -> None:
    """A file system of `size` at `mount_point` (a new folder): needs the root CI runs as."""
    mount_point.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], capture_output=True
    )
    if made.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"CI could not mount a tmpfs: {made.stderr.decode().strip()}")
        pytest.skip("mounting a tmpfs needs root")


@pytest.fixture
def small_disk(tmp_path):
    """A 96 KiB file system (tmpfs), as a full disk."""
    mount_point = tmp_path / "disk"
    mount_tmpfs(mount_point, "96k")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_on_a_full_disk_fails_and_keeps_the_previous_file(run, small_disk, fmt):
    previous = small_disk / f"report.{fmt}"
    previous.write_bytes(b"the previous good report\n")
    filler = small_disk / "filler"
    with contextlib.suppress(OSError), open(filler, "wb") as handle:  # the disk is full now
        while True:
            handle.write(b"x" * 4096)
            handle.flush()
    err = one_line_refusal(run("report", "-o", str(previous)))
    assert f"could not be written to {previous}" in err and "No space left" in err
    assert previous.read_bytes() == b"the previous good report\n"
    assert temporaries(small_disk) == []


def test_an_export_on_a_full_disk_fails_and_keeps_the_previous_export(run, small_disk):
    previous = small_disk / "export.json"
    previous.write_text('{"previous": true}', encoding="utf-8")
    err = one_line_refusal(run("export", "-o", str(previous)))  # an export is larger than the disk
    assert "could not be written" in err
    assert previous.read_text(encoding="utf-8") == '{"previous": true}'
    assert temporaries(small_disk) == []


def test_a_writer_that_fails_leaves_the_previous_report(run, tmp_path, monkeypatch):
    """ENOSPC raised by the writer itself (where a tmpfs cannot be mounted, this still runs)."""
    previous = tmp_path / "report.md"
    previous.write_text("previous", encoding="utf-8")

    def full(self, report, path):
        Path(path).write_text("half a rep", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publishers.Publisher, "write", full)
    err = one_line_refusal(run("report", "-o", str(previous)))
    assert "No space left on device" in err
    assert previous.read_text(encoding="utf-8") == "previous" and temporaries(tmp_path) == []


def test_temporaries_left_by_killed_writers_are_swept_on_the_next_write(run, tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that no longer runs
    stale = tmp_path / f"{atomic.PREFIX}{gone.pid}-0123456789ab.pdf"
    legacy = tmp_path / ".report-0123456789ab.pdf"  # what reports left before their names said whose
    alive = tmp_path / f"{atomic.PREFIX}{os.getppid()}-0123456789ab.pdf"  # a writer still at work
    for path in (stale, legacy, alive):
        path.write_bytes(b"%PDF-1.4 half")
    os.utime(legacy, (1, 1))
    assert run("report", "-o", str(tmp_path / "report.md"))[0] == 0
    assert not stale.exists() and not legacy.exists() and alive.exists()


def test_a_killed_report_leaves_nothing_the_next_run_keeps(tracker, tmp_path):
    """kill -9 while a PDF is written: the temporary may stay, the next report removes it."""
    url = f"sqlite:///{tracker}"
    assert cli.main(["--db", url, "pledges", "--json"]) == 0  # seeded
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "casr_tracker", "--db", url, "report", "-o", str(tmp_path / "r.pdf")]
    for delay in (0.8, 1.2, 1.6):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=delay)
        process.kill()
        process.wait()
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert temporaries(tmp_path) == []
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_a_change_is_said_saved_only_once_committed(run, monkeypatch, request):
    assert run("pledges")[0] == 0  # the tracker, seeded (its own commits must go through)

    committing = Session.commit

    def failing_commit(self):  # the disk fails as a change is committed (reads still commit)
        self.flush()
        if self.info.get("wrote"):
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))
        committing(self)

    def wrote(session, _context) -> None:
        session.info["wrote"] = True

    sqlalchemy.event.listen(Session, "after_flush", wrote)
    request.addfinalizer(lambda: sqlalchemy.event.remove(Session, "after_flush", wrote))

    monkeypatch.setattr(Session, "commit", failing_commit)
    for args in (("status", "TRD-1", "in_progress"), ("note", "TRD-1", "a note"), ("assess", "TRD-1", "KZ", "1")):
        code, out, err = run(*args)
        assert code == 2 and out == "", (args, out)
        assert "disk I/O error" in err or "could not" in err
    monkeypatch.undo()
    assert "In progress" not in run("history", "TRD-1")[1]


# --- tracebacks and wrong input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("status", "²/TRD-1", "in_progress"),
        ("status", "99999999999999999999/TRD-1", "in_progress"),
        ("pledges", "--statement", "99999999999999999999"),
        ("report", "-o", "r.md", "--statement", "١٢"),
        ("status", "TRD-1", "in_progress", "--expect-version", "99999999999999999999"),
        ("suggest", "99999999999999999999"),
        ("evidence", "withdraw", "99999999999999999999"),
        ("status", "TRD-1", "in_progress", "--date", "2020-13-01"),
        ("status", "TRD-1", "in_progress", "--date", "-1"),
        ("status", "TRD-1", "in_progress", "--date", "10"),
    ],
)
def test_numbers_and_dates_no_one_can_mean_are_one_line(run, args, tracker):
    run("pledges")  # seeded first, so the snapshot below is of a tracker
    before = tracker.read_bytes()
    one_line_refusal(run(*args))
    assert "In progress" not in run("history", "TRD-1")[1]
    assert len(before) > 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_as_of_the_last_day_a_date_can_name(run, tmp_path, fmt):
    code, out, err = run("report", "-o", str(tmp_path / f"far.{fmt}"), "--as-of", "9999-12-31")
    assert code == 0, err
    assert "as of 9999-12-31" in out


def test_a_windows_console_gets_its_change_and_a_readable_line(tracker):
    url = f"sqlite:///{tracker}"
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run(
        [sys.executable, "-m", "casr_tracker", "--db", url, "status", "TRD-3", "in_progress"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert b"TRD-3: not_assessed ? in_progress" in done.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "casr_tracker", "--db", url, "pledges", "--status", "in_progress"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "TRD-3" in listed.stdout


def test_an_empty_db_is_refused_and_opens_nothing(tmp_path, capsys):
    code = cli.main(["--db", "", "pledges"])
    err = capsys.readouterr().err
    assert code == 2 and "--db is empty" in err
    assert not (tmp_path / "xdg-data").exists() or not any((tmp_path / "xdg-data").rglob("*.sqlite3"))


def test_copy_from_a_misspelt_file_creates_nothing(tmp_path, capsys):
    typo, target = tmp_path / "typo.sqlite3", tmp_path / "new.sqlite3"
    code = cli.main(["copy", "--from", f"sqlite:///{typo}", "--to", f"sqlite:///{target}"])
    assert code == 2 and "does not exist" in capsys.readouterr().err
    assert not typo.exists() and not target.exists()


def test_a_tracker_on_a_read_only_disk_is_read_and_refuses_changes(run, tmp_path, capsys):
    """docs/bad-input.md: "PATH is read-only; changes cannot be saved. (reading still works)" — on a
    read-only file system the tracker could not even be opened (SQLite's WAL index cannot be made)."""
    assert run("status", "TRD-1", "in_progress")[0] == 0
    source = tmp_path / "tracker.sqlite3"
    disk = tmp_path / "ro"
    mount_tmpfs(disk, "4m")
    try:
        assert cli.main(["--db", f"sqlite:///{source}", "backup", str(disk / "t.sqlite3")]) == 0
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        url = f"sqlite:///{disk / 't.sqlite3'}"
        capsys.readouterr()
        assert cli.main(["--db", url, "pledges", "--status", "in_progress"]) == 0
        assert "TRD-1" in capsys.readouterr().out
        assert cli.main(["--db", url, "check"]) == 0
        assert cli.main(["--db", url, "report", "-o", str(tmp_path / "r.md")]) == 0
        assert cli.main(["--db", url, "status", "TRD-2", "in_progress"]) == 2
        assert capsys.readouterr().err.strip().endswith("is read-only; changes cannot be saved.")
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_report_replacing_a_file_keeps_its_mode_and_writes_through_a_link(run, tmp_path):
    private = tmp_path / "private.md"
    private.write_text("old", encoding="utf-8")
    private.chmod(0o600)
    link = tmp_path / "link.md"
    link.symlink_to(private)
    assert run("report", "-o", str(private))[0] == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600  # a private report stays private
    assert run("report", "-o", str(link))[0] == 0
    assert link.is_symlink() and private.read_text(encoding="utf-8").startswith("#")
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize("free_kib", [16, 48])
def test_a_pdf_on_a_nearly_full_disk_fails_and_keeps_the_previous_file(run, small_disk, free_kib):
    """With a little room left, Qt wrote part of the PDF, said nothing, and "Wrote" replaced the
    previous good report with a cut one."""
    previous = small_disk / "report.pdf"
    previous.write_bytes(b"the previous good report\n")
    with open(small_disk / "filler", "wb") as handle:
        handle.write(b"x" * ((96 - free_kib) * 1024 - previous.stat().st_size - 8192))
    err = one_line_refusal(run("report", "-o", str(previous)))
    assert f"could not be written to {previous}" in err
    assert previous.read_bytes() == b"the previous good report\n"
    assert temporaries(small_disk) == []


def test_an_export_to_a_console_that_is_not_utf8_loses_nothing(tracker, tmp_path):
    url = f"sqlite:///{tracker}"
    assert cli.main(["--db", url, "note", "TRD-1", "Привет 中文 😀"]) == 0
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run(
        [sys.executable, "-m", "casr_tracker", "--db", url, "export"], env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Привет 中文 😀" in done.stdout.decode("utf-8")


def test_a_backup_on_a_read_only_disk_is_restored_and_a_read_only_tracker_backed_up(run, run_file, tmp_path):
    disk = tmp_path / "ro"
    mount_tmpfs(disk, "4m")
    try:
        assert run("status", "TRD-1", "in_progress")[0] == 0
        assert run("backup", str(disk / "b.sqlite3"))[0] == 0
        assert not (disk / "b.sqlite3-wal").exists()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        assert run("restore", str(disk / "b.sqlite3"), "--force")[0] == 0
        assert "In progress" in run("history", "TRD-1")[1]
        code, out, err = run_file(disk / "b.sqlite3", "backup", str(tmp_path / "again.sqlite3"))
        assert code == 0, err
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_link_into_proc_or_dev_is_no_place_for_a_report(run, tmp_path):
    out = tmp_path / "out"
    out.symlink_to("/proc/self/fd/1")
    one_line_refusal(run("export", "-o", str(out)))
    assert out.is_symlink()


@pytest.mark.parametrize(
    "url", ["sqlite:///{dir}/t.sqlite3?mode=ro", "sqlite:///{dir}/t.sqlite3?timeout=abc", "postgresql://x@h:port/db"]
)
def test_database_urls_the_driver_would_choke_on_are_one_line(url, tmp_path, capsys):
    code = cli.main(["--db", url.replace("{dir}", str(tmp_path)), "note", "TRD-1", "x"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "URL" in err
    assert not (tmp_path / "t.sqlite3").exists()


def test_an_option_value_after_a_double_dash_is_no_traceback(run):
    for args in (("note", "TRD-1", "--", "--"), ("status", "TRD-1", "--", "--"), ("assess", "TRD-1", "--", "--", "1")):
        one_line_refusal(run(*args))

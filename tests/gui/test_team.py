"""Two analysts, one database: live refresh, stale edits offered back, the analyst's name."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlmodel import select

from casr_tracker import db, services
from casr_tracker.gui.app import open_window
from casr_tracker.gui.qt import QSettings
from casr_tracker.models import Note, StatusChange

from ..conftest import fresh_postgres_database, require_postgres


def other_analyst(url: str, *args: str) -> None:
    """Another analyst's process changes the shared database."""
    result = subprocess.run(
        [sys.executable, "-m", "casr_tracker", "--db", url, "--user", "bob", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def status_in_table(window, ref: str) -> str:
    return next(r.status for r in window.pledges.table_model.rows() if r.ref == ref)


def test_changes_by_another_process_appear_within_seconds(win, qtbot, db_url):
    win.watcher.timer.setInterval(300)
    win.pledges.select_ref("TRD-3")
    other_analyst(db_url, "status", "TRD-3", "fulfilled", "--comment", "from bob")
    qtbot.waitUntil(lambda: status_in_table(win, "TRD-3") == "fulfilled", timeout=5000)
    assert win.detail.status_badge.text() == "Fulfilled"
    assert "bob" in win.detail.history_list.item(0).text()
    assert "outside this window" in win.statusBar().currentMessage()


def test_own_changes_do_not_count_as_outside_changes(win, qtbot):
    heard = []
    win.watcher.outside_change.connect(heard.append)
    win.set_status_of([win.pledges.table_model.rows()[0].id], "in_progress")
    win.watcher.check()
    assert heard == []


def test_postgresql_notify_refreshes_without_polling(qtbot, tmp_path):
    require_postgres()
    database = fresh_postgres_database()
    url = next(database)
    try:
        window = open_window(url, user="ana", settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.is_loaded, timeout=30000)
        window.watcher.timer.setInterval(600000)  # only the NOTIFY can bring the news in time
        qtbot.wait(500)  # the listener connects
        other_analyst(url, "status", "SNT-4", "in_progress")
        qtbot.waitUntil(lambda: status_in_table(window, "SNT-4") == "in_progress", timeout=8000)
        window.close()
        window.tracker.engine.dispose()
    finally:
        next(database, None)


def test_a_stale_edit_is_offered_back_and_reapplied(win, qtbot, db_url):
    win.watcher.stop()  # the window does not hear about bob's change before ana acts
    win.pledges.select_ref("TRD-3")
    other_analyst(db_url, "status", "TRD-3", "stalled", "--comment", "bob's view")
    asked = []
    win.ask_reapply = lambda message: asked.append(message) or True
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("in_progress"))
    d.status_comment.setText("ana's view")
    d.record_status()
    assert asked and "TRD-3 was changed by bob" in asked[0]
    changes = win.tracker.read(lambda s: s.exec(select(StatusChange).order_by(StatusChange.id)).all())
    assert [(c.who, c.new) for c in changes] == [("bob", "stalled"), ("tester", "in_progress")]
    assert changes[1].old == "stalled"  # applied on top of bob's change, nothing lost
    assert status_in_table(win, "TRD-3") == "in_progress"


def test_a_stale_edit_can_be_dropped(win, db_url):
    win.watcher.stop()
    win.pledges.select_ref("ENV-2")
    other_analyst(db_url, "status", "ENV-2", "stalled")
    win.ask_reapply = lambda message: False
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("fulfilled"))
    d.record_status()
    changes = win.tracker.read(lambda s: s.exec(select(StatusChange)).all())
    assert [(c.who, c.new) for c in changes] == [("bob", "stalled")]
    assert status_in_table(win, "ENV-2") == "stalled" and d.detail.pledge.status == "stalled"


def test_the_analysts_name_is_recorded_and_remembered(open_win):
    window = open_win()
    assert window.set_user("  Ana   Petrova ")
    window.set_status_of([window.pledges.table_model.rows()[0].id], "not_started")
    who = window.tracker.read(lambda s: s.exec(select(StatusChange)).one().who)
    assert who == "Ana Petrova" and window.user_label.text() == "You: Ana Petrova"
    assert not window.set_user("   ") and "cannot be empty" in window.last_message
    window.close()
    assert open_win().tracker.user == "Ana Petrova"


def test_notes_edited_elsewhere_are_not_overwritten(win, qtbot, db_url):
    win.pledges.select_ref("CLT-3")
    win.detail.note_edit.setPlainText("ana's first text")
    win.detail.save_note()
    note_id = win.detail.note_id
    with db.session_scope(win.tracker.engine) as s:  # bob edits the same note from his desk
        services.edit_note(session=s, note=s.get(Note, note_id), text="bob's text")
    win.ask_reapply = lambda message: False
    win.watcher.stop()
    win.detail.note_edit.setPlainText("ana's second text")
    win.detail.save_note()
    assert win.tracker.read(lambda s: s.get(Note, note_id).text) == "bob's text"


def test_a_database_the_window_cannot_open_is_a_message(qtbot, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database " * 100)
    window = open_window(f"sqlite:///{junk}", settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(window.open_error), timeout=20000)
    assert window.last_message == f"{junk} is not a CASR Tracker database (the file is not a database)."
    assert junk.read_text().startswith("not a database")


def test_dropped_files_that_are_not_text_are_named_and_skipped(win, qtbot, tmp_path):
    from casr_tracker.gui.qt import QDropEvent, QMimeData, QPoint, Qt, QUrl

    good, bad = tmp_path / "good.txt", tmp_path / "bad.bin"
    good.write_text("A good article\nBy Ann Lee May 5, 2021\nRussia opened a migrant centre.\n", encoding="utf-8")
    bad.write_bytes(bytes(range(256)) * 10)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good)), QUrl.fromLocalFile(str(bad))])
    win.dropEvent(
        QDropEvent(
            QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
    )
    qtbot.waitUntil(lambda: bool(getattr(win.documents, "last_import_errors", None)), timeout=10000)
    assert win.documents.last_import_errors == [f"{bad} is a binary file, not text."]
    assert win.documents.model.rowCount() == 5


def test_daily_backup_when_the_window_opens(win, qtbot, tmp_path):
    folder = tmp_path / "backups"
    qtbot.waitUntil(lambda: len(list(folder.glob("tracker-daily-*.sqlite3"))) == 1, timeout=10000)


def test_a_screenshot_makes_no_backup(tmp_path, db_url, qapp):
    from casr_tracker import cli

    assert cli.main(["--db", db_url, "gui", "--screenshot", str(tmp_path / "w.png")]) == 0
    assert not (tmp_path / "backups").exists()


def test_a_change_from_elsewhere_shows_when_this_window_writes_before_its_next_poll(win, qtbot, db_url):
    """Another analyst records a status; before the window's next poll, this analyst records one: the
    window shows both (its own write does not hide the other's)."""
    from .person import click
    from .test_by_hand import click_ref

    win.watcher.stop()  # no poll in between: only this window's own write can reveal the other change
    other_analyst(db_url, "status", "TRD-5", "stalled")
    announced = []
    win.tracker.changed.connect(lambda changes: announced.append(set(changes.kinds)))
    click_ref(qtbot, win, "TRD-3")
    d = win.detail
    d.status_combo.setCurrentIndex(d.status_combo.findData("in_progress"))
    click(qtbot, d.status_button)
    assert status_in_table(win, "TRD-3") == "in_progress"
    assert status_in_table(win, "TRD-5") == "stalled"
    assert announced[-1] == {
        "status",
        "assessment",
        "evidence",
        "note",
        "document",
        "statement",
        "suggestion",
        "keywords",
    }

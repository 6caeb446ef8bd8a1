"""A viewer's window on a team database (issue 17): everything to read, nothing to record; an
analyst's window records under the login the server knows."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtTest import QTest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casr_tracker import team
from casr_tracker.gui.app import open_window
from casr_tracker.gui.qt import QApplication, QDialog, QSettings, Qt
from casr_tracker.seeding import open_tracker

from ..conftest import POSTGRES, fresh_postgres_database, require_postgres
from .person import click, press, type_into


@pytest.fixture
def logins():
    """A seeded team database with a viewer and an analyst: {role: URL}."""
    require_postgres()
    database = fresh_postgres_database()
    url = next(database)
    owner = open_tracker(url)
    tag = uuid.uuid4().hex[:6]
    names = {role: f"gui_{role}_{tag}" for role in ("viewer", "analyst")}
    for role, login in names.items():
        team.add_user(owner, login, role, "a password")
    owner.dispose()
    yield {
        role: make_url(url).set(username=login, password="a password").render_as_string(hide_password=False)
        for role, login in names.items()
    } | {"owner": url, **{f"{r}_login": n for r, n in names.items()}}
    next(database, None)
    superuser = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with superuser.connect() as connection:
        for login in names.values():
            connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        for role in team.ROLES:
            connection.execute(text(f'DROP ROLE IF EXISTS "{team.group(make_url(url).database, role)}"'))
    superuser.dispose()


def _open(qtbot, url, settings_path):
    window = open_window(url, user="Dana", settings=QSettings(settings_path, QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.show()
    qtbot.waitUntil(lambda: window.is_loaded or bool(window.open_error), timeout=30000)
    assert not window.open_error, window.open_error
    return window


def _status(url: str, ref: str):
    engine = create_engine(url)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT p.status, s.who, s.login FROM pledge p LEFT JOIN status_change s ON s.pledge_id = p.id "
                "WHERE p.ref = :ref ORDER BY s.id DESC LIMIT 1"
            ),
            {"ref": ref},
        ).one()
    engine.dispose()
    return tuple(row)


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return found


def test_a_viewer_sees_every_pledge_and_no_way_to_change_one(qtbot, logins, settings_path):
    window = _open(qtbot, logins["viewer"], settings_path)
    assert window.windowTitle() == "CASR Tracker — read only"
    assert window.user_label.text() == f"You: Dana (login {logins['viewer_login']}) · viewer (read only)"
    assert window.read_only_banner.isVisible()
    assert window.read_only_banner.text().startswith("Read only: you are a viewer of this tracker.")
    assert window.pledges.table_model.rowCount() == 41
    assert window.pledges.select_ref("TRD-1")
    detail = window.detail
    assert detail.status_badge.text() == "Not assessed"  # the status is shown …
    for hidden in (
        detail.status_button,
        detail.status_combo,
        detail.scores_button,
        detail.new_note_button,
        detail.retract_button,
        detail.evidence.add_link_button,
        detail.evidence.keywords_button,
    ):
        assert not hidden.isVisible()  # … and nothing that would record one is
    assert detail.note_edit.isReadOnly()
    menu = {a.text().replace("&", ""): a for top in window.menuBar().actions() for a in top.menu().actions()}
    assert not menu["Import statement…"].isVisible() and not menu["Set status of selected pledges…"].isVisible()
    assert menu["Export report…"].isVisible() and menu["Print report…"].isVisible()

    # the keys of what is hidden do nothing; Ctrl+Return in the detail says why
    window.pledges.table.setFocus()
    press(qtbot, window, "Ctrl+Shift+O")  # Import statement…
    press(qtbot, window, "Ctrl+Shift+S")  # Set status of selected pledges…
    qtbot.wait(300)
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()] == []
    detail.note_edit.setFocus()
    press(qtbot, window, "Ctrl+Return")
    assert detail.status_error.isVisible()
    assert detail.status_error.text() == team.READ_ONLY
    assert _status(logins["owner"], "TRD-1")[0] == "not_assessed"

    # F1 lists only the keys that do something here
    press(qtbot, window, "F1")
    qtbot.waitUntil(lambda: getattr(window, "shortcuts_box", None) is not None and window.shortcuts_box.isVisible())
    listed = window.shortcuts_box.text()
    assert "Print report" in listed and "Import statement" not in listed and "Record the status" not in listed
    window.shortcuts_box.close()

    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.documents.table.model().rowCount() > 0, timeout=10000)
    assert not window.documents.import_button.isVisible()
    assert window.documents.selection_info.text() == "You can read this tracker but not change it."

    # the suggestions are there to read; their decision keys only say why they do nothing
    window.documents.show_document(1)
    panel = window.documents.suggestions
    qtbot.waitUntil(lambda: not panel.loading and panel.model.rowCount() > 0, timeout=15000)
    assert not panel.accept_button.isVisible()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    panel.tree.setFocus()
    panel.tree.setCurrentIndex(panel.model.index(0, 0))
    for key in (Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_O, Qt.Key.Key_Return):
        window.statusBar().clearMessage()
        QTest.keyClick(panel.tree, key)
        assert window.statusBar().currentMessage() == team.READ_ONLY, key
    qtbot.wait(200)
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()] == []
    assert _count(logins["owner"], "evidence") == _count(logins["owner"], "suggestion_decision") == 0


def test_an_analysts_status_is_recorded_under_their_login(qtbot, logins, settings_path):
    window = _open(qtbot, logins["analyst"], settings_path)
    assert window.windowTitle() == "CASR Tracker"
    assert window.user_label.text() == f"You: Dana (login {logins['analyst_login']}) · analyst"
    assert not window.read_only_banner.isVisible()
    menu = {a.text().replace("&", ""): a for top in window.menuBar().actions() for a in top.menu().actions()}
    assert not menu["Import statement…"].isVisible()  # an admin's
    assert not menu["Correct how the pledge was read…"].isVisible()
    assert menu["Set status of selected pledges…"].isVisible() and menu["Import documents…"].isVisible()
    assert window.pledges.select_ref("TRD-2")
    detail = window.detail
    detail.status_combo.setCurrentIndex(detail.status_combo.findData("in_progress"))
    type_into(qtbot, detail.status_comment, "talks began")
    click(qtbot, detail.status_button)
    qtbot.waitUntil(lambda: detail.status_badge.text() == "In progress", timeout=10000)
    assert _status(logins["owner"], "TRD-2") == ("in_progress", "Dana", logins["analyst_login"])
    assert f"Dana (login {logins['analyst_login']})" in detail.history_list.item(0).text()

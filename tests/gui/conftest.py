"""GUI fixtures: a real window on a real seeded SQLite file, with its own settings file."""

from __future__ import annotations

import pytest

from casr_tracker.gui.app import open_window
from casr_tracker.gui.qt import QSettings


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """The user's home folder, where the window proposes to save reports: a throw-away one."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    return path


@pytest.fixture
def settings_path(tmp_path):
    return str(tmp_path / "settings.ini")


@pytest.fixture
def open_win(qtbot, db_url, settings_path):
    """Open a window (and wait for its data); can be called again to reopen after a close."""
    windows = []

    def _open(select: str | None = None):
        window = open_window(
            db_url, user="tester", settings=QSettings(settings_path, QSettings.Format.IniFormat), select=select
        )
        qtbot.addWidget(window)
        window.resize(1500, 950)
        window.show()
        qtbot.waitUntil(lambda: window.is_loaded or bool(window.open_error), timeout=30000)
        windows.append(window)
        return window

    yield _open
    for window in windows:
        window.tracker.engine.dispose() if window.tracker.engine else None


@pytest.fixture
def win(open_win):
    return open_win()


@pytest.fixture
def db_url(tmp_path) -> str:
    """The window's tests run on SQLite; the core and CLI suites cover PostgreSQL."""
    return f"sqlite:///{tmp_path / 'tracker.sqlite3'}"

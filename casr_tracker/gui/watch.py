"""Live refresh: notice changes other analysts (other processes) made to the same database.

Every committed change moves the data revision (changes.py). The window polls that
counter cheaply; on PostgreSQL it also LISTENs for the NOTIFY sent with each change, so it hears
about it at once instead of at the next poll.
"""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from .. import services
from .ops import Tracker
from .qt import QObject, QTimer, Signal

POLL_MS = 2000


class ChangeWatcher(QObject):
    """Emits `outside_change` when the data revision moved without this window writing."""

    outside_change = Signal(int)
    _heard = Signal()

    def __init__(self, tracker: Tracker, parent: QObject | None = None, poll_ms: int = POLL_MS):
        super().__init__(parent)
        self.tracker = tracker
        self.timer = QTimer(self, interval=poll_ms)
        self.timer.timeout.connect(self.check)
        self._heard.connect(self.check)
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None

    def start(self) -> None:
        if self.tracker.engine is None:
            return
        self.tracker.known_revision = self.tracker.read(services.data_revision)
        self.timer.start()
        if self.tracker.engine.dialect.name == "postgresql":
            self._listener = threading.Thread(target=self._listen, args=(self.tracker.engine,), daemon=True)
            self._listener.start()

    def stop(self) -> None:
        self.timer.stop()
        self._stop.set()

    def check(self) -> None:
        """Read the revision; if someone else changed the data, say so (once per change)."""
        if self.tracker.engine is None:
            return
        try:
            revision = self.tracker.read(services.data_revision)
        except Exception:  # the database is busy or gone for a moment: try again at the next tick
            return
        if revision != self.tracker.known_revision:
            self.tracker.known_revision = revision
            self.outside_change.emit(revision)

    def _listen(self, engine: Engine) -> None:
        """On PostgreSQL: LISTEN on its own connection and wake the GUI thread on each NOTIFY."""
        try:
            import psycopg

            url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"LISTEN {services.NOTIFY_CHANNEL}")
                while not self._stop.is_set():
                    for _notice in conn.notifies(timeout=1.0, stop_after=1):
                        self._heard.emit()
        except Exception:  # polling still works without the listener
            return

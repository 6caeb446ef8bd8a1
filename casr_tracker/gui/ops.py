"""The window's handle on the tracker: reads, writes that announce what the core says changed, and
background jobs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import shiboken6
from sqlalchemy.engine import Engine
from sqlmodel import Session

from .. import db, team
from ..changes import Changes
from ..errors import StorageError
from .qt import QObject, QRunnable, QThreadPool, Signal


class Tracker(QObject):
    """Runs core calls in their own transaction and tells the views what the core says changed."""

    changed = Signal(object)  # changes.Changes
    failed = Signal(str)  # one sentence for the user
    conflict = Signal(object, str)  # the command refused as stale, and why

    def __init__(self, engine: Engine | None, user: str, parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self.user = user
        #: what this login may do here (team.role_of): a viewer's window writes nothing
        self.role = "admin"
        #: the login the server records changes under (PostgreSQL; None on a file)
        self.login: str | None = None
        #: the data revision this window has seen (its own writes included)
        self.known_revision = -1
        #: what the last write changed (its events are what an undo of it reverses)
        self.last_changes = Changes()

    def read(self, fn: Callable[[Session], Any]) -> Any:
        with db.session_scope(self.engine, write=False) as session:
            return fn(session)

    def write(self, fn: Callable[[Session], Any]) -> Any:
        """Run `fn` in one transaction; announce what it changed once it committed. Errors propagate."""
        self._may_write()
        written = db.write(self.engine, fn)
        self._announce(written)
        return written.result

    @property
    def read_only(self) -> bool:
        return self.role == "viewer"

    def _may_write(self) -> None:
        """A viewer's window does not ask the server for what it will refuse (it would, too)."""
        if self.read_only:
            raise StorageError(team.READ_ONLY)

    def _announce(self, written: db.Written) -> None:
        # someone else wrote since this window last looked: what they changed is not known, so all of it
        outside = self.known_revision >= 0 and written.before != self.known_revision
        self.known_revision = written.revision  # the watcher does not take it for someone else's
        self.last_changes = written.changes
        if written.changes:
            self.changed.emit(written.changes)
        if outside:
            self.changed.emit(Changes.everything())

    def write_in_background(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Job:
        """`write`, off the GUI thread (Anki's CollectionOp): `fn(session)` (or `fn(session,
        progress)`) runs in one transaction on the thread pool; back on the GUI thread what it
        changed is announced, then `on_done(result)` runs."""
        engine, may_write = self.engine, self._may_write

        def work(*progress):
            may_write()
            return db.write(engine, lambda session: fn(session, *progress))

        def done(written: db.Written) -> None:
            self._announce(written)
            on_done(written.result)

        return run_in_background(work, done, on_failed, on_progress)


class _JobSignals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class Job(QRunnable):
    """A callable run on the thread pool; `fn` may take a `progress(done, total)` callback."""

    def __init__(self, fn: Callable[..., Any], with_progress: bool = False):
        super().__init__()
        self.fn = fn
        self.with_progress = with_progress
        self.signals = _JobSignals()

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit) if self.with_progress else self.fn()
        except Exception as error:  # reported to the window, which shows CasrErrors as messages
            self._tell(self.signals.failed, error)
        else:
            self._tell(self.signals.done, result)

    @staticmethod
    def _tell(signal, value) -> None:
        with contextlib.suppress(RuntimeError):  # the window closed (its signal object is gone): nobody to tell
            signal.emit(value)


_running: set[Job] = set()


def run_in_background(
    fn: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[Exception], None],
    on_progress: Callable[[int, int], None] | None = None,
    owner: QObject | None = None,
) -> Job:
    """Start `fn` off the GUI thread; the callbacks run on the GUI thread, unless the widget `owner`
    they would show the result in was closed meanwhile (then there is nothing left to show it in)."""
    job = Job(fn, with_progress=on_progress is not None)
    _running.add(job)

    def finish(callback, value):
        _running.discard(job)
        if owner is None or shiboken6.isValid(owner):
            callback(value)

    job.signals.done.connect(lambda value: finish(on_done, value))
    job.signals.failed.connect(lambda error: finish(on_failed, error))
    if on_progress is not None:
        job.signals.progress.connect(on_progress)
    job.setAutoDelete(False)
    QThreadPool.globalInstance().start(job)
    return job

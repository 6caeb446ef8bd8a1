"""Start the Qt application, open the tracker off the GUI thread, show the main window."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from .. import atomic, backups, team
from ..errors import CasrError
from ..seeding import open_tracker
from ..users import current_login, default_user
from .main_window import MainWindow
from .ops import Tracker, run_in_background
from .qt import QApplication, QEventLoop, QIcon, QSettings, QTimer

APP_NAME = "casr-tracker"
MIN_SCREENSHOT = (1280, 800)


def icon_path() -> Path | None:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "resources", here.parent / "resources"):
        if (candidate / "casr-tracker.svg").is_file():
            return candidate / "casr-tracker.svg"
    return None


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("CASR Tracker")
    app.setDesktopFileName("casr-tracker")
    path = icon_path()
    if path:
        app.setWindowIcon(QIcon(str(path)))
    return app


def default_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)


def open_window(
    url: str | None,
    *,
    seed: bool = True,
    user: str = "",
    explicit_user: str = "",
    settings: QSettings | None = None,
    select: str | None = None,
    persist: bool = True,
) -> MainWindow:
    """Show the window at once; open (and on first use seed) the tracker in the background, then load."""
    app = application()
    settings = settings or default_settings()
    tracker = Tracker(None, explicit_user or str(settings.value("user") or "") or user)
    window = MainWindow(tracker, settings, app.windowIcon())
    window.persist = persist
    window._show_user()
    window.open_error = ""

    def opened(engine) -> None:
        tracker.engine = engine
        with contextlib.suppress(CasrError):  # (the role is asked again by the server at each write)
            tracker.role = tracker.read(lambda session: team.role_of(session.connection()))
            if engine.dialect.name == "postgresql":
                tracker.login = tracker.read(current_login)
        window.apply_role()
        window.load_all()
        QTimer.singleShot(0, lambda: back_up(engine))
        ref = select or window.settings.value("last_ref")
        if select:
            window.tabs.setCurrentIndex(0)  # the pledge asked for is shown, whatever tab was open last
        first = window.pledges.table_model.row_at(0)
        if not (ref and window.pledges.select_ref(str(ref))) and first is not None:
            window.pledges.select_pledge(first.id)

    def failed(error) -> None:
        window.open_error = str(error) if isinstance(error, CasrError) else f"The tracker could not be opened: {error}"
        window.statusBar().showMessage(window.open_error)
        window.show_message(window.open_error)
        window.loaded.emit()

    keep = int(settings.value("backups/keep", 0) or 0) or None

    def back_up(engine) -> None:
        """The daily backup, off the GUI thread once the window has its data (never for --screenshot)."""
        if not window.persist:
            return
        url_ = engine.url.render_as_string(hide_password=False)

        def failed_backup(error) -> None:
            window.backup_error = str(error)
            window.statusBar().showMessage(f"The daily backup failed: {error}", 10000)

        run_in_background(lambda: backups.daily(url_, keep=keep), lambda _made: None, failed_backup)

    window.backup_error = ""
    window.statusBar().showMessage("Opening the tracker…")
    run_in_background(lambda: open_tracker(url, seed_if_empty=seed), opened, failed)
    return window


def wait_until_loaded(window: MainWindow, timeout_ms: int = 60000) -> None:
    if window.is_loaded or window.open_error:
        return
    loop = QEventLoop()
    window.loaded.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def screenshot(window: MainWindow, path: str) -> None:
    """Render the loaded window into a PNG of at least 1280×800."""
    width, height = max(window.width(), MIN_SCREENSHOT[0]), max(window.height(), MIN_SCREENSHOT[1])
    window.resize(width, height)
    QApplication.processEvents()
    with atomic.replacing(path, "The screenshot") as temporary:
        if not window.grab().save(str(temporary), "PNG"):
            raise CasrError(f"The screenshot could not be written to {path}.")


def check_display(screenshot: bool) -> None:
    """On Linux without a display, a screenshot renders offscreen; the window itself cannot open."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    if screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    raise CasrError(
        "There is no display to open the window on (DISPLAY is not set); the command-line commands "
        "work without one, and 'casr-tracker gui --screenshot FILE.png' renders the window offscreen."
    )


def run(args) -> int:
    """`casr-tracker gui`: the window; with --screenshot, render it into a PNG and exit."""
    check_display(bool(getattr(args, "screenshot", None)))
    app = application()
    window = open_window(
        args.db,
        seed=not args.empty,
        user=default_user(),
        explicit_user=args.user or "",
        select=getattr(args, "select", None),
        persist=not getattr(args, "screenshot", None),
    )
    if getattr(args, "screenshot", None):
        window.resize(1600, 1000)
        window.show()
        wait_until_loaded(window)
        if window.open_error:
            raise CasrError(window.open_error)
        if args.select and not window.pledges.select_ref(args.select):
            raise CasrError(f"There is no pledge {args.select!r} to select.")
        screenshot(window, args.screenshot)
        print(args.screenshot)
        window.close()
        return 0
    window.show()
    return app.exec()

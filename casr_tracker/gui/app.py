"""Start the Qt application and show the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from .. import db, queries
from ..seeding import open_tracker


def run(args) -> int:
    """Open the window on the tracker named by args.db (seeding an empty one)."""
    engine = open_tracker(args.db, seed_if_empty=not args.empty)
    with db.session_scope(engine) as session:
        count = len(queries.pledge_rows(session))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("CASR Tracker")
    window.setCentralWidget(QLabel(f"{count} pledges are tracked. The full window is coming."))
    window.resize(900, 600)
    window.show()
    return app.exec()

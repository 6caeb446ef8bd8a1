"""Where the window's start-up goes, against the bare Qt window of run.py (docs/performance.md).

    python benchmarks/startup_parts.py [SEEDED.sqlite3]

Each line is the median wall time of a child process, start to exit, offscreen.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from run import BARE_QT  # noqa: E402

#: the bare window plus what any tracker window has: a tree, the real pledges (read with sqlite3) and a text pane
BARE_WITH_TEXT = """
import sqlite3, sys
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QTableView, QTextBrowser, QTreeView
app = QApplication(sys.argv[:1])
rows = sqlite3.connect(sys.argv[2]).execute("SELECT ref, text, status FROM pledge ORDER BY seq").fetchall()
table_model, tree_model = QStandardItemModel(), QStandardItemModel()
for row in rows:
    table_model.appendRow([QStandardItem(str(value)) for value in row])
tree_model.appendRow(QStandardItem("Joint statement"))
split = QSplitter()
tree, table, text = QTreeView(), QTableView(), QTextBrowser()
tree.setModel(tree_model)
table.setModel(table_model)
text.setPlainText(rows[0][1])
for widget in (tree, table, text):
    split.addWidget(widget)
window = QMainWindow()
window.setCentralWidget(split)
window.resize(1600, 1000)
window.show()
app.processEvents()
window.grab().save(sys.argv[1])
"""


def median_seconds(command: list[str], runs: int = 7) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONWARNINGS": "ignore"}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    from casr_tracker import seeding

    with tempfile.TemporaryDirectory() as tmp:
        seeded = sys.argv[1] if len(sys.argv) > 1 else str(Path(tmp) / "seeded.sqlite3")
        if len(sys.argv) <= 1:
            seeding.open_tracker(f"sqlite:///{seeded}").dispose()
        shot = str(Path(tmp) / "shot.png")
        py = sys.executable
        steps = {
            "python -c pass": [py, "-c", "pass"],
            "python -c 'import PySide6.QtWidgets'": [py, "-c", "import PySide6.QtWidgets"],
            "the bare window": [py, "-c", BARE_QT, shot],
            "the bare window + tree, pledge table, text": [py, "-c", BARE_WITH_TEXT, shot, seeded],
            "import the data layer (SQLAlchemy, sqlmodel, models)": [
                py,
                "-c",
                "import casr_tracker.seeding, casr_tracker.queries, casr_tracker.scorecard",
            ],
            "the app, seeded (gui --screenshot)": [
                py,
                "-m",
                "casr_tracker",
                "--db",
                f"sqlite:///{seeded}",
                "gui",
                "--screenshot",
                shot,
            ],
        }
        for name, command in steps.items():
            print(f"{median_seconds(command):6.3f} s  {name}")


if __name__ == "__main__":
    main()

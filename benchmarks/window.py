"""The window at scale: what an analyst does with 100,000 pledges open, each step timed (ms).

    python benchmarks/window.py TRACKER.sqlite3

Prints one JSON object; run.py runs it in a child process on the 100k corpus.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from casr_tracker.gui.app import application, open_window, wait_until_loaded
    from casr_tracker.gui.qt import QApplication, Qt

    application()
    window = open_window(f"sqlite:///{sys.argv[1]}", persist=False)
    window.resize(1600, 1000)
    window.show()
    wait_until_loaded(window)
    figures = {}

    def step(name: str, action) -> None:
        started = time.perf_counter()
        action()
        QApplication.processEvents()  # the table paints the rows it shows
        figures[f"window_{name}_ms"] = round((time.perf_counter() - started) * 1000, 1)

    step("all_statements", lambda: window.everywhere.setChecked(True))
    step("scroll_to_end", window.table.scrollToBottom)
    step("search", lambda: (window.search.setText("water"), window.reload_pledges()))
    step("search_and_status", lambda: window.status_filter.setCurrentIndex(1))
    step("clear_filters", window.clear_filters)
    step("sort_by_status", lambda: window.table.horizontalHeader().setSortIndicator(5, Qt.SortOrder.AscendingOrder))
    step("one_statement", lambda: window.everywhere.setChecked(False))
    figures["window_rows_read_of_100k"] = window.table_model.rows_read
    print(json.dumps(figures))
    window.close()


if __name__ == "__main__":
    main()

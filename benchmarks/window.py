"""The window at scale: what an analyst does with 100,000 pledges open, each step timed (ms).

    python benchmarks/window.py TRACKER.sqlite3|DATABASE_URL

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
    tracker = sys.argv[1]
    window = open_window(tracker if "://" in tracker else f"sqlite:///{tracker}", persist=False)
    window.resize(1600, 1000)
    window.show()
    wait_until_loaded(window)
    figures = {}

    def step(name: str, action) -> None:
        started = time.perf_counter()
        action()
        QApplication.processEvents()  # the table paints the rows it shows
        figures[f"window_{name}_ms"] = round((time.perf_counter() - started) * 1000, 1)

    pledges = window.pledges  # the pledge list's panel
    step("all_statements", lambda: pledges.everywhere.setChecked(True))
    step("scroll_to_end", pledges.table.scrollToBottom)
    step("search", lambda: (pledges.search.setText("water"), pledges.reload_pledges()))
    step("search_and_status", lambda: pledges.status_filter.setCurrentIndex(1))
    step("clear_filters", pledges.clear_filters)
    step("sort_by_status", lambda: pledges.table.horizontalHeader().setSortIndicator(5, Qt.SortOrder.AscendingOrder))
    step("one_statement", lambda: pledges.everywhere.setChecked(False))
    figures["window_rows_read_of_100k"] = pledges.table_model.rows_read
    print(json.dumps(figures))
    window.close()


if __name__ == "__main__":
    main()

"""Measure CASR Tracker at scale, each figure beside its baseline in the same run.

    python benchmarks/run.py [--json] [--quick] [--postgres URL]

The last line is one JSON object with the figures (see docs/performance.md for the targets). The
100,000-pledge corpus is generated on first use and cached in benchmarks/.cache/. With a PostgreSQL
server (`--postgres URL`, default $CASR_TEST_POSTGRES_URL as `.ci/postgres.sh` sets it) the copy,
search and list steps run there too, on a copy of the corpus kept on that server (benchmarks/postgres.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

import corpus  # noqa: E402
import postgres  # noqa: E402

from casr_tracker import db, matching, queries, seeding  # noqa: E402
from casr_tracker.gui.models import PledgeTableModel  # noqa: E402
from casr_tracker.importer import pipeline  # noqa: E402
from casr_tracker.models import Document  # noqa: E402

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONWARNINGS": "ignore"}
BARE_QT = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QTableView())
window.resize(1600, 1000)
window.show()
app.processEvents()
window.grab().save(sys.argv[1])
"""
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""
MEASURE_STREAMING = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import streaming
print(json.dumps(streaming.measure(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of a command run in a child process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, env=ENV)
    seconds, kb, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(command)} failed with status {code}")
    return float(seconds), int(kb) / 1024


def median_of(runs: int, command: list[str]) -> tuple[float, float]:
    results = [timed(command) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def startup(big: Path, seeded: Path, runs: int, folder: Path) -> dict:
    shot = str(folder / "shot.png")
    app = [sys.executable, "-m", "casr_tracker"]
    bare, _ = median_of(runs, [sys.executable, "-c", BARE_QT, shot])
    small, _ = median_of(runs, [*app, "--db", f"sqlite:///{seeded}", "gui", "--screenshot", shot])
    large, rss = median_of(runs, [*app, "--db", f"sqlite:///{big}", "gui", "--screenshot", shot])
    return {
        "startup_bare_qt_s": round(bare, 3),
        "startup_seeded_s": round(small, 3),
        "startup_100k_s": round(large, 3),
        "startup_ratio_vs_seeded": round(large / small, 2),
        "startup_ratio_vs_bare_qt": round(small / bare, 2),
        "peak_rss_mb": round(rss, 1),
    }


def search(big: Path, words: list[str]) -> dict:
    """The window's search (which pledges match, in list order, and how many) against a raw sqlite3
    FTS5 query for the same words on the same index; beside it, the same raw query on an index of the
    pledge texts alone, and the time to read the first block of rows the table then paints."""
    import sqlite3

    raw = sqlite3.connect(big)
    raw.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS bench_text_fts USING fts5(text, content='pledge', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    raw.execute("INSERT INTO bench_text_fts(bench_text_fts) VALUES ('rebuild')")
    raw.commit()
    engine = db.make_engine(f"sqlite:///{big}")
    app_ms, rows_ms, fts_ms, text_ms, matches = [], [], [], [], []
    for word in words:
        terms = queries.search_terms(word)
        for _ in range(5):
            started = time.perf_counter()
            with db.session_scope(engine, write=False) as s:
                found = queries.pledge_list(s, search=word)
            app_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            with db.session_scope(engine, write=False) as s:
                queries.rows_for(s, found, found.handles[: PledgeTableModel.BLOCK])
            rows_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            raw.execute("SELECT rowid FROM pledge_search WHERE pledge_search MATCH ?", (terms,)).fetchall()
            fts_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            raw.execute("SELECT rowid FROM bench_text_fts WHERE bench_text_fts MATCH ?", (terms,)).fetchall()
            text_ms.append((time.perf_counter() - started) * 1000)
        matches.append(len(found))
    engine.dispose()
    raw.close()
    app, fts, text = statistics.median(app_ms), statistics.median(fts_ms), statistics.median(text_ms)
    return {
        "search_ms_p50": round(app, 2),
        "search_fts5_ms_p50": round(fts, 2),
        "search_ratio_vs_fts5": round(app / fts, 2),
        "search_matches_p50": statistics.median(matches),
        # the same words in an FTS5 index of the pledge texts alone (no notes, no quotes: fewer matches)
        "search_ratio_vs_fts5_text_only": round(app / text, 2),
        # then the table reads the rows it paints, a block at a time
        "search_first_rows_ms_p50": round(statistics.median(rows_ms), 2),
    }


def importing(folder: Path, count: int) -> dict:
    rng = random.Random(7)
    texts = [corpus.statement_text(rng, n)[0] for n in range(count)]
    url = f"sqlite:///{folder / 'import.sqlite3'}"
    engine = seeding.open_tracker(url, seed_if_empty=False)
    started = time.perf_counter()
    for n, text in enumerate(texts):
        with db.session_scope(engine) as s:
            pipeline.import_statement(s, text, title=f"Imported {n}")
    seconds = time.perf_counter() - started
    engine.dispose()
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    return {"import_mb_per_s": round(megabytes / seconds, 3), "import_statements": count}


def suggesting(big: Path, count: int) -> dict:
    engine = db.make_engine(f"sqlite:///{big}")
    with db.session_scope(engine, write=False) as s:
        started = time.perf_counter()
        index = matching.build_index(s)
        built = time.perf_counter() - started
        documents = [s.get(Document, n) for n in range(1, count + 1)]
        passages = sum(len(matching.passages(d.text)) for d in documents)
        started = time.perf_counter()
        for document in documents:
            matching.suggest(s, document, index=index)
        seconds = time.perf_counter() - started
    engine.dispose()
    return {"suggest_passages_per_s": round(passages / seconds, 1), "suggest_index_build_s": round(built, 2)}


def reporting(folder: Path) -> dict:
    small = corpus.build(folder / "report.sqlite3", statements=10, documents=200)
    out = folder / "report.pdf"
    seconds, _ = timed([sys.executable, "-m", "casr_tracker", "--db", f"sqlite:///{small}", "report", "-o", str(out)])
    from pypdf import PdfReader

    return {"report_1000_s": round(seconds, 2), "report_1000_pages": len(PdfReader(str(out)).pages)}


def window(big: Path | str) -> dict:
    """Steps in the window with the 100k tracker open (benchmarks/window.py, in a child process); `big`
    is a SQLite file or a database URL."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "window.py"), str(big)], capture_output=True, text=True, env=ENV, check=True
    )
    return json.loads(out.stdout.splitlines()[-1])


def pg_copy(server: str, work: Path, folder: Path) -> dict:
    """`copy` of the 100k tracker SQLite → PostgreSQL and back, `export` and `import-json`: seconds and
    peak memory of each command in a process of its own (benchmarks/streaming.py's measure), run from a
    small process: a child's peak memory counts the process it was forked from (Linux keeps the larger),
    and this one holds the 100k tracker's data by now."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE_STREAMING, str(ROOT), server, str(work), str(folder)],
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def pg_list(server: str, work: Path, runs: int) -> dict:
    """The window's list of every statement's 100,000 pledges (window.py's All statements step) on
    PostgreSQL and on SQLite, each window opened `runs` times, turn about; beside it, the same list
    timed in this process (`pledge_list` and the first block of rows), and the other window steps."""
    url = postgres.cached_copy(server, work)
    runs_pg, runs_sqlite = [], []
    for _ in range(runs):
        runs_pg.append(window(url))
        runs_sqlite.append(window(work))

    def median(runs_: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs_)

    pg, lite = median(runs_pg, "window_all_statements_ms"), median(runs_sqlite, "window_all_statements_ms")
    direct = postgres.listing({"pg": url, "sqlite": f"sqlite:///{work}"})
    return {
        "pg_list_ms": round(pg, 1),
        "pg_list_sqlite_ms": round(lite, 1),
        "pg_list_ratio_vs_sqlite": round(pg / lite, 2),
        "pg_list_query_ms": round(direct["pg"], 1),
        "pg_list_query_sqlite_ms": round(direct["sqlite"], 1),
        **{f"pg_{key}": round(median(runs_pg, key), 1) for key in runs_pg[0] if key.endswith("_ms")},
    }


#: how the PostgreSQL and streaming figures read beside their targets and baselines (printed after the steps)
TARGET_LINES = {
    "pg_search_ms_p50": "search p50 {pg_search_ms_p50} ms (target < 50 ms; SQLite {search_ms_p50} ms)",
    "pg_search_ratio_vs_raw": "search ÷ raw full-text query {pg_search_ratio_vs_raw} "
    "({pg_search_ms_p50} ÷ {pg_search_raw_ms_p50} ms; target ≤ 2.0)",
    "pg_list_ratio_vs_sqlite": "list of 100k in the window {pg_list_ms} ms ÷ SQLite {pg_list_sqlite_ms} ms = "
    "{pg_list_ratio_vs_sqlite} (target ≤ 1.5)",
    "copy_to_pg_s": "copy SQLite → PostgreSQL {copy_to_pg_s} s, peak {copy_to_pg_mb} MB "
    "(target < 400 MB; before streaming: 157 s, 2,026 MB)",
    "copy_from_pg_s": "copy PostgreSQL → SQLite {copy_from_pg_s} s, peak {copy_from_pg_mb} MB "
    "(target < 400 MB; before streaming: 103 s, 1,953 MB)",
    "export_s": "export {export_s} s, peak {export_mb} MB (target < 400 MB)",
    "import_json_s": "import-json {import_json_s} s, peak {import_json_mb} MB (target < 400 MB)",
    "exact": "the tracker copied to PostgreSQL and back exports the same bytes: {exact}",
}


def say_targets(figures: dict) -> None:
    for key, line in TARGET_LINES.items():
        if key in figures:
            print(f"  {line.format_map({'search_ms_p50': '—', **figures})}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="(the JSON line is always printed last)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", action="append", metavar="STEP", help="run only this step (repeatable)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server to measure on too (default: $CASR_TEST_POSTGRES_URL, as .ci/postgres.sh sets "
        "it; '' for none)",
    )
    args = parser.parse_args()
    runs = 2 if args.quick else 3
    server = postgres.server_url(args.postgres)
    big = corpus.corpus()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        work = folder / "corpus.sqlite3"
        work.write_bytes(big.read_bytes())  # the runs must not change the cached corpus
        # upgraded here, untimed, when the cached corpus is older than the schema (else the first start-up pays)
        seeding.open_tracker(f"sqlite:///{work}", seed_if_empty=False).dispose()
        seeded = folder / "seeded.sqlite3"
        seeding.open_tracker(f"sqlite:///{seeded}").dispose()
        rng = random.Random(1)
        words = rng.sample([w for w in corpus.WORDS if w.isalpha()], 20)
        figures = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
        steps = {
            "startup": lambda: startup(work, seeded, runs, folder),
            "search": lambda: search(work, words),
            "window": lambda: window(work),
            "import": lambda: importing(folder, 10 if args.quick else 20),
            "suggest": lambda: suggesting(work, 10 if args.quick else 20),
            "report": lambda: reporting(folder),
        }
        if server:  # (the search and list steps read a copy of the corpus kept on the server)
            steps["pg_copy"] = lambda: pg_copy(server, work, folder)
            steps["pg_search"] = lambda: postgres.search(postgres.cached_copy(server, work), words)
            steps["pg_list"] = lambda: pg_list(server, work, runs)
        elif not args.only or any(name.startswith("pg_") for name in args.only):
            print("postgres: skipped (no --postgres URL, and CASR_TEST_POSTGRES_URL is not set)", file=sys.stderr)
        for name, step in steps.items():
            if args.only and name not in args.only:
                continue
            started = time.perf_counter()
            result = step()
            figures.update(result)
            print(f"{name}: {result} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
        say_targets(figures)
    limits = {
        "startup_ratio_vs_seeded": 1.5,
        "startup_ratio_vs_bare_qt": 2.0,
        "search_ms_p50": 50,
        "search_ratio_vs_fts5": 2.0,
        "report_1000_s": 5,
        "peak_rss_mb": 400,
        "pg_search_ms_p50": 50,
        "pg_search_ratio_vs_raw": 2.0,
        "pg_list_ratio_vs_sqlite": 1.5,
        "copy_to_pg_mb": 400,
        "copy_from_pg_mb": 400,
        "export_mb": 400,
        "import_json_mb": 400,
    }
    figures["targets_met"] = {name: figures[name] <= limit for name, limit in limits.items() if name in figures}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

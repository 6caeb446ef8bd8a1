"""Wall time and peak memory of the commands that move a whole tracker: `copy` SQLite → PostgreSQL and
back, `export` and `import-json`, each in its own process (the peak is that process's own RSS).

    python benchmarks/streaming.py [--postgres URL] [--json]

`measure(postgres_url, big_sqlite, folder)` is what benchmarks/run.py calls: `postgres_url` names a
server on which it may create (and then drops) a throw-away database, `big_sqlite` the 100,000-pledge
corpus (copied into `folder` first, so the cached file is never upgraded or changed), `folder` where
the copies and the export go. With `--old PATH` the commands run from another checkout (PYTHONPATH),
to measure the code before a change.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "CASR_TRACKER_USER": "benchmark"}


def run(args: list[str], *, pythonpath: str | None = None, prelude: str = "") -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of `casr-tracker ARGS` in a child process."""
    env = dict(ENV)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    code = f"{prelude}\nimport sys\nfrom casr_tracker import cli\nsys.exit(cli.main(sys.argv[1:]))"
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    err = child.stderr.read() if child.stderr else b""
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"casr-tracker {' '.join(args)} failed: {err.decode(errors='replace')[-500:]}")
    return round(seconds, 1), round(usage.ru_maxrss / 1024, 0)  # ru_maxrss is in kB on Linux


def _database(admin_url: str, name: str, *, drop: bool = False) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if drop:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def measure(
    postgres_url: str, big_sqlite: Path, folder: Path, *, pythonpath: str | None = None, exact: bool = True
) -> dict:
    """Copy the tracker `big_sqlite` into a fresh PostgreSQL database and back into a new SQLite file,
    export it and import the export into an empty tracker, each in its own process: seconds (`_s`) and
    peak RSS in MB (`_mb`) of each, the export's size, and (`exact`) whether the SQLite file that came
    back from PostgreSQL exports to the same bytes as the original."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "source.sqlite3"
    shutil.copyfile(big_sqlite, source)
    back, imported, export = folder / "back.sqlite3", folder / "imported.sqlite3", folder / "export.json"
    for path in (back, imported, export):
        path.unlink(missing_ok=True)
    name = f"casr_stream_{uuid.uuid4().hex[:12]}"
    middle = _database(postgres_url, name)
    figures: dict = {}
    try:
        figures["copy_to_pg_s"], figures["copy_to_pg_mb"] = run(
            ["copy", "--from", f"sqlite:///{source}", "--to", middle], pythonpath=pythonpath
        )
        figures["copy_from_pg_s"], figures["copy_from_pg_mb"] = run(
            ["copy", "--from", middle, "--to", f"sqlite:///{back}"], pythonpath=pythonpath
        )
    finally:
        _database(postgres_url, name, drop=True)
    figures["export_s"], figures["export_mb"] = run(
        ["--db", f"sqlite:///{source}", "export", "-o", str(export)], pythonpath=pythonpath
    )
    figures["export_bytes"] = export.stat().st_size
    figures["import_json_s"], figures["import_json_mb"] = run(
        ["--db", f"sqlite:///{imported}", "--empty", "import-json", str(export)], pythonpath=pythonpath
    )
    if exact:
        again = folder / "back-export.json"
        run(["--db", f"sqlite:///{back}", "export", "-o", str(again)], pythonpath=pythonpath)
        figures["exact"] = again.read_bytes() == export.read_bytes()
        again.unlink()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("CASR_TEST_POSTGRES_URL"), metavar="URL")
    parser.add_argument("--old", metavar="PATH", help="run the commands from this checkout instead")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()
    if not args.postgres:
        parser.error("give --postgres URL (or set CASR_TEST_POSTGRES_URL)")
    import corpus

    with tempfile.TemporaryDirectory(prefix="casr-streaming-") as folder:
        figures = measure(args.postgres, corpus.corpus(), Path(folder), pythonpath=args.old)
    if not args.json:
        for key, value in figures.items():
            print(f"{key:>16}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

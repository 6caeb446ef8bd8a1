"""A realistic synthetic tracker for benchmarks: statements of the usual shape with pledges, history,
scores, notes, documents and evidence, written straight into the app's schema. Cached by version.

    python benchmarks/corpus.py [--statements 1000] [--documents 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casr_tracker.seeding import open_tracker  # noqa: E402

VERSION = 5
CACHE = Path(__file__).resolve().parent / ".cache"
STATEMENT = (ROOT / "seeds" / "statement-2020-10-15-central-asia-russia.txt").read_text(encoding="utf-8")
WORDS = sorted({w.strip(".,;:()“”’'").lower() for w in STATEMENT.split() if len(w.strip(".,;:()“”’'")) > 3})
SPHERES = [
    "Political and diplomatic sphere",
    "Security",
    "Trade and economy",
    "Transport",
    "Environmental protection",
    "Energy",
    "Sanitary and epidemiological safety",
    "Migration",
    "Culture and education",
    "Digital cooperation",
]
CODES = ["PLT", "SCR", "TRD", "TRN", "ENV", "ENR", "SNT", "MGR", "CLT", "DGT"]
OPENERS = ["We will", "We intend to", "We are ready to", "We support efforts to", "Russia will", "We will continue to"]
STATUSES = ["not_started", "in_progress", "partially_fulfilled", "fulfilled", "stalled", "abandoned"]
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).isoformat(sep=" ")


def phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def statement_text(rng: random.Random, number: int) -> tuple[str, list[tuple[int, int, int, str, str]]]:
    """A statement and its pledges: (sphere index, start, end, text, strength)."""
    parts, pledges, at = [], [], 0

    def add(text: str) -> int:
        nonlocal at
        start = at
        parts.append(text)
        at += len(text)
        return start

    add(f"We, the foreign ministers of the six states, meeting for the {number}th time, declare the following.\n\n")
    for s, name in enumerate(SPHERES):
        add(f"{name}\n\n")
        for _ in range(10):
            opener = rng.choice(OPENERS)
            sentence = f"{opener} {phrase(rng, rng.randint(8, 22))}."
            start = add(sentence)
            pledges.append((s, start, start + len(sentence), sentence, "soft" if "ready" in opener else "firm"))
            add(f" In {2015 + rng.randint(0, 9)}, {phrase(rng, rng.randint(6, 14))}.\n\n")
    return "".join(parts), pledges


def document_text(rng: random.Random, number: int) -> str:
    title = f"Report {number}: {phrase(rng, 6).capitalize()}"
    body = "\n".join(f"{phrase(rng, rng.randint(10, 25)).capitalize()}." for _ in range(rng.randint(8, 16)))
    return f"{title}\nBy Analyst {number % 97} March {1 + number % 28}, 2023\n{body}\n"


def insert(conn: sqlite3.Connection, table: str, columns: str, rows: list[tuple]) -> None:
    names = columns.split()
    quoted = ", ".join(f'"{name}"' for name in names)
    conn.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(names))})", rows)


def build(path: Path, statements: int, documents: int, seed: int = 2020) -> Path:
    """Write the corpus into a new SQLite file at `path`."""
    rng = random.Random(seed)
    if path.exists():
        path.unlink()
    open_tracker(f"sqlite:///{path}", seed_if_empty=False).dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    parties = [row[0] for row in conn.execute("SELECT id FROM party ORDER BY id")]
    russia = conn.execute("SELECT id FROM party WHERE code='RU'").fetchone()[0]
    pledge_id = sphere_id = 0
    rows = {k: [] for k in ("statement", "sp", "sphere", "pledge", "pp", "change", "assessment", "note")}
    doc_rows, doc_texts = [], []
    for d in range(1, documents + 1):
        text = document_text(rng, d)
        doc_texts.append(text)
        doc_rows.append(
            (
                d,
                text.split("\n", 1)[0],
                "2023-03-01",
                f"Analyst {d % 97}",
                "",
                text,
                hashlib.sha256(text.encode()).hexdigest(),
                f"doc-{d}.txt",
                NOW,
            )
        )
    evidence = []
    for st in range(1, statements + 1):
        text, pledges = statement_text(rng, st)
        rows["statement"].append(
            (
                st,
                f"Joint statement {st}",
                f"{2000 + st % 25}-10-15",
                text,
                hashlib.sha256(text.encode()).hexdigest(),
                f"statement-{st}.txt",
                NOW,
            )
        )
        rows["sp"] += [(st, p) for p in parties]
        first_sphere = sphere_id + 1
        for s, name in enumerate(SPHERES):
            sphere_id += 1
            rows["sphere"].append((sphere_id, st, name, CODES[s], "sphere", s + 1, None))
        for seq, (s, start, end, sentence, strength) in enumerate(pledges):
            pledge_id += 1
            history = rng.choice([0, 0, 1, 1, 2, 3])
            status, version, old = "not_assessed", 1, "not_assessed"
            for h in range(history):
                new = rng.choice([x for x in STATUSES if x != old])
                rows["change"].append((pledge_id, old, new, f"202{h}-0{1 + h}-15", NOW, "bench", f"change {h}"))
                old, status, version = new, new, version + 1
            rows["pledge"].append(
                (
                    pledge_id,
                    f"{CODES[s]}-{seq % 10 + 1}",
                    st,
                    first_sphere + s,
                    seq,
                    sentence,
                    start,
                    end,
                    strength,
                    status,
                    version,
                    0,
                    NOW,
                )
            )
            bound = [russia] if sentence.startswith("Russia") else parties
            rows["pp"] += [(pledge_id, p) for p in bound]
            if rng.random() < 0.2:
                for p in rng.sample(bound, min(3, len(bound))):
                    score = rng.choice([-1, 0, 1])
                    rows["assessment"].append((pledge_id, p, score, "bench", "2022-06-01", NOW, "bench"))
            if rng.random() < 0.2:
                rows["note"].append((pledge_id, f"Note on {phrase(rng, 8)}", NOW, NOW, "bench", 1))
            if documents and rng.random() < 0.3:
                d = rng.randint(1, documents)
                doc = doc_texts[d - 1]
                line_start = doc.index("\n", doc.index("\n") + 1) + 1
                line_end = doc.index("\n", line_start)
                evidence.append(
                    (
                        pledge_id,
                        d,
                        line_start,
                        line_end,
                        doc[line_start:line_end],
                        "",
                        "supports",
                        "2023-03-01",
                        NOW,
                        "bench",
                    )
                )
    with conn:
        insert(conn, "document", "id title date author url text sha256 source_name imported_at", doc_rows)
        insert(conn, "statement", "id title date text sha256 source_name imported_at", rows["statement"])
        insert(conn, "statement_party", "statement_id party_id", rows["sp"])
        insert(conn, "sphere", "id statement_id name code kind order heading_start", rows["sphere"])
        insert(
            conn,
            "pledge",
            "id ref statement_id sphere_id seq text start end strength status version retired updated_at",
            rows["pledge"],
        )
        insert(conn, "pledge_party", "pledge_id party_id", rows["pp"])
        insert(conn, "status_change", "pledge_id old new effective_date recorded_at who comment", rows["change"])
        insert(conn, "assessment", "pledge_id party_id score justification date recorded_at who", rows["assessment"])
        insert(conn, "note", "pledge_id text created_at edited_at who version", rows["note"])
        insert(conn, "evidence", "pledge_id document_id start end quote url stance date recorded_at who", evidence)
        conn.execute("UPDATE tracker_meta SET value = '1' WHERE key = 'data_revision'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    return path


def corpus(statements: int = 1000, documents: int = 20000) -> Path:
    """The cached corpus file, built on first use."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"corpus-v{VERSION}-{statements}x100-{documents}docs.sqlite3"
    if not path.exists():
        started = time.perf_counter()
        build(path.with_suffix(".tmp"), statements, documents).rename(path)
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--documents", type=int, default=20000)
    args = parser.parse_args()
    print(corpus(args.statements, args.documents))


if __name__ == "__main__":
    main()

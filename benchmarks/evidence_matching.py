"""Recall@1 / recall@3 of the evidence matcher on the labelled passages in tests/data/.

    python benchmarks/evidence_matching.py [--misses]

A passage is a hit at k when any pledge labelled for it is among the matcher's top k. Negatives
(passages about no pledge) are counted as false alarms when they get a candidate above 'none'.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casr_tracker import db, matching, seeding  # noqa: E402

DATA = ROOT / "tests" / "data"


def evaluate(index: matching.PledgeIndex, seeds: Path = ROOT / "seeds") -> dict:
    labels = json.loads((DATA / "evidence_labels.json").read_text(encoding="utf-8"))
    negatives = json.loads((DATA / "evidence_negatives.json").read_text(encoding="utf-8"))
    per_doc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses = []
    for label in labels:
        ranked = [c.ref for c in index.rank(label["quote"], top=3)]
        hit1 = bool(ranked[:1]) and ranked[0] in label["refs"]
        hit3 = any(ref in label["refs"] for ref in ranked)
        counts = per_doc[label["document"]]
        counts[0] += 1
        counts[1] += hit1
        counts[2] += hit3
        if not hit3:
            misses.append((label["document"], label["quote"], label["refs"], ranked))
    alarms = [
        n["quote"] for n in negatives if any(c.strength in ("medium", "strong") for c in index.rank(n["quote"], top=1))
    ]
    total = [sum(c[i] for c in per_doc.values()) for i in range(3)]
    return {
        "passages": total[0],
        "recall_at_1": total[1] / total[0],
        "recall_at_3": total[2] / total[0],
        "per_document": {
            d: {"passages": c[0], "recall_at_1": c[1] / c[0], "recall_at_3": c[2] / c[0]} for d, c in per_doc.items()
        },
        "negatives": len(negatives),
        "negatives_with_medium_or_strong": len(alarms),
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the passages whose pledge is not in the top 3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = seeding.open_tracker(f"sqlite:///{folder}/eval.sqlite3")
        with db.session_scope(engine) as session:
            result = evaluate(matching.build_index(session))
        engine.dispose()
    misses = result.pop("misses")
    print(json.dumps(result, indent=2))
    if args.misses:
        for doc, quote, refs, ranked in misses:
            print(f"- {doc[:24]} {refs} got {ranked}: {quote[:110]}")


if __name__ == "__main__":
    main()

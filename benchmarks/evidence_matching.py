"""Evidence matching side by side: the matcher, the matcher before issue 14, and plain BM25 on the
pledge texts, on the seed set and on the development set of real documents, in one run.

    python benchmarks/evidence_matching.py [--misses] [--json]

For every labelled passage the methods rank the pledges. Figures:
- recall@1 / recall@3: share of passages about a pledge whose pledge is first / in the top three;
- medium+: share of those passages whose labelled pledge is listed (top three) at medium or strong;
- precision of strong / of medium: of all candidates listed at that strength (top three, passages
  about no pledge included), the share that are labelled right;
- false alarms: passages about no pledge that get a medium or strong candidate.
The enrichment by accepted evidence is measured apart (`accepted`): each development document is
matched with the labelled passages of the *other* documents accepted as evidence (leave one out).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bm25s  # noqa: E402
import Stemmer  # noqa: E402
from matcher_before import strength_of  # noqa: E402 - plain BM25 is given the strengths before issue 14
from sqlmodel import select  # noqa: E402

from casr_tracker import db, matching, seeding  # noqa: E402
from casr_tracker.models import Pledge  # noqa: E402

DATA = ROOT / "tests" / "data"
DEVSET = DATA / "devset"


@dataclass(frozen=True)
class Labelled:
    document: str
    text: str
    refs: tuple[str, ...]
    kind: str = ""


def seed_set() -> list[Labelled]:
    labels = json.loads((DATA / "evidence_labels.json").read_text(encoding="utf-8"))
    negatives = json.loads((DATA / "evidence_negatives.json").read_text(encoding="utf-8"))
    return [Labelled(x["document"], x["quote"], tuple(x["refs"])) for x in labels] + [
        Labelled(x.get("document", ""), x["quote"], ()) for x in negatives
    ]


def development_set() -> list[Labelled]:
    out = []
    for path in sorted(DEVSET.glob("labels-*.json")):
        for x in json.loads(path.read_text(encoding="utf-8")):
            out.append(Labelled(x["document"], x["passage"], tuple(x["refs"]), x.get("kind", "")))
    return out


Ranker = Callable[[str], list]  # text -> candidates with .ref and .strength, best first


def evaluate(rank: Ranker, labelled: list[Labelled]) -> dict:
    positives = [x for x in labelled if x.refs]
    negatives = [x for x in labelled if not x.refs]
    hit1 = hit3 = medium_up = 0
    listed = {"strong": [0, 0], "medium": [0, 0]}  # right, all
    misses = []
    for x in labelled:
        candidates = rank(x.text)[:3]
        refs = [c.ref for c in candidates]
        for c in candidates:
            if c.strength in listed:
                listed[c.strength][0] += c.ref in x.refs
                listed[c.strength][1] += 1
        if not x.refs:
            continue
        hit1 += bool(refs) and refs[0] in x.refs
        hit3 += any(r in x.refs for r in refs)
        medium_up += any(c.ref in x.refs and c.strength in ("medium", "strong") for c in candidates)
        if not any(r in x.refs for r in refs):
            misses.append((x.document, x.text, x.refs, refs))
    alarms = sum(any(c.strength in ("medium", "strong") for c in rank(x.text)[:3]) for x in negatives)
    n = max(len(positives), 1)
    return {
        "passages": len(positives),
        "negatives": len(negatives),
        "recall_at_1": round(hit1 / n, 3),
        "recall_at_3": round(hit3 / n, 3),
        "medium_or_strong": round(medium_up / n, 3),
        "precision_strong": round(listed["strong"][0] / listed["strong"][1], 3) if listed["strong"][1] else None,
        "strong_listed": listed["strong"][1],
        "precision_medium": round(listed["medium"][0] / listed["medium"][1], 3) if listed["medium"][1] else None,
        "medium_listed": listed["medium"][1],
        "false_alarms": alarms,
        "misses": misses,
    }


class PlainBM25:
    """The floor: BM25 over the pledge texts alone (stemmed, stop words out), strengths as before."""

    def __init__(self, pledges: list[tuple[str, str]]):
        self.refs = [ref for ref, _ in pledges]
        self.stemmer = Stemmer.Stemmer("english")
        self.retriever = bm25s.BM25()
        self.retriever.index(self._tokens([t for _, t in pledges]), show_progress=False)

    def _tokens(self, texts, ids=True):
        return bm25s.tokenize(texts, stopwords="en", stemmer=self.stemmer, return_ids=ids, show_progress=False)

    def rank(self, text: str, top: int = 3):
        words = [w for w in self._tokens([text], ids=False)[0] if w in self.retriever.vocab_dict]
        if not words:
            return []
        scores = self.retriever.get_scores(words)
        order = scores.argsort()[::-1][:top]
        return [
            matching.Candidate(0, self.refs[i], float(scores[i]), strength_of(float(scores[i]), len(words)))
            for i in order
            if scores[i] > 0
        ]


def methods(session) -> dict[str, Ranker]:
    import matcher_before

    pledges = session.exec(
        select(Pledge.ref, Pledge.text).where(Pledge.retired == False).order_by(Pledge.seq)  # noqa: E712
    ).all()
    new = matching.build_index(session)
    before = matcher_before.build_index(session)
    plain = PlainBM25(list(pledges))
    return {"new": lambda t: new.rank(t, top=3), "before": lambda t: before.rank(t, top=3), "bm25": plain.rank}


def accepted_figures(session, labelled: list[Labelled]) -> dict:
    """The new matcher when the analyst has accepted the labelled passages of the other documents."""
    documents = sorted({x.document for x in labelled})
    ids = dict(session.exec(select(Pledge.ref, Pledge.id)).all())
    results = []
    for document in documents:
        accepted = [(ids[r], x.text) for x in labelled if x.document != document for r in x.refs if r in ids]
        index = matching.build_index(session, accepted=accepted)
        results.append([x for x in labelled if x.document == document])
        results[-1] = (index, results[-1])
    merged: dict = {}
    parts = [evaluate(lambda t, ix=index: ix.rank(t, top=3), part) for index, part in results]
    for key in ("passages", "negatives", "false_alarms", "strong_listed", "medium_listed"):
        merged[key] = sum(p[key] for p in parts)
    n = max(merged["passages"], 1)
    for key in ("recall_at_1", "recall_at_3", "medium_or_strong"):
        merged[key] = round(sum(p[key] * p["passages"] for p in parts) / n, 3)
    for key, count in (("precision_strong", "strong_listed"), ("precision_medium", "medium_listed")):
        right = sum((p[key] or 0) * p[count] for p in parts)
        merged[key] = round(right / merged[count], 3) if merged[count] else None
    merged["misses"] = [m for p in parts for m in p["misses"]]
    return merged


def run() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        engine = seeding.open_tracker(f"sqlite:///{folder}/eval.sqlite3")
        with db.session_scope(engine) as session:
            rankers = methods(session)
            sets = {"seeds": seed_set(), "development": development_set()}
            halves = {
                f"development, half {h.upper()}": [x for x in sets["development"] if x.document.startswith(f"{h}-")]
                for h in "ab"
            }
            out = {
                name: {m: evaluate(rank, data) for m, rank in rankers.items()}
                for name, data in {**sets, **halves}.items()
            }
            out["development"]["new+accepted"] = accepted_figures(session, sets["development"])
            out = {k: out[k] for k in ("seeds", "development", *halves)}
        engine.dispose()
    return out


COLUMNS = (
    ("recall_at_1", "R@1"),
    ("recall_at_3", "R@3"),
    ("medium_or_strong", "med+"),
    ("precision_strong", "P strong"),
    ("precision_medium", "P medium"),
    ("false_alarms", "alarms"),
)


def table(results: dict) -> str:
    lines = []
    for name, by_method in results.items():
        first = next(iter(by_method.values()))
        lines.append(f"\n{name} set: {first['passages']} passages about a pledge, {first['negatives']} about none")
        lines.append(f"{'method':<14}" + "".join(f"{label:>10}" for _, label in COLUMNS))
        for method, figures in by_method.items():
            cells = "".join(f"{'-' if figures[k] is None else figures[k]:>10}" for k, _ in COLUMNS)
            lines.append(f"{method:<14}{cells}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the passages whose pledge is not in the top 3")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results = run()
    misses = {name: by_method["new"].pop("misses") for name, by_method in results.items()}
    for by_method in results.values():
        for figures in by_method.values():
            figures.pop("misses", None)
    print(json.dumps(results, indent=2) if args.json else table(results))
    if args.misses:
        for name, found in misses.items():
            print(f"\nmisses of the new matcher, {name} set:")
            for doc, text, refs, ranked in found:
                print(f"- {doc[:28]} {list(refs)} got {ranked}: {' '.join(text.split())[:110]}")


if __name__ == "__main__":
    main()

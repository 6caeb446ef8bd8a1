"""The statement importer on labelled real statements, beside the importer before issue 15.

    python benchmarks/statement_import.py [--misses] [--json]

Each labelled statement (tests/data/statements/labels/*.json, sources in SOURCES.md) is parsed by
both importers. A labelled commitment (firm or soft) is *found* when a pledge covers at least half
of it (or it covers half of the pledge); a pledge that covers no labelled commitment is *false*.
Of the found ones: parties right (the same set of signatories, an organisation's members counted
as the organisation), sphere right (the heading it falls under, numbers left out), strength right.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from importer_before.statement import parse_statement as parse_before  # noqa: E402

from casr_tracker.errors import ImportProblem  # noqa: E402
from casr_tracker.importer import signatories  # noqa: E402
from casr_tracker.importer.layout import MARKER  # noqa: E402
from casr_tracker.importer.statement import parse_statement as parse_new  # noqa: E402

LABELS = ROOT / "tests" / "data" / "statements" / "labels"
COMMITMENTS = ("firm", "soft")


@dataclass
class Labelled:
    slug: str
    text: str
    signatories: tuple[str, ...]
    style: dict
    date: str
    #: (start, end, label, parties, sphere)
    units: list[tuple[int, int, str, frozenset[str], str]]


def load(path: Path) -> Labelled:
    data = json.loads(path.read_text(encoding="utf-8"))
    text_file = ROOT / data["text_file"] if data.get("text_file") else path.parent.parent / f"{data['slug']}.txt"
    text = text_file.read_text(encoding="utf-8")
    units, pos = [], 0
    for unit in data["units"]:
        start = text.find(unit["text"], pos)
        if start < 0:
            raise SystemExit(f"{path.name}: unit not found in order: {unit['text'][:60]!r}")
        end = start + len(unit["text"])
        pos = end
        units.append((start, end, unit["label"], frozenset(unit.get("parties") or ()), unit.get("sphere") or ""))
    return Labelled(
        data["slug"], text, tuple(data["signatories"]), data.get("style", {}), data["source"]["date"], units
    )


def _sphere(name: str) -> str:
    return re.sub(r"\s+", " ", MARKER.sub("", name.strip(), count=1)).strip().lower()


def _as_states(codes, year_date) -> frozenset[str]:
    """An organisation that signs through its members counts as its members."""
    out = set()
    for code in codes:
        if code in signatories.ORGANISATIONS and code not in signatories._SIGNS_AS_ITSELF:
            members = signatories.members(code, year_date)
            out |= set(members) if members else {code}
        else:
            out.add(code)
    return frozenset(out)


@dataclass
class Score:
    commitments: int = 0
    found: int = 0
    pledges: int = 0
    false: int = 0
    parties_right: int = 0
    spheres_right: int = 0
    strength_right: int = 0
    refused: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "commitments",
            "found",
            "pledges",
            "false",
            "parties_right",
            "spheres_right",
            "strength_right",
            "refused",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self) -> dict:
        def share(n, d):
            return round(n / d, 3) if d else None

        return {
            "found": share(self.found, self.commitments),
            "false": share(self.false, self.pledges),
            "parties": share(self.parties_right, self.found),
            "spheres": share(self.spheres_right, self.found),
            "strength": share(self.strength_right, self.found),
            "refused": self.refused,
            "n": f"{self.found}/{self.commitments}, {self.false} of {self.pledges} false",
        }


def predicted(parse, text: str):
    """(start, end, strength, parties, sphere) of each pledge, or None when the text is refused."""
    try:
        parsed = parse(text)
    except ImportProblem:
        return None
    out, last_heading = [], ""
    for section in parsed.sections:
        if section.kind == "sphere" and section.heading_start is not None:
            last_heading = section.name
        sphere = (
            last_heading if section.kind == "review" else (section.name if section.heading_start is not None else "")
        )
        for pledge in section.pledges:
            out.append((pledge.start, pledge.end, pledge.strength, frozenset(pledge.parties), sphere))
    return out


def _overlap(a0, a1, b0, b1) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def score(statement: Labelled, parse) -> Score:
    import datetime as dt

    when = dt.date.fromisoformat(statement.date) if statement.date else None
    wanted = [u for u in statement.units if u[2] in COMMITMENTS]
    s = Score(commitments=len(wanted))
    got = predicted(parse, statement.text)
    if got is None:
        s.refused = 1
        s.misses.append("refused")
        return s
    s.pledges = len(got)
    used = set()
    for p0, p1, strength, parties, sphere in got:
        best = max(wanted, key=lambda u: _overlap(p0, p1, u[0], u[1]), default=None)
        if best is None or _overlap(p0, p1, best[0], best[1]) < 0.5 * min(p1 - p0, best[1] - best[0]):
            s.false += 1
            s.misses.append(f"false: {statement.text[p0:p1][:100]!r}")
            continue
        if best[:2] in used:
            continue
        used.add(best[:2])
        s.found += 1
        if _as_states(parties, when) == _as_states(best[3], when):
            s.parties_right += 1
        else:
            s.misses.append(f"parties {sorted(parties)} ≠ {sorted(best[3])}: {statement.text[p0:p1][:70]!r}")
        if _sphere(sphere) == _sphere(best[4]):
            s.spheres_right += 1
        else:
            s.misses.append(f"sphere {sphere!r} ≠ {best[4]!r}: {statement.text[p0:p1][:60]!r}")
        if strength == best[2]:
            s.strength_right += 1
    for u in wanted:
        if u[:2] not in used:
            s.misses.append(f"missed {u[2]}: {statement.text[u[0] : u[1]][:100]!r}")
    return s


METHODS = {"new": parse_new, "before": parse_before}


def run(paths: list[Path]) -> dict:
    statements = [load(p) for p in paths]
    out: dict = {"statements": {}, "styles": {}, "all": {}}
    for name, parse in METHODS.items():
        total = Score()
        styles: dict[str, Score] = {}
        for statement in statements:
            s = score(statement, parse)
            out["statements"].setdefault(statement.slug, {})[name] = s.row() | {"misses": s.misses}
            total.add(s)
            for key in (
                f"person: {statement.style.get('person', '?')}",
                f"structure: {statement.style.get('structure', '?')}",
            ):
                styles.setdefault(key, Score()).add(s)
        out["all"][name] = total.row()
        for key, s in styles.items():
            out["styles"].setdefault(key, {})[name] = s.row()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list the new importer's misses")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = run(sorted(LABELS.glob("*.json")))
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return 0
    head = f"{'':46} {'method':7} {'found':>6} {'false':>6} {'parties':>7} {'spheres':>7} {'strength':>8}  n"

    def line(label, rows):
        for name, r in rows.items():
            cells = [
                ("—" if r[k] is None else f"{r[k]:.2f}") for k in ("found", "false", "parties", "spheres", "strength")
            ]
            refused = "  REFUSED" if r["refused"] else ""
            found, false, parties, spheres, strength = cells
            figures = f"{found:>6} {false:>6} {parties:>7} {spheres:>7} {strength:>8}"
            print(f"{label[:46]:46} {name:7} {figures}  {r['n']}{refused}")
            label = ""

    print(head)
    for slug, rows in result["statements"].items():
        line(slug, {k: v for k, v in rows.items()})
    print()
    for key, rows in sorted(result["styles"].items()):
        line(key, rows)
    print()
    line("ALL", result["all"])
    if args.misses:
        for slug, rows in result["statements"].items():
            if rows["new"]["misses"]:
                print(f"\n## {slug}")
                for miss in rows["new"]["misses"]:
                    print("  ", miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

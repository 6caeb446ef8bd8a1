"""An analyst's corrections to what the importer read: drop a pledge, add a sentence it missed, split
one or merge two, change a pledge's sphere, parties or strength.

An Edit names its pledge by its text, not by a ref or offsets, so it still applies when the statement
is imported again after an edit elsewhere in the text; `apply_edits` is a plain function from a parsed
statement to the corrected one. Stored edits are events (kind `import_edit`), replayed on re-import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..errors import ImportProblem
from .statement import ParsedPledge, ParsedSection, ParsedStatement

KINDS = ("drop", "add", "strength", "parties", "sphere", "split", "merge")


@dataclass(frozen=True)
class Edit:
    """One correction. `text` is the pledge's sentence (for merge, the first of the two); `value` is
    the new strength ("firm"/"soft"), parties (codes), sphere name, the split's second part's first
    words, or the merged pledge's second sentence."""

    kind: str
    text: str
    value: object = None

    def to_json(self) -> dict:
        return {
            "edit": self.kind,
            "text": self.text,
            "value": list(self.value) if isinstance(self.value, tuple) else self.value,
        }

    @classmethod
    def from_json(cls, data: dict) -> Edit:
        value = data.get("value")
        return cls(data["edit"], data["text"], tuple(value) if isinstance(value, list) else value)


@dataclass
class Applied:
    statement: ParsedStatement
    #: edits whose pledge or sentence is no longer in the text
    stale: list[Edit] = field(default_factory=list)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _find(parsed: ParsedStatement, text: str) -> tuple[ParsedSection, int] | None:
    wanted = _norm(text)
    for section in parsed.sections:
        for i, pledge in enumerate(section.pledges):
            if _norm(pledge.text) == wanted:
                return section, i
    return None


def _section_at(parsed: ParsedStatement, offset: int) -> ParsedSection:
    """The section whose pledges or heading come last before `offset`."""
    best = parsed.sections[0]
    for section in parsed.sections:
        starts = [p.start for p in section.pledges] + (
            [section.heading_start] if section.heading_start is not None else []
        )
        if starts and min(starts) <= offset:
            best = section
    return best


def _span_of(text: str, source: str, near: int = 0) -> tuple[int, int] | None:
    """Where `text` stands in `source` (the closest occurrence to `near`), whitespace-insensitive."""
    pattern = r"\s+".join(re.escape(word) for word in text.split())
    if not pattern:
        return None
    found = [(abs(m.start() - near), m.start(), m.end()) for m in re.finditer(pattern, source)]
    return min(found)[1:] if found else None


def apply_edit(parsed: ParsedStatement, edit: Edit) -> bool:
    """Apply one edit in place; False when its pledge or sentence is not in this text."""
    source = parsed.text
    if edit.kind == "add":
        if _find(parsed, edit.text):
            return True
        span = _span_of(edit.text, source)
        if span is None:
            return False
        strength, parties = "firm", parsed.parties
        if isinstance(edit.value, dict):
            strength = edit.value.get("strength", strength)
            parties = tuple(edit.value.get("parties") or parties)
        section = _section_at(parsed, span[0])
        pledge = ParsedPledge(
            source[span[0] : span[1]], span[0], span[1], strength, parties, True, "added by an analyst"
        )
        section.pledges.append(pledge)
        section.pledges.sort(key=lambda p: p.start)
        return True
    found = _find(parsed, edit.text)
    if found is None:
        return False
    section, i = found
    pledge = section.pledges[i]
    if edit.kind == "drop":
        del section.pledges[i]
    elif edit.kind == "strength":
        section.pledges[i] = replace(pledge, strength=str(edit.value), sure=True, why="")
    elif edit.kind == "parties":
        section.pledges[i] = replace(pledge, parties=tuple(edit.value or ()), sure=True, why="")
    elif edit.kind == "sphere":
        target = next((s for s in parsed.sections if s.name == edit.value), None)
        if target is None:
            return False
        del section.pledges[i]
        target.pledges.append(replace(pledge, sure=True, why=""))
        target.pledges.sort(key=lambda p: p.start)
    elif edit.kind == "split":
        at = _span_of(str(edit.value), pledge.text)
        if at is None or at[0] == 0:
            return False
        cut = pledge.start + at[0]
        first_end = pledge.start + len(pledge.text[: at[0]].rstrip())
        section.pledges[i : i + 1] = [
            replace(pledge, text=source[pledge.start : first_end], end=first_end, sure=True, why=""),
            replace(pledge, text=source[cut : pledge.end], start=cut, sure=True, why=""),
        ]
    elif edit.kind == "merge":
        other = _find(parsed, str(edit.value))
        if other is None or other[0] is not section or other[1] != i + 1:
            return False
        second = section.pledges[i + 1]
        section.pledges[i : i + 2] = [
            replace(pledge, text=source[pledge.start : second.end], end=second.end, sure=True, why="")
        ]
    else:
        raise ImportProblem(f"Unknown correction {edit.kind!r}: one of {', '.join(KINDS)}.")
    return True


def apply_edits(parsed: ParsedStatement, edits: list[Edit]) -> Applied:
    """The statement with the analyst's edits applied in order; those that no longer fit are listed."""
    stale = [edit for edit in edits if not apply_edit(parsed, edit)]
    return Applied(parsed, stale)

"""An analyst's corrections to what the importer read: drop a pledge, add a sentence it missed, split
one or merge two, change a pledge's sphere, parties or strength.

An Edit names its pledge by its text, not by a ref or offsets, so it still applies when the statement
is imported again after an edit elsewhere in the text; `apply_edits` is a plain function from a parsed
statement to the corrected one. Stored edits are events (kind `import_edit`), replayed on re-import.
"""

from __future__ import annotations

import difflib
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
    #: edits whose pledge or sentence is no longer in the text, with why
    stale: list[Edit] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def normalised(text: str) -> str:
    """A sentence as compared: its words, in lower case, one space between."""
    return re.sub(r"\s+", " ", text).strip().lower()


#: how alike a pledge's sentence must still be for a correction made to it to apply (as re-imports pair)
SIMILARITY = 0.75


def _find(parsed: ParsedStatement, text: str) -> tuple[ParsedSection, int] | None:
    """The pledge a correction names: the same sentence, or the most alike one when it was edited since."""
    wanted = normalised(text)
    best: tuple[float, ParsedSection, int] | None = None
    for section in parsed.sections:
        for i, pledge in enumerate(section.pledges):
            mine = normalised(pledge.text)
            if mine == wanted:
                return section, i
            matcher = difflib.SequenceMatcher(None, wanted, mine)
            if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILARITY and (best is None or ratio > best[0]):
                best = (ratio, section, i)
    return (best[1], best[2]) if best else None


def _quoted(text: str) -> str:
    words = " ".join(text.split())
    return f"“{words[:70]}…”" if len(words) > 70 else f"“{words}”"


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


def apply_edit(parsed: ParsedStatement, edit: Edit) -> str:
    """Apply one edit in place; "" when it applied, else why not (one sentence)."""
    source = parsed.text
    if edit.kind == "add":
        found = _find(parsed, edit.text)
        if found and normalised(found[0].pledges[found[1]].text) == normalised(edit.text):
            return ""
        span = _span_of(edit.text, source)
        if span is None:
            return f"The sentence {_quoted(edit.text)} is not in the statement's text."
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
        return ""
    found = _find(parsed, edit.text)
    if found is None:
        return f"No pledge of the statement reads {_quoted(edit.text)} any more."
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
            return f"The statement has no sphere {_quoted(str(edit.value))}."
        del section.pledges[i]
        target.pledges.append(replace(pledge, sure=True, why=""))
        target.pledges.sort(key=lambda p: p.start)
    elif edit.kind == "split":
        at = _span_of(str(edit.value), pledge.text)
        if at is None or at[0] == 0:
            return f"The words {_quoted(str(edit.value))} do not begin a second part of {_quoted(pledge.text)}."
        cut = pledge.start + at[0]
        first_end = pledge.start + len(pledge.text[: at[0]].rstrip())
        section.pledges[i : i + 1] = [
            replace(pledge, text=source[pledge.start : first_end], end=first_end, sure=True, why=""),
            replace(pledge, text=source[cut : pledge.end], start=cut, sure=True, why=""),
        ]
    elif edit.kind == "merge":
        other = _find(parsed, str(edit.value))
        if other is None or other[0] is not section or other[1] != i + 1:
            return f"{_quoted(str(edit.value))} does not follow {_quoted(pledge.text)} in the same sphere."
        second = section.pledges[i + 1]
        section.pledges[i : i + 2] = [
            replace(pledge, text=source[pledge.start : second.end], end=second.end, sure=True, why="")
        ]
    else:
        raise ImportProblem(f"Unknown correction {edit.kind!r}: one of {', '.join(KINDS)}.")
    return ""


def apply_edits(parsed: ParsedStatement, edits: list[Edit]) -> Applied:
    """The statement with the analyst's edits applied in order; those that no longer fit are listed."""
    applied = Applied(parsed)
    for edit in edits:
        reason = apply_edit(parsed, edit)
        if reason:
            applied.stale.append(edit)
            applied.reasons.append(reason)
    return applied

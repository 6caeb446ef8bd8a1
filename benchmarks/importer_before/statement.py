"""Read a statement's text into sections and pledges (no database): headings → sentences → pledges."""

from __future__ import annotations

from dataclasses import dataclass, field

from casr_tracker.errors import ImportProblem

from . import rules
from .rules import Span

#: the six parties of the Central Asia + Russia format, used when a text names none
DEFAULT_PARTIES = ("KZ", "KG", "RU", "TJ", "TM", "UZ")


@dataclass
class ParsedPledge:
    """A sentence that commits its parties; `text` is `source[start:end]`."""

    text: str
    start: int
    end: int
    strength: str
    parties: tuple[str, ...]


@dataclass
class ParsedSection:
    """The preamble, a headed sphere or the closing review part, with its pledges in order."""

    name: str
    kind: str
    code: str
    order: int
    heading_start: int | None
    pledges: list[ParsedPledge] = field(default_factory=list)


@dataclass
class ParsedStatement:
    """Everything the importer reads from one statement text."""

    text: str
    parties: tuple[str, ...]
    sections: list[ParsedSection]

    @property
    def spheres(self) -> list[ParsedSection]:
        return [s for s in self.sections if s.kind == "sphere"]

    @property
    def pledges(self) -> list[tuple[ParsedSection, ParsedPledge]]:
        return [(s, p) for s in self.sections for p in s.pledges]


def find_parties(paragraphs: list[Span], first_heading: int) -> tuple[str, ...]:
    """The signatories: the states named in the preamble (before the first heading)."""
    preamble = " ".join(p.text for p in paragraphs[:first_heading])
    named = rules.parties_named(preamble)
    return tuple(named) if len(named) >= 2 else DEFAULT_PARTIES


def split_sections(paragraphs: list[Span]) -> list[tuple[str, str, Span | None, list[Span]]]:
    """Group paragraphs under their headings: (name, kind, heading, body paragraphs).

    Text before the first heading is the preamble; after the last heading, the paragraphs from the
    first one that says how progress will be reviewed form the closing review section.
    """
    heading_idx = [i for i, p in enumerate(paragraphs) if rules.is_heading(p)]
    if not heading_idx:
        raise ImportProblem(
            "The text has no sphere headings (short lines of their own), "
            "so it is not a statement this importer can read."
        )
    sections: list[tuple[str, str, Span | None, list[Span]]] = []
    if heading_idx[0] > 0:
        sections.append(("Preamble", "preamble", None, paragraphs[: heading_idx[0]]))
    for n, idx in enumerate(heading_idx):
        stop = heading_idx[n + 1] if n + 1 < len(heading_idx) else len(paragraphs)
        body = paragraphs[idx + 1 : stop]
        if n + 1 == len(heading_idx):
            review_at = next((k for k, p in enumerate(body) if rules.opens_review_section(p)), None)
            if review_at is not None:
                sections.append((paragraphs[idx].text, "sphere", paragraphs[idx], body[:review_at]))
                sections.append(("Review of progress", "review", None, body[review_at:]))
                continue
        sections.append((paragraphs[idx].text, "sphere", paragraphs[idx], body))
    return sections


def find_pledges(body: list[Span], parties: tuple[str, ...]) -> list[ParsedPledge]:
    """The sentences of `body` that commit parties, with strength and parties bound."""
    found = []
    for paragraph in body:
        for sentence in rules.sentences(paragraph):
            commitment = rules.classify(sentence.text, parties)
            if commitment:
                found.append(
                    ParsedPledge(
                        sentence.text,
                        sentence.start,
                        sentence.end,
                        commitment.strength,
                        commitment.parties,
                    )
                )
    return found


def parse_statement(text: str) -> ParsedStatement:
    """Read a whole statement: sections with codes, and the pledges of each."""
    paras = rules.paragraphs(text)
    if not paras:
        raise ImportProblem("The statement text is empty.")
    first_heading = next((i for i, p in enumerate(paras) if rules.is_heading(p)), 0)
    parties = find_parties(paras, first_heading)
    taken: set[str] = set()
    sections = []
    for order, (name, kind, heading, body) in enumerate(split_sections(paras)):
        if kind == "preamble":
            code = "GEN"
        elif kind == "review":
            code = "REV"
        else:
            code = rules.sphere_code(name, taken | {"GEN", "REV"})
        taken.add(code)
        section = ParsedSection(name, kind, code, order, heading.start if heading else None)
        section.pledges = find_pledges(body, parties)
        sections.append(section)
    if not any(s.pledges for s in sections):
        raise ImportProblem(
            "No sentence of the text commits its parties to anything, so there are no pledges to import."
        )
    return ParsedStatement(text, parties, sections)

"""Read a statement's text into sections and pledges (no database): layout → signatories → sentences → pledges."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from ..errors import ImportProblem
from . import rules, signatories
from .layout import DATE, MARKER, Block, dateline_date, read_blocks

#: the six parties of the Central Asia + Russia format, used when a text names none
DEFAULT_PARTIES = ("KZ", "KG", "RU", "TJ", "TM", "UZ")


@dataclass
class ParsedPledge:
    """A sentence that commits its parties; `text` is `source[start:end]`. `sure` is False when the
    analyst should look at it (`why` says what is unsure)."""

    text: str
    start: int
    end: int
    strength: str
    parties: tuple[str, ...]
    sure: bool = True
    why: str = ""


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
    title: str = ""
    date: dt.date | None = None
    #: True when the signatories were read from the text (False: the analyst named them, or none found)
    parties_found: bool = True
    #: True when none were found and none named: the Central Asia + Russia six are assumed
    parties_assumed: bool = False
    #: sentences with the words of a commitment that were not taken (for the analyst to look at)
    missed: list[ParsedPledge] = field(default_factory=list)

    @property
    def spheres(self) -> list[ParsedSection]:
        return [s for s in self.sections if s.kind == "sphere"]

    @property
    def pledges(self) -> list[tuple[ParsedSection, ParsedPledge]]:
        return [(s, p) for s in self.sections for p in s.pledges]


def find_parties(blocks: list[Block], when: dt.date | None = None) -> tuple[str, ...]:
    """The signatories: named in the title, in the first sentence of the text ("We, the ministers of
    …", "The Government of X and the Government of Y,") and in the signature lines after the last
    paragraph; states, organisations that sign as such, and members of a named organisation."""
    found: list[str] = []

    def add(codes) -> None:
        found.extend(c for c in codes if c not in found)

    for block in blocks:
        if block.kind == "title":
            add(signatories.signatories_in(block.text, when, title=True))
    body = [b for b in blocks if b.kind in ("text", "item")]
    if body:
        first = rules.sentences(body[0].body)
        opening = first[0].text if first else body[0].text
        opening = re.split(
            r"\b(?:met|meeting|gathered|having|held|have|has|value|declare|adopt|agree|reaffirm)\b", opening
        )[0]
        opening = signatories.WITNESSES.split(opening)[0]
        add(signatories.signatories_in(opening, when))
        if len(body) > 1 and body[0].text.rstrip().endswith(","):
            add(signatories.signatories_in(body[1].text, when))
    last_text = max(
        (i for i, b in enumerate(blocks) if b.kind == "text" and len(b.text.split()) > 12), default=len(blocks)
    )
    witnesses = False
    for block in blocks[last_text + 1 :]:  # signature lines; a witness's ("Witnessed by:") are not
        witnesses = witnesses or bool(signatories.WITNESSES.search(block.text))
        if block.kind in ("heading", "text") and len(block.text.split()) <= 15 and not witnesses:
            add(signatories.signatories_in(block.text, when))
    return tuple(found)


def _section_parts(blocks: list[Block]) -> list[tuple[str, str, Block | None, list[Block]]]:
    """Group body blocks under their headings: (name, kind, heading, body blocks).

    Text before the first heading is the preamble (a text with no headings is one sphere); after the
    last heading, the paragraphs from the first one that says how progress will be reviewed form the
    closing review section."""
    heads = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    body_of = lambda part: [b for b in part if b.kind in ("text", "item")]  # noqa: E731
    if not heads:
        return [(WHOLE_TEXT, "sphere", None, body_of(blocks))]
    parts: list[tuple[str, str, Block | None, list[Block]]] = []
    if body_of(blocks[: heads[0]]):
        parts.append(("Preamble", "preamble", None, body_of(blocks[: heads[0]])))
    for n, idx in enumerate(heads):
        stop = heads[n + 1] if n + 1 < len(heads) else len(blocks)
        body = body_of(blocks[idx + 1 : stop])
        name = heading_name(blocks[idx].text)
        if n + 1 == len(heads):
            review_at = next((k for k, b in enumerate(body) if rules.opens_review_section(b)), None)
            if review_at is not None:
                parts.append((name, "sphere", blocks[idx], body[:review_at]))
                parts.append(("Review of progress", "review", None, body[review_at:]))
                continue
        parts.append((name, "sphere", blocks[idx], body))
    return parts


#: the name of the one sphere of a text with no headings
WHOLE_TEXT = "Whole statement"


def heading_name(text: str) -> str:
    """A heading as a sphere's name: without its number, on one line."""
    return re.sub(r"\s+", " ", MARKER.sub("", text, count=1)).strip() or text.strip()


def find_pledges(
    body: list[Block], parties: tuple[str, ...], blocks: list[Block] | None = None, missed: list | None = None
) -> list[ParsedPledge]:
    """The sentences of `body` that commit parties, with strength and parties bound. A list item
    inherits the subject and commitment of its lead-in ("We will:"). Sentences with the words of a
    commitment but no signatory as its subject go to `missed`, for the analyst to look at."""
    found = []
    leads = {id(blocks[b.lead_in]) for b in blocks or [] if b.kind == "item" and b.lead_in is not None}
    for block in body:
        lead_in = ""
        if block.kind == "item" and blocks is not None and block.lead_in is not None:
            lead_sentences = rules.sentences(blocks[block.lead_in].body)
            lead_in = lead_sentences[-1].text if lead_sentences else blocks[block.lead_in].text
        sentences = rules.sentences(block.body)
        for n, sentence in enumerate(sentences):
            if (id(block) in leads and n == len(sentences) - 1) or sentence.text.rstrip().endswith(":"):
                continue  # "The Parties commit to the following:": what follows is the pledge
            commitment = rules.classify(sentence.text, parties, lead_in if n == 0 else "")
            if commitment:
                found.append(
                    ParsedPledge(
                        sentence.text,
                        sentence.start,
                        sentence.end,
                        commitment.strength,
                        commitment.parties,
                        commitment.sure,
                        commitment.why,
                    )
                )
            elif missed is not None and (marker := rules.marker_in(sentence.text)):
                why = f"not taken: “{marker}”, but no signatory is its subject"
                missed.append(ParsedPledge(sentence.text, sentence.start, sentence.end, "firm", parties, False, why))
    return found


def parse_statement(text: str, parties: tuple[str, ...] | list[str] | None = None) -> ParsedStatement:
    """Read a whole statement: title and dateline, signatories (or the given ones), sections with
    codes, and the pledges of each."""
    blocks = read_blocks(text)
    if not blocks:
        raise ImportProblem("The statement text is empty.")
    title = next((re.sub(r"\s+", " ", b.text) for b in blocks if b.kind == "title"), "")
    date = next((dateline_date(b.text) for b in blocks if b.kind == "dateline" and dateline_date(b.text)), None)
    if date is None:  # "We, the leaders …, gathered in Jakarta on 6 September 2023": its one date
        first = next((b for b in blocks if b.kind in ("text", "item")), None)
        if first is not None and len({m.group() for m in DATE.finditer(first.text)}) == 1:
            date = dateline_date(first.text)
    if parties:
        signed, found = tuple(parties), False
    else:
        signed = find_parties(blocks, date)
        found = bool(signed)
        signed = signed or DEFAULT_PARTIES
    taken: set[str] = set()
    sections = []
    missed: list[ParsedPledge] = []
    for order, (name, kind, heading, body) in enumerate(_section_parts(blocks)):
        if kind == "preamble":
            code = "GEN"
        elif kind == "review":
            code = "REV"
        elif heading is None:
            code = "GEN"
        else:
            code = rules.sphere_code(name, taken | {"GEN", "REV"})
        taken.add(code)
        section = ParsedSection(name, kind, code, order, heading.start if heading else None)
        section.pledges = find_pledges(body, signed, blocks, missed)
        if not parties and not found:  # nobody is named: who is bound is the analyst's to say
            section.pledges = [replace(p, sure=False, why="signatories assumed") for p in section.pledges]
        sections.append(section)
    sections = [s for s in sections if s.pledges]  # a heading with no pledge (signature lines, context) is no sphere
    if sections and not any(s.kind == "sphere" for s in sections):  # every pledge before the first heading
        first = sections[0]
        first.name, first.kind = WHOLE_TEXT, "sphere"
    if not any(s.pledges for s in sections):
        raise ImportProblem(
            "No sentence of the text commits its parties to anything, so there are no pledges to import."
        )
    for order, section in enumerate(sections):
        section.order = order
    return ParsedStatement(text, signed, sections, title, date, found, not parties and not found, missed)

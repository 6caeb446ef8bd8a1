"""The layout of a statement: its lines joined back into paragraphs, and each paragraph read as a title,
dateline, heading, lead-in, list item or body text.

Pure functions over strings. Every Block's `text` is `source[start:end]`; `body_start` is where its
words begin after a list marker ("1.", "a)", "•").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dateutil import parser as dateparser

from .rules import _GOES_ON, Span

#: a list marker at the start of a paragraph: bullets, 1. 1) (1) a) (a) i. I. 1.2.
MARKER = re.compile(
    r"^(?:[•●▪■◦·○►➢✓*\-–—]|\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(\d{1,3}\)|\(?[a-z][.)]|\([a-z]\)|"
    r"\(?(?:[ivx]{1,5}|[IVX]{1,5})[.)])\s+"
)
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    r"\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{2}-\d{2})\b"
)
_TITLE_WORDS = re.compile(
    r"\b(?:statement|declaration|communiqu[eé]|joint|vision|roadmap|road map|action plan|memorandum|"
    r"agreement|outcome|conclusions|resolution|appeal|charter|programme|program|summit|plan)\b",
    re.I,
)
_CLOSING_PUNCT = "\"'”’)]»"


@dataclass(frozen=True)
class Block:
    """A paragraph and what it is: title, dateline, heading, lead-in, item or text."""

    kind: str
    start: int
    end: int
    text: str
    body_start: int
    lead_in: int | None = None  # for an item: the index of its lead-in block

    @property
    def body(self) -> Span:
        return Span(self.body_start, self.end, self.text[self.body_start - self.start :])


def _lines(text: str) -> list[list[Span]]:
    """Runs of consecutive non-blank lines (a blank line ends a run), each line trimmed."""
    runs: list[list[Span]] = [[]]
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            runs[-1].append(Span(start, start + len(stripped), stripped))
        elif runs[-1]:
            runs.append([])
        pos += len(raw)
    return [run for run in runs if run]


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSING_PUNCT)[-1:] in (".", "!", "?", ";", ":", "…")


def _wrapped_run(run: list[Span]) -> bool:
    """A run of lines wrapped at a fixed width (copied from a PDF or an e-mail): most lines but the
    last reach near the widest one, and the widest is not a whole paragraph on one line."""
    if len(run) < 3:
        return len(run) == 2 and 40 <= len(run[0].text) <= 110 and not _ends_sentence(run[0].text)
    widest = max(len(line.text) for line in run)
    if widest > 130:
        return False
    full = sum(1 for line in run[:-1] if len(line.text) >= 0.75 * widest)
    return full >= 0.6 * (len(run) - 1)


def paragraphs(text: str) -> list[Span]:
    """The paragraphs of a statement: lines, except that lines wrapped at a fixed width, and a line
    going on in lower case, are joined back. A line starting with a list marker starts a paragraph."""
    out: list[Span] = []
    for run in _lines(text):
        wrapped = _wrapped_run(run)
        widest = max(len(line.text) for line in run)
        current = run[0]
        for line in run[1:]:
            dash_goes_on = wrapped and line.text[0] in "–—-" and not _ends_sentence(current.text)
            if (MARKER.match(line.text) and not dash_goes_on) or current.text.endswith(":"):
                join = False  # a list item starts (a dash in mid-sentence of wrapped text does not)
            elif line.text[0].islower():
                join = True
            elif wrapped:
                join = len(current.text.splitlines()[-1].strip()) >= 0.7 * widest or not _ends_sentence(current.text)
            else:
                join = False
            if join:
                current = Span(current.start, line.end, text[current.start : line.end])
            else:
                out.append(current)
                current = line
        out.append(current)
    return out


def is_dateline(text: str) -> bool:
    """A place and date line: "Astana, 14 October 2022", "Moscow, October 15, 2020", "14.10.2022"."""
    words = text.split()
    if not words or len(words) > 12:
        return False
    found = DATE.search(text)
    if not found:
        return False
    rest = (text[: found.start()] + text[found.end() :]).strip(" ,.-–—()")
    return len(rest.split()) <= 6 and not re.search(r"\b(?:will|shall|agreed?|we)\b", rest, re.I)


def dateline_date(text: str):
    """The date of a dateline, or None."""
    found = DATE.search(text)
    if not found:
        return None
    try:
        return dateparser.parse(found.group(), dayfirst=True, fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


def _heading_like(text: str) -> bool:
    body = MARKER.sub("", text, count=1).strip()
    if not body or _ends_sentence(body) or body.endswith(","):
        return False
    words = body.split()
    first = body.lstrip("\"'“‘(")[:1]
    if words[-1].lower() in _GOES_ON:  # "…relationship; and": a clause that goes on
        return False
    return len(words) <= 30 and (first.isupper() or first.isdigit())


def _marker_style(text: str) -> str:
    """What kind of list marker a paragraph starts with: bullet, number, letter, roman, or ""."""
    marker = MARKER.match(text)
    if not marker:
        return ""
    mark = marker.group().strip().strip("().")
    if re.fullmatch(r"[\d.]+", mark):
        return "number"
    if re.fullmatch(r"[ivxIVX]+", mark):
        return "roman"
    if re.fullmatch(r"[a-z]", mark):
        return "letter"
    return "bullet"


def read_blocks(text: str) -> list[Block]:
    """Every paragraph of a statement with its kind."""
    paras = paragraphs(text)
    blocks: list[Block] = []
    lead_in: int | None = None
    style = ""  # the marker of the current list's items: a list goes on under headings in that style
    seen_body = False
    for para in paras:
        marker = MARKER.match(para.text)
        body_start = para.start + (marker.end() if marker else 0)
        words = para.text.split()
        if (
            not seen_body
            and not blocks
            and _TITLE_WORDS.search(para.text)
            and not _ends_sentence(para.text)
            and len(words) <= 40
        ):
            kind = "title"
        elif is_dateline(para.text):
            kind = "dateline"
        elif lead_in is not None and (
            (
                marker
                and not (_heading_like(para.text) and _list_ended(blocks))
                and (not style or _marker_style(para.text) == style)
            )
            or (
                blocks[-1].kind != "heading"
                and (para.text[0].islower() or para.text.rstrip().endswith((";", ",", "; and", "; or")))
            )
        ):
            kind = "item"
        elif _heading_like(para.text) and not (
            blocks and blocks[-1].kind == "title" and not seen_body and _continues_title(para.text)
        ):
            kind = "heading"
        elif (
            blocks
            and blocks[-1].kind == "title"
            and not seen_body
            and _continues_title(para.text)
            and not _ends_sentence(para.text)
            and not para.text.endswith(",")
            and len(words) <= 30
        ):
            kind = "title"
        else:
            kind = "text"
        if kind == "text" or (kind == "heading" and para.text.endswith(":")):
            seen_body = True
        if kind == "item":
            style = style or _marker_style(para.text)
            blocks.append(Block(kind, para.start, para.end, para.text, body_start, lead_in))
            if para.text.rstrip(_CLOSING_PUNCT).endswith(":"):  # "4. … we agree to the following steps:"
                lead_in, style = len(blocks) - 1, ""
            continue
        if kind != "heading" or not style:
            lead_in, style = None, ""
        blocks.append(Block(kind, para.start, para.end, para.text, body_start))
        if kind == "text" and para.text.rstrip(_CLOSING_PUNCT).endswith(":"):
            lead_in, style = len(blocks) - 1, ""
    return _merge_titles(text, blocks)


def _list_ended(blocks: list[Block]) -> bool:
    """True when the last list item closed its list with a full stop."""
    return bool(blocks) and blocks[-1].kind == "item" and blocks[-1].text.rstrip(_CLOSING_PUNCT).endswith(".")


def _continues_title(text: str) -> bool:
    """A second title line: "of the Heads of State of …", "on Strategic Partnership"."""
    return bool(re.match(r"(?:of|on|between|by|for|and|at|in)\b", text, re.I)) or bool(_TITLE_WORDS.search(text))


def _merge_titles(text: str, blocks: list[Block]) -> list[Block]:
    """Consecutive title lines are one title."""
    out: list[Block] = []
    for block in blocks:
        if out and block.kind == "title" and out[-1].kind == "title":
            first = out[-1]
            out[-1] = Block("title", first.start, block.end, text[first.start : block.end], first.start)
        else:
            out.append(block)
    return out

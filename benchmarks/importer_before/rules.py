"""The text rules of a joint statement: headings, sentences, what is a commitment, who it binds, how firm.

Pure functions over strings: no database, no I/O. Every offset is a Python string index into the
statement's full text, so `text[start:end]` gives back exactly what was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- parties ---------------------------------------------------------------------------------

#: code, short name, formal name, other ways a text names the state
KNOWN_PARTIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("KZ", "Kazakhstan", "Republic of Kazakhstan", ()),
    ("KG", "Kyrgyzstan", "Kyrgyz Republic", ("Kyrgyz Republic", "Kirghizia")),
    ("RU", "Russia", "Russian Federation", ("Russian Federation",)),
    ("TJ", "Tajikistan", "Republic of Tajikistan", ()),
    ("TM", "Turkmenistan", "Turkmenistan", ()),
    ("UZ", "Uzbekistan", "Republic of Uzbekistan", ()),
    ("AM", "Armenia", "Republic of Armenia", ()),
    ("AZ", "Azerbaijan", "Republic of Azerbaijan", ()),
    ("BY", "Belarus", "Republic of Belarus", ()),
    ("CN", "China", "People's Republic of China", ("People's Republic of China",)),
    ("MN", "Mongolia", "Mongolia", ()),
)
#: states that a text can call "Central Asian countries"
CENTRAL_ASIA = frozenset({"KZ", "KG", "TJ", "TM", "UZ"})

_PARTY_PATTERNS = tuple(
    (code, re.compile(r"\b(?:" + "|".join(re.escape(n) for n in (name, *aliases)) + r")\b"))
    for code, name, _formal, aliases in KNOWN_PARTIES
)
_CENTRAL_ASIAN_GROUP = re.compile(r"\bCentral Asian (?:countries|states|nations|partners)\b", re.I)
_ALL_COUNTRIES = re.compile(
    r"\ball (?:our |the )?(?:countries|states|parties)\b|^\W*(?:the )?(?:foreign )?(?:ministers|ministries|"
    r"ministries' \w+|parties|sides|signatories|governments)\b",
    re.I,
)


def parties_named(text: str) -> list[str]:
    """Codes of the known states named in `text`, in the order of KNOWN_PARTIES."""
    return [code for code, pattern in _PARTY_PATTERNS if pattern.search(text)]


# --- spans, paragraphs, sentences --------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A piece of a text: `text` is always `source[start:end]`."""

    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[Span]:
    """The non-blank lines of `text` (each paragraph of a statement is one line), trimmed."""
    spans = []
    for match in re.finditer(r"[^\r\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        spans.append(Span(start, start + len(stripped), stripped))
    return spans


#: a line at least this long that ends on a word no sentence ends with was wrapped by its layout
WRAP_WIDTH = 60
#: a line in lower case that does not go on a sentence: a stamp, an address
_NOT_PROSE = re.compile(r"(?:date\s+\d{4}-|https?://|www\.)", re.I)
_GOES_ON = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "but",
        "that",
        "which",
        "who",
        "whose",
        "as",
        "than",
        "into",
        "onto",
        "over",
        "under",
        "between",
        "among",
        "about",
        "its",
        "their",
        "our",
        "his",
        "her",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "will",
        "would",
        "shall",
        "has",
        "have",
        "had",
        "not",
        "no",
    ]
)


def blocks(text: str) -> list[Span]:
    """Paragraphs of a later document: lines, except that a line wrapped in the middle of a sentence
    (the next line starts in lower case, or this one ends with a comma or hyphen) continues."""
    out: list[Span] = []
    for line in paragraphs(text):
        if out:
            last = out[-1]
            gap = text[last.end : line.start]
            # wrapped: the next line goes on in lower case, this one stops at a comma or hyphen, or it is a
            # full-width line (a PDF's, a hard-wrapped text's) that stops on a word no sentence ends with
            wrapped = (
                (line.text[0].islower() and not _NOT_PROSE.match(line.text))
                or last.text.endswith((",", "-", "–", ";"))
                or (
                    len(text[last.start : last.end].splitlines()[-1]) >= WRAP_WIDTH
                    and last.text.split()[-1].lower() in _GOES_ON
                )
            )
            if "\n\n" not in gap and wrapped and last.text[-1] not in ".!?:":
                out[-1] = Span(last.start, line.end, text[last.start : line.end])
                continue
        out.append(line)
    return out


_ABBREVIATIONS = ("etc", "e.g", "i.e", "Mr", "Mrs", "Ms", "Dr", "No", "St", "vs", "U.S", "U.N", "art")
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


def sentences(paragraph: Span) -> list[Span]:
    """Split a paragraph into sentences; offsets stay those of the whole text."""
    out: list[Span] = []
    text, begin = paragraph.text, 0
    for match in _SENTENCE_END.finditer(text):
        before = text[begin : match.start()]
        last_word = re.search(r"([A-Za-z.]+)$", before)
        if last_word and last_word.group(1).rstrip(".") in _ABBREVIATIONS and text[match.start()] == ".":
            continue
        end = match.end()
        out.append(Span(paragraph.start + begin, paragraph.start + end, text[begin:end]))
        begin = end + (len(text[end:]) - len(text[end:].lstrip()))
    if begin < len(text):
        out.append(Span(paragraph.start + begin, paragraph.end, text[begin:]))
    return out


def is_heading(paragraph: Span) -> bool:
    """A heading is a short line of its own with no sentence punctuation at its end."""
    words = paragraph.text.split()
    return (
        0 < len(words) <= 8
        and len(paragraph.text) <= 80
        and paragraph.text[0].isupper()
        and paragraph.text[-1] not in '.,;:!?…"”'
    )


_REVIEW_SECTION = re.compile(
    r"\b(?:assessments? of progress|review(?:ing)? (?:the )?progress|progress (?:in|on) (?:the )?"
    r"(?:spheres|areas|implementation)|spheres mentioned above|implementation of this statement)\b",
    re.I,
)


def opens_review_section(paragraph: Span) -> bool:
    """True for the first paragraph of the closing part that says how progress will be reviewed."""
    return bool(_REVIEW_SECTION.search(paragraph.text))


# --- commitments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commitment:
    """What a sentence commits to: who is bound and how firmly; `marker` is the words that did it."""

    strength: str
    parties: tuple[str, ...]
    marker: str


#: (regex, strength, impersonal): impersonal markers bind "us" without a subject before them
MARKERS: tuple[tuple[str, str, bool], ...] = (
    (r"will (?:strive|endeavou?r|seek|try|consider|explore)\b", "soft", False),
    (r"(?:will|shall)\b", "firm", False),
    (r"(?:intend|undertake|pledge|commit) to\b", "firm", False),
    (r"are (?:committed|determined|resolved) to\b", "firm", False),
    (r"ha(?:ve|s) the obligation to\b", "firm", False),
    (r"(?:are|is|remain) ready to\b", "soft", False),
    (r"stands? ready\b", "soft", False),
    (r"readiness to\b", "soft", False),
    (r"(?:are|is|remain) interested in\b", "soft", False),
    (r"are exploring (?:avenues|ways|options|the possibility)\b", "soft", False),
    (r"call for\b", "soft", False),
    (r"(?:support|encourage|favou?r)\b(?! of)", "soft", False),
    (r"(?:note|reaffirm|stress|emphasi[sz]e|recogni[sz]e) the need\b", "soft", False),
    (r"(?:note|reaffirm|stress|emphasi[sz]e) the importance of\b", "soft", False),
    (r"attach (?:great |particular |special )?importance to\b", "soft", False),
    (r"look forward to\b", "soft", False),
    (r"it is (?:essential|necessary|important) that\b", "soft", True),
    (r"is in our (?:common|mutual|shared) interests?\b", "soft", True),
)
_MARKERS = tuple((re.compile(r"\b" + rx, re.I), strength, imp) for rx, strength, imp in MARKERS)

#: sentences that look like commitments but are context (beliefs, structure, others' actions)
CONTEXT_PATTERNS: tuple[str, ...] = (
    r"^(?:we )?(?:believe|are (?:confident|convinced|certain)|consider|hope)\b",
    r"\bwe (?:believe|are (?:confident|convinced|certain)|consider|hope) that\b",
    r"\bthe following\b[^.]*\b(?:spheres|areas|fields|directions|priorities)\b",
)
_CONTEXT = tuple(re.compile(rx, re.I) for rx in CONTEXT_PATTERNS)

#: words that may stand between "we" and a marker: "we also note the need", "we express our readiness"
_LINKING_WORDS = [
    "also",
    "further",
    "fully",
    "firmly",
    "strongly",
    "jointly",
    "hereby",
    "therefore",
    "all",
    "will",
    "continue",
    "to",
    "note",
    "express",
    "reaffirm",
    "confirm",
    "declare",
    "our",
    "the",
    "their",
    "that",
    "are",
    "remain",
    "collectively",
    "once",
    "again",
]
_WE_BEFORE = re.compile(
    r"\b(?:we|our (?:countries|states|nations|governments|ministries))\b((?:\W+\w+){0,4})\W*$", re.I
)
_FINITE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|be|been)\b", re.I)


def _subject_parties(prefix: str, statement_parties: tuple[str, ...]) -> tuple[str, ...] | None:
    """Who is the subject of a marker, judged from the words before it; None when it is no party."""
    we = _WE_BEFORE.search(prefix)
    if we:
        between = re.findall(r"\w+", we.group(1).lower())
        if all(word in _LINKING_WORDS for word in between):
            return statement_parties
    clause = re.split(r"\bthat\b|;", prefix)[-1]
    if _FINITE_VERB.search(clause):
        return None
    if _ALL_COUNTRIES.search(clause):
        return statement_parties
    named = [code for code in parties_named(clause) if code in statement_parties]
    if _CENTRAL_ASIAN_GROUP.search(clause):
        named += [code for code in statement_parties if code in CENTRAL_ASIA and code not in named]
    if named:
        return tuple(code for code in statement_parties if code in named)
    if re.search(r"\bour\b", clause, re.I):
        return statement_parties
    return None


def classify(sentence: str, statement_parties: tuple[str, ...]) -> Commitment | None:
    """The commitment a sentence makes, or None when it is context (a fact, a belief, others' doings).

    The first marker whose subject is a party decides; the strength is firm when any such marker is
    firm and not hedged ("will strive" is soft).
    """
    if any(rx.search(sentence) for rx in _CONTEXT):
        return None
    found: list[tuple[int, str, tuple[str, ...], str]] = []
    for rx, strength, impersonal in _MARKERS:
        for match in rx.finditer(sentence):
            parties = (
                statement_parties if impersonal else _subject_parties(sentence[: match.start()], statement_parties)
            )
            if parties:
                found.append((match.start(), strength, parties, match.group()))
    if not found:
        return None
    found.sort(key=lambda item: item[0])
    first = found[0]
    hedged = {pos for pos, strength, _p, _m in found if strength == "soft"}
    firm = any(s == "firm" and pos not in hedged for pos, s, _p, _m in found)
    return Commitment("firm" if firm else "soft", first[2], first[3])


# --- refs --------------------------------------------------------------------------------------

_VOWELS = set("AEIOUY")


def sphere_code(name: str, taken: set[str]) -> str:
    """A three-letter code for a heading: its first letter and the next two consonants (TRD, TRN)."""
    word = re.sub(r"[^A-Za-z]", "", name.split()[0] if name.split() else "X").upper() or "X"
    consonants = [c for c in word[1:] if c not in _VOWELS]
    code = (word[0] + "".join(consonants[:2])).ljust(3, "X")
    candidate, n = code, 2
    while candidate in taken:
        candidate, n = f"{code}{n}", n + 1
    return candidate

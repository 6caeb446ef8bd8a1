"""The text rules of a joint statement: headings, sentences, what is a commitment, who it binds, how firm.

Pure functions over strings: no database, no I/O. Every offset is a Python string index into the
statement's full text, so `text[start:end]` gives back exactly what was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import signatories

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
    """What a sentence commits to: who is bound and how firmly; `marker` is the words that did it.
    `sure` is False when the reading rests on something an analyst should look at (`why` says what)."""

    strength: str
    parties: tuple[str, ...]
    marker: str
    sure: bool = True
    why: str = ""


#: (regex, strength, impersonal): the words that make a sentence a commitment, first and third
#: person, present and past ("agreed to" in a communiqué binds as "will" does in a declaration).
#: Impersonal markers bind every signatory without a subject before them.
MARKERS: tuple[tuple[str, str, bool], ...] = (
    (r"will (?:strive|endeavou?r|seek|try|consider|explore|study|look into)\b", "soft", False),
    (r"(?:will|shall)\b", "firm", False),
    (r"(?:intend(?:s|ed|ing)?|undert(?:ake|akes|ook|aking)|pledg(?:e|ed|es|ing)) to\b", "firm", False),
    (r"(?:re)?commit(?:s|ted|ting)?(?: (?:themselves|ourselves|itself))? ?to\b", "firm", False),
    (
        r"(?:agree[sd]?|agreeing|decide[sd]?|deciding|resolved?|resolving|determined|plan(?:s|ned|ning)?|vowed?) (?:to|that|on|upon)\b",
        "firm",
        False,
    ),
    (
        r"(?:are|is|were|was|remain(?:s|ed)?|stay|also|fully|firmly|strongly) (?:\w+ )?(?:committed|determined|resolved|dedicated)(?:,[^,]{1,100},)? to\b",
        "firm",
        False,
    ),
    (r"commitments? to\b", "firm", False),
    (
        r"(?:instruct(?:s|ed)?|task(?:s|ed)?|mandated?|direct(?:s|ed)?|challenge[sd]?|call(?:s|ed)? (?:on|upon)) (?:our|their|its|the relevant|relevant) [\w\s,'’-]{1,80}? to\b",
        "firm",
        False,
    ),
    (r"(?:instruct(?:s|ed)?|task(?:s|ed)?|mandated?) [\w\s,'’-]{1,80}? to\b", "firm", False),
    (r"ha(?:ve|s) the obligation to\b", "firm", False),
    (r"continu(?:e|es|ing) to\b", "firm", False),
    (r"(?:intention|determination|resolve) to\b", "firm", False),
    (r"intend(?:s|ed)? for\b", "firm", False),
    (r"(?:launch|launches|hereby establish|establish|announce the establishment)\b", "firm", False),
    (r"are (?:also |now |jointly |together )?(?:launching|pursuing|partnering|working)\b", "firm", False),
    (r"aim(?:s)? to\b", "soft", False),
    (r"(?:share[sd]?|embrace[sd]?) (?:the|a|our) (?:[\w+-]+ ){0,2}goals? of\b", "soft", False),
    (r"(?:are|is|were|was|remain(?:s|ed)?) (?:\w+ )?ready to\b", "soft", False),
    (r"st(?:and|ands|ood) ready\b", "soft", False),
    (r"(?:readiness|willingness|interest|desire|keenness) (?:to|in)\b", "soft", False),
    (r"(?-i:[Mm]ay)\b(?! be (?:held|considered)|\s+\d)", "soft", False),
    (r"(?:are|is|were|remain(?:s|ed)?) (?:\w+ )?interested in\b", "soft", False),
    (r"(?:are|were) exploring (?:avenues|ways|options|the possibility)\b", "soft", False),
    (r"(?:strive|strove|striving|endeavou?r(?:ed|ing)?|seek|seeking|sought) to\b", "soft", False),
    (r"(?:call(?:s|ed)? (?:for|on|upon)|urge[sd]?)\b", "soft", False),
    (
        r"(?:support(?:s|ed|ing)?|encourag(?:e|es|ed|ing)|favou?r(?:s|ed)?|advocate[sd]?(?: for)?)\b(?! of| by)",
        "soft",
        False,
    ),
    (
        r"(?:note[sd]?|reaffirm(?:s|ed)?|stress(?:es|ed)?|emphasi[sz](?:e|es|ed)|underline[sd]?|underscore[sd]?|recogni[sz](?:e|es|ed)|acknowledge[sd]?|highlight(?:s|ed)?) the (?:need|necessity)\b",
        "soft",
        False,
    ),
    (
        r"(?:not(?:e|es|ed|ing)|(?:re)?affirm(?:s|ed|ing)?|stress(?:es|ed|ing)?|emphasi[sz](?:e|es|ed|ing)|underlin(?:e|es|ed|ing)|underscor(?:e|es|ed|ing)|recogni[sz](?:e|es|ed)|highlight(?:s|ed|ing)?) the importance of\b",
        "soft",
        False,
    ),
    (r"attach(?:es|ed)? (?:great |particular |special |high )?importance to\b", "soft", False),
    (r"look(?:s|ed)? forward to\b", "soft", False),
    (r"it is (?:essential|necessary|important) that\b", "soft", True),
    (r"is in our (?:common|mutual|shared) interests?\b", "soft", True),
)
_MARKERS = tuple((re.compile(r"\b" + rx, re.I), strength, imp) for rx, strength, imp in MARKERS)
#: markers that are nouns: they commit only after a verb that undertakes them ("reaffirm our commitment")
NOUN_MARKERS = frozenset(
    [
        r"commitments? to\b",
        r"(?:intention|determination|resolve) to\b",
        r"(?:readiness|willingness|interest|desire|keenness) (?:to|in)\b",
    ]
)

#: sentences that look like commitments but are context (beliefs, structure, others' actions)
CONTEXT_PATTERNS: tuple[str, ...] = (
    r"^(?:we )?(?:believe|are (?:confident|convinced|certain)|consider|hope)\b",
    r"\b(?:we|the \w+) (?:believe|believed|are (?:confident|convinced|certain)|were (?:confident|convinced)|consider|considered|hope|hoped) that\b",
    r"\bthe following\b[^.:]*\b(?:spheres|areas|fields|directions|priorities)\b",
    r"\bthe following\b(?:\s+[\w-]+){0,6}\W*$",
)
_CONTEXT = tuple(re.compile(rx, re.I) for rx in CONTEXT_PATTERNS)

#: who may be the subject of a marker: every signatory …
_ALL_SUBJECTS = re.compile(
    r"\b(?:we|us|our (?:(?:two|three|four|five|six|respective) )?(?:countries|states|nations|governments|ministries|"
    r"agencies|leaders|sides|delegations|officials|experts|militaries|armed forces|coast guards|institutions)|"
    r"(?:the |both |all |each )(?:(?:two|three|four|five|six|seven|eight|nine|ten|high|contracting|participating|interested|"
    r"signatory|member|negotiating|respective|central asian|asian) )*(?:parties|party|sides|side|leaders|heads of (?:state|government|delegations?)"
    r"(?:\s+and\s+(?:of\s+)?government)?|ministers|foreign ministers|presidents|prime ministers|participants|"
    r"member states|states|countries|nations|governments|signatories|delegations|co-chairs|organi[sz]ation|members)|"
    r"member states|participants|all parties|the (?:joint )?(?:task force|working group|committee|commission|"
    r"council|secretariat|coordination mechanism)|(?:the )?(?:foreign )?ministries(?:'\s+\w+)?|"
    r"(?:the|this|our)\s+(?:[\w+.-]+\s+)?(?:group|grouping)(?:\s+of\s+(?:countries|states|nations))?)\b",
    re.I,
)
#: words that may stand between a subject and its marker: "we also note the need", "the Parties
#: reaffirmed their commitment", "the Leaders further expressed their readiness"
_LINKING_WORDS = frozenset(
    """
    also further fully firmly strongly jointly hereby therefore all will continue continued to note noted
    express expressed reaffirm reaffirmed reiterate reiterated confirm confirmed declare declared our the
    their its that are is were was remain remained remains collectively once again both have has firmly stand
    stood shall together each in this regard context connection spirit end furthermore moreover additionally
    actively consistently unanimously duly hereby mutually affirm affirmed reconfirm reconfirmed joint shared
    stated today again renewed renew underlined emphasize emphasise emphasized emphasised underscore
    underscored highlight highlighted stress stressed share shares shared unwavering steadfast strong full
    continued common ironclad sincere collective firm a an announce announced announces
    """.split()  # noqa: SIM905
)
_FINITE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|be|been)\b", re.I)
_ALL_COUNTRIES = re.compile(r"\ball (?:our |the )?(?:countries|states|parties)\b", re.I)


def _linking(tail: str) -> bool:
    """True when the words between a subject and a marker only link them."""
    tail = re.sub(r",[^,]{0,120},", " ", tail)  # "the Parties, noting X, agreed"
    tail = re.sub(r"\s[–—-]\s[^–—]{0,160}\s[–—-]\s", " ", tail)  # "the UAE – home to IRENA – will"
    last = re.split(r"\band\b", tail)[-1] if len(tail.split()) <= 14 else tail
    words = [w for w in (w.strip("'’") for w in re.findall(r"[\w'’-]+", last.lower())) if w]
    return all(w in _LINKING_WORDS or w.endswith("ly") for w in words) and len(words) <= 6


#: words that join the names of a compound subject: "the Government of Kazakhstan and the Russian side"
_CONNECTORS = re.compile(
    r"\b(?:and|the|of|government|governments|ministry|ministries|foreign|affairs|side|sides|party|republic|"
    r"president|presidents|leaders?|heads?|state|delegation|both|as well as)\b|['’]s\b|,",
    re.I,
)


#: a name after one of these is the object of a preposition, not a subject
_OBJECT_OF = re.compile(
    r"\b(?:from|for|by|with|to|in|on|at|between|among|against|toward|towards|into|than)\s+(?:the\s+)?$", re.I
)


def _subject_parties(prefix: str, statement_parties: tuple[str, ...]) -> tuple[tuple[str, ...], bool] | None:
    """Who is the subject of a marker, judged from the words before it, and whether that reading is
    plain; None when it is no signatory.

    The subject stands next to the marker, with only linking words between ("the Parties further
    reaffirmed their commitment to", "Kazakhstan and Uzbekistan will"): "we", "the Parties",
    "the Leaders", "member states" … bind every signatory; named signatories bind themselves; a
    named state or organisation that did not sign binds nobody."""
    clause = re.split(r"\bthat\b|;|\bwhich\b|\bwho\b|\bwhile\b|\bwhereas\b", prefix)[-1]
    pronoun = re.match(r"\s*(?:it|they)\b(.*)$", clause, re.I)
    if pronoun and _linking(pronoun.group(1)) and re.search(r"\bthat\s*$", prefix[: len(prefix) - len(clause)]):
        # "The European Union confirms that it will": it is who confirms
        said_by = prefix[: len(prefix) - len(clause)]
        verb = re.search(r"\s+\w+\s+that\s*$", said_by)
        found = _subject_parties(said_by[: verb.start()] + " " if verb else said_by, statement_parties)
        singular = pronoun.group(0).strip().lower().startswith("it")
        if found and (not singular or len(found[0]) == 1):  # "it" is one signatory, "they" any
            return found
        return None
    everyone = [m.start() for m in _ALL_SUBJECTS.finditer(clause) if _linking(clause[m.end() :])]
    named: list[str] = []
    named_at = -1
    strangers = False
    for start, end, codes in signatories.mentions(clause):
        if _OBJECT_OF.search(clause[:start]):
            continue  # "the representatives from the U.S. side will be": the U.S. is not who
        tail = re.sub(r",[^,]{0,120},", " ", clause[end:])  # "the United States, under the IVLP, plans to"
        tail = re.sub(r"^\s*(?:(?:[A-Z][\w.&-]*|of|for|and)\s+)*?(?=[a-z]|$)", " ", tail)  # "U.S. Department of State"
        pieces, pos = [], 0
        for s2, e2, _c in signatories.mentions(tail):
            pieces.append(tail[pos:s2])
            pos = e2
        bare = _CONNECTORS.sub(" ", " ".join([*pieces, tail[pos:]]))
        if not _linking(bare):
            continue
        mine = [c for c in codes if c in statement_parties]
        if not mine:
            strangers = True
            continue
        named += [c for c in mine if c not in named]
        named_at = start if named_at < 0 else named_at
    if named and (not everyone or everyone[-1] < named_at):
        return tuple(code for code in statement_parties if code in named), True
    if everyone:
        return statement_parties, True
    if _leaders_before(clause):
        return statement_parties, False
    if strangers or _FINITE_VERB.search(clause):
        return None
    if _ALL_COUNTRIES.search(clause):
        return statement_parties, True
    return None


#: a sentence that opens with a participle or an adjective of resolve: "Reaffirming their commitment to
#: X, the Leaders …", "Determined to deepen …," (a preamble recital, whose subject is the signatories)
_OPENER = re.compile(
    r"^\W*(?:\d+\.\s+)?(?:[A-Z][a-z]+ing|[A-Z]{3,}ING|Determined|Resolved|Committed|Convinced|Guided|United|Mindful|Aware)\b"
)
#: leaders named by office: "Prime Minister Modi and President Biden"
_NAMED_LEADERS = re.compile(
    r"\b(?:(?:Prime Minister|President|Chancellor|King|Emir|Sultan|Premier|Crown Prince|Foreign Minister|"
    r"Minister|Secretary of State|Secretary)\s+(?:[A-Z][\w.'’-]+\s*){1,3}(?:,?\s+and\s+|,\s+)){1,}"
    r"(?:Prime Minister|President|Chancellor|King|Emir|Sultan|Premier|Crown Prince|Foreign Minister|Minister|"
    r"Secretary of State|Secretary)\s+(?:[A-Z][\w.'’-]+\s*){1,3}$"
)


#: first words of markers that can also be nouns: after a possessive they are someone's, not a verb
_NOUN_LIKE = frozenset(
    """plan plans commitment intention determination resolve readiness willingness interest desire keenness
    support aim aims call calls pledge pledges""".split()  # noqa: SIM905
)
_NOUN_VERB = re.compile(
    r"\b(?:(?:re)?affirm|reiterat|express|confirm|share|emphasi[sz]|underscor|underlin|stress|renew|declar|highlight|"
    r"recommit|pledg|demonstrat|announc|remain|have|has|with|of|in|is|are|note|voice)\w*",
    re.I,
)


_NOT_VERBS = frozenset("with of in is are has have".split())  # noqa: SIM905


def _word_start(text: str, n: int) -> int:
    """Where the last `n` words of `text` begin."""
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    return starts[-n] if len(starts) >= n else 0


def _leaders_before(clause: str) -> bool:
    """True when the clause ends with leaders named together ("Prime Minister Modi and President
    Biden", "they", "the two leaders") and then only linking words."""
    words = clause.split()
    for k in range(0, min(5, len(words)) + 1):
        head, tail = " ".join(words[: len(words) - k]), " ".join(words[len(words) - k :])
        named = _NAMED_LEADERS.search(head) or re.search(r"\b(?:they|both leaders|the two leaders)$", head, re.I)
        if head and named and _linking(tail):
            return True
    return False


def _opener_subject(
    sentence: str, statement_parties: tuple[str, ...]
) -> tuple[int, tuple[tuple[str, ...], bool] | None]:
    """For a sentence that opens with a participle: where the opening phrase ends and who its subject
    is (the main clause's subject, or the signatories for a recital with no main clause)."""
    if not _OPENER.match(sentence):
        return 0, None
    participle = bool(re.match(r"^\W*(?:\d+\.\s+)?(?:[A-Z][a-z]+ing|[A-Z]{3,}ING)\b", sentence))
    if sentence.rstrip().endswith((",", ";")):  # a recital: "REAFFIRMING the importance of …;"
        # one opened by an adjective ("Determined to deepen …,") states an attitude, as the seed's preamble
        # does; left out so that the shipped statement's refs stay those analysts already cite
        return (len(sentence), (statement_parties, False)) if participle else (0, None)
    for comma in re.finditer(r",\s+", sentence):  # "Reaffirming X, the Leaders agreed …": theirs
        rest = sentence[comma.end() :]
        first = _ALL_SUBJECTS.search(rest[:120])
        if first and first.start() <= 40 and not _FINITE_VERB.search(rest[: first.start()]):
            return comma.start(), (statement_parties, True)
        named = [m for m in signatories.mentions(rest[:80]) if m[0] <= 40 and not _FINITE_VERB.search(rest[: m[0]])]
        if named:  # "Recognizing X, the European Union intends to …": the main clause says who
            return comma.start(), None
    if participle:  # no main clause of a signatory: a recital ("REAFFIRMING our shared commitment to …, which …")
        return len(sentence), (statement_parties, False)
    return 0, None


_SUBORDINATE = re.compile(r"\b(?:that|which|who|whom|whose|where|whereas|while|if|when|as)\b|;", re.I)


def _opening_subject(before: str, statement_parties: tuple[str, ...]) -> tuple[tuple[str, ...], bool] | None:
    """The signatories that open a sentence as the subject of its first verb ("We affirm …",
    "The United States and Japan welcome …"), when what follows up to `before`'s end stays in the
    main clause; None otherwise."""
    words = list(re.finditer(r"\S+", before))
    best = None
    for i in range(1, min(len(words) - 1, 10) + 1):
        head, verb = before[: words[i - 1].end()], words[i].group()
        if not re.fullmatch(r"[a-z]+", verb) or verb in ("and", "of", "the", "side", "sides", "government"):
            continue
        subject = _subject_parties(head + " ", statement_parties)
        if subject and not _SUBORDINATE.search(before[words[i].end() :]):
            best = subject
    return best


def marker_in(sentence: str) -> str:
    """The first words of a commitment in a sentence that is not context, whoever its subject ("")."""
    if any(rx.search(sentence) for rx in _CONTEXT):
        return ""
    found = [m for rx, _s, _i in _MARKERS if (m := rx.search(sentence))]
    return min(found, key=lambda m: m.start()).group() if found else ""


def classify(sentence: str, statement_parties: tuple[str, ...], lead_in: str = "") -> Commitment | None:
    """The commitment a sentence makes, or None when it is context (a fact, a belief, others' doings).

    `lead_in` is the sentence that introduces a list item ("We will:"): the item inherits its
    subject and commitment. The first marker whose subject is a signatory decides who is bound; the
    strength is firm when any such marker is firm and not hedged ("will strive" is soft).
    """
    if lead_in:
        lead = re.split(r"\b(?:the|as) follows?\b|\bthe following\b", lead_in)[0] if "follow" in lead_in else lead_in
        joined = lead.rstrip().rstrip(":") + " " + sentence
        inherited = classify(joined, statement_parties)
        if inherited is not None:
            own = classify(sentence, statement_parties)
            if own is not None and own.parties != inherited.parties:
                return own
            return Commitment(inherited.strength, inherited.parties, inherited.marker, inherited.sure, "a list item")
    sentence = " ".join(sentence.split())  # a hard-wrapped sentence reads as one line
    if any(rx.search(sentence) for rx in _CONTEXT):
        return None
    found: list[tuple[int, str, tuple[str, ...], str, bool]] = []
    coordinated: list[tuple[int, str, str]] = []
    opener_end, opener_subject = _opener_subject(sentence, statement_parties)
    for rx, strength, impersonal in _MARKERS:
        for match in rx.finditer(sentence):
            before = sentence[: match.start()]
            undertaking = None
            if rx.pattern[2:] in NOUN_MARKERS:
                window = before[_word_start(before, 8) :]
                verbs = [v for v in _NOUN_VERB.finditer(window) if v.group().lower() not in _NOT_VERBS]
                undertaking = len(before) - len(window) + verbs[-1].start() if verbs else None
                if not undertaking and not _NOUN_VERB.search(before[_word_start(before, 6) :]):
                    continue  # "this reflects our joint determination to": said of, not undertaken
            noun_like = match.group().split()[0].lower() in _NOUN_LIKE
            possessive = re.search(r"(\w+)(?:['’]s?|s['’])(?:\s+\w+){0,2}\s*$", before)
            ours = possessive and re.search(r"\bour\s+(?:\w+\s+)?\w+['’]s?\s*(?:\w+\s+){0,2}$", before)
            if noun_like and possessive and not ours:
                continue  # "the Philippines' plan to", "India's interest in": a noun, someone else's
            if impersonal:
                subject: tuple[tuple[str, ...], bool] | None = (statement_parties, False)
            elif match.start() < opener_end:
                subject = opener_subject
                head = match.group().split()[0].lower()
                if opener_end == len(sentence) and head.endswith("s") and head not in _NOUN_LIKE and not undertaking:
                    subject = None  # "Undertaking this agenda … underscores the importance of": a gerund's verb
            else:
                subject = _subject_parties(sentence[: match.start()], statement_parties)
                if not subject and undertaking:  # "We therefore share a … policy interest in": who shares
                    subject = _subject_parties(sentence[:undertaking], statement_parties)
            if subject and subject[0]:
                found.append((match.start(), strength, subject[0], match.group(), subject[1]))
            elif re.search(r"(?:,\s*|\s)and(?:\s+\w+ly)?\s*$", before):
                coordinated.append((match.start(), strength, match.group()))
    # "We support X, and commit to Y": a verb joined by "and" has the subject of the one before it
    for start, strength, marker in coordinated:
        earlier = [item for item in found if item[0] < start]
        if earlier:
            last = max(earlier, key=lambda item: item[0])
            found.append((start, strength, last[2], marker, last[4]))
        elif not marker.split()[0].lower().endswith("ing") and (
            opening := _opening_subject(sentence[:start], statement_parties)
        ):
            found.append((start, strength, opening[0], marker, opening[1]))  # "We affirm X, and intend to Y"
    if not found:
        return None
    found.sort(key=lambda item: item[0])
    first = found[0]
    hedged = {pos for pos, strength, _p, _m, _s in found if strength == "soft"}
    firm = any(s == "firm" and pos not in hedged for pos, s, _p, _m, _s in found)
    why = ""
    if not first[4]:
        why = "who is bound is not plain"
    elif not firm:
        why = "soft wording"
    elif len(sentence.split()) > 70:
        why = "a long sentence"
    return Commitment("firm" if firm else "soft", first[2], first[3], not why, why)


# --- refs --------------------------------------------------------------------------------------

_VOWELS = set("AEIOUY")


#: first words of a heading that say what is done, not about what: "Strengthening Economic Ties" is ECN
_HEADING_VERBS = frozenset(
    """expanded expanding enhanced enhancing strengthening strengthened promoting promoted addressing supporting
    leveraging preserving fighting building deepening advancing fostering ensuring developing further new joint
    the a an our and of for on in""".split()  # noqa: SIM905
)


def sphere_code(name: str, taken: set[str]) -> str:
    """A three-letter code for a heading: the first letter and the next two consonants of its first word
    of substance (TRD for "Trade and economy", MRT for "Promoting Maritime Cooperation")."""
    words = [re.sub(r"[^A-Za-z]", "", w) for w in name.split()]
    words = [w for w in words if len(w) >= 3] or ["X"]
    word = next((w for w in words if w.lower() not in _HEADING_VERBS), words[0]).upper()
    consonants = [c for c in word[1:] if c not in _VOWELS]
    code = (word[0] + "".join(consonants[:2])).ljust(3, "X")
    candidate, n = code, 2
    while candidate in taken:
        candidate, n = f"{code}{n}", n + 1
    return candidate

"""Which pledges does a passage speak to? BM25 (bm25s) over pledge texts, with stemming, spelling
folded, policy domains (topics.py) and what the analyst has already accepted as each pledge's
evidence, giving each passage a ranked Proposal with a strength and a kind (progress or restatement).

Stages, as plain functions: `passages` (split a document with offsets) → `PledgeIndex.rank`
(candidates per passage) → `calibrated_strength` (how sure) → `suggest` (drop decided pairs, keep those
worth a look). Accepting or rejecting a suggestion is in services.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import bm25s
import numpy as np
import Stemmer
from sqlalchemy import func
from sqlmodel import Session, col, select

from .importer import rules
from .models import Document, Event, EventKind, Evidence, Pledge, Sphere, SuggestionDecision
from .progress import kind_of
from .topics import domain_tokens

#: the statement's vocabulary: spellings and paraphrases folded onto one word before indexing, so that
#: "labor" finds "labour", "migrant laborers" finds "labour migrants", "WHO" is not a stop word
VOCABULARY: tuple[tuple[str, str], ...] = (
    (r"\b(\w{3,})is(e|ed|es|ing|ation|ations)\b", r"\1iz\2"),  # British -ise → -ize
    (r"\b(\w{3,})our(s|ed|ing|able|ably|er|ers)?\b", r"\1or\2"),  # labour → labor, favourable → favorable
    (r"\b(\w{3,})tre(s)?\b", r"\1ter\2"),  # centre → center
    (r"\bmigrant (?:laborers|workers)\b|\blabor migrants?\b|\bguest workers?\b", "migrants labor"),
    (r"\bmigration\b", "migrants migration"),
    (r"\bWHO\b|\bWorld Health Organi[sz]ation\b", "whoorg"),
    (r"\bcoronavirus\b|\bCOVID(?:-19)?\b|\bpandemic\b", "covid"),
    (r"\bscholarships?\b|\btuition[- ]free\b|\bstate-funded places\b|\bquotas? for students\b", "scholarship"),
    (r"\bstudents?\b|\buniversit(?:y|ies)\b|\bhigher education\b", "education students"),
    (r"\bSCO\b|\bShanghai Cooperation Organi[sz]ation\b", "sco"),
    (r"\bCSTO\b|\bCollective Security Treaty Organi[sz]ation\b", "csto security"),
    (r"\bCIS\b|\bCommonwealth of Independent States\b", "cis"),
    (r"\bEA?EU\b|\bEurasian Economic Union\b", "eaeu economy"),
    (r"\bAfghan\b", "afghanistan"),
    (r"\bnarcotics?\b|\bdrugs\b", "drug"),
    (r"\bICTs?\b|\bcyber\w*\b|\binformation security\b", "cyber information security"),
    (r"\bdisinformation\b|\bfake news\b", "fakenews"),
    (r"\bhydrocarbons?\b|\boil and gas\b|\belectricity\b|\bpower\b", "energy"),
    (r"\btransportation\b|\blogistics?\b|\bcorridors?\b|\btransit\b", "transport"),
    (r"\brail(?:way)?s?\b", "railway transport"),
    (r"\becolog\w*\b|\benvironmental\b", "environment"),
    (r"\bglaciers?\b|\bAral\b", "environment water"),
    (r"\bvaccines?\b|\bSputnik V\b", "vaccines"),
    (r"\bheritage\b|\bcultural\b", "culture heritage"),
    (r"\bWorld War (?:II|2|Two)\b|\bWWII\b|\bGreat Patriotic War\b|\bwar memorials?\b", "memorials war"),
    (r"\bneo-?Nazism\b|\bNazism\b", "neonazism"),
    # the parties are named everywhere: they say who, not what, so they do not count as topic words
    (
        r"\b(?:the )?(?:Republic of |Russian Federation\b|Kyrgyz Republic\b)?"
        r"(?:Kazakh|Kyrgyz|Russia|Tajik|Turkmen|Uzbek)\w*\b|\bCentral Asian?\b",
        " ",
    ),
    (r"\bstereotypes?\b|\bmutual understanding\b", "intercultural dialogue"),
    (r"\bCentral Asia\s*\+\s*Russia\b|\bCentral Asia-Russia\b", "formatcar"),
    (r"\bsummits?\b|\bministerial meetings?\b", "meetings"),
    (r"\btrade (?:turnover|volumes?)\b|\bturnover\b|\bcommerce\b", "trade"),
    (
        r"\bplatforms? for dialogue\b|\bdialogue at (?:various|all|different) levels\b|\bmulti-?(?:level|tier)\b",
        "multitier consultations",
    ),
    (r"\binterstate (?:relations|ties)\b|\bstate-to-state relations\b", "strengthen cooperation relations"),
    (r"\bjoint ventures?\b", "jointventures"),
    (r"\bterrorism\b|\bterrorists?\b|\bextremis\w*\b|\bISIS\b|\bIslamic State\b", "terrorism"),
)
_VOCABULARY = tuple((re.compile(rx, re.I), canonical) for rx, canonical in VOCABULARY)
_STEMMER = Stemmer.Stemmer("english")

#: strengths: the BM25 score of the words a passage shares with the pledge (domain tokens left out),
#: divided by the square root of the passage's distinct words ("density": a long passage collects
#: points from many weak word matches), calibrated on the development set
#: (tests/data/devset, docs/evidence-matching.md). Strong: the first candidate, dense, and clearly ahead
#: of the second (its score at least STRONG_MARGIN times the second's). Medium: dense enough and close
#: to the best (MEDIUM_RATIO of it). Low: anything else above LOW.
STRONG, STRONG_MARGIN, MEDIUM, MEDIUM_RATIO, LOW = 2.0, 1.6, 1.2, 0.85, 0.5
#: a candidate must score at least this share of the passage's best to be listed
RELATIVE_FLOOR = 0.35
#: passages after the end of the article (appended stories, headline sidebars) count this much
TAIL_WEIGHT = 0.3
MIN_WORDS = 5


def normalise(text: str) -> str:
    """Fold the statement's vocabulary onto canonical words (see VOCABULARY)."""
    for pattern, canonical in _VOCABULARY:
        text = pattern.sub(f" {canonical} ", text)
    return text


def tokenize(texts: list[str], ids: bool = True):
    """bm25s tokens of the normalised texts: English stop words out, Snowball-stemmed."""
    return bm25s.tokenize(
        [normalise(t) for t in texts], stopwords="en", stemmer=_STEMMER, return_ids=ids, show_progress=False
    )


# --- passages ----------------------------------------------------------------------------------

_TAIL_MARKERS = re.compile(
    r"^(?:continue reading|read more|related(?: articles| posts| stories)?|more (?:from|stories|news)\b.*|"
    r"you (?:may|might) also like|recommended(?: for you)?|latest (?:news|articles)|recent (?:posts|articles)|"
    r"share this(?: article)?|comments?|leave a (?:reply|comment))\s*:?$",
    re.I,
)
_TIMESTAMP_HEADLINE = re.compile(r"\b\d+\s+(?:minutes?|hours?|days?)\s+ago$", re.I)
_SOURCE_LINE = re.compile(r"^source\s*:", re.I)


def main_text_end(text: str) -> int:
    """Where the article ends: the first 'Continue reading'/'Related'/'Source:' style line or a
    '4 hours ago' headline after the body has begun (a third of the text, or 1,500 characters)."""
    body_from = min(len(text) // 3, 1500)
    for match in re.finditer(r"[^\n]+", text):
        line = match.group().strip()
        if match.start() < body_from or not line:
            continue
        if _TAIL_MARKERS.match(line) or _TIMESTAMP_HEADLINE.search(line) or _SOURCE_LINE.match(line):
            return match.start()
    return len(text)


@dataclass(frozen=True)
class Passage:
    """A sentence of a document with its offsets; `in_tail` when it lies after the article's end."""

    start: int
    end: int
    text: str
    in_tail: bool = False


#: a sentence longer than this (a run-on, a list) is cut at its semicolons
LONGEST = 600
#: BM25 parameters (bm25s defaults)
K1, B = 1.5, 0.75
_SEGMENTER = None


def _sentences(paragraph: rules.Span) -> list[tuple[int, int]]:
    """(start, end) of the sentences of a paragraph, by pysbd's segmenter (abbreviations such as "Oct."
    and "U.S." do not end a sentence); runs-on past LONGEST are cut after their semicolons."""
    global _SEGMENTER
    if _SEGMENTER is None:
        import pysbd

        _SEGMENTER = pysbd.Segmenter(language="en", clean=False, char_span=True)
    out = []
    joined = paragraph.text.replace("\n", " ")  # a wrapped line does not end a sentence; offsets stay
    for piece in _SEGMENTER.segment(joined):
        start, end = paragraph.start + piece.start, paragraph.start + piece.end
        text = joined[piece.start : piece.end]
        end -= len(text) - len(text.rstrip())
        cuts = [start]
        if end - start > LONGEST:
            cuts += [start + m.end() for m in re.finditer(r";\s+", text.rstrip())]
        for a, b in zip(cuts, [*cuts[1:], end], strict=True):
            out.append((a, b))
    return out


def passages(text: str) -> list[Passage]:
    """The sentences of a document worth matching (five words or more), with exact offsets, paragraph
    by paragraph (a line wrapped mid-sentence, as in PDFs, joins the next: rules.blocks)."""
    end_of_article = main_text_end(text)
    out = []
    for paragraph in rules.blocks(text):
        for start, end in _sentences(paragraph):
            sentence = text[start:end].strip()
            start += len(text[start:end]) - len(text[start:end].lstrip())
            if len(sentence.split()) >= MIN_WORDS:
                out.append(Passage(start, start + len(sentence), sentence, start >= end_of_article))
    return out


# --- ranking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A pledge a passage may speak to, with its score and how sure the match is."""

    pledge_id: int
    ref: str
    score: float
    strength: str


@dataclass
class Proposal:
    """A passage and its candidates, best first (beets' Proposal: candidates + recommendation)."""

    passage: Passage
    candidates: list[Candidate] = field(default_factory=list)
    #: "progress" (the passage reports something done) or "restatement" (it repeats an intention)
    kind: str = ""

    @property
    def recommendation(self) -> str:
        return self.candidates[0].strength if self.candidates else "none"

    def to_json(self) -> dict:
        return {
            "start": self.passage.start,
            "end": self.passage.end,
            "text": self.passage.text,
            "kind": self.kind,
            "candidates": [{"ref": c.ref, "score": round(c.score, 3), "strength": c.strength} for c in self.candidates],
        }


def calibrated_strength(density: float, *, first: bool, margin: float, ratio: float) -> str:
    """none / low / medium / strong of one candidate (see STRONG … LOW)."""
    if first and density >= STRONG and margin >= STRONG_MARGIN:
        return "strong"
    if density >= MEDIUM and ratio >= MEDIUM_RATIO:
        return "medium"
    return "low" if density >= LOW else "none"


class PledgeIndex:
    """BM25 over the pledges of the tracker (each pledge's text with its sphere's name)."""

    def __init__(self, pledges: list[tuple[int, str, str]]):
        """`pledges`: (id, ref, text to index)."""
        self.ids = [p[0] for p in pledges]
        self.refs = [p[1] for p in pledges]
        #: the index strengths are read from, when not this one (see build_index)
        self.strength_index: PledgeIndex | None = None
        self.retriever = bm25s.BM25(k1=K1, b=B)
        if pledges:
            self.retriever.index(tokenize([f"{p[2]} {domain_tokens(p[2])}" for p in pledges]), show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, text: str) -> tuple[np.ndarray, int]:
        """The BM25 score of every pledge for `text`, and how many distinct words the text was made of
        (words no pledge uses are ignored in the scores but count as words)."""
        words = tokenize([text], ids=False)[0]
        topics = tokenize([domain_tokens(text)], ids=False)[0] if text else []
        known = [w for w in words + topics if w in self.retriever.vocab_dict]
        if not self.ids or not known:
            return np.zeros(len(self.ids)), len(set(words))
        return self.retriever.get_scores(known), len(set(words))

    def lexical(self, text: str) -> np.ndarray:
        """The BM25 scores of the passage's own words alone (no domain tokens): what strength reads."""
        known = [w for w in tokenize([text], ids=False)[0] if w in self.retriever.vocab_dict]
        return self.retriever.get_scores(known) if self.ids and known else np.zeros(len(self.ids))

    def rank(self, text: str, top: int = 3, weight: float = 1.0) -> list[Candidate]:
        """The `top` pledges for a text, best first; weaker than RELATIVE_FLOOR of the best are left out.
        Domains help find a candidate; how sure it is (its strength) reads the shared words alone."""
        scores, words = self.scores(text)
        scores = scores * weight
        lexical = self.lexical(text) * weight
        own = self.strength_index.lexical(text) * weight if self.strength_index is not None else lexical
        if not len(scores) or scores.max() <= 0:
            return []
        order = np.argsort(-scores)[: max(top, 2)]
        best = float(scores[order[0]])
        margin = best / max(float(scores[order[1]]), 1e-9) if len(order) > 1 else math.inf
        out = []
        for position, i in enumerate(order[:top]):
            score = float(scores[i])
            if score <= 0 or score < RELATIVE_FLOOR * best:
                break
            density = float(lexical[i]) / math.sqrt(max(words, 1))
            strength = calibrated_strength(density, first=position == 0, margin=margin, ratio=score / best)
            if strength == "strong" and float(own[i]) / math.sqrt(max(words, 1)) < MEDIUM:
                strength = "medium"  # sure only when the pledge's own words agree, not names in past evidence
            out.append(Candidate(self.ids[i], self.refs[i], score, strength))
        return out


_CACHE: dict[tuple, PledgeIndex] = {}


def accepted_passages(session: Session) -> list[tuple[int, str]]:
    """(pledge id, passage) of every excerpt accepted as evidence and not withdrawn: what the analyst
    has already said each pledge looks like in the documents."""
    query = (
        select(Evidence.pledge_id, Evidence.quote)
        .where(col(Evidence.document_id).is_not(None), col(Evidence.withdrawn_at).is_(None))
        .order_by(Evidence.id)
    )
    return [(pledge_id, quote) for pledge_id, quote in session.exec(query) if quote]


def build_index(
    session: Session, statement_id: int | None = None, accepted: list[tuple[int, str]] | None = None
) -> PledgeIndex:
    """An index of the live pledges (of one statement, or all), each indexed with its sphere's name and
    the passages accepted as its evidence (`accepted`, by default those in the tracker), so the next
    article about the same project finds it. The last index built is kept while the pledges' texts
    and their accepted evidence stay as they are (a status change does not count), since building an
    index of 100,000 pledges takes seconds."""
    live = select(
        func.count(Pledge.id), func.max(Pledge.id), func.sum(func.length(Pledge.text) + func.length(Pledge.keywords))
    ).where(
        Pledge.retired == False  # noqa: E712
    )
    if statement_id is not None:
        live = live.where(Pledge.statement_id == statement_id)
    if accepted is None:  # the tracker's accepted excerpts, known by their ids
        live_excerpts = select(Evidence.id).where(
            col(Evidence.document_id).is_not(None), col(Evidence.withdrawn_at).is_(None)
        )
        evidence_key = (hash(tuple(session.exec(live_excerpts.order_by(Evidence.id)).all())),)
    else:
        evidence_key = (hash(tuple(accepted)),)
    # keywords are known by their last setting (the same length may be other words)
    keywords_key = session.exec(select(func.max(Event.id)).where(Event.kind == EventKind.keywords.value)).one()
    key = (str(session.get_bind().url), statement_id, *session.exec(live).one(), *evidence_key, keywords_key)
    if key in _CACHE:
        return _CACHE[key]
    if accepted is None:
        accepted = accepted_passages(session)
    query = (
        select(Pledge.id, Pledge.ref, Pledge.text, Sphere.name, Pledge.keywords)
        .join(Sphere, Sphere.id == Pledge.sphere_id)
        .where(Pledge.retired == False)  # noqa: E712
        .order_by(Pledge.statement_id, Pledge.seq)
    )
    if statement_id is not None:
        query = query.where(Pledge.statement_id == statement_id)
    evidence: dict[int, list[str]] = {}
    for pledge_id, passage in accepted:
        evidence.setdefault(pledge_id, []).append(passage)
    rows = [
        (pid, ref, " ".join([text, sphere, keywords.replace(",", " ")]))
        for pid, ref, text, sphere, keywords in session.exec(query)
    ]
    index = PledgeIndex([(pid, ref, " ".join([own, *evidence.get(pid, ())])) for pid, ref, own in rows])
    if evidence:  # a match is strong only when the pledge's own words agree (not a name in past evidence)
        index.strength_index = PledgeIndex(rows)
    _CACHE.clear()
    _CACHE[key] = index
    return index


def decided_pairs(session: Session, document_id: int) -> set[tuple[int, int, int]]:
    """(start, end, pledge id) of this document's passages already accepted or rejected, and of its
    excerpts already attached as evidence: these are not suggested again."""
    latest: dict[tuple[int, int, int], str] = {}
    for d in session.exec(
        select(SuggestionDecision).where(SuggestionDecision.document_id == document_id).order_by(SuggestionDecision.id)
    ):
        latest[(d.start, d.end, d.pledge_id)] = d.decision
    done = {key for key, decision in latest.items() if decision != "reopened"}
    done |= {
        (e.start, e.end, e.pledge_id)
        for e in session.exec(
            select(Evidence).where(Evidence.document_id == document_id, col(Evidence.withdrawn_at).is_(None))
        )
    }
    return done


#: a passage this alike (shared words over all words) to one rejected for a pledge is not suggested for it
REJECTED_LIKENESS = 0.6


def rejected_passages(session: Session) -> dict[int, list[set[str]]]:
    """pledge id -> the word sets of passages (in any document) whose suggestion for it was rejected and
    not reopened: the same wording in another article is not suggested for that pledge again."""
    latest: dict[tuple[int, int, int, int], str] = {}
    for d in session.exec(select(SuggestionDecision).order_by(SuggestionDecision.id)):
        latest[(d.document_id, d.start, d.end, d.pledge_id)] = d.decision
    rejected = [key for key, decision in latest.items() if decision == "rejected"]
    if not rejected:
        return {}
    texts = dict(
        session.exec(select(Document.id, Document.text).where(col(Document.id).in_({k[0] for k in rejected}))).all()
    )
    out: dict[int, list[set[str]]] = {}
    for document_id, start, end, pledge_id in rejected:
        words = set(tokenize([texts.get(document_id, "")[start:end]], ids=False)[0])
        if words:
            out.setdefault(pledge_id, []).append(words)
    return out


def _alike(words: set[str], rejected: list[set[str]]) -> bool:
    return any(len(words & other) / len(words | other) >= REJECTED_LIKENESS for other in rejected)


def _overlaps(passage: Passage, pledge_id: int, done: set[tuple[int, int, int]]) -> bool:
    return any(pid == pledge_id and s < passage.end and passage.start < e for s, e, pid in done)


STRENGTHS = ("none", "low", "medium", "strong")


def suggest(
    session: Session,
    document: Document,
    *,
    top: int = 3,
    index: PledgeIndex | None = None,
    min_strength: str = "low",
) -> list[Proposal]:
    """Proposals for every passage with at least one candidate of `min_strength` or more, in
    document order; pairs already decided are left out."""
    floor = STRENGTHS.index(min_strength)
    index = index or build_index(session)
    done = decided_pairs(session, document.id)
    rejected = rejected_passages(session)
    out = []
    for passage in passages(document.text):
        weight = TAIL_WEIGHT if passage.in_tail else 1.0
        candidates = [c for c in index.rank(passage.text, top=top, weight=weight) if c.strength != "none"]
        if passage.in_tail or passage.text.rstrip().endswith("?"):
            # after the article, or a question (an interviewer's): never more than a weak match
            candidates = [Candidate(c.pledge_id, c.ref, c.score, "low") for c in candidates]
        words = set(tokenize([passage.text], ids=False)[0]) if rejected else set()
        candidates = [
            c
            for c in candidates
            if STRENGTHS.index(c.strength) >= max(floor, 1)
            and not _overlaps(passage, c.pledge_id, done)
            and not (c.pledge_id in rejected and words and _alike(words, rejected[c.pledge_id]))
        ]
        if candidates:
            out.append(Proposal(passage, candidates, kind_of(passage.text)))
    return out

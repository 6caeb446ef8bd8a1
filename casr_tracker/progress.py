"""Progress or restatement? A passage that reports something done (held, signed, launched, delivered,
opened; a date, a quantity) is evidence of progress; one that repeats what was promised or intended
(will, intend to, ready to, the importance of) restates the pledge. Plain rules of English, with a
table-driven test and figures on the development set (docs/evidence-matching.md)."""

from __future__ import annotations

import re

PROGRESS, RESTATEMENT = "progress", "restatement"

#: something done: past actions and results, in the active or the passive voice
_DONE = re.compile(
    r"\b(?:held|signed|launched|delivered|opened|adopted|completed|commenced|handed over|established|began|"
    r"started|took place|met|reached|exceeded|surpassed|increased|grew|amounted|ratified|approved|concluded|"
    r"organi[sz]ed|hosted|shipped|built|arrived|allocated|transferred|created|conducted|implemented|"
    r"carried out|endorsed|visited|discussed|agreed|received|sent|supplied|donated|provided|trained|"
    r"graduated|enrolled|inaugurated|unveiled|put into operation|commissioned|exported|imported|produced|"
    r"expanded|doubled|tripled|rose|totall?ed|exchanged|took part|participated|finali[sz]ed|chosen|selected|"
    r"(?:adoption|launch|signing|opening|completion|ratification) of|kicked off|"
    # a headline tells what happened in the present tense: "Russia launches gas supply to Uzbekistan"
    r"launches|signs|opens|ratifies|holds|delivers|hands over|begins|starts|kicks off|completes|adopts|"
    r"approves|hosts|supplies|receives|ships|exceeds|surpasses|doubles|inaugurates|unveils|"
    r"sign|launch|ratify|(?:are|is) (?:now )?\w+ing\b|"
    r"was (?:held|signed|opened|launched|adopted|established)|"
    r"were (?:held|signed|opened|launched|adopted|established|delivered))\b",
    re.I,
)
#: what has been done so far ("has been delivered", "have already opened")
_PERFECT = re.compile(r"\b(?:has|have)\s+(?:already\s+|now\s+|successfully\s+)?(?:been\s+)?\w+(?:ed|en|t)\b", re.I)
#: a quantity or an amount: "80,000 doses", "$44 bn", "12 %", "1,800 people"
_QUANTITY = re.compile(
    r"(?:\$\s?\d|\b\d[\d,.]*\s*(?:%|per ?cent|bn|billion|million|thousand|tons?|tonnes?|doses?|"
    r"people|students?|units?|km|kilometres?|kilometers?|cubic|mw|kwh|companies|enterprises|branches|places))",
    re.I,
)
#: intentions, promises, obligations, hopes
_INTENDED = re.compile(
    r"\b(?:will|shall|would|intends?|intended|plans?|planned|planning|aims?|aimed|ready to|readiness|strive|"
    r"should|must|need to|needs? for|calls? for|called for|propos\w+|looks? forward|looking forward|"
    r"committed to|commitment|is expected|are expected|to be held|prospects?|importance of|potential|"
    r"hope[sd]?|intention|expects?|seek|seeks|could|may|might|consider(?:ing|s)?|explore|exploring)\b",
    re.I,
)


def kind_of(passage: str) -> str:
    """'progress' when the passage reports something done, else 'restatement'."""
    done = len(_DONE.findall(passage)) + len(_PERFECT.findall(passage)) + 2 * len(_QUANTITY.findall(passage))
    intended = len(_INTENDED.findall(passage))
    return PROGRESS if done > intended else RESTATEMENT


#: the stance a passage's kind suggests for the evidence made of it
STANCE_OF = {PROGRESS: "supports", RESTATEMENT: "context"}

__all__ = ["PROGRESS", "RESTATEMENT", "STANCE_OF", "kind_of"]

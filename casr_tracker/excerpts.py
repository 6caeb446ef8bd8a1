"""Excerpts of documents: a span selected by hand, made into whole words."""

from __future__ import annotations

import unicodedata

#: quotation marks and brackets, opening → closing
PAIRS = {"“": "”", "‘": "’", "«": "»", "„": "“", "‚": "‘", "(": ")", "[": "]", "{": "}", '"': '"', "'": "'"}
#: may end an excerpt after its last word
SENTENCE_ENDS = ".!?…%"
#: inside a word when between two letters (Kazakhstan’s, Nur-Sultan)
JOINERS = "'’-‐"


def _in_word(text: str, i: int) -> bool:
    """Whether the character at `i` belongs to a word."""
    if not 0 <= i < len(text):
        return False
    ch = text[i]
    if ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc", "Pc"):
        return True
    return ch in JOINERS and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def _word_around(text: str, i: int) -> tuple[int, int]:
    """The word holding the character at `i`, as (start, end)."""
    first, last = i, i + 1
    while _in_word(text, first - 1):
        first -= 1
    while _in_word(text, last):
        last += 1
    return first, last


def whole_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span `text[start:end]` as a reader means it. A word cut at an edge is taken whole when
    most of it was selected and left out when only a few letters were (a drag that overshot); white
    space and stray punctuation at the edges go, but a quotation mark or bracket that is closed (or
    opened) inside the excerpt stays, and so does a full stop (?, !, …, %) after the last word.
    None when no word is left.

    >>> t = "rose. Russia maintains its quota, he said."
    >>> t[slice(*whole_words(t, 4, 20))]
    'Russia maintains'
    >>> t[slice(*whole_words(t, 8, 33))]
    'Russia maintains its quota'
    """
    start, end = sorted((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    if start < end and _in_word(text, start) and _in_word(text, start - 1):
        first, last = _word_around(text, start)
        start = first if 2 * (min(last, end) - start) >= last - first else min(last, end)
    if start < end and _in_word(text, end - 1) and _in_word(text, end):
        first, last = _word_around(text, end - 1)
        end = last if 2 * (end - max(first, start)) >= last - first else max(first, start)
    while start < end and not _in_word(text, start):
        if text[start] in PAIRS and PAIRS[text[start]] in text[start + 1 : end]:
            break  # an opening mark closed inside the excerpt
        start += 1
    while end > start and not _in_word(text, end - 1):
        mark = text[end - 1]
        if mark in SENTENCE_ENDS and _after_word(text, start, end - 1):
            break
        if any(PAIRS[o] == mark for o in set(text[start : end - 1]) & PAIRS.keys()):
            break  # a closing mark opened inside the excerpt
        end -= 1
    return (start, end) if start < end else None


def _after_word(text: str, start: int, position: int) -> bool:
    """The mark at `position` follows the excerpt's last word (or a closing mark right after it)."""
    before = position - 1
    while before >= start and not _in_word(text, before) and not text[before].isspace():
        before -= 1
    return before >= start and _in_word(text, before)

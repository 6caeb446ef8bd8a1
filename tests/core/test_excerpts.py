"""A selection made by hand becomes whole words: table-driven, on sentences of the seed documents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casr_tracker.excerpts import whole_words

from ..conftest import SEEDS

T = "trade grew. Russia maintains its quota, he said. “We will build it,” the minister (Lavrov) said."

CASES = [
    # (what was dragged over, what is stored)
    (". Russia maintains", "Russia maintains"),
    ("grew. Russia", "grew. Russia"),
    ("Russia maintains its quota, ", "Russia maintains its quota"),
    ("ussia maintains its quo", "Russia maintains its quota"),  # most of each edge word: taken whole
    ("a maintains its q", "maintains its"),  # a letter or two of a word: an overshoot, left out
    ("he said. ", "he said."),
    ("“We will build it,” the", "“We will build it,” the"),
    (" “We will build", "We will build"),  # an opening quote not closed in the excerpt goes
    ("minister (Lavrov)", "minister (Lavrov)"),
    ("(Lavrov) said.", "(Lavrov) said."),
    ("(Lavrov", "Lavrov"),
    (",” ", None),
]


@pytest.mark.parametrize("dragged, stored", CASES)
def test_a_selection_becomes_whole_words(dragged, stored):
    start = T.index(dragged)
    span = whole_words(T, start, start + len(dragged))
    assert (T[span[0] : span[1]] if span else None) == stored


def test_seed_text_spans_are_whole_words_and_inside_the_selection_or_its_edge_words():
    text = (SEEDS / "doc-2023-11-20-abbasova-lavrov-ca-ambassadors.txt").read_text(encoding="utf-8")
    for start in range(0, len(text) - 80, 37):
        span = whole_words(text, start, start + 80)
        if span is None:
            continue
        a, b = span
        assert not text[a].isspace() and not text[b - 1].isspace()
        assert a == 0 or not (text[a - 1].isalnum() and text[a].isalnum())
        assert b == len(text) or not (text[b - 1].isalnum() and text[b].isalnum())


@given(st.text(max_size=60), st.integers(-5, 70), st.integers(-5, 70))
def test_any_span_of_any_text_is_answered_inside_the_text(text, start, end):
    span = whole_words(text, start, end)
    if span is not None:
        a, b = span
        assert 0 <= a < b <= len(text)
        assert any(ch.isalnum() for ch in text[a:b]) or text[a:b].strip()

"""Progress or restatement: a table of sentences as real reports write them, and the figure on the
development set (labelled before the rules were written)."""

from __future__ import annotations

import json

import pytest

from casr_tracker.progress import PROGRESS, RESTATEMENT, kind_of

from ..conftest import DATA

SENTENCES = [
    ("At least 80,000 doses of the Russian Sputnik V vaccine have been delivered to Kyrgyzstan today.", PROGRESS),
    ("The sixth meeting of foreign ministers in the Central Asia + Russia format took place in Samarkand.", PROGRESS),
    ("Trade turnover between Russia and Central Asia surpassed $44 bn in 2023.", PROGRESS),
    ("Russia handed over a mobile laboratory to Kyrgyzstan.", PROGRESS),
    ("The two sides signed a protocol to the intergovernmental agreement.", PROGRESS),
    ("The network of Russian university branches is expanding: there are already fourteen.", PROGRESS),
    # headlines tell what happened in the present tense
    ("Russia launches gas supply to Uzbekistan via Kazakhstan", PROGRESS),
    ("Russia and Uzbekistan sign roadmap on labour migrants", PROGRESS),
    ("Tajikistan ratifies information security agreement with Russia", PROGRESS),
    ("We will continue working with the WHO along these lines.", RESTATEMENT),
    ("The ministers stressed the importance of strengthening cultural and humanitarian cooperation.", RESTATEMENT),
    ("Kazakhstan is ready to further increase the volume of Russian gas transportation.", RESTATEMENT),
    ("The parties intend to expand cooperation in the energy sector.", RESTATEMENT),
    ("A plan for joint actions in 2025-2027 will be adopted after the summit.", RESTATEMENT),
]


@pytest.mark.parametrize(("sentence", "kind"), SENTENCES)
def test_progress_or_restatement(sentence, kind):
    assert kind_of(sentence) == kind


def test_on_the_development_set():
    labelled = [
        x
        for path in sorted((DATA / "devset").glob("labels-*.json"))
        for x in json.loads(path.read_text(encoding="utf-8"))
        if x["refs"] and x["kind"] in (PROGRESS, RESTATEMENT)
    ]
    right = sum(kind_of(x["passage"]) == x["kind"] for x in labelled)
    assert len(labelled) >= 140 and right / len(labelled) >= 0.85

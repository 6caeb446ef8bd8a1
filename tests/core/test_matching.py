"""Evidence suggestions on the real later documents, measured against the labelled set in tests/data."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlmodel import select

from casr_tracker import db, decisions, matching, services
from casr_tracker.models import Evidence, Pledge, SuggestionDecision

from ..conftest import DATA, ROOT


def load(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def index(session):
    return matching.build_index(session)


@pytest.fixture
def documents(session):
    return {d.source_name: d for d in (services.find_document(session, i) for i in range(1, 5))}


def test_labelled_set_is_sound(documents):
    labels, negatives = load("evidence_labels.json"), load("evidence_negatives.json")
    assert len(labels) >= 40 and len(negatives) >= 8
    for item in labels + negatives:
        assert item["quote"] in documents[item["document"]].text


def test_recall_at_1_and_3_on_the_labelled_passages(index):
    labels = load("evidence_labels.json")
    hit1 = hit3 = 0
    for label in labels:
        ranked = [c.ref for c in index.rank(label["quote"], top=3)]
        hit1 += bool(ranked) and ranked[0] in label["refs"]
        hit3 += any(ref in label["refs"] for ref in ranked)
    recall1, recall3 = hit1 / len(labels), hit3 / len(labels)
    assert recall3 >= 0.85, recall3
    assert recall1 >= 0.65, recall1


def test_suggestions_find_the_pledges_each_document_speaks_to(session, index, documents):
    """What the user sees: the passage holding each labelled quote lists a right pledge."""
    labels = load("evidence_labels.json")
    proposals = {name: matching.suggest(session, doc, index=index) for name, doc in documents.items()}
    hits, totals = Counter(), Counter()
    for label in labels:
        at = documents[label["document"]].text.index(label["quote"])
        found = [p for p in proposals[label["document"]] if p.passage.start <= at < p.passage.end]
        totals[label["document"]] += 1
        hits[label["document"]] += bool(found) and any(c.ref in label["refs"] for c in found[0].candidates)
    paraphrase = "doc-2020-10-30-wolkov-fms-release-statement.txt"
    assert hits[paraphrase] / totals[paraphrase] >= 0.8
    progress = [name for name in totals if name != paraphrase]
    assert sum(hits[n] for n in progress) / sum(totals[n] for n in progress) >= 0.7
    assert all(hits[n] / totals[n] >= 0.5 for n in progress)


def test_the_scholarships_paraphrase_finds_its_pledge_first(index):
    ranked = index.rank(
        "Russia will also increase the number of scholarships for the study of sanitary and epidemiological safety"
    )
    assert ranked[0].ref == "SNT-4" and ranked[0].strength in ("medium", "strong")


@pytest.mark.parametrize(
    ("passage", "ref"),
    [
        ("Russia will improve the living conditions of Central Asian labor migrants.", "MGR-1"),
        ("Moscow offered vocational training to migrant workers from Tajikistan.", "MGR-1"),
        ("The ministers agreed to keep fighting the coronavirus together and to study where it came from.", "SNT-7"),
        ("They will hold multi-level consultations between the foreign ministries.", "PLT-2"),
        ("The parties will jointly counter drug trafficking and arms smuggling.", "SCR-4"),
        ("Monuments to the soldiers of World War II will be preserved.", "CLT-6"),
    ],
)
def test_vocabulary_folds_paraphrases(index, passage, ref):
    assert ref in [c.ref for c in index.rank(passage, top=3)]


def test_the_unrelated_tail_of_a_scrape_is_not_suggested(session, index, documents):
    interview = documents["doc-2020-11-lavrov-interview-kazakh-media.txt"]
    end = matching.main_text_end(interview.text)
    assert interview.text[end:].startswith("Source: The Ministry of Foreign Affairs")
    proposals = matching.suggest(session, interview, index=index)
    assert proposals and all(p.passage.end <= end or p.recommendation == "low" for p in proposals)
    assert not [p for p in proposals if p.passage.start >= interview.text.index("Did India invade Kashmir")]
    for name, doc in documents.items():
        if doc is not interview:
            assert matching.main_text_end(doc.text) > len(doc.text) * 0.9, name


def test_negatives_get_nothing_worth_asking_about(index):
    for item in load("evidence_negatives.json"):
        assert all(c.strength in ("none", "low") for c in index.rank(item["quote"], top=3)), item["quote"]


def test_json_shape(session, index, documents):
    proposals = matching.suggest(session, documents["doc-2023-11-20-abbasova-lavrov-ca-ambassadors.txt"], index=index)
    data = [p.to_json() for p in proposals]
    starts = [p["start"] for p in data]
    assert starts == sorted(starts)
    for item in data:
        assert set(item) == {"start", "end", "text", "kind", "candidates"} and item["candidates"]
        assert item["kind"] in ("progress", "restatement")
        assert all(
            set(c) == {"ref", "score", "strength"} and c["strength"] in ("low", "medium", "strong")
            for c in item["candidates"]
        )


def test_accept_and_reject_are_remembered(engine):
    with db.session_scope(engine) as s:
        doc = services.find_document(s, 1)
        first = matching.suggest(s, doc)
        scholarships = next(p for p in first if "scholarships" in p.passage.text)
        top = scholarships.candidates[0]
        pledge = s.get(Pledge, top.pledge_id)
        evidence = decisions.accept_suggestion(
            session=s, document=doc, pledge=pledge, start=scholarships.passage.start, end=scholarships.passage.end
        )
        assert evidence.quote == scholarships.passage.text and evidence.date == doc.date
        other = next(p for p in first if p is not scholarships)
        rejected = s.get(Pledge, other.candidates[0].pledge_id)
        decisions.reject_suggestion(
            session=s, document=doc, pledge=rejected, start=other.passage.start, end=other.passage.end
        )
    with db.session_scope(engine) as s:
        doc = services.find_document(s, 1)
        again = {(p.passage.start, c.pledge_id) for p in matching.suggest(s, doc) for c in p.candidates}
        assert (scholarships.passage.start, top.pledge_id) not in again
        assert (other.passage.start, rejected.id) not in again
        decisions.reopen_suggestion(
            session=s, document=doc, pledge=rejected, start=other.passage.start, end=other.passage.end
        )
    with db.session_scope(engine) as s:
        doc = services.find_document(s, 1)
        again = {(p.passage.start, c.pledge_id) for p in matching.suggest(s, doc) for c in p.candidates}
        assert (other.passage.start, rejected.id) in again
        assert len(s.exec(select(SuggestionDecision)).all()) == 3
        assert len(s.exec(select(Evidence)).all()) == 1


def test_soft_wrapped_lines_make_one_passage():
    text = "Title line here\n\nIt is necessary to create\nplatforms for dialogue at various levels.\nNext Sentence starts here now.\n"
    found = matching.passages(text)
    assert [p.text for p in found] == [
        "It is necessary to create\nplatforms for dialogue at various levels.",
        "Next Sentence starts here now.",
    ]
    assert all(text[p.start : p.end] == p.text for p in found)


def _benchmark():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("evidence_matching", ROOT / "benchmarks" / "evidence_matching.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_floors_on_the_development_set_of_real_documents():
    """Figures of benchmarks/evidence_matching.py (docs/evidence-matching.md): the development set is
    61 real pages labelled before the matcher was tuned; the seed set is held no worse than before."""
    results = _benchmark().run()
    dev, seeds = results["development"], results["seeds"]
    assert dev["new"]["recall_at_3"] >= 0.75 and dev["new"]["recall_at_1"] >= 0.49
    assert dev["new"]["recall_at_3"] > dev["before"]["recall_at_3"] > dev["bm25"]["recall_at_3"]
    assert dev["new+accepted"]["recall_at_3"] >= 0.86 and dev["new+accepted"]["recall_at_1"] >= 0.62
    assert dev["new+accepted"]["medium_or_strong"] >= 0.6 and dev["new+accepted"]["precision_strong"] >= 0.9
    assert seeds["new"]["recall_at_1"] >= seeds["before"]["recall_at_1"]
    assert seeds["new"]["recall_at_3"] >= seeds["before"]["recall_at_3"]
    assert seeds["new"]["false_alarms"] == 0 and seeds["new"]["precision_strong"] >= 0.9


def test_an_interviewers_question_is_never_more_than_a_weak_match(session, index, documents):
    interview = documents["doc-2020-11-lavrov-interview-kazakh-media.txt"]
    questions = [p for p in matching.suggest(session, interview, index=index) if p.passage.text.endswith("?")]
    assert questions and all(p.recommendation == "low" for p in questions)


def test_a_hard_wrapped_pdf_line_joins_the_next_even_before_a_capital():
    text = (
        "Migration report\n\nRussia and the five Central Asian countries agreed in Samarkand that the\n"
        "Ministries of Foreign Affairs will meet every year to review the plan.\nShort heading\n"
    )
    found = [p.text for p in matching.passages(text)]
    assert found[0].startswith("Russia and the five") and found[0].endswith("review the plan.")
    assert "Short heading" not in found[0]


def test_a_rejected_passage_is_not_suggested_again_in_another_article(engine, tmp_path):
    """The same wording in a second article (a release reprinted) is not offered again for the pledge the
    analyst rejected it for; other pledges still are."""
    with db.session_scope(engine) as s:
        first_doc = services.find_document(s, 1)
        proposal = next(p for p in matching.suggest(s, first_doc) if len(p.candidates) > 1)
        rejected = s.get(Pledge, proposal.candidates[0].pledge_id)
        decisions.reject_suggestion(
            session=s, document=first_doc, pledge=rejected, start=proposal.passage.start, end=proposal.passage.end
        )
        reprint, _ = services.import_document(
            session=s, text=f"A reprint of the release in full\n\n{proposal.passage.text}\n", title="Reprint"
        )
        offered = [c.pledge_id for p in matching.suggest(s, reprint, min_strength="low") for c in p.candidates]
        assert rejected.id not in offered and offered


def test_the_index_follows_keywords_of_the_same_length(engine):
    """The cached index is rebuilt when keywords change, even to words of the same length."""

    def first_for(s, word):
        found = matching.build_index(s).rank(f"{word} {word} {word}", top=1)
        return found[0].ref if found else None

    for word in ("zorblax", "quuxfoo"):
        db.write(
            engine,
            lambda s, w=word: services.set_keywords(session=s, pledge=services.find_pledge(s, "ENR-2"), keywords=w),
        )
        with db.session_scope(engine, write=False) as s:
            assert first_for(s, word) == "ENR-2"
    with db.session_scope(engine, write=False) as s:
        assert first_for(s, "zorblax") != "ENR-2"

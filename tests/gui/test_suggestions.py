"""The suggestions review beside the document reader, on the real seed documents."""

from __future__ import annotations

from PySide6.QtTest import QTest
from sqlmodel import select

from casr_tracker.gui.qt import Qt
from casr_tracker.models import Evidence, SuggestionDecision
from casr_tracker.queries import pledge_rows

from .person import Dialogs


def open_document(win, qtbot, document_id: int):
    win.tabs.setCurrentIndex(1)
    win.documents.show_document(document_id)
    panel = win.documents.suggestions
    qtbot.waitUntil(lambda: not panel.loading, timeout=10000)
    return panel


def test_passages_are_listed_and_highlighted(win, qtbot, qtmodeltester):
    panel = open_document(win, qtbot, 1)
    qtmodeltester.check(panel.model)
    assert panel.model.rowCount() == len(panel.proposals) >= 12
    assert all(p.recommendation in ("medium", "strong") for p in panel.proposals)
    strong_only = len(panel.proposals)
    panel.weak.setChecked(True)  # the doubtful ones too
    assert len(panel.proposals) > strong_only and panel.model.rowCount() == len(panel.proposals)
    assert len(win.documents.reader.extraSelections()) == len(panel.proposals) + 1  # all, and the current one
    scholarships = next(i for i, p in enumerate(panel.proposals) if "scholarships" in p.passage.text)
    panel.tree.setCurrentIndex(panel.model.index(scholarships, 0))
    assert panel.current_candidate().ref == "SNT-4"
    cursor = win.documents.reader.textCursor()
    assert cursor.position() == panel.proposals[scholarships].passage.start  # the reader went there
    no_evidence = len(win.tracker.read(lambda s: pledge_rows(s, no_evidence=True)))
    assert panel.remaining.text() == f"{no_evidence} pledges still have no evidence."
    panel.weak.setChecked(False)
    assert "weak matches are hidden" in panel.remaining.text()


def test_keyboard_review_accept_reject_and_undo(win, qtbot):
    panel = open_document(win, qtbot, 1)
    panel.tree.setFocus()
    scholarships = next(i for i, p in enumerate(panel.proposals) if "scholarships" in p.passage.text)
    panel.tree.setCurrentIndex(panel.model.index(scholarships, 0))
    passage = panel.proposals[scholarships].passage
    QTest.keyClick(panel.tree, Qt.Key.Key_A)
    evidence = win.tracker.read(lambda s: s.exec(select(Evidence)).one())
    assert (evidence.start, evidence.end, evidence.quote) == (passage.start, passage.end, passage.text)
    assert str(evidence.date) == "2020-10-30"
    assert all(p.passage.start != passage.start or all(c.ref != "SNT-4" for c in p.candidates) for p in panel.proposals)
    assert next(r for r in win.pledges.table_model.rows() if r.ref == "SNT-4").evidence_count == 1
    first = panel.current_proposal()
    QTest.keyClick(panel.tree, Qt.Key.Key_R)  # reject its top candidate
    rejected = first.candidates[0]
    again = [p for p in panel.proposals if p.passage.start == first.passage.start]
    assert not again or rejected.pledge_id not in [c.pledge_id for c in again[0].candidates]
    decisions = win.tracker.read(lambda s: [d.decision for d in s.exec(select(SuggestionDecision))])
    assert decisions == ["accepted", "rejected"]
    win.undo_stack.undo()  # the rejection is reopened: the candidate comes back
    back = next(p for p in panel.proposals if p.passage.start == first.passage.start)
    assert rejected.pledge_id in [c.pledge_id for c in back.candidates]
    win.undo_stack.undo()  # the acceptance: evidence withdrawn, suggestion back
    assert win.tracker.read(lambda s: s.exec(select(Evidence)).one()).withdrawn_at is not None
    assert any(p.passage.start == passage.start and p.candidates[0].ref == "SNT-4" for p in panel.proposals)


def test_next_and_previous_passage_keys(win, qtbot):
    panel = open_document(win, qtbot, 1)
    panel.tree.setFocus()
    panel.tree.setCurrentIndex(panel.model.index(0, 0))
    QTest.keyClick(panel.tree, Qt.Key.Key_J)
    assert panel.current_proposal() is panel.proposals[1]
    QTest.keyClick(panel.tree, Qt.Key.Key_K)
    assert panel.current_proposal() is panel.proposals[0]


def test_accept_another_pledge_than_suggested(win, qtbot):
    panel = open_document(win, qtbot, 4)
    proposal = panel.current_proposal()
    other = next(r for r in win.pledges.table_model.rows() if r.ref not in [c.ref for c in proposal.candidates])

    def day(dialog):  # the op-ed is undated: the day the passage speaks for is asked
        dialog.setTextValue("2021-06-01")
        dialog.accept()

    dialogs = Dialogs(qtbot).expect("QInputDialog", day)
    assert panel.accept(pledge_id=other.id, ref=other.ref)
    dialogs.done()
    evidence = win.tracker.read(lambda s: s.exec(select(Evidence)).one())
    assert evidence.pledge_id == other.id and evidence.start == proposal.passage.start
    assert str(evidence.date) == "2021-06-01"


def test_the_scrape_tail_is_not_offered(win, qtbot):
    panel = open_document(win, qtbot, 2)
    text = win.documents.document.text
    assert panel.proposals
    assert all(p.passage.start < text.index("Continue Reading") for p in panel.proposals if p.recommendation != "low")
    assert not [p for p in panel.proposals if p.passage.start > text.index("Did India invade Kashmir")]


def test_each_passage_says_progress_or_restatement_and_the_stance_follows(win, qtbot):
    from casr_tracker.progress import STANCE_OF

    panel = open_document(win, qtbot, 1)
    panel.weak.setChecked(True)
    kinds = {p.kind for p in panel.proposals}
    assert kinds == {"progress", "restatement"}  # the paraphrase restates; some passages report
    panel.tree.setFocus()
    restated = next(i for i, p in enumerate(panel.proposals) if p.kind == "restatement")
    panel.tree.setCurrentIndex(panel.model.index(restated, 0))
    assert "· restatement]" in panel.model.item(restated).text()
    assert panel.stance.currentData() == STANCE_OF["restatement"] == "context"
    QTest.keyClick(panel.tree, Qt.Key.Key_A)
    assert win.tracker.read(lambda s: s.exec(select(Evidence)).one()).stance == "context"
    reported = next(i for i, p in enumerate(panel.proposals) if p.kind == "progress")
    panel.tree.setCurrentIndex(panel.model.index(reported, 0))
    assert "· progress]" in panel.model.item(reported).text()
    assert panel.stance.currentData() == "supports"

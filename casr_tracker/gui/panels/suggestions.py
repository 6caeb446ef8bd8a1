"""Suggested evidence for the open document: passages with their candidate pledges, reviewed by keyboard."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from ... import db, services, team
from ...errors import CasrError
from ...models import Document
from ...progress import STANCE_OF
from ...queries import pledge_rows, pledges_to_choose
from ...wording import counted
from ..actions import make_button
from ..dialogs import PledgeChooser, stance_combo
from ..ops import Tracker, run_in_background
from ..qt import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QKeySequence,
    QModelIndex,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..style import plain_label, plain_tip
from ..undo import SuggestionCommand, push

if TYPE_CHECKING:
    from ... import matching

PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 11
CANDIDATE_ROLE = Qt.ItemDataRole.UserRole + 12
HELP = "A or Enter accept · R reject · O other pledge · J/K next/previous passage · 1–3 accept that candidate"


class SuggestionsPanel(QWidget):
    """Passages of the open document that seem to speak to pledges; accept, reject or redirect each."""

    passage_focused = Signal(int, int)  # start, end in the document
    passages_changed = Signal(list)  # [(start, end)] of every suggested passage
    evidence_attached = Signal(int)  # pledge id

    def __init__(self, tracker: Tracker, undo_stack, parent=None):
        super().__init__(parent)
        self.tracker, self.undo_stack = tracker, undo_stack
        self.document_id: int | None = None
        self.proposals: list[matching.Proposal] = []
        self.loading = False
        self._generation = 0
        self.model = QStandardItemModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = plain_label("Suggestions", bold=True)
        self.remaining = plain_label()
        self.weak = QCheckBox("Include weak (low) matches")
        self.weak.setToolTip("Low-strength matches are often wrong, but catch paraphrases with few shared words")
        self.weak.toggled.connect(lambda _on: self._show(self.all_proposals))
        self.all_proposals: list[matching.Proposal] = []
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.doubleClicked.connect(lambda _i: self.accept())
        self.empty = plain_label()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        row = QHBoxLayout()
        self.stance = stance_combo()
        self.stance.setToolTip("The stance recorded with accepted evidence")
        self.accept_button = accept = make_button("Accept", self.accept, "Attach the passage to the pledge (A)")
        self.reject_button = reject = make_button("Reject", self.reject, "This passage does not speak to it (R)")
        self.other_button = other = make_button("Other pledge…", self.choose_other, "Attach it to another pledge (O)")
        for widget in (self.stance, accept, reject, other):
            row.addWidget(widget)
        self.keys_help = keys = plain_label(HELP)
        keys.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.title)
        layout.addWidget(self.remaining)
        layout.addWidget(self.weak)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(row)
        layout.addWidget(keys)
        scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in (
            ("A", self.accept),
            ("Return", self.accept),
            ("R", self.reject),
            ("Delete", self.reject),
            ("O", self.choose_other),
            ("J", lambda: self.move(1)),
            ("K", lambda: self.move(-1)),
            ("1", lambda: self.accept(0)),
            ("2", lambda: self.accept(1)),
            ("3", lambda: self.accept(2)),
        ):
            QShortcut(QKeySequence(key), self.tree, slot, context=scope)

    # --- loading --------------------------------------------------------------------------------

    def load(self, document_id: int | None, *, background: bool = True) -> None:
        """Find suggestions for a document (off the GUI thread unless `background` is False)."""
        if document_id != self.document_id:
            self._clear()  # the last document's passages must not be applied to this one's text
        self.document_id = document_id
        self._generation += 1
        generation = self._generation
        if document_id is None:
            self._show([])
            return
        engine = self.tracker.engine

        def work():
            from ... import matching  # BM25 and numpy load on first use, not at start-up

            with db.session_scope(engine, write=False) as session:
                document = session.get(Document, document_id)
                return matching.suggest(session, document) if document else []

        def done(proposals):
            if generation == self._generation:
                self.loading = False
                self._show(proposals)

        def failed(error):
            self.loading = False
            self.tracker.failed.emit(f"Suggestions could not be computed: {error}")

        self.loading = True
        self.empty.setText("Finding the pledges this document speaks to…")
        self.tree.hide()
        self.empty.show()
        if background:
            run_in_background(work, done, failed, owner=self)
        else:
            done(work())

    def refresh(self) -> None:
        """Recompute after a decision, keeping the place in the list."""
        position = self._passage_row()
        self.load(self.document_id, background=False)
        if self.model.rowCount():
            self.tree.setCurrentIndex(self.model.index(min(position, self.model.rowCount() - 1), 0))

    def _show(self, proposals: list[matching.Proposal]) -> None:
        self.all_proposals = proposals
        if not self.weak.isChecked():
            proposals = [p for p in proposals if p.recommendation != "low"]
        hidden = len(self.all_proposals) - len(proposals)
        self.proposals = proposals
        self._clear()
        texts = {r.id: r.text for r in self.tracker.read(lambda s: pledge_rows(s))} if proposals else {}
        for proposal in proposals:
            passage = proposal.passage
            top = QStandardItem(f"[{proposal.recommendation} · {proposal.kind}] {textwrap.shorten(passage.text, 150)}")
            top.setToolTip(plain_tip(passage.text))
            top.setData(proposal, PASSAGE_ROLE)
            for candidate in proposal.candidates:
                text = texts.get(candidate.pledge_id, "")
                child = QStandardItem(
                    f"{candidate.ref} · {candidate.strength} · {candidate.score:.1f} — {textwrap.shorten(text, 90)}"
                )
                child.setToolTip(plain_tip(f"{candidate.ref}: {text}"))
                child.setData(candidate, CANDIDATE_ROLE)
                top.appendRow(child)
            self.model.appendRow(top)
        self.tree.expandAll()
        count = self.tracker.read(lambda s: len(pledge_rows(s, no_evidence=True))) if self.tracker.engine else 0
        verb = "is" if hidden == 1 else "are"
        weak = f" {counted(hidden, 'passage')} with only weak matches {verb} hidden." if hidden else ""
        self.remaining.setText(f"{counted(count, 'pledge')} still {'has' if count == 1 else 'have'} no evidence.{weak}")
        self.title.setText(f"Suggestions ({counted(len(proposals), 'passage')})")
        has = bool(proposals)
        self.tree.setVisible(has)
        self.empty.setVisible(not has)
        if self.document_id is None:
            self.empty.setText("Open a document to see which pledges its passages speak to.")
        elif not has:
            self.empty.setText(
                "Nothing left to review here: no other passage of this document seems to speak to a pledge."
            )
        self.passages_changed.emit([(p.passage.start, p.passage.end) for p in proposals])
        if has and not self.tree.currentIndex().isValid():
            self.tree.setCurrentIndex(self.model.index(0, 0))

    def _clear(self) -> None:
        """Empty the list without announcing the passages it held as the current one."""
        selection = self.tree.selectionModel()
        selection.blockSignals(True)
        self.model.clear()
        selection.blockSignals(False)

    # --- navigation -----------------------------------------------------------------------------

    def _passage_row(self) -> int:
        index = self.tree.currentIndex()
        if not index.isValid():
            return 0
        return index.parent().row() if index.parent().isValid() else index.row()

    def _current_changed(self, current: QModelIndex, _previous) -> None:
        proposal = self.current_proposal()
        if proposal is not None:
            # the stance recorded on accepting follows what the passage is (the analyst may change it)
            self.stance.setCurrentIndex(max(0, self.stance.findData(STANCE_OF.get(proposal.kind, "supports"))))
            self.passage_focused.emit(proposal.passage.start, proposal.passage.end)

    def current_proposal(self) -> matching.Proposal | None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        top = index.parent() if index.parent().isValid() else index
        return top.data(PASSAGE_ROLE)

    def current_candidate(self) -> matching.Candidate | None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        if index.parent().isValid():
            return index.data(CANDIDATE_ROLE)
        proposal = index.data(PASSAGE_ROLE)
        return proposal.candidates[0] if proposal and proposal.candidates else None

    def move(self, step: int) -> None:
        if not self.model.rowCount():
            return
        row = max(0, min(self.model.rowCount() - 1, self._passage_row() + step))
        self.tree.setCurrentIndex(self.model.index(row, 0))

    # --- decisions ------------------------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        """A viewer sees what is suggested; accepting, rejecting and choosing are hidden."""
        for widget in (self.stance, self.accept_button, self.reject_button, self.other_button, self.keys_help):
            widget.setVisible(not read_only)

    def _refused(self) -> bool:
        """In a viewer's workspace the decision keys (A, R, O, 1-3, Return) only say why they do nothing."""
        if self.tracker.read_only:
            self.window().statusBar().showMessage(team.READ_ONLY, 8000)
        return self.tracker.read_only

    def accept(self, nth: int | None = None, pledge_id: int | None = None, ref: str | None = None) -> bool:
        """Accept the current candidate (or the nth, or a pledge chosen elsewhere) as evidence."""
        proposal = self.current_proposal()
        if proposal is None or self._refused():
            return False
        if pledge_id is None:
            if nth is not None:
                if nth >= len(proposal.candidates):
                    return False
                candidate = proposal.candidates[nth]
            else:
                candidate = self.current_candidate()
            if candidate is None:
                return False
            pledge_id, ref = candidate.pledge_id, candidate.ref
        return self._decide(proposal, pledge_id, ref or "", accept=True)

    def reject(self) -> bool:
        proposal, candidate = self.current_proposal(), self.current_candidate()
        if proposal is None or candidate is None or self._refused():
            return False
        return self._decide(proposal, candidate.pledge_id, candidate.ref, accept=False)

    def choose_other(self) -> bool:
        proposal = self.current_proposal()
        if proposal is None or self._refused():
            return False
        chooser = PledgeChooser(
            lambda text: self.tracker.read(lambda s: pledges_to_choose(s, text)), proposal.passage.text, self
        )
        chooser.stance.setCurrentIndex(self.stance.currentIndex())
        if not chooser.exec() or chooser.chosen() is None:
            return False
        self.stance.setCurrentIndex(chooser.stance.currentIndex())
        return self.accept(pledge_id=chooser.chosen())

    def _day_spoken_for(self) -> tuple[bool, object]:
        """(go on, date): for a passage of an undated document, the day it speaks for, asked."""
        if self.tracker.read(lambda s: s.get(Document, self.document_id).date) is not None:
            return True, None
        text, ok = QInputDialog.getText(
            self, "Evidence date", "This document has no date. On what day does the passage speak? (YYYY-MM-DD)"
        )
        if not ok:
            return False, None
        try:
            day = services.parse_date(text)
            if day is None:
                raise CasrError("Give the day the passage speaks for, as YYYY-MM-DD.")
            services.check_not_after_today(day, "Evidence")
        except CasrError as error:
            self.tracker.failed.emit(str(error))
            return False, None
        return True, day

    def _decide(self, proposal: matching.Proposal, pledge_id: int, ref: str, *, accept: bool) -> bool:
        date = None
        if accept:
            go_on, date = self._day_spoken_for()
            if not go_on:
                return False
        passage = proposal.passage
        command = SuggestionCommand(
            self.tracker,
            self.document_id,
            pledge_id,
            ref,
            passage.start,
            passage.end,
            accept,
            self.stance.currentData(),
            date,
        )
        if not push(self.undo_stack, command):
            return False
        if accept:
            self.evidence_attached.emit(pledge_id)
        return True

"""The window's Undo and Redo: each QUndoCommand makes its change once through a core verb, and its
undo and redo are the core's (`casr_tracker.undo`): undo reverses the events the change recorded,
redo reverses that undo. Every step is new events; nothing is deleted. After a restart the stack is
rebuilt from the log (`LoggedChange`), so Ctrl+Z still undoes one's last changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from .. import corrections, decisions, services, undo
from ..errors import CasrError, StaleEdit
from ..models import Document, Event, Evidence, Note, Party, Pledge
from .ops import Tracker
from .qt import QUndoCommand, QUndoStack, Signal


class TrackerCommand(QUndoCommand):
    """Base: `apply()` makes the change the first time (errors reach the caller before anything is
    pushed); undo() and redo() afterwards reverse the events now in effect; failures then become the
    tracker's messages."""

    def __init__(self, tracker: Tracker, text: str):
        super().__init__(text)
        self.tracker = tracker
        self._first = True
        #: the events the change (or its last undo or redo) recorded: what the next step reverses
        self.event_ids: list[int] = []
        #: the version the user saw when making the edit; checked on the first apply only
        self.expect_version: int | None = None

    def rebase(self) -> None:
        """Forget the version the edit was based on (the user chose to apply it to the new data)."""
        self.expect_version = None

    def apply(self) -> None:
        raise NotImplementedError

    def write(self, fn: Callable[[Session], Any]) -> Any:
        """A core write; the events it recorded are what the next undo or redo reverses."""
        result = self.tracker.write(fn)
        self.event_ids = list(self.tracker.last_changes.event_ids)
        return result

    def reverse(self, session: Session) -> None:
        """Undo (or redo) in the core: reverse the events of the last step."""
        undo.undo(session=session, event_ids=self.event_ids, who=self.tracker.user)

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._guard(lambda: self.write(self.reverse))

    def undo(self) -> None:
        self._guard(lambda: self.write(self.reverse))

    def _guard(self, action) -> None:
        try:
            action()
        except CasrError as error:
            self.tracker.failed.emit(str(error))
            self.setObsolete(True)


class LoggedChange(TrackerCommand):
    """One of your changes read back from the event log when the window opens (already made)."""

    def __init__(self, tracker: Tracker, event: Event, text: str):
        super().__init__(tracker, text)
        self.event_ids = [event.id]


def restore_stack(stack, tracker: Tracker, limit: int = 20) -> int:
    """Put `tracker.user`'s latest changes still in effect on an empty undo stack; returns how many."""

    def read(session):
        return [(event, undo.describe(session, event)) for event in undo.undoable_changes(session, tracker.user, limit)]

    found = tracker.read(read)
    for event, text in found:
        stack.push(LoggedChange(tracker, event, text))
    return len(found)


class StatusCommand(TrackerCommand):
    def __init__(self, tracker: Tracker, pledge_id: int, ref: str, status: str, comment: str = "", effective=None):
        super().__init__(tracker, f"Set {ref} to {status.replace('_', ' ')}")
        self.pledge_id, self.status, self.comment, self.effective = pledge_id, status, comment, effective

    def apply(self) -> None:
        def write(session):
            services.set_status(
                session=session,
                pledge=session.get(Pledge, self.pledge_id),
                status=self.status,
                who=self.tracker.user,
                comment=self.comment,
                effective=self.effective,
                expect_version=self.expect_version,
            )

        self.write(write)
        self.expect_version = None


class AssessCommand(TrackerCommand):
    def __init__(self, tracker: Tracker, pledge_id: int, party_id: int, label: str, score, justification: str = ""):
        super().__init__(tracker, f"Score {label}")
        self.pledge_id, self.party_id = pledge_id, party_id
        self.score, self.justification = score, justification

    def apply(self) -> None:
        def write(session):
            services.assess(
                session=session,
                pledge=session.get(Pledge, self.pledge_id),
                party=session.get(Party, self.party_id),
                score=self.score,
                who=self.tracker.user,
                justification=self.justification,
                expect_version=self.expect_version,
            )

        self.write(write)
        self.expect_version = None


class EvidenceCommand(TrackerCommand):
    """Attach evidence; undo withdraws it, redo brings the same row back."""

    def __init__(self, tracker: Tracker, pledge_id: int, ref: str, **fields):
        super().__init__(tracker, f"Attach evidence to {ref}")
        self.pledge_id, self.fields = pledge_id, fields

    def apply(self) -> None:
        def write(session):
            fields = dict(self.fields)
            document_id = fields.pop("document_id", None)
            document = services.find_document(session, document_id) if document_id else None
            pledge = session.get(Pledge, self.pledge_id)
            services.attach_evidence(session=session, pledge=pledge, document=document, who=self.tracker.user, **fields)

        self.write(write)


class WithdrawEvidenceCommand(TrackerCommand):
    def __init__(self, tracker: Tracker, pledge_id: int, evidence_id: int):
        super().__init__(tracker, "Withdraw evidence")
        self.pledge_id, self.evidence_id = pledge_id, evidence_id

    def apply(self) -> None:
        self.write(
            lambda s: services.withdraw_evidence(
                session=s, evidence=s.get(Evidence, self.evidence_id), who=self.tracker.user
            )
        )


class NoteCommand(TrackerCommand):
    """Write a new note or change one (a deleted one is brought back first)."""

    def __init__(self, tracker: Tracker, pledge_id: int, note_id: int | None, old_text: str, new_text: str):
        super().__init__(tracker, "Edit note")
        self.pledge_id, self.note_id = pledge_id, note_id
        self.old_text, self.new_text = old_text, new_text

    def apply(self) -> None:
        def write(session):
            if self.note_id is None:
                pledge = session.get(Pledge, self.pledge_id)
                note = services.add_note(session=session, pledge=pledge, text=self.new_text, who=self.tracker.user)
                self.note_id = note.id
                return
            note = session.get(Note, self.note_id)
            if note.deleted_at is not None:
                services.restore_note(session=session, note=note, who=self.tracker.user)
            if note.text != self.new_text:
                services.edit_note(
                    session=session,
                    note=note,
                    text=self.new_text,
                    expect_version=self.expect_version,
                    who=self.tracker.user,
                )

        self.write(write)
        self.expect_version = None


class EvidenceEditCommand(TrackerCommand):
    """Correct the date or stance of a piece of evidence; undo puts the earlier ones back."""

    def __init__(self, tracker: Tracker, pledge_id: int, evidence_id: int, changed: dict):
        super().__init__(tracker, f"Edit evidence {evidence_id}")
        self.pledge_id, self.evidence_id, self.changed = pledge_id, evidence_id, changed

    def apply(self) -> None:
        def write(session):
            evidence = session.get(Evidence, self.evidence_id)
            corrections.edit_evidence(session=session, evidence=evidence, who=self.tracker.user, **self.changed)

        self.write(write)


class DocumentEditCommand(TrackerCommand):
    """Correct a document's details; undo puts the earlier ones back (both are events)."""

    def __init__(self, tracker: Tracker, document_id: int, changed: dict):
        super().__init__(tracker, f"Edit document {document_id}")
        self.document_id, self.changed = document_id, changed

    def apply(self) -> None:
        def write(session):
            document = session.get(Document, self.document_id)
            corrections.edit_document(session=session, document=document, who=self.tracker.user, **self.changed)

        self.write(write)


class KeywordsCommand(TrackerCommand):
    """Give a pledge the analyst's keywords; undo puts the earlier ones back (both are events)."""

    def __init__(self, tracker: Tracker, pledge_id: int, ref: str, keywords: str):
        super().__init__(tracker, f"Set keywords of {ref}")
        self.pledge_id, self.keywords = pledge_id, keywords

    def apply(self) -> None:
        self.write(
            lambda s: services.set_keywords(
                session=s, pledge=s.get(Pledge, self.pledge_id), keywords=self.keywords, who=self.tracker.user
            )
        )


class RetractCommand(TrackerCommand):
    """Retract a status or score entry with a reason; undo takes the retraction back (a new event)."""

    def __init__(self, tracker: Tracker, pledge_id: int, entry_id: int, reason: str):
        super().__init__(tracker, f"Retract entry {entry_id}")
        self.pledge_id, self.entry_id, self.reason = pledge_id, entry_id, reason

    def apply(self) -> None:
        self.write(
            lambda s: corrections.retract(session=s, entry_id=self.entry_id, reason=self.reason, who=self.tracker.user)
        )


class SuggestionCommand(TrackerCommand):
    """Accept (evidence + decision) or reject a suggested pair; undo reopens it (and withdraws the
    evidence), redo decides again. Every step is a new row."""

    def __init__(
        self,
        tracker: Tracker,
        document_id: int,
        pledge_id: int,
        ref: str,
        start: int,
        end: int,
        accept: bool,
        stance: str = "supports",
        date=None,
    ):
        super().__init__(tracker, f"{'Accept' if accept else 'Reject'} suggestion {ref}")
        self.document_id, self.pledge_id, self.start, self.end = document_id, pledge_id, start, end
        self.accept, self.stance, self.date = accept, stance, date
        self.evidence_id: int | None = None
        self.decided = True

    def _span(self, session) -> dict:
        return {
            "session": session,
            "document": session.get(Document, self.document_id),
            "pledge": session.get(Pledge, self.pledge_id),
            "start": self.start,
            "end": self.end,
            "who": self.tracker.user,
        }

    def apply(self) -> None:
        def write(session):
            if self.accept:
                span = self._span(session)
                self.evidence_id = decisions.accept_suggestion(stance=self.stance, date=self.date, **span).id
            else:
                decisions.reject_suggestion(**self._span(session))

        self.write(write)

    def reverse(self, session: Session) -> None:
        """The evidence's events are reversed by the core; the decision is reopened or made again."""
        super().reverse(session)
        span = self._span(session)
        if self.decided:
            decisions.reopen_suggestion(**span)
        else:
            verdict = "accepted" if self.accept else "rejected"
            decisions.record_decision(
                session, span["document"], span["pledge"], self.start, self.end, verdict, span["who"], self.evidence_id
            )
        self.decided = not self.decided


def push_or_raise(stack, command: TrackerCommand) -> bool:
    """Apply a command; push it on the undo stack only when it worked. A refusal (CasrError) is raised
    to the caller: a dialog shows it under its fields and stays open. An edit made from stale data is
    offered back to the window (`Tracker.conflict`), which may reload and push it again."""
    try:
        command.apply()
    except StaleEdit as error:
        command.tracker.conflict.emit(command, str(error))
        return False
    stack.push(command)
    return True


def push(stack, command: TrackerCommand) -> bool:
    """`push_or_raise`, with a refusal said as the tracker's message (`Tracker.failed`)."""
    try:
        return push_or_raise(stack, command)
    except CasrError as error:
        command.tracker.failed.emit(str(error))
        return False


class UndoStack(QUndoStack):
    """The window's undo stack; `stepped` says what an undo or redo did ("Undone: Set TRD-1 to in
    progress"), read from `indexChanged` and the command's text. A push (or the end of a macro) moves
    the index too and is not announced; nor is a step that failed (the stack drops its command, so the
    count falls; the command said why)."""

    stepped = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._index, self._count, self._making = 0, 0, 0
        self.indexChanged.connect(self._moved)

    def push(self, command: QUndoCommand) -> None:
        self._making += 1
        try:
            super().push(command)
        finally:
            self._making -= 1
            self._index, self._count = self.index(), self.count()

    def endMacro(self) -> None:
        self._making += 1
        try:
            super().endMacro()
        finally:
            self._making -= 1
            self._index, self._count = self.index(), self.count()

    def _moved(self, index: int) -> None:
        before, count = self._index, self._count
        self._index, self._count = index, self.count()
        if self._making or self.count() != count:
            return
        if index == before - 1:
            self.stepped.emit(f"Undone: {self.command(index).text()}")
        elif index == before + 1:
            self.stepped.emit(f"Redone: {self.command(index - 1).text()}")

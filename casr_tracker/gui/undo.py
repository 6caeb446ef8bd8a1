"""Undoable edits. An undo never deletes history: it records a new change that restores the old value."""

from __future__ import annotations

import datetime as dt

from .. import corrections, decisions, services
from ..errors import CasrError, StaleEdit
from ..models import Document, Event, Evidence, Note, Party, Pledge, Status
from ..scorecard import latest_scores
from .ops import Changes, Tracker
from .qt import QUndoCommand


class TrackerCommand(QUndoCommand):
    """Base: `apply()` does the edit the first time (errors reach the caller before anything is
    pushed); redo() after an undo does it again; failures later become the tracker's messages."""

    def __init__(self, tracker: Tracker, text: str):
        super().__init__(text)
        self.tracker = tracker
        self._first = True
        #: the version the user saw when making the edit; checked on the first apply only
        self.expect_version: int | None = None

    def rebase(self) -> None:
        """Forget the version the edit was based on (the user chose to apply it to the new data)."""
        self.expect_version = None

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._guard(self.apply)

    def undo(self) -> None:
        self._guard(self.revert)

    def _guard(self, action) -> None:
        try:
            action()
        except CasrError as error:
            self.tracker.failed.emit(str(error))
            self.setObsolete(True)


class StatusCommand(TrackerCommand):
    def __init__(self, tracker: Tracker, pledge_id: int, ref: str, status: str, comment: str = "", effective=None):
        super().__init__(tracker, f"Set {ref} to {status.replace('_', ' ')}")
        self.pledge_id, self.status, self.comment = pledge_id, status, comment
        self.effective: dt.date | None = effective
        self.previous: str | None = None

    def _set(self, status: str, comment: str) -> None:
        def write(session):
            pledge = session.get(Pledge, self.pledge_id)
            if self.previous is None:
                self.previous = pledge.status
            services.set_status(
                session=session,
                pledge=pledge,
                status=status,
                who=self.tracker.user,
                comment=comment,
                effective=self.effective,
                expect_version=self.expect_version,
            )
            self.expect_version = None

        self.tracker.write(write, Changes({self.pledge_id}, {"status"}))

    def apply(self) -> None:
        self._set(self.status, self.comment)

    def revert(self) -> None:
        self._set(self.previous or "not_assessed", f"Undo: back from {Status(self.status).label}")


class AssessCommand(TrackerCommand):
    def __init__(self, tracker: Tracker, pledge_id: int, party_id: int, label: str, score, justification: str = ""):
        super().__init__(tracker, f"Score {label}")
        self.pledge_id, self.party_id = pledge_id, party_id
        self.score, self.justification = score, justification
        self.before: tuple[int | None, str] | None = None

    def _assess(self, score, justification: str) -> None:
        def write(session):
            if self.before is None:
                latest = latest_scores(session, [self.pledge_id]).get((self.pledge_id, self.party_id))
                self.before = (latest.score, latest.justification) if latest else (None, "")
            services.assess(
                session=session,
                pledge=session.get(Pledge, self.pledge_id),
                party=session.get(Party, self.party_id),
                score=score,
                who=self.tracker.user,
                justification=justification,
                expect_version=self.expect_version,
            )
            self.expect_version = None

        self.tracker.write(write, Changes({self.pledge_id}, {"assessment"}))

    def apply(self) -> None:
        self._assess(self.score, self.justification)

    def revert(self) -> None:
        score, justification = self.before or (None, "")
        self._assess(score, justification)


class EvidenceCommand(TrackerCommand):
    """Attach evidence; undo withdraws it, redo brings the same row back."""

    def __init__(self, tracker: Tracker, pledge_id: int, ref: str, **fields):
        super().__init__(tracker, f"Attach evidence to {ref}")
        self.pledge_id, self.fields = pledge_id, fields
        self.evidence_id: int | None = None

    def apply(self) -> None:
        def write(session):
            if self.evidence_id is None:
                document_id = self.fields.pop("document_id", None)
                document = services.find_document(session, document_id) if document_id else None
                evidence = services.attach_evidence(
                    session=session,
                    pledge=session.get(Pledge, self.pledge_id),
                    document=document,
                    who=self.tracker.user,
                    **self.fields,
                )
                self.evidence_id = evidence.id
            else:
                services.restore_evidence(
                    session=session, evidence=session.get(Evidence, self.evidence_id), who=self.tracker.user
                )

        self.tracker.write(write, Changes({self.pledge_id}, {"evidence"}))

    def revert(self) -> None:
        def write(session):
            services.withdraw_evidence(
                session=session, evidence=session.get(Evidence, self.evidence_id), who=self.tracker.user
            )

        self.tracker.write(write, Changes({self.pledge_id}, {"evidence"}))


class WithdrawEvidenceCommand(TrackerCommand):
    def __init__(self, tracker: Tracker, pledge_id: int, evidence_id: int):
        super().__init__(tracker, "Withdraw evidence")
        self.pledge_id, self.evidence_id = pledge_id, evidence_id

    def _do(self, withdraw: bool) -> None:
        def write(session):
            evidence = session.get(Evidence, self.evidence_id)
            if withdraw:
                services.withdraw_evidence(session=session, evidence=evidence, who=self.tracker.user)
            else:
                services.restore_evidence(session=session, evidence=evidence, who=self.tracker.user)

        self.tracker.write(write, Changes({self.pledge_id}, {"evidence"}))

    def apply(self) -> None:
        self._do(True)

    def revert(self) -> None:
        self._do(False)


class NoteCommand(TrackerCommand):
    """Write a new note or change one; undo restores the old text (or removes the new note)."""

    def __init__(self, tracker: Tracker, pledge_id: int, note_id: int | None, old_text: str, new_text: str):
        super().__init__(tracker, "Edit note")
        self.pledge_id, self.note_id = pledge_id, note_id
        self.old_text, self.new_text = old_text, new_text
        self.created = note_id is None

    def apply(self) -> None:
        def write(session):
            if self.note_id is None:
                note = services.add_note(
                    session=session,
                    pledge=session.get(Pledge, self.pledge_id),
                    text=self.new_text,
                    who=self.tracker.user,
                )
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
            self.expect_version = None

        self.tracker.write(write, Changes({self.pledge_id}, {"note"}))

    def revert(self) -> None:
        def write(session):
            note = session.get(Note, self.note_id)
            if self.created:
                services.delete_note(session=session, note=note, who=self.tracker.user)
            else:
                services.edit_note(session=session, note=note, text=self.old_text, who=self.tracker.user)

        self.tracker.write(write, Changes({self.pledge_id}, {"note"}))


class EvidenceEditCommand(TrackerCommand):
    """Correct the date or stance of a piece of evidence; undo puts the earlier ones back."""

    def __init__(self, tracker: Tracker, pledge_id: int, evidence_id: int, changed: dict):
        super().__init__(tracker, f"Edit evidence {evidence_id}")
        self.pledge_id, self.evidence_id, self.changed = pledge_id, evidence_id, changed
        self.before: dict | None = None

    def _edit(self, values: dict) -> None:
        def write(session):
            evidence = session.get(Evidence, self.evidence_id)
            if self.before is None:
                self.before = {k: getattr(evidence, k) for k in self.changed}
            corrections.edit_evidence(session=session, evidence=evidence, who=self.tracker.user, **values)

        self.tracker.write(write, Changes({self.pledge_id}, {"evidence"}))

    def apply(self) -> None:
        self._edit(self.changed)

    def revert(self) -> None:
        self._edit(self.before or {})


class DocumentEditCommand(TrackerCommand):
    """Correct a document's details; undo puts the earlier ones back (both are events)."""

    def __init__(self, tracker: Tracker, document_id: int, changed: dict):
        super().__init__(tracker, f"Edit document {document_id}")
        self.document_id, self.changed = document_id, changed
        self.before: dict | None = None

    def _edit(self, values: dict) -> None:
        def write(session):
            document = session.get(Document, self.document_id)
            if self.before is None:
                self.before = {k: getattr(document, k) or "" for k in self.changed}
            corrections.edit_document(session=session, document=document, who=self.tracker.user, **values)

        self.tracker.write(write, Changes(set(), {"document"}))

    def apply(self) -> None:
        self._edit(self.changed)

    def revert(self) -> None:
        self._edit(self.before or {})


class RetractCommand(TrackerCommand):
    """Retract a status or score entry with a reason; undo takes the retraction back (a new event)."""

    def __init__(self, tracker: Tracker, pledge_id: int, entry_id: int, reason: str):
        super().__init__(tracker, f"Retract entry {entry_id}")
        self.pledge_id, self.entry_id, self.reason = pledge_id, entry_id, reason
        self.retraction_id: int | None = None

    def apply(self) -> None:
        def write(session):
            retraction = corrections.retract(
                session=session, entry_id=self.entry_id, reason=self.reason, who=self.tracker.user
            )
            self.retraction_id = retraction.id

        self.tracker.write(write, Changes({self.pledge_id}, {"status", "assessment"}))

    def revert(self) -> None:
        def write(session):
            corrections.unretract(
                session=session, retraction=session.get(Event, self.retraction_id), who=self.tracker.user
            )

        self.tracker.write(write, Changes({self.pledge_id}, {"status", "assessment"}))


def push(stack, command: TrackerCommand) -> bool:
    """Apply a command; push it on the undo stack only when it worked. An edit made from stale data
    is offered back to the window (`Tracker.conflict`), which may reload and push it again."""
    try:
        command.apply()
    except StaleEdit as error:
        command.tracker.conflict.emit(command, str(error))
        return False
    except CasrError as error:
        command.tracker.failed.emit(str(error))
        return False
    stack.push(command)
    return True


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

    def _write(self, action) -> None:
        def write(session):
            document = session.get(Document, self.document_id)
            pledge = session.get(Pledge, self.pledge_id)
            action(session, document, pledge)

        self.tracker.write(write, Changes({self.pledge_id}, {"evidence", "suggestion"}))

    def apply(self) -> None:
        def do(session, document, pledge):
            span = {"start": self.start, "end": self.end, "who": self.tracker.user}
            if not self.accept:
                decisions.reject_suggestion(session=session, document=document, pledge=pledge, **span)
            elif self.evidence_id is None:
                evidence = decisions.accept_suggestion(
                    session=session, document=document, pledge=pledge, stance=self.stance, date=self.date, **span
                )
                self.evidence_id = evidence.id
            else:
                services.restore_evidence(
                    session=session, evidence=session.get(Evidence, self.evidence_id), who=self.tracker.user
                )
                decisions.record_decision(
                    session, document, pledge, self.start, self.end, "accepted", self.tracker.user, self.evidence_id
                )

        self._write(do)

    def revert(self) -> None:
        def undo(session, document, pledge):
            if self.evidence_id is not None:
                services.withdraw_evidence(
                    session=session, evidence=session.get(Evidence, self.evidence_id), who=self.tracker.user
                )
            decisions.reopen_suggestion(
                session=session, document=document, pledge=pledge, start=self.start, end=self.end, who=self.tracker.user
            )

        self._write(undo)

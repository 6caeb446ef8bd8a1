"""The detail of one pledge: its place in the statement, status, party scores, evidence, notes, history."""

from __future__ import annotations

from ... import services, team
from ...errors import CasrError
from ...models import Note, Status
from ...queries import PledgeDetail, pledge_detail
from ...scorecard import Cell
from ..actions import make_button
from ..dialogs import RetractDialog, error_label, status_combo
from ..ops import Changes, Tracker
from ..qt import (
    QBrush,
    QColor,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QShortcut,
    QStackedWidget,
    Qt,
    QTextBrowser,
    QTextCharFormat,
    QTextCursor,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..style import plain_label, plain_tip, status_color, status_label, text_on
from ..undo import AssessCommand, NoteCommand, RetractCommand, StatusCommand, push, push_or_raise
from ..wheel import WheelGuard, guard_wheel
from .evidence import EvidenceBox
from .text import utf16_span

SCORES = [("Not scored", None), ("−1  no compliance", -1), ("0  partial compliance", 0), ("+1  full compliance", 1)]
AUTOSAVE_MS = 800
#: how activity.history marks a retracted entry's summary (the window says it on a line of its own)
RETRACTED_SUFFIX = "  [retracted "


class DetailPanel(QWidget):
    """Shows and edits the selected pledge; every edit goes through an undoable command."""

    open_excerpt = Signal(int, int, int)  # document id, start, end

    def __init__(self, tracker: Tracker, undo_stack, parent=None):
        super().__init__(parent)
        self.tracker, self.undo_stack = tracker, undo_stack
        self.detail: PledgeDetail | None = None
        self.note_id: int | None = None
        self._note_saved_text = ""
        self._note_version: int | None = None
        self._loading = False
        #: a viewer's workspace: everything is shown, nothing can be recorded (set_read_only)
        self.read_only = False
        self.autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_note)

        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        empty = plain_label(
            "Select a pledge to see it in the statement, record its status, score each party, "
            "attach evidence and write notes."
        )
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setMargin(24)
        self.stack.addWidget(empty)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.body = QVBoxLayout(body)
        scroll.setWidget(body)
        self.stack.addWidget(scroll)
        self._build_header()
        self._build_context()
        self._build_status()
        self._build_scores()
        self.evidence = EvidenceBox(self.tracker, self.undo_stack)
        self.evidence.open_excerpt.connect(self.open_excerpt)
        self.body.addWidget(self.evidence)
        self._build_notes()
        self._build_history()
        self.body.addStretch(1)
        self.wheel_guard = WheelGuard(self)
        guard_wheel(body, self.wheel_guard)
        # never narrower than its buttons and fields: the splitter stops there instead of clipping them
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 8)

    # --- building -------------------------------------------------------------------------------

    def _build_header(self) -> None:
        self.title = plain_label(bold=True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        self.subtitle = plain_label()
        self.body.addWidget(self.title)
        self.body.addWidget(self.subtitle)

    def _build_context(self) -> None:
        box = QGroupBox("In the statement")
        layout = QVBoxLayout(box)
        self.context = QTextBrowser()
        self.context.setOpenLinks(False)
        self.context.setMinimumHeight(140)
        self.context.setMaximumHeight(220)
        # the text rewraps when the panel is resized: keep the pledge's paragraph at the top
        self.context.document().documentLayout().documentSizeChanged.connect(
            lambda _size: self._scroll_context_to_pledge()
        )
        layout.addWidget(self.context)
        self.body.addWidget(box)

    def _build_status(self) -> None:
        box = QGroupBox("Status")
        grid = QGridLayout(box)
        self.status_badge = QLabel()
        self.status_badge.setTextFormat(Qt.TextFormat.PlainText)
        self.status_badge.setMargin(4)
        self.status_combo = status_combo()
        self.status_date = QLineEdit()
        self.status_date.setPlaceholderText("YYYY-MM-DD (default: today)")
        self.status_date.setToolTip("The date the new status took effect")
        self.status_comment = QLineEdit()
        self.status_comment.setPlaceholderText("Why? (source, meeting, decision)")
        self.status_button = make_button("Record status", self.record_status, "Record the new status (Ctrl+Return)")
        for widget in (self.status_date, self.status_comment):
            widget.returnPressed.connect(self.record_status)
        self.status_error = error_label()
        grid.addWidget(QLabel("Now:"), 0, 0)
        grid.addWidget(self.status_badge, 0, 1, 1, 2, Qt.AlignmentFlag.AlignLeft)
        new_label, comment_label = QLabel("New status:"), QLabel("Comment:")
        #: what records a status, hidden in a viewer's workspace
        self.status_editors = (new_label, comment_label, self.status_combo, self.status_date, self.status_comment)
        grid.addWidget(new_label, 1, 0)
        grid.addWidget(self.status_combo, 1, 1)
        grid.addWidget(self.status_date, 1, 2)
        grid.addWidget(comment_label, 2, 0)
        grid.addWidget(self.status_comment, 2, 1, 1, 2)
        grid.addWidget(self.status_error, 3, 0, 1, 3)
        grid.addWidget(self.status_button, 4, 2, Qt.AlignmentFlag.AlignRight)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.record_status)
        self.body.addWidget(box)

    def _build_scores(self) -> None:
        self.scores_box = QGroupBox("Compliance by party (G7/G20 Research Group: −1, 0, +1)")
        layout = QVBoxLayout(self.scores_box)
        self.scores_grid = QGridLayout()
        layout.addLayout(self.scores_grid)
        self.score_rows: dict[int, tuple[QComboBox, QLineEdit]] = {}
        row = QHBoxLayout()
        self.score_summary = plain_label()
        self.scores_button = make_button("Save scores", self.save_scores, "Record the scores changed above")
        row.addWidget(self.score_summary, 1)
        row.addWidget(self.scores_button)
        layout.addLayout(row)
        self.body.addWidget(self.scores_box)

    def _build_notes(self) -> None:
        self.notes_box = box = QGroupBox("Notes (saved as you type)")
        layout = QVBoxLayout(box)
        self.notes_list = QListWidget()
        self.notes_list.setMaximumHeight(80)
        self.notes_list.itemActivated.connect(self._edit_listed_note)
        self.notes_list.itemClicked.connect(self._edit_listed_note)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("Write a note on this pledge…")
        self.note_edit.setMinimumHeight(70)
        self.note_edit.setMaximumHeight(130)
        self.note_edit.textChanged.connect(self._note_changed)
        row = QHBoxLayout()
        self.note_state = plain_label()
        self.new_note_button = new_note = make_button("New note", self.new_note, "Start another note on this pledge")
        row.addWidget(self.note_state, 1)
        row.addWidget(new_note)
        layout.addWidget(self.notes_list)
        layout.addWidget(self.note_edit)
        layout.addLayout(row)
        self.body.addWidget(box)

    def _build_history(self) -> None:
        box = QGroupBox("History")
        layout = QVBoxLayout(box)
        self.history_list = QListWidget()
        self.history_list.setWordWrap(True)
        self.history_list.setMinimumHeight(100)
        self.history_list.currentItemChanged.connect(lambda *_: self._history_selected())
        self.retract_button = make_button(
            "Retract entry…", self.retract_entry, "Retract the selected status or score entry, saying why"
        )
        self.retract_button.setEnabled(False)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.retract_button)
        layout.addWidget(self.history_list)
        layout.addLayout(row)
        self.body.addWidget(box)

    # --- showing --------------------------------------------------------------------------------

    @property
    def pledge_id(self) -> int | None:
        return self.detail.pledge.id if self.detail else None

    def show_pledge(self, pledge_id: int | None) -> None:
        if self.autosave.isActive():
            self.save_note()
        if pledge_id is None:
            self.detail = None
            self.evidence.show_evidence(None)
            self.stack.setCurrentIndex(0)
            return
        keep_note = self.detail is not None and self.detail.pledge.id == pledge_id
        if not keep_note:
            self.scroll.verticalScrollBar().setValue(0)  # another pledge: start at its title
            self._clear_status_input()  # what was typed for the last one must not be recorded on this one
        self.detail = self.tracker.read(lambda s: pledge_detail(s, pledge_id))
        self.stack.setCurrentIndex(1)
        self._loading = True
        try:
            self._fill(keep_note)
        finally:
            self._loading = False

    def _clear_status_input(self) -> None:
        self.status_comment.clear()
        self.status_date.clear()
        self.status_error.hide()

    def set_read_only(self, read_only: bool) -> None:
        """A viewer's workspace: statuses, scores, notes, evidence and history are shown; what would
        record a change is hidden (the server refuses it anyway)."""
        self.read_only = read_only
        for widget in (*self.status_editors, self.status_button, self.scores_button, self.new_note_button):
            widget.setVisible(not read_only)
        self.retract_button.setVisible(not read_only)
        self.note_edit.setReadOnly(read_only)
        self.notes_box.setTitle("Notes" if read_only else "Notes (saved as you type)")
        self.note_edit.setPlaceholderText(
            "You can read this tracker but not change it." if read_only else "Write a note on this pledge…"
        )
        self.evidence.set_read_only(read_only)
        if self.detail is not None:
            self._fill_scores()

    def refresh(self, changes: Changes | None = None) -> None:
        if self.detail and (changes is None or not changes.pledge_ids or self.detail.pledge.id in changes.pledge_ids):
            self.show_pledge(self.detail.pledge.id)

    def _fill(self, keep_note: bool) -> None:
        d = self.detail
        p = d.pledge
        self.title.setText(f"{p.ref} · {d.sphere.name}")
        names = ", ".join(party.name for party in d.parties)
        retired = " · no longer in the statement" if p.retired else ""
        self.subtitle.setText(f"{p.strength.capitalize()} pledge · binds {names} · version {p.version}{retired}")
        self._fill_context()
        color = status_color(p.status)
        self.status_badge.setText(status_label(p.status))
        self.status_badge.setStyleSheet(
            f"background:{color.name()}; color:{text_on(color).name()}; border-radius:8px; padding:2px 10px;"
        )
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(p.status)))
        self.status_error.hide()
        self._fill_scores()
        self.evidence.show_evidence(d)
        self._fill_notes(keep_note)
        self.history_list.clear()
        for entry in reversed(d.history):
            self._add_history_entry(entry)
        self._history_selected()
        if not d.history:
            self.history_list.addItem("Nothing recorded yet.")

    def _add_history_entry(self, entry) -> None:
        """One line per entry; a retracted one is struck through and followed by a grey line, not struck,
        saying when, by whom and why it was retracted."""
        who = f" — {entry.signed}" if entry.signed else ""
        summary = entry.summary
        if entry.retracted:  # activity.history appends "  [retracted …]" to the summary: said on its own line
            summary = summary.split(RETRACTED_SUFFIX, 1)[0]
        item = QListWidgetItem(f"#{entry.id}  {entry.date}  {entry.kind}: {summary}{who}")
        item.setData(Qt.ItemDataRole.UserRole, entry)
        self.history_list.addItem(item)
        if not entry.retracted:
            return
        by = entry.retracted
        why = f"Retracted {by['at'][:10]} by {by['who'] or 'someone'}: {by['reason']}"
        font = item.font()
        font.setStrikeOut(True)
        item.setFont(font)
        item.setToolTip(plain_tip(why))
        note = QListWidgetItem(f"      ↳ {why}")
        note.setData(Qt.ItemDataRole.UserRole, entry)
        note.setFlags(Qt.ItemFlag.ItemIsEnabled)  # read, not selected: the entry above is what Retract names
        note.setForeground(QBrush(self.palette().placeholderText().color()))
        note.setToolTip(plain_tip(why))
        self.history_list.addItem(note)

    def _fill_context(self) -> None:
        d = self.detail
        # a new text takes the format at the cursor: reset it, or the last pledge's bold highlight
        # spreads over the whole text (neighbouring pledges and headings included)
        self.context.setTextCursor(QTextCursor(self.context.document()))
        self.context.setCurrentCharFormat(QTextCharFormat())
        self.context.setPlainText(d.context)
        frame = self.context.document().rootFrame()
        room = frame.frameFormat()
        room.setBottomMargin(220)  # room to scroll the pledge's paragraph to the top, even the last one
        frame.setFrameFormat(room)
        start, end = utf16_span(d.context, d.context_start, d.context_end)
        cursor = QTextCursor(self.context.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        highlight = self.palette().highlight().color()
        fmt.setBackground(QColor(highlight.red(), highlight.green(), highlight.blue(), 70))
        fmt.setFontWeight(700)
        cursor.mergeCharFormat(fmt)
        view = QTextCursor(self.context.document())
        view.setPosition(start)
        self.context.setTextCursor(view)
        QTimer.singleShot(0, self._scroll_context_to_pledge)

    def _scroll_context_to_pledge(self) -> None:
        """Start the context box at the paragraph that holds the pledge (no line cut in half)."""
        block = self.context.textCursor().block()
        top = self.context.document().documentLayout().blockBoundingRect(block).top()
        self.context.verticalScrollBar().setValue(max(0, round(top)))

    def _fill_scores(self) -> None:
        while self.scores_grid.count():
            item = self.scores_grid.takeAt(0)
            if item.widget():
                item.widget().hide()  # off screen now, not when the event loop gets round to deleting it
                item.widget().deleteLater()
        self.score_rows.clear()
        cell = Cell()
        for row, party in enumerate(self.detail.parties):
            latest = self.detail.scores.get(party.id)
            combo = QComboBox()
            for label, value in SCORES:
                combo.addItem(label, value)
            score = latest.score if latest else None
            combo.setCurrentIndex([v for _l, v in SCORES].index(score))
            reason = QLineEdit(latest.justification if score is not None else "")
            reason.setPlaceholderText("Justification and source")
            combo.setEnabled(not self.read_only)
            reason.setReadOnly(self.read_only)
            if score is not None:
                cell.add(score)
            self.scores_grid.addWidget(plain_label(party.name, wrap=False), row, 0)
            self.scores_grid.addWidget(combo, row, 1)
            self.scores_grid.addWidget(reason, row, 2)
            self.score_rows[party.id] = (combo, reason)
        self.scores_grid.setColumnStretch(2, 1)
        guard_wheel(self.scores_box, self.wheel_guard)  # the new combos too
        if cell.count:
            self.score_summary.setText(
                f"Average {cell.average:+.2f} → {cell.percent:.0f} % "
                f"({cell.count} of {len(self.detail.parties)} parties scored)"
            )
        else:
            self.score_summary.setText("No party scored yet.")

    def _fill_notes(self, keep_note: bool) -> None:
        self.notes_list.clear()
        for note in self.detail.notes:
            first = note.text.splitlines()[0] if note.text else ""
            item = QListWidgetItem(f"{note.edited_at:%Y-%m-%d} {note.who}: {first}")
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            self.notes_list.addItem(item)
        self.notes_list.setVisible(bool(self.detail.notes))
        ids = {n.id for n in self.detail.notes}
        if keep_note and (self.note_id in ids or self.note_id is None):
            return
        mine = [n for n in self.detail.notes if n.who == self.tracker.user]
        note = mine[-1] if mine else None
        self._load_note(note.id if note else None, note.text if note else "")

    def _load_note(self, note_id: int | None, text: str) -> None:
        self.note_id, self._note_saved_text = note_id, text
        note = next((n for n in self.detail.notes if n.id == note_id), None) if self.detail else None
        self._note_version = note.version if note else None
        was = self._loading
        self._loading = True
        self.note_edit.setPlainText(text)
        self._loading = was
        self.note_state.setText("")

    # --- editing --------------------------------------------------------------------------------

    def record_status(self) -> None:
        if not self.detail:
            return
        if self.read_only:  # Ctrl+Return in a viewer's workspace
            self.status_error.setText(team.READ_ONLY)
            self.status_error.show()
            return
        try:
            effective = services.parse_date(self.status_date.text())
            services.check_not_after_today(effective, f"A status of {self.detail.pledge.ref}")
        except CasrError as error:
            self.status_error.setText(str(error))
            self.status_error.show()
            return
        status = self.status_combo.currentData()
        if status == self.detail.pledge.status and not self.status_comment.text().strip():
            self.status_error.setText(f"{self.detail.pledge.ref} is already {Status(status).label.lower()}.")
            self.status_error.show()
            return
        command = StatusCommand(
            self.tracker, self.detail.pledge.id, self.detail.pledge.ref, status, self.status_comment.text(), effective
        )
        command.expect_version = self.detail.pledge.version
        if push(self.undo_stack, command):
            self.status_comment.clear()
            self.status_date.clear()
            # out of the text box: Ctrl+Z now undoes the status just recorded, not the typing
            self.status_combo.setFocus()

    def save_scores(self) -> None:
        if not self.detail:
            return
        changed = []
        for party in self.detail.parties:
            combo, reason = self.score_rows[party.id]
            latest = self.detail.scores.get(party.id)
            old = (latest.score, latest.justification) if latest and latest.score is not None else (None, "")
            score = combo.currentData()
            new = (score, reason.text().strip() if score is not None else "")  # no score: nothing to justify
            if new != old:
                changed.append((party, new))
        if not changed:
            self.score_summary.setText("No score changed.")
            return
        pledge = self.detail.pledge
        self.undo_stack.beginMacro(f"Score {pledge.ref}")
        version = pledge.version
        for party, (score, justification) in changed:
            command = AssessCommand(
                self.tracker, pledge.id, party.id, f"{party.name} on {pledge.ref}", score, justification
            )
            command.expect_version = version
            if not push(self.undo_stack, command):
                break
            version += 1
        self.undo_stack.endMacro()

    def _history_selected(self) -> None:
        item = self.history_list.currentItem()
        entry = item.data(Qt.ItemDataRole.UserRole) if item else None
        retractable = entry is not None and entry.kind in ("status", "assessment") and not entry.retracted
        self.retract_button.setEnabled(retractable)

    def retract_entry(self) -> None:
        """Retract the status or score entry selected in the history, with a reason (undoable)."""
        item = self.history_list.currentItem()
        entry = item.data(Qt.ItemDataRole.UserRole) if item else None
        if entry is None or not self.detail:
            return
        pledge_id = self.detail.pledge.id
        dialog = RetractDialog(entry.id, entry.summary, self)
        # a refusal (no reason given) is said in the dialog, which stays open with what was typed
        dialog.submit = lambda values: push_or_raise(
            self.undo_stack, RetractCommand(self.tracker, pledge_id, entry.id, values["reason"])
        )
        dialog.exec()

    def _note_changed(self) -> None:
        if not self._loading:
            self.note_state.setText("Editing…")
            self.autosave.start()

    def _edit_listed_note(self, item: QListWidgetItem) -> None:
        self.save_note()
        note_id = item.data(Qt.ItemDataRole.UserRole)
        note = next(n for n in self.detail.notes if n.id == note_id)
        self._load_note(note.id, note.text)

    def new_note(self) -> None:
        self.save_note()
        self._load_note(None, "")
        self.note_edit.setFocus()

    def save_note(self) -> None:
        """Save the note being written (called by the autosave timer, on leaving, on closing)."""
        self.autosave.stop()
        if not self.detail:
            return
        text = self.note_edit.toPlainText().strip()
        if text == self._note_saved_text.strip() or (not text and self.note_id is None):
            return
        if not text:
            self.note_state.setText("An empty note is not saved; the earlier text is kept.")
            return
        command = NoteCommand(self.tracker, self.detail.pledge.id, self.note_id, self._note_saved_text, text)
        command.expect_version = self._note_version
        if push(self.undo_stack, command):
            self.note_id, self._note_saved_text = command.note_id, text
            self._note_version = self.tracker.read(lambda s: s.get(Note, command.note_id).version)
            self.note_state.setText("Saved.")

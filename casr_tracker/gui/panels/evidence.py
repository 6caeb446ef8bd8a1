"""A pledge's evidence in the detail panel: the list, and adding a link, opening, correcting, withdrawing."""

from __future__ import annotations

from ...queries import PledgeDetail
from ..actions import make_button
from ..dialogs import EvidenceDialog, LinkDialog
from ..ops import Tracker
from ..qt import (
    QDesktopServices,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    Qt,
    QUrl,
    QVBoxLayout,
    Signal,
)
from ..style import plain_label
from ..undo import EvidenceCommand, EvidenceEditCommand, KeywordsCommand, WithdrawEvidenceCommand, push, push_or_raise


class EvidenceBox(QGroupBox):
    """The evidence of the pledge shown (withdrawn evidence left out); every edit is an undoable command."""

    open_excerpt = Signal(int, int, int)  # document id, start, end

    def __init__(self, tracker: Tracker, undo_stack, parent=None):
        super().__init__("Evidence", parent)
        self.tracker, self.undo_stack = tracker, undo_stack
        self.detail: PledgeDetail | None = None
        layout = QVBoxLayout(self)
        self.evidence_list = QListWidget()
        self.evidence_list.setWordWrap(True)
        self.evidence_list.setMinimumHeight(90)
        self.evidence_list.itemActivated.connect(self.open_evidence)
        self.evidence_empty = plain_label(
            "No evidence yet. Select a passage in a document (Documents tab) and press Ctrl+E, or add a link."
        )
        buttons = QHBoxLayout()
        self.add_link_button = make_button("Add link…", self.add_link, "Attach a web page or file as evidence")
        self.open_evidence_button = make_button(
            "Open", lambda: self.open_evidence(self.evidence_list.currentItem()), "Open the selected evidence"
        )
        self.withdraw_button = make_button("Withdraw", self.withdraw_evidence, "Withdraw the selected evidence")
        self.edit_evidence_button = make_button(
            "Edit…", self.edit_evidence, "Correct the day the selected evidence speaks for, or its stance"
        )
        for button in (
            self.add_link_button,
            self.open_evidence_button,
            self.edit_evidence_button,
            self.withdraw_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addWidget(self.evidence_empty)
        layout.addWidget(self.evidence_list)
        layout.addLayout(buttons)
        keywords = QHBoxLayout()
        self.keywords = QLineEdit()
        self.keywords.setPlaceholderText("Your words for progress on this pledge, e.g. Gazprom, CAC pipeline")
        self.keywords.setToolTip("Comma-separated; the suggestions read them with the pledge")
        self.keywords.returnPressed.connect(self.save_keywords)
        self.keywords_button = make_button("Save keywords", self.save_keywords, "Keywords for the suggestions")
        keywords.addWidget(QLabel("Keywords:"))
        keywords.addWidget(self.keywords, 1)
        keywords.addWidget(self.keywords_button)
        layout.addLayout(keywords)

    def set_read_only(self, read_only: bool) -> None:
        """A viewer reads evidence and keywords; adding, editing, withdrawing and keywords are hidden."""
        for button in (self.add_link_button, self.withdraw_button, self.edit_evidence_button, self.keywords_button):
            button.setVisible(not read_only)
        self.keywords.setReadOnly(read_only)
        self.evidence_empty.setText(
            "No evidence yet."
            if read_only
            else "No evidence yet. Select a passage in a document (Documents tab) and press Ctrl+E, or add a link."
        )

    def save_keywords(self) -> None:
        """Record the keywords typed (an undoable change; the suggestions use them from now on)."""
        if self.detail is None or self.keywords.text().strip() == self.detail.pledge.keywords:
            return
        pledge = self.detail.pledge
        if push(self.undo_stack, KeywordsCommand(self.tracker, pledge.id, pledge.ref, self.keywords.text())):
            self.window().statusBar().showMessage(f"Keywords of {pledge.ref} saved; the suggestions use them.", 6000)

    def show_evidence(self, detail: PledgeDetail | None) -> None:
        """List the evidence of `detail`'s pledge (None: no pledge shown, nothing to edit)."""
        if self.detail is not None and (detail is None or detail.pledge.id != self.detail.pledge.id):
            self.save_keywords()  # keywords typed and not saved go with their pledge, as notes do
        self.detail = detail
        self.keywords.setText(detail.pledge.keywords if detail else "")
        self.keywords.setEnabled(detail is not None)
        self.keywords_button.setEnabled(detail is not None)
        self.evidence_list.clear()
        live = [e for e in detail.evidence if not e.withdrawn] if detail else []
        for item in live:
            link = f"{item.title} — {item.url}" if item.title else item.url
            where = f"{item.document_title}, p. {item.page}" if item.page else item.document_title
            source = f"{where}: “{item.quote}”" if item.document_id else link
            entry = QListWidgetItem(f"[{item.stance}] {item.date or ''} — {source}")
            entry.setData(Qt.ItemDataRole.UserRole, item)
            entry.setToolTip("Double-click or press Enter to open")
            self.evidence_list.addItem(entry)
        self.evidence_empty.setVisible(not live)
        self.evidence_list.setVisible(bool(live))
        self.open_evidence_button.setEnabled(bool(live))
        self.withdraw_button.setEnabled(bool(live))
        self.edit_evidence_button.setEnabled(bool(live))
        if live:
            self.evidence_list.setCurrentRow(0)

    def add_link(self) -> None:
        if not self.detail:
            return
        pledge = self.detail.pledge
        dialog = LinkDialog(self)
        # a refusal by the tracker is said in the dialog, which stays open with what was typed
        dialog.submit = lambda values: push_or_raise(
            self.undo_stack, EvidenceCommand(self.tracker, pledge.id, pledge.ref, **values)
        )
        dialog.exec()

    def open_evidence(self, entry: QListWidgetItem | None) -> None:
        if entry is None:
            return
        item = entry.data(Qt.ItemDataRole.UserRole)
        if item.document_id:
            self.open_excerpt.emit(item.document_id, item.start, item.end)
        elif item.url:
            QDesktopServices.openUrl(QUrl(item.url))

    def edit_evidence(self) -> None:
        entry = self.evidence_list.currentItem()
        if entry is None or not self.detail:
            return
        item = entry.data(Qt.ItemDataRole.UserRole)
        pledge_id = self.detail.pledge.id
        dialog = EvidenceDialog(item.date, item.stance, self)
        dialog.submit = lambda values: push_or_raise(
            self.undo_stack, EvidenceEditCommand(self.tracker, pledge_id, item.id, values)
        )
        dialog.exec()

    def withdraw_evidence(self) -> None:
        entry = self.evidence_list.currentItem()
        if entry is None or not self.detail:
            return
        item = entry.data(Qt.ItemDataRole.UserRole)
        if push(self.undo_stack, WithdrawEvidenceCommand(self.tracker, self.detail.pledge.id, item.id)):
            self.add_link_button.setFocus()  # not the notes box the hidden list would hand it to: Ctrl+Z undoes

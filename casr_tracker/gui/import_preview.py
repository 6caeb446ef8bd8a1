"""The import preview: what the importer read from a statement, for the analyst to confirm before
anything is saved. Like beets, it asks only about what it is unsure of: those rows are marked and shown
first; the analyst unticks a sentence that is no pledge, changes a sphere, strength or parties, adds a
sentence the importer missed, splits one pledge in two or merges two. The choices become corrections
(importer.edits) that the import records and every later import of the text keeps."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import CasrError
from ..importer import edits
from ..importer.pipeline import Proposal
from ..wording import counted
from .dialogs import error_label
from .qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

UNSURE = QColor("#fff3c4")
#: reads the text again with the signatories typed (None: as read), the corrections so far and the
#: title the analyst typed (None: the one read, which names no stored statement; a typed one may)
Again = Callable[[list[str] | None, list[edits.Edit], str | None], Proposal]
COLUMNS = ("Keep", "Ref", "Sphere", "Strength", "Parties", "Sentence", "Why asked")


class ImportPreview(QDialog):
    """Shows a Proposal; `again(parties, corrections)` reads the text again with the analyst's
    signatories and corrections (a new Proposal); on Import, `corrections()` and `party_names()` are
    what the import is to use."""

    def __init__(self, proposal: Proposal, again: Again, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import statement: check what was read")
        self.resize(1100, 640)
        self.again = again
        self.extra: list[edits.Edit] = []  # adds, splits and merges, applied by reading again
        self.named_parties: list[str] | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit()
        self.date = QLineEdit()
        self.date.setPlaceholderText("YYYY-MM-DD (none found in the text)")
        self.parties = QLineEdit()
        self.parties.setToolTip("The signatories, separated by commas: codes or names (KZ, Kazakhstan, EU)")
        self.parties_note = QLabel()
        reread = QPushButton("Read again with these signatories")
        reread.clicked.connect(self._reread)
        self.reread = reread
        row = QHBoxLayout()
        row.addWidget(self.parties, 1)
        row.addWidget(reread)
        form.addRow("Title:", self.title)
        form.addRow("Date:", self.date)
        form.addRow("Signatories:", row)
        form.addRow("", self.parties_note)
        layout.addLayout(form)
        self.summary = QLabel()
        self.only_unsure = QCheckBox("Show only the pledges to look at")
        self.only_unsure.toggled.connect(self._filter)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.only_unsure)
        layout.addLayout(top)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, width in enumerate((48, 72, 190, 80, 150, 0, 150)):
            if width:
                self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        tools = QHBoxLayout()
        self.add_button = QPushButton("Add a sentence…")
        self.split_button = QPushButton("Split…")
        self.merge_button = QPushButton("Merge with next")
        self.add_button.clicked.connect(self._add)
        self.split_button.clicked.connect(self._split)
        self.merge_button.clicked.connect(self._merge)
        for button in (self.add_button, self.split_button, self.merge_button):
            tools.addWidget(button)
        tools.addStretch(1)
        layout.addLayout(tools)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self._import)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        for button in self.findChildren(QPushButton):  # Return in a cell must not import or read again
            button.setAutoDefault(False)
            button.setDefault(False)
        self.resolve: Callable[[list[str]], tuple[str, ...]] | None = None
        self.chosen: list[edits.Edit] = []
        self.read_title = proposal.title
        self.asked_title: str | None = None
        self.show_proposal(proposal)
        self.title.setText(proposal.title)
        self.title.editingFinished.connect(self._title_edited)
        self.date.setText(proposal.date.isoformat() if proposal.date else "")
        self.only_unsure.setChecked(any(not p["sure"] for p in proposal.pledges))

    # --- showing -------------------------------------------------------------------------------

    def show_proposal(self, proposal: Proposal) -> None:
        self.proposal = proposal
        self.parties.setText(", ".join(p["name"] for p in proposal.parties))
        if self.named_parties:
            note = "As you named them."
        elif proposal.parties_assumed:
            note = "No signatories found in the text: these are assumed. Name the real ones and read again."
        elif proposal.parties_found:
            note = "Read from the title, the opening and the signature lines: check them."
        else:
            note = "As you named them."
        self.parties_note.setText(note)
        spheres = list(dict.fromkeys(p["sphere"] for p in proposal.pledges))
        codes = [p["code"] for p in proposal.parties]
        missed = [
            {**m, "ref": "—", "sphere": "", "strength": "firm", "parties": codes, "sure": False, "missed": True}
            for m in proposal.missed
        ]
        self.entries = list(proposal.pledges) + missed
        unsure = sum(1 for p in proposal.pledges if not p["sure"])
        verb = "new statement" if proposal.created else f"an update of statement {proposal.statement_id}"
        self.summary.setText(
            f"{counted(len(proposal.pledges), 'pledge')} in {counted(len(spheres), 'sphere')} ({verb}); "
            f"{unsure} to look at, marked in yellow."
            + (f" Gone from the text: {', '.join(proposal.gone)}." if proposal.gone else "")
            + "".join(f" An earlier correction no longer fits: {reason}" for reason in proposal.stale)
            + (f" {len(missed)} sentences not taken are at the end: tick one to add it." if missed else "")
        )
        self.table.setRowCount(0)
        order = sorted(range(len(proposal.pledges)), key=lambda i: (proposal.pledges[i]["sure"], i))
        order += range(len(proposal.pledges), len(self.entries))
        for row, i in enumerate(order):
            pledge = self.entries[i]
            self.table.insertRow(row)
            keep = QTableWidgetItem()
            keep.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            keep.setCheckState(Qt.CheckState.Unchecked if pledge.get("missed") else Qt.CheckState.Checked)
            keep.setData(Qt.ItemDataRole.UserRole, i)
            self.table.setItem(row, 0, keep)
            self.table.setItem(row, 1, self._cell(pledge["ref"]))
            sphere = QComboBox()
            sphere.addItems(spheres)
            sphere.setCurrentText(pledge["sphere"])
            if pledge.get("missed"):  # an added sentence goes to the sphere it stands in
                sphere.insertItem(0, "(where it stands)")
                sphere.setCurrentIndex(0)
                sphere.setEnabled(False)
            self.table.setCellWidget(row, 2, sphere)
            strength = QComboBox()
            strength.addItems(["firm", "soft"])
            strength.setCurrentText(pledge["strength"])
            self.table.setCellWidget(row, 3, strength)
            everyone = set(pledge["parties"]) == {p["code"] for p in proposal.parties}
            parties = QLineEdit("all" if everyone else ", ".join(pledge["parties"]))
            parties.setToolTip(
                "The parties this pledge binds: all (every signatory), or codes or names separated by commas"
            )
            self.table.setCellWidget(row, 4, parties)
            self.table.setItem(row, 5, self._cell(" ".join(pledge["text"].split())))
            self.table.setItem(row, 6, self._cell(pledge["why"]))
            if not pledge["sure"]:
                for column in (0, 1, 5, 6):
                    self.table.item(row, column).setBackground(UNSURE)
        self.table.resizeRowsToContents()
        self._filter()

    @staticmethod
    def _cell(text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setToolTip(text)
        return item

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Return confirms a field (the title reads the text again); it never imports: only the Import
        button does (the button box makes it the dialog's default when shown)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(self.focusWidget(), QPushButton):
            event.accept()
            return
        super().keyPressEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.table.resizeRowsToContents()  # now that the sentence column has its width

    def _filter(self) -> None:
        only = self.only_unsure.isChecked()
        for row in range(self.table.rowCount()):
            pledge = self.entries[self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)]
            self.table.setRowHidden(row, only and pledge["sure"])
        self.table.resizeRowsToContents()

    # --- what the analyst changed --------------------------------------------------------------

    def rows(self) -> list[tuple[dict, bool, str, str, str]]:
        """(proposed pledge, kept, sphere, strength, parties as typed) for every row."""
        out = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            pledge = self.entries[item.data(Qt.ItemDataRole.UserRole)]
            out.append(
                (
                    pledge,
                    item.checkState() == Qt.CheckState.Checked,
                    self.table.cellWidget(row, 2).currentText(),
                    self.table.cellWidget(row, 3).currentText(),
                    self.table.cellWidget(row, 4).text(),
                )
            )
        return out

    def corrections(self, codes_of: Callable[[list[str]], tuple[str, ...]]) -> list[edits.Edit]:
        """The analyst's choices as corrections; `codes_of` turns typed party names into codes."""
        out = list(self.extra)
        signed = [p["code"] for p in self.proposal.parties]
        for pledge, kept, sphere, strength, parties in self.rows():
            typed = _names(parties)
            if [t.lower() for t in typed] == ["all"]:
                typed = signed
            if pledge.get("missed"):
                if kept:  # a sentence not taken, ticked: added as the analyst says
                    out.append(
                        edits.Edit("add", pledge["text"], {"strength": strength, "parties": list(codes_of(typed))})
                    )
                continue
            if not kept:
                out.append(edits.Edit("drop", pledge["text"]))
                continue
            if sphere != pledge["sphere"]:
                out.append(edits.Edit("sphere", pledge["text"], sphere))
            if strength != pledge["strength"]:
                out.append(edits.Edit("strength", pledge["text"], strength))
            if typed != list(pledge["parties"]):
                out.append(edits.Edit("parties", pledge["text"], codes_of(typed)))
        return out

    def party_names(self) -> list[str] | None:
        """The signatories as the analyst typed them, or None when they left them as read."""
        typed = _names(self.parties.text())
        return None if typed == [p["name"] for p in self.proposal.parties] and self.named_parties is None else typed

    def selected_pledge(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        pledge = self.entries[self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)]
        return None if pledge.get("missed") else pledge

    # --- reading again -------------------------------------------------------------------------

    def _import(self) -> None:
        """Check the choices (party names known, corrections that fit) before closing; a problem is
        said here, and nothing typed is lost."""
        try:
            self.chosen = self.corrections(self.resolve) if self.resolve else self.corrections(tuple)
            if self.resolve and self.party_names():
                self.resolve(self.party_names())
        except CasrError as error:
            self._say(str(error))
            return
        self.accept()

    def _read_again(self, extra: list[edits.Edit]) -> bool:
        state = {pledge["text"]: choice for pledge, *choice in self.rows()}
        try:
            proposal = self.again(self.party_names(), extra, self.asked_title)
        except CasrError as error:
            self._say(str(error))
            return False
        self.error.hide()
        self.extra = extra
        self.named_parties = self.party_names()
        self.show_proposal(proposal)
        self._restore(state)
        return True

    def _restore(self, state: dict) -> None:
        """What the analyst had chosen on each row, back on the rows of the new reading."""
        for row in range(self.table.rowCount()):
            pledge = self.entries[self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)]
            if pledge["text"] not in state:
                continue
            kept, sphere, strength, parties = state[pledge["text"]]
            self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if kept else Qt.CheckState.Unchecked)
            if not pledge.get("missed"):
                self.table.cellWidget(row, 2).setCurrentText(sphere)
            self.table.cellWidget(row, 3).setCurrentText(strength)
            if self.named_parties is None:
                self.table.cellWidget(row, 4).setText(parties)

    def _title_edited(self) -> None:
        """A title typed names the statement to update, as --title does: read again against it, so the
        summary says what the import will do (an update, and which pledges would go)."""
        typed = self.title.text().strip()
        wanted = typed if typed and typed != self.read_title else None
        if wanted != self.asked_title:
            self.asked_title = wanted
            self._read_again(self.extra)

    def _reread(self) -> None:
        self._read_again(self.extra)

    def _add(self) -> None:
        text, ok = QInputDialog.getText(self, "Add a sentence", "Paste the sentence of the statement to add:")
        if ok and text.strip():
            self._read_again([*self.extra, edits.Edit("add", text.strip(), {"strength": "firm"})])

    def _split(self) -> None:
        pledge = self.selected_pledge()
        if pledge is None:
            self._say("Select the pledge to split first.")
            return
        words, ok = QInputDialog.getText(self, "Split a pledge", "The words where the second pledge begins:")
        if ok and words.strip():
            self._read_again([*self.extra, edits.Edit("split", pledge["text"], words.strip())])

    def _merge(self) -> None:
        pledge = self.selected_pledge()
        if pledge is None:
            self._say("Select the first of the two pledges to merge.")
            return
        index = self.proposal.pledges.index(pledge)
        if index + 1 >= len(self.proposal.pledges):
            self._say("The last pledge has none after it to merge with.")
            return
        following = self.proposal.pledges[index + 1]
        self._read_again([*self.extra, edits.Edit("merge", pledge["text"], following["text"])])

    def _say(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.show()


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]

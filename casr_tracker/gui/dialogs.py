"""Small dialogs: choose a pledge, add a link, correct evidence or a document, retract an entry, change the
status of several pledges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .. import services
from ..errors import CasrError
from ..models import Stance, Status
from ..queries import PledgeRow
from ..wording import counted
from .qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    Qt,
    QVBoxLayout,
)
from .style import plain_tip, status_label


def error_label() -> QLabel:
    """A red, plain-text label for inline validation messages, hidden until needed."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet("color: #c62828;")
    label.hide()
    return label


def status_combo() -> QComboBox:
    combo = QComboBox()
    for status in Status:
        combo.addItem(status_label(status.value), status.value)
    return combo


def stance_combo() -> QComboBox:
    combo = QComboBox()
    for stance in Stance:
        combo.addItem(stance.value.capitalize(), stance.value)
    return combo


class FormDialog(QDialog):
    """A dialog of labelled fields with OK/Cancel; `collect()` checks them and returns the values, or
    raises a CasrError whose sentence is shown inline (the dialog stays open, nothing is lost).

    With `submit` set, OK also makes the change (`submit(values)`, typically `undo.push_or_raise`): a
    refusal by the core is shown inline the same way, so no rule of the core is copied here."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.error = error_label()
        self.values: dict = {}
        self.submit: Callable[[dict], object] | None = None

    def finish_form(self) -> None:
        """Add the error line and the buttons under the fields."""
        self.form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)

    def collect(self) -> dict:
        raise NotImplementedError

    def _accept(self) -> None:
        try:
            values = self.collect()
            if self.submit is not None:
                self.submit(values)
        except CasrError as error:
            self.error.setText(str(error))
            self.error.show()
            self.adjustSize()  # room for the sentence
            return
        self.values = values
        self.accept()


class PledgeChooser(QDialog):
    """Pick the pledge a passage speaks to: type to narrow the list; choose the stance."""

    def __init__(self, fetch, passage: str, parent=None, *, ask_date: bool = False):
        """`fetch(text)` gives the pledges to list for what is typed (a short list). With `ask_date`
        (a passage of an undated document), the day the passage speaks for is asked too."""
        super().__init__(parent)
        self.setWindowTitle("Attach passage as evidence")
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        quote = QLabel(passage if len(passage) < 400 else passage[:400] + "…")
        quote.setTextFormat(Qt.TextFormat.PlainText)
        quote.setWordWrap(True)
        layout.addWidget(QLabel("Passage:"))
        layout.addWidget(quote)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type words of the pledge or its ref (e.g. scholarships, TRD-3)")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.fetch = fetch
        self._fill(fetch(""))
        layout.addWidget(self.list, 1)
        form = QFormLayout()
        self.stance = stance_combo()
        form.addRow("Stance:", self.stance)
        self.date: QLineEdit | None = None
        self.date_value = None
        if ask_date:
            self.date = QLineEdit()
            self.date.setPlaceholderText("YYYY-MM-DD: the document has no date; on what day does this passage speak?")
            form.addRow("Speaks for:", self.date)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Attach")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._accept)
        self.list.itemDoubleClicked.connect(lambda _item: self._accept())

    def _fill(self, rows: list[PledgeRow]) -> None:
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.ref}  {row.text}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setToolTip(plain_tip(row.text))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _filter(self, text: str) -> None:
        self._fill(self.fetch(text))

    def chosen(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _accept(self) -> None:
        if self.chosen() is None:
            self.error.setText("Choose the pledge this passage speaks to.")
            self.error.show()
            return
        if self.date is not None:
            try:
                self.date_value = services.parse_date(self.date.text())
                if self.date_value is None:
                    raise CasrError("The document has no date: give the day this passage speaks for (YYYY-MM-DD).")
            except CasrError as error:
                self.error.setText(str(error))
                self.error.show()
                return
        self.accept()


class LinkDialog(FormDialog):
    """Add a link as evidence: URL (http, https or file), optional title, stance and date, checked inline."""

    def __init__(self, parent=None):
        super().__init__("Add a link as evidence", parent)
        self.resize(520, 210)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://…")
        self.title = QLineEdit()
        self.title.setPlaceholderText("optional: reports show it instead of the URL")
        self.stance = stance_combo()
        self.date = QLineEdit(dt.date.today().isoformat())
        self.date.setPlaceholderText("YYYY-MM-DD")
        self.form.addRow("URL:", self.url)
        self.form.addRow("Title:", self.title)
        self.form.addRow("Stance:", self.stance)
        self.form.addRow("Date:", self.date)
        self.finish_form()

    def collect(self) -> dict:
        url = services.check_url(self.url.text())
        date = services.parse_date(self.date.text())
        return {"url": url, "title": self.title.text(), "stance": self.stance.currentData(), "date": date}


class EvidenceDialog(FormDialog):
    """The date a piece of evidence speaks for and its stance; `values` holds what changed."""

    def __init__(self, date, stance: str, parent=None):
        super().__init__("Edit evidence", parent)
        self.setMinimumWidth(460)
        self.original = {"date": date, "stance": stance}
        self.date = QLineEdit(date.isoformat() if date else "")
        self.date.setPlaceholderText("YYYY-MM-DD (the day it speaks for)")
        self.stance = stance_combo()
        self.stance.setCurrentIndex(max(0, self.stance.findData(stance)))
        self.form.addRow("Date:", self.date)
        self.form.addRow("Stance:", self.stance)
        self.finish_form()

    def collect(self) -> dict:
        date = services.parse_date(self.date.text())
        if date is None:
            raise CasrError("Give the day the evidence speaks for, as YYYY-MM-DD.")
        typed = {"date": date, "stance": self.stance.currentData()}
        changed = {k: v for k, v in typed.items() if v != self.original[k]}
        if not changed:
            raise CasrError("Nothing changed: edit the date or the stance, or press Cancel.")
        return changed


class DocumentDialog(FormDialog):
    """A document's details (title, date, author, URL), checked inline; `values` holds the changed ones
    (a cleared date as "", which takes the date away)."""

    def __init__(self, title: str, date, author: str, url: str, parent=None):
        super().__init__("Edit document details", parent)
        self.setMinimumWidth(560)
        self.original = {"title": title, "date": date, "author": author, "url": url}
        self.title = QLineEdit(title)
        self.date = QLineEdit(date.isoformat() if date else "")
        self.date.setPlaceholderText("YYYY-MM-DD (the day it was published)")
        self.author = QLineEdit(author)
        self.url = QLineEdit(url)
        self.url.setPlaceholderText("https://…")
        self.form.addRow("Title:", self.title)
        self.form.addRow("Date:", self.date)
        self.form.addRow("Author:", self.author)
        self.form.addRow("URL:", self.url)
        self.finish_form()

    def collect(self) -> dict:
        date = services.parse_date(self.date.text()) if self.date.text().strip() else ""
        url = services.check_url(self.url.text()) if self.url.text().strip() else ""
        typed = {"title": self.title.text().strip(), "date": date, "author": self.author.text().strip(), "url": url}
        if not typed["title"]:
            raise CasrError("A document's title cannot be empty.")
        changed = {k: v for k, v in typed.items() if v != (self.original[k] if k != "date" else self.original[k] or "")}
        if not changed:
            raise CasrError("Nothing changed: edit a detail, or press Cancel.")
        return changed


class BulkStatusDialog(FormDialog):
    """One status, comment and date for every selected pledge."""

    def __init__(self, count: int, parent=None):
        super().__init__(f"Set the status of {counted(count, 'pledge')}", parent)
        self.setMinimumWidth(560)
        self.status = status_combo()
        self.comment = QLineEdit()
        self.date = QLineEdit(dt.date.today().isoformat())
        self.form.addRow("Status:", self.status)
        self.form.addRow("Comment:", self.comment)
        self.form.addRow("Effective date:", self.date)
        self.finish_form()

    def collect(self) -> dict:
        date = services.parse_date(self.date.text())
        services.check_not_after_today(date, "A status")
        return {"status": self.status.currentData(), "comment": self.comment.text(), "effective": date}


class RetractDialog(FormDialog):
    """Why a status or score entry is retracted (the history keeps the reason)."""

    def __init__(self, entry_id: int, summary: str, parent=None):
        super().__init__("Retract entry", parent)
        self.setMinimumWidth(520)
        question = QLabel(f"Why is entry #{entry_id} ({summary}) retracted?")
        question.setTextFormat(Qt.TextFormat.PlainText)
        question.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. entered for the wrong pledge")
        self.form.addRow(question)
        self.form.addRow("Reason:", self.reason)
        self.finish_form()

    def collect(self) -> dict:
        return {"reason": self.reason.text()}


class ReadingDialog(FormDialog):
    """Correct how the importer read a pledge: no pledge at all, its strength, the parties it binds,
    its sphere, split it where some words begin, or merge it with the pledge after it. The correction
    is recorded and kept by every later import of the statement."""

    CHOICES = (
        ("strength", "Its strength is"),
        ("parties", "It binds"),
        ("sphere", "It belongs to the sphere"),
        ("split", "Split it where these words begin"),
        ("merge", "Merge it with the pledge after it"),
        ("drop", "It is no pledge (drop it)"),
    )

    def __init__(self, ref: str, text: str, strength: str, parties: str, spheres: list[str], sphere: str, parent=None):
        super().__init__(f"Correct how {ref} was read", parent)
        self.setMinimumWidth(620)
        sentence = QLabel(text)
        sentence.setTextFormat(Qt.TextFormat.PlainText)
        sentence.setWordWrap(True)
        self.choice = QComboBox()
        for key, label in self.CHOICES:
            self.choice.addItem(label, key)
        self.strength = QComboBox()
        self.strength.addItems(["firm", "soft"])
        self.strength.setCurrentText("soft" if strength == "firm" else "firm")
        self.parties = QLineEdit(parties)
        self.parties.setToolTip("Codes or names, separated by commas (KZ, Russia, EU)")
        self.sphere = QComboBox()
        self.sphere.addItems(spheres)
        self.sphere.setCurrentText(sphere)
        self.words = QLineEdit()
        self.words.setPlaceholderText("the first words of the second part")
        self.form.addRow(sentence)
        self.form.addRow("Correction:", self.choice)
        self.form.addRow("Strength:", self.strength)
        self.form.addRow("Parties:", self.parties)
        self.form.addRow("Sphere:", self.sphere)
        self.form.addRow("Split at:", self.words)
        self.choice.currentIndexChanged.connect(self._show_field)
        self.finish_form()
        self._show_field()

    def _show_field(self) -> None:
        key = self.choice.currentData()
        for field, wanted in (
            (self.strength, "strength"),
            (self.parties, "parties"),
            (self.sphere, "sphere"),
            (self.words, "split"),
        ):
            field.setVisible(key == wanted)
            self.form.labelForField(field).setVisible(key == wanted)

    def collect(self) -> dict:
        key = self.choice.currentData()
        value = {
            "strength": self.strength.currentText(),
            "parties": [p.strip() for p in self.parties.text().split(",") if p.strip()],
            "sphere": self.sphere.currentText(),
            "split": self.words.text().strip(),
        }.get(key)
        if key == "parties" and not value:
            raise CasrError("Name at least one party the pledge binds.")
        if key == "split" and not value:
            raise CasrError("Type the words where the second pledge begins.")
        return {"kind": key, "value": value}

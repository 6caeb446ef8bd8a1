"""A link attached from the detail panel: its optional title reaches the database and the list."""

from __future__ import annotations

from sqlmodel import select

from casr_tracker.gui.dialogs import LinkDialog
from casr_tracker.models import Evidence


def test_a_link_title_goes_from_the_dialog_to_the_evidence_and_its_list(win, qtbot, monkeypatch):
    typed = {"url": "https://example.org/customs", "title": "Customs talks resume"}

    def fill_and_accept(dialog: LinkDialog) -> bool:  # what a user types, then OK
        dialog.url.setText(typed["url"])
        dialog.title.setText(typed["title"])
        dialog.date.setText("2022-05-04")
        dialog._accept()
        return bool(dialog.values)

    monkeypatch.setattr(LinkDialog, "exec", fill_and_accept)
    assert win.select_ref("TRD-3")
    win.detail.add_link()
    qtbot.waitUntil(lambda: win.detail.evidence_list.count() == 1, timeout=5000)
    evidence = win.tracker.read(lambda s: s.exec(select(Evidence)).one())
    assert (evidence.url, evidence.title, str(evidence.date)) == (typed["url"], typed["title"], "2022-05-04")
    assert "Customs talks resume" in win.detail.evidence_list.item(0).text()
    typed["url"], typed["title"] = "https://example.org/untitled", "  "
    win.detail.add_link()
    qtbot.waitUntil(lambda: win.detail.evidence_list.count() == 2, timeout=5000)
    untitled = win.tracker.read(lambda s: s.exec(select(Evidence).order_by(Evidence.id)).all())[-1]
    assert untitled.title is None and "https://example.org/untitled" in win.detail.evidence_list.item(1).text()

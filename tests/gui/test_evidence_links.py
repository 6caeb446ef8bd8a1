"""A link attached from the detail panel: its optional title reaches the database and the list."""

from __future__ import annotations

from sqlmodel import select

from casr_tracker.models import Evidence

from .person import Dialogs, click, ok_button
from .test_by_hand import click_ref


def test_a_link_title_goes_from_the_dialog_to_the_evidence_and_its_list(win, qtbot):
    click_ref(qtbot, win, "TRD-3")

    def typed(url: str, title: str, date: str = "2022-05-04"):
        def fill(dialog):
            qtbot.keyClicks(dialog.url, url)
            qtbot.keyClicks(dialog.title, title)
            dialog.date.clear()
            qtbot.keyClicks(dialog.date, date)
            click(qtbot, ok_button(dialog))

        return fill

    dialogs = Dialogs(qtbot).expect("LinkDialog", typed("https://example.org/customs", "Customs talks resume"))
    click(qtbot, win.detail.evidence.add_link_button)
    dialogs.done()
    qtbot.waitUntil(lambda: win.detail.evidence.evidence_list.count() == 1, timeout=5000)
    evidence = win.tracker.read(lambda s: s.exec(select(Evidence)).one())
    assert (evidence.url, evidence.title, str(evidence.date)) == (
        "https://example.org/customs",
        "Customs talks resume",
        "2022-05-04",
    )
    assert "Customs talks resume" in win.detail.evidence.evidence_list.item(0).text()

    dialogs = Dialogs(qtbot).expect("LinkDialog", typed("https://example.org/untitled", "  "))
    click(qtbot, win.detail.evidence.add_link_button)
    dialogs.done()
    qtbot.waitUntil(lambda: win.detail.evidence.evidence_list.count() == 2, timeout=5000)
    untitled = win.tracker.read(lambda s: s.exec(select(Evidence).order_by(Evidence.id)).all())[-1]
    assert untitled.title is None and "https://example.org/untitled" in win.detail.evidence.evidence_list.item(1).text()


def test_a_partial_date_is_refused_inside_the_link_dialog(win, qtbot):
    click_ref(qtbot, win, "TRD-3")
    seen = []

    def fill(dialog):
        qtbot.keyClicks(dialog.url, "https://example.org/x")
        dialog.date.clear()
        qtbot.keyClicks(dialog.date, "March 2021")
        click(qtbot, ok_button(dialog))
        seen.append((dialog.isVisible(), dialog.error.text()))
        dialog.reject()

    dialogs = Dialogs(qtbot).expect("LinkDialog", fill)
    click(qtbot, win.detail.evidence.add_link_button)
    dialogs.done()
    assert seen[0][0] and "names no day" in seen[0][1]
    assert win.tracker.read(lambda s: s.exec(select(Evidence)).all()) == []

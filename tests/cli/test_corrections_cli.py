"""Corrections from the command line: retract, edit-note, delete-note, evidence edit/withdraw/restore,
document edit, undo. Each is a new entry; a mistake is one sentence and changes nothing."""

from __future__ import annotations

import csv

import pytest


def entries(run, ref: str) -> list[dict]:
    return run("history", ref, "--json").json()


def test_a_status_entered_for_the_wrong_pledge_is_retracted_and_stops_counting(run):
    assert run("status", "TRD-3", "fulfilled", "--date", "2021-05-01", "--comment", "meant TRD-4").code == 0
    entry = entries(run, "TRD-3")[0]
    assert isinstance(entry["id"], int) and entry["retracted"] is None
    result = run("retract", str(entry["id"]), "--reason", "entered for the wrong pledge")
    assert result.code == 0 and result.out.startswith(f"Retracted entry {entry['id']} (status) of TRD-3")
    listed = entries(run, "TRD-3")
    assert listed[0]["retracted"]["reason"] == "entered for the wrong pledge"
    assert listed[0]["retracted"]["who"] == "tester" and listed[0]["retracted"]["at"]
    assert len({e["id"] for e in listed}) == len(listed)  # every entry has its own id
    pledges = {p["ref"]: p for p in run("pledges", "--json").json()}
    assert pledges["TRD-3"]["status"] == "not_assessed"
    assert "retracted" in run("history", "TRD-3").out
    assert run("check").code == 0


@pytest.mark.parametrize(
    "args, says",
    [
        (["retract", "999999", "--reason", "x"], "There is no history entry 999999"),
        (["retract", "99999999999999999999", "--reason", "x"], "There is no history entry"),
        (["retract", "abc", "--reason", "x"], "There is no history entry abc"),
        (["edit-note", "424242", "text"], "There is no note 424242"),
        (["delete-note", "²"], "There is no note"),
        (["evidence", "withdraw", "77"], "There is no evidence 77"),
        (["evidence", "edit", "77", "--stance", "supports"], "There is no evidence 77"),
        (["document", "edit", "1"], "Nothing to change"),
        (["document", "edit", "1", "--title", "  "], "title cannot be empty"),
        (["document", "edit", "1", "--url", "javascript:alert(1)"], "is not an http, https or file link"),
        (["document", "edit", "1", "--date", "March 2021"], "names no day"),
        (["undo"], "made no change that can be undone"),
    ],
)
def test_a_mistaken_correction_is_one_sentence_and_changes_nothing(engine, run, snapshot, args, says):
    before = snapshot()
    result = run(*args)
    assert result.code == 2 and says in result.err and result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert snapshot() == before


def test_only_status_and_score_entries_are_retracted_and_only_once(run, snapshot):
    run("note", "SNT-4", "a note")
    run("assess", "SNT-5", "RU", "+1", "--comment", "data shared")
    note_entry = next(e for e in entries(run, "SNT-4") if e["kind"] == "note")
    result = run("retract", str(note_entry["id"]), "--reason", "x")
    assert result.code == 2 and "not a status or a score" in result.err
    score = next(e for e in entries(run, "SNT-5") if e["kind"] == "assessment")
    assert run("retract", str(score["id"]), "--reason", "wrong party").code == 0
    before = snapshot()
    again = run("retract", str(score["id"]), "--reason", "again")
    assert again.code == 2 and "already retracted" in again.err and snapshot() == before
    empty = run("retract", str(score["id"]), "--reason", " ")
    assert empty.code == 2


def test_notes_are_edited_and_deleted_with_their_history_kept(run):
    run("note", "SNT-4", "first words")
    note_id = next(e for e in entries(run, "SNT-4") if e["kind"] == "note")["detail"]["id"]
    assert run("edit-note", str(note_id), "second words").out.startswith(f"Note {note_id} now reads: second words")
    assert run("delete-note", str(note_id)).code == 0
    kinds = [(e["kind"], e["summary"]) for e in entries(run, "SNT-4")]
    assert ("note", "first words") in kinds and ("note edited", "second words") in kinds
    assert any(kind == "note deleted" for kind, _ in kinds)
    undo = run("undo")
    assert undo.code == 0 and undo.out.startswith("Undid entry") and f"note {note_id}" in undo.out
    assert entries(run, "SNT-4")[-1]["kind"] == "note restored"


def test_evidence_is_edited_withdrawn_and_restored_by_id(run):
    run("evidence", "add", "TRD-3", "--url", "https://example.org/x", "--date", "2021-03-05")
    evidence_id = run("evidence", "list", "TRD-3", "--json").json()[0]["id"]
    result = run("evidence", "edit", str(evidence_id), "--date", "2020-11-30", "--stance", "context")
    assert result.code == 0 and result.out.strip() == f"Evidence {evidence_id}: context, dated 2020-11-30"
    assert run("evidence", "withdraw", str(evidence_id)).code == 0
    again = run("evidence", "withdraw", str(evidence_id))
    assert again.code == 2 and "already withdrawn" in again.err
    assert "Withdrawn (no longer counted):" in run("evidence", "list", "TRD-3").out
    assert run("evidence", "restore", str(evidence_id)).code == 0
    listed = run("evidence", "list", "TRD-3", "--json").json()
    assert listed[0]["withdrawn_at"] is None and listed[0]["stance"] == "context"
    kinds = [e["kind"] for e in entries(run, "TRD-3")]
    assert kinds == ["evidence", "evidence edited", "evidence withdrawn", "evidence restored"]
    assert run("check").code == 0


def test_a_document_is_dated_after_import_and_the_report_cites_it(run, tmp_path):
    documents = run("documents", "--json").json()
    undated = next(d for d in documents if d["date"] is None)
    result = run("document", "edit", str(undated["id"]), "--date", "2020-11-25", "--author", "Sergey Lavrov")
    assert result.code == 0 and "2020-11-25" in result.out
    again = {d["id"]: d for d in run("documents", "--json").json()}[undated["id"]]
    assert again["date"] == "2020-11-25" and again["author"] == "Sergey Lavrov"
    assert run("evidence", "add", "SNT-8", "--document", str(undated["id"]), "--quote", "WHO").code == 0
    listed = run("evidence", "list", "SNT-8", "--json").json()
    assert listed[0]["date"] == "2020-11-25"  # the document's corrected date, not today
    out = tmp_path / "r.csv"
    assert run("report", "-o", str(out), "--as-of", "2021-12-31").code == 0
    table = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert next(row for row in table if row["ref"] == "SNT-8")["evidence_count"] == "1"
    assert "on SNT-8 (withdrawn)" in run("undo").out  # the attachment
    assert f"document {undated['id']}" in run("undo").out  # then the document's details
    assert {d["id"]: d for d in run("documents", "--json").json()}[undated["id"]]["date"] is None
    assert run("check").code == 0
    dated = next(d for d in documents if d["date"] is not None)
    assert run("document", "edit", str(dated["id"]), "--date", "").code == 0  # a wrong date taken away
    assert {d["id"]: d for d in run("documents", "--json").json()}[dated["id"]]["date"] is None


def test_undo_goes_back_one_change_at_a_time_and_only_your_own(run):
    run("status", "TRD-3", "in_progress")
    run("assess", "TRD-3", "KZ", "1")
    assert run("--user", "bob", "status", "TRD-4", "stalled").code == 0
    first = run("undo")
    assert "score entry on TRD-3" in first.out
    second = run("undo")
    assert "status entry on TRD-3" in second.out
    third = run("undo")
    assert third.code == 2 and "made no change that can be undone" in third.err
    pledges = {p["ref"]: p["status"] for p in run("pledges", "--json").json()}
    assert pledges["TRD-3"] == "not_assessed" and pledges["TRD-4"] == "stalled"  # bob's change stays
    assert run("check").code == 0


def test_a_deleted_note_is_not_edited_and_days_after_today_are_refused(run, snapshot):
    run("note", "SNT-4", "first words")
    note_id = next(e for e in entries(run, "SNT-4") if e["kind"] == "note")["detail"]["id"]
    run("delete-note", str(note_id))
    run("evidence", "add", "TRD-3", "--url", "https://example.org/x", "--date", "2021-03-05")
    evidence_id = run("evidence", "list", "TRD-3", "--json").json()[0]["id"]
    before = snapshot()
    for args, says in [
        (["edit-note", str(note_id), "zzz"], "is deleted"),
        (["evidence", "add", "TRD-3", "--url", "https://example.org/y", "--date", "2030-01-01"], "after today"),
        (["evidence", "edit", str(evidence_id), "--date", "2031-01-01"], "after today"),
        (["document", "edit", "2", "--date", "2099-01-01"], "after today"),
        (["document", "edit", "abc", "--title", "x"], "There is no document abc"),
        (["evidence", "add", "TRD-3", "--document", "1", "--quote", "x", "--url", "https://x.org"], "not both"),
    ]:
        result = run(*args)
        assert result.code == 2 and says in result.err, (args, result.err)
    assert snapshot() == before
    assert "evidence" in run("undo").out  # the last change first
    assert "deletion of note" in run("undo").out  # then the deletion (no invisible edit in between)

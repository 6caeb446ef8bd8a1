"""Undo in the core, without Qt: the rules the command line's `undo` and the window's Undo/Redo share."""

from __future__ import annotations

from casr_tracker import db, services, undo
from casr_tracker.models import Note, Pledge


def _status(engine, ref="TRD-3") -> str:
    with db.session_scope(engine, write=False) as s:
        return services.find_pledge(s, ref).status


def _set(s, ref, status):
    services.set_status(session=s, pledge=services.find_pledge(s, ref), status=status, who="ann")


def test_undo_then_redo_then_undo_again(engine):
    change = db.write(engine, lambda s: _set(s, "TRD-3", "in_progress")).changes.event_ids
    undone = db.write(engine, lambda s: undo.undo(session=s, event_ids=change, who="ann")).changes.event_ids
    assert _status(engine) == "not_assessed"
    redone = db.write(engine, lambda s: undo.undo(session=s, event_ids=undone, who="ann")).changes.event_ids
    assert _status(engine) == "in_progress"
    # the redo is a change in effect again: the command line's undo reaches it
    with db.session_scope(engine, write=False) as s:
        assert undo.last_change(s, "ann").id == redone[0]
    sentence = db.write(engine, lambda s: undo.undo_last(session=s, who="ann")).result[1]
    assert _status(engine) == "not_assessed" and "TRD-3" in sentence


def test_successive_undos_reach_earlier_changes_and_others_are_left_alone(engine):
    db.write(engine, lambda s: _set(s, "TRD-3", "in_progress"))
    db.write(engine, lambda s: _set(s, "SNT-4", "fulfilled"))
    db.write(
        engine,
        lambda s: services.set_status(
            session=s, pledge=services.find_pledge(s, "SNT-5"), status="not_started", who="bo"
        ),
    )
    db.write(engine, lambda s: undo.undo_last(session=s, who="ann"))
    assert _status(engine, "SNT-4") == "not_assessed" and _status(engine, "TRD-3") == "in_progress"
    db.write(engine, lambda s: undo.undo_last(session=s, who="ann"))
    assert _status(engine, "TRD-3") == "not_assessed"
    assert _status(engine, "SNT-5") == "not_started"  # bo's change is bo's to undo
    with db.session_scope(engine, write=False) as s:
        assert undo.last_change(s, "ann") is None
        assert [e.pledge_id for e in undo.undoable_changes(s, "bo")] == [services.find_pledge(s, "SNT-5").id]
        assert s.get(Pledge, services.find_pledge(s, "SNT-5").id).status == "not_started"


def test_a_retracted_entry_is_not_the_last_change_and_recent_changes_say_so(engine):
    import datetime as dt

    from casr_tracker import corrections
    from casr_tracker.activity import recent_changes
    from casr_tracker.queries import pledge_rows

    db.write(
        engine,
        lambda s: services.set_status(
            session=s,
            pledge=services.find_pledge(s, "TRD-1"),
            status="in_progress",
            who="ann",
            effective=dt.date(2021, 3, 1),
        ),
    )
    wrong = db.write(
        engine,
        lambda s: services.set_status(
            session=s,
            pledge=services.find_pledge(s, "TRD-1"),
            status="fulfilled",
            who="ann",
            effective=dt.date(2022, 5, 1),
        ),
    ).changes.event_ids[0]
    db.write(engine, lambda s: corrections.retract(session=s, entry_id=wrong, reason="wrong pledge", who="ann"))
    with db.session_scope(engine, write=False) as s:
        row = next(r for r in pledge_rows(s) if r.ref == "TRD-1")
        assert (row.status, row.last_change) == ("in_progress", "2021-03-01")
        summaries = [c.summary for c in recent_changes(s) if c.ref == "TRD-1"]
        assert summaries == ["In progress → Fulfilled (since retracted)", "Not assessed → In progress"]


def test_a_change_is_described_as_the_window_names_it(engine):
    db.write(engine, lambda s: _set(s, "TRD-3", "in_progress"))
    with db.session_scope(engine, write=False) as s:
        assert undo.describe(s, undo.last_change(s, "ann")) == "Set TRD-3 to in progress"
    undone = db.write(engine, lambda s: undo.undo_last(session=s, who="ann")).changes.event_ids
    db.write(engine, lambda s: undo.undo(session=s, event_ids=undone, who="ann"))  # redo
    with db.session_scope(engine, write=False) as s:
        assert undo.describe(s, undo.last_change(s, "ann")) == "Set TRD-3 to in progress"


def test_an_undo_never_overwrites_what_someone_changed_since(engine):
    from casr_tracker.errors import StaleEdit

    note = db.write(
        engine, lambda s: services.add_note(session=s, pledge=services.find_pledge(s, "TRD-1"), text="a", who="bo")
    ).result
    db.write(engine, lambda s: services.edit_note(session=s, note=s.get(Note, note.id), text="b", who="ann"))
    db.write(engine, lambda s: services.edit_note(session=s, note=s.get(Note, note.id), text="c", who="bo"))
    try:
        db.write(engine, lambda s: undo.undo_last(session=s, who="ann"))
    except StaleEdit as refused:
        assert "changed again since" in str(refused)
    else:
        raise AssertionError("ann's undo overwrote bo's later edit")
    with db.session_scope(engine, write=False) as s:
        assert s.get(Note, note.id).text == "c"


def test_a_change_someone_else_retracted_is_not_offered_and_a_chain_is_offered_once(engine):
    from casr_tracker import corrections

    db.write(engine, lambda s: _set(s, "TRD-3", "in_progress"))
    entry = db.write(engine, lambda s: _set(s, "TRD-4", "stalled")).changes.event_ids[0]
    db.write(engine, lambda s: corrections.retract(session=s, entry_id=entry, reason="wrong", who="bo"))
    with db.session_scope(engine, write=False) as s:
        assert [e.pledge_id for e in undo.undoable_changes(s, "ann")] == [services.find_pledge(s, "TRD-3").id]
    change = db.write(engine, lambda s: _set(s, "SNT-4", "fulfilled")).changes.event_ids
    undone = db.write(engine, lambda s: undo.undo(session=s, event_ids=change, who="ann")).changes.event_ids
    db.write(engine, lambda s: undo.undo(session=s, event_ids=undone, who="ann"))  # redo
    with db.session_scope(engine, write=False) as s:
        offered = [undo.describe(s, e) for e in undo.undoable_changes(s, "ann")]
    assert offered == ["Set TRD-3 to in progress", "Set SNT-4 to fulfilled"]
    try:
        db.write(engine, lambda s: undo.undo(session=s, event_ids=undone, who="ann"))  # the same redo twice
    except services.InputError as refused:
        assert "already taken back" in str(refused)
    else:
        raise AssertionError("a retraction was taken back twice")

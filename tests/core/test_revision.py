"""One write path: every public write verb moves the data revision (the session does it, no verb has to
remember) and returns what it changed as a Qt-free `Changes`; reading moves nothing."""

from __future__ import annotations

import inspect

import pytest
from sqlmodel import select

from casr_tracker import corrections, db, decisions, seeding, services, transfer, undo
from casr_tracker.changes import Changes, data_revision
from casr_tracker.importer import edits, pipeline
from casr_tracker.models import Document, Event, Evidence, Note, Pledge, Statement

from ..conftest import DATA, SEEDS


def _pledge(s, ref="SNT-4") -> Pledge:
    return services.find_pledge(s, ref)


def _document(s) -> Document:
    return s.exec(select(Document).order_by(Document.id)).first()


def _note(s) -> Note:
    return services.add_note(session=s, pledge=_pledge(s), text="first words", who="ann")


def _evidence(s) -> Evidence:
    return services.attach_evidence(session=s, pledge=_pledge(s), url="https://example.org/a", who="ann")


def _deleted_note(s) -> Note:
    note = _note(s)
    return services.delete_note(session=s, note=note, who="ann")


def _withdrawn(s) -> Evidence:
    return services.withdraw_evidence(session=s, evidence=_evidence(s), who="ann")


def _status_entry(s) -> Event:
    services.set_status(session=s, pledge=_pledge(s), status="in_progress", who="ann")
    return s.exec(select(Event).order_by(Event.id.desc())).first()


def _retraction(s) -> Event:
    return corrections.retract(session=s, entry_id=_status_entry(s).id, reason="wrong pledge", who="ann")


def _span(s):
    document = _document(s)
    return {"document": document, "pledge": _pledge(s), "start": 0, "end": 40, "who": "ann"}


#: every public write verb of the core: (what to prepare in an earlier transaction, the write itself,
#: the kinds of change it must report)
WRITES = {
    "services.set_status": (
        None,
        lambda s, _: services.set_status(session=s, pledge=_pledge(s), status="in_progress", who="ann"),
        {"status"},
    ),
    "services.assess": (
        None,
        lambda s, _: services.assess(
            session=s, pledge=_pledge(s), party=services.pledge_parties(s, _pledge(s))[0], score=1, who="ann"
        ),
        {"assessment"},
    ),
    "services.add_note": (None, lambda s, _: _note(s), {"note"}),
    "services.set_keywords": (
        None,
        lambda s, _: services.set_keywords(session=s, pledge=_pledge(s), keywords="gas pipeline, Gazprom", who="ann"),
        {"keywords"},
    ),
    "services.edit_note": (
        _note,
        lambda s, n: services.edit_note(session=s, note=s.get(Note, n.id), text="second words", who="ann"),
        {"note"},
    ),
    "services.delete_note": (
        _note,
        lambda s, n: services.delete_note(session=s, note=s.get(Note, n.id), who="ann"),
        {"note"},
    ),
    "services.restore_note": (
        _deleted_note,
        lambda s, n: services.restore_note(session=s, note=s.get(Note, n.id), who="ann"),
        {"note"},
    ),
    "services.attach_evidence": (None, lambda s, _: _evidence(s), {"evidence"}),
    "services.withdraw_evidence": (
        _evidence,
        lambda s, e: services.withdraw_evidence(session=s, evidence=s.get(Evidence, e.id), who="ann"),
        {"evidence"},
    ),
    "services.restore_evidence": (
        _withdrawn,
        lambda s, e: services.restore_evidence(session=s, evidence=s.get(Evidence, e.id), who="ann"),
        {"evidence"},
    ),
    "services.import_document": (
        None,
        lambda s, _: services.import_document(session=s, path=DATA / "second_statement.txt", title="Another"),
        {"document"},
    ),
    "corrections.retract": (
        _status_entry,
        lambda s, e: corrections.retract(session=s, entry_id=e.id, reason="wrong date", who="ann"),
        {"status"},
    ),
    "corrections.unretract": (
        _retraction,
        lambda s, r: corrections.unretract(session=s, retraction=s.get(Event, r.id), who="ann"),
        {"status"},
    ),
    "corrections.edit_evidence": (
        _evidence,
        lambda s, e: corrections.edit_evidence(session=s, evidence=s.get(Evidence, e.id), stance="contradicts"),
        {"evidence"},
    ),
    "corrections.edit_document": (
        None,
        lambda s, _: corrections.edit_document(session=s, document=_document(s), title="A better title"),
        {"document"},
    ),
    "undo.undo_last": (_note, lambda s, _: undo.undo_last(session=s, who="ann"), {"note"}),
    "undo.undo": (
        _evidence,
        lambda s, _: undo.undo(session=s, event_ids=[undo.last_change(s, "ann").id], who="ann"),
        {"evidence"},
    ),
    "decisions.record_decision": (
        None,
        lambda s, _: decisions.record_decision(s, _document(s), _pledge(s), 0, 40, "rejected", "ann"),
        {"suggestion"},
    ),
    "decisions.accept_suggestion": (
        None,
        lambda s, _: decisions.accept_suggestion(session=s, **_span(s)),
        {"evidence"},
    ),
    "decisions.reject_suggestion": (
        None,
        lambda s, _: decisions.reject_suggestion(session=s, **_span(s)),
        {"suggestion"},
    ),
    "decisions.reopen_suggestion": (
        None,
        lambda s, _: decisions.reopen_suggestion(session=s, **_span(s)),
        {"suggestion"},
    ),
    "pipeline.import_statement": (
        None,
        lambda s, _: pipeline.import_statement(
            s, (DATA / "second_statement.txt").read_text(encoding="utf-8"), source_name="second.txt"
        ),
        {"statement"},
    ),
    "pipeline.correct_pledge": (
        None,
        lambda s, _: pipeline.correct_pledge(s, pledge_id=services.find_pledge(s, "TRD-2").id, kind="drop", who="ann"),
        {"statement"},
    ),
    "pipeline.correct": (
        None,
        lambda s, _: pipeline.correct(
            session=s,
            statement=s.get(Statement, services.find_pledge(s, "TRD-1").statement_id),
            correction=edits.Edit("strength", services.find_pledge(s, "TRD-1").text, "soft"),
            who="ann",
        ),
        {"statement"},
    ),
}

#: public functions of the same modules that only read (or are steps the verbs above are made of)
READS = {
    "services.find_pledge",
    "services.pledge_parties",
    "services.find_party",
    "services.find_document",
    "services.statement_party_names",
    "services.live_pledge_count",
    "services.sphere_name",
    "services.data_revision",
    "services.statements",
    "services.claim_version",
    "services.refresh_status",
    "corrections.find_entry",
    "undo.last_change",
    "undo.undoable_changes",
    "undo.describe",
    "pipeline.match",
    "pipeline.ensure_parties",
    "pipeline.apply",
    "pipeline.propose",
    "pipeline.stored_edits",
    "pipeline.resolve_parties",
    "pipeline.reading_of",
    "pipeline.signatory_codes",
}


def _public_session_functions():
    for module in (services, corrections, decisions, pipeline, undo):
        names = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
        for name in names:
            fn = getattr(module, name)
            if not inspect.isfunction(fn) or not fn.__module__.startswith(module.__name__):
                continue
            if "session" in inspect.signature(fn).parameters:
                yield f"{module.__name__.rsplit('.', 1)[-1]}.{name}"


def test_every_write_verb_is_in_the_table():
    """A new verb fails here until it is added to WRITES (and so is checked to move the revision)."""
    found = set(_public_session_functions())
    assert found - READS - set(WRITES) == set()
    assert set(WRITES) | READS >= found


@pytest.mark.parametrize("verb", sorted(WRITES))
def test_each_write_moves_the_revision_and_says_what_changed(engine, verb):
    prepare, write, kinds = WRITES[verb]
    prepared = db.write(engine, prepare).result if prepare else None
    with db.session_scope(engine, write=False) as s:
        before = data_revision(s)
    written = db.write(engine, lambda s: write(s, prepared))
    with db.session_scope(engine, write=False) as s:
        after = data_revision(s)
    assert after == before + 1  # once per transaction, however many rows it wrote
    assert written.revision == after
    assert isinstance(written.changes, Changes) and kinds <= written.changes.kinds


def test_reading_moves_nothing(engine):
    with db.session_scope(engine, write=False) as s:
        before = data_revision(s)
    db.write(engine, lambda s: (services.find_pledge(s, "SNT-4"), services.statements(s), _document(s)))
    with db.session_scope(engine, write=False) as s:
        assert data_revision(s) == before


def test_a_failed_write_moves_nothing(engine):
    with db.session_scope(engine, write=False) as s:
        before = data_revision(s)
    with pytest.raises(services.InputError):
        db.write(engine, lambda s: (_note(s), services.add_note(session=s, pledge=_pledge(s), text=" ", who="ann")))
    with db.session_scope(engine, write=False) as s:
        assert data_revision(s) == before
        assert s.exec(select(Note)).first() is None


def test_changes_name_the_pledges_and_events(engine):
    written = db.write(
        engine, lambda s: services.set_status(session=s, pledge=_pledge(s), status="in_progress", who="ann")
    )
    with db.session_scope(engine, write=False) as s:
        pledge_id = _pledge(s).id
        last_event = s.exec(select(Event).order_by(Event.id.desc())).first()
    assert written.changes.pledge_ids == {pledge_id}
    assert written.changes.event_ids == [last_event.id]


def test_seeding_and_import_json_move_the_revision(tmp_path, engine):
    """A tracker seeded from seeds/, and one filled by import-json, both start past revision 0."""
    with db.session_scope(engine, write=False) as s:
        assert data_revision(s) > 0
        data = transfer.export_all(s)
    target = seeding.open_tracker(f"sqlite:///{tmp_path / 'copy.sqlite3'}", seed_if_empty=False)
    written = db.write(target, lambda s: transfer.import_all(s, data))
    assert written.revision > 0 and written.changes.concerns("statement", "evidence")
    target.dispose()
    assert SEEDS.exists()

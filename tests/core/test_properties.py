"""Property tests (hypothesis): the importers and the CLI never fail with an unhandled exception,
offsets always round-trip, and importing the same text again changes nothing."""

from __future__ import annotations

import contextlib
import io
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casr_tracker import cli, db, matching
from casr_tracker.errors import BadFile, CasrError, ImportProblem
from casr_tracker.importer import pipeline, rules
from casr_tracker.importer.documents import decode, detect_metadata
from casr_tracker.importer.statement import parse_statement
from casr_tracker.seeding import open_tracker
from casr_tracker.transfer import export_all

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.sampled_from(
    [
        "we",
        "will",
        "shall",
        "intend",
        "to",
        "are",
        "ready",
        "support",
        "call",
        "for",
        "note",
        "the",
        "need",
        "Russia",
        "Kazakhstan",
        "cooperation",
        "trade",
        "energy",
        "migrants",
        "believe",
        "confident",
        "that",
        "SCO",
        "is",
        "working",
        "on",
        "in",
        "2019",
        "our",
        "countries",
        "all",
        "interested",
        "Central",
        "Asian",
        "following",
        "spheres",
        "etc.",
        "Mr.",
        "(",
        ")",
        "“",
        "”",
        "–",
        ",",
        ";",
        ":",
        "30",
        "$",
        "billion",
    ]
)
sentence = st.lists(words, min_size=2, max_size=14).map(lambda w: " ".join(w).capitalize() + ".")
heading = st.lists(
    st.sampled_from(["Trade", "Security", "Energy", "Culture", "Water", "Transport", "and", "of", "the", "climate"]),
    min_size=1,
    max_size=5,
).map(lambda w: " ".join(w).capitalize())
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)


@st.composite
def statements(draw) -> str:
    parts = [draw(paragraph)]
    for _ in range(draw(st.integers(1, 5))):
        parts += [draw(heading)] + draw(st.lists(paragraph, min_size=1, max_size=3))
    separator = draw(st.sampled_from(["\n\n", "\n\n\n", "\r\n\r\n"]))
    return separator.join(parts)


@SETTINGS
@given(st.text())
def test_any_text_parses_or_is_refused_cleanly(text):
    try:
        parsed = parse_statement(text)
    except ImportProblem:
        return
    for _section, pledge in parsed.pledges:
        assert text[pledge.start : pledge.end] == pledge.text


@SETTINGS
@given(statements())
def test_statement_shaped_text_round_trips(text):
    text = text.replace("\r\n", "\n")
    try:
        parsed = parse_statement(text)
    except ImportProblem:
        return
    assert parsed.spheres
    for _section, pledge in parsed.pledges:
        assert text[pledge.start : pledge.end] == pledge.text
        assert pledge.strength in ("firm", "soft") and pledge.parties


@pytest.fixture(scope="module")
def shared_engine():
    folder = tempfile.mkdtemp()
    engine = open_tracker(f"sqlite:///{folder}/props.sqlite3", seed_if_empty=False)
    yield engine
    engine.dispose()


@SETTINGS
@given(statements())
def test_reimport_is_always_idempotent(shared_engine, text):
    try:
        with db.session_scope(shared_engine) as s:
            first = pipeline.import_statement(s, text)
    except ImportProblem:
        return
    with db.session_scope(shared_engine, write=False) as s:
        before = export_all(s)
    with db.session_scope(shared_engine) as s:
        again = pipeline.import_statement(s, text)
    with db.session_scope(shared_engine, write=False) as s:
        after = export_all(s)
    assert again.identical and again.statement_id == first.statement_id
    assert before == after


@SETTINGS
@given(st.binary(max_size=4000))
def test_any_bytes_decode_or_are_refused(data):
    try:
        text = decode(data, "file")
    except BadFile:
        return
    assert isinstance(text, str)
    detect_metadata(text)


@SETTINGS
@given(st.text(max_size=3000))
def test_passages_and_blocks_round_trip(text):
    for passage in matching.passages(text):
        assert text[passage.start : passage.end] == passage.text
    for block in rules.blocks(text):
        assert text[block.start : block.end] == block.text


tokens = st.sampled_from(
    [
        "pledges",
        "status",
        "assess",
        "note",
        "history",
        "documents",
        "evidence",
        "add",
        "list",
        "suggest",
        "report",
        "check",
        "TRD-3",
        "XX-1",
        "fulfilled",
        "bogus",
        "KZ",
        "+1",
        "7",
        "--json",
        "--date",
        "2021-02-30",
        "2021-01-01",
        "--status",
        "--party",
        "--search",
        "--top",
        "0",
        "--url",
        "javascript:x",
        "--document",
        "99",
        "--quote",
        "-o",
        "--as-of",
        "--since",
        "",
        "é",
        "--expect-version",
        "-1",
    ]
)


@SETTINGS
@given(st.lists(tokens, min_size=1, max_size=6))
def test_the_cli_never_crashes(shared_engine, argv):
    url = shared_engine.url.render_as_string(hide_password=False)
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = cli.main(["--db", url, "--empty", *argv])
        except SystemExit as exit_:
            code = exit_.code
        except CasrError as error:  # pragma: no cover - main() must catch these
            pytest.fail(f"CasrError escaped main(): {error}")
    assert code in (0, 1, 2)
    if code == 2:
        assert err.getvalue().count("\n") <= 2 and "Traceback" not in err.getvalue()

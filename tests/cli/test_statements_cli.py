"""import-statement of real statements of other formats and parties, --party, --dry-run --json, and
correct: what an analyst types, what they read back, and what is kept."""

from __future__ import annotations

import json

from ..conftest import DATA

STATEMENTS = DATA / "statements"
C5 = STATEMENTS / "2023-09-21-c5plus1-new-york-declaration.txt"
INDIA = STATEMENTS / "2023-09-08-india-us-joint-statement.txt"


def test_a_dry_run_shows_the_proposal_and_keeps_nothing(run, snapshot):
    run("pledges")
    before = snapshot()
    result = run("import-statement", str(C5), "--dry-run", "--json")
    assert result.code == 0
    proposal = json.loads(result.out)
    assert proposal["created"] and proposal["date"] == "2023-09-21"
    assert proposal["title"].startswith("C5+1 Leaders")
    assert [p["code"] for p in proposal["parties"]] == ["KZ", "KG", "TJ", "TM", "UZ", "US"]
    assert len(proposal["pledges"]) >= 25 and proposal["unsure"] == sum(not p["sure"] for p in proposal["pledges"])
    assert all(C5.read_text(encoding="utf-8")[p["start"] : p["end"]] == p["text"] for p in proposal["pledges"])
    assert snapshot() == before
    text = run("import-statement", str(C5), "--dry-run")
    assert "would be imported as a new statement" in text.out and "signatories (read from the text)" in text.out
    assert snapshot() == before


def test_signatories_named_by_the_analyst(run):
    result = run("import-statement", str(INDIA), "--party", "India", "--party", "United States of America", "--json")
    assert result.code == 0
    statement = json.loads(result.out)["statement_id"]
    rows = json.loads(run("pledges", "--statement", str(statement), "--json").out)
    assert rows and all(set(r["parties"]) <= {"India", "United States"} for r in rows)
    bad = run("import-statement", str(INDIA), "--party", "Narnia")
    assert bad.code == 2 and bad.err.startswith("casr-tracker: Unknown party 'Narnia'") and bad.err.count("\n") == 1


def test_corrections_are_recorded_and_kept_by_a_reimport(run, tmp_path):
    copy = tmp_path / "c5.txt"
    copy.write_text(C5.read_text(encoding="utf-8"), encoding="utf-8")
    statement = json.loads(run("import-statement", str(copy), "--json").out)["statement_id"]
    rows = json.loads(run("pledges", "--statement", str(statement), "--json").out)
    first, second = rows[0], rows[1]
    assert run("correct", f"{statement}/{first['ref']}", "--drop").code == 0
    result = run(
        "correct", f"{statement}/{second['ref']}", "--strength", "soft" if second["strength"] == "firm" else "firm"
    )
    assert result.code == 0 and result.out.startswith(f"Corrected how {second['ref']} was read: strength set to")
    history = json.loads(run("history", f"{statement}/{second['ref']}", "--json").out)
    assert [h["summary"] for h in history if h["kind"] == "reading corrected"] == [
        f"strength set to {'soft' if second['strength'] == 'firm' else 'firm'}"
    ]
    # the text is edited elsewhere and imported again: the corrections hold
    edited = copy.read_text(encoding="utf-8").replace("This week, we", "This very week, we")
    # the corrected sentences themselves are edited too: a word each
    for sentence in (first["text"], second["text"]):
        words = sentence.split(" ")
        edited = edited.replace(sentence, " ".join([*words[:3], "indeed", *words[3:]]))
    copy.write_text(edited, encoding="utf-8")
    again = json.loads(run("import-statement", str(copy), "--json").out)
    assert again["statement_id"] == statement
    after = {r["ref"]: r for r in json.loads(run("pledges", "--statement", str(statement), "--json").out)}
    assert first["ref"] not in after
    assert after[second["ref"]]["strength"] != second["strength"] and "indeed" in after[second["ref"]]["text"]
    wrong = run("correct", f"{statement}/{second['ref']}", "--strength", "very")
    assert wrong.code == 2 and "is not firm or soft" in wrong.err


def test_a_missed_sentence_is_added(run):
    statement = json.loads(run("import-statement", str(C5), "--json").out)["statement_id"]
    missed = "Collectively, we embrace the C5+1 goal of seeking\nregional solutions to global challenges."
    result = run("correct", "--add", missed, "--statement", str(statement))
    assert result.code == 0 and "added" in result.out
    texts = [r["text"] for r in json.loads(run("pledges", "--statement", str(statement), "--json").out)]
    assert missed in texts
    nowhere = run("correct", "--add", "A sentence that is not in the statement.", "--statement", str(statement))
    assert nowhere.code == 2 and "is not in the statement's text. Nothing was changed." in nowhere.err


def test_a_statement_from_a_web_page(run):
    from ..pages_server import serving

    with serving() as site:
        result = run("import-statement", f"{site}/statement", "--dry-run", "--json")
    assert result.code == 0, result.err
    proposal = json.loads(result.out)
    assert [p["code"] for p in proposal["parties"]] == ["IN", "US"] and len(proposal["pledges"]) >= 15
    assert proposal["title"] == "Joint Statement from India and the United States"


def test_undo_does_not_skip_a_correction_to_undo_what_came_before(run):
    assert run("status", "TRD-1", "in_progress").code == 0
    assert run("correct", "TRD-2", "--drop").code == 0
    result = run("undo")
    assert result.code == 2 and "corrected how TRD-2 was read" in result.err
    rows = {r["ref"]: r for r in json.loads(run("pledges", "--json").out)}
    assert rows["TRD-1"]["status"] == "in_progress" and "TRD-2" not in rows


def test_statements_are_listed_with_their_ids(run):
    run("import-statement", str(INDIA))
    rows = json.loads(run("statements", "--json").out)
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[1]["signatories"] == ["India", "United States"] and rows[1]["pledges"] >= 15
    missing = run("pledges", "--statement", "99")
    assert missing.code == 2 and "There is no statement 99" in missing.err


def test_a_pdf_report_of_eleven_parties_keeps_its_numbers_whole(run, tmp_path):
    from pypdf import PdfReader

    asean = STATEMENTS / "2022-05-13-asean-us-special-summit-joint-vision-statement.txt"
    statement = json.loads(run("import-statement", str(asean), "--json").out)["statement_id"]
    ref = json.loads(run("pledges", "--statement", str(statement), "--json").out)[0]["ref"]
    assert run("assess", f"{statement}/{ref}", "Brunei", "1").code == 0
    assert run("assess", f"{statement}/{ref}", "United States", "-1").code == 0
    target = tmp_path / "asean.pdf"
    assert run("report", "-o", str(target), "--statement", str(statement)).code == 0
    words = " ".join(" ".join(page.extract_text() for page in PdfReader(str(target)).pages).split())
    card = words[words.index("Compliance scorecard") :]
    assert "+1.00 100% n=1" in card and "-1.00 0% n=1" in card  # not "+1.0" over "0", "100" over "%"
    assert "Parties: BN Brunei" in card and "US United States" in card

"""Nothing user-written becomes code where it goes (issue 16): the shared hostile strings
(tests/hostile.py) put where a user can put text — notes, a status comment, a score's
justification, links and their titles, a document's title, author and URL (one from a page's
og:url), a statement's title — and the reports written to real files and read back: the workbook
with openpyxl, the CSV with the csv module, the Markdown rendered by a CommonMark parser."""

from __future__ import annotations

import csv
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from casr_tracker import corrections, db, neutral, queries, services
from casr_tracker.errors import InputError
from casr_tracker.models import Statement
from casr_tracker.reports import build_report
from casr_tracker.reports.output import write_report

from .. import hostile
from ..hostile import FORMULAS, HOSTILE, HUGE, MARKUP, URLS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32_767
PAGE = """<!DOCTYPE html><html><head><title>Ministers meet</title>
<meta property="og:url" content="https://evil.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">
<meta property="og:title" content="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;">
</head><body><article><h1>Ministers meet</h1>
<p>The ministers of Central Asia and Russia met on 5 March 2021 and agreed to expand trade and
transport links across the region, with new routes planned for the coming years.</p>
<p>They also discussed scholarships and migration, and said further talks would follow.</p>
</article></body></html>"""


def control_characters(text: str) -> set[str]:
    return {c for c in text if unicodedata.category(c) == "Cc"}


@pytest.fixture
def hostile_tracker(engine, tmp_path):
    """Every hostile string as the last note of a pledge of its own; formulas in a status comment,
    a score's justification and the statement's title; links with hostile URLs and titles; a
    document with a hostile title, author and URL, and one imported from a page whose og:url is
    hostile, both cited. Returns the engine and {ref: note}."""
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    notes = {}
    with db.session_scope(engine) as s:
        rows = queries.pledge_rows(s)
        assert len(rows) > len(HOSTILE)
        for row, text in zip(rows, HOSTILE, strict=False):
            note = services.add_note(session=s, pledge=services.find_pledge(s, row.ref), text=text, who="tester")
            notes[row.ref] = note.text
        first = services.find_pledge(s, rows[0].ref)
        services.set_status(session=s, pledge=first, status="in_progress", comment=FORMULAS[0], who="tester")
        party = services.find_party(s, rows[0].party_codes[0])
        services.assess(session=s, pledge=first, party=party, score=-1, justification="@SUM(A1:A2)", who="tester")
        for url, title in zip(URLS, MARKUP, strict=False):
            services.attach_evidence(session=s, pledge=first, url=url, title=title, who="tester")
        services.attach_evidence(session=s, pledge=first, url=URLS[-1], who="tester")  # untitled: shown by its URL
        document = services.find_document(s, 1)
        corrections.edit_document(
            session=s, document=document, title=MARKUP[0], author=FORMULAS[0], url=URLS[0], who="tester"
        )
        quote = document.text.split(".")[0].strip()[:40]
        services.attach_evidence(session=s, pledge=first, document=document, quote=quote, who="tester")
        page_document, _ = services.import_document(session=s, path=page)
        assert page_document.url == 'https://evil.example/"><script>alert(1)</script>'
        services.attach_evidence(session=s, pledge=first, document=page_document, quote="expand trade", who="tester")
        s.get(Statement, first.statement_id).title = FORMULAS[0]  # as `import-statement --title` would store it
    return engine, notes


def _report(engine, tmp_path, fmt: str):
    with db.session_scope(engine, write=False) as s:
        report = build_report(s)
    path = tmp_path / f"report.{fmt}"
    write_report(report, path, fmt)
    return path


def _noted_refs(notes: dict, wanted) -> list[str]:
    return [ref for ref, text in notes.items() if text in wanted]


# --- spreadsheets -------------------------------------------------------------------------------


def test_workbook_cells_hold_hostile_text_as_text(hostile_tracker, tmp_path):
    engine, notes = hostile_tracker
    book = load_workbook(_report(engine, tmp_path, "xlsx"))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not ILLEGAL_CHARACTERS_RE.search(cell.value), cell.coordinate
                    assert len(cell.value.encode("utf-16-le")) // 2 <= CELL_LIMIT
                    if cell.value.lstrip().startswith(FORMULA_STARTS):
                        assert cell.quotePrefix, (cell.coordinate, cell.value)  # Excel's mark for "typed as text"
    pledges = book["Pledges"]
    header = [c.value for c in pledges[1]]
    by_ref = {row[header.index("ref")].value: row for row in pledges.iter_rows(min_row=2)}
    last_note = header.index("last_note")
    for ref, text in notes.items():
        cell = by_ref[ref][last_note]
        if text in FORMULAS or text in MARKUP:  # kept as typed, only stored as text
            assert (cell.value, cell.data_type) == (text, "s")
    huge = by_ref[_noted_refs(notes, [HUGE])[0]][last_note].value
    assert huge.startswith("x" * 30_000) and re.search(r"… \(cut: [\d,]+ characters\)$", huge)
    assert int(re.search(r"cut: ([\d,]+)", huge).group(1).replace(",", "")) == len(HUGE) - huge.count("x")
    control = by_ref[_noted_refs(notes, [hostile.CONTROL.strip()])[0]][last_note].value
    assert "\ufffd" in control and "\t" in control  # what a cell cannot hold is replaced, visibly
    assert book["Scorecard"]["A1"].value.startswith(FORMULAS[0]) and book["Scorecard"]["A1"].data_type == "s"


def test_csv_fields_never_start_a_formula(hostile_tracker, tmp_path):
    engine, notes = hostile_tracker
    with open(_report(engine, tmp_path, "csv"), encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for row in rows:
        assert len(row) == len(header)
        for field in row:
            if re.fullmatch(r"[+-]?\d+(\.\d+)?", field):
                continue  # a score: a number, not text
            assert not field.startswith(FORMULA_STARTS), field[:60]
            assert not ILLEGAL_CHARACTERS_RE.search(field)
            assert len(field.encode("utf-16-le")) // 2 <= CELL_LIMIT
    by_ref = {row[header.index("ref")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    for ref, text in notes.items():
        if text.startswith(FORMULA_STARTS):
            assert by_ref[ref]["last_note"] == "'" + text  # OWASP: a quote first, the text as typed
        elif text in MARKUP:
            assert by_ref[ref]["last_note"] == text
    assert len(by_ref) == len(rows) - 1  # one row per pledge: no carriage return started a row of its own
    forged = _noted_refs(notes, [hostile.FORGED_CR])[0]
    assert by_ref[forged]["last_note"] == hostile.FORGED_CR.replace("\r", "\n")
    first = next(iter(notes))
    assert by_ref[first]["status_comment"] == "'" + FORMULAS[0]
    huge = by_ref[_noted_refs(notes, [HUGE])[0]]["last_note"]
    assert re.search(r"… \(cut: [\d,]+ characters\)$", huge)


# --- Markdown -----------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])

    def handle_data(self, data):
        self.text.append(data)


def _rendered(markdown: str) -> _Tags:
    """The Markdown as a CommonMark renderer with raw HTML on and every link scheme let through
    shows it: what the report lets through is what a reader gets."""
    renderer = MarkdownIt("commonmark", {"html": True})
    renderer.validateLink = lambda url: True
    tags = _Tags()
    tags.feed(renderer.render(markdown))
    return tags


def test_markdown_keeps_hostile_text_as_text(hostile_tracker, tmp_path):
    engine, notes = hostile_tracker
    markdown = _report(engine, tmp_path, "md").read_text(encoding="utf-8")
    assert control_characters(markdown) <= {"\n"}  # no escape, no bell, no carriage return
    rendered = _rendered(markdown)
    assert set(rendered.tags) <= {"h1", "h2", "h3", "p", "ul", "ol", "li", "strong", "em", "a", "table"} | {
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    for href in rendered.hrefs:
        assert re.match(r"(https?|file):", href), href
    text = "".join(rendered.text)
    for typed in [*MARKUP, FORMULAS[0]]:
        assert typed in text  # shown as typed, whatever it looked like
    assert 'https://evil.example/"><script>alert(1)</script>' not in markdown


def test_markdown_links_carry_no_character_that_ends_them(hostile_tracker, tmp_path):
    engine, _ = hostile_tracker
    markdown = _report(engine, tmp_path, "md").read_text(encoding="utf-8")
    destinations = re.findall(r"\]\(<([^>]*)>\)", markdown) + re.findall(
        r"(?<![\]\\])<((?:https?|file):[^>]*)>", markdown
    )
    assert len(destinations) >= len(URLS)
    for url in destinations:
        assert not set(url) & set(" \"'()<>\\"), url
    followed = {unquote(href) for href in _rendered(markdown).hrefs}
    for url in URLS:  # each leads where it was meant to (percent-encoded as a browser would)
        assert url in followed, url


def test_pdf_and_html_links_carry_no_character_that_ends_them(engine, tmp_path):
    """A link's `)` ended the PDF's /URI string and the rest became keys of its action (/S
    /JavaScript /JS …); `"` ends an HTML attribute. Both reports percent-encode them."""
    from pypdf import PdfReader

    hostile_url = "http://x.example/a)/S/JavaScript/JS(app.alert(1)"
    broken = 'http://evil.example/a)b<c>"d'
    with db.session_scope(engine) as s:
        pledge = services.find_pledge(s, "ENV-1")
        for url in (hostile_url, broken):
            services.attach_evidence(session=s, pledge=pledge, url=url, title="report", who="tester")
    pdf = PdfReader(str(_report(engine, tmp_path, "pdf")), strict=True)
    actions = [
        annotation.get_object()["/A"]
        for page in pdf.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    uris = [action["/URI"] for action in actions]
    assert all("/JS" not in action and action["/S"] == "/URI" for action in actions)
    assert {unquote(uri) for uri in uris} >= {hostile_url, broken}
    assert all(not set(uri) & set('()<>" \\') for uri in uris), uris
    html = _report(engine, tmp_path, "html").read_text(encoding="utf-8")
    assert "http://x.example/a%29/S/JavaScript/JS%28app.alert%281%29" in html


# --- the functions, over every hostile string ---------------------------------------------------


@pytest.mark.parametrize("typed", HOSTILE, ids=hostile.shown)
def test_spreadsheet_text_is_legal_short_enough_and_no_formula(typed):
    cell = neutral.for_spreadsheet(typed)
    assert not ILLEGAL_CHARACTERS_RE.search(cell) and len(cell) <= CELL_LIMIT
    field = neutral.for_csv(typed)
    assert not field.startswith(FORMULA_STARTS) and "\r" not in field and len(field) <= CELL_LIMIT
    if not ILLEGAL_CHARACTERS_RE.search(typed) and len(typed) <= CELL_LIMIT - 1:
        assert cell == typed and field.lstrip("'") == typed.replace("\r", "\n")  # nothing else changes


def test_a_cut_says_how_much_was_cut_and_counts_as_excel_does():
    assert neutral.for_spreadsheet("x" * CELL_LIMIT) == "x" * CELL_LIMIT  # exactly full: kept whole
    cut = neutral.for_spreadsheet("x" * (CELL_LIMIT + 1))
    assert len(cut) == CELL_LIMIT and cut.endswith(f"… (cut: {CELL_LIMIT + 1 - cut.count('x'):,} characters)")
    emoji = neutral.for_spreadsheet("😀" * 20_000)  # two UTF-16 units each: 40,000 in Excel's count
    assert len(emoji.encode("utf-16-le")) // 2 <= CELL_LIMIT and emoji.endswith("characters)")
    assert neutral.for_csv(5) == 5 and neutral.for_csv(None) is None and neutral.for_csv("-1") == "'-1"


@pytest.mark.parametrize("typed", HOSTILE, ids=hostile.shown)
def test_markdown_shows_every_hostile_string_as_typed_on_one_line(typed):
    shown = neutral.for_markdown(typed)
    assert "\n" not in shown and "\r" not in shown and not control_characters(shown)
    rendered = _rendered(f"- Note: {shown}")
    assert rendered.tags == ["ul", "li"]  # no tag, no link, no image: text
    breaks = "\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"  # shown as spaces; other control characters dropped
    visible = " ".join(
        "".join(" " if c in breaks else c for c in typed if c in breaks or unicodedata.category(c) != "Cc").split()
    )
    assert " ".join("".join(rendered.text).split()) == f"Note: {visible}".strip()


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        ("Talks", "https://a.example/x?a=1&b=2", "[Talks](<https://a.example/x?a=1&b=2>)"),
        ("https://a.example/", "https://a.example/", "<https://a.example/>"),
        ('"><b>x</b>', 'https://a.example/"><script>', "[&quot;&gt;...](<https://a.example/%22%3E%3Cscript%3E>)"),
        ("t", "https://a.example/a b(c)'d", "[t](<https://a.example/a%20b%28c%29%27d>)"),
        ("t", "https://a.example/?q=&amp;", "[t](<https://a.example/?q=\\&amp;>)"),
        ("t", "javascript:alert(1)", "t (javascript:alert(1))"),
        (
            "[x](javascript:alert(1))",
            "data:text/html,<script>",
            "\\[x\\](javascript:alert(1)) (data:text/html,&lt;script&gt;)",
        ),
        ("File", "FILE:///srv/a.pdf", "[File](<FILE:///srv/a.pdf>)"),
        ("No link", "", "No link"),
    ],
)
def test_markdown_links_only_for_followable_urls(title, url, expected):
    link = neutral.markdown_link(title, url)
    if "..." in expected:
        head, tail = expected.split("...")
        assert link.startswith(head.replace("&quot;", '"')) and link.endswith(tail)
    else:
        assert link == expected
    hrefs = _rendered(link).hrefs
    assert all(neutral.followable(h) for h in hrefs) and (bool(hrefs) == neutral.followable(url))
    if hrefs:
        assert unquote(hrefs[0]) == url.replace("&amp;", "&amp;")


@pytest.mark.parametrize("typed", HOSTILE, ids=hostile.shown)
def test_terminal_text_obeys_nothing_and_keeps_to_its_line(typed):
    line = neutral.for_terminal(typed)
    assert not control_characters(line) and "\u202e" not in line
    lines = neutral.for_terminal(typed, one_line=False)
    assert control_characters(lines) <= {"\n", "\t"} and "\r" not in lines


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b]0;title\x07after", "after"),
        ("\x1b]8;;http://evil.example\x1b\\hidden\x1b]8;;\x1b\\", "hidden"),
        ("\x9b2Jcleared", "cleared"),
        ("bell\x07", "bell"),
        ("a\nb\r\nc\rd\te", "a b c d e"),
        ("abc\u202edef", "abcdef"),
        ("Ана Петрова, ‏עברית, 日本語", "Ана Петрова, ‏עברית, 日本語"),  # letters of every script stay
    ],
)
def test_terminal_text_examples(typed, expected):
    assert neutral.for_terminal(typed) == expected


@pytest.mark.parametrize("name", hostile.BAD_NAMES, ids=repr)
def test_a_name_with_a_line_break_or_a_control_character_is_refused(name):
    with pytest.raises(InputError, match=r"^A user name cannot contain line breaks or control characters\.$"):
        neutral.user_name(name)


@pytest.mark.parametrize("name", ["   ", "\u200b", "\u200b \u2060", "x" * 101])
def test_a_blank_invisible_or_overlong_name_is_refused(name):
    with pytest.raises(InputError, match=r"^A user name (cannot be blank|is at most 100 characters)"):
        neutral.user_name(name)


@pytest.mark.parametrize("name", ["tester", "Ana Petrova", "Ахмед Назаров", "O'Brien-Smith", "ана\u200cтест"])
def test_ordinary_names_are_kept_as_they_are(name):
    assert neutral.user_name(name) == name


def test_a_name_is_checked_where_a_change_is_recorded(engine):
    """Whatever gave the name (--user, $CASR_TRACKER_USER, the window's settings), a change is not
    recorded under a name with a line break: the whole change is refused."""
    with pytest.raises(InputError), db.session_scope(engine) as s:
        services.add_note(session=s, pledge=services.find_pledge(s, "TRD-3"), text="x", who=hostile.FORGED)
    with db.session_scope(engine, write=False) as s:
        assert queries.history(s, services.find_pledge(s, "TRD-3")) == []

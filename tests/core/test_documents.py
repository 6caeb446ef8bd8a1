"""Reading later documents: metadata from real bylines, encodings, and files that are not text."""

from __future__ import annotations

import datetime as dt

import pytest

from casr_tracker import db, services
from casr_tracker.errors import BadFile
from casr_tracker.importer.documents import detect_metadata, read_text

from ..conftest import SEEDS


@pytest.mark.parametrize(
    ("name", "title", "date", "author"),
    [
        (
            "doc-2020-10-30-wolkov-fms-release-statement.txt",
            "Russian and Central Asian FMs Release Statement Committing to Areas of Cooperation",
            dt.date(2020, 10, 30),
            "Nicole Wolkov",
        ),
        ("doc-2020-11-lavrov-interview-kazakh-media.txt", None, None, ""),
        (
            "doc-2023-11-20-abbasova-lavrov-ca-ambassadors.txt",
            "Russian FM Discusses Strategic Partnership with Central Asian Ambassadors",
            dt.date(2023, 11, 20),
            "Vusala Abbasova",
        ),
        (
            "doc-khaidarzoda-valdai-new-horizons.txt",
            "Cooperation between Central Asia and Russia: New Horizons",
            None,
            "Rustam Khaidarzoda",
        ),
    ],
)
def test_metadata_of_the_seed_documents(name, title, date, author):
    meta = detect_metadata(read_text(SEEDS / name))
    if title:
        assert meta.title == title
    assert meta.date == date  # 001 has other dates in it, none of them its own: nothing is guessed
    assert meta.author == author


def test_windows_1251_text_is_decoded(tmp_path):
    russian = (
        "Совместное заявление министров иностранных дел. Мы будем развивать сотрудничество в области образования и культуры.\n"
        * 5
    )
    path = tmp_path / "ru.txt"
    path.write_bytes(russian.encode("cp1251"))
    assert read_text(path) == russian


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ],
)
def test_files_that_are_not_text(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(BadFile, match=message):
        read_text(path)


def test_missing_file(tmp_path):
    with pytest.raises(BadFile, match="does not exist"):
        read_text(tmp_path / "nowhere.txt")


def test_same_document_is_not_stored_twice(engine):
    with db.session_scope(engine) as s:
        again, created = services.import_document(
            session=s, path=SEEDS / "doc-2020-10-30-wolkov-fms-release-statement.txt"
        )
        assert not created and again.id == 1


HTML = """<!doctype html><html><head><title>Site | Migrants</title>
<meta property="og:title" content="Russia opens training centres for Central Asian migrants">
<meta property="article:published_time" content="2021-04-02T10:00:00+03:00">
<meta name="author" content="Anna Petrova"></head>
<body><nav>Home News Sport Login</nav><header>Breaking: site menu</header>
<article><h1>Russia opens training centres</h1><p>Vocational training for labour migrants from Uzbekistan began in Moscow.</p>
<p>The programme is part of the migration agreements.</p><script>alert(1)</script></article>
<aside>Most read: celebrity news</aside><footer>© Newsroom 2021</footer></body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    from casr_tracker.importer.documents import load_document

    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    loaded = load_document(path)
    assert "Vocational training for labour migrants" in loaded.text
    for noise in ("Home News Sport", "site menu", "celebrity", "Newsroom 2021", "alert(1)"):
        assert noise not in loaded.text
    assert loaded.meta.title == "Russia opens training centres for Central Asian migrants"
    assert loaded.meta.date == dt.date(2021, 4, 2) and loaded.meta.author == "Anna Petrova"


def test_pdf_text_is_imported(tmp_path, engine, qapp):
    from casr_tracker.gui.qt import QPageSize, QPdfWriter, QTextDocument

    path = tmp_path / "report.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle("Scholarships report 2021")
    document = QTextDocument()
    document.setPlainText(
        "Scholarships report\nBy Ivan Petrov March 3, 2021\nRussia increased the number of scholarships for students from Kyrgyzstan."
    )
    document.print_(writer)
    del writer
    with db.session_scope(engine) as s:
        stored, created = services.import_document(session=s, path=path)
        assert created and "scholarships for students from Kyrgyzstan" in stored.text
        assert stored.title == "Scholarships report 2021" and stored.date == dt.date(2021, 3, 3)
        assert services.find_document(s, str(path)).id == stored.id


def test_a_file_that_only_pretends_to_be_a_pdf(tmp_path):
    from casr_tracker.importer.documents import load_document

    path = tmp_path / "fake.pdf"
    path.write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(BadFile, match="not a readable PDF|no text layer"):
        load_document(path)


def test_a_byline_after_the_dateline_gives_the_author():
    meta = detect_metadata("Gas deal signed in Tashkent today\nTashkent, 12 March 2024 — By Aida Karimova\nThe deal.")
    assert (meta.date, meta.author) == (dt.date(2024, 3, 12), "Aida Karimova")
    prose = detect_metadata("Gas deal signed in Tashkent today\nThe deal was signed — by all of the ministers.\n")
    assert prose.author == ""


def test_a_pdf_passage_knows_its_page_and_evidence_cites_it(tmp_path, engine, qapp):
    """A three-page PDF: each page's place in the text is kept, and an excerpt from page 3 is cited
    'p. 3' in the evidence list, the history and the report."""
    from casr_tracker.activity import history
    from casr_tracker.gui.qt import QPageSize, QPdfWriter, QTextDocument
    from casr_tracker.reports import build_report
    from casr_tracker.reports.markdown import render_markdown

    path = tmp_path / "three-pages.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    document = QTextDocument()
    pages = [
        "Migration report 2021\nBy Ivan Petrov March 3, 2021\nThe first page is about the format.",
        "The second page is about trade between the six countries.",
        "On the third page: Russia opened a training centre for labour migrants in Samarkand.",
    ]
    document.setHtml("".join(f"<p style='page-break-after:always'>{p}</p>" for p in pages))
    document.print_(writer)
    del writer
    with db.session_scope(engine) as s:
        stored, _ = services.import_document(session=s, path=path)
        assert [stored.page_of(stored.text.index(p.split(":")[0][:20])) for p in pages] == [1, 2, 3]
        evidence = services.attach_evidence(
            session=s,
            pledge=services.find_pledge(s, "MGR-1"),
            document=stored,
            quote="Russia opened a training centre for labour migrants in Samarkand",
            who="ann",
        )
        pledge = services.find_pledge(s, "MGR-1")
        entry = next(e for e in history(s, pledge) if e.kind == "evidence")
        assert entry.detail["page"] == 3 and ", p. 3)" in entry.summary
        report = render_markdown(build_report(s))
    assert f"Evidence [1, p. 3] supports, {evidence.date}" in report


def test_a_pdf_page_loses_its_ligatures_and_its_number():
    from casr_tracker.importer.documents import _page_text

    page = "3\nScientiﬁcally based forecasts of the ﬂow\nof the rivers are eﬀective.\n- 3 -\n"
    assert _page_text(page) == "Scientifically based forecasts of the flow\nof the rivers are effective."


def test_an_ambiguous_printed_date_on_a_web_page_is_flagged_not_guessed():
    from casr_tracker.importer.documents import html_to_document

    html = (
        "<html><head><title>Roadmap on labour migrants signed in Moscow</title></head><body><article>"
        "<h1>Roadmap on labour migrants signed in Moscow</h1><p class='byline'>By Jane Smith, 05/04/2024</p>"
        "<p>Russia and Uzbekistan signed a roadmap on the organised recruitment of labour migrants, the "
        "ministry said. The document covers training, medical checks and travel.</p></article></body></html>"
    )
    loaded = html_to_document(html)
    assert loaded.meta.date is None and "5 April 2024 or 4 May 2024" in loaded.meta.date_note


def test_bylines_with_a_name_before_published_or_posted_by():
    posted = detect_metadata("Headline of the page is here\nPosted by Jane Doe on 2024-05-04\nBody text.")
    assert (posted.author, posted.date) == ("Jane Doe", dt.date(2024, 5, 4))
    named = detect_metadata("Headline of the page is here\nUmer Jamshaid Published June 20, 2023 | 01:50 AM\nBody.")
    assert (named.author, named.date) == ("Umer Jamshaid", dt.date(2023, 6, 20))


def test_an_ambiguous_byline_is_read_as_the_outlet_writes_its_dates(engine):
    """A page of an outlet whose other pages in the library write dates day first gets its 05/04/2024
    read as 5 April; from an outlet the library does not know, the date stays out."""
    earlier = "Trade grows between the neighbours\nBy A. Writer, 25/03/2024\nTrade grew by a tenth this year.\n"
    ambiguous = "Roadmap on labour migrants signed\nBy A. Writer, 05/04/2024\nA roadmap was signed today.\n"
    with db.session_scope(engine) as s:
        services.import_document(session=s, text=earlier, url="https://news.example.uz/trade")
        known, _ = services.import_document(session=s, text=ambiguous, url="https://news.example.uz/roadmap")
        unknown, _ = services.import_document(
            session=s, text=ambiguous.replace("today", "in Moscow"), url="https://other.example.com/roadmap"
        )
        assert known.date == dt.date(2024, 4, 5) and unknown.date is None

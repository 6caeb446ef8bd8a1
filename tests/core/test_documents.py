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

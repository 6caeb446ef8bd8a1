"""Read files into text (encoding detection, refusal of binary and huge files) and find a later
document's metadata (title, byline date, author) in its first lines."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import logging
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import BadFile
from .bylines import Byline, dates_in, find_byline, page_convention

MAX_BYTES = 50 * 1024 * 1024


def sha256_text(text: str) -> str:
    """The hex sha256 of a text's UTF-8 bytes: the identity of statements and documents."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: byte-order marks and the codec of the text each starts, longest first (UTF-32 LE's mark begins with
#: UTF-16 LE's); the codecs take the mark off
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_codec(data: bytes) -> str | None:
    """The codec of text that starts with a byte-order mark (UTF-8, UTF-16 or UTF-32), else None."""
    return next((codec for bom, codec in _BOMS if data.startswith(bom)), None)


def decode(data: bytes, name: str) -> str:
    """Bytes → text: UTF-16/32 by their byte-order mark, UTF-8 when it is, else the encoding
    charset-normalizer detects; refuses empty text (a byte-order mark alone is empty), NUL bytes and
    binary."""
    wide = bom_codec(data)
    if wide in ("utf-16", "utf-32"):  # their NUL bytes are text
        try:
            text = data.decode(wide)
        except UnicodeDecodeError as exc:
            if exc.reason == "truncated data":
                raise BadFile(f"{name} is truncated: it ends in the middle of a character.") from None
            raise BadFile(f"{name} starts as {wide.upper()} text but is not valid {wide.upper()}.") from None
    else:
        if not data.strip():
            raise BadFile(f"{name} is empty.")
        if b"\x00" in data:
            raise BadFile(f"{name} is a binary file, not text.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                raise BadFile(f"{name} is truncated: it ends in the middle of a character.") from None
            from charset_normalizer import from_bytes  # loaded only for text that is not UTF-8

            best = from_bytes(data).best()
            if best is None:
                raise BadFile(f"{name} is not text in any encoding that could be detected.") from None
            text = str(best)
    if not text.replace("\ufeff", "").strip():  # a byte-order mark and spaces are no text
        raise BadFile(f"{name} is empty.")
    if "\x00" in text:
        raise BadFile(f"{name} is a binary file, not text.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    printable = sum(ch.isprintable() or ch in "\n\t" for ch in text[:20000])
    if printable < 0.95 * min(len(text), 20000):
        raise BadFile(f"{name} does not look like text (too many control characters).")
    return text


#: what a path names when it is not a regular file (read from it, a pipe or a device could block or never end)
_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)
#: opening never waits (a pipe without a writer, a terminal), nor makes the file this process's terminal
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _check_regular(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise BadFile(f"{path} is a folder, not a file.")
    if not stat.S_ISREG(mode):
        kind = next((kind for test, kind in _SPECIAL if test(mode)), "a special file")
        raise BadFile(f"{path} is {kind}, not a regular file; save its contents to a file and import that.")


def _too_big(path: Path, size: int | None, limit: int) -> BadFile:
    over = f"files over {limit / (1024 * 1024):.0f} MB are not imported."
    if size is None:  # the file said it was smaller than it is (a growing file, /proc)
        return BadFile(f"{path} is more than {limit / (1024 * 1024):.0f} MB; {over}")
    return BadFile(f"{path} is {size / 1e6:.0f} MB; {over}")


def _unreadable(path: Path, exc: Exception) -> BadFile:
    """The one sentence for a file that could not be opened or read."""
    if isinstance(exc, FileNotFoundError):
        return BadFile(f"{path} does not exist.")
    if isinstance(exc, PermissionError):
        return BadFile(f"{path} cannot be read (permission denied).")
    if isinstance(exc, OSError):
        return BadFile(f"{path} cannot be read: {exc.strerror or exc}.")
    return BadFile(f"{str(path)!r} is not a file name that can be opened.")  # a NUL in the name


def open_regular(path: str | Path) -> BinaryIO:
    """A regular file opened to read in binary, with one clear error for a missing or unreadable file
    and for a folder, a pipe, a device or a socket (refused before it is opened, and again once
    opened, without waiting, in case the path changed in between)."""
    path = Path(path)
    try:
        _check_regular(path, os.stat(path).st_mode)
        handle = os.fdopen(os.open(path, _OPEN_FLAGS), "rb")
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    try:
        _check_regular(path, os.fstat(handle.fileno()).st_mode)
    except BaseException:
        handle.close()
        raise
    return handle


def read_bytes(path: str | Path) -> bytes:
    """A regular file's bytes (`open_regular`), at most MAX_BYTES whatever its size claims."""
    path = Path(path)
    limit = MAX_BYTES
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise _too_big(path, size, limit)
            data = handle.read(limit + 1)
        except OSError as exc:
            raise _unreadable(path, exc) from None
    if len(data) > limit:
        raise _too_big(path, None, limit)
    return data


def read_text(path: str | Path) -> str:
    """The text of a text file, with one clear error for a missing, unreadable, huge, empty or binary one
    (or a path that is no regular file)."""
    return decode(read_bytes(path), str(path))


@dataclass
class DocumentMeta:
    """What the first lines of a document say about it; empty fields were not found."""

    title: str = ""
    date: dt.date | None = None
    author: str = ""
    #: why a byline date was left out (it could be two days), for the analyst to settle
    date_note: str = ""
    #: the two days an ambiguous byline date could be: (read day first, read month first)
    could_be: tuple[dt.date, ...] = ()


_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_IN_LINE = re.compile(
    r"\b(?:\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|"
    + _MONTHS
    + r"\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+"
    + _MONTHS
    + r",?\s+\d{4})\b"
)
_NOT_BYLINE = re.compile(r"^\s*(?:last\s+)?(?:update[ds]?|modified|edited)\b", re.I)
_BYLINE = re.compile(r"^\s*(?:by|author:|written by|posted by)\s+(.+)$", re.I)
#: a byline after a dateline on the same line: "Tashkent, 12 March 2024 — By Aida Karimova"
_BYLINE_AFTER = re.compile(r"(?:[—–|·,]|\s-)\s*(?:By|BY|Author:|Written by|Posted by)\s+(.+)$")
_NAME_PUBLISHED = re.compile(r"^([A-Z][a-z]+(?: [A-Z][a-z]+){1,2}) (?:Published|Posted|Updated)\b")
_WRITES = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+){1,2}) (?:writes|reports)\b")
_TITLE_PREFIXES = re.compile(r"^(?:you are currently viewing|home\s*[»>]|title:)\s*", re.I)
_HEAD_LINES = 15


def _head(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:_HEAD_LINES]


def find_author(text: str) -> str:
    """The author from an 'Author:'/'By' byline or an 'X writes' line near the top."""
    for line in _head(text):
        byline = _BYLINE.match(line) or (_BYLINE_AFTER.search(line) if len(line) <= 160 else None)
        if byline:
            name = _DATE_IN_LINE.sub("", byline.group(1))
            name = re.sub(r"\b(?:on|at|published|posted|updated)\b.*$", "", name, flags=re.I).strip(" ,|·-—")
            if 0 < len(name.split()) <= 5:
                return name
    for line in _head(text):
        named = _NAME_PUBLISHED.match(line)  # "Umer Jamshaid Published June 20, 2023 | 01:50 AM"
        if named:
            return named.group(1)
    for line in _head(text):
        writes = _WRITES.search(line)
        if writes:
            return writes.group(1)
    return ""


#: a dateline's date at the start of a line ("date 2023-04-15 ", "12.04.2024 | ") is not part of a title
_LEADING_DATE = re.compile(r"^(?:date\s+)?\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2})?\s+|^\d{1,2}\.\d{1,2}\.\d{4}\s*\|?\s*")
#: a headline stands among a page's first lines (a line further down is the body, or a cut-off end)
_TITLE_LINES = 4


def find_title(text: str) -> str:
    """The first line among the first few that reads like a headline: not navigation, not a byline or a
    stamp, not a list's lead-in or a sentence of the body."""
    for line in _head(text)[:_TITLE_LINES]:
        line = _LEADING_DATE.sub("", _TITLE_PREFIXES.sub("", line))
        words = line.split()
        if len(words) < 4 or len(line) > 200 or line.endswith((".", ",", ":", ";")):
            continue
        if _BYLINE.match(line) or _NOT_BYLINE.match(line) or _DATE_IN_LINE.fullmatch(line):
            continue
        if line.endswith("?") or line.lower().startswith(("question", "connect with")):
            continue
        return line
    return ""


def detect_metadata(text: str) -> DocumentMeta:
    """Title, byline date and author as far as the text tells them; nothing is guessed."""
    byline = find_byline(text)
    return DocumentMeta(find_title(text), byline.date, find_author(text), byline.note, byline.could_be)


# --- other formats: HTML, PDF, Markdown ----------------------------------------------------------


@dataclass
class LoadedDocument:
    """A document's plain text and what its format said about it (empty when it said nothing)."""

    text: str
    meta: DocumentMeta
    url: str = ""
    #: the bytes the text was read from, their media type, and (for a web page) when it was fetched
    original: bytes | None = None
    media_type: str | None = None
    retrieved_at: dt.datetime | None = None
    #: the day a web page says it was last updated (its publication date is meta.date)
    updated: dt.date | None = None
    #: where pages 2, 3, … of a PDF start in `text`
    page_starts: list[int] | None = None


def _clean_lines(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _markup_date(html: str, *, original: bool) -> dt.date | None:
    """The publication (`original`) or last-update date the page's markup states (meta tags, JSON-LD,
    <time>), by htmldate; nothing is searched for in the text, so no date is invented."""
    from htmldate import find_date

    try:
        found = find_date(html, original_date=original, extensive_search=False, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        return None
    return dt.date.fromisoformat(found) if found else None


#: fewer words than this in a page's main text, and it has none worth importing
MIN_PAGE_WORDS = 8


def html_to_document(html: str, url: str = "", *, name: str = "") -> LoadedDocument:
    """The main text of a web page (navigation, headers, footers, sidebars and comments left out) and
    its title, author and dates, by trafilatura and htmldate; a byline in the text fills what the
    markup leaves out. A page with too few words (a menu, a page built by scripts) is refused, named by
    its `url` or the `name` of the file it was read from."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=True
    )
    found = extracted.as_dict() if extracted is not None and hasattr(extracted, "as_dict") else extracted or {}
    lines = [line for line in _clean_lines(found.get("text") or "").splitlines() if line.strip()]
    text = "\n\n".join(lines) + "\n" if lines else ""  # one paragraph per line, a blank line between
    if len(text.split()) < MIN_PAGE_WORDS:  # a menu or a "Loading…" is not an article
        raise BadFile(f"{url or name or 'The page'} has no text to import (an empty page, or one built by scripts).")
    title = " ".join((found.get("title") or "").split())
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    published = _markup_date(html, original=True)
    updated = _markup_date(html, original=False)
    in_text = detect_metadata(text)
    note, could_be = in_text.date_note, in_text.could_be
    if published and published.isoformat() not in html:  # read from printed text, not machine-readable markup
        printed = re.sub(r"<[^>]+>", "\n", html)
        ambiguous = [found for found in dates_in(printed) if published in found.could_be]
        if ambiguous and page_convention(printed) is None:  # a d/m/y that could be m/d/y: flagged, not guessed
            could_be = ambiguous[0].could_be
            published, note = None, Byline(None, ambiguous[0].printed, could_be).note
    meta = DocumentMeta(
        title or in_text.title,
        published or in_text.date,
        " ".join((found.get("author") or "").split()) or in_text.author,
        "" if published else note,
        () if published else could_be,
    )
    return LoadedDocument(
        text,
        meta,
        found.get("url") or url,
        original=html.encode("utf-8"),
        media_type="text/html",
        updated=updated if updated and updated != published else None,
    )


#: typographic ligatures PDFs keep (ﬁ, ﬂ, ﬀ …), spelt out so the words can be searched and quoted
_LIGATURES = {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
#: a page's number standing alone at its top or foot ("3", "- 3 -", "Page 3 of 9")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)


def _page_text(text: str) -> str:
    """A PDF page's text: ligatures spelt out, a page number alone on its first or last line left out."""
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    text = text.replace("\x00", "")  # a string of NULs shown on a page is no text (and no database keeps it)
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and _PAGE_NUMBER.match(lines[-1]):
        lines.pop()
    if lines and _PAGE_NUMBER.match(lines[0]):
        lines.pop(0)
    return "\n".join(lines)


#: the most page content a PDF may inflate to, all pages together (pypdf limits each stream, not their sum)
MAX_PDF_CONTENT = 100 * 1024 * 1024

#: pypdf reports what it worked around on its logger ("Advanced encoding … not implemented"), at levels up
#: to ERROR; none of it is the user's one sentence
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)


def _inflates_too_far(name: str) -> BadFile:
    return BadFile(
        f"{name} is not imported: its compressed content inflates to more than any real document holds "
        "(a damaged or hostile PDF)."
    )


def pdf_to_document(data: bytes, name: str) -> LoadedDocument:
    """The text of a PDF, page after page, and its title and author from the document information.
    A PDF that pypdf cannot read, in whatever way it fails on a damaged or hostile file, is one sentence;
    one whose compressed streams inflate past pypdf's limits (a PDF bomb) is refused."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise BadFile(f"{name} is an encrypted PDF; remove the password and import it again.")
        inflated = 0
        for page in reader.pages:  # every page's content inflated (and kept by pypdf) before any is read
            contents = page.get_contents()
            inflated += len(contents.get_data()) if contents is not None else 0
            if inflated > MAX_PDF_CONTENT:
                raise _inflates_too_far(name)
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = str(info.title).strip() if info and info.title else ""
        author = str(info.author).strip() if info and info.author else ""
    except BadFile:
        raise
    except LimitReachedError:
        raise _inflates_too_far(name) from None
    except MemoryError:
        raise BadFile(f"{name} is not imported: reading it needs more memory than there is.") from None
    except Exception as exc:  # on a damaged file pypdf raises its own errors, ValueError, RecursionError, …
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise BadFile(f"{name} is not a readable PDF ({detail}).") from None
    pages = [_page_text(page) for page in pages]
    text, starts = "", []
    for number, page in enumerate(pages):  # page by page, so that each page's place in the text is known
        cleaned = _clean_lines(page).strip()
        if number:
            starts.append(len(text))
        text += cleaned + "\n\n" if cleaned else ""
    text = text.rstrip() + "\n"
    if not text.strip():
        raise BadFile(f"{name} has no text layer (a scanned PDF?); nothing to import.")
    found = detect_metadata(text)
    loaded = LoadedDocument(text, DocumentMeta(title or found.title, found.date, author or found.author))
    loaded.page_starts = starts
    return loaded


def markdown_to_document(text: str) -> LoadedDocument:
    """Markdown is kept as it is; a first '# ' heading is its title."""
    found = detect_metadata(text)
    heading = re.search(r"^#\s+(.+)$", text, re.M)
    return LoadedDocument(
        text, DocumentMeta(heading.group(1).strip() if heading else found.title, found.date, found.author)
    )


def load_document(path: str | Path) -> LoadedDocument:
    """Any supported file (.txt, .md, .html, .pdf; sniffed when the name says nothing) as a document,
    with the bytes it was read from."""
    path = Path(path)
    data = read_bytes(path)
    suffix = path.suffix.lower()
    if not data.strip():  # an empty .pdf too
        raise BadFile(f"{path} is empty.")
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        loaded = pdf_to_document(data, str(path))
        loaded.original, loaded.media_type = data, "application/pdf"
        return loaded
    text = decode(data, str(path))
    head = text[:2000].lower()
    if suffix in (".html", ".htm", ".xhtml") or "<html" in head or "<!doctype html" in head:
        loaded = html_to_document(text, name=str(path))
    elif suffix in (".md", ".markdown"):
        loaded = markdown_to_document(text)
    else:
        loaded = LoadedDocument(text, detect_metadata(text))
    loaded.original = data  # the file's own bytes
    loaded.media_type = loaded.media_type or ("text/markdown" if suffix in (".md", ".markdown") else "text/plain")
    return loaded

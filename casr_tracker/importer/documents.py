"""Read files into text (encoding detection, refusal of binary and huge files) and find a later
document's metadata (title, byline date, author) in its first lines."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from dateutil import parser as dateparser

from ..errors import BadFile
from .bylines import find_byline

MAX_BYTES = 50 * 1024 * 1024


def sha256_text(text: str) -> str:
    """The hex sha256 of a text's UTF-8 bytes: the identity of statements and documents."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode(data: bytes, name: str) -> str:
    """Bytes → text: UTF-8 when it is, else the encoding charset-normalizer detects; refuses binary."""
    if not data.strip():
        raise BadFile(f"{name} is empty.")
    if b"\x00" in data[:8192]:
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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    printable = sum(ch.isprintable() or ch in "\n\t" for ch in text[:20000])
    if printable < 0.95 * min(len(text), 20000):
        raise BadFile(f"{name} does not look like text (too many control characters).")
    return text


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, with one clear error for a missing, unreadable or huge file."""
    path = Path(path)
    if not path.exists():
        raise BadFile(f"{path} does not exist.")
    if path.is_dir():
        raise BadFile(f"{path} is a folder, not a file.")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadFile(f"{path} is {size / 1e6:.0f} MB; files over 50 MB are not imported.")
        return path.read_bytes()
    except PermissionError:
        raise BadFile(f"{path} cannot be read (permission denied).") from None
    except OSError as exc:
        raise BadFile(f"{path} cannot be read: {exc.strerror or exc}.") from None


def read_text(path: str | Path) -> str:
    """The text of a text file, with one clear error for a missing, unreadable, huge, empty or binary one."""
    return decode(read_bytes(path), str(path))


@dataclass
class DocumentMeta:
    """What the first lines of a document say about it; empty fields were not found."""

    title: str = ""
    date: dt.date | None = None
    author: str = ""
    #: why a byline date was left out (it could be two days), for the analyst to settle
    date_note: str = ""


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
_WRITES = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+){1,2}) (?:writes|reports)\b")
_TITLE_PREFIXES = re.compile(r"^(?:you are currently viewing|home\s*[»>]|title:)\s*", re.I)
_HEAD_LINES = 15


def _head(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:_HEAD_LINES]


def find_byline_date(text: str) -> dt.date | None:
    """The publication date the byline prints (bylines.find_byline); None when there is none or it
    is ambiguous."""
    return find_byline(text).date


def find_author(text: str) -> str:
    """The author from an 'Author:'/'By' byline or an 'X writes' line near the top."""
    for line in _head(text):
        byline = _BYLINE.match(line) or (_BYLINE_AFTER.search(line) if len(line) <= 160 else None)
        if byline:
            name = _DATE_IN_LINE.sub("", byline.group(1)).strip(" ,|·-—")
            if 0 < len(name.split()) <= 5:
                return name
    for line in _head(text):
        writes = _WRITES.search(line)
        if writes:
            return writes.group(1)
    return ""


def find_title(text: str) -> str:
    """The first line that reads like a headline: not navigation, not a byline or a stamp."""
    for line in _head(text):
        line = _TITLE_PREFIXES.sub("", line)
        words = line.split()
        if len(words) < 4 or len(line) > 200 or line.endswith((".", ",")):
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
    return DocumentMeta(find_title(text), byline.date, find_author(text), byline.note)


# --- other formats: HTML, PDF, Markdown ----------------------------------------------------------


@dataclass
class LoadedDocument:
    """A document's plain text and what its format said about it (empty when it said nothing)."""

    text: str
    meta: DocumentMeta
    url: str = ""


def _clean_lines(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def html_to_document(html: str) -> LoadedDocument:
    """The main text of a web page (navigation, headers, footers, scripts and forms left out) and its
    metadata from <title>, Open Graph and article meta tags."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")

    def meta(*names: str) -> str:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
            if tag and tag.get("content"):
                return str(tag["content"]).strip()
        return ""

    title = meta("og:title", "twitter:title") or (soup.title.get_text(strip=True) if soup.title else "")
    author = meta("author", "article:author")
    url = meta("og:url")
    published = meta("article:published_time", "date", "dc.date", "pubdate")
    time_tag = soup.find("time", attrs={"datetime": True})
    if not published and time_tag:
        published = str(time_tag["datetime"])
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg"]):
        tag.decompose()
    main = soup.find("article") or soup.find("main") or soup.body or soup
    heading = main.find("h1")
    if heading and not title:
        title = heading.get_text(" ", strip=True)
    text = _clean_lines(main.get_text("\n"))
    date = None
    if published:
        try:
            date = dateparser.parse(published).date()
        except (ValueError, OverflowError):
            date = None
    found = detect_metadata(text)
    return LoadedDocument(text, DocumentMeta(title or found.title, date or found.date, author or found.author), url)


def pdf_to_document(data: bytes, name: str) -> LoadedDocument:
    """The text of a PDF, page after page, and its title and author from the document information."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise BadFile(f"{name} is an encrypted PDF; remove the password and import it again.")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except BadFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise BadFile(f"{name} is not a readable PDF ({exc}).") from None
    text = _clean_lines("\n\n".join(pages))
    if not text.strip():
        raise BadFile(f"{name} has no text layer (a scanned PDF?); nothing to import.")
    found = detect_metadata(text)
    title = str(info.title).strip() if info and info.title else ""
    author = str(info.author).strip() if info and info.author else ""
    return LoadedDocument(text, DocumentMeta(title or found.title, found.date, author or found.author))


def markdown_to_document(text: str) -> LoadedDocument:
    """Markdown is kept as it is; a first '# ' heading is its title."""
    found = detect_metadata(text)
    heading = re.search(r"^#\s+(.+)$", text, re.M)
    return LoadedDocument(
        text, DocumentMeta(heading.group(1).strip() if heading else found.title, found.date, found.author)
    )


def load_document(path: str | Path) -> LoadedDocument:
    """Any supported file (.txt, .md, .html, .pdf; sniffed when the name says nothing) as a document."""
    path = Path(path)
    data = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        return pdf_to_document(data, str(path))
    text = decode(data, str(path))
    head = text[:2000].lower()
    if suffix in (".html", ".htm", ".xhtml") or "<html" in head or "<!doctype html" in head:
        return html_to_document(text)
    if suffix in (".md", ".markdown"):
        return markdown_to_document(text)
    return LoadedDocument(text, detect_metadata(text))

"""Read files into text (encoding detection, refusal of binary and huge files) and find a later
document's metadata (title, byline date, author) in its first lines."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes
from dateutil import parser as dateparser

from ..errors import BadFile

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
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise BadFile(f"{name} is not text in any encoding that could be detected.") from None
        text = str(best)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    printable = sum(ch.isprintable() or ch in "\n\t" for ch in text[:20000])
    if printable < 0.95 * min(len(text), 20000):
        raise BadFile(f"{name} does not look like text (too many control characters).")
    return text


def read_text(path: str | Path) -> str:
    """The text of a file, with one clear error for a missing, unreadable, huge, empty or binary one."""
    path = Path(path)
    if not path.exists():
        raise BadFile(f"{path} does not exist.")
    if path.is_dir():
        raise BadFile(f"{path} is a folder, not a file.")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadFile(f"{path} is {size / 1e6:.0f} MB; files over 50 MB are not imported.")
        data = path.read_bytes()
    except PermissionError:
        raise BadFile(f"{path} cannot be read (permission denied).") from None
    except OSError as exc:
        raise BadFile(f"{path} cannot be read: {exc.strerror or exc}.") from None
    return decode(data, str(path))


@dataclass
class DocumentMeta:
    """What the first lines of a document say about it; empty fields were not found."""

    title: str = ""
    date: dt.date | None = None
    author: str = ""


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
_WRITES = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+){1,2}) (?:writes|reports)\b")
_TITLE_PREFIXES = re.compile(r"^(?:you are currently viewing|home\s*[»>]|title:)\s*", re.I)
_HEAD_LINES = 15


def _head(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:_HEAD_LINES]


def find_byline_date(text: str) -> dt.date | None:
    """The publication date from the byline: a date standing alone or beside the author's name in
    the first lines. 'Last update' stamps and dates inside sentences are not bylines."""
    for line in _head(text):
        if len(line) > 120 or _NOT_BYLINE.match(line):
            continue
        match = _DATE_IN_LINE.search(line)
        if not match:
            continue
        rest = (line[: match.start()] + line[match.end() :]).strip(" ,|·-—")
        if rest and not (_BYLINE.match(line) or re.match(r"^(?:published|posted|date)\b", rest, re.I)):
            continue
        try:
            return dateparser.parse(match.group(), dayfirst=False).date()
        except (ValueError, OverflowError):
            continue
    return None


def find_author(text: str) -> str:
    """The author from an 'Author:'/'By' byline or an 'X writes' line near the top."""
    for line in _head(text):
        byline = _BYLINE.match(line)
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
    return DocumentMeta(find_title(text), find_byline_date(text), find_author(text))

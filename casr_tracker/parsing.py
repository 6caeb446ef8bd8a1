"""What users type, read into values: full dates, statuses, scores, stances, evidence URLs. Each
refusal is a CasrError whose message is one sentence saying what is accepted."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

from dateutil import parser as dateparser

from .errors import BadDate, BadScore, BadUrl, InputError, UnknownStatus
from .models import Stance, Status, today

URL_SCHEMES = ("http", "https", "file")

#: Two days that differ in day, month and year (both in leap years, so "29 February 2024" reads): a
#: field the typed text does not name is filled from these, so it comes out different in the two.
_FILL_FIRST, _FILL_SECOND = dt.datetime(2000, 1, 1), dt.datetime(2004, 2, 2)
FULL_DATE_HINT = "write a full date such as 2021-03-01 or 1 March 2021"


def parse_date(text: str | dt.date | None, *, default: dt.date | None = None) -> dt.date | None:
    """A full date from what a user typed; BadDate when it does not parse or lacks a part.

    2021-03-05, 2021/03/05 and 20210305 (year first: year, month, day); 5 March 2021, March 5, 2021;
    05.03.2021 and 05/03/2021 (day first). "March 2021", "2021-03", "2021" or "15 March" are refused:
    dateutil would fill the missing part in silently."""
    if text is None or text == "":
        return default
    if isinstance(text, dt.date):
        return text
    typed = text.strip()
    year_first = re.match(r"\d{4}", typed) is not None  # dateutil reads 2021-03-05 as y-d-m when day first
    try:
        first, second = (
            dateparser.parse(typed, default=fill, dayfirst=not year_first, yearfirst=year_first)
            for fill in (_FILL_FIRST, _FILL_SECOND)
        )
    except (ValueError, OverflowError):
        raise BadDate(f"{text!r} is not a date; {FULL_DATE_HINT}.") from None
    missing = [part for part in ("day", "month", "year") if getattr(first, part) != getattr(second, part)]
    if missing:
        names = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} or {missing[-1]}"
        raise BadDate(f"{text!r} names no {names}; {FULL_DATE_HINT}.")
    return first.date()


def check_not_after_today(date: dt.date | None, what: str) -> None:
    """A status, a score or evidence records what has happened: BadDate when `date` is after today."""
    if date is not None and date > today():
        raise BadDate(
            f"{what} cannot take effect on {date}, after today ({today()}); give today's date or an earlier one."
        )


def parse_status(text: str) -> Status:
    """A Status from its name, forgiving case, spaces and dashes."""
    key = re.sub(r"[\s-]+", "_", text.strip().lower())
    try:
        return Status(key)
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise UnknownStatus(f"{text!r} is not a status; use one of: {names}.") from None


def parse_score(text: str | int | None) -> int | None:
    """A compliance score: -1, 0 or +1; None (not a text) withdraws a score."""
    if text is None:
        return None
    try:
        score = int(str(text).strip())
    except ValueError:
        score = None
    if score not in (-1, 0, 1):
        raise BadScore(f"{text!r} is not a compliance score; use -1, 0 or +1.")
    return score


def parse_stance(text: str) -> Stance:
    try:
        return Stance(text.strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in Stance)
        raise InputError(f"{text!r} is not a stance; use one of: {names}.") from None


def check_url(url: str) -> str:
    """An evidence URL: only http, https and file links are accepted."""
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme.lower() not in URL_SCHEMES or not (parsed.netloc or parsed.path):
        raise BadUrl(f"{url!r} is not an http, https or file link.")
    return url


def parse_id(text: object) -> int | None:
    """A row id as typed ("12", "#12"); None when it is not one (letters, "²", more digits than an
    id holds), so the caller can say there is no such row."""
    typed = str(text).strip().lstrip("#")
    return int(typed) if typed.isascii() and typed.isdigit() and len(typed) < 19 else None

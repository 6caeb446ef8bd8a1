"""Byline dates: the day a page says it was published, read from its first lines.

Real pages print it in many forms: "April 12, 2024", "12 April 2024, 10:23", "2024, April 12 10:23",
"12.04.2024 | 20:35", "date 2024-04-12 09:20", "Published 12/04/2024 | 10:23" after the author's
name, or on one line with a section name and the headline. Numeric dates are read day-first or
month-first as the page decides (a part over 12 in it or in the page's other dates; dots are
day-first); when nothing decides, the date is flagged as ambiguous and left out, never guessed.
"Updated" and "modified" stamps are not the publication date, and a date inside a sentence of the
article is not a byline.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
#: Russian month names (genitive and nominative), as pages of the region print them in bylines
_RUSSIAN = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр")
MONTHS.update({f"{stem}{end}": n for n, stem in enumerate(_RUSSIAN, start=1) for end in ("я", "ь", "а", "й", "")})
MONTHS.pop("ма")
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>(?:19|20)\d\d)"

#: each form, tried in this order on a line; numeric day/month order is settled afterwards
FORMS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("iso", r"\b" + _YEAR + r"-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?\b"),
        ("ymd", r"\b" + _YEAR + r"[./](?P<m>[01]?\d)[./](?P<d>[0-3]?\d)\b"),
        ("numeric", r"(?<![\d.:/-])(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[0-3]?\d)(?P=sep)" + _YEAR + r"\b"),
        ("month_day_year", r"\b" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b"),
        ("day_month_year", r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b"),
        ("year_month_day", r"\b" + _YEAR + r",?\s+" + _MONTH + r"\s+" + _DAY + r"\b"),
        ("year_day_month", r"\b" + _YEAR + r",?\s+" + _DAY + r"\s+" + _MONTH + r"(?!\s*,?\s*(?:19|20)\d\d)"),
    )
)

#: a stamp that is not the publication date
_UPDATED = re.compile(r"\b(?:last\s+)?(?:updated?|modified|edited|changed)\b", re.I)
#: words that put a date inside a sentence of the article ("met on 15 October 2020")
_PROSE_BEFORE = re.compile(
    r"\b(?:on|since|from|until|till|before|after|of|in|to|between|and|by the end of|dated|signed|the|an?)\s*$", re.I
)
#: a byline: its date is the publication's whatever word stands before it
_BYLINE_START = re.compile(r"^\s*(?:by|posted by|written by|published|posted)\b", re.I)
#: what may stand before a dateline's date: nothing, a label, a place name, punctuation
_DATELINE_LEAD = re.compile(r"^(?:(?:date|published|posted|on)\b|[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)?\b)?[\s,|:·—–/(-]*$")
#: body text: the byline is above it (a date further down is a related story's or a sentence's)
_PROSE_LINES_READ = 2
_HEAD_LINES = 20
_MAX_LINE = 200
#: a date starting this close to the beginning of a line is its dateline, however long the line
_DATELINE_REACH = 40


@dataclass(frozen=True)
class FoundDate:
    """A date printed in a line: the day, or the two days it could be (when nothing decides)."""

    printed: str
    date: dt.date | None
    could_be: tuple[dt.date, ...] = ()
    numeric: tuple[int, int, int, str] | None = None  # (a, b, year, separator) of a d/m/y or m/d/y date
    start: int = 0


@dataclass
class Byline:
    """The byline date of a page: `date`, or `ambiguous` with the days it could be."""

    date: dt.date | None = None
    printed: str = ""
    could_be: tuple[dt.date, ...] = field(default_factory=tuple)

    @property
    def note(self) -> str:
        """A sentence for the analyst when the date was left out because it is ambiguous."""
        if not self.could_be:
            return ""
        days = " or ".join(f"{d.day} {d:%B %Y}" for d in self.could_be)
        return f"The byline date {self.printed!r} could be {days}; set it with Edit details (document edit --date)."


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def dates_in(line: str) -> list[FoundDate]:
    """Every date printed in `line`, in order, each read as far as the line alone decides."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in FORMS:
        for match in pattern.finditer(line):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append(match.span())
            g = match.groupdict()
            year = int(g["y"])
            if name == "numeric":
                a, b = int(g["a"]), int(g["b"])
                day_first, month_first = _day(year, b, a), _day(year, a, b)
                if g["sep"] == "." or month_first is None:
                    date, could_be = day_first, ()
                elif day_first is None or a == b:
                    date, could_be = month_first, ()
                else:
                    date, could_be = None, (day_first, month_first)
                found.append(FoundDate(match.group(), date, could_be, (a, b, year, g["sep"]), match.start()))
                continue
            month = MONTHS[g["mon"].lower()] if g.get("mon") else int(g["m"])
            date = _day(year, month, int(g["d"]))
            if date is not None:
                found.append(FoundDate(match.group(), date, start=match.start()))
    return sorted(found, key=lambda f: f.start)


def page_convention(text: str) -> str | None:
    """'day' or 'month' when the page's numeric slash or dash dates show which comes first."""
    votes = {"day": 0, "month": 0}
    for match in FORMS[2][1].finditer(text):
        a, b = int(match.group("a")), int(match.group("b"))
        if a > 12 >= b:
            votes["day"] += 1
        elif b > 12 >= a:
            votes["month"] += 1
    if votes["day"] != votes["month"]:
        return max(votes, key=votes.get)
    return None


def _is_prose(line: str, found: FoundDate) -> bool:
    """A date inside a sentence of the article, not a byline. A date that opens a line (in its first
    few words: "date 2024-04-12 …", "Minsk, April 12, 2024, The Europe Today: …") is a dateline."""
    before = line[: found.start]
    if _BYLINE_START.match(line) and len(line) <= _MAX_LINE:
        return False  # "Posted by Jane Doe on 2024-05-04": the byline's own date
    if _PROSE_BEFORE.search(before):
        return True
    if found.start <= _DATELINE_REACH and _DATELINE_LEAD.match(before):
        return False
    if len(line) > _MAX_LINE:
        return True
    return _is_sentence(line)


def _is_sentence(line: str) -> bool:
    """A line of the article's body: fourteen words or more, ending as a sentence ends."""
    words = len(re.findall(r"[^\W\d_]{2,}", line))
    return words >= 14 and line.rstrip().endswith((".", "!", "?", "»", "”", '"'))


def find_byline(text: str, head_lines: int = _HEAD_LINES) -> Byline:
    """The publication date the page's first lines print (see the module's docstring)."""
    convention: str | None = None
    lines = [line.strip() for line in text.splitlines() if line.strip()][:head_lines]
    prose_lines = 0
    for line in lines:
        if prose_lines >= _PROSE_LINES_READ:
            break
        prose_lines += _is_sentence(line)
        published_part = _UPDATED.split(line, maxsplit=1)[0]  # "Published X | Updated Y": X
        for found in dates_in(published_part):
            if _is_prose(published_part, found):
                continue
            if found.date is not None and found.date > dt.date.today():
                continue  # a day still to come is an event's date, not the page's publication
            if found.date is not None:
                return Byline(found.date, found.printed)
            if convention is None:
                convention = page_convention(text) or "undecided"
            a, b, year, _sep = found.numeric
            decided = {"day": _day(year, b, a), "month": _day(year, a, b)}.get(convention)
            if decided is not None and decided > dt.date.today():
                continue  # a day still to come is not the publication's
            if convention in ("day", "month"):
                return Byline(decided, found.printed)
            return Byline(None, found.printed, found.could_be)
    return Byline()


__all__ = ["Byline", "FoundDate", "dates_in", "find_byline", "page_convention"]

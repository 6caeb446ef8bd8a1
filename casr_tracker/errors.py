"""One exception tree: every mistake a user can make ends up as one of these.

CasrError                     base: the CLI prints str(error) on one line, exit 2
├── InputError                a value the user typed is not acceptable
│   ├── BadDate               a date that does not parse, lacks its day, month or year, or
│   │                         (for a status or a score) lies after today
│   ├── UnknownStatus         not one of the seven statuses
│   ├── UnknownParty          not one of the statement's parties
│   ├── BadScore              a compliance score other than -1, 0, +1
│   └── BadUrl                an evidence URL that is not http, https or file
├── NotFound                  a ref, document or statement that does not exist
├── BadFile                   a file that is missing, empty, binary or unreadable
├── ImportProblem             a text the importer cannot make sense of
├── StaleEdit                 an edit based on an out-of-date version
└── StorageError              the database cannot be opened, read or written
"""

from __future__ import annotations


class CasrError(Exception):
    """Base of every error a user can cause; its message is one sentence."""


class InputError(CasrError):
    """A value typed by the user is not acceptable."""


class BadDate(InputError):
    """A date that does not parse, names no day, month or year, or is after today where it cannot be."""


class UnknownStatus(InputError):
    """A status name that is not one of the seven statuses."""


class UnknownParty(InputError):
    """A party that is not one of the statement's parties."""


class BadScore(InputError):
    """A compliance score other than -1, 0 or +1."""


class BadUrl(InputError):
    """An evidence URL whose scheme is not http, https or file."""


class NotFound(CasrError):
    """A ref, document or statement that does not exist."""


class BadFile(CasrError):
    """A file that is missing, empty, binary or cannot be read as text."""


class ImportProblem(CasrError):
    """A text the importer cannot make sense of (no headings, no pledges)."""


class StaleEdit(CasrError):
    """An edit made from data that someone else has changed since."""


class StorageError(CasrError):
    """The database cannot be opened, read or written."""

"""The verbs: every change to the tracker goes through one of these functions.

Each takes keyword-only arguments with an open `session` (one transaction, see db.session_scope),
checks its input and records what it did as events (append-only); the session itself notes what
changed and moves the data revision (changes.py). One module per thing changed: pledges (status and
scores), notes, evidence, documents; lookups find what a command or a click names. The parsing of
user values (parsing.py) and the errors are re-exported here for the verbs' callers.
"""

from __future__ import annotations

from ..changes import NOTIFY_CHANNEL, data_revision
from ..errors import (
    BadDate,
    BadScore,
    BadUrl,
    CasrError,
    InputError,
    NotFound,
    StaleEdit,
    UnknownParty,
    UnknownStatus,
)
from ..parsing import (
    FULL_DATE_HINT,
    URL_SCHEMES,
    check_not_after_today,
    check_url,
    parse_date,
    parse_score,
    parse_stance,
    parse_status,
)
from .documents import import_document
from .evidence import attach_evidence, restore_evidence, withdraw_evidence
from .lookups import (
    find_document,
    find_party,
    find_pledge,
    live_pledge_count,
    pledge_parties,
    sphere_name,
    statement_party_names,
    statements,
)
from .notes import add_note, delete_note, edit_note, restore_note
from .pledges import assess, claim_version, refresh_status, set_keywords, set_status

__all__ = [
    "live_pledge_count",
    "sphere_name",
    "statement_party_names",
    "FULL_DATE_HINT",
    "NOTIFY_CHANNEL",
    "URL_SCHEMES",
    "BadDate",
    "BadScore",
    "BadUrl",
    "CasrError",
    "InputError",
    "NotFound",
    "StaleEdit",
    "UnknownParty",
    "UnknownStatus",
    "add_note",
    "assess",
    "attach_evidence",
    "check_not_after_today",
    "check_url",
    "claim_version",
    "data_revision",
    "delete_note",
    "edit_note",
    "find_document",
    "find_party",
    "find_pledge",
    "import_document",
    "parse_date",
    "parse_score",
    "parse_stance",
    "parse_status",
    "pledge_parties",
    "refresh_status",
    "restore_evidence",
    "restore_note",
    "set_keywords",
    "set_status",
    "statements",
    "withdraw_evidence",
]

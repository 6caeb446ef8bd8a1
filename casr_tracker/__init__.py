"""CASR Tracker: the pledges of the 2020 Central Asia + Russia joint statement, tracked.

The public API of the core (no Qt): open a tracker, read and change it through services.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .db import default_url, make_engine, session_scope, upgrade  # noqa: E402
from .errors import (  # noqa: E402
    BadDate,
    BadFile,
    BadScore,
    BadUrl,
    CasrError,
    ImportProblem,
    InputError,
    NotFound,
    StaleEdit,
    StorageError,
    UnknownParty,
    UnknownStatus,
)
from .importer.pipeline import ImportReport, import_statement  # noqa: E402
from .importer.statement import parse_statement  # noqa: E402
from .models import (  # noqa: E402
    Assessment,
    Document,
    Evidence,
    Note,
    Party,
    Pledge,
    Sphere,
    Stance,
    Statement,
    Status,
    StatusChange,
    Strength,
)
from .queries import history, pledge_rows  # noqa: E402
from .seeding import open_tracker  # noqa: E402
from .services import (  # noqa: E402
    add_note,
    assess,
    attach_evidence,
    find_document,
    find_party,
    find_pledge,
    import_document,
    set_status,
)
from .transfer import export_all, import_all  # noqa: E402

__all__ = [
    "__version__",
    "Assessment",
    "BadDate",
    "BadFile",
    "BadScore",
    "BadUrl",
    "CasrError",
    "Document",
    "Evidence",
    "ImportProblem",
    "ImportReport",
    "InputError",
    "Note",
    "NotFound",
    "Party",
    "Pledge",
    "Sphere",
    "StaleEdit",
    "Stance",
    "Statement",
    "Status",
    "StatusChange",
    "StorageError",
    "Strength",
    "UnknownParty",
    "UnknownStatus",
    "add_note",
    "assess",
    "attach_evidence",
    "default_url",
    "export_all",
    "find_document",
    "find_party",
    "find_pledge",
    "history",
    "import_all",
    "import_document",
    "import_statement",
    "make_engine",
    "open_tracker",
    "parse_statement",
    "pledge_rows",
    "session_scope",
    "set_status",
    "upgrade",
]

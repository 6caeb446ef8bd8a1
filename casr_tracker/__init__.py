"""CASR Tracker: the pledges of the 2020 Central Asia + Russia joint statement, tracked.

The public API of the core (no Qt): open a tracker, read and change it through services.
"""

from __future__ import annotations

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "Assessment": ".models",
    "BadDate": ".errors",
    "BadFile": ".errors",
    "BadScore": ".errors",
    "BadUrl": ".errors",
    "CasrError": ".errors",
    "Document": ".models",
    "Evidence": ".models",
    "ImportProblem": ".errors",
    "ImportReport": ".importer.pipeline",
    "InputError": ".errors",
    "NotFound": ".errors",
    "Note": ".models",
    "Party": ".models",
    "Pledge": ".models",
    "Sphere": ".models",
    "StaleEdit": ".errors",
    "Stance": ".models",
    "Statement": ".models",
    "Status": ".models",
    "StatusChange": ".models",
    "StorageError": ".errors",
    "Strength": ".models",
    "UnknownParty": ".errors",
    "UnknownStatus": ".errors",
    "add_note": ".services",
    "assess": ".services",
    "attach_evidence": ".services",
    "default_url": ".db",
    "export_all": ".transfer",
    "find_document": ".services",
    "find_party": ".services",
    "find_pledge": ".services",
    "history": ".queries",
    "import_all": ".transfer",
    "import_document": ".services",
    "import_statement": ".importer.pipeline",
    "make_engine": ".db",
    "open_tracker": ".seeding",
    "parse_statement": ".importer.statement",
    "pledge_rows": ".queries",
    "session_scope": ".db",
    "set_status": ".services",
    "upgrade": ".db",
}


def __getattr__(name: str):
    """The public API, imported on first use (so `import casr_tracker` stays cheap)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'casr_tracker' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


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

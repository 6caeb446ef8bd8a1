"""Who is making a change: the analyst's name recorded in the history."""

from __future__ import annotations

import getpass
import os


def default_user() -> str:
    """$CASR_TRACKER_USER, else the operating-system user name."""
    try:
        return os.environ.get("CASR_TRACKER_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

"""Who is making a change: the display name the analyst chose (`who`) and the account that made it
(`login`, migration 0013).

On PostgreSQL the database writes `login` itself (a trigger sets it to the role the connection logged
in as), so no client can put a change in a colleague's account. On a SQLite file the app writes the
operating-system user of the process, which --user and $CASR_TRACKER_USER do not change."""

from __future__ import annotations

import getpass
import os

from sqlalchemy import event, text
from sqlalchemy.orm import Session


def default_user() -> str:
    """The display name by default: $CASR_TRACKER_USER, else the operating-system user name."""
    try:
        return os.environ.get("CASR_TRACKER_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def os_login() -> str:
    """The operating-system account running this process (not an environment variable's say-so)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):  # Windows, or a uid with no passwd entry
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"


def current_login(session: Session) -> str:
    """The account this session records changes under: the server's session user on PostgreSQL, the
    operating-system user on a file."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return connection.execute(text("SELECT session_user")).scalar_one()
    return os_login()


def signed(who: str | None, login: str | None) -> str:
    """How a change's author is shown: the display name, with the login beside it when they differ
    ("Aigerim (login aigerim_k)"); the login alone when there is no name."""
    who, login = (who or "").strip(), (login or "").strip()
    if not login or login == who:
        return who
    return f"{who} (login {login})" if who else login


def keep_logins(session: Session) -> None:
    """For a copy or import-json: keep the logins the rows carry instead of signing them anew. On
    PostgreSQL only an admin's session may (the trigger checks); on SQLite nothing is filled in."""
    session.info["casr_keep_login"] = True
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL casr.keep_login = 'on'"))


@event.listens_for(Session, "before_flush")
def _sign_on_a_file(session: Session, _context, _instances) -> None:
    """On a SQLite file, a new row that records a change is signed with the OS account."""
    if session.info.get("casr_keep_login") or session.get_bind().dialect.name != "sqlite":
        return
    login = None
    for row in session.new:
        if hasattr(row, "login") and row.login is None:
            row.login = login = login or os_login()

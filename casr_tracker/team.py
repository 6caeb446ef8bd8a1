"""Roles on a team database (PostgreSQL): viewers read and make reports, analysts also record, admins
also import statements, correct what the importer read and manage users.

The server enforces them, not the window: each tracker database has three group roles
(`casr_<database>_viewer`, `…_analyst`, `…_admin`), granted on its tables, and a login is a member
of one. A viewer's role may only SELECT; an analyst's may INSERT the rows that record a change and
UPDATE only the columns a change moves (a pledge's status, never its text; no row of the history is
ever updated or deleted); row-level security keeps an analyst's write to the tracker's own facts to
its change counter. The database owner (who created the tracker) is an admin.

On a SQLite file there are no roles: whoever may write the file is its admin."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from .db import described
from .errors import CasrError, InputError

ROLES = ("viewer", "analyst", "admin")
#: a refused write of a viewer (the issue's words)
READ_ONLY = "You can read this tracker but not change it: ask an admin for the analyst role."
ADMIN_ONLY = (
    "Only an admin of this tracker can do that (import statements, correct what the importer read, "
    "manage users): ask an admin."
)

#: the rows an analyst records (INSERT), and the columns a change may move (UPDATE)
RECORDS = ("status_change", "assessment", "evidence", "note", "suggestion_decision", "event", "document")
MOVES = {
    "pledge": ("status", "version", "updated_at", "keywords"),
    "note": ("text", "edited_at", "version", "deleted_at", "who"),
    "evidence": ("date", "stance", "title", "withdrawn_at"),
    "document": ("title", "date", "author", "url"),
    "tracker_meta": ("value",),
}
#: row-level security where a grant is too coarse: an analyst writes the tracker's change counter and
#: no other fact of it, and appends any event but a correction of what the importer read (an admin's)
ROW_RULES = {
    "tracker_meta": {
        "casr_count": "FOR ALL TO {analyst} USING (key = 'data_revision') WITH CHECK (key = 'data_revision')",
    },
    "event": {
        "casr_record": "FOR INSERT TO {analyst} WITH CHECK (kind <> 'import_edit')",
    },
}
LOGIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@-]{0,62}")


class NotATeam(CasrError):
    """A team command on a tracker that is a file."""


@dataclass(frozen=True)
class Member:
    login: str
    role: str
    owner: bool = False


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def group(database: str, role: str) -> str:
    """The group role of `role` on the tracker database `database` (63 bytes at most)."""
    name = f"casr_{database}_{role}"
    if len(name.encode()) > 63:
        name = f"casr_{hashlib.sha256(database.encode()).hexdigest()[:16]}_{role}"
    return name


def _groups(connection: Connection) -> dict[str, str]:
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    return {role: group(database, role) for role in ROLES}


def _require_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise NotATeam(
            "Roles need a team database (PostgreSQL); this tracker is a file, and whoever may write "
            "the file may change it (see the README's team section to move it to a server)."
        )


def role_of(connection: Connection) -> str:
    """What the connected login may do here: viewer, analyst or admin (a file's user is its admin;
    a file that cannot be written is read only)."""
    if connection.dialect.name != "postgresql":
        return "admin"
    may_import, may_record = connection.execute(
        text("SELECT has_table_privilege('statement', 'INSERT'), has_table_privilege('event', 'INSERT')")
    ).one()
    return "admin" if may_import else "analyst" if may_record else "viewer"


def refusal(engine: Engine) -> str:
    """The sentence for a write the server refused, by what the login may do."""
    try:
        with engine.connect() as connection:
            role = role_of(connection)
    except Exception:  # the server is gone too: the general sentence
        role = "viewer"
    return READ_ONLY if role == "viewer" else ADMIN_ONLY


def set_up(connection: Connection) -> None:
    """Create the three group roles when missing and grant them their rights on every table (run by
    the owner or an admin; again after each migration, so a new table is covered)."""
    groups = _groups(connection)
    existing = set(
        connection.execute(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:n)"), {"n": list(groups.values())})
        .scalars()
        .all()
    )
    for name in groups.values():
        if name not in existing:
            connection.execute(text(f"CREATE ROLE {_quoted(name)} NOLOGIN"))
    viewer, analyst, admin = (_quoted(groups[r]) for r in ROLES)
    database = _quoted(connection.execute(text("SELECT current_database()")).scalar_one())
    schema = _quoted(connection.execute(text("SELECT current_schema()")).scalar_one())
    statements = [
        f"GRANT {viewer} TO {analyst}",
        f"GRANT {analyst} TO {admin}",
        f"REVOKE CONNECT ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {viewer}",
        f"GRANT USAGE ON SCHEMA {schema} TO {viewer}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {viewer}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {analyst}",
        f"GRANT INSERT ON {', '.join(RECORDS)} TO {analyst}",
        f"GRANT INSERT ON tracker_meta TO {analyst}",
        *(f"GRANT UPDATE ({', '.join(columns)}) ON {table} TO {analyst}" for table, columns in MOVES.items()),
        f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {admin} WITH GRANT OPTION",
        f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {admin} WITH GRANT OPTION",
    ]
    for statement in statements:
        connection.execute(text(statement))
    if owns_tracker(connection):
        for table, analysts in ROW_RULES.items():
            connection.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
            policies = {
                "casr_read": f"FOR SELECT TO {viewer} USING (true)",
                "casr_admin": f"FOR ALL TO {admin} USING (true) WITH CHECK (true)",
                **{name: rule.format(analyst=analyst) for name, rule in analysts.items()},
            }
            for name, rule in policies.items():
                connection.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
                connection.execute(text(f"CREATE POLICY {name} ON {table} {rule}"))


def owns_tracker(connection: Connection) -> bool:
    """True when the connected login owns the tracker's tables (or is a superuser)."""
    return bool(
        connection.execute(
            text(
                "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = 'tracker_meta'::regclass"
            )
        ).scalar_one()
    )


def is_set_up(connection: Connection) -> bool:
    """True when this tracker database has its group roles (a team has been set up)."""
    if connection.dialect.name != "postgresql":
        return False
    return bool(
        connection.execute(
            text("SELECT count(*) FROM pg_roles WHERE rolname = :n"), {"n": _groups(connection)["viewer"]}
        ).scalar_one()
    )


def check_login(login: str) -> None:
    """Refuse a login name PostgreSQL would need quoting tricks for, or that names a group."""
    if not LOGIN.fullmatch(login) or login.lower().startswith(("pg_", "casr_")):
        raise InputError(
            f"{login!r:.70} cannot be a login: use up to 63 letters, digits, '_', '.', '@' or '-', "
            "beginning with a letter (and not with pg_ or casr_)."
        )


def is_new_login(engine: Engine, login: str) -> bool:
    """True when no role of that name exists on the server yet."""
    _require_postgres(engine)
    with described(engine), engine.connect() as connection:
        return not connection.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = :n"), {"n": login}).scalar()


def add_user(engine: Engine, login: str, role: str, password: str | None) -> tuple[bool, str]:
    """Make `login` a `role` of this tracker, creating the login (with `password`) when it is new;
    returns (created, the sentence to say)."""
    _require_postgres(engine)
    if role not in ROLES:
        raise InputError(f"{role!r} is not a role; roles are viewer, analyst or admin.")
    check_login(login)
    with described(engine), engine.begin() as connection:
        groups = _groups(connection)
        if not is_set_up(connection) or owns_tracker(connection):
            set_up(connection)
        found = connection.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = :n"), {"n": login}
        ).scalar_one_or_none()
        if found:
            raise InputError(f"{login} is a superuser of the server; roles cannot narrow what it may do.")
        created = found is None
        if created:
            if not password:
                raise InputError(f"{login} is a new login and needs a password (from the prompt or --password-stdin).")
            connection.execute(text(f"CREATE ROLE {_quoted(login)} LOGIN PASSWORD {_literal(connection, password)}"))
        elif password:
            connection.execute(text(f"ALTER ROLE {_quoted(login)} LOGIN PASSWORD {_literal(connection, password)}"))
        for other in ROLES:
            if other != role:
                connection.execute(text(f"REVOKE {_quoted(groups[other])} FROM {_quoted(login)}"))
        connection.execute(text(f"GRANT {_quoted(groups[role])} TO {_quoted(login)}"))
        # an admin adds users: creating a login and granting a group needs CREATEROLE (PostgreSQL 15)
        attribute = "CREATEROLE" if role == "admin" else "NOCREATEROLE"
        connection.execute(text(f"ALTER ROLE {_quoted(login)} {attribute}"))
    article = "an" if role[0] in "aeiou" else "a"
    if created:
        return True, f"{login} can now log in as {article} {role} of this tracker."
    return False, f"{login} is now {article} {role} of this tracker" + ("" if password else " (password unchanged).")


def _literal(connection: Connection, value: str) -> str:
    """A string as a SQL literal (CREATE ROLE takes no bound parameters)."""
    if "\x00" in value:
        raise InputError("A password cannot hold a NUL character.")
    standard = connection.execute(text("SHOW standard_conforming_strings")).scalar_one() == "on"
    escaped = value.replace("'", "''") if standard else value.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'"


def members(engine: Engine) -> list[Member]:
    """Who may use this tracker and as what: the owner, then each member of a group, by login."""
    _require_postgres(engine)
    with described(engine), engine.connect() as connection:
        groups = _groups(connection)
        owner = connection.execute(
            text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
        ).scalar_one()
        rows = connection.execute(
            text(
                "SELECT m.rolname, g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = ANY(:groups) AND m.rolcanlogin "
                "ORDER BY m.rolname"
            ),
            {"groups": list(groups.values())},
        ).all()
    by_group = {name: role for role, name in groups.items()}
    found = [Member(owner, "admin", owner=True)]
    found += [Member(login, by_group[name]) for login, name in rows if login != owner]
    return found

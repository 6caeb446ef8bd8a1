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
from sqlalchemy.exc import DBAPIError

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
    "note": ("text", "edited_at", "version", "deleted_at"),
    "evidence": ("date", "stance", "title", "withdrawn_at"),
    "document": ("title", "date", "author", "url"),
    "tracker_meta": ("value",),
}
#: the history: rows are added, never updated or deleted, by anyone the roles cover
APPEND_ONLY = ("status_change", "assessment", "event")
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
LOGIN = re.compile(r"[a-z_][a-z0-9_.@-]{0,62}")


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
    the owner; again after each migration, so a new table is covered)."""
    groups = _groups(connection)
    existing = set(
        connection.execute(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:n)"), {"n": list(groups.values())})
        .scalars()
        .all()
    )
    if existing and not _is_marked(connection):  # made by someone before this tracker's team was set up
        raise InputError(
            f"The role {sorted(existing)[0]} already exists on this server but was not made for this tracker; "
            "the server's administrator removes it before the team is set up."
        )
    for name in groups.values():
        if name not in existing:
            connection.execute(text(f"CREATE ROLE {_quoted(name)} NOLOGIN"))
    connection.execute(
        text("INSERT INTO tracker_meta (key, value) VALUES ('team', 'set up') ON CONFLICT (key) DO NOTHING")
    )
    viewer, analyst, admin = (_quoted(groups[r]) for r in ROLES)
    database = _quoted(connection.execute(text("SELECT current_database()")).scalar_one())
    schema = _quoted(connection.execute(text("SELECT current_schema()")).scalar_one())
    statements = [
        f"GRANT {viewer} TO {analyst}",
        f"GRANT {analyst} TO {admin}",
        f"REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {viewer}",
        f"GRANT USAGE ON SCHEMA {schema} TO {viewer}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {viewer}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {analyst}",
        f"GRANT INSERT ON {', '.join(RECORDS)} TO {analyst}",
        f"GRANT INSERT ON tracker_meta TO {analyst}",
        *(f"GRANT UPDATE ({', '.join(columns)}) ON {table} TO {analyst}" for table, columns in MOVES.items()),
        # an admin imports and corrects (and may do so in psql), but the history stays append-only
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {admin}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {admin}",
        f"REVOKE UPDATE, DELETE ON {', '.join(APPEND_ONLY)} FROM {admin}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {admin}",
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


def _is_marked(connection: Connection) -> bool:
    """True when this tracker's team was set up here (its groups are its own, not squatted names)."""
    if connection.execute(text("SELECT to_regclass('tracker_meta')")).scalar_one() is None:  # (an early schema)
        return False
    return bool(connection.execute(text("SELECT count(*) FROM tracker_meta WHERE key = 'team'")).scalar_one())


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
    """True when this tracker's team has been set up (its groups made for it, noted in tracker_meta)."""
    return connection.dialect.name == "postgresql" and _is_marked(connection)


def check_login(login: str) -> None:
    """Refuse a login name PostgreSQL would need quoting tricks for, or that names a group. Capitals
    are refused: `psql -U Aigerim` looks for "aigerim"."""
    if not LOGIN.fullmatch(login) or login.startswith(("pg_", "casr_")):
        raise InputError(
            f"{login!r:.70} cannot be a login: use up to 63 small letters, digits, '_', '.', '@' or '-', "
            "beginning with a letter (and not with pg_ or casr_)."
        )


#: what the team function (below) raises, as sentences ({login} filled in)
FUNCTION_SAYS = {
    "casr:owner": "{login} owns this tracker and is its admin already.",
    "casr:manager": (
        "{login} is a superuser, manages roles or replication on this server, is a group, or owns a database; "
        "team commands do not change it."
    ),
    "casr:elsewhere": (
        "{login} already logs in to this server for something else, so its password is not changed here "
        "(leave out --password-stdin to add it with the password it has)."
    ),
    "casr:unknown": "{login} is not on this tracker's team ('casr-tracker team list' shows who is).",
    "casr:self": "You cannot take yourself off the team; another admin can.",
    "casr:name": "{login} cannot be a login of a team.",
    "casr:password": "{login} is a new login and needs a password (from the prompt or --password-stdin).",
}

#: the one way logins are added, changed and removed: a function that runs with the tracker owner's
#: rights, which only this tracker's admins may call, and which touches only this tracker's groups and
#: logins that manage nothing (so an admin of a tracker is no administrator of the server)
TEAM_FUNCTION = """
CREATE OR REPLACE FUNCTION casr_team_set(login text, new_group text, verifier text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  groups text[] := ARRAY[{groups}];
  marker text := 'casr-tracker login of ' || current_database();
  target record;
  g text;
BEGIN
  IF new_group IS NOT NULL AND NOT new_group = ANY(groups) THEN RAISE EXCEPTION 'casr:group'; END IF;
  IF login !~ '^[a-z_][a-z0-9_.@-]{0,62}$' OR login ~ '^(pg_|casr_)' THEN RAISE EXCEPTION 'casr:name'; END IF;
  IF login = session_user AND new_group IS NULL THEN RAISE EXCEPTION 'casr:self'; END IF;
  SELECT r.oid, r.rolsuper OR r.rolcreaterole OR r.rolreplication OR r.rolbypassrls OR NOT r.rolcanlogin
         OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = r.oid) AS special,
         shobj_description(r.oid, 'pg_authid') AS note INTO target
    FROM pg_roles r WHERE r.rolname = login;
  IF NOT FOUND THEN
    IF new_group IS NULL THEN RAISE EXCEPTION 'casr:unknown'; END IF;
    IF verifier IS NULL THEN RAISE EXCEPTION 'casr:password'; END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', login, verifier);
    EXECUTE format('COMMENT ON ROLE %I IS %L', login, marker);
    EXECUTE format('GRANT %I TO %I', new_group, login);
    RETURN 'created';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_database d WHERE d.datdba = target.oid AND d.datname = current_database()) THEN
    RAISE EXCEPTION 'casr:owner';
  END IF;
  IF target.special OR EXISTS (SELECT 1 FROM pg_database d WHERE d.datdba = target.oid) THEN
    RAISE EXCEPTION 'casr:manager';
  END IF;
  IF new_group IS NULL AND NOT EXISTS (
      SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
      WHERE m.member = target.oid AND r.rolname = ANY(groups)) THEN
    RAISE EXCEPTION 'casr:unknown';
  END IF;
  IF verifier IS NOT NULL THEN
    IF target.note IS DISTINCT FROM marker OR EXISTS (
        SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
        WHERE m.member = target.oid AND NOT r.rolname = ANY(groups)) THEN
      RAISE EXCEPTION 'casr:elsewhere';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
  END IF;
  FOREACH g IN ARRAY groups LOOP
    IF g IS DISTINCT FROM new_group AND pg_has_role(login, g, 'MEMBER') THEN
      EXECUTE format('REVOKE %I FROM %I', g, login);
    END IF;
  END LOOP;
  IF new_group IS NOT NULL THEN
    EXECUTE format('GRANT %I TO %I', new_group, login);
    RETURN 'changed';
  END IF;
  IF target.note = marker AND NOT EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = target.oid) THEN
    BEGIN  -- a login made for this tracker and used for nothing else goes with its membership
      EXECUTE format('DROP ROLE %I', login);
      RETURN 'dropped';
    EXCEPTION WHEN dependent_objects_still_exist THEN
      RETURN 'removed';
    END;
  END IF;
  RETURN 'removed';
END
$body$
"""


def _install_function(connection: Connection, groups: dict[str, str]) -> None:
    names = ", ".join(f"'{groups[role]}'" for role in ROLES)
    connection.execute(text(TEAM_FUNCTION.replace("{groups}", names)))
    signature = "casr_team_set(text, text, text)"
    connection.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"))
    connection.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {_quoted(groups['admin'])}"))
    owner = connection.execute(
        text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
    ).scalar_one()
    connection.execute(text(f"ALTER FUNCTION {signature} OWNER TO {_quoted(owner)}"))


def _owner_may_create_logins(connection: Connection) -> tuple[str, bool]:
    return tuple(
        connection.execute(
            text(
                "SELECT r.rolname, r.rolsuper OR r.rolcreaterole FROM pg_database d JOIN pg_roles r "
                "ON r.oid = d.datdba WHERE d.datname = current_database()"
            )
        ).one()
    )


def prepare(engine: Engine) -> None:
    """Before a team change: set the team up when the owner (or a superuser) runs it, and refuse at
    once — before any password is asked — whoever may not manage users, or an owner that the
    server does not let create logins."""
    _require_postgres(engine)
    with described(engine), engine.begin() as connection:
        owner, may_create = _owner_may_create_logins(connection)
        if owns_tracker(connection):
            if not may_create:
                raise InputError(
                    f"The tracker's owner {owner} may not create logins on this server: its administrator "
                    f"runs ALTER ROLE {owner} CREATEROLE (see the README's team section)."
                )
            set_up(connection)
            _install_function(connection, _groups(connection))
        elif (
            not is_set_up(connection)
            or not connection.execute(
                text("SELECT has_function_privilege('casr_team_set(text, text, text)', 'EXECUTE')")
            ).scalar_one()
        ):
            raise InputError(ADMIN_ONLY)


def _verifier(connection: Connection, login: str, password: str) -> str:
    """The password as the server stores it (SCRAM), computed here: the password itself never reaches
    the server, nor its log if a statement fails."""
    if "\x00" in password:
        raise InputError("A password cannot hold a NUL character.")
    if not password.strip():
        raise InputError("A password of spaces only is not accepted.")
    pgconn = connection.connection.driver_connection.pgconn
    return pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode("ascii")


def _call(engine: Engine, login: str, role: str | None, password: str | None) -> str:
    with described(engine):
        try:
            with engine.begin() as connection:
                group = _groups(connection)[role] if role else None
                verifier = _verifier(connection, login, password) if password else None
                return connection.execute(
                    text("SELECT casr_team_set(:login, :group, :verifier)"),
                    {"login": login, "group": group, "verifier": verifier},
                ).scalar_one()
        except DBAPIError as exc:
            said = str(getattr(exc.orig, "diag", None) and exc.orig.diag.message_primary or "")
            if said in FUNCTION_SAYS:
                raise InputError(FUNCTION_SAYS[said].format(login=login)) from None
            raise


def is_new_login(engine: Engine, login: str) -> bool:
    """True when no role of that name exists on the server yet."""
    _require_postgres(engine)
    with described(engine), engine.connect() as connection:
        return not connection.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = :n"), {"n": login}).scalar()


def add_user(
    engine: Engine, login: str, role: str, password: str | None, *, prepared: bool = False
) -> tuple[bool, str]:
    """Make `login` a `role` of this tracker, creating the login (with `password`) when it is new;
    returns (created, the sentence to say). `prepared`: the caller has checked the login and run
    `prepare` already (the CLI does, before asking for the password)."""
    _require_postgres(engine)
    if role not in ROLES:
        raise InputError(f"{role!r} is not a role; roles are viewer, analyst or admin.")
    if not prepared:
        check_login(login)
        prepare(engine)
    done = _call(engine, login, role, password)
    article = "an" if role[0] in "aeiou" else "a"
    if done == "created":
        return True, f"{login} can now log in as {article} {role} of this tracker."
    told = "; its password was changed." if password else " (password unchanged)."
    return False, f"{login} is now {article} {role} of this tracker{told}"


def remove_user(engine: Engine, login: str) -> str:
    """Take `login` off this tracker's team (a login made for it and used for nothing else is dropped
    from the server too); the sentence to say."""
    check_login(login)
    prepare(engine)
    done = _call(engine, login, None, None)
    if done == "dropped":
        return f"{login} is no longer on this tracker's team, and the login is gone from the server."
    return f"{login} is no longer on this tracker's team."


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

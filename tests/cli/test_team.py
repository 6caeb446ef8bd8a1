"""Roles and attribution on a team database (issue 17), on the PostgreSQL server .ci/run starts: the
server refuses a viewer's write and an analyst's import, and records who logged in, whatever --user
says. Each test makes its own logins and drops them (roles belong to the whole server)."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError

from casr_tracker import cli, team
from casr_tracker.users import os_login

from ..conftest import POSTGRES, fresh_postgres_database, one_line_refusal, require_postgres

VIEWER_REFUSAL = "casr-tracker: You can read this tracker but not change it: ask an admin for the analyst role."


class Team:
    """A seeded tracker database and a login per role, each able to run the CLI."""

    def __init__(self, url: str, capsys, monkeypatch):
        self.url, self.capsys, self.monkeypatch = url, capsys, monkeypatch
        tag = uuid.uuid4().hex[:6]
        self.logins = {role: f"{role}_{tag}" for role in ("viewer", "analyst", "admin")}
        self.extra: list[str] = []

    def url_of(self, who: str | None) -> str:
        if who is None:
            return self.url
        login = self.logins.get(who, who)
        return make_url(self.url).set(username=login, password="secret words").render_as_string(hide_password=False)

    def run(self, *args: str, who: str | None = None, stdin: str | None = None) -> tuple[int, str, str]:
        self.capsys.readouterr()
        if stdin is not None:
            self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        try:
            code = cli.main(["--db", self.url_of(who), *args])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 2
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def sql(self, *statements: str, who: str | None = None, **params):
        """Run statements as `who` in one transaction straight on the server (no CLI in between); the
        last one's rows."""
        engine = create_engine(self.url_of(who))
        try:
            with engine.begin() as connection:
                for statement in statements:
                    result = connection.execute(text(statement), params if ":" in statement else {})
                return result.all() if result.returns_rows else None
        finally:
            engine.dispose()


@pytest.fixture
def crew(capsys, monkeypatch):
    require_postgres()
    for url in fresh_postgres_database():
        crew = Team(url, capsys, monkeypatch)
        assert crew.run("pledges", "--status", "fulfilled")[0] == 0  # seeds the tracker, as its owner
        for role, login in crew.logins.items():
            code, out, err = crew.run(
                "team", "add-user", login, "--role", role, "--password-stdin", stdin="secret words\n"
            )
            assert code == 0, err
        yield crew
        superuser = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        database = make_url(url).database
        with superuser.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            for login in [*crew.logins.values(), *crew.extra]:
                connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
            for role in team.ROLES:
                connection.execute(text(f'DROP ROLE IF EXISTS "{team.group(database, role)}"'))
        superuser.dispose()


def _status(crew: Team, ref: str) -> str:
    return crew.sql("SELECT status FROM pledge WHERE ref = :ref", ref=ref)[0][0]


def test_a_viewer_reads_and_reports_but_the_server_refuses_a_status_change(crew, tmp_path):
    assert _status(crew, "TRD-1") == "not_assessed"
    refusal = one_line_refusal(crew.run("status", "TRD-1", "in_progress", who="viewer"))
    assert refusal == VIEWER_REFUSAL
    assert _status(crew, "TRD-1") == "not_assessed"
    revision = crew.sql("SELECT value FROM tracker_meta WHERE key = 'data_revision'")
    for args in (("note", "TRD-1", "hello"), ("assess", "TRD-1", "KZ", "+1"), ("keywords", "TRD-1", "energy")):
        assert one_line_refusal(crew.run(*args, who="viewer")) == VIEWER_REFUSAL
    assert crew.sql("SELECT value FROM tracker_meta WHERE key = 'data_revision'") == revision

    # the refusal is the server's, not the client's: the same write in plain SQL is refused too
    with pytest.raises(ProgrammingError, match="permission denied"):
        crew.sql("UPDATE pledge SET status = 'fulfilled' WHERE ref = 'TRD-1'", who="viewer")
    with pytest.raises(ProgrammingError, match="permission denied"):
        crew.sql(
            "INSERT INTO event (kind, data, recorded_at, who) VALUES ('note_added', '{}', now(), 'v')", who="viewer"
        )

    # reading and reports work
    code, out, _ = crew.run("pledges", "--json", who="viewer")
    assert code == 0 and len(__import__("json").loads(out)) == 41
    report = tmp_path / "viewer.html"
    assert crew.run("report", "-o", str(report), who="viewer")[0] == 0
    assert "TRD-1" in report.read_text(encoding="utf-8")


def test_an_analyst_records_under_the_login_the_server_knows_whatever_the_name_given(crew):
    analyst = crew.logins["analyst"]
    code, _, err = crew.run("--user", "Adam Admin", "status", "TRD-1", "in_progress", who="analyst")
    assert code == 0, err
    code, _, err = crew.run("--user", "Adam Admin", "note", "TRD-1", "Seen at the summit", who="analyst")
    assert code == 0, err
    code, out, _ = crew.run("history", "TRD-1", "--json", who="viewer")
    entries = __import__("json").loads(out)
    assert [(e["kind"], e["who"], e["login"]) for e in entries] == [
        ("status", "Adam Admin", analyst),
        ("note", "Adam Admin", analyst),
    ]
    code, out, _ = crew.run("history", "TRD-1", who="viewer")
    assert f"Adam Admin (login {analyst})" in out

    # writing a colleague's login in plain SQL is overruled by the server, even asking to keep it
    crew.sql(
        "SET LOCAL casr.keep_login = 'on'",
        "INSERT INTO event (kind, data, recorded_at, who, login) VALUES ('note_added', '{}', now(), 'x', :login)",
        who="analyst",
        login=crew.logins["admin"],
    )
    assert crew.sql("SELECT login FROM event ORDER BY id DESC LIMIT 1") == [(analyst,)]
    # nor can an analyst rewrite the history: no row of it is updated or deleted
    with pytest.raises(ProgrammingError, match="permission denied"):
        crew.sql("UPDATE event SET login = 'someone' WHERE id = 1", who="analyst")
    with pytest.raises(ProgrammingError, match="permission denied"):
        crew.sql("DELETE FROM status_change", who="analyst")
    with pytest.raises(ProgrammingError, match="permission denied"):
        crew.sql("UPDATE pledge SET text = 'rewritten' WHERE ref = 'TRD-1'", who="analyst")
    # nor change a recorded row without leaving its event: the server refuses the commit
    for statement in (
        "UPDATE pledge SET status = 'fulfilled' WHERE ref = 'TRD-1'",
        "UPDATE note SET text = 'forged words'",
    ):
        with pytest.raises(ProgrammingError, match="without its event in the history"):
            crew.sql(statement, who="analyst")
    assert _status(crew, "TRD-1") == "in_progress"
    assert crew.sql("SELECT text FROM note") == [("Seen at the summit",)]
    # row-level security: the change counter is the only fact of the tracker an analyst writes
    assert (
        crew.sql("UPDATE tracker_meta SET value = 'x' WHERE key <> 'data_revision' RETURNING key", who="analyst") == []
    )

    # an undo under the colleague's name reaches none of the colleague's changes
    code, _, err = crew.run("--user", "Adam Admin", "status", "TRD-2", "stalled", who="admin")
    assert code == 0, err
    code, _, err = crew.run("--user", "Adam Admin", "undo", who="analyst")
    assert code == 0, err
    assert _status(crew, "TRD-2") == "stalled"  # the admin's change stands
    assert crew.sql("SELECT count(*) FROM note WHERE deleted_at IS NULL")[0][0] == 0  # the analyst's own note undone


def test_an_analyst_records_everything_but_imports_no_statement_and_adds_no_user(crew, tmp_path):
    page = tmp_path / "news.txt"
    page.write_text("Kazakhstan and Uzbekistan opened the new trade centre at Khorgos in March.", encoding="utf-8")

    def latest(table: str) -> str:
        return str(crew.sql(f"SELECT max(id) FROM {table}")[0][0])

    steps = [
        lambda: ("status", "TRD-1", "in_progress", "--comment", "talks began"),
        lambda: ("assess", "TRD-1", "KZ", "+1", "--comment", "signed"),
        lambda: ("note", "TRD-1", "a first note"),
        lambda: ("edit-note", latest("note"), "the first note"),
        lambda: ("keywords", "TRD-1", "trade centre"),
        lambda: ("import-document", str(page), "--title", "News"),
        lambda: (
            "evidence",
            "add",
            "TRD-1",
            "--document",
            latest("document"),
            "--quote",
            "opened the new trade centre",
        ),
        lambda: ("evidence", "withdraw", latest("evidence")),
        lambda: ("evidence", "add", "TRD-1", "--url", "https://example.org/news", "--title", "News"),
        lambda: ("delete-note", latest("note")),
        lambda: ("undo",),
    ]
    for step in steps:
        code, out, err = crew.run(*step(), who="analyst")
        assert code == 0, (step(), err)
    assert _status(crew, "TRD-1") == "in_progress"
    admin_only = "casr-tracker: " + team.ADMIN_ONLY
    statement = tmp_path / "second.txt"
    statement.write_text(Path("tests/data/second_statement.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert one_line_refusal(crew.run("import-statement", str(statement), who="analyst")) == admin_only
    assert one_line_refusal(crew.run("correct", "TRD-1", "--strength", "soft", who="analyst")) == admin_only
    assert (
        one_line_refusal(
            crew.run(
                "team", "add-user", "someone_new", "--role", "viewer", "--password-stdin", who="analyst", stdin="pw\n"
            )
        )
        == admin_only
    )
    assert crew.sql("SELECT count(*) FROM statement")[0][0] == 1

    # an admin added with the command may import statements and add users
    code, out, err = crew.run("import-statement", str(statement), who="admin")
    assert code == 0, err
    newcomer = f"newcomer_{uuid.uuid4().hex[:6]}"
    crew.extra.append(newcomer)
    code, out, err = crew.run(
        "team", "add-user", newcomer, "--role", "viewer", "--password-stdin", who="admin", stdin="pw one\n"
    )
    assert code == 0, err
    assert out.strip() == f"{newcomer} can now log in as a viewer of this tracker."
    assert crew.sql("SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = :n", n=newcomer) == [(True,)]
    assert one_line_refusal(crew.run("note", "TRD-1", "x", who=newcomer)) == VIEWER_REFUSAL


def test_team_list_and_changing_a_role(crew):
    code, out, err = crew.run("team", "list", "--json", who="admin")
    assert code == 0, err
    listed = {m["login"]: m["role"] for m in __import__("json").loads(out)}
    assert {login: listed.get(login) for login in crew.logins.values()} == {
        login: role for role, login in crew.logins.items()
    }
    viewer = crew.logins["viewer"]
    code, out, err = crew.run("team", "add-user", viewer, "--role", "analyst", who="admin")
    assert (code, out.strip()) == (0, f"{viewer} is now an analyst of this tracker (password unchanged)."), err
    assert crew.run("note", "TRD-1", "promoted", who="viewer")[0] == 0
    code, out, _ = crew.run("team", "list", who="viewer")
    rows = [line.split() for line in out.splitlines()]
    assert [viewer, "analyst"] in rows


def test_team_commands_refuse_bad_input_in_one_sentence(crew, tmp_path):
    assert "cannot be a login" in one_line_refusal(crew.run("team", "add-user", "bad name;", "--role", "viewer"))
    assert "cannot be a login" in one_line_refusal(crew.run("team", "add-user", "pg_sneaky", "--role", "viewer"))
    new = f"nopass_{uuid.uuid4().hex[:6]}"
    assert "--password-stdin read no password" in one_line_refusal(
        crew.run("team", "add-user", new, "--role", "viewer", "--password-stdin", stdin="\n")
    )
    assert "needs a password" in one_line_refusal(crew.run("team", "add-user", new, "--role", "viewer", stdin=""))
    assert crew.sql("SELECT count(*) FROM pg_roles WHERE rolname = :n", n=new) == [(0,)]
    owner = make_url(POSTGRES).username  # (the tests' superuser owns the tracker)
    assert "owns this tracker" in one_line_refusal(crew.run("team", "add-user", owner, "--role", "viewer"))
    assert "small letters" in one_line_refusal(crew.run("team", "add-user", "Aigerim", "--role", "viewer"))
    assert "spaces only" in one_line_refusal(
        crew.run("team", "add-user", new, "--role", "viewer", "--password-stdin", stdin="   \n")
    )
    # a login nobody added cannot use the tracker: one sentence, not a traceback
    stranger = f"stranger_{uuid.uuid4().hex[:6]}"
    crew.extra.append(stranger)
    crew.sql(f'CREATE ROLE "{stranger}" LOGIN')
    assert "ask an admin to add you" in one_line_refusal(crew.run("pledges", who=stranger))
    # a file has no roles
    file = tmp_path / "mine.sqlite3"
    code, out, err = crew.run("team", "list", "--json")
    assert code == 0
    crew.url = f"sqlite:///{file}"
    assert "need a team database" in one_line_refusal(crew.run("team", "add-user", "someone", "--role", "viewer"))


def test_on_a_file_the_change_is_the_os_users_whatever_the_name(run_file, tmp_path, monkeypatch):
    file = tmp_path / "tracker.sqlite3"
    monkeypatch.setenv("CASR_TRACKER_USER", "not-me")
    code, _, err = run_file(file, "--user", "Display Name", "status", "TRD-1", "in_progress")
    assert code == 0, err
    code, out, _ = run_file(file, "history", "TRD-1", "--json")
    entry = __import__("json").loads(out)[0]
    assert (entry["who"], entry["login"]) == ("Display Name", os_login())


def test_an_admin_manages_this_team_and_nothing_else_on_the_server(crew):
    admin = crew.logins["admin"]
    assert crew.sql("SELECT rolcreaterole FROM pg_roles WHERE rolname = :n", n=admin) == [(False,)]
    with pytest.raises(ProgrammingError, match="must have admin option"):
        crew.sql("GRANT pg_execute_server_program TO " + admin, who="admin")
    with pytest.raises(ProgrammingError, match="permission denied"):
        crew.sql(f"ALTER ROLE {crew.logins['viewer']} PASSWORD 'taken over'", who="admin")
    with pytest.raises(ProgrammingError, match="permission denied"):
        crew.sql(f"CREATE ROLE sneaky_{uuid.uuid4().hex[:6]} LOGIN", who="admin")

    # a login of the server that is not this team's keeps its password; a manager of roles is left alone
    outsider, manager = (f"{kind}_{uuid.uuid4().hex[:6]}" for kind in ("outsider", "manager"))
    crew.extra += [outsider, manager]
    crew.sql(f"CREATE ROLE {outsider} LOGIN PASSWORD 'its own'")
    crew.sql(f"CREATE ROLE {manager} LOGIN CREATEROLE")
    before = crew.sql("SELECT rolpassword FROM pg_authid WHERE rolname = :n", n=outsider)
    refusal = one_line_refusal(
        crew.run("team", "add-user", outsider, "--role", "viewer", "--password-stdin", who="admin", stdin="new one\n")
    )
    assert "already logs in to this server for something else" in refusal
    assert crew.sql("SELECT rolpassword FROM pg_authid WHERE rolname = :n", n=outsider) == before
    code, out, err = crew.run("team", "add-user", outsider, "--role", "viewer", who="admin")
    assert (code, out.strip()) == (0, f"{outsider} is now a viewer of this tracker (password unchanged)."), err
    assert "manages roles or replication on this server" in one_line_refusal(
        crew.run("team", "add-user", manager, "--role", "viewer", who="admin")
    )

    # the password reaches the server as a SCRAM verifier, never as itself
    typo = f"aigerm_{uuid.uuid4().hex[:6]}"
    crew.extra.append(typo)
    code, out, err = crew.run(
        "team", "add-user", typo, "--role", "analyst", "--password-stdin", who="admin", stdin="Tr1cky 'pass'\n"
    )
    assert code == 0, err
    stored = crew.sql("SELECT rolpassword FROM pg_authid WHERE rolname = :n", n=typo)[0][0]
    assert stored.startswith("SCRAM-SHA-256$") and "Tr1cky" not in stored
    # … and a typo is taken back: the login made for this tracker goes from the server
    code, out, err = crew.run("team", "remove-user", typo, who="admin")
    assert (code, out.strip()) == (
        0,
        f"{typo} is no longer on this tracker's team, and the login is gone from the server.",
    )
    assert crew.sql("SELECT count(*) FROM pg_roles WHERE rolname = :n", n=typo) == [(0,)]
    code, out, err = crew.run("team", "remove-user", outsider, who="admin")
    assert (code, out.strip()) == (0, f"{outsider} is no longer on this tracker's team.")
    assert crew.sql("SELECT count(*) FROM pg_roles WHERE rolname = :n", n=outsider) == [(1,)]  # not ours to drop
    assert "is not on this tracker's team" in one_line_refusal(crew.run("team", "remove-user", outsider, who="admin"))


def test_one_who_may_not_add_users_is_told_before_typing_a_password(crew):
    # no --password-stdin and no terminal: a viewer or analyst hears why, not that a password is missing
    assert (
        one_line_refusal(crew.run("team", "add-user", "someone_else", "--role", "viewer", who="viewer"))
        == "casr-tracker: " + team.ADMIN_ONLY
    )
    assert one_line_refusal(crew.run("team", "add-user", "someone_else", "--role", "viewer", who="analyst")) == (
        "casr-tracker: " + team.ADMIN_ONLY
    )


def test_an_owner_the_server_lets_create_no_logins_is_told_what_to_ask_for(capsys, monkeypatch):
    require_postgres()
    for url in fresh_postgres_database():
        owner = f"plainowner_{uuid.uuid4().hex[:6]}"
        database = make_url(url).database
        superuser = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with superuser.connect() as connection:
            connection.execute(text(f"CREATE ROLE {owner} LOGIN"))
            connection.execute(text(f'ALTER DATABASE "{database}" OWNER TO {owner}'))
        crew = Team(make_url(url).set(username=owner).render_as_string(hide_password=False), capsys, monkeypatch)
        try:
            assert crew.run("pledges", "--status", "fulfilled")[0] == 0
            refusal = one_line_refusal(crew.run("team", "add-user", "someone_new", "--role", "viewer"))
            assert refusal == (
                f"casr-tracker: The tracker's owner {owner} may not create logins on this server: its administrator "
                f"runs ALTER ROLE {owner} CREATEROLE (see the README's team section)."
            )
        finally:
            with superuser.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                connection.execute(text(f"DROP ROLE IF EXISTS {owner}"))
            superuser.dispose()


def test_no_login_of_the_team_reaches_past_its_role_through_sql(crew):
    """What a second walkthrough tried in psql: a temporary table or view standing in for `statement`
    or `pledge` inside our functions, calling them directly, names the team function should refuse,
    rewriting the history as an admin, and an event the app cannot read."""
    for who in ("viewer", "analyst", "admin"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            crew.sql("CREATE TEMP TABLE statement (x int)", who=who)
        with pytest.raises(ProgrammingError, match="permission denied"):
            crew.sql("SELECT casr_search_refresh(1)", who=who)
    for forbidden in ("UPDATE event SET who = 'x'", "DELETE FROM status_change", "TRUNCATE event"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            crew.sql(forbidden, who="admin")
    database = make_url(crew.url).database
    for name in (f"casr_{database}x_admin", "pg_execute_server_program", team.group(database, "viewer")):
        with pytest.raises(DBAPIError, match="casr:name"):
            crew.sql("SELECT casr_team_set(:n, :g, NULL)", who="admin", n=name, g=team.group(database, "viewer"))
    admin = crew.logins["admin"]
    assert one_line_refusal(crew.run("team", "remove-user", admin, who="admin")) == (
        "casr-tracker: You cannot take yourself off the team; another admin can."
    )
    for kind, data in (("status", "not json{"), ("note", "{}"), ("status", "[1]")):
        with pytest.raises(DBAPIError, match="event_(kind|data)|invalid input syntax for type json"):
            crew.sql(
                "INSERT INTO event (kind, data, recorded_at, who) VALUES (:k, :d, now(), 'x')",
                who="analyst",
                k=kind,
                d=data,
            )


def test_a_group_name_taken_before_the_team_is_set_up_is_refused(capsys, monkeypatch):
    require_postgres()
    for url in fresh_postgres_database():
        squatter = team.group(make_url(url).database, "admin")
        crew = Team(url, capsys, monkeypatch)
        superuser = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        try:
            with superuser.connect() as connection:
                connection.execute(text(f'CREATE ROLE "{squatter}" LOGIN'))
            assert crew.run("pledges", "--status", "fulfilled")[0] == 0
            refusal = one_line_refusal(crew.run("team", "add-user", "someone_new", "--role", "viewer"))
            assert refusal == (
                f"casr-tracker: The role {squatter} already exists on this server but was not made for this "
                "tracker; the server's administrator removes it before the team is set up."
            )
        finally:
            with superuser.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
                for role in team.ROLES:
                    connection.execute(text(f'DROP ROLE IF EXISTS "{team.group(make_url(url).database, role)}"'))
            superuser.dispose()


def test_a_team_login_is_told_the_owner_must_bring_the_schema_up_to_date(crew):
    from alembic import command

    from casr_tracker import db

    engine = create_engine(crew.url)
    with engine.begin() as connection:  # as if this version of the app were newer than the tracker
        command.downgrade(db.alembic_config(connection), "0013")
    engine.dispose()
    refusal = one_line_refusal(crew.run("pledges", "--status", "fulfilled", who="viewer"))
    assert refusal.endswith(
        f"needs its schema brought up to date (0013 to {db.HEAD}), which only its owner may do: the owner "
        "opens it once with this version of CASR Tracker."
    )
    assert crew.run("pledges", "--status", "fulfilled")[0] == 0  # the owner opens it: brought up to date
    assert crew.run("pledges", "--status", "fulfilled", who="viewer")[0] == 0

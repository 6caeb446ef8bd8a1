"""The command line's team commands: who may use a team database (PostgreSQL), and as what."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from . import team
from .errors import InputError
from .neutral import for_terminal


def _engine(args):
    from .cli import _engine

    return _engine(args)


def _password(args, login: str, *, new: bool) -> str | None:
    """The password: the first line of standard input with --password-stdin, else asked twice on the
    terminal (for a new login; an existing one keeps its password unless --password-stdin gives one)."""
    if args.password_stdin:
        if sys.stdin.isatty():
            raise InputError("--password-stdin reads a password piped in; at a terminal leave it out to be asked.")
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError("--password-stdin read no password: give it on the first line of standard input.")
        return line
    if not new:
        return None
    if not sys.stdin.isatty():
        raise InputError(
            f"{login} is a new login and needs a password: type it at a terminal, or give --password-stdin."
        )
    first = getpass.getpass(f"Password for {login}: ")
    if not first:
        raise InputError("An empty password is not accepted.")
    if getpass.getpass("Again: ") != first:
        raise InputError("The two passwords differ; nothing was changed.")
    return first


def cmd_add_user(args) -> int:
    engine = _engine(args)
    team.check_login(args.login)
    team.prepare(engine)  # (one who may not add users is told so before typing a password)
    new = team.is_new_login(engine, args.login)
    password = _password(args, args.login, new=new)
    _created, sentence = team.add_user(engine, args.login, args.role, password, prepared=True)
    print(for_terminal(sentence))
    return 0


def cmd_remove_user(args) -> int:
    engine = _engine(args)
    print(for_terminal(team.remove_user(engine, args.login)))
    return 0


def cmd_list(args) -> int:
    engine = _engine(args)
    found = team.members(engine)
    if args.json:
        from .cli import _print_json

        _print_json([{"login": m.login, "role": m.role, "owner": m.owner} for m in found])
        return 0
    width = max(len(m.login) for m in found)
    for member in found:
        print(for_terminal(f"{member.login:<{width}}  {member.role}" + ("  (owner)" if member.owner else "")))
    return 0


def add_commands(command: Callable[..., argparse.ArgumentParser], parser_class) -> None:
    """The team commands, added to the parser `cli.build_parser` makes."""
    group = command("team", None, "Who may use this team database (PostgreSQL), and as what.")
    actions = group.add_subparsers(dest="team_command", metavar="ACTION", parser_class=parser_class)
    actions.required = True
    p = command(
        "add-user",
        cmd_add_user,
        "Let a login use this tracker as viewer (reads, reports), analyst (also records) or admin "
        "(also imports statements and manages users); an existing login changes role.",
        actions,
    )
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("--role", required=True, choices=team.ROLES)
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of standard input"
    )
    p = command(
        "remove-user",
        cmd_remove_user,
        "Take a login off this tracker's team (a login made for it and used for nothing else is dropped).",
        actions,
    )
    p.add_argument("login", metavar="LOGIN")
    p = command("list", cmd_list, "List the logins of this tracker and their roles.", actions)
    p.add_argument("--json", action="store_true")

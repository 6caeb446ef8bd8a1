"""Finding what a command or a click names: a pledge by ref, a party, a document, the statements."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from ..errors import InputError, NotFound, UnknownParty
from ..importer.documents import load_document, sha256_text
from ..models import (
    Document,
    Party,
    Pledge,
    PledgeParty,
    Statement,
)
from ..parsing import parse_id


def find_pledge(session: Session, ref: str) -> Pledge:
    """The pledge with this ref (e.g. TRD-3, or 2/TRD-3 to name the statement)."""
    text = ref.strip().upper()
    statement_id = None
    if "/" in text:
        head, _, text = text.partition("/")
        statement_id = parse_id(head)
        if statement_id is None:
            raise NotFound(f"There is no pledge {ref.strip()!r}; 'casr-tracker pledges' lists them.")
    query = select(Pledge).where(Pledge.ref == text)
    if statement_id is not None:
        query = query.where(Pledge.statement_id == statement_id)
    found = list(session.exec(query))
    if not found:
        raise NotFound(f"There is no pledge {ref.strip()!r}; 'casr-tracker pledges' lists them.")
    if len(found) > 1:
        live = [p for p in found if not p.retired]
        if len(live) == 1:
            return live[0]
        raise InputError(
            f"{text} is in several statements; write it as STATEMENT/{text}, e.g. {found[0].statement_id}/{text}."
        )
    return found[0]


def pledge_parties(session: Session, pledge: Pledge) -> list[Party]:
    query = (
        select(Party)
        .join(PledgeParty, PledgeParty.party_id == Party.id)
        .where(PledgeParty.pledge_id == pledge.id)
        .order_by(Party.id)
    )
    return list(session.exec(query))


def find_party(session: Session, text: str) -> Party:
    """A party by code (KZ), short name (Kazakhstan) or formal name (Republic of Kazakhstan)."""
    key = text.strip().lower()
    for party in session.exec(select(Party)):
        if key in (party.code.lower(), party.name.lower(), party.formal_name.lower()):
            return party
    names = ", ".join(p.name for p in session.exec(select(Party).order_by(Party.id)))
    raise UnknownParty(f"{text!r} is not a party; use one of: {names}.")


def find_document(session: Session, key: str | int) -> Document:
    """A document by id, or by the path of a file that has been imported (matched by content)."""
    text = str(key).strip()
    if parse_id(text) is not None or (text.isdigit() and not Path(text).exists()):
        number = parse_id(text)
        document = session.get(Document, number) if number is not None else None
        if document is None:
            raise NotFound(f"There is no document {text}; 'casr-tracker documents' lists them.")
        return document
    sha = sha256_text(load_document(text).text)
    document = session.exec(select(Document).where(Document.sha256 == sha)).first()
    if document is None:
        raise NotFound(f"{text} has not been imported; import it first with 'casr-tracker import-document {text}'.")
    return document


def statements(session: Session) -> list[Statement]:
    return list(session.exec(select(Statement).order_by(Statement.id)))


def statement_party_names(session: Session, statement_id: int) -> list[str]:
    """The names of a statement's signatories, in the order they were stored."""
    from ..models import StatementParty

    return list(
        session.exec(
            select(Party.name)
            .join(StatementParty, StatementParty.party_id == Party.id)
            .where(StatementParty.statement_id == statement_id)
            .order_by(Party.id)
        )
    )


def sphere_name(session: Session, statement_id: int, text: str) -> str:
    """The name of a statement's sphere from its code (TRD) or name, in any case."""
    from ..models import Sphere

    spheres = list(session.exec(select(Sphere).where(Sphere.statement_id == statement_id)))
    wanted = " ".join(text.split()).lower()
    for sphere in spheres:
        if wanted in (sphere.code.lower(), sphere.name.lower()):
            return sphere.name
    names = ", ".join(f"{s.code} ({s.name})" for s in spheres)
    raise InputError(f"Statement {statement_id} has no sphere {text!r}; its spheres are {names}.")


def live_pledge_count(session: Session, statement_id: int) -> int:
    """How many pledges of a statement are in force (not retired)."""
    from sqlalchemy import func

    return session.exec(
        select(func.count()).select_from(Pledge).where(Pledge.statement_id == statement_id, Pledge.retired == False)  # noqa: E712
    ).one()

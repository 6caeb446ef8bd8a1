"""The pledge list: filters, search, ordering, counts, pages of rows and the list as handles."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from sqlalchemy import any_, case, func, literal_column, or_, table
from sqlmodel import Session, col, select

from ..errors import InputError
from ..events import not_retracted
from ..models import (
    Assessment,
    EventKind,
    Evidence,
    Note,
    Party,
    Pledge,
    PledgeParty,
    Sphere,
    Statement,
    StatementParty,
    Status,
    StatusChange,
)
from ..services import find_party, parse_status


@dataclass
class PledgeRow:
    """One line of the pledge list, as the CLI prints it and the JSON gives it."""

    id: int
    ref: str
    statement: int
    statement_title: str
    sphere: str
    sphere_id: int
    text: str
    start: int
    end: int
    parties: list[str]
    party_codes: list[str]
    binds_all: bool
    strength: str
    status: str
    version: int
    evidence_count: int
    notes_count: int
    last_change: str | None

    def to_json(self) -> dict:
        return asdict(self)


def _counts(session: Session, model, pledge_ids: list[int], *extra) -> dict[int, int]:
    query = (
        select(model.pledge_id, func.count())
        .where(col(model.pledge_id).in_(pledge_ids), *extra)
        .group_by(model.pledge_id)
    )
    return dict(session.exec(query).all())


FILTERS = (
    "sphere",
    "status",
    "party",
    "search",
    "statement_id",
    "sphere_id",
    "strength",
    "no_evidence",
    "changed_since",
    "include_retired",
)


def search_terms(text: str) -> str:
    """An FTS5 query for what a user typed: every word, as a prefix ("scholar" finds "scholarships")."""
    words = re.findall(r"[^\W_]+", text)  # letters and digits: where the tokenizer cuts (PostgreSQL's too)
    return " ".join(f'"{word}"*' for word in words)


def postgres_query(text: str) -> str:
    """A PostgreSQL tsquery for what a user typed, as search_terms is for SQLite: every run of letters
    and digits (where FTS5's tokenizer cuts words) as a prefix, all of them required. Only letters and
    digits reach the query, so nothing typed is read as a tsquery operator."""
    return " & ".join(f"'{word}':*" for word in re.findall(r"[^\W_]+", text))


#: a pledge's place in the list as the search index knows it: statement × 1,000,000 + its position in
#: the statement; retired pledges: minus their id. SQLite's row id (migration 0006); PostgreSQL's
#: `list_key` (migration 0014) is the same number.
SEARCH_KEY = "(CASE WHEN pledge.retired THEN -pledge.id ELSE pledge.statement_id * 1000000 + pledge.seq END)"
_STATEMENT_KEYS = 1000000
#: what the search index holds for a pledge: its text, live notes and unwithdrawn evidence quotes
SEARCH_BODY = (
    "pledge.text"
    " || coalesce(' ' || (SELECT group_concat(text, ' ') FROM note WHERE pledge_id = pledge.id"
    " AND deleted_at IS NULL), '')"
    " || coalesce(' ' || (SELECT group_concat(quote, ' ') FROM evidence WHERE pledge_id = pledge.id"
    " AND withdrawn_at IS NULL), '')"
)


def _search_clause(session: Session, text: str):
    """Pledges whose text, live notes or unwithdrawn quotes hold every word of `text` (each as a prefix):
    FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL (the same words), ILIKE on others."""
    if session.get_bind().dialect.name == "sqlite":
        terms = search_terms(text)
        if not terms:
            return col(Pledge.id).in_([])
        # one index holds each pledge's text, live notes and unwithdrawn quotes (migration 0006)
        return col(Pledge.id).in_(
            select(literal_column("pledge_id"))
            .select_from(table("pledge_search"))
            .where(literal_column("pledge_search").op("MATCH")(terms))
        )
    if session.get_bind().dialect.name == "postgresql":
        # the same words as SQLite's index (migration 0012), every one a prefix, through the GIN index
        query = postgres_query(text)
        if not query:
            return col(Pledge.id).in_([])
        matches = (
            select(literal_column("pledge_id"))
            .select_from(table("pledge_search"))
            .where(literal_column("body").op("@@")(func.to_tsquery("simple", query)))
        )
        # the matches as one array, each pledge then found by its key: given `IN (matches)`, the planner
        # hashes them and scans every pledge instead (twice the time for a few thousand matches at 100k)
        return col(Pledge.id) == any_(func.array(matches.scalar_subquery()))
    like = f"%{text}%"  # another database: words anywhere, as a substring
    return or_(
        col(Pledge.text).ilike(like),
        col(Pledge.id).in_(select(Note.pledge_id).where(col(Note.text).ilike(like), col(Note.deleted_at).is_(None))),
        col(Pledge.id).in_(
            select(Evidence.pledge_id).where(col(Evidence.quote).ilike(like), col(Evidence.withdrawn_at).is_(None))
        ),
    )


def _filtered(
    query,
    session: Session,
    *,
    sphere: str | None = None,
    status: str | None = None,
    party: str | None = None,
    search: str | None = None,
    statement_id: int | None = None,
    sphere_id: int | None = None,
    strength: str | None = None,
    no_evidence: bool = False,
    changed_since: dt.date | None = None,
    include_retired: bool = False,
):
    """`query` (over Pledge joined to Sphere) narrowed by every filter given."""
    if not include_retired:
        query = query.where(Pledge.retired == False)  # noqa: E712
    if statement_id is not None:
        query = query.where(Pledge.statement_id == statement_id)
    if sphere:
        like = f"%{sphere.strip()}%"
        query = query.where(or_(func.upper(Sphere.code) == sphere.strip().upper(), col(Sphere.name).ilike(like)))
    if sphere_id is not None:
        query = query.where(Pledge.sphere_id == sphere_id)
    if strength:
        query = query.where(Pledge.strength == strength)
    if status:
        query = query.where(Pledge.status == parse_status(status).value)
    if no_evidence:
        query = query.where(
            col(Pledge.id).not_in(select(Evidence.pledge_id).where(col(Evidence.withdrawn_at).is_(None)))
        )
    if changed_since is not None:
        since = dt.datetime.combine(changed_since, dt.time(), tzinfo=dt.timezone.utc)
        query = query.where(
            or_(
                col(Pledge.id).in_(
                    select(StatusChange.pledge_id).where(
                        or_(StatusChange.recorded_at >= since, StatusChange.effective_date >= changed_since)
                    )
                ),
                col(Pledge.id).in_(select(Assessment.pledge_id).where(Assessment.recorded_at >= since)),
                col(Pledge.id).in_(select(Evidence.pledge_id).where(Evidence.recorded_at >= since)),
                col(Pledge.id).in_(select(Note.pledge_id).where(Note.edited_at >= since)),
            )
        )
    if party:
        found = find_party(session, party)
        query = query.where(col(Pledge.id).in_(select(PledgeParty.pledge_id).where(PledgeParty.party_id == found.id)))
    if search and search.strip():
        query = query.where(_search_clause(session, search.strip()))
    return query


def count_pledges(session: Session, **filters) -> int:
    """How many pledges pass the filters (the arguments of pledge_rows)."""
    query = select(func.count(Pledge.id)).select_from(Pledge).join(Sphere, Sphere.id == Pledge.sphere_id)
    return session.exec(_filtered(query, session, **filters)).one()


#: the orders pledge_rows can give, by the name of the table column they sort
ORDERS = ("ref", "sphere", "text", "strength", "status", "evidence", "last_change")


def _order_terms(key: str) -> list:
    """The columns that sort the pledge table by `key` (built only for the key asked for: the others'
    subqueries cost a few milliseconds to build on every list)."""
    if key == "ref":
        return [Pledge.statement_id, Pledge.seq]
    if key == "sphere":
        return [Sphere.order]
    if key == "text":
        return [Pledge.text]
    if key == "strength":
        return [Pledge.strength]
    if key == "status":
        return [case({s.value: n for n, s in enumerate(Status)}, value=Pledge.status, else_=99)]
    if key == "evidence":
        evidence = select(func.count()).where(Evidence.pledge_id == Pledge.id, col(Evidence.withdrawn_at).is_(None))
        return [evidence.scalar_subquery()]
    if key == "last_change":
        last_change = select(func.max(StatusChange.effective_date)).where(
            StatusChange.pledge_id == Pledge.id, not_retracted(EventKind.status, StatusChange.id)
        )
        return [last_change.scalar_subquery()]
    raise InputError(f"{key!r} is not an order; use one of: {', '.join(ORDERS)}.")


def _order_by(key: str, descending: bool):
    """SQL ORDER BY terms for a column of the pledge table (document order breaks ties)."""
    terms = [term.desc() if descending else term.asc() for term in _order_terms(key)]
    # list order breaks ties (sorting "ref" again by the same columns would cost SQLite a second sort)
    return terms if key == "ref" else [*terms, Pledge.statement_id, Pledge.seq]


def _check_filters(filters: dict) -> None:
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown filters: {sorted(unknown)}")


def _row_query(*extra):
    return (
        select(Pledge, Sphere.name, Sphere.id, Statement.id, Statement.title, *extra)
        .join(Sphere, Sphere.id == Pledge.sphere_id)
        .join(Statement, Statement.id == Pledge.statement_id)
    )


def pledge_rows(
    session: Session,
    *,
    limit: int | None = None,
    offset: int = 0,
    order: str = "ref",
    descending: bool = False,
    **filters,
) -> list[PledgeRow]:
    """The pledges that pass every filter given, in statement order (a page of them with `limit`).

    Filters: `sphere` matches a sphere's code or any part of its name; `party` a code or name;
    `search` looks for the words in pledge text, notes and evidence quotes; `no_evidence` keeps
    pledges without (unwithdrawn) evidence; `changed_since` those with anything recorded since that
    day; also `status`, `strength`, `statement_id`, `sphere_id`, `include_retired`.
    """
    _check_filters(filters)
    query = _filtered(_row_query().order_by(*_order_by(order, descending)), session, **filters)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return _assemble(session, list(session.exec(query)))


@dataclass
class PledgeList:
    """The pledges a list shows, in order, as handles: pledge ids, or (`by_key`) search keys.

    Finding them is one query; `rows_for` turns a slice of handles into rows, so a window reads
    only the rows it paints."""

    handles: list[int]
    by_key: bool = False

    def __len__(self) -> int:
        return len(self.handles)


def _by_search_key(session: Session, order: str, descending: bool, filters: dict) -> bool:
    """Whether the search index alone gives the list: a search in list order, within one statement or
    all, with no other filter."""
    others = {k: v for k, v in filters.items() if k not in ("search", "statement_id")}
    return (
        order == "ref"
        and not descending
        and not any(others.values())
        and bool((filters.get("search") or "").strip())
        and session.get_bind().dialect.name in ("sqlite", "postgresql")
    )


def _from_search_index(session: Session, text: str, statement_id: int | None) -> PledgeList:
    """The pledges matching `text` in list order, read straight out of the search index, whose keys are
    the list's order (live pledges only: a retired one's key is below zero; a statement's are a range).
    SQLite gives its row ids (migration 0006) as the handles; PostgreSQL the pledge ids, in the order of
    its `list_key` (migration 0014), so neither looks the matches up in `pledge` nor sorts them there."""
    low, high = (
        (statement_id * _STATEMENT_KEYS, (statement_id + 1) * _STATEMENT_KEYS)
        if statement_id is not None
        else (1, 2**62)
    )
    if session.get_bind().dialect.name == "sqlite":
        by_key, terms = True, search_terms(text)
        sql = "SELECT rowid FROM pledge_search WHERE pledge_search MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid"
        parameters: tuple = (terms, low, high)
    else:
        by_key, terms = False, postgres_query(text)
        # the range written out: given as parameters, the statement psycopg prepares after five runs gets a
        # generic plan that reads the whole list_key index into a bitmap to AND with the words' (twice the time)
        sql = (
            "SELECT pledge_id FROM pledge_search WHERE body @@ to_tsquery('simple', %s) AND "
            + (f"list_key >= {int(low)} AND list_key < {int(high)}" if statement_id is not None else "list_key > 0")
            + " ORDER BY list_key"
        )
        parameters = (terms,)
    if not terms:
        return PledgeList([], by_key=by_key)
    cursor = session.connection().connection.cursor()  # rows as they come: no ORM, no result objects
    try:
        cursor.execute(sql, parameters)
        return PledgeList([handle for (handle,) in cursor.fetchall()], by_key=by_key)
    finally:
        cursor.close()


def pledge_list(session: Session, *, order: str = "ref", descending: bool = False, **filters) -> PledgeList:
    """The pledges that pass the filters (those of pledge_rows), in order, as handles.

    A search in list order reads the matches straight out of the search index, which knows the list's
    order (migrations 0006 and 0014); anything else is one query for the pledge ids."""
    _check_filters(filters)
    if _by_search_key(session, order, descending, filters):
        return _from_search_index(session, filters["search"], filters.get("statement_id"))
    query = select(Pledge.id)
    if filters.get("sphere") or order == "sphere":  # the only filter and order that need the sphere
        query = query.join(Sphere, Sphere.id == Pledge.sphere_id)
    query = _filtered(query.order_by(*_order_by(order, descending)), session, **filters)
    # rows unpacked as they come from the connection: half the time of the ORM's or of scalars() for 100,000 ids
    return PledgeList([pledge_id for (pledge_id,) in session.connection().execute(query)])


def rows_for(session: Session, found: PledgeList, handles: list[int]) -> dict[int, PledgeRow]:
    """The rows of these handles of `found`, by handle, in the same order (a handle no longer there
    is left out)."""
    if not handles:
        return {}
    if found.by_key:
        handle = literal_column(SEARCH_KEY)
        query = _row_query(handle).where(handle.in_(handles))
    else:
        query = _row_query(Pledge.id).where(col(Pledge.id).in_(handles))
    fetched = {row[-1]: row[:-1] for row in session.exec(query)}
    present = [h for h in handles if h in fetched]
    return dict(zip(present, _assemble(session, [fetched[h] for h in present]), strict=True))


def handles_of(session: Session, found: PledgeList, pledge_ids: list[int]) -> dict[int, int]:
    """The handles these pledges have in `found`'s terms, by pledge id (one query for any number)."""
    if not found.by_key:
        return {pledge_id: pledge_id for pledge_id in pledge_ids}
    if not pledge_ids:
        return {}
    query = select(Pledge.id, literal_column(SEARCH_KEY)).where(col(Pledge.id).in_(pledge_ids))
    return dict(session.exec(query).all())


def _assemble(session: Session, found_rows: list) -> list[PledgeRow]:
    """PledgeRows for (pledge, sphere name, sphere id, statement id, title) tuples, with their parties,
    evidence and note counts and last status change."""
    ids = [row[0].id for row in found_rows]
    evidence = _counts(session, Evidence, ids, col(Evidence.withdrawn_at).is_(None))
    notes = _counts(session, Note, ids, col(Note.deleted_at).is_(None))
    last = dict(
        session.exec(
            select(StatusChange.pledge_id, func.max(StatusChange.effective_date))
            .where(col(StatusChange.pledge_id).in_(ids), not_retracted(EventKind.status, StatusChange.id))
            .group_by(StatusChange.pledge_id)
        ).all()
    )
    parties: dict[int, list[str]] = {}
    codes: dict[int, list[str]] = {}
    for pledge_id, name, code in session.exec(
        select(PledgeParty.pledge_id, Party.name, Party.code)
        .join(Party, Party.id == PledgeParty.party_id)
        .where(col(PledgeParty.pledge_id).in_(ids))
        .order_by(Party.id)
    ):
        parties.setdefault(pledge_id, []).append(name)
        codes.setdefault(pledge_id, []).append(code)
    statement_ids = {row[3] for row in found_rows}
    signatories = dict(
        session.exec(
            select(StatementParty.statement_id, func.count())
            .where(col(StatementParty.statement_id).in_(statement_ids))
            .group_by(StatementParty.statement_id)
        ).all()
    )
    return [
        PledgeRow(
            id=p.id,
            ref=p.ref,
            statement=statement_id,
            statement_title=statement_title,
            sphere=sphere_name,
            sphere_id=sphere_id,
            text=p.text,
            start=p.start,
            end=p.end,
            parties=parties.get(p.id, []),
            party_codes=codes.get(p.id, []),
            binds_all=len(parties.get(p.id, [])) == signatories.get(statement_id, 0),
            strength=p.strength,
            status=p.status,
            version=p.version,
            evidence_count=evidence.get(p.id, 0),
            notes_count=notes.get(p.id, 0),
            last_change=last[p.id].isoformat() if p.id in last else None,
        )
        for p, sphere_name, sphere_id, statement_id, statement_title in found_rows
    ]


def pledges_to_choose(session: Session, text: str = "", limit: int = 200) -> list[PledgeRow]:
    """Pledges for a chooser: those with a ref like `text` (TRD-3, 2/TRD-3), else those whose words
    it contains, else the first `limit` (a short list however big the tracker)."""
    text = text.strip()
    ref = re.fullmatch(r"(?:(\d+)/)?([A-Za-z]{2,8}-\d+)", text)
    if ref:
        wanted = ref.group(2).upper()
        query = select(Pledge.id).where(func.upper(Pledge.ref) == wanted, Pledge.retired == False)  # noqa: E712
        if ref.group(1):
            query = query.where(Pledge.statement_id == int(ref.group(1)))
        ids = set(session.exec(query))
        if ids:
            statement_ids = set(session.exec(select(Pledge.statement_id).where(col(Pledge.id).in_(ids))))
            rows = [r for sid in sorted(statement_ids) for r in pledge_rows(session, statement_id=sid)]
            return [r for r in rows if r.id in ids]
    return pledge_rows(session, search=text or None, limit=limit)

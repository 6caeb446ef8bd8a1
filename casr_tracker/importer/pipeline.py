"""The statement import, as stages: read → parse → match against what is stored → apply.

Each stage is a plain function. `match` decides whether the text is new, the same as a stored
statement, or an edited version of one; `apply` writes the plan in the caller's transaction and
returns an ImportReport of what is new, changed, unchanged and gone.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..errors import ImportProblem
from ..models import Event, EventKind, Party, Pledge, PledgeParty, Sphere, Statement, StatementParty, utcnow
from ..neutral import user_name
from ..wording import counted
from . import edits, rules, signatories
from .documents import read_text, sha256_text
from .statement import ParsedPledge, ParsedSection, ParsedStatement, parse_statement

#: how alike an old and a new sentence must be to count as the same pledge, edited
SIMILARITY = 0.75


@dataclass
class ImportReport:
    """What an import did; refs name the pledges in each group."""

    statement_id: int
    title: str
    created: bool = False
    identical: bool = False
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    spheres: int = 0
    #: what was read (after the analyst's corrections); not part of the JSON report
    parsed: ParsedStatement | None = None
    #: corrections recorded before that no longer fit the text, with why
    stale: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "parsed"}

    def summary(self) -> str:
        if self.identical:
            return f"Statement {self.statement_id} ({self.title}) is already imported; nothing changed."
        verb = "Imported" if self.created else "Updated"
        said = (
            f"{verb} statement {self.statement_id} ({self.title}): {counted(self.spheres, 'sphere')}; pledges: "
            f"{len(self.new)} new, {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{len(self.gone)} gone."
        )
        if self.stale:
            said += f" {counted(len(self.stale), 'earlier correction')} no longer fit: {_stale(self.stale)}"
        return said


@dataclass
class ImportPlan:
    """The parsed text and how each of its pledges relates to a stored statement's pledges."""

    parsed: ParsedStatement
    target: Statement | None
    identical: bool
    #: parsed pledge index → stored pledge, for those that match; and whether the text is the same
    matches: dict[int, tuple[Pledge, bool]] = field(default_factory=dict)
    gone: list[Pledge] = field(default_factory=list)


def read(path: str | Path) -> str:
    """Stage 1: the file's text (see importer.documents.read_text for the errors)."""
    return read_text(path)


def parse(text: str, parties: tuple[str, ...] | None = None) -> ParsedStatement:
    """Stage 2: sections and pledges (see importer.statement); `parties` as the analyst confirmed them."""
    return parse_statement(text, parties)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w{4,}", text.lower()))


def _pair(parsed: list[ParsedPledge], stored: list[Pledge]) -> dict[int, tuple[Pledge, bool]]:
    """Pair new pledges with stored ones: exact text first, then the most similar above SIMILARITY.

    Only stored pledges sharing at least half of a new pledge's longer words are compared, and
    difflib's cheap upper bounds are tried before its ratio, so large statements pair quickly."""
    pairs: dict[int, tuple[Pledge, bool]] = {}
    free = {p.id: p for p in stored}
    by_text: dict[str, list[Pledge]] = {}
    for p in stored:
        by_text.setdefault(edits.normalised(p.text), []).append(p)
    for i, new in enumerate(parsed):
        same = [p for p in by_text.get(edits.normalised(new.text), []) if p.id in free]
        if same:
            pairs[i] = (same[0], True)
            del free[same[0].id]
    if len(pairs) == len(parsed) or not free:
        return pairs
    words = {pid: _words(p.text) for pid, p in free.items()}
    index: dict[str, set[int]] = {}
    for pid, found in words.items():
        for word in found:
            index.setdefault(word, set()).add(pid)
    scored = []
    for i, new in enumerate(parsed):
        if i in pairs:
            continue
        mine = _words(new.text)
        shared: dict[int, int] = {}
        for word in mine:
            for pid in index.get(word, ()):
                shared[pid] = shared.get(pid, 0) + 1
        text = edits.normalised(new.text)
        for pid, n in shared.items():
            if n < 0.5 * min(len(mine), len(words[pid])):
                continue
            matcher = difflib.SequenceMatcher(None, text, edits.normalised(free[pid].text))
            if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILARITY:
                scored.append((ratio, i, free[pid]))
    for _ratio, i, old in sorted(scored, key=lambda item: -item[0]):
        if i not in pairs and old.id in free:
            pairs[i] = (old, False)
            del free[old.id]
    return pairs


def _revive(session: Session, statement_id: int, parsed: ParsedStatement, pairs: dict) -> None:
    """A sentence that was gone from the text and is back gets its retired pledge again, with its ref
    and its work (a pledge the analyst dropped stays dropped: its sentence is no pledge any more)."""
    new_pledges = [p for _s, p in parsed.pledges]
    unpaired = [i for i in range(len(new_pledges)) if i not in pairs]
    if not unpaired:
        return
    retired = list(session.exec(select(Pledge).where(Pledge.statement_id == statement_id, Pledge.retired == True)))  # noqa: E712
    if not retired:
        return
    found = _pair([new_pledges[i] for i in unpaired], retired)
    for k, paired in found.items():
        pairs[unpaired[k]] = paired


def match(
    session: Session, parsed: ParsedStatement, title: str | None = None, *, target: Statement | None = None
) -> ImportPlan:
    """Stage 3: is this text new, identical to a stored statement, or an edited version of one?

    A stored statement with the same text is identical. The statement being edited is the one with
    the given title, or else one that has at least a quarter of these sentences word for word and,
    paired closely, shares at least half of its pledges with this text.
    """
    sha = sha256_text(parsed.text)
    same = target or session.exec(select(Statement).where(Statement.sha256 == sha)).first()
    if same is not None and target is None:
        return ImportPlan(parsed, same, identical=True)
    if target is not None:
        stored = list(session.exec(select(Pledge).where(Pledge.statement_id == target.id, Pledge.retired == False)))  # noqa: E712
        pairs = _pair([p for _s, p in parsed.pledges], stored)
        _revive(session, target.id, parsed, pairs)
        kept = {p.id for p, _same in pairs.values()}
        return ImportPlan(parsed, target, False, pairs, [p for p in stored if p.id not in kept])
    new_pledges = [p for _s, p in parsed.pledges]
    texts = [p.text for p in new_pledges]
    overlap: dict[int, int] = {}
    for chunk in range(0, len(texts), 500):
        for statement_id, n in session.exec(
            select(Pledge.statement_id, func.count())
            .where(col(Pledge.text).in_(texts[chunk : chunk + 500]), Pledge.retired == False)  # noqa: E712
            .group_by(Pledge.statement_id)
        ):
            overlap[statement_id] = overlap.get(statement_id, 0) + n
    candidate_ids = {sid for sid, n in overlap.items() if n >= 0.25 * max(len(texts), 1)}
    if title:
        titled = set(session.exec(select(Statement.id).where(Statement.title == title)))
        if titled:
            candidate_ids = titled
    best: tuple[float, Statement, dict[int, tuple[Pledge, bool]], list[Pledge]] | None = None
    for statement in session.exec(select(Statement).where(col(Statement.id).in_(candidate_ids))):
        stored = list(
            session.exec(
                select(Pledge).where(Pledge.statement_id == statement.id, Pledge.retired == False)  # noqa: E712
            )
        )
        if not stored:
            continue
        pairs = _pair(new_pledges, stored)
        share = len(pairs) / len(stored)
        candidate = (title and statement.title == title) or share >= 0.5
        if candidate and (best is None or share > best[0]):
            best = (share, statement, pairs, stored)
    if best is None:
        return ImportPlan(parsed, None, identical=False)
    _share, statement, pairs, stored = best
    _revive(session, statement.id, parsed, pairs)
    kept = {p.id for p, _same in pairs.values()}
    return ImportPlan(parsed, statement, False, pairs, [p for p in stored if p.id not in kept])


def ensure_parties(session: Session, codes: tuple[str, ...] | list[str]) -> dict[str, Party]:
    """The Party rows for `codes` (states and organisations of the gazetteer), creating those missing."""
    existing = {p.code: p for p in session.exec(select(Party))}
    for code in codes:
        if code not in existing:
            known = signatories.signatory(code)
            name = known.name
            if session.exec(select(Party).where(Party.name == name)).first() is not None:
                name = f"{name} ({code})"
            party = Party(code=code, name=name, formal_name=known.formal_name)
            session.add(party)
            existing[code] = party
    session.flush()
    return existing


def resolve_parties(session: Session, names: list[str]) -> tuple[str, ...]:
    """Codes for the signatories an analyst names (a code, a short or formal name of a state, an
    organisation), stored parties first; an unknown name is refused with one sentence."""
    codes: list[str] = []
    stored = list(session.exec(select(Party)))
    for name in names:
        wanted = " ".join(name.split())
        party = next(
            (p for p in stored if wanted.lower() in (p.code.lower(), p.name.lower(), p.formal_name.lower())), None
        )
        code = party.code if party else (found.code if (found := signatories.lookup(wanted)) else None)
        if code is None:
            raise ImportProblem(
                f"Unknown party {wanted!r}: name a state (Kazakhstan, KZ, the Kyrgyz Republic) or an "
                "organisation (EU, ASEAN, SCO)."
            )
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _spheres_for(session: Session, statement: Statement, sections: list[ParsedSection]) -> dict[int, Sphere]:
    """Sphere rows for the parsed sections, reusing stored ones with the same name and kind."""
    stored = {(s.name, s.kind): s for s in session.exec(select(Sphere).where(Sphere.statement_id == statement.id))}
    out = {}
    for section in sections:
        sphere = stored.get((section.name, section.kind))
        if sphere is None:
            taken = {s.code for s in stored.values()}
            code = section.code if section.code not in taken else rules.sphere_code(section.name, taken)
            sphere = Sphere(statement_id=statement.id, name=section.name, kind=section.kind, code=code)
            stored[(section.name, section.kind)] = sphere
        sphere.order = section.order
        sphere.heading_start = section.heading_start
        session.add(sphere)
        out[section.order] = sphere
    session.flush()
    return out


def _bound_parties(session: Session, pledge_ids: list[int]) -> dict[int, set[int]]:
    """The party ids each of these pledges binds now."""
    bound: dict[int, set[int]] = {}
    if pledge_ids:
        for pledge_id, party_id in session.exec(
            select(PledgeParty.pledge_id, PledgeParty.party_id).where(col(PledgeParty.pledge_id).in_(pledge_ids))
        ):
            bound.setdefault(pledge_id, set()).add(party_id)
    return bound


def _set_parties(session: Session, pledge: Pledge, codes: tuple[str, ...], parties: dict[str, Party]) -> None:
    for link in session.exec(select(PledgeParty).where(PledgeParty.pledge_id == pledge.id)):
        session.delete(link)
    session.flush()
    for code in codes:
        session.add(PledgeParty(pledge_id=pledge.id, party_id=parties[code].id))


def apply(
    session: Session,
    plan: ImportPlan,
    *,
    title: str,
    date: dt.date | None = None,
    source_name: str = "",
) -> ImportReport:
    """Stage 4: write the plan. Matched pledges keep their ref, status, evidence and notes."""
    parsed = plan.parsed
    if plan.identical:
        target = plan.target
        assert target is not None
        return ImportReport(target.id, target.title, identical=True)
    parties = ensure_parties(
        session, list(dict.fromkeys([*parsed.parties, *(c for _s, p in parsed.pledges for c in p.parties)]))
    )
    statement = plan.target
    created = statement is None
    if statement is None:
        statement = Statement(title=title, date=date, text=parsed.text, sha256="", source_name=source_name)
    statement.text, statement.sha256 = parsed.text, sha256_text(parsed.text)
    if date:
        statement.date = date
    if source_name:
        statement.source_name = source_name
    session.add(statement)
    session.flush()
    if created:
        for code in parsed.parties:
            session.add(StatementParty(statement_id=statement.id, party_id=parties[code].id))
    spheres = _spheres_for(session, statement, parsed.sections)
    report = ImportReport(statement.id, statement.title, created=created, spheres=len(parsed.spheres))
    stored_refs = session.exec(select(Pledge.ref).where(Pledge.statement_id == statement.id)).all()
    next_number: dict[str, int] = {}
    for ref in stored_refs:
        code, _, number = ref.rpartition("-")
        next_number[code] = max(next_number.get(code, 0), int(number))
    now = utcnow()
    created_pledges: list[tuple[Pledge, tuple[str, ...]]] = []
    matched = [pledge for pledge, _same in plan.matches.values()]
    bound = _bound_parties(session, [p.id for p in matched])
    for seq, (section, new) in enumerate(parsed.pledges):
        sphere = spheres[section.order]
        paired = plan.matches.get(seq)
        if paired is None:
            number = next_number.get(sphere.code, 0) + 1
            next_number[sphere.code] = number
            pledge = Pledge(
                ref=f"{sphere.code}-{number}",
                statement_id=statement.id,
                sphere_id=sphere.id,
                text=new.text,
                start=new.start,
                end=new.end,
                strength=new.strength,
                seq=seq,
            )
            created_pledges.append((pledge, new.parties))
            report.new.append(pledge.ref)
            continue
        pledge, same_text = paired
        edited = not same_text or pledge.retired or pledge.strength != new.strength
        pledge.text, pledge.start, pledge.end, pledge.seq = new.text, new.start, new.end, seq
        pledge.sphere_id, pledge.strength, pledge.retired = sphere.id, new.strength, False
        if edited:
            pledge.version += 1
            pledge.updated_at = now
        session.add(pledge)
        wanted = {parties[code].id for code in new.parties}
        if bound.get(pledge.id, set()) != wanted:
            _set_parties(session, pledge, new.parties, parties)
        (report.changed if edited else report.unchanged).append(pledge.ref)
    if created_pledges:
        session.add_all([pledge for pledge, _codes in created_pledges])
        session.flush()  # one batched INSERT gives every new pledge its id
        session.add_all(
            [
                PledgeParty(pledge_id=pledge.id, party_id=parties[code].id)
                for pledge, codes in created_pledges
                for code in codes
            ]
        )
    for pledge in plan.gone:
        pledge.retired = True
        pledge.version += 1
        pledge.updated_at = now
        session.add(pledge)
        report.gone.append(pledge.ref)
    session.flush()
    return report


def stored_edits(session: Session, statement_id: int) -> list[edits.Edit]:
    """The analyst's corrections of a statement's reading, oldest first."""
    rows = session.exec(
        select(Event)
        .where(Event.kind == EventKind.import_edit.value, Event.subject_id == statement_id)
        .order_by(col(Event.id))
    )
    return [edits.Edit.from_json(json.loads(event.data)) for event in rows]


def _record_edits(session: Session, statement_id: int, new_edits: list[edits.Edit], who: str) -> None:
    who = user_name(who)  # as events.log: no line break or control character in a name
    pledges = [
        (edits.normalised(p.text), p) for p in session.exec(select(Pledge).where(Pledge.statement_id == statement_id))
    ]
    live = [(text, p) for text, p in pledges if not p.retired]
    for edit in new_edits:
        wanted = edits.normalised(edit.text)
        pledge = (
            next((p for text, p in live if text == wanted), None)
            or next((p for text, p in pledges if text == wanted), None)  # dropped: retired
            or next((p for text, p in live if text.startswith(wanted)), None)  # merged with the next
            or next((p for text, p in live if wanted.startswith(text)), None)  # split: its first part
        )
        session.add(
            Event(
                kind=EventKind.import_edit.value,
                pledge_id=pledge.id if pledge else None,
                subject_id=statement_id,
                data=json.dumps(edit.to_json(), ensure_ascii=False),
                who=who,
            )
        )
    session.flush()


def signatory_codes(session: Session, statement_id: int) -> tuple[str, ...]:
    """The codes of a stored statement's signatories, in the order stored."""
    return tuple(
        session.exec(
            select(Party.code)
            .join(StatementParty, StatementParty.party_id == Party.id)
            .where(StatementParty.statement_id == statement_id)
            .order_by(col(Party.id))
        )
    )


def _set_signatories(session: Session, statement: Statement, codes: tuple[str, ...]) -> None:
    stored = ensure_parties(session, codes)
    for link in session.exec(select(StatementParty).where(StatementParty.statement_id == statement.id)):
        session.delete(link)
    session.flush()
    for code in codes:
        session.add(StatementParty(statement_id=statement.id, party_id=stored[code].id))
    session.flush()


def _stale(reasons: list[str]) -> str:
    return " ".join(dict.fromkeys(reasons))


def import_statement(
    session: Session,
    text: str,
    *,
    title: str | None = None,
    date: dt.date | None = None,
    source_name: str = "",
    parties: tuple[str, ...] | None = None,
    corrections: list[edits.Edit] | None = None,
    who: str = "",
    retire_at_most: int | None = None,
) -> ImportReport:
    """parse → match → (the analyst's corrections) → apply, in the caller's transaction.

    `retire_at_most`: an import that would retire more of a stored statement's pledges than this is
    refused (ImportProblem, nothing written once the caller's transaction rolls back); the command
    line passes RETIRE_WITHOUT_ASKING unless the analyst confirmed.

    Without a title or date, the statement's own (its title line, its dateline) are used. Again with
    an edited text: the signatories confirmed before are kept unless `parties` names others, and the
    corrections recorded before are applied again (to the same sentence, or to the most alike one
    when it was edited); those that no longer fit are listed in the report."""
    text = clean_text(text)
    parsed = parse(text, parties)
    plan = match(session, parsed, title)
    if plan.target is not None:
        stored_parties = signatory_codes(session, plan.target.id)
        wanted = tuple(parties) if parties else stored_parties
        if wanted != stored_parties:
            _set_signatories(session, plan.target, wanted)
        if wanted != parsed.parties or plan.identical and (wanted != stored_parties or corrections):
            parsed = parse(text, wanted)
            plan = match(session, parsed, title, target=plan.target)
        if plan.identical:
            _restate(plan.target, title, date)
            return apply(session, plan, title="", date=date, source_name=source_name)
    before = stored_edits(session, plan.target.id) if plan.target is not None else []
    stale: list[str] = []
    if before or corrections:
        applied = edits.apply_edits(parsed, before + list(corrections or []))
        new_reasons = [r for e, r in zip(applied.stale, applied.reasons, strict=True) if e in (corrections or [])]
        if new_reasons:
            raise ImportProblem(_stale(new_reasons))
        stale = applied.reasons
        plan = match(session, applied.statement, title, target=plan.target)
    default_title = title or (plan.target.title if plan.target else "") or parsed.title or _title_from(source_name)
    report = apply(session, plan, title=default_title, date=date or parsed.date, source_name=source_name)
    if plan.target is not None:
        _restate(plan.target, title, date)
    report.parsed = plan.parsed
    report.stale = stale
    if retire_at_most is not None and len(report.gone) > retire_at_most:
        raise ImportProblem(
            f"This import would retire {len(report.gone)} pledges of statement {report.statement_id} "
            f"({_few(report.gone)}); see the plan with --dry-run, and add --confirm to import it anyway "
            "(their history is kept, and importing the earlier text brings them back)."
        )
    if corrections:
        _record_edits(session, report.statement_id, list(corrections), who)
    return report


#: an import may retire this many of a statement's pledges without the analyst confirming it
RETIRE_WITHOUT_ASKING = 3


def _few(refs: list[str], shown: int = 5) -> str:
    return ", ".join(refs[:shown]) + (f" and {len(refs) - shown} more" if len(refs) > shown else "")


def _restate(statement: Statement, title: str | None, date: dt.date | None) -> None:
    """A title or date the analyst gives again replaces the stored one."""
    if title and title != statement.title:
        statement.title = title
    if date and date != statement.date:
        statement.date = date


#: characters a copy from a web page leaves in a text that no reader sees: zero-width spaces and joiners
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean_text(text: str) -> str:
    """A statement's text without invisible characters (offsets are into this text)."""
    return text.translate(_INVISIBLE)


def correct(session: Session, *, statement: Statement, correction: edits.Edit, who: str = "") -> ImportReport:
    """Correct the reading of an imported statement (drop, add, split, merge a pledge; change its
    sphere, parties or strength): recorded as an event and kept by every later import of the text."""
    parties = signatory_codes(session, statement.id)
    if correction.kind == "parties":
        strangers = [code for code in correction.value or () if code not in parties]
        if strangers:
            names = ", ".join(signatories.signatory(c).name for c in parties)
            raise ImportProblem(
                f"{', '.join(signatories.signatory(c).name for c in strangers)} did not sign statement "
                f"{statement.id}; its signatories are {names}."
            )
    parsed = parse(statement.text, parties)
    applied = edits.apply_edits(parsed, [*stored_edits(session, statement.id), correction])
    if correction in applied.stale:
        raise ImportProblem(applied.reasons[applied.stale.index(correction)] + " Nothing was changed.")
    plan = match(session, applied.statement, target=statement)
    report = apply(session, plan, title=statement.title, date=statement.date, source_name=statement.source_name)
    report.parsed = plan.parsed
    _record_edits(session, statement.id, [correction], who)
    return report


def reading_of(session: Session, pledge_id: int) -> dict:
    """How a pledge was read, and the spheres of its statement: what a correction starts from."""
    pledge = session.get(Pledge, pledge_id)
    spheres = session.exec(select(Sphere).where(Sphere.statement_id == pledge.statement_id).order_by(col(Sphere.order)))
    codes = session.exec(
        select(Party.code).join(PledgeParty, PledgeParty.party_id == Party.id).where(PledgeParty.pledge_id == pledge.id)
    ).all()
    names = [s.name for s in spheres]
    return {
        "ref": pledge.ref,
        "text": pledge.text,
        "strength": pledge.strength,
        "parties": list(codes),
        "sphere": session.get(Sphere, pledge.sphere_id).name,
        "spheres": names,
    }


def correct_pledge(session: Session, *, pledge_id: int, kind: str, value=None, who: str = "") -> ImportReport:
    """One correction of how a stored pledge was read (see `correct`): parties as typed names, a
    merge with the next pledge of the statement unless `value` names the sentence to merge with."""
    pledge = session.get(Pledge, pledge_id)
    if kind == "strength" and value not in ("firm", "soft"):
        raise ImportProblem(f"Strength {value!r} is not firm or soft.")
    if kind == "parties":
        value = resolve_parties(session, list(value or []))
    if kind == "merge" and value is None:
        following = session.exec(
            select(Pledge)
            .where(Pledge.statement_id == pledge.statement_id, Pledge.seq > pledge.seq, Pledge.retired == False)  # noqa: E712
            .order_by(col(Pledge.seq))
        ).first()
        if following is None:
            raise ImportProblem(
                f"{pledge.ref} is the last pledge of its statement: there is none after it to merge with."
            )
        value = following.text
    statement = session.get(Statement, pledge.statement_id)
    return correct(session=session, statement=statement, correction=edits.Edit(kind, pledge.text, value), who=who)


@dataclass
class Proposal:
    """What an import would do, for the analyst to confirm: the statement's title, date and
    signatories, and each pledge with its proposed ref, sphere, parties, strength and how sure the
    importer is (`why` says what is unsure)."""

    statement_id: int | None
    created: bool
    identical: bool
    title: str
    date: dt.date | None
    parties: list[dict]
    parties_found: bool
    pledges: list[dict]
    gone: list[str]
    #: no signatories found in the text nor named: the Central Asia + Russia six are assumed
    parties_assumed: bool = False
    #: corrections recorded before that no longer fit the text, with why
    stale: list[str] = field(default_factory=list)
    #: sentences with a commitment's words that were not taken: {text, start, end, why}
    missed: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        data = dict(self.__dict__)
        data["date"] = self.date.isoformat() if self.date else None
        data["unsure"] = sum(1 for p in self.pledges if not p["sure"])
        return data


def propose(session: Session, text: str, **options) -> Proposal:
    """The import as it would be (`import_statement`'s options): made in the session's transaction,
    read back, and rolled back, so nothing of it is kept."""
    try:
        return _read_back(session, import_statement(session, text, **options))
    finally:
        session.rollback()


def _read_back(session: Session, report: ImportReport) -> Proposal:
    statement = session.get(Statement, report.statement_id)
    rows = session.exec(
        select(Pledge, Sphere)
        .join(Sphere, Sphere.id == Pledge.sphere_id)
        .where(Pledge.statement_id == report.statement_id, Pledge.retired == False)  # noqa: E712
        .order_by(col(Pledge.seq))
    ).all()
    codes = {p.id: p.code for p in session.exec(select(Party))}
    bound = _bound_parties(session, [pledge.id for pledge, _sphere in rows])
    read = {(p.start, p.end): p for _s, p in report.parsed.pledges} if report.parsed else {}
    status = {ref: "new" for ref in report.new} | {ref: "changed" for ref in report.changed}
    pledges = []
    for pledge, sphere in rows:
        found = read.get((pledge.start, pledge.end))
        pledges.append(
            {
                "ref": pledge.ref,
                "sphere": sphere.name,
                "sphere_code": sphere.code,
                "text": pledge.text,
                "start": pledge.start,
                "end": pledge.end,
                "strength": pledge.strength,
                "parties": sorted((codes[i] for i in bound.get(pledge.id, ())), key=list(codes.values()).index),
                "sure": found.sure if found else True,
                "why": found.why if found else "",
                "state": status.get(pledge.ref, "unchanged"),
            }
        )
    signed = session.exec(
        select(Party)
        .join(StatementParty, StatementParty.party_id == Party.id)
        .where(StatementParty.statement_id == statement.id)
    ).all()
    parsed = report.parsed
    return Proposal(
        statement.id if not report.created else None,
        report.created,
        report.identical,
        statement.title,
        statement.date,
        [{"code": p.code, "name": p.name} for p in signed],
        parsed.parties_found if parsed else True,
        pledges,
        report.gone,
        parsed.parties_assumed if parsed else False,
        report.stale,
        _missed(parsed, pledges),
    )


def _missed(parsed: ParsedStatement | None, pledges: list[dict]) -> list[dict]:
    """The sentences not taken that no pledge covers (an analyst may have added one)."""
    if parsed is None:
        return []
    spans = [(p["start"], p["end"]) for p in pledges]
    return [
        {"text": m.text, "start": m.start, "end": m.end, "why": m.why}
        for m in parsed.missed
        if not any(start < m.end and m.start < end for start, end in spans)
    ]


def _title_from(source_name: str) -> str:
    stem = Path(source_name).stem if source_name else "Statement"
    return re.sub(r"[_-]+", " ", stem).strip().capitalize() or "Statement"

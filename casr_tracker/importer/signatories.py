"""Who signs a statement: states (pycountry's gazetteer with the usual short and long forms),
organisations that sign as such (EU, ASEAN, G20, …) and groups named by region or membership
("the Central Asian states", "the SCO member states").

Pure functions over strings. A signatory is a `Signatory(code, name, formal_name)`: ISO 3166 alpha-2
codes for states, short capitals for organisations (EU, ASEAN, SCO, …).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

import pycountry


@dataclass(frozen=True)
class Signatory:
    code: str
    name: str
    formal_name: str = ""


#: the name a statement uses for a state when pycountry's is a formal or inverted one
SHORT_NAMES = {
    "RU": "Russia",
    "US": "United States",
    "GB": "United Kingdom",
    "KR": "South Korea",
    "KP": "North Korea",
    "IR": "Iran",
    "SY": "Syria",
    "VN": "Vietnam",
    "LA": "Laos",
    "MD": "Moldova",
    "TR": "Türkiye",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "CZ": "Czechia",
    "BN": "Brunei",
    "PS": "Palestine",
    "CD": "DR Congo",
    "CG": "Congo",
    "FM": "Micronesia",
    "TW": "Taiwan",
    "VA": "Holy See",
}
#: other ways texts name a state, besides pycountry's name, official name and common name
EXTRA_NAMES = {
    "RU": ("Russia", "Russian Federation"),
    "KG": ("Kyrgyz Republic", "Kirghizia", "Kyrgyz Republic"),
    "US": ("United States of America", "United States", "USA", "U.S.", "U.S.A."),
    "GB": ("United Kingdom", "UK", "Great Britain", "Britain"),
    "KR": ("Republic of Korea", "South Korea", "ROK"),
    "KP": ("Democratic People's Republic of Korea", "North Korea", "DPRK"),
    "CN": ("People's Republic of China", "PRC"),
    "TR": ("Türkiye", "Turkiye", "Turkey", "Republic of Türkiye", "Republic of Turkey"),
    "VN": ("Vietnam", "Viet Nam"),
    "LA": ("Lao PDR", "Laos"),
    "CZ": ("Czech Republic", "Czechia"),
    "MM": ("Myanmar", "Burma"),
    "BN": ("Brunei Darussalam", "Brunei"),
    "AE": ("UAE", "United Arab Emirates"),
    "IR": ("Islamic Republic of Iran", "Iran"),
    "AF": ("Afghanistan", "Islamic Republic of Afghanistan"),
    "CD": ("Democratic Republic of the Congo", "DR Congo", "DRC"),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire", "Ivory Coast"),
    "CV": ("Cape Verde", "Cabo Verde"),
    "TL": ("East Timor", "Timor-Leste"),
    "SZ": ("Swaziland", "Eswatini"),
    "MK": ("North Macedonia", "Macedonia"),
    "KN": ("Saint Kitts and Nevis", "St Kitts and Nevis", "St. Kitts and Nevis"),
    "SA": ("Saudi Arabia", "Kingdom of Saudi Arabia", "KSA"),
}
#: adjectives for "the Russian side", "the Kazakh Party", "Uzbek authorities"
DEMONYMS = {
    "KZ": ("Kazakh", "Kazakhstani"),
    "KG": ("Kyrgyz",),
    "RU": ("Russian",),
    "TJ": ("Tajik", "Tajikistani"),
    "TM": ("Turkmen",),
    "UZ": ("Uzbek", "Uzbekistani"),
    "CN": ("Chinese",),
    "US": ("American", "US", "U.S."),
    "IN": ("Indian",),
    "JP": ("Japanese",),
    "KR": ("Korean",),
    "DE": ("German",),
    "FR": ("French",),
    "GB": ("British",),
    "IT": ("Italian",),
    "BY": ("Belarusian",),
    "AM": ("Armenian",),
    "AZ": ("Azerbaijani",),
    "MN": ("Mongolian",),
    "AF": ("Afghan",),
    "TR": ("Turkish",),
    "IR": ("Iranian",),
    "PK": ("Pakistani",),
}
CENTRAL_ASIA = ("KZ", "KG", "TJ", "TM", "UZ")

#: organisations that sign statements: code → (name, other names, members as (code, from year, to year))
_Y = 1990
ORGANISATIONS: dict[str, tuple[str, tuple[str, ...], tuple[tuple[str, int, int], ...]]] = {
    "EU": ("European Union", ("EU", "European Commission"), ()),
    "ASEAN": (
        "Association of Southeast Asian Nations",
        ("ASEAN",),
        tuple((c, _Y, 9999) for c in ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"))
        + (("TL", 2025, 9999),),
    ),
    "SCO": (
        "Shanghai Cooperation Organisation",
        ("SCO", "Shanghai Cooperation Organization"),
        tuple((c, 2001, 9999) for c in ("CN", "KZ", "KG", "RU", "TJ", "UZ"))
        + (("IN", 2017, 9999), ("PK", 2017, 9999), ("IR", 2023, 9999), ("BY", 2024, 9999)),
    ),
    "CIS": (
        "Commonwealth of Independent States",
        ("CIS",),
        tuple((c, _Y, 9999) for c in ("AM", "AZ", "BY", "KZ", "KG", "MD", "RU", "TJ", "UZ")),
    ),
    "EAEU": (
        "Eurasian Economic Union",
        ("EAEU", "EAEU", "Eurasian Economic Union", "EEU"),
        tuple((c, 2015, 9999) for c in ("AM", "BY", "KZ", "KG", "RU")),
    ),
    "CSTO": (
        "Collective Security Treaty Organization",
        ("CSTO", "Collective Security Treaty Organisation"),
        tuple((c, _Y, 9999) for c in ("AM", "BY", "KZ", "KG", "RU", "TJ")),
    ),
    "G7": ("Group of Seven", ("G7", "G-7"), tuple((c, _Y, 9999) for c in ("CA", "FR", "DE", "IT", "JP", "GB", "US"))),
    "G20": (
        "Group of Twenty",
        ("G20", "G-20"),
        tuple(
            (c, _Y, 9999)
            for c in ("AR", "AU", "BR", "CA", "CN", "FR", "DE", "IN", "ID", "IT", "JP", "KR", "MX", "RU", "SA", "ZA")
            + ("TR", "GB", "US")
        ),
    ),
    "BRICS": ("BRICS", ("BRICS",), tuple((c, _Y, 9999) for c in ("BR", "RU", "IN", "CN", "ZA"))),
    "AFU": ("African Union", ("African Union", "AU"), ()),
    "OSCE": ("Organization for Security and Co-operation in Europe", ("OSCE",), ()),
    "UN": ("United Nations", ("United Nations", "UN"), ()),
    "GCC": ("Gulf Cooperation Council", ("GCC",), tuple((c, _Y, 9999) for c in ("BH", "KW", "OM", "QA", "SA", "AE"))),
    "OTS": ("Organization of Turkic States", ("Organization of Turkic States", "OTS"), ()),
    "CICA": ("Conference on Interaction and Confidence-Building Measures in Asia", ("CICA",), ()),
    "ECO": ("Economic Cooperation Organization", ("ECO",), ()),
    "NATO": ("North Atlantic Treaty Organization", ("NATO", "North Atlantic Treaty Organisation"), ()),
}
#: groups of organisations as signatories themselves (they sign, not their members)
_SIGNS_AS_ITSELF = {"EU", "AFU", "UN", "OSCE", "OTS", "CICA", "ECO", "NATO"}


@cache
def states() -> dict[str, Signatory]:
    """Every state pycountry knows, with the short name statements use."""
    out = {}
    for c in pycountry.countries:
        name = SHORT_NAMES.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        out[c.alpha_2] = Signatory(c.alpha_2, name, getattr(c, "official_name", "") or _inverted(c.name))
    return out


def _inverted(name: str) -> str:
    """ "Korea, Republic of" → "Republic of Korea"."""
    if ", " in name:
        head, _, tail = name.partition(", ")
        return f"{tail} {head}"
    return name


@cache
def _state_names() -> dict[str, str]:
    """Every name (lower case) → state code."""
    names: dict[str, str] = {}
    for c in pycountry.countries:
        forms = {c.name, _inverted(c.name), getattr(c, "official_name", ""), getattr(c, "common_name", "")}
        forms |= set(EXTRA_NAMES.get(c.alpha_2, ()))
        forms.add(SHORT_NAMES.get(c.alpha_2, ""))
        for form in forms:
            if form and len(form) > 2:
                names.setdefault(form.lower(), c.alpha_2)
    names.update({"usa": "US", "u.s.": "US", "uk": "GB"})
    return names


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))


@cache
def _state_pattern() -> re.Pattern[str]:
    names = [n for n in _state_names() if n not in {"usa", "u.s.", "uk"}]
    # a name as written, in any case only when it has a capital: "Georgia", not "georgia"
    return re.compile(r"(?<!\w)(?:" + _alternation(names) + r"|USA|U\.S\.(?:A\.)?|UK)(?!\w)", re.I)


def _org_names() -> dict[str, str]:
    out = {}
    for code, (name, others, _members) in ORGANISATIONS.items():
        for form in (name, *others):
            out[form.lower()] = code
    return out


@cache
def _org_pattern() -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + _alternation(list(_org_names())) + r")(?!\w)", re.I)


def _capitalised(found: str) -> bool:
    return any(ch.isupper() for ch in found)


def states_named(text: str) -> list[str]:
    """Codes of the states `text` names, in order of first mention."""
    out: list[str] = []
    names = _state_names()
    for match in _state_pattern().finditer(text):
        if not _capitalised(match.group()):
            continue
        code = names.get(re.sub(r"\s+", " ", match.group()).lower())
        if code and code not in out:
            out.append(code)
    return out


def members(org: str, when: dt.date | None = None) -> tuple[str, ...]:
    """The member states of an organisation in the year of `when` (today when None)."""
    year = (when or dt.date.today()).year
    return tuple(code for code, since, until in ORGANISATIONS[org][2] if since <= year <= until)


_MEMBERS_OF = re.compile(
    r"\b(?:member\s+states?|members|heads\s+of\s+(?:state|government)(?:\s+and\s+government)?|leaders|"
    r"foreign\s+ministers|ministers)\s+of\s+(?:the\s+)?$|^\s*member\s+states?\b",
    re.I,
)
_CENTRAL_ASIA_GROUP = re.compile(
    r"\b(?:(?:the\s+)?(?:five\s+)?Central\s+Asian\s+(?:countries|states|nations|republics|partners)|"
    r"Central\s+Asia\b(?!n)|\bC5\b)",
    re.I,
)


def signatories_in(text: str, when: dt.date | None = None, *, title: bool = False) -> list[str]:
    """Codes of the signatories a title, preamble clause or signature line names: states, the
    organisations that sign as such, the members of one named as "member states of X" or "X member
    states" (in a title, "the SCO summit" will do), and the Central Asian states when the text names
    the region or its states as a group."""
    out: list[str] = []

    def add(codes) -> None:
        for code in codes:
            if code not in out:
                out.append(code)

    spans: list[tuple[int, list[str]]] = []
    title = title and len(states_named(text)) < 2  # "… of the US, India, Brazil and South Africa on the G20"
    for match in _org_pattern().finditer(text):
        found = match.group()
        if len(found) <= 6 and found != found.upper():
            continue
        code = _org_names()[re.sub(r"\s+", " ", found).lower()]
        before, after = text[max(0, match.start() - 60) : match.start()], text[match.end() : match.end() + 20]
        by_members = bool(_MEMBERS_OF.search(before) or _MEMBERS_OF.match(after))
        if code in _SIGNS_AS_ITSELF or not members(code, when):
            spans.append((match.start(), [code]))
        elif title or by_members or re.match(r"\s*(?:summit|leaders|heads|countries)", after, re.I):
            spans.append((match.start(), list(members(code, when))))
    names = _state_names()
    for match in _state_pattern().finditer(text):
        if _capitalised(match.group()) and not _place(text, match.start()):
            code = names.get(re.sub(r"\s+", " ", match.group()).lower())
            if code:
                spans.append((match.start(), [code]))
    for match in _CENTRAL_ASIA_GROUP.finditer(text):
        spans.append((match.start(), list(CENTRAL_ASIA)))
    for match in re.finditer(r"\bC5\s*\+\s*1\b", text):
        spans.append((match.start() + 1, ["US"]))
    for _pos, codes in sorted(spans, key=lambda item: item[0]):
        add(codes)
    return out


#: words before a state that make it a place, not a party: "held in Malaysia", "Kuala Lumpur, Malaysia"
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|hosted by|visit to|held in)\s+(?:the\s+)?$")
_CITY_BEFORE = re.compile(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?),\s+$")
#: where an opening clause stops naming signatories: witnesses, hosts, guests
WITNESSES = re.compile(
    r"\b(?:as witnessed by|witnessed by|in the presence of|with the participation of|at the invitation of|"
    r"hosted by|together with|joined by|and the (?:invited|guest) )",
    re.I,
)


def _place(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start]
    city = _CITY_BEFORE.search(before)
    return bool(_PLACE_BEFORE.search(before)) or bool(city and city.group(1).lower() not in _state_names())


def lookup(name: str) -> Signatory | None:
    """A signatory from what an analyst types: a code (KZ, EU), a name or a formal name."""
    text = re.sub(r"\s+", " ", name.strip()).replace("’", "'")
    if not text:
        return None
    upper = text.upper()
    if upper in ORGANISATIONS:
        return Signatory(upper, ORGANISATIONS[upper][0], ORGANISATIONS[upper][0])
    if len(upper) == 2 and upper in states():
        return states()[upper]
    bare = re.sub(r"^the\s+", "", text, flags=re.I).lower()
    code = _state_names().get(bare)
    if code:
        return states()[code]
    org = _org_names().get(bare)
    if org:
        return Signatory(org, ORGANISATIONS[org][0], ORGANISATIONS[org][0])
    return None


def signatory(code: str) -> Signatory:
    """The signatory of a code this module knows (a state or an organisation)."""
    if code in ORGANISATIONS:
        return Signatory(code, ORGANISATIONS[code][0], ORGANISATIONS[code][0])
    return states()[code]


def demonym_pattern() -> re.Pattern[str]:
    """ "the Russian side", "the Kazakh Party": group 1 is the adjective."""
    adjectives = sorted({a for forms in DEMONYMS.values() for a in forms}, key=len, reverse=True)
    return re.compile(
        r"\b[Tt]he\s+(" + "|".join(re.escape(a) for a in adjectives) + r")\s+(?:side|party|delegation|government)\b"
    )


def demonym_code(adjective: str) -> str | None:
    for code, forms in DEMONYMS.items():
        if adjective in forms:
            return code
    return None


def mentions(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Where `text` names a state, an organisation, "the Russian side" or the Central Asian states
    as a group: (start, end, codes), in order."""
    found: list[tuple[int, int, tuple[str, ...]]] = []
    names = _state_names()
    for match in _state_pattern().finditer(text):
        code = names.get(re.sub(r"\s+", " ", match.group()).lower())
        if code and _capitalised(match.group()):
            found.append((match.start(), match.end(), (code,)))
    orgs = _org_names()
    for match in _org_pattern().finditer(text):
        if len(match.group()) <= 6 and match.group() != match.group().upper():
            continue
        found.append((match.start(), match.end(), (orgs[re.sub(r"\s+", " ", match.group()).lower()],)))
    for match in demonym_pattern().finditer(text):
        code = demonym_code(match.group(1))
        if code:
            found.append((match.start(), match.end(), (code,)))
    for match in _CENTRAL_ASIA_GROUP.finditer(text):
        if re.search(r"(?:countries|states|nations|republics|partners)$", match.group(), re.I):
            found.append((match.start(), match.end(), CENTRAL_ASIA))
    found.sort()
    out: list[tuple[int, int, tuple[str, ...]]] = []
    for item in found:  # drop a mention inside a longer one ("Russian" in "the Russian Federation")
        if out and item[0] < out[-1][1]:
            if item[1] - item[0] > out[-1][1] - out[-1][0]:
                out[-1] = item
            continue
        out.append(item)
    return out

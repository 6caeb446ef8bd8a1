"""Policy domains: general words of each field of cooperation (energy, trade, transport, …), so that a
passage about "the gas pipeline" or "80,000 doses" meets a pledge about "energy" or "COVID-19" although
they share no word. Each domain word in a text adds the domain's token; pledges and passages are both
expanded, and BM25 weighs the tokens like any other word (a domain most pledges share counts little).

The table is general English of the fields, not of any one statement: a new statement's pledges and
a new outlet's articles get the same domains. Diplomacy is left out on purpose: ministers, visits and
talks are named in every report and would tie lists of attendees to the consultation pledges.
"""

from __future__ import annotations

import re

DOMAINS: dict[str, str] = {
    "energy": r"energy|gas|pipelines?|oil|electricity|electric power|power (?:plants?|stations?|grids?)|"
    r"hydro\w*|HPPs?|nuclear|coal|fuels?|kilowatts?|renewables?|solar|wind farms?|petroleum|refiner\w*",
    "economy": r"trade|turnover|exports?|imports?|invest\w*|compan(?:y|ies)|enterprises?|business\w*|economic|"
    r"economy|industr\w*|markets?|goods|customs|manufactur\w*|joint ventures?|capital|billion|currenc\w*",
    "transport": r"transport\w*|railways?|rail|roads?|corridors?|ports?|ferr(?:y|ies)|trucks?|freight|cargo|"
    r"containers?|logistic\w*|transit|routes?|airlines?|flights?|shipping|highways?",
    "environment": r"environment\w*|ecolog\w*|climate|water|rivers?|glaciers?|ecosystems?|droughts?|floods?|"
    r"emissions?|Aral|basins?|pollution|biodiversity|desertification|hydrometeorolog\w*",
    "health": r"health\w*|sanitary|epidemi\w*|vaccin\w*|doses?|COVID(?:-19)?|coronavirus|pandemic|PCR|"
    r"laborator(?:y|ies)|infect\w*|medical|hospitals?|diseases?|pharmaceutic\w*|medicines?",
    "migration": r"migra\w*|labou?r|workers?|recruitment|employment|diaspora|work permits?",
    "education": r"educat\w*|universit(?:y|ies)|students?|teachers?|schools?|languages?|scholarships?|"
    r"cultur\w*|festivals?|exhibitions?|heritage|museums?|youth|sports?|touris\w*|films?|books?",
    "security": r"security|terroris\w*|extremis\w*|drugs?|narcotics?|traffick\w*|Afghan\w*|borders?|"
    r"military|cyber\w*|crimes?|criminal|weapons?|arms",
}
_DOMAINS = {name: re.compile(r"\b(?:" + words + r")\b", re.I) for name, words in DOMAINS.items()}
#: a domain counts at most this many times in one text (a long article is not more about energy)
MOST = 3


def domain_tokens(text: str) -> str:
    """One token per domain word of `text` (at most MOST per domain), e.g. "topicenergy topicenergy"."""
    tokens = []
    for name, pattern in _DOMAINS.items():
        tokens += [f"topic{name}"] * min(len(pattern.findall(text)), MOST)
    return " ".join(tokens)


__all__ = ["DOMAINS", "domain_tokens"]

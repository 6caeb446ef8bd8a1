"""Read-only views of the tracker: the pledge list, one pledge's detail, the library, the activity."""

from __future__ import annotations

from ..activity import HistoryEntry, RecentChange, history, recent_changes
from .detail import EvidenceItem, PledgeDetail, pledge_context, pledge_detail
from .documents import document_rows
from .listing import (
    FILTERS,
    ORDERS,
    SEARCH_BODY,
    SEARCH_KEY,
    PledgeList,
    PledgeRow,
    count_pledges,
    handles_of,
    pledge_list,
    pledge_rows,
    pledges_to_choose,
    rows_for,
    search_terms,
)

__all__ = [
    "FILTERS",
    "ORDERS",
    "SEARCH_BODY",
    "SEARCH_KEY",
    "EvidenceItem",
    "HistoryEntry",
    "PledgeDetail",
    "PledgeList",
    "PledgeRow",
    "RecentChange",
    "count_pledges",
    "document_rows",
    "handles_of",
    "history",
    "pledge_context",
    "pledge_detail",
    "pledge_list",
    "pledge_rows",
    "pledges_to_choose",
    "recent_changes",
    "rows_for",
    "search_terms",
]

"""Risk's models, one module per area, re-exported here for Django and for imports."""

from __future__ import annotations

from roundtable.risk.models.harm import (
    HarmModel,
    HarmModelKind,
    HarmModelStatus,
    HarmScore,
    HarmWeight,
)
from roundtable.risk.models.offences import Disposal, Offence, OffenceCategory, OffenceRole
from roundtable.risk.models.rankings import OverrideAction, RankingOverride, ScopeKind

__all__ = [
    "Disposal",
    "HarmModel",
    "HarmModelKind",
    "HarmModelStatus",
    "HarmScore",
    "HarmWeight",
    "Offence",
    "OffenceCategory",
    "OffenceRole",
    "OverrideAction",
    "RankingOverride",
    "ScopeKind",
]

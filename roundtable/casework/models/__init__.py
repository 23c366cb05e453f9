"""Casework models, one module per area, re-exported here."""

from __future__ import annotations

from roundtable.casework.models.case_review import (
    AsbComplaint,
    CaseReviewActivation,
    CaseReviewSettings,
)
from roundtable.casework.models.enforcement import (
    BreachResponse,
    EnforcementAction,
    EnforcementBreach,
    EnforcementSettings,
)
from roundtable.casework.powers import EnforcementKind, EnforcementStatus

__all__ = [
    "AsbComplaint",
    "BreachResponse",
    "CaseReviewActivation",
    "CaseReviewSettings",
    "EnforcementAction",
    "EnforcementBreach",
    "EnforcementKind",
    "EnforcementSettings",
    "EnforcementStatus",
]

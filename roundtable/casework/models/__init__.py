"""Casework's models, one module per area, re-exported here for Django and for imports."""

from __future__ import annotations

from roundtable.casework.models.case_review import (
    AsbComplaint,
    CaseReviewActivation,
    CaseReviewSettings,
)
from roundtable.casework.models.diary import DiaryEntry, DiaryEntryType, DiaryRevision
from roundtable.casework.models.documents import Document, DocumentVersion
from roundtable.casework.models.enforcement import (
    BreachResponse,
    EnforcementAction,
    EnforcementBreach,
    EnforcementSettings,
)
from roundtable.casework.models.letters import (
    Letter,
    LetterFormat,
    LetterPurpose,
    LetterStatus,
    LetterTemplate,
    ServiceMethod,
)
from roundtable.casework.models.panels import (
    AttendeeRole,
    MeetingStatus,
    PanelAction,
    PanelAgendaItem,
    PanelAttendee,
    PanelDecision,
    PanelKind,
    PanelMeeting,
    PanelMinutes,
)
from roundtable.casework.powers import EnforcementKind, EnforcementStatus

__all__ = [
    "AsbComplaint",
    "AttendeeRole",
    "BreachResponse",
    "CaseReviewActivation",
    "CaseReviewSettings",
    "DiaryEntry",
    "DiaryEntryType",
    "DiaryRevision",
    "Document",
    "DocumentVersion",
    "EnforcementAction",
    "EnforcementBreach",
    "EnforcementKind",
    "EnforcementSettings",
    "EnforcementStatus",
    "Letter",
    "LetterFormat",
    "LetterPurpose",
    "LetterStatus",
    "LetterTemplate",
    "MeetingStatus",
    "PanelAction",
    "PanelAgendaItem",
    "PanelAttendee",
    "PanelDecision",
    "PanelKind",
    "PanelMeeting",
    "PanelMinutes",
    "ServiceMethod",
]

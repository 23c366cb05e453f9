"""Casework's models, one module per area, re-exported here for Django and for imports."""

from __future__ import annotations

from roundtable.casework.models.diary import DiaryEntry, DiaryEntryType, DiaryRevision
from roundtable.casework.models.documents import Document, DocumentVersion
from roundtable.casework.models.letters import (
    Letter,
    LetterFormat,
    LetterPurpose,
    LetterStatus,
    LetterTemplate,
    ServiceMethod,
)

__all__ = [
    "DiaryEntry",
    "DiaryEntryType",
    "DiaryRevision",
    "Document",
    "DocumentVersion",
    "Letter",
    "LetterFormat",
    "LetterPurpose",
    "LetterStatus",
    "LetterTemplate",
    "ServiceMethod",
]

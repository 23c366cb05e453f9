"""Casework models, one module per area, re-exported here."""

from __future__ import annotations

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
    "Document",
    "DocumentVersion",
    "Letter",
    "LetterFormat",
    "LetterPurpose",
    "LetterStatus",
    "LetterTemplate",
    "ServiceMethod",
]

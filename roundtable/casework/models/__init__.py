"""Casework's models, one module per area, re-exported here for Django and for imports."""

from __future__ import annotations

from roundtable.casework.models.diary import DiaryEntry, DiaryEntryType, DiaryRevision

__all__ = ["DiaryEntry", "DiaryEntryType", "DiaryRevision"]

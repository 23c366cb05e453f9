"""Tasking models, one module per area, re-exported here so Django finds them."""

from __future__ import annotations

from roundtable.tasking.models.tasks import (
    LIVE_STATUSES,
    PRIORITY_RANK,
    TRANSITIONS,
    Task,
    TaskComment,
    TaskPriority,
    TaskStatus,
)

__all__ = [
    "LIVE_STATUSES",
    "PRIORITY_RANK",
    "TRANSITIONS",
    "Task",
    "TaskComment",
    "TaskPriority",
    "TaskStatus",
]

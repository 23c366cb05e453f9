"""Tasking models, one module per area, re-exported here so Django and callers find them."""

from __future__ import annotations

from roundtable.tasking.models.alerts import (
    AlertEvent,
    AlertRule,
    DeliveryState,
    EmailMode,
    Notification,
    NotificationPreference,
    OutboundEmail,
    Reason,
    RuleScope,
    RuleTarget,
    Watch,
)
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
    "AlertEvent",
    "AlertRule",
    "DeliveryState",
    "EmailMode",
    "Notification",
    "NotificationPreference",
    "OutboundEmail",
    "Reason",
    "RuleScope",
    "RuleTarget",
    "Task",
    "TaskComment",
    "TaskPriority",
    "TaskStatus",
    "Watch",
]

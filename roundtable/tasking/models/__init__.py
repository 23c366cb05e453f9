"""Tasking models, one module per area, re-exported here so Django and callers find them."""

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

__all__ = [
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
    "Watch",
]

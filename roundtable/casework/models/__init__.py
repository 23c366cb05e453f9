"""Casework models, one module per area, re-exported here."""

from __future__ import annotations

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

__all__ = [
    "AttendeeRole",
    "MeetingStatus",
    "PanelAction",
    "PanelAgendaItem",
    "PanelAttendee",
    "PanelDecision",
    "PanelKind",
    "PanelMeeting",
    "PanelMinutes",
]

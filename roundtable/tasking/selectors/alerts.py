"""Reads of alert rules for the partnership admin's pages. Rules hold no personal data."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from roundtable.tasking.models import AlertRule


def alert_rules_for_partnership(*, partnership_id: int) -> QuerySet[AlertRule]:
    """A partnership's alert rules by name, with what the list shows of each."""
    return (
        AlertRule.objects.filter(partnership_id=partnership_id)
        .select_related("case_type", "gallery", "team__organisation")
        .order_by("name")
    )


def alert_rule_of_partnership(*, partnership_id: int, code: Any) -> AlertRule | None:
    """One rule of the partnership by code, or None (another partnership's rule is not found)."""
    return alert_rules_for_partnership(partnership_id=partnership_id).filter(code=code).first()

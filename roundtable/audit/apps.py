from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit log: events, seals, verification and the auditor's screens."""

    name = "roundtable.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from roundtable.audit import receivers  # noqa: F401  (connects auth signal receivers)

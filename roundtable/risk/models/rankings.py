"""Manual overrides of priority rankings: a person pinned, raised, lowered or excluded, and why.

A ranking is advisory: a person decides. When they decide against the numbers, the override says
who, when and why, is shown beside the person in the ranking, and stays on record when it ends.
An override applies to one ranking scope (a partnership, a case type, a team's caseload, a
gallery), whatever the window or model kind. It holds a reason that may describe the person, so
it is shown only to viewers who see that person's offending section, like the ranking itself.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Partnership, Team
from roundtable.lib.models import PublicCodeModel
from roundtable.records.models import Profile

REASON_MAX_LENGTH = 1_000
MAX_PLACES = 50


class ScopeKind(models.TextChoices):
    PARTNERSHIP = "partnership", _("Partnership")
    CASE_TYPE = "case_type", _("Case type")
    TEAM = "team", _("Team caseload")
    GALLERY = "gallery", _("Gallery")


class OverrideAction(models.TextChoices):
    PIN = "pin", _("Pinned to the top")
    RAISE = "raise", _("Raised")
    LOWER = "lower", _("Lowered")
    EXCLUDE = "exclude", _("Excluded")


def _ending_complete() -> Q:
    return Q(
        ended_at__isnull=True, ended_by__isnull=True, ended_by_team__isnull=True, end_reason=""
    ) | (
        Q(ended_at__isnull=False, ended_by__isnull=False, ended_by_team__isnull=False)
        & ~Q(end_reason="")
    )


class RankingOverride(PublicCodeModel):
    """A person's place in one ranking scope set by hand, with the reason; ended, never deleted."""

    scope_kind = models.CharField(max_length=12, choices=ScopeKind.choices)
    scope_key = models.CharField(max_length=64)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=OverrideAction.choices)
    places = models.PositiveSmallIntegerField(default=0)
    reason = models.TextField(max_length=REASON_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_by_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["scope_kind", "scope_key", "created_at"],
                condition=Q(ended_at__isnull=True),
                name="risk_override_scope",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_key", "profile"],
                condition=Q(ended_at__isnull=True),
                name="risk_override_one_live_per_person",
            ),
            models.CheckConstraint(
                condition=Q(scope_kind__in=ScopeKind.values), name="risk_override_known_scope"
            ),
            models.CheckConstraint(
                condition=Q(action__in=[OverrideAction.RAISE, OverrideAction.LOWER], places__gte=1)
                | Q(action__in=[OverrideAction.PIN, OverrideAction.EXCLUDE], places=0),
                name="risk_override_places_for_moves_only",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="risk_override_reason"),
            models.CheckConstraint(condition=_ending_complete(), name="risk_override_ending"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} in {self.scope_kind} {self.scope_key}"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Ranking overrides are ended with a reason, never deleted.")

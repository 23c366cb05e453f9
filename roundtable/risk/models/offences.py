"""Offences and incidents recorded on people, and the partnership's offence classification.

An offence belongs to the *offending* section of one profile: it is shared exactly as that
section is, and everything derived from it (harm scores, rankings, patterns) follows the same
rule. A person may be on an offence as offender, suspect, victim or witness; the roles are kept
apart (DOMAIN.md §3 statement 12). Offences are never deleted: a removal keeps the row, marked
removed with who, when and why, and every reader leaves removed offences out. This module holds
data and invariants only: writes go through ``risk.services.offences`` and reads through
``risk.selectors`` (which ask the policy). Nothing here may be rendered without asking the policy
whether the viewer sees the person's offending section.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Organisation, Partnership, Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.records.models import Premises, Profile

REASON_MAX_LENGTH = 1_000
CATEGORY_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,19}$"
category_code_validator = RegexValidator(
    CATEGORY_CODE_PATTERN,
    _("A category code is 1 to 20 letters, digits, dots, dashes, slashes or underscores."),
)


class OffenceCategory(TimeStampedModel):
    """One category of a partnership's offence classification (code, name, group).

    Codes, not rows, carry meaning across partnerships: harm weights are keyed by code, so an
    offence recorded with a neighbouring partnership's category of the same code is weighed alike.
    Categories describe kinds of offence, never people: they are not personal data.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20, validators=[category_code_validator])
    name = models.CharField(max_length=160)
    group = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)
    is_sample = models.BooleanField(
        default=False, help_text=_("Seeded as an illustrative sample, not an official list.")
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "offence categories"
        ordering = ["group", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"], name="risk_category_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def audit_label(self) -> str:
        return f"Offence category {self.code} (partnership {self.partnership_id})"


class OffenceRole(models.TextChoices):
    """The person's part in the offence: kept apart, so a victim is never scored as an offender."""

    OFFENDER = "offender", _("Offender")
    SUSPECT = "suspect", _("Suspect")
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")


class Disposal(models.TextChoices):
    """The outcome of the offence for this person, as far as it is known."""

    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    CHARGED = "charged", _("Charged")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted or not guilty")
    CAUTION = "caution", _("Simple caution")
    CONDITIONAL_CAUTION = "conditional_caution", _("Conditional caution")
    COMMUNITY_RESOLUTION = "community_resolution", _("Community resolution")
    PENALTY_NOTICE = "penalty_notice", _("Penalty notice")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")
    NOT_APPLICABLE = "not_applicable", _("Not applicable (victim or witness)")
    OTHER = "other", _("Other")


def _removal_complete() -> Q:
    """Either not removed at all, or removed with who, when, which team and why."""
    return Q(
        removed_at__isnull=True,
        removed_by__isnull=True,
        removed_by_team__isnull=True,
        removal_reason="",
    ) | (
        Q(removed_at__isnull=False, removed_by__isnull=False, removed_by_team__isnull=False)
        & ~Q(removal_reason="")
    )


class OffenceQuerySet(models.QuerySet["Offence"]):
    def live(self) -> OffenceQuerySet:
        """Offences not removed: the only ones any page, score or chart counts."""
        return self.filter(removed_at__isnull=True)


class Offence(PublicCodeModel):
    """One offence or incident, on one person, in one role; never deleted, only removed."""

    # No single-column index: the partial (profile, date) index below serves every lookup by
    # person, including the PROTECT check when a profile is deleted.
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+", db_index=False)
    category = models.ForeignKey(OffenceCategory, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=OffenceRole.choices)
    occurred_at = models.DateTimeField()
    time_known = models.BooleanField(default=True)
    # Derived from occurred_at in the partnership's time zone when written, so scoring and the
    # pattern charts group by plain columns, the same on SQLite and PostgreSQL.
    occurred_on = models.DateField()
    weekday = models.PositiveSmallIntegerField(help_text=_("0 is Monday."))
    hour = models.PositiveSmallIntegerField(null=True, blank=True)
    disposal = models.CharField(max_length=24, choices=Disposal.choices)
    outcome_notes = models.CharField(max_length=300, blank=True)
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    postcode = models.CharField(max_length=8, blank=True)
    source_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    source_reference = models.CharField(max_length=40, blank=True)
    proactive = models.BooleanField(
        default=False,
        help_text=_("Found by police activity (stop and search, a drugs warrant), not reported."),
    )
    # Who recorded it and for which agency, as they were at the time; the partnership of the
    # recording team makes the person "known to" that partnership for its harm models.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_by_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)

    objects = OffenceQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["profile", "-occurred_on", "-id"],
                condition=Q(removed_at__isnull=True),
                name="risk_offence_profile",
            ),
            models.Index(
                fields=["partnership", "profile"],
                condition=Q(removed_at__isnull=True),
                name="risk_offence_partnership",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=OffenceRole.values), name="risk_offence_known_role"
            ),
            models.CheckConstraint(
                condition=Q(disposal__in=Disposal.values), name="risk_offence_known_disposal"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="risk_offence_weekday"
            ),
            models.CheckConstraint(
                condition=Q(time_known=True, hour__isnull=False, hour__gte=0, hour__lte=23)
                | Q(time_known=False, hour__isnull=True),
                name="risk_offence_hour_when_time_known",
            ),
            models.CheckConstraint(
                condition=_removal_complete(), name="risk_offence_removal_complete"
            ),
            models.UniqueConstraint(
                fields=["source_organisation", "source_reference"],
                condition=~Q(source_reference="") & Q(removed_at__isnull=True),
                name="risk_offence_source_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Offence {self.code}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        # A guard, not a business rule: an offence is removed with a reason, never deleted.
        raise TypeError("Offences are never deleted: remove them with a reason instead.")

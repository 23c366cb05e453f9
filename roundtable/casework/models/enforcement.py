"""Enforcement actions on a case: the ASB powers served on a case member or linked premises.

An action belongs to a case and targets one person who is a member of it or one premises linked
to it. It records the issuing agency, the dates (served, expiry, review), the conditions, the
kind's own details (a CPW's problem, required change and deadline; a CPN's fixed penalty; a court
order's court and hearing), its breaches and its outcome. The case's sections decide who sees an
action (summary: the ladder; members: whom each action targets), through ``sharing.policy`` in
``casework.selectors.enforcement``. Writes go through ``casework.services.enforcement`` only,
which validate, audit and keep ``version`` for optimistic locking. Statutory figures live in
``casework.powers``; per-partnership figures in ``EnforcementSettings``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roundtable.casework import powers
from roundtable.casework.powers import EnforcementKind, EnforcementStatus
from roundtable.directory.models import Organisation, Partnership, Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.records.models import Case, Premises, Profile


class EnforcementSettings(TimeStampedModel):
    """A partnership's enforcement figures: CPW and CPN periods, fixed penalty, task lead time.

    A partnership without a row uses the defaults in ``casework.powers`` (DOMAIN.md C1). Actions
    copy the figures they were served under, so a later change never rewrites a served notice.
    """

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="enforcement_settings"
    )
    cpw_months = models.PositiveSmallIntegerField(default=powers.DEFAULT_CPW_MONTHS)
    cpn_months = models.PositiveSmallIntegerField(default=powers.DEFAULT_CPN_MONTHS)
    fixed_penalty_amount = models.DecimalField(
        max_digits=7, decimal_places=2, default=powers.DEFAULT_FIXED_PENALTY
    )
    fixed_penalty_early_amount = models.DecimalField(
        max_digits=7, decimal_places=2, default=powers.DEFAULT_FIXED_PENALTY_EARLY
    )
    fixed_penalty_early_days = models.PositiveSmallIntegerField(
        default=powers.DEFAULT_FIXED_PENALTY_EARLY_DAYS
    )
    attention_lead_days = models.PositiveSmallIntegerField(
        default=powers.DEFAULT_ATTENTION_LEAD_DAYS
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "enforcement settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_penalty_early_amount__gt=0)
                & Q(fixed_penalty_amount__gt=models.F("fixed_penalty_early_amount")),
                name="casework_enf_settings_penalties",
            ),
            models.CheckConstraint(
                condition=Q(cpw_months__gte=1) & Q(cpn_months__gte=1),
                name="casework_enf_settings_periods",
            ),
        ]

    def __str__(self) -> str:
        return f"Enforcement settings of {self.partnership_id}"

    def audit_label(self) -> str:
        return f"Enforcement settings of partnership {self.partnership_id}"


class EnforcementAction(PublicCodeModel, TimeStampedModel):
    """One power used (or proposed) against a case member or premises linked to the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="enforcement_actions")
    target_profile = models.ForeignKey(
        Profile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EnforcementKind.choices)
    status = models.CharField(
        max_length=12, choices=EnforcementStatus.choices, default=EnforcementStatus.PROPOSED
    )
    # Who issues it: the agency (which may be a partner of the team recording it), optionally the
    # team and the officer.
    issuing_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    issuing_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Dates. Dated powers are in force from served_on until the start of expires_on; the powers
    # measured in hours (dispersal, closure notice) use served_at and expires_at as well.
    served_on = models.DateField(null=True, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    duration_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    # Community protection warning.
    problem = models.TextField(blank=True)
    required_change = models.TextField(blank=True)
    deadline = models.DateField(null=True, blank=True)
    consequence = models.TextField(blank=True)
    # Community protection notice and closure order: the period, in months.
    period_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # Community protection notice: the fixed penalty for a breach, as served.
    fixed_penalty_amount = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    fixed_penalty_early_amount = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    fixed_penalty_early_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Court orders (civil injunction, CBO, closure order).
    court = models.CharField(max_length=160, blank=True)
    hearing_on = models.DateField(null=True, blank=True)
    positive_requirements = models.TextField(blank=True)
    # Dispersal: who authorised it (an inspector or above).
    authorised_by = models.CharField(max_length=160, blank=True)
    outcome = models.TextField(blank=True)
    # When it was recorded as proposed (empty for an action recorded as already served).
    proposed_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    varied_on = models.DateField(null=True, blank=True)
    # When a task was raised for the expiry and for the review (empty: not yet).
    expiry_flagged_on = models.DateField(null=True, blank=True)
    review_flagged_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["case", "served_on", "pk"]
        indexes = [
            models.Index(fields=["case", "kind"], name="casework_enf_case_kind"),
            models.Index(fields=["status", "expires_on"], name="casework_enf_expiry"),
            models.Index(fields=["status", "review_on"], name="casework_enf_review"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target_profile__isnull=False) & Q(target_premises__isnull=True))
                | (Q(target_profile__isnull=True) & Q(target_premises__isnull=False)),
                name="casework_enf_one_target",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(served_on__isnull=True)
                | Q(expires_on__gte=models.F("served_on")),
                name="casework_enf_expiry_after_service",
            ),
            models.CheckConstraint(
                condition=Q(fixed_penalty_amount__isnull=True) | Q(fixed_penalty_amount__gt=0),
                name="casework_enf_penalty_positive",
            ),
            models.CheckConstraint(
                condition=Q(fixed_penalty_early_amount__isnull=True)
                | Q(fixed_penalty_early_amount__gt=0),
                name="casework_enf_early_penalty_positive",
            ),
            models.CheckConstraint(
                condition=Q(status=EnforcementStatus.PROPOSED)
                | Q(status=EnforcementStatus.WITHDRAWN)
                | Q(served_on__isnull=False),
                name="casework_enf_served_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def get_absolute_url(self) -> str:
        return reverse(
            "casework:enforcement_detail",
            kwargs={"code": self.case.code, "action_code": self.code},
        )

    def audit_label(self) -> str:
        """Named by kind and code only: the audit log must not copy personal data."""
        return f"{self.get_kind_display()} {self.code}"

    @property
    def is_in_force(self) -> bool:
        """Served (or breached) and not yet ended; the expiry sweep turns it to expired."""
        return self.status in powers.IN_FORCE_STATUSES

    @property
    def target_kind(self) -> str:
        return "person" if self.target_profile_id is not None else "premises"


class BreachResponse(models.TextChoices):
    """What was done about a breach."""

    NONE = "none", _("No further action")
    WARNING = "warning", _("Further warning")
    FIXED_PENALTY = "fixed_penalty", _("Fixed penalty notice issued")
    PROSECUTION = "prosecution", _("Referred for prosecution")
    COURT = "court", _("Returned to court")
    ESCALATED = "escalated", _("Escalated to the next step")
    OTHER = "other", _("Other")


class EnforcementBreach(TimeStampedModel):
    """One breach of an action in force: when, what, who reported it, and what was done."""

    action = models.ForeignKey(EnforcementAction, on_delete=models.CASCADE, related_name="breaches")
    occurred_on = models.DateField()
    description = models.TextField()
    reported_by = models.CharField(max_length=160)
    response = models.CharField(max_length=14, choices=BreachResponse.choices)
    response_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "pk"]

    def __str__(self) -> str:
        return f"Breach of {self.action_id} on {self.occurred_on}"

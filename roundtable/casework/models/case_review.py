"""The ASB case review (Community Trigger): complaints of ASB, the threshold, and activations.

A victim who has complained about ASB several times within a period may ask for a case review;
partnerships also watch for it themselves. Each complaint a victim makes to any agency of the
partnership is recorded once (``AsbComplaint``); the partnership sets the threshold
(``CaseReviewSettings``: by default 3 qualifying complaints in 6 months, each reported within a
month of its incident, DOMAIN.md C1) and names its case-review lead; when a victim first meets it
in a window, a ``CaseReviewActivation`` is recorded and the lead is told (reference and link
only). Counting rules live in ``casework.selectors.case_review``; writes in
``casework.services.case_review``. Complaints are personal data: they are shown only as that
selector's visibility rule allows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from roundtable.casework import powers
from roundtable.directory.models import Organisation, Partnership, Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.records.models import Case, Profile


class CaseReviewSettings(TimeStampedModel):
    """A partnership's Community Trigger threshold and who leads its case reviews.

    A partnership without a row uses the defaults in ``casework.powers`` and has no lead (the
    activation is still recorded and listed for its partnership admins).
    """

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="case_review_settings"
    )
    threshold = models.PositiveSmallIntegerField(default=powers.DEFAULT_TRIGGER_THRESHOLD)
    window_months = models.PositiveSmallIntegerField(default=powers.DEFAULT_TRIGGER_WINDOW_MONTHS)
    report_within_months = models.PositiveSmallIntegerField(
        default=powers.DEFAULT_TRIGGER_REPORT_WITHIN_MONTHS
    )
    lead_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "case review settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=1)
                & Q(window_months__gte=1)
                & Q(report_within_months__gte=1),
                name="casework_case_review_settings_positive",
            )
        ]

    def __str__(self) -> str:
        return f"Case review settings of {self.partnership_id}"

    def audit_label(self) -> str:
        return f"Case review settings of partnership {self.partnership_id}"


class AsbComplaint(PublicCodeModel, TimeStampedModel):
    """A victim's complaint of ASB to one agency of the partnership, about one incident."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    victim = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="asb_complaints")
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="asb_complaints"
    )
    incident_on = models.DateField()
    reported_on = models.DateField()
    reporting_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    incident_reference = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reported_on", "-pk"]
        indexes = [
            models.Index(
                fields=["partnership", "victim", "reported_on"], name="casework_complaint_count"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_on__gte=models.F("incident_on")),
                name="casework_complaint_reported_after_incident",
            )
        ]

    def __str__(self) -> str:
        return f"ASB complaint {self.code}"

    def audit_label(self) -> str:
        return f"ASB complaint {self.code}"


class CaseReviewActivation(PublicCodeModel, TimeStampedModel):
    """A victim met the partnership's case review threshold: recorded once per window."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    victim = models.ForeignKey(
        Profile, on_delete=models.PROTECT, related_name="case_review_activations"
    )
    reference = models.CharField(max_length=24, unique=True)
    activated_on = models.DateField()
    # What was met, as it stood: the count and the settings in force at the time.
    incident_count = models.PositiveSmallIntegerField()
    threshold = models.PositiveSmallIntegerField()
    window_months = models.PositiveSmallIntegerField()
    report_within_months = models.PositiveSmallIntegerField()
    triggering_complaint = models.ForeignKey(
        AsbComplaint, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-activated_on", "-pk"]
        indexes = [
            models.Index(
                fields=["partnership", "victim", "activated_on"], name="casework_activation_victim"
            ),
            models.Index(fields=["partnership", "-activated_on"], name="casework_activation_list"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("casework:case_review_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return self.reference

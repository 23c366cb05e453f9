"""Harm models (Cambridge Crime Harm Index, recency-frequency-gravity), their weights and scores.

A ``HarmModel`` row is one *version* of one partnership's model of one kind. A version never
changes once published: changing a weight publishes a new version, which is scored in the
background and then becomes the active one (ADR 0010). So a score always names the exact
weights it was worked out with, and an old version can be read back as it was.

``HarmScore`` holds a person's total under one version over one rolling window, as of a day,
with the first day on which that total will change by itself (an offence moving into an older
recency band, or out of the window). Rankings read these totals top-N-first; the scoring
services rewrite one person's rows when their offences change, and the rows that fall due when
time passes. Scores are derived data: nothing here is a record of what anyone did.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Partnership, Team
from roundtable.lib.models import PublicCodeModel
from roundtable.records.models import Profile
from roundtable.risk.models.offences import category_code_validator


class HarmModelKind(models.TextChoices):
    CHI = "chi", _("Cambridge Crime Harm Index")
    RFG = "rfg", _("Recency, frequency and gravity")


class HarmModelStatus(models.TextChoices):
    #: Published, and being scored in the background; becomes active when every person is done.
    PENDING = "pending", _("Being scored")
    ACTIVE = "active", _("In use")
    #: Replaced by a newer version (or by a newer pending one before it was ever used).
    SUPERSEDED = "superseded", _("Replaced")


class HarmModel(PublicCodeModel):
    """One published, unchangeable version of a partnership's harm model of one kind."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=3, choices=HarmModelKind.choices)
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_sample = models.BooleanField(default=False)
    #: [[months, factor], ...]: an offence younger than the first band's months weighs its first
    #: factor, and so on; older than the last band, it no longer counts. Empty: no recency (every
    #: counted offence inside the window weighs in full, as the CHI does).
    recency_bands = models.JSONField(default=list, blank=True)
    counted_roles = models.JSONField(default=list)
    exclude_proactive = models.BooleanField(default=False)
    #: The rolling windows (days) a ranking may use with this version; scores are kept for each.
    windows = models.JSONField(default=list)
    #: RFG only: take each category's gravity from this CHI version's days instead of weights.
    gravity_source = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=HarmModelStatus.choices, default=HarmModelStatus.PENDING
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_by_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partnership", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind", "number"], name="risk_model_number_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "kind"],
                condition=Q(status=HarmModelStatus.ACTIVE),
                name="risk_model_one_active",
            ),
            models.UniqueConstraint(
                fields=["partnership", "kind"],
                condition=Q(status=HarmModelStatus.PENDING),
                name="risk_model_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=HarmModelKind.values), name="risk_model_known_kind"
            ),
            models.CheckConstraint(
                condition=Q(gravity_source__isnull=True) | Q(kind=HarmModelKind.RFG),
                name="risk_model_gravity_source_rfg_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("risk:model_detail", kwargs={"code": self.code})

    @property
    def weight_source_id(self) -> int:
        """The version whose weight rows this one reads (its gravity source, or itself)."""
        return int(self.gravity_source_id or self.pk)

    def audit_label(self) -> str:
        return f"Harm model {self.kind} v{self.number} ({self.code})"


class HarmWeight(models.Model):
    """The weight of one offence category in one model version (CHI days, or RFG gravity)."""

    model = models.ForeignKey(HarmModel, on_delete=models.CASCADE, related_name="weights")
    category_code = models.CharField(max_length=20, validators=[category_code_validator])
    weight = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model", "category_code"], name="risk_weight_one_per_category"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="risk_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.category_code}: {self.weight}"


class HarmScore(models.Model):
    """A person's total harm under one model version and rolling window, as of a day."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+", db_index=False)
    model = models.ForeignKey(HarmModel, on_delete=models.PROTECT, related_name="+", db_index=False)
    window_days = models.PositiveSmallIntegerField()
    total = models.DecimalField(max_digits=14, decimal_places=3)
    offences_counted = models.PositiveIntegerField()
    as_of = models.DateField()
    #: The first day this total changes with no new data; None when it never will.
    stale_after = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            # The ranking's read path: top N by total for one version and window. It carries
            # every column the ranking reads, so walking it (and joining it to the viewer's
            # people, visible first) never visits the table: at 1M people the visible-first
            # plan went from 54 to 15 ms on PostgreSQL (ADR 0010).
            models.Index(
                fields=["model", "window_days", "-total", "profile", "offences_counted"],
                name="risk_score_rank",
            ),
            # The decay sweep's read path: rows whose total changes today or before.
            models.Index(
                fields=["stale_after"],
                condition=Q(stale_after__isnull=False),
                name="risk_score_due",
            ),
        ]
        constraints = [
            # Also the write path's index: one person's rows, rewritten when their offences change.
            models.UniqueConstraint(
                fields=["profile", "model", "window_days"], name="risk_score_one_per_window"
            ),
        ]

    def __str__(self) -> str:
        return f"Score {self.total} (model {self.model_id}, {self.window_days} days)"

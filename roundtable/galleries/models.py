"""Galleries: a partnership's cohorts of people, with their own fields, statuses and views.

A ``Gallery`` is defined by a partnership admin without a deploy (Foreign Nationals, Families,
the IOM cohort, ...): its purpose and eligibility, who may open it (``access``), which teams
manage it, the person-record section its membership belongs to (``section``), the statuses a
member moves through, how long a removed member's details are kept, and its fields, which are a
``customforms.FormDefinition`` owned by ``gallery:<code>`` whose answers are one
``customforms.FormValues`` row per person (record kind Person).

A ``GalleryMembership`` is one spell of a person in a gallery: added with a reason and a date,
removed with a reason and a date, never deleted while its retention runs. At most one spell per
person and gallery is current at a time.

Who sees what is decided by ``galleries.access`` (may this viewer open this gallery at all) and
then by ``sharing.policy`` for each person (the gallery's section of their record); nothing here
decides access. Every write goes through ``galleries.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Partnership, Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.records.models import Profile
from roundtable.sharing.models import AccessLevel
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind

REASON_MAX_LENGTH = 500
PROFILE_SECTION_CHOICES = [
    (section.value, section.label) for section in SECTIONS_BY_KIND[RecordKind.PROFILE]
]


class GalleryAccess(models.TextChoices):
    """Which teams may open the gallery; each member is then shown as far as the policy allows."""

    PARTNERSHIP = "partnership", _("Every team in the partnership, and the named teams")
    TEAMS = "teams", _("Only the managing teams and the named teams")


class Gallery(PublicCodeModel, TimeStampedModel):
    """One cohort a partnership works: its purpose, its rules and who manages it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="galleries")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    purpose = models.TextField(max_length=2000)
    eligibility = models.TextField(max_length=2000, blank=True)
    access = models.CharField(
        max_length=12, choices=GalleryAccess.choices, default=GalleryAccess.TEAMS
    )
    # As for case types: at "audited" a reader outside the managing teams states a purpose.
    access_level = models.CharField(
        max_length=10, choices=AccessLevel.choices, default=AccessLevel.OPEN
    )
    # The section of a person's record that membership, status and dates belong to: a viewer
    # sees that someone is a member only when the policy shows them this section of that person.
    section = models.CharField(max_length=20, choices=PROFILE_SECTION_CHOICES, default="risk")
    managing_teams = models.ManyToManyField(Team, related_name="managed_galleries")
    viewer_teams = models.ManyToManyField(Team, related_name="viewable_galleries", blank=True)
    # The statuses a member moves through, in order ("Fixed", "Flex", "Free"); may be empty.
    statuses = models.JSONField(default=list, blank=True)
    # How long a removed member's spell and answers are kept after the removal date.
    retention_months = models.PositiveSmallIntegerField(default=24)
    # The gallery's own fields; its answers for a member are a ``customforms.FormValues`` row.
    form = models.ForeignKey(
        "customforms.FormDefinition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "galleries"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="galleries_slug_unique"),
            models.UniqueConstraint(fields=["partnership", "name"], name="galleries_name_unique"),
            models.CheckConstraint(
                condition=Q(access__in=GalleryAccess.values), name="galleries_known_access"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("galleries:gallery_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return f"Gallery {self.name}"

    @property
    def form_owner(self) -> str:
        """The ``customforms.FormDefinition.owner`` of this gallery's fields."""
        return f"gallery:{self.code}"


class MembershipState(models.TextChoices):
    CURRENT = "current", _("Current member")
    REMOVED = "removed", _("Removed")


class GalleryMembership(PublicCodeModel, TimeStampedModel):
    """One spell of a person in a gallery, from the day they were added to the day they left."""

    gallery = models.ForeignKey(Gallery, on_delete=models.PROTECT, related_name="memberships")
    profile = models.ForeignKey(
        Profile, on_delete=models.PROTECT, related_name="gallery_memberships"
    )
    state = models.CharField(
        max_length=8, choices=MembershipState.choices, default=MembershipState.CURRENT
    )
    # One of the gallery's statuses, or empty when it has none.
    status = models.CharField(max_length=60, blank=True)
    added_on = models.DateField()
    reason_added = models.CharField(max_length=REASON_MAX_LENGTH)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_on = models.DateField(null=True, blank=True)
    removed_on = models.DateField(null=True, blank=True)
    reason_removed = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_by_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set on removal: removed_on plus the gallery's retention; the spell is erased after it.
    retain_until = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-added_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gallery", "profile"],
                condition=Q(state="current"),
                name="galleries_one_current_spell",
            ),
            models.CheckConstraint(
                condition=Q(state="current", removed_on__isnull=True)
                | Q(state="removed", removed_on__isnull=False),
                name="galleries_removed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("added_on")),
                name="galleries_removed_after_added",
            ),
        ]
        indexes = [
            # The gallery page and the gallery's ranking scope: current members by gallery.
            models.Index(fields=["gallery", "state", "profile"], name="galleries_member_scope"),
            # The gallery page's default order, with the id that breaks ties, so a page is a
            # walk of this index on both engines (no sort of the whole gallery).
            models.Index(
                fields=["gallery", "state", "-added_on", "-id"], name="galleries_member_added"
            ),
            models.Index(fields=["profile", "state"], name="galleries_member_profile"),
            models.Index(fields=["retain_until"], name="galleries_member_retention"),
        ]

    def __str__(self) -> str:
        return f"Membership {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("galleries:membership_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return f"Membership of {self.gallery_id}"

    @property
    def is_current(self) -> bool:
        return self.state == MembershipState.CURRENT


class SavedView(TimeStampedModel):
    """A named set of filters and a sort on a gallery's page, for one user or their team."""

    gallery = models.ForeignKey(Gallery, on_delete=models.CASCADE, related_name="saved_views")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # When set, every member of this team sees the view in their list too.
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=80)
    # The page's query string (filters and sort only), checked again on every use.
    query = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gallery", "owner", "name"], name="galleries_saved_view_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return f"Saved view {self.name}"

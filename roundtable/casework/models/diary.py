"""Diary entries on people, premises, groups and cases, and the earlier versions of each.

An entry is what a practitioner recorded happened (a home visit, a call, a warning given), when,
by whom and for which agency, filed in one section of exactly one record so that it is shared
exactly as that section is. Entries are never deleted and never silently changed: a correction
keeps the earlier text as a ``DiaryRevision``; a retraction keeps the entry, marked retracted
with who, when and why. This module holds data and invariants only: writes go through
``casework.services.diary`` and reads through ``casework.selectors.diary`` (which ask the
policy). Nothing here may be rendered without asking the policy which sections the viewer sees.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Organisation, Team
from roundtable.lib.models import PublicCodeModel
from roundtable.records.models import Case, Group, Premises, Profile
from roundtable.sharing.kinds import SLUG_BY_KIND
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind, Section

BODY_MAX_LENGTH = 20_000
REASON_MAX_LENGTH = 1_000

#: The record a diary entry is on, by field name, and that record's kind.
RECORD_FIELDS: dict[str, int] = {
    "profile": RecordKind.PROFILE,
    "premises": RecordKind.PREMISES,
    "group": RecordKind.GROUP,
    "case": RecordKind.CASE,
}
FIELD_FOR_KIND: dict[int, str] = {kind: name for name, kind in RECORD_FIELDS.items()}


class DiaryEntryType(models.TextChoices):
    """What kind of thing a diary entry records."""

    NOTE = "note", _("Note")
    CONTACT = "contact", _("Contact")
    HOME_VISIT = "home_visit", _("Home visit")
    MEETING = "meeting", _("Meeting")
    PHONE_CALL = "phone_call", _("Phone call")
    LETTER_SERVED = "letter_served", _("Letter served")
    WARNING_GIVEN = "warning_given", _("Warning given")
    ENFORCEMENT_ACTION = "enforcement_action", _("Enforcement action")
    CUSTODY_UPDATE = "custody_update", _("Custody update")
    INTELLIGENCE = "intelligence", _("Intelligence")


def _exactly_one_record() -> Q:
    """Exactly one of the four record foreign keys is set."""
    condition = Q(pk__in=[])
    for name in RECORD_FIELDS:
        set_here = Q(**{f"{name}__isnull": False})
        for other in RECORD_FIELDS:
            if other != name:
                set_here &= Q(**{f"{other}__isnull": True})
        condition |= set_here
    return condition


def _section_of_its_record() -> Q:
    """The entry's section is one its record's kind has (a case has no 'identity')."""
    condition = Q(pk__in=[])
    for name, kind in RECORD_FIELDS.items():
        condition |= Q(
            **{f"{name}__isnull": False},
            section__in=[str(section) for section in SECTIONS_BY_KIND[kind]],
        )
    return condition


def _retraction_complete() -> Q:
    """Either not retracted at all, or retracted with who, when, which team and why."""
    return Q(
        retracted_at__isnull=True,
        retracted_by__isnull=True,
        retracted_by_team__isnull=True,
        retraction_reason="",
    ) | (
        Q(retracted_at__isnull=False, retracted_by__isnull=False, retracted_by_team__isnull=False)
        & ~Q(retraction_reason="")
    )


def _record_index(name: str) -> models.Index:
    # One partial index per record kind: each holds only its own kind's rows, so a record's diary
    # page reads its newest entries straight off the index whatever the other kinds hold.
    return models.Index(
        fields=[name, "-occurred_at", "-id"],
        condition=Q(**{f"{name}__isnull": False}),
        name=f"casework_diary_{name}_time",
    )


class DiaryEntry(PublicCodeModel):
    """One thing that happened, recorded on one record in one of its sections; never deleted."""

    # No single-column index on these four: the partial (record, time) indexes in Meta serve
    # every lookup by record, including the PROTECT check when someone tries to delete one.
    profile = models.ForeignKey(
        Profile, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    section = models.CharField(max_length=20, choices=Section.choices, default=Section.DIARY)
    entry_type = models.CharField(max_length=20, choices=DiaryEntryType.choices)
    occurred_at = models.DateTimeField()
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    # Who recorded it and for which agency, as they were at the time.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    linked_profiles = models.ManyToManyField(Profile, blank=True, related_name="+")
    # Optimistic locking: a correction or retraction carries the version it read.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    corrected_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    retracted_by_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retraction_reason = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name_plural = "diary entries"
        indexes = [_record_index(name) for name in RECORD_FIELDS]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_record(), name="casework_diary_one_record"
            ),
            models.CheckConstraint(
                condition=_section_of_its_record(), name="casework_diary_section_of_record"
            ),
            models.CheckConstraint(
                condition=Q(entry_type__in=DiaryEntryType.values),
                name="casework_diary_known_type",
            ),
            models.CheckConstraint(
                condition=_retraction_complete(), name="casework_diary_retraction_complete"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_entry_type_display()} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse(
            "casework:diary_entry",
            kwargs={
                "kind": SLUG_BY_KIND[self.record_kind],
                "code": self.record.code,
                "entry": self.code,
            },
        )

    @property
    def record_field(self) -> str:
        """The name of the foreign key that holds this entry's record."""
        for name in RECORD_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return name
        raise ValueError("A diary entry must be on a record.")

    @property
    def record_kind(self) -> int:
        return RECORD_FIELDS[self.record_field]

    @property
    def record(self) -> Any:
        """The profile, premises, group or case this entry is on."""
        return getattr(self, self.record_field)

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def is_corrected(self) -> bool:
        return self.corrected_at is not None

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        # A guard, not a business rule: nothing may remove an entry (correct or retract it).
        raise TypeError("Diary entries are never deleted: correct or retract them instead.")


class DiaryRevision(models.Model):
    """An earlier version of a diary entry, kept when it was corrected: who, when and why."""

    entry = models.ForeignKey(DiaryEntry, on_delete=models.PROTECT, related_name="revisions")
    # The entry's version that held these values, before the correction replaced them.
    version = models.PositiveIntegerField()
    entry_type = models.CharField(max_length=20, choices=DiaryEntryType.choices)
    occurred_at = models.DateTimeField()
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_by_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField()
    reason = models.TextField(max_length=REASON_MAX_LENGTH)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "version"], name="casework_diary_revision"),
            models.CheckConstraint(condition=~Q(reason=""), name="casework_diary_revision_reason"),
        ]

    def __str__(self) -> str:
        return f"Version {self.version} of {self.entry_id}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Earlier versions of diary entries are never deleted.")

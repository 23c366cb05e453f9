"""Configurable forms: a definition, its immutable published versions, and the values written.

A ``FormDefinition`` belongs to one owner in a partnership (a case type, a gallery, an
assessment) and holds an editable draft schema. Publishing the draft freezes it as the next
``FormVersion``; versions are never changed or deleted, so values written with an old version
stay readable with the labels they were asked with. ``FormValues`` holds one record's answers
(JSON, validated against the version they were written with) and a few typed, indexed copies of
the answers an administrator promoted for filtering and sorting.

This module holds data and invariants only: schemas are checked by ``customforms.schema``,
values by ``customforms.validation``, and every write goes through ``customforms.services``.
Who may read a value is decided by ``sharing.policy`` for the field's section, never here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Partnership
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.sharing.sections import RecordKind

# The typed columns a definition may promote answers to: three of each kind. A column keeps its
# kind forever (the mapping lives on the definition), so a filter or sort is one indexed lookup.
TEXT_COLUMNS = ("text_1", "text_2", "text_3")
NUMBER_COLUMNS = ("num_1", "num_2", "num_3")
DATE_COLUMNS = ("date_1", "date_2", "date_3")
PROMOTED_COLUMNS = TEXT_COLUMNS + NUMBER_COLUMNS + DATE_COLUMNS
PROMOTED_TEXT_LENGTH = 200


def empty_schema() -> dict[str, Any]:
    """A schema with no fields and no scoring (the draft of a new definition)."""
    return {"fields": []}


class FormDefinition(PublicCodeModel, TimeStampedModel):
    """A partnership's form for one owner (a case type, a gallery), with its editable draft."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="form_definitions"
    )
    # Who uses the form, as "<kind>:<code>": "case_type:<uuid>", "gallery:<uuid>", ...
    owner = models.CharField(max_length=80)
    name = models.CharField(max_length=120)
    # The kind of record the answers are about; a field's section must be one this kind has.
    record_kind = models.PositiveSmallIntegerField(choices=RecordKind.choices)
    draft_schema = models.JSONField(default=empty_schema)
    current_version = models.ForeignKey(
        "customforms.FormVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Field key -> promoted column ("text_1", "num_2", ...); kept across versions.
    promoted = models.JSONField(default=dict, blank=True)
    # Optimistic locking of the draft and of publishing.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "owner"], name="customforms_definition_owner_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customforms:definition_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return f"Form {self.name}"

    @property
    def owner_kind(self) -> str:
        """The first part of the owner: "case_type", "gallery", ..."""
        return self.owner.partition(":")[0]


class FormVersion(models.Model):
    """One published, immutable schema of a definition; values name the version they used."""

    definition = models.ForeignKey(
        FormDefinition, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    schema = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for versions made by a data migration or a seed."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "number"], name="customforms_version_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="customforms_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.definition_id}"

    def audit_label(self) -> str:
        return f"Form version {self.number}"


def _promoted_indexes() -> list[models.Index]:
    return [
        models.Index(fields=["definition", column], name=f"customforms_values_{column}")
        for column in PROMOTED_COLUMNS
    ]


class FormValues(TimeStampedModel):
    """One record's answers to one definition, with the version they were written with."""

    # No index of its own: every index below (and the unique constraint) starts with it.
    definition = models.ForeignKey(
        FormDefinition, on_delete=models.PROTECT, related_name="values_set", db_index=False
    )
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    record_kind = models.PositiveSmallIntegerField(choices=RecordKind.choices)
    record_id = models.BigIntegerField()
    values = models.JSONField(default=dict, blank=True)
    # The scoring rules' result when the version has any (kept for sorting and ranking).
    score = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    level = models.CharField(max_length=60, blank=True)
    # NULL (not "") is "not answered", like the number and date columns: it sorts last and never
    # matches a filter, whatever the column's kind.
    text_1 = models.CharField(max_length=PROMOTED_TEXT_LENGTH, null=True, blank=True)  # noqa: DJ001
    text_2 = models.CharField(max_length=PROMOTED_TEXT_LENGTH, null=True, blank=True)  # noqa: DJ001
    text_3 = models.CharField(max_length=PROMOTED_TEXT_LENGTH, null=True, blank=True)  # noqa: DJ001
    num_1 = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    num_2 = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    num_3 = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    date_1 = models.DateField(null=True, blank=True)
    date_2 = models.DateField(null=True, blank=True)
    date_3 = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "record_kind", "record_id"],
                name="customforms_values_one_per_record",
            )
        ]
        indexes = [
            models.Index(fields=["record_kind", "record_id"], name="customforms_values_record"),
            models.Index(fields=["definition", "score"], name="customforms_values_score"),
            *_promoted_indexes(),
        ]

    def __str__(self) -> str:
        return f"Answers to {self.definition_id} for record {self.record_kind}:{self.record_id}"

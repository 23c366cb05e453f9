"""Documents kept on records: a file on a person, premises, group or case, in numbered versions.

A document belongs to exactly one record and is part of that record's "documents" section: who
may list or download it is decided by ``sharing.policy`` for that section, never here. Files are
kept in the "documents" storage (``settings.STORAGES``) under a random name; the name the person
uploaded is kept only as a label. Uploading a new version keeps every earlier one. This module
holds data and invariants only: writes go through ``casework.services.documents`` (which checks
the content's real type and audits), reads through ``casework.selectors.documents``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from roundtable.directory.models import Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.records.models import Case, Group, Premises, Profile

RECORD_FIELDS = ("profile", "premises", "group", "case")


def _exactly_one_record() -> Q:
    """Exactly one of the record foreign keys is set."""
    condition = Q(pk__in=[])
    for chosen in RECORD_FIELDS:
        condition |= Q(**{f"{name}__isnull": name != chosen for name in RECORD_FIELDS})
    return condition


class Document(PublicCodeModel, TimeStampedModel):
    """A titled file on one record (and optionally one of its diary entries), with its versions."""

    profile = models.ForeignKey(
        Profile, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    # The diary entry this document belongs to, on the same record (checked by the service).
    diary_entry = models.ForeignKey(
        "casework.DiaryEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="diary_entry_id",
        related_name="documents",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_by_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    # The newest file; every earlier one stays in ``versions``.
    current_version = models.ForeignKey(
        "casework.DocumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version_count = models.PositiveIntegerField(default=0)
    # Optimistic locking of the title and description: a stale edit is refused.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_record(), name="casework_document_one_record"
            )
        ]
        indexes = [
            models.Index(fields=["profile", "-updated_at"], name="casework_doc_profile"),
            models.Index(fields=["premises", "-updated_at"], name="casework_doc_premises"),
            models.Index(fields=["group", "-updated_at"], name="casework_doc_group"),
            models.Index(fields=["case", "-updated_at"], name="casework_doc_case"),
        ]

    def __str__(self) -> str:
        return f"Document {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("casework:document_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        """Audit events name a document by its code only: a title may hold personal data."""
        return f"Document {self.code}"

    @property
    def record(self) -> Any:
        """The person, premises, group or case this document is on."""
        for name in RECORD_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        raise ValueError("A document must be on a record.")


class DocumentVersion(models.Model):
    """One uploaded file of a document: where it is stored and what its content really is."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # The storage name: random, chosen by us. Never the uploader's file name.
    stored_name = models.CharField(max_length=200, unique=True)
    original_filename = models.CharField(max_length=255)
    # Detected from the bytes when uploaded; the browser's claim is never stored.
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="casework_document_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="casework_document_version_from_one"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.document_id}"

    @property
    def download_name(self) -> str:
        """The uploader's file name with the extension of what the content really is."""
        stem = (
            self.original_filename.rsplit(".", 1)[0]
            if "." in self.original_filename
            else (self.original_filename)
        )
        return f"{stem or 'document'}.{self.extension}"

"""Letter templates a partnership keeps, and the letters generated from them for a person on a case.

A template's subject and body hold merge fields from a fixed list (``casework.letters.merge``);
they are never rendered as a Django template. A generated letter is a document on its case
(``Letter.document``); serving it is recorded on the letter and in the case diary. This module
holds data and invariants only: writes go through ``casework.services.letters``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roundtable.casework.models.documents import Document
from roundtable.directory.models import Partnership, Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.records.models import Case, Profile


class LetterPurpose(models.TextChoices):
    HOME_OFFICE = "home_office", _("Home Office letter")
    CHIEF_INSPECTOR = "chief_inspector", _("Chief inspector's letter")
    SIGNPOSTING = "signposting", _("Support signposting letter")
    CPW = "cpw", _("Community protection warning")
    ABC = "abc", _("Acceptable behaviour contract")
    WARNING = "warning", _("Warning letter")
    OTHER = "other", _("Other")


class LetterFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word (DOCX)")


class LetterTemplate(PublicCodeModel, TimeStampedModel):
    """A partnership's standard letter: a subject and body with merge fields, and its format."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="letter_templates"
    )
    name = models.CharField(max_length=120)
    purpose = models.CharField(
        max_length=20, choices=LetterPurpose.choices, default=LetterPurpose.OTHER
    )
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20000)
    output_format = models.CharField(
        max_length=4, choices=LetterFormat.choices, default=LetterFormat.PDF
    )
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="casework_letter_template_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("casework:letter_template_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return f"Letter template {self.name}"[:200]


class LetterStatus(models.TextChoices):
    GENERATED = "generated", _("Generated, not yet served")
    SERVED = "served", _("Served")


class ServiceMethod(models.TextChoices):
    BY_HAND = "by_hand", _("Handed to the person")
    LEFT_AT_ADDRESS = "left_at_address", _("Left at their address")
    FIRST_CLASS_POST = "first_class_post", _("First class post")
    RECORDED_DELIVERY = "recorded_delivery", _("Recorded or special delivery")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Another way")


class Letter(PublicCodeModel, TimeStampedModel):
    """A letter generated from a template for a person on a case, kept as a document on the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="letters")
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="letters")
    template_version = models.PositiveIntegerField()
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="letter")
    status = models.CharField(
        max_length=10, choices=LetterStatus.choices, default=LetterStatus.GENERATED
    )
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    served_at = models.DateTimeField(null=True, blank=True)
    served_how = models.CharField(max_length=20, choices=ServiceMethod.choices, blank=True)
    served_notes = models.CharField(max_length=300, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="casework_letter_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=LetterStatus.GENERATED)
                | Q(served_at__isnull=False, served_by__isnull=False) & ~Q(served_how=""),
                name="casework_letter_served_has_details",
            )
        ]

    def __str__(self) -> str:
        return f"Letter {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("casework:letter_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return f"Letter {self.code}"

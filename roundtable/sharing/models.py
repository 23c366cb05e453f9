"""Sharing: agreements, grants, the access table, access requests, break-the-glass and transfers.

Records (profiles, premises, groups, cases) live in ``records``, which builds on this app; here a
record is addressed by (record_kind, record_id) so the ground floor never imports the floor above.
Rows here are written only by ``sharing.services`` (which also writes the audit event); the
access table (``AccessEntry``) is maintained in the same transaction as every change that moves
access. Nothing outside ``sharing.policy`` may decide who sees what from these rows.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Organisation, Partnership, Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.sharing.sections import RecordKind


class PrincipalKind(models.IntegerChoices):
    TEAM = 1, _("Team")
    ORGANISATION = 2, _("Organisation")


class Visibility(models.TextChoices):
    NORMAL = "normal", _("Normal: shared under agreements and grants")
    RESTRICTED = "restricted", _("Restricted: signpost only without an explicit grant")
    HIDDEN = "hidden", _("Hidden: invisible outside its grants")


class AccessLevel(models.TextChoices):
    OPEN = "open", _("Open")
    AUDITED = "audited", _("Audited: every read needs a purpose")
    PROTECTED = "protected", _("Protected: break the glass only")
    CLOSED = "closed", _("Closed: grants only")


class LawfulBasis(models.TextChoices):
    UK_GDPR_6_1_E = "uk_gdpr_6_1_e", _("UK GDPR Article 6(1)(e): public task")
    CDA_1998_S115 = "cda_1998_s115", _("Crime and Disorder Act 1998 s.115")
    CDA_1998_S17 = "cda_1998_s17", _("Crime and Disorder Act 1998 s.17")
    DPA_2018_PART_3 = "dpa_2018_part_3", _("Data Protection Act 2018 Part 3 (law enforcement)")
    CHILDREN_ACT_2004 = "children_act_2004", _("Children Act 2004 s.10 and s.11")
    CONSENT = "consent", _("Consent of the data subject")


class SharingAgreement(PublicCodeModel, TimeStampedModel):
    """An information sharing agreement (ISA): every share must cite an active one."""

    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=40, unique=True)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        help_text=_("Empty for an agreement that crosses partnerships."),
    )
    purposes = models.TextField()
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    # Record kinds this agreement covers, as a list of RecordKind values.
    record_kinds = models.JSONField(default=list)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    dpia_reference = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="sharing_agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def covers_kind(self, kind: int) -> bool:
        return int(kind) in {int(value) for value in self.record_kinds}


class AgreementParty(TimeStampedModel):
    """An organisation that is party to an agreement, and the most it may receive under it."""

    agreement = models.ForeignKey(
        SharingAgreement, on_delete=models.CASCADE, related_name="parties"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    max_sections = models.PositiveIntegerField(help_text=_("Bitmask of sharing.sections.Section"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="sharing_party_unique_per_agreement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} under {self.agreement.reference}"


class AccessSource(models.IntegerChoices):
    OWNER = 1, _("Owning team")
    GRANT = 2, _("Share grant")
    AGREEMENT_DEFAULT = 3, _("Agreement default")
    ACCESS_REQUEST = 4, _("Access request granted")
    BREAK_GLASS = 5, _("Break the glass")
    ORGANISATION_DEFAULT = 6, _("Owning organisation")


class ShareGrant(PublicCodeModel, TimeStampedModel):
    """Some sections of one record given to a team or a whole organisation, under an agreement."""

    record_kind = models.PositiveSmallIntegerField(choices=RecordKind.choices)
    record_id = models.BigIntegerField()
    principal_kind = models.PositiveSmallIntegerField(choices=PrincipalKind.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sections = models.PositiveIntegerField()
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, related_name="grants")
    reason = models.TextField(blank=True)
    # GRANT for a share made by the owner, ACCESS_REQUEST for one made by answering a request.
    origin = models.PositiveSmallIntegerField(
        choices=AccessSource.choices, default=AccessSource.GRANT
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["record_kind", "record_id"], name="sharing_grant_record"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        principal_kind=PrincipalKind.TEAM,
                        team__isnull=False,
                        organisation__isnull=True,
                    )
                    | Q(
                        principal_kind=PrincipalKind.ORGANISATION,
                        team__isnull=True,
                        organisation__isnull=False,
                    )
                ),
                name="sharing_grant_one_principal",
            ),
            models.CheckConstraint(condition=Q(sections__gt=0), name="sharing_grant_some_sections"),
        ]

    def __str__(self) -> str:
        return f"Grant {self.code}"

    @property
    def principal_id(self) -> int:
        """The id of the team or organisation this grant is to."""
        principal = (
            self.team_id if self.principal_kind == PrincipalKind.TEAM else self.organisation_id
        )
        if principal is None:  # excluded by the sharing_grant_one_principal constraint
            raise ValueError("A grant must name a team or an organisation.")
        return int(principal)


class AccessEntry(models.Model):
    """The precomputed access table: one row per source of access to one record for one principal.

    Reads keep rows whose expires_at is empty or in the future and OR their sections together, so
    an expiry takes effect on time without rewriting anything. ``sort_key`` is the record's
    last-change time, so lists can take their top N per principal from this table alone.
    """

    record_kind = models.PositiveSmallIntegerField(choices=RecordKind.choices)
    record_id = models.BigIntegerField()
    principal_kind = models.PositiveSmallIntegerField(choices=PrincipalKind.choices)
    principal_id = models.BigIntegerField()
    sections = models.PositiveIntegerField()
    source = models.PositiveSmallIntegerField(choices=AccessSource.choices)
    source_id = models.BigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    sort_key = models.DateTimeField()

    class Meta:
        indexes = [
            # A viewer's list, newest change first; it also carries every column the policy's
            # list reads (record, sections, expiry), so "the records this team sees with this
            # section" is read from the index alone on both engines (no table row per entry).
            models.Index(
                fields=[
                    "principal_kind",
                    "principal_id",
                    "record_kind",
                    "-sort_key",
                    "record_id",
                    "sections",
                    "expires_at",
                ],
                name="sharing_access_list",
            ),
            # Who sees a record: the policy's EXISTS per row and ``section_masks`` read it; it
            # carries sections and expiry too, so neither visits the table.
            models.Index(
                fields=[
                    "record_kind",
                    "record_id",
                    "principal_kind",
                    "principal_id",
                    "sections",
                    "expires_at",
                ],
                name="sharing_access_record",
            ),
            models.Index(fields=["source", "source_id"], name="sharing_access_source"),
        ]

    def __str__(self) -> str:
        kind = self.get_record_kind_display()
        return f"{kind} {self.record_id} -> {self.principal_kind}:{self.principal_id}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AccessRequest(PublicCodeModel, TimeStampedModel):
    """A request, from someone who sees a signpost, for sections of a record."""

    record_kind = models.PositiveSmallIntegerField(choices=RecordKind.choices)
    record_id = models.BigIntegerField()
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requester_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    owning_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    sections = models.PositiveIntegerField()
    reason = models.TextField()
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = models.TextField(blank=True)
    grant = models.ForeignKey(
        ShareGrant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["owning_team", "status", "-created_at"], name="sharing_request_inbox"
            ),
            models.Index(fields=["record_kind", "record_id"], name="sharing_request_record"),
        ]

    def __str__(self) -> str:
        return f"Access request {self.code}"


class BreakGlass(PublicCodeModel, TimeStampedModel):
    """Emergency access opened by a user with a reason; short-lived and flagged to the owners."""

    record_kind = models.PositiveSmallIntegerField(choices=RecordKind.choices)
    record_id = models.BigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["record_kind", "record_id"], name="sharing_glass_record")]

    def __str__(self) -> str:
        return f"Break-the-glass {self.code}"


class TransferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")


class Transfer(PublicCodeModel, TimeStampedModel):
    """An offer to move a record's ownership to another team, and its answer."""

    record_kind = models.PositiveSmallIntegerField(choices=RecordKind.choices)
    record_id = models.BigIntegerField()
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.OFFERED
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = models.TextField(blank=True)
    consent_reconfirmed = models.BooleanField(default=False)
    # The state of both sides when the offer was made and when it was answered.
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["to_team", "status"], name="sharing_transfer_inbox"),
            models.Index(fields=["record_kind", "record_id"], name="sharing_transfer_record"),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.code}"

"""The records every agency works on: people (profiles), premises, groups and cases.

Every record has an owning team and a visibility; who else sees which of its sections is decided by
``sharing.policy`` alone, from the access table the sharing services maintain. This module holds
data and invariants only: writes go through ``records.services`` (which audit and keep the access
table current) and reads through ``records.selectors`` (which apply the policy). Nothing here may
be rendered or returned without asking the policy which sections the viewer may see.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from roundtable.directory.models import Organisation, Partnership, Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.sharing.access import DefaultShare
from roundtable.sharing.models import AccessLevel, PrincipalKind, SharingAgreement, Visibility
from roundtable.sharing.sections import RecordKind, Section, to_mask


class SharedRecord(PublicCodeModel, TimeStampedModel):
    """What every shareable record has: an owner, a visibility and a version for safe edits."""

    record_kind: ClassVar[int]

    owning_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    owning_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.NORMAL
    )
    # Optimistic locking: a form carries the version it read; a stale write is refused.
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def access_level(self) -> str:
        return AccessLevel.OPEN

    def organisation_sections(self) -> int:
        """What colleagues in the owning organisation see without a grant (bitmask)."""
        return to_mask([Section.SUMMARY])

    def agreement_defaults(self) -> list[DefaultShare]:
        """Default shares that agreements give this record (none unless a subclass says)."""
        return []


# --- People -----------------------------------------------------------------------------------


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("Other")
    NOT_KNOWN = "not_known", _("Not known")


class ConsentStatus(models.TextChoices):
    NOT_SOUGHT = "not_sought", _("Not sought")
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    NOT_REQUIRED = "not_required", _("Not required (safeguarding or law enforcement)")


class Profile(SharedRecord):
    """A person known to one or more agencies: victim, offender or vulnerable person."""

    record_kind = RecordKind.PROFILE

    # Identity section
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(default=False)
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.NOT_KNOWN)
    nationality = CountryField(blank=True)
    languages = models.CharField(max_length=200, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    photo = models.ImageField(upload_to="profiles/photos/%Y/%m/", blank=True)
    photo_thumbnail = models.ImageField(upload_to="profiles/thumbnails/%Y/%m/", blank=True)
    consent_status = models.CharField(
        max_length=14, choices=ConsentStatus.choices, default=ConsentStatus.NOT_SOUGHT
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # Sensitive (special category) section
    ethnicity = models.CharField(max_length=80, blank=True)
    religion = models.CharField(max_length=80, blank=True)
    health_notes = models.TextField(blank=True)
    sexuality = models.CharField(max_length=80, blank=True)
    # A merged profile points at the one it was merged into and is kept, never deleted.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )

    class Meta:
        indexes = [
            models.Index(fields=["owning_team", "-updated_at"], name="records_profile_owner"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("records:profile_detail", kwargs={"code": self.code})

    def organisation_sections(self) -> int:
        # Colleagues in the owning agency see who the person is and any warning markers, so an
        # officer is never sent to a violent person's door unwarned by their own agency.
        return to_mask([Section.IDENTITY, Section.WARNINGS])

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name.upper()}".strip()

    def audit_label(self) -> str:
        """Audit events name the record by its code only: the log must not copy personal data."""
        return f"Profile {self.code}"


class AliasKind(models.TextChoices):
    ALIAS = "alias", _("Alias")
    NICKNAME = "nickname", _("Nickname")
    PREVIOUS = "previous", _("Previous name")


class ProfileAlias(TimeStampedModel):
    """Another name a person is known by (identity section)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=10, choices=AliasKind.choices, default=AliasKind.ALIAS)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class IdentifierKind(models.TextChoices):
    PNC = "pnc", _("PNC ID")
    NHS = "nhs", _("NHS number")
    NINO = "nino", _("National Insurance number")
    HOME_OFFICE = "home_office", _("Home Office reference")
    UPN = "upn", _("Unique pupil number")
    PRISON = "prison", _("Prison number")
    CRN = "crn", _("Probation case reference (CRN)")


class Identifier(TimeStampedModel):
    """An official identifier (identity section), stored normalised and unique per kind."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=12, choices=IdentifierKind.choices)
    value = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="records_identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class AddressKind(models.TextChoices):
    HOME = "home", _("Home")
    TEMPORARY = "temporary", _("Temporary")
    NO_FIXED_ABODE = "nfa", _("No fixed abode")


class Address(TimeStampedModel):
    """An address in a person's history (contact section). No fixed abode has no lines."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=10, choices=AddressKind.choices, default=AddressKind.HOME)
    line1 = models.CharField(max_length=120, blank=True)
    line2 = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-from_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True)
                | Q(from_date__isnull=True)
                | Q(to_date__gte=models.F("from_date")),
                name="records_address_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line1, self.town, self.postcode) if part)


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")


class ContactPoint(TimeStampedModel):
    """A phone number or email address (contact section)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=5, choices=ContactKind.choices)
    value = models.CharField(max_length=254)
    label = models.CharField(max_length=60, blank=True)
    safe_to_contact = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.value


class Vehicle(TimeStampedModel):
    """A vehicle linked to a person (contact section), registration mark normalised."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="vehicles")
    registration = models.CharField(max_length=10, db_index=True)
    description = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return self.registration


class WarningKind(models.TextChoices):
    VIOLENCE = "violence", _("Violence")
    WEAPONS = "weapons", _("Weapons")
    FIREARMS = "firearms", _("Firearms")
    DRUGS = "drugs", _("Drugs")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SELF_HARM = "self_harm", _("Self-harm or suicide")
    SEXUAL_OFFENCES = "sexual_offences", _("Sexual offences")
    RISK_TO_CHILDREN = "risk_to_children", _("Risk to children")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    ESCAPER = "escaper", _("Escape risk")
    CONTAGION = "contagion", _("Contagion")
    ALLEGES = "alleges", _("Makes allegations against staff")
    LONE_WORKING = "lone_working", _("Do not visit alone")


class WarningMarker(TimeStampedModel):
    """A warning for staff safety or safeguarding (warnings section), reviewed by a date."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(max_length=20, choices=WarningKind.choices)
    notes = models.CharField(max_length=300, blank=True)
    review_date = models.DateField()
    raised_by_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["review_date"]

    def __str__(self) -> str:
        return self.get_kind_display()


class RelationshipKind(models.TextChoices):
    PARENT_OF = "parent_of", _("Parent of")
    CHILD_OF = "child_of", _("Child of")
    SIBLING = "sibling", _("Sibling")
    PARTNER = "partner", _("Partner")
    EX_PARTNER = "ex_partner", _("Ex-partner")
    ASSOCIATE = "associate", _("Associate")
    GANG_ASSOCIATE = "gang_associate", _("Gang associate")
    CARER_OF = "carer_of", _("Carer of")
    CARED_FOR_BY = "cared_for_by", _("Cared for by")


INVERSE_RELATIONSHIP: dict[str, str] = {
    RelationshipKind.PARENT_OF: RelationshipKind.CHILD_OF,
    RelationshipKind.CHILD_OF: RelationshipKind.PARENT_OF,
    RelationshipKind.CARER_OF: RelationshipKind.CARED_FOR_BY,
    RelationshipKind.CARED_FOR_BY: RelationshipKind.CARER_OF,
    RelationshipKind.SIBLING: RelationshipKind.SIBLING,
    RelationshipKind.PARTNER: RelationshipKind.PARTNER,
    RelationshipKind.EX_PARTNER: RelationshipKind.EX_PARTNER,
    RelationshipKind.ASSOCIATE: RelationshipKind.ASSOCIATE,
    RelationshipKind.GANG_ASSOCIATE: RelationshipKind.GANG_ASSOCIATE,
}


class Relationship(TimeStampedModel):
    """One typed relationship, stored once; the other profile shows the inverse kind."""

    from_profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="relationships_out"
    )
    to_profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="relationships_in"
    )
    kind = models.CharField(max_length=16, choices=RelationshipKind.choices)
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_profile", "to_profile", "kind"], name="records_relationship_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_profile=models.F("to_profile")),
                name="records_relationship_not_self",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class NameIndexEntry(models.Model):
    """The person search index: folded and phonetic keys for each name and alias of a profile."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    is_alias = models.BooleanField(default=False)
    family_key = models.CharField(max_length=100)
    given_key = models.CharField(max_length=100)
    family_phonetic = models.CharField(max_length=20)
    given_phonetic = models.CharField(max_length=20)
    date_of_birth = models.DateField(null=True)
    birth_year = models.PositiveSmallIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["family_key", "date_of_birth"], name="records_name_family_dob"),
            models.Index(fields=["family_phonetic", "birth_year"], name="records_name_phonetic"),
            models.Index(fields=["date_of_birth"], name="records_name_dob"),
            # Near-miss spellings with only a year of birth: the year first, then a surname range.
            models.Index(fields=["birth_year", "family_key"], name="records_name_year_family"),
        ]

    def __str__(self) -> str:
        return f"{self.family_key}, {self.given_key}"


# --- Premises and groups ----------------------------------------------------------------------


class PremisesKind(models.TextChoices):
    RESIDENCE = "residence", _("Residence")
    LICENSED = "licensed", _("Licensed premises")
    BUSINESS = "business", _("Business")
    PUBLIC_SPACE = "public_space", _("Public space")


class Premises(SharedRecord):
    """A place: a home, licensed premises, a business or a public space."""

    record_kind = RecordKind.PREMISES

    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=14, choices=PremisesKind.choices)
    line1 = models.CharField(max_length=120, blank=True)
    line2 = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    licence_number = models.CharField(max_length=40, blank=True)
    licence_details = models.TextField(blank=True)
    licence_expires_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "premises"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("records:premises_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return f"Premises {self.code}"


class PremisesRole(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    OWNER = "owner", _("Owner")
    DPS = "dps", _("Designated premises supervisor")
    VISITOR = "visitor", _("Visitor")


class PremisesLink(TimeStampedModel):
    """A person's connection to premises, with their role and dates."""

    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, related_name="links")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="premises_links")
    role = models.CharField(max_length=10, choices=PremisesRole.choices)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.get_role_display()


class GroupKind(models.TextChoices):
    GANG = "gang", _("Gang")
    OCG = "ocg", _("Organised crime group")
    HOUSEHOLD = "household", _("Household")
    PEER_GROUP = "peer_group", _("Peer group")


class Group(SharedRecord):
    """A gang, organised crime group, household or peer group."""

    record_kind = RecordKind.GROUP

    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=12, choices=GroupKind.choices)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("records:group_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return f"Group {self.code}"


class GroupMember(TimeStampedModel):
    """A person's membership of a group, with a role and dates."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(max_length=60, blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.role or "member"


# --- Cases ------------------------------------------------------------------------------------


class CaseType(PublicCodeModel, TimeStampedModel):
    """A kind of case a partnership works (ASB, IOM, MASH, ...), set up without a deploy."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="case_types"
    )
    name = models.CharField(max_length=100)
    reference_prefix = models.CharField(max_length=8)
    description = models.CharField(max_length=300, blank=True)
    stages = models.JSONField(default=list, help_text=_("Workflow stages, in order."))
    access_level = models.CharField(
        max_length=10, choices=AccessLevel.choices, default=AccessLevel.OPEN
    )
    # What colleagues in the owning organisation see of a case of this type (bitmask).
    organisation_sections = models.PositiveIntegerField(default=0)
    review_interval_days = models.PositiveIntegerField(default=28)
    retention_years = models.PositiveSmallIntegerField(default=6)
    # The type's own fields: a configurable form (``customforms``), versioned; its answers for a
    # case are a ``customforms.FormValues`` row. Every type made since the forms engine has one.
    form = models.OneToOneField(
        "customforms.FormDefinition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_type",
    )
    # A family case type (Supporting Families and the like) can be opened from a person's family
    # view, with the person at its centre and chosen relatives as family members.
    is_family = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "reference_prefix"], name="records_casetype_prefix_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "name"], name="records_casetype_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CaseTypeShareDefault(TimeStampedModel):
    """An agreement's default share for new cases of a type: to a team or organisation."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="share_defaults")
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sections = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(team__isnull=False) & Q(organisation__isnull=True))
                | (Q(team__isnull=True) & Q(organisation__isnull=False)),
                name="records_share_default_one_principal",
            )
        ]

    def __str__(self) -> str:
        return f"Default share of {self.case_type}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Rag(models.TextChoices):
    NONE = "", _("Not assessed")
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class Case(SharedRecord):
    """A piece of multi-agency work of one case type, owned by a team, about people and places."""

    record_kind = RecordKind.CASE

    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=24, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=6, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    outcome = models.CharField(max_length=200, blank=True)
    stage = models.CharField(max_length=80, blank=True)
    rag = models.CharField(max_length=5, choices=Rag.choices, default=Rag.NONE, blank=True)
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    # The case type's own fields are answered in ``customforms.FormValues`` (record kind CASE).

    class Meta:
        indexes = [
            models.Index(
                fields=["owning_team", "status", "-updated_at"], name="records_case_owner"
            ),
            models.Index(fields=["review_date"], name="records_case_review"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("records:case_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return self.reference

    @property
    def access_level(self) -> str:
        return str(self.case_type.access_level)

    def organisation_sections(self) -> int:
        return int(self.case_type.organisation_sections)

    def agreement_defaults(self) -> list[DefaultShare]:
        """The case type's default shares under agreements active today."""
        from django.utils import timezone

        today = timezone.localdate()
        result = []
        for default in self.case_type.share_defaults.select_related("agreement"):
            if not default.agreement.is_active_on(today) or not default.agreement.covers_kind(
                self.record_kind
            ):
                continue
            if default.team_id is not None:
                principal = (PrincipalKind.TEAM, int(default.team_id))
            else:
                principal = (PrincipalKind.ORGANISATION, int(default.organisation_id))  # type: ignore[arg-type]
            result.append(
                DefaultShare(principal[0], principal[1], int(default.sections), int(default.pk))
            )
        return result


class MemberRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    PERPETRATOR = "perpetrator", _("Perpetrator")
    SUBJECT = "subject", _("Subject")
    WITNESS = "witness", _("Witness")
    COMPLAINANT = "complainant", _("Complainant")
    FAMILY_MEMBER = "family_member", _("Family member")
    ASSOCIATE = "associate", _("Associate")


class CaseMember(TimeStampedModel):
    """A person in a case, in one role (victim and perpetrator roles are separate rows)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="case_memberships")
    role = models.CharField(max_length=14, choices=MemberRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "profile", "role"], name="records_case_member_unique"
            )
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class CaseLink(TimeStampedModel):
    """Premises or a group linked to a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(premises__isnull=False) & Q(group__isnull=True))
                | (Q(premises__isnull=True) & Q(group__isnull=False)),
                name="records_case_link_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"Link of {self.case_id}"


class StageChange(models.Model):
    """A case's move from one workflow stage to another: who, when, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=80, blank=True)
    to_stage = models.CharField(max_length=80)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


class ReferenceCounter(models.Model):
    """The last number issued for a reference prefix in a year (ASB-2026-000123)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="records_reference_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


# --- Duplicates and merges --------------------------------------------------------------------


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")
    MERGED = "merged", _("Merged")


class DuplicateCandidate(TimeStampedModel):
    """A pair of profiles that may be the same person, with the score and why."""

    first = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=14, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"], name="records_duplicate_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="records_duplicate_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Possible duplicate {self.first_id}/{self.second_id}"


class ProfileMerge(models.Model):
    """A merge of one profile into another, kept so it can be explained afterwards."""

    source = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    reason = models.TextField()
    # What moved: ids of aliases, identifiers, addresses, case memberships and grants, per kind.
    moved = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Merge {self.source_id} -> {self.target_id}"

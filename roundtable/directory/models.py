"""Who is who: partnerships, organisations, teams, users, memberships and capabilities.

The directory is the ground floor: the sharing policy and the audit log build on it. It holds the
identities of staff, never of the people Roundtable's records are about. Writes go through
``directory.services`` so every change is audited.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.lib.models import PublicCodeModel, TimeStampedModel


class Partnership(PublicCodeModel, TimeStampedModel):
    """An area (a county, a city) whose organisations work together."""

    name = models.CharField(max_length=120, unique=True)
    short_name = models.SlugField(max_length=30, unique=True, help_text=_("Used in references."))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    POLICE = "police", _("Police force")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    HOUSING = "housing", _("Housing provider")
    PROBATION = "probation", _("Probation")
    PRISON = "prison", _("Prison")
    YOUTH_JUSTICE = "youth_justice", _("Youth justice")
    HOME_OFFICE = "home_office", _("Home Office immigration")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    FIRE = "fire", _("Fire and rescue")
    VOLUNTARY = "voluntary", _("Voluntary sector")
    OTHER = "other", _("Other")


class Organisation(PublicCodeModel, TimeStampedModel):
    """An agency. It belongs to one partnership, or to none when it is national."""

    name = models.CharField(max_length=160, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Leave empty for a national organisation."),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.partnership_id is None


class Team(PublicCodeModel, TimeStampedModel):
    """A team inside an organisation; records are owned by teams."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    email = models.EmailField(
        blank=True, help_text=_("A shared inbox for the team, if it has one.")
    )
    is_active = models.BooleanField(default=True)
    # Optimistic locking: a form carries the version it was read at; a write made from a stale
    # form is refused with a conflict instead of silently overwriting someone else's change.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="directory_team_unique_name_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def get_absolute_url(self) -> str:
        return reverse("directory:team_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return str(self)


class UserManager(BaseUserManager["User"]):
    """Users sign in by email; the address is stored lower-case so it is unique however typed."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(PublicCodeModel, AbstractBaseUser, PermissionsMixin):
    """A member of staff who signs in. Deactivated, never deleted: the audit log names them."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text=_("System administrators only: may use the Django admin.")
    )
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Bumped to end every session of this user at once ("sign out everywhere", deactivation,
    # password reset). It is part of the session hash, so old sessions stop verifying.
    session_generation = models.PositiveIntegerField(default=0)
    # Optimistic locking for the organisation admin's forms (details, teams, roles, capabilities).
    version = models.PositiveIntegerField(default=0)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("directory:user_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_session_auth_hash(self) -> str:
        """Ties sessions to the password and to the session generation."""
        from django.utils.crypto import salted_hmac

        key_salt = "roundtable.directory.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_generation}", algorithm="sha256"
        ).hexdigest()

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    TEAM_MANAGER = "team_manager", _("Team manager")


class Membership(TimeStampedModel):
    """A user's place in a team, with their role there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)

    class Meta:
        ordering = ["team__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="directory_membership_unique")
        ]
        indexes = [models.Index(fields=["team", "role"], name="directory_membership_team_role")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_role_display()})"


class Capability(models.TextChoices):
    ORGANISATION_ADMIN = "organisation_admin", _("Organisation admin (SPOC)")
    PARTNERSHIP_ADMIN = "partnership_admin", _("Partnership admin")
    AUDITOR = "auditor", _("Auditor")
    SYSTEM_ADMIN = "system_admin", _("System admin")


class CapabilityGrant(TimeStampedModel):
    """An organisation-level capability held by a user (scoped to their organisation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="capability_grants")
    capability = models.CharField(max_length=30, choices=Capability.choices)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "capability"], name="directory_capability_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_capability_display()}"

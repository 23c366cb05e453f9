"""The directory in the Django admin, for system administrators (see ``admin_site``).

Every change made here is audited in the same transaction. Memberships and capabilities are shown
read-only: they change only through ``directory.services.accounts`` (the app's own pages), so the
rules there (a user keeps one team, system admin sets the staff flags) cannot be bypassed. Nothing
in the directory is deleted from here; people and teams are deactivated instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import (
    CapabilityGrant,
    Membership,
    Organisation,
    Partnership,
    Team,
    User,
)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes an audit event for every save, inside the admin's own transaction."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        changes = {
            name: [
                _plain(form.initial.get(name)) if change else None,
                _plain(form.cleaned_data.get(name)),
            ]
            for name in form.changed_data
            if "password" not in name  # never even a masked password in the log
        }
        audit_record(
            action=Action.UPDATE if change else Action.CREATE,
            target=obj,
            actor=request.user,
            changes=changes,
            detail={"via": "django_admin"},
        )


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shown for reference; changed only through the app's services."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "partnership", "is_active"]
    list_filter = ["kind", "is_active", "partnership"]
    list_select_related = ["partnership"]
    search_fields = ["name", "short_name"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "organisation", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    readonly_fields = ["version"]
    autocomplete_fields = ["organisation"]


class RoundtableUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "organisation")


class RoundtableUserChangeForm(UserChangeForm):  # type: ignore[type-arg]  # generic only in the stubs
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):  # type: ignore[type-arg]  # stubs want AbstractUser
    """Staff accounts. The password is changed only through Django's change-password form."""

    form = RoundtableUserChangeForm
    add_form = RoundtableUserCreationForm
    list_display = ["email", "full_name", "organisation", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    list_select_related = ["organisation"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    filter_horizontal = ()
    autocomplete_fields = ["organisation"]
    # Staff flags follow the system admin capability, granted on the app's pages.
    readonly_fields = [
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
        "deactivated_at",
        "session_generation",
        "version",
    ]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Details", {"fields": ["full_name", "job_title", "organisation"]}),
        ("Status", {"fields": ["is_active", "deactivated_at", "is_staff", "is_superuser"]}),
        ("History", {"fields": ["last_login", "date_joined", "session_generation", "version"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "organisation",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        if change and "is_active" in form.changed_data:
            # Same effect as the organisation admin's deactivation: sessions end at once.
            obj.deactivated_at = None if obj.is_active else timezone.now()
            if not obj.is_active:
                obj.session_generation += 1
        obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "team__organisation"]
    search_fields = ["user__email", "user__full_name", "team__name"]


@admin.register(CapabilityGrant)
class CapabilityGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "capability", "granted_by", "created_at"]
    list_filter = ["capability"]
    list_select_related = ["user", "granted_by"]
    search_fields = ["user__email", "user__full_name"]

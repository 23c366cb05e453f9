"""Directory forms, rendered with GOV.UK components.

Forms parse and check the shape of input only; the rules (who may do what, a user keeps one team,
no duplicate email) live in ``directory.services``. Forms that change a user or a team carry the
version they were read at, for optimistic locking.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from roundtable.directory.models import Capability, Role, Team

ROLE_ERRORS = {"required": "Select a role", "invalid_choice": "Select a role from the list"}
TEAM_ERRORS = {
    "required": "Select a team",
    "invalid_choice": "Select one of the organisation's active teams",
}


class GovukFormMixin:
    """Puts GOV.UK classes on widgets and marks fields in error for screen readers."""

    WIDGET_CLASSES = {
        "textinput": "govuk-input",
        "emailinput": "govuk-input",
        "passwordinput": "govuk-input",
        "textarea": "govuk-textarea",
        "select": "govuk-select",
    }

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = self.WIDGET_CLASSES.get(type(field.widget).__name__.lower())
            if css:
                field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            attrs = field.widget.attrs
            # The hint (includes/field.html's id) still describes the field once it is in error.
            hint = [f"id_{name}_helptext"] if field.help_text else []
            attrs["aria-describedby"] = " ".join([*hint, f"id_{name}-error"])
            css = attrs.get("class", "")
            if css.startswith("govuk-") and "--error" not in css:
                base = css.split()[0]
                attrs["class"] = f"{css} {base}--error"


class TeamChoiceField(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name}, {obj.organisation.name}"


class SwitchTeamForm(forms.Form):
    """Pick one of the user's own teams."""

    team = TeamChoiceField(
        queryset=Team.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which team are you working as?",
        error_messages={
            "required": "Select the team you are working as",
            "invalid_choice": "Select one of your own teams",
        },
    )

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(TeamChoiceField, self.fields["team"])
        field.queryset = Team.objects.filter(pk__in=[team.pk for team in teams]).select_related(
            "organisation"
        )


class OrganisationTeamField(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return obj.name


def _role_field(label: str = "Role") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=Role.choices, widget=forms.RadioSelect, error_messages=ROLE_ERRORS
    )


class VersionForm(GovukFormMixin, forms.Form):
    """Only the version the page was read at: for confirmations (reactivate, remove a team)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": "The form is out of date. Go back and try again",
            "invalid": "The form is out of date. Go back and try again",
            "min_value": "The form is out of date. Go back and try again",
        },
    )


class UserSearchForm(forms.Form):
    """Search an organisation's users by name or email."""

    q = forms.CharField(label="Search by name or email", required=False, max_length=100)


class InviteForm(GovukFormMixin, forms.Form):
    """Invite a new user into one of the organisation's teams."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name"},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Their work email address. We will send the invitation here.",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)
    team = OrganisationTeamField(
        queryset=Team.objects.none(),
        label="First team",
        empty_label="Select a team",
        error_messages=TEAM_ERRORS,
    )
    role = _role_field("Role in that team")

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OrganisationTeamField, self.fields["team"]).queryset = teams


class UserDetailsForm(VersionForm):
    """A user's name and job title."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name"},
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)

    field_order = ["full_name", "job_title", "version"]


class DeactivateForm(VersionForm):
    """Why a user is being deactivated (kept in the audit log)."""

    reason = forms.CharField(
        label="Why are you deactivating this account?",
        help_text="For example, they have left the organisation. This is kept in the audit log.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for deactivating this account"},
    )

    field_order = ["reason", "version"]


class MembershipAddForm(VersionForm):
    """Add a user to another team of their organisation."""

    team = OrganisationTeamField(
        queryset=Team.objects.none(),
        label="Team",
        empty_label="Select a team",
        error_messages=TEAM_ERRORS,
    )
    role = _role_field("Role in that team")

    field_order = ["team", "role", "version"]

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OrganisationTeamField, self.fields["team"]).queryset = teams


class RoleForm(VersionForm):
    """A user's role in one team."""

    role = _role_field("Role in this team")

    field_order = ["role", "version"]


class CapabilitiesForm(VersionForm):
    """The capabilities the signed-in admin manages, as checkboxes."""

    capabilities = forms.MultipleChoiceField(
        label="Capabilities",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only capabilities you are allowed to give"},
    )

    field_order = ["capabilities", "version"]

    def __init__(self, *args: Any, allowed: list[Capability], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["capabilities"])
        field.choices = [(capability.value, capability.label) for capability in allowed]


class TeamForm(GovukFormMixin, forms.Form):
    """A team's name, description and shared inbox."""

    name = forms.CharField(
        label="Team name", max_length=120, error_messages={"required": "Enter the team's name"}
    )
    description = forms.CharField(label="Description (optional)", max_length=300, required=False)
    email = forms.EmailField(
        label="Team email address (optional)",
        help_text="A shared inbox for the team, if it has one.",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like team@example.org"
        },
    )


class TeamEditForm(TeamForm, VersionForm):
    """Rename a team or change its details, from the version the page was read at."""


class InvitationPasswordForm(GovukFormMixin, SetPasswordForm):  # type: ignore[type-arg]  # generic only in the stubs
    """The invitee chooses their first password (Django's validators apply NCSC rules)."""

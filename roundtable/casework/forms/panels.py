"""Forms for panel meetings, rendered with GOV.UK components.

Forms parse and check the shape of input only; the rules (who may chair, which records may go on
the agenda, who may own an action, stale versions) live in ``casework.services.panels``, whose
refusals are put back on the form with ``records.forms.cases.add_service_errors``.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from roundtable.casework.models import AttendeeRole, PanelKind
from roundtable.casework.selectors.panels import OwnerChoice
from roundtable.directory.forms import GovukFormMixin
from roundtable.directory.models import Team, User
from roundtable.records.forms.cases import DATE_FORMATS, DATE_HINT, OUT_OF_DATE, UserChoiceField

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


def _date_field(
    label: StrOrPromise, *, required_message: StrOrPromise, invalid_message: StrOrPromise
) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": required_message, "invalid": invalid_message},
    )


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


class MeetingDetailsForm(GovukFormMixin, forms.Form):
    """When and where, and who chairs; shared by setting up and changing a meeting."""

    date = _date_field(
        _("Date of the meeting"),
        required_message=_("Enter the date of the meeting"),
        invalid_message=_("The date of the meeting must be a real date, like 27/03/2026"),
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        input_formats=TIME_FORMATS,
        help_text=_("Use the 24-hour clock, for example 14:30"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter the start time"),
            "invalid": _("Enter the start time like 14:30"),
        },
    )
    location = forms.CharField(
        label=_("Where it is held"),
        max_length=200,
        required=False,
        help_text=_("A room and building. Leave empty for a meeting held only online."),
    )
    online = forms.BooleanField(label=_("Held online (or partly online)"), required=False)
    chair = UserChoiceField(
        label=_("Chair"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose the chair"),
            "invalid_choice": _("Choose a chair from the team that runs the meeting"),
        },
    )

    def __init__(self, *args: Any, chairs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs  # type: ignore[attr-defined]

    def scheduled_start(self) -> datetime:
        """The date and time entered, in the service's time zone."""
        day = self.cleaned_data["date"]
        at: time = self.cleaned_data["start_time"]
        return timezone.make_aware(datetime.combine(day, at))


class MeetingCreateForm(MeetingDetailsForm):
    kind = forms.ChoiceField(
        label=_("Kind of panel"),
        choices=PanelKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of panel")},
    )
    title = forms.CharField(
        label=_("Title (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example, Marshbury MARAC. Left empty, the kind and date are used."),
    )
    field_order = ["kind", "title", "date", "start_time", "location", "online", "chair"]


class MeetingEditForm(MeetingDetailsForm):
    version = _version_field()


class AttendeeForm(GovukFormMixin, forms.Form):
    """Who to invite: found by email address; a person in several teams says which one."""

    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The address they sign in to Roundtable with"),
        error_messages={
            "required": _("Enter the attendee's email address"),
            "invalid": _("Enter an email address like name@example.gov.uk"),
        },
    )
    role = forms.ChoiceField(
        label=_("Role at the meeting"),
        choices=[
            (AttendeeRole.ATTENDEE, AttendeeRole.ATTENDEE.label),
            (AttendeeRole.MINUTE_TAKER, AttendeeRole.MINUTE_TAKER.label),
            (AttendeeRole.GUEST, AttendeeRole.GUEST.label),
        ],
        initial=AttendeeRole.ATTENDEE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the attendee's role")},
    )
    team = forms.ChoiceField(
        label=_("Which team do they attend for?"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of this person's teams")},
    )

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {str(team.pk): team for team in teams}
        if len(teams) > 1:
            cast(forms.ChoiceField, self.fields["team"]).choices = [
                (str(team.pk), f"{team.name}, {team.organisation.name}") for team in teams
            ]
        else:
            del self.fields["team"]

    def chosen_team(self) -> Team | None:
        """The team picked, or the person's only team."""
        if len(self.teams) == 1:
            return next(iter(self.teams.values()))
        return self.teams.get(self.cleaned_data.get("team") or "")


class AgendaItemForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label=_("Case reference or person's reference"),
        max_length=300,
        help_text=_(
            "A case reference such as ASB-2026-000123, or the reference or page address of a "
            "case or a person"
        ),
        error_messages={"required": _("Enter the reference of a case or a person")},
    )


class MinutesForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Enter the minutes")},
    )
    version = _version_field()


class DecisionForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the decision")},
    )


class ActionForm(GovukFormMixin, forms.Form):
    description = forms.CharField(
        label=_("What needs to be done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe the action")},
    )
    owner = forms.ChoiceField(
        label=_("Who owns it"),
        help_text=_("A person at the meeting, or a whole team of an agency at the meeting"),
        error_messages={
            "required": _("Choose who owns the action"),
            "invalid_choice": _("Choose who owns the action"),
        },
    )
    due_on = _date_field(
        _("Due date"),
        required_message=_("Enter the date the action is due"),
        invalid_message=_("The due date must be a real date, like 27/03/2026"),
    )

    def __init__(self, *args: Any, owners: list[OwnerChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {choice.value: choice for choice in owners}
        cast(forms.ChoiceField, self.fields["owner"]).choices = [("", _("Choose an owner"))] + [
            (choice.value, choice.label) for choice in owners
        ]

    def chosen_owner(self) -> OwnerChoice:
        return self.owners[self.cleaned_data["owner"]]


class AttendanceForm(GovukFormMixin, forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Who attended?"),
        required=False,
        help_text=_("Select everyone who came. Anyone not selected is recorded as absent."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, attendees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attended"]).choices = [
            (str(a.pk), f"{a.user.full_name} ({a.team.name}, {a.team.organisation.name})")
            for a in attendees
        ]

    def attended_ids(self) -> set[int]:
        return {int(value) for value in self.cleaned_data["attended"]}


class HeldForm(GovukFormMixin, forms.Form):
    version = _version_field()


class CloseForm(GovukFormMixin, forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=200,
        help_text=_("For example: minutes agreed, 6 actions set. Or: cancelled, and why."),
        error_messages={"required": _("Enter the outcome of the meeting")},
    )
    version = _version_field()


class RemoveForm(GovukFormMixin, forms.Form):
    """A confirmation with nothing to fill in."""

"""Sharing forms, rendered with GOV.UK components.

Forms parse and check the shape of input (dates are real, sections belong to the record's kind,
an end comes after a start); the rules (an agreement must carry a share, one pending request
per team, who may answer) live in ``sharing.services`` and ``sharing.policy``. ``apply_errors``
puts a service's refusal next to the field it is about, or at the top of the form.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from roundtable.audit.forms import DATE_FORMATS
from roundtable.directory.forms import GovukFormMixin
from roundtable.directory.models import Partnership, Team
from roundtable.sharing.models import LawfulBasis, SharingAgreement, Visibility
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind, Section, to_mask

DATE_HINT = "For example, 27/3/2026"
REASON_MAX = 2000


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def end_of_day(day: date) -> datetime:
    """The moment a share "until <day>" ends: midnight at the end of that day, local time."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _date(label: str, *, required: bool, hint: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=hint,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date, like 27/3/2026",
        },
    )


def _reason(label: str, *, required: bool = True, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"Keep it to {REASON_MAX} characters or fewer",
        },
    )


def _sections(
    kind: int | None, label: str, *, only: int | None = None
) -> forms.MultipleChoiceField:
    candidates = SECTIONS_BY_KIND[kind] if kind is not None else tuple(Section)
    choices = [
        (str(section), str(section.label))
        for section in candidates
        if only is None or to_mask([section]) & only
    ]
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one section",
            "invalid_choice": "Select only sections listed here",
        },
    )


def _version() -> forms.IntegerField:
    stale = "The form is out of date. Go back and try again"
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": stale, "invalid": stale, "min_value": stale},
    )


# --- Agreements --------------------------------------------------------------------------------


class AgreementForm(GovukFormMixin, forms.Form):
    """An agreement's terms (its parties come in ``PartyFormSet``)."""

    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the agreement's title"}
    )
    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="The agreement's own reference, for example ISA-2026-004",
        error_messages={"required": "Enter the agreement's reference"},
    )
    purposes = forms.CharField(
        label="Purposes",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="What the information may be used for",
        error_messages={"required": "Enter the purposes of the agreement"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=[("", "Select the lawful basis"), *LawfulBasis.choices],
        error_messages={
            "required": "Select the lawful basis",
            "invalid_choice": "Select a lawful basis from the list",
        },
    )
    record_kinds = forms.TypedMultipleChoiceField(
        label="Kinds of record covered",
        coerce=int,
        choices=RecordKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the kinds of record the agreement covers",
            "invalid_choice": "Select only kinds of record listed here",
        },
    )
    starts_on = _date("Start date", required=True)
    ends_on = _date("End date", required=False, hint=f"Leave empty if it has no end. {DATE_HINT}")
    dpia_reference = forms.CharField(
        label="DPIA reference (optional)",
        required=False,
        max_length=80,
        help_text="The reference of its data protection impact assessment",
    )

    def __init__(
        self,
        *args: Any,
        partnerships: list[Partnership] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if partnerships is not None:
            # System administrators choose the partnership, or none for a cross-partnership one.
            self.fields["partnership"] = forms.ModelChoiceField(
                label="Partnership",
                queryset=Partnership.objects.filter(pk__in=[p.pk for p in partnerships]),
                required=False,
                empty_label="None: this agreement crosses partnerships",
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
        if editing:
            self.fields["version"] = _version()
            self.fields["reason"] = _reason(
                "Reason for the change", required=False, hint="Recorded in the audit log"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", "The end date must be after the start date")
        return cleaned

    def values(self) -> dict[str, Any]:
        """The agreement's fields for the service (call after ``is_valid()``)."""
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "reference": data["reference"].strip(),
            "purposes": data["purposes"].strip(),
            "lawful_basis": data["lawful_basis"],
            "record_kinds": sorted(int(kind) for kind in data["record_kinds"]),
            "starts_on": data["starts_on"],
            "ends_on": data.get("ends_on"),
            "dpia_reference": (data.get("dpia_reference") or "").strip(),
        }


class OrganisationField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        partnership = obj.partnership.name if obj.partnership_id else "national"
        return f"{obj.name} ({partnership})"


class PartyForm(GovukFormMixin, forms.Form):
    """One party: an organisation and the most sections it may receive."""

    organisation = OrganisationField(
        label="Organisation",
        queryset=None,
        required=False,
        empty_label="Select an organisation",
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )
    max_sections = forms.MultipleChoiceField(
        label="Most it may receive",
        required=False,
        choices=[(str(section), str(section.label)) for section in Section],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only sections listed here"},
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(OrganisationField, self.fields["organisation"])
        field.queryset = organisations

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("organisation") and not cleaned.get("max_sections"):
            self.add_error("max_sections", "Select the sections this party may receive")
        if cleaned.get("max_sections") and not cleaned.get("organisation"):
            self.add_error("organisation", "Select the organisation these sections are for")
        return cleaned


class BasePartyFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # generic only in stubs
    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        self.organisations = organisations
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"organisations": self.organisations}

    def parties(self) -> list[tuple[Any, int]]:
        """(organisation, sections bitmask) for every filled row (after ``is_valid()``)."""
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if data.get("organisation") and data.get("max_sections"):
                rows.append((data["organisation"], to_mask(data["max_sections"])))
        return rows


PartyFormSet = cast(
    type[BasePartyFormSet],
    forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=0),
)


class EndAgreementForm(GovukFormMixin, forms.Form):
    version = _version()
    reason = _reason("Reason for ending the agreement")


# --- Sharing a record --------------------------------------------------------------------------


class RecipientForm(GovukFormMixin, forms.Form):
    """Step one of sharing: who to share with (teams and organisations agreements allow)."""

    to = forms.ChoiceField(
        label="Who do you want to share with?",
        error_messages={
            "required": "Select a team or an organisation",
            "invalid_choice": "Select a team or an organisation from the list",
        },
    )

    def __init__(self, *args: Any, teams: list[Team], organisations: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        team_choices = [
            (f"team:{team.code}", f"{team.name}, {team.organisation.name}") for team in teams
        ]
        organisation_choices = [
            (f"organisation:{org.code}", f"Everyone in {org.name}") for org in organisations
        ]
        cast(forms.ChoiceField, self.fields["to"]).choices = [
            ("", "Select a team or an organisation"),
            ("Teams", team_choices),
            ("Whole organisations", organisation_choices),
        ]
        self.fields["to"].widget.attrs["class"] = "govuk-select"


class AgreementChoiceField(forms.ModelChoiceField[SharingAgreement]):
    def label_from_instance(self, obj: SharingAgreement) -> str:
        return f"{obj.reference}: {obj.title}"


def _agreement_field(agreements: list[SharingAgreement]) -> AgreementChoiceField:
    return AgreementChoiceField(
        label="Under which information sharing agreement?",
        queryset=SharingAgreement.objects.filter(pk__in=[a.pk for a in agreements]),
        empty_label="Select an agreement",
        help_text="Only agreements in force that cover both organisations are listed",
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={
            "required": "Select the agreement this share is made under",
            "invalid_choice": "Select an agreement from the list",
        },
    )


class _EndsOnMixin:
    cleaned_data: dict[str, Any]

    def clean_expires_on(self) -> date | None:
        day: date | None = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise ValidationError("The end date must be today or in the future")
        return day

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        return end_of_day(day) if day else None


class ShareForm(_EndsOnMixin, GovukFormMixin, forms.Form):
    """Step two: which sections, under which agreement, until when, and why."""

    def __init__(
        self, *args: Any, kind: int, agreements: list[SharingAgreement], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"] = _sections(kind, "Which sections do you want to share?")
        self.fields["agreement"] = _agreement_field(agreements)
        self.fields["expires_on"] = _date(
            "End date", required=False, hint=f"Optional: the share ends after this day. {DATE_HINT}"
        )
        self.fields["reason"] = _reason("Reason for sharing", hint="Recorded in the audit log")


class ReasonForm(GovukFormMixin, forms.Form):
    """Just a reason: revoking a share, refusing a request, rejecting or revoking a transfer."""

    def __init__(self, *args: Any, label: str = "Reason", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = _reason(label)


class VisibilityForm(GovukFormMixin, forms.Form):
    visibility = forms.ChoiceField(
        label="Who can find this record?",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select normal, restricted or hidden",
            "invalid_choice": "Select normal, restricted or hidden",
        },
    )
    reason = _reason("Reason for the change", hint="Recorded in the audit log")
    version = _version()


# --- Access requests, break the glass ----------------------------------------------------------


class AccessRequestForm(GovukFormMixin, forms.Form):
    def __init__(self, *args: Any, kind: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"] = _sections(kind, "Which sections does your team need?")
        self.fields["reason"] = _reason(
            "Why does your team need them?",
            hint="The owning team's managers read this when they decide. It is also audited.",
        )


class GrantRequestForm(_EndsOnMixin, GovukFormMixin, forms.Form):
    def __init__(
        self, *args: Any, kind: int, asked: int, agreements: list[SharingAgreement], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"] = _sections(
            kind, "Which of the sections asked for do you grant?", only=asked
        )
        self.fields["agreement"] = _agreement_field(agreements)
        self.fields["expires_on"] = _date(
            "End date", required=False, hint=f"Optional: access ends after this day. {DATE_HINT}"
        )
        self.fields["reason"] = _reason("Reason for granting", hint="The asker will read this")


class BreakGlassForm(GovukFormMixin, forms.Form):
    reason = _reason(
        "Why do you need to see this record now?",
        hint="The owning team is told at once, and this is recorded in the audit log.",
    )


# --- Transfers ---------------------------------------------------------------------------------


class TeamField(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name}, {obj.organisation.name}"


class TransferOfferForm(GovukFormMixin, forms.Form):
    to_team = TeamField(
        label="Which team should own this record?",
        queryset=Team.objects.none(),
        empty_label="Select a team",
        error_messages={
            "required": "Select the team to offer the record to",
            "invalid_choice": "Select an active team from the list",
        },
    )
    reason = _reason("Why should it move?", hint="The receiving team's managers read this")

    def __init__(self, *args: Any, exclude_team_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(TeamField, self.fields["to_team"])
        field.queryset = (
            Team.objects.filter(is_active=True)
            .exclude(pk=exclude_team_id)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )


class TransferAcceptForm(GovukFormMixin, forms.Form):
    consent_confirmed = forms.BooleanField(
        label="I have checked the consent and lawful basis for holding this record",
        error_messages={"required": "Confirm that you have checked consent for this record"},
    )
    reason = _reason("Notes (optional)", required=False)

    def __init__(self, *args: Any, consent_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        if consent_choices:
            self.fields["consent_status"] = forms.ChoiceField(
                label="What is the person's consent status now?",
                choices=consent_choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Select the person's consent status",
                    "invalid_choice": "Select the person's consent status",
                },
            )

"""Forms for case types, cases, premises and groups, rendered with GOV.UK components.

Forms parse and check the shape of input only. The rules (schema validity, per-type field
values, who may be linked, optimistic locking) live in ``records.services``; a service's
ValidationError is put back on the form with ``add_service_errors``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError

from roundtable.directory.forms import GovukFormMixin
from roundtable.directory.models import Organisation, Team, User
from roundtable.records.models import (
    CaseType,
    GroupKind,
    MemberRole,
    PremisesKind,
    PremisesRole,
    Rag,
)
from roundtable.sharing.models import AccessLevel, SharingAgreement
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]
DATE_HINT = "For example, 27/03/2026"
OUT_OF_DATE = "The form is out of date. Go back and try again"
CASE_SECTION_CHOICES = [
    (str(section), str(section.label)) for section in SECTIONS_BY_KIND[RecordKind.CASE]
]
UUID_IN_TEXT = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal next to the fields it names, the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        form.add_error(None, error.messages)


def _date_field(label: str, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": f"{label} must be a real date, like 27/03/2026"},
    )


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


class RecordReferenceField(forms.CharField):
    """A record's reference: its code, or its page address pasted from the browser."""

    def to_python(self, value: Any) -> UUID | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = UUID_IN_TEXT.search(text)
        if match is None:
            raise ValidationError(
                "Enter the record's reference, or paste the address of its page", code="invalid"
            )
        return UUID(match.group(0))


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


# --- Case types -------------------------------------------------------------------------------


class CaseTypeForm(GovukFormMixin, forms.Form):
    """A case type's settings; the per-type fields are a JSON list an administrator edits."""

    name = forms.CharField(
        label="Name", max_length=100, error_messages={"required": "Enter a name"}
    )
    reference_prefix = forms.CharField(
        label="Reference prefix",
        max_length=8,
        help_text="2 to 8 capital letters, used in case references such as ASB-2026-000123",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter a reference prefix"},
    )
    description = forms.CharField(label="Description", max_length=300, required=False)
    stages = forms.CharField(
        label="Workflow stages",
        help_text="One stage per line, in order. New cases start at the first.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Give at least one workflow stage"},
    )
    access_level = forms.ChoiceField(
        label="Access level", choices=AccessLevel.choices, widget=forms.RadioSelect
    )
    organisation_sections = forms.MultipleChoiceField(
        label="What colleagues in the owning organisation see without a share",
        choices=CASE_SECTION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    review_interval_days = forms.IntegerField(
        label="Review interval (days)",
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={"required": "Enter the review interval in days"},
    )
    retention_years = forms.IntegerField(
        label="Retention period (years)",
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={"required": "Enter the retention period in years"},
    )
    is_family = forms.BooleanField(
        label="Family case type",
        required=False,
        help_text=(
            "Practitioners can open a case of this type from a person's family view, with the "
            "person at its centre and chosen relatives as family members"
        ),
    )
    field_schema = forms.CharField(
        label="Fields for this case type (optional)",
        required=False,
        help_text=(
            'A JSON list, for example [{"key": "dash_risk", "label": "DASH risk level", '
            '"type": "choice", "required": true, "choices": ["Standard", "Medium", "High"]}]. '
            "It becomes version 1 of the type's form; change it later under Forms. Types: text, "
            "long_text, number, date, yes_no, choice, multi_choice, country, person_link, "
            "address, file."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean_stages(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["stages"].splitlines() if line.strip()]

    def clean_field_schema(self) -> Any:
        text = self.cleaned_data["field_schema"].strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"The fields are not valid JSON (line {error.lineno}, column {error.colno})"
            ) from None
        if not isinstance(value, list | dict):
            raise ValidationError("The fields must be a JSON list, starting with [")
        return value

    @staticmethod
    def initial_for(case_type: CaseType) -> dict[str, Any]:
        from roundtable.sharing.sections import from_mask

        return {
            "name": case_type.name,
            "reference_prefix": case_type.reference_prefix,
            "description": case_type.description,
            "stages": "\n".join(case_type.stages),
            "access_level": case_type.access_level,
            "organisation_sections": [
                str(s) for s in from_mask(case_type.organisation_sections, RecordKind.CASE)
            ],
            "review_interval_days": case_type.review_interval_days,
            "retention_years": case_type.retention_years,
            "is_family": case_type.is_family,
            "version": case_type.version,
        }


class CaseTypeEditForm(CaseTypeForm):
    """A case type's settings; its fields are changed as new versions of its form (customforms)."""

    field_schema = None  # type: ignore[assignment]
    is_active = forms.BooleanField(label="In use for new cases", required=False)
    version = _version_field()

    @staticmethod
    def initial_for(case_type: CaseType) -> dict[str, Any]:
        return {**CaseTypeForm.initial_for(case_type), "is_active": case_type.is_active}


class ShareDefaultForm(GovukFormMixin, forms.Form):
    """A default share of a type's cases: agreement, recipient (team or organisation), sections."""

    agreement = forms.ModelChoiceField(
        label="Information sharing agreement",
        queryset=SharingAgreement.objects.none(),
        error_messages={"required": "Select an agreement", "invalid_choice": "Select an agreement"},
    )
    recipient = forms.ChoiceField(
        label="Share with",
        error_messages={
            "required": "Select a team or organisation",
            "invalid_choice": "Select a team or organisation from the list",
        },
    )
    sections = forms.MultipleChoiceField(
        label="Sections to share",
        choices=CASE_SECTION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one section"},
    )

    def __init__(self, *args: Any, case_type: CaseType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agreements = SharingAgreement.objects.filter(
            partnership_id__in=[case_type.partnership_id, None]
        ).order_by("title")
        self.fields["agreement"].queryset = agreements  # type: ignore[attr-defined]
        organisations = list(
            Organisation.objects.filter(partnership_id=case_type.partnership_id).order_by("name")
        )
        teams = Team.objects.filter(organisation__in=organisations, is_active=True).select_related(
            "organisation"
        )
        choices: list[tuple[str, str]] = [("", "Select a team or organisation")]
        choices += [(f"org:{o.pk}", f"All of {o.name}") for o in organisations]
        choices += [(f"team:{t.pk}", f"{t.name}, {t.organisation.name}") for t in teams]
        self.fields["recipient"].choices = choices  # type: ignore[attr-defined]

    def recipient_objects(self) -> tuple[Team | None, Organisation | None]:
        kind, _, pk = self.cleaned_data["recipient"].partition(":")
        if kind == "team":
            return Team.objects.select_related("organisation").get(pk=pk), None
        return None, Organisation.objects.get(pk=pk)


# --- Cases ------------------------------------------------------------------------------------


class CaseForm(GovukFormMixin, forms.Form):
    """A case's title, summary, lead and review date (per-type fields: ``customforms``)."""

    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    summary = forms.CharField(
        label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    lead_practitioner = UserChoiceField(
        label="Lead practitioner",
        queryset=User.objects.none(),
        required=False,
        empty_label="No lead yet",
        error_messages={"invalid_choice": "Choose a lead practitioner from the owning team"},
    )
    review_date = _date_field("Review date")

    def __init__(self, *args: Any, leads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_practitioner"].queryset = leads  # type: ignore[attr-defined]


class CaseEditForm(CaseForm):
    version = _version_field()


class StageForm(GovukFormMixin, forms.Form):
    to_stage = forms.ChoiceField(
        label="Move the case to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a stage", "invalid_choice": "Select a stage"},
    )
    note = forms.CharField(
        label="Note", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = _version_field()

    def __init__(self, *args: Any, stages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(s, s) for s in stages]  # type: ignore[attr-defined]


class CloseForm(GovukFormMixin, forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        max_length=200,
        error_messages={"required": "Enter the outcome of the case"},
    )
    closed_on = _date_field("Date closed (leave empty for today)")
    version = _version_field()


class RagForm(GovukFormMixin, forms.Form):
    rag = forms.ChoiceField(
        label="Risk rating",
        choices=[(value or "none", label) for value, label in Rag.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a risk rating"},
    )
    note = forms.CharField(label="Reason", max_length=300, required=False)
    version = _version_field()

    def rag_value(self) -> str:
        value = self.cleaned_data["rag"]
        return "" if value == "none" else str(value)


class MemberAddForm(GovukFormMixin, forms.Form):
    profile = RecordReferenceField(
        label="Person's reference",
        help_text="The reference shown on the person's page, or the address of that page",
        error_messages={"required": "Enter the person's reference"},
    )
    role = forms.ChoiceField(
        label="Role in the case",
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role"},
    )


class RemoveForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you removing this?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason"},
    )


class LinkAddForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What are you linking?",
        choices=[("premises", "Premises"), ("group", "A group")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select premises or a group"},
    )
    reference = RecordReferenceField(
        label="Reference",
        help_text="The reference shown on the premises or group page, or its address",
        error_messages={"required": "Enter the reference"},
    )


class MyCasesFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Open and closed"), ("open", "Open"), ("closed", "Closed")],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    case_type = forms.ChoiceField(
        label="Case type", required=False, widget=forms.Select(attrs={"class": "govuk-select"})
    )

    def __init__(self, *args: Any, case_types: list[CaseType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_types = {str(t.code): t for t in case_types}
        self.fields["case_type"].choices = [("", "All case types")] + [  # type: ignore[attr-defined]
            (str(t.code), t.name) for t in case_types
        ]

    def chosen_type(self) -> CaseType | None:
        return self.case_types.get(self.cleaned_data.get("case_type") or "")


# --- Premises and groups ----------------------------------------------------------------------


class PremisesForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=160, error_messages={"required": "Enter a name"}
    )
    kind = forms.ChoiceField(
        label="Kind of premises",
        choices=PremisesKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of premises"},
    )
    line1 = forms.CharField(label="Address line 1", max_length=120, required=False)
    line2 = forms.CharField(label="Address line 2 (optional)", max_length=120, required=False)
    town = forms.CharField(label="Town or city", max_length=80, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    licence_number = forms.CharField(
        label="Licence number (optional)", max_length=40, required=False
    )
    licence_details = forms.CharField(
        label="Licence details (optional)",
        required=False,
        help_text="Hours, conditions and the designated premises supervisor",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    licence_expires_on = _date_field("Licence expires on (optional)")


class PremisesEditForm(PremisesForm):
    version = _version_field()


class PremisesLinkForm(GovukFormMixin, forms.Form):
    profile = RecordReferenceField(
        label="Person's reference",
        help_text="The reference shown on the person's page, or the address of that page",
        error_messages={"required": "Enter the person's reference"},
    )
    role = forms.ChoiceField(
        label="Role at the premises",
        choices=PremisesRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role"},
    )
    from_date = _date_field("From (optional)")
    to_date = _date_field("To (optional)")


class GroupForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=160, error_messages={"required": "Enter a name"}
    )
    kind = forms.ChoiceField(
        label="Kind of group",
        choices=GroupKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of group"},
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class GroupEditForm(GroupForm):
    version = _version_field()


class GroupMemberForm(GovukFormMixin, forms.Form):
    profile = RecordReferenceField(
        label="Person's reference",
        help_text="The reference shown on the person's page, or the address of that page",
        error_messages={"required": "Enter the person's reference"},
    )
    role = forms.CharField(
        label="Role in the group (optional)",
        max_length=60,
        required=False,
        help_text="For example, leader, member, runner",
    )
    from_date = _date_field("From (optional)")
    to_date = _date_field("To (optional)")

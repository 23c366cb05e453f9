"""Forms for people's pages: they parse and shape input; the rules live in services.profiles.

Identifiers, postcodes and registrations are checked here with the same normalisers the services
use, so a mistake is shown next to its field at once; the services check again (they are the
gate for the API too). Every edit form carries the profile's version for optimistic locking.
Forms never look records up and never decide who may use them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_countries import countries

from roundtable.directory.forms import GovukFormMixin
from roundtable.records.identifiers import FORMATS, normalise_identifier
from roundtable.records.models import (
    AddressKind,
    AliasKind,
    ConsentStatus,
    ContactKind,
    Gender,
    IdentifierKind,
    RelationshipKind,
    WarningKind,
)
from roundtable.records.validation import normalise_postcode, normalise_registration


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "records/widgets/govuk_date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = GovukDateInput

    def __init__(self, *, past_only: bool = False, future_only: bool = False, **kwargs: Any):
        self.past_only, self.future_only = past_only, future_only
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        parts = [str(part or "").strip() for part in (value or [])]
        if not any(parts):
            return None
        name = str(self.label or "The date")
        if len(parts) != 3 or not all(parts):
            raise ValidationError(f"{name} must include a day, month and year")
        day, month, year = parts
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{name} must be a real date, like 27 3 2007")
        try:
            result = date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{name} must be a real date, like 27 3 2007") from None
        today = timezone.localdate()
        if self.past_only and result > today:
            raise ValidationError(f"{name} must be today or in the past")
        if self.future_only and result < today:
            raise ValidationError(f"{name} must be today or in the future")
        return result


class ProfileFormMixin(GovukFormMixin):
    """GOV.UK classes, plus the error style on each box of a date in error."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if isinstance(field, GovukDateField):
                field.widget.attrs["error"] = True


class VersionForm(forms.Form):
    """Only the version read: for buttons that end or remove one detail."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class _VersionedForm(ProfileFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _name_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=100,
        required=required,
        error_messages={"required": f"Enter the {label.lower()}"},
    )


def _dob_field() -> GovukDateField:
    return GovukDateField(
        label="Date of birth",
        required=False,
        past_only=True,
        help_text="For example, 27 3 1985. Leave blank if not known.",
    )


class ProfileCreateForm(ProfileFormMixin, forms.Form):
    """A new person: who they are, and an identifier if one is known (to find duplicates)."""

    given_name = _name_field("First name")
    family_name = _name_field("Last name")
    preferred_name = _name_field("Preferred name (optional)", required=False)
    date_of_birth = _dob_field()
    date_of_birth_estimated = forms.BooleanField(
        label="The date of birth is an estimate", required=False
    )
    gender = forms.ChoiceField(
        label="Gender",
        choices=Gender.choices,
        initial=Gender.NOT_KNOWN,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a gender, or Not known"},
    )
    identifier_kind = forms.ChoiceField(
        label="Identifier (optional)",
        choices=[("", "None known"), *IdentifierKind.choices],
        required=False,
    )
    identifier_value = forms.CharField(label="Identifier number", max_length=40, required=False)
    confirmed_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, value = data.get("identifier_kind"), data.get("identifier_value", "")
        if kind and not value:
            self.add_error("identifier_value", "Enter the identifier number, or choose None known")
        elif value and not kind:
            self.add_error("identifier_kind", "Choose which kind of identifier this is")
        elif kind and value:
            try:
                data["identifier_value"] = normalise_identifier(kind, value)
            except ValidationError as error:
                self.add_error("identifier_value", error)
        return data

    def profile_fields(self) -> dict[str, Any]:
        names = ("given_name", "family_name", "preferred_name", "date_of_birth")
        fields = {name: self.cleaned_data[name] for name in names}
        fields["date_of_birth_estimated"] = self.cleaned_data["date_of_birth_estimated"]
        fields["gender"] = self.cleaned_data["gender"]
        return fields


class ProfileIdentityForm(_VersionedForm):
    """A person's identity details."""

    given_name = _name_field("First name")
    family_name = _name_field("Last name")
    preferred_name = _name_field("Preferred name (optional)", required=False)
    date_of_birth = _dob_field()
    date_of_birth_estimated = forms.BooleanField(
        label="The date of birth is an estimate", required=False
    )
    gender = forms.ChoiceField(
        label="Gender",
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a gender, or Not known"},
    )
    nationality = forms.ChoiceField(
        label="Nationality (optional)", choices=[("", "Not known"), *countries], required=False
    )
    languages = forms.CharField(label="Languages spoken (optional)", max_length=200, required=False)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)

    FIELDS = (
        "given_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "date_of_birth_estimated",
        "gender",
        "nationality",
        "languages",
        "interpreter_needed",
    )


class SensitiveForm(_VersionedForm):
    """Special-category data, kept in its own section."""

    ethnicity = forms.CharField(label="Ethnicity", max_length=80, required=False)
    religion = forms.CharField(label="Religion or belief", max_length=80, required=False)
    health_notes = forms.CharField(
        label="Health", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    sexuality = forms.CharField(label="Sexual orientation", max_length=80, required=False)

    FIELDS = ("ethnicity", "religion", "health_notes", "sexuality")


class ConsentForm(_VersionedForm):
    consent_status = forms.ChoiceField(
        label="Has the person consented to their information being shared?",
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the consent status"},
    )


class PhotoForm(_VersionedForm):
    photo = forms.FileField(
        label="Upload a photo",
        help_text="A JPG, PNG or WebP photo of the person.",
        error_messages={"required": "Select a photo", "empty": "The selected file is empty"},
    )


class AliasForm(_VersionedForm):
    kind = forms.ChoiceField(
        label="Kind of name",
        choices=AliasKind.choices,
        widget=forms.RadioSelect,
        initial=AliasKind.ALIAS,
        error_messages={"required": "Choose alias, nickname or previous name"},
    )
    given_name = _name_field("First name", required=False)
    family_name = _name_field("Last name", required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("given_name") or data.get("family_name")):
            self.add_error("family_name", "Enter the other name: a first name, a last name or both")
        return data


class IdentifierForm(_VersionedForm):
    kind = forms.ChoiceField(
        label="Kind of identifier",
        choices=IdentifierKind.choices,
        error_messages={"required": "Choose the kind of identifier"},
    )
    value = forms.CharField(
        label="Number",
        max_length=40,
        help_text="Examples: "
        + "; ".join(f"{IdentifierKind(kind).label} {fmt.example}" for kind, fmt in FORMATS.items()),
        error_messages={"required": "Enter the identifier number"},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") and data.get("value"):
            try:
                data["value"] = normalise_identifier(data["kind"], data["value"])
            except ValidationError as error:
                self.add_error("value", error)
        return data


class AddressForm(_VersionedForm):
    kind = forms.ChoiceField(
        label="Kind of address",
        choices=AddressKind.choices,
        widget=forms.RadioSelect,
        initial=AddressKind.HOME,
        error_messages={"required": "Choose home, temporary or no fixed abode"},
    )
    line1 = forms.CharField(label="Address line 1", max_length=120, required=False)
    line2 = forms.CharField(label="Address line 2 (optional)", max_length=120, required=False)
    town = forms.CharField(label="Town or city", max_length=80, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    from_date = GovukDateField(
        label="Date they moved in",
        required=False,
        past_only=True,
        help_text="Leave blank for today. For example, 27 3 2024.",
    )

    def clean_postcode(self) -> str:
        value = str(self.cleaned_data.get("postcode", ""))
        return normalise_postcode(value) if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") != AddressKind.NO_FIXED_ABODE and not data.get("line1"):
            self.add_error("line1", "Enter the first line of the address, or choose No fixed abode")
        return data


class ContactForm(_VersionedForm):
    kind = forms.ChoiceField(
        label="Kind",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose phone or email"},
    )
    value = forms.CharField(
        label="Phone number or email address",
        max_length=254,
        error_messages={"required": "Enter the phone number or email address"},
    )
    label = forms.CharField(
        label="Label (optional)",
        max_length=60,
        required=False,
        help_text="For example, mobile or work.",
    )
    safe_to_contact = forms.BooleanField(
        label="Safe to contact on this", required=False, initial=True
    )


class VehicleForm(_VersionedForm):
    registration = forms.CharField(
        label="Registration",
        max_length=12,
        help_text="For example, AB51 ABC.",
        error_messages={"required": "Enter the vehicle registration"},
    )
    description = forms.CharField(
        label="Make, model and colour (optional)", max_length=120, required=False
    )

    def clean_registration(self) -> str:
        return normalise_registration(str(self.cleaned_data["registration"]))


class WarningForm(_VersionedForm):
    kind = forms.ChoiceField(
        label="Kind of warning",
        choices=WarningKind.choices,
        error_messages={"required": "Choose the kind of warning"},
    )
    notes = forms.CharField(
        label="Details (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_date = GovukDateField(
        label="Review date",
        future_only=True,
        help_text="The date this warning must be reviewed by. For example, 27 3 2027.",
        error_messages={"required": "Enter the date this warning must be reviewed by"},
    )


class WarningReviewForm(_VersionedForm):
    notes = forms.CharField(
        label="Details (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_date = GovukDateField(
        label="Next review date",
        future_only=True,
        error_messages={"required": "Enter the date this warning must next be reviewed by"},
    )


class RelationshipForm(_VersionedForm):
    other = forms.UUIDField(
        label="The other person's Roundtable reference",
        help_text="Find the person with search and copy the reference from their record.",
        error_messages={
            "required": "Enter the other person's reference",
            "invalid": "Enter a reference exactly as shown on the person's record",
        },
    )
    kind = forms.ChoiceField(
        label="This person is the other person's (for example, parent of)",
        choices=RelationshipKind.choices,
        error_messages={"required": "Choose the kind of relationship"},
    )
    notes = forms.CharField(label="Notes (optional)", max_length=200, required=False)

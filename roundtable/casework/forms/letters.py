"""Forms for letter templates, generating a letter and recording that it was served.

Shape only: merge fields are checked by ``casework.services.letters`` when a template is saved,
and the rules for generating and serving live there too.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.casework.models import LetterFormat, LetterPurpose, LetterTemplate, ServiceMethod
from roundtable.directory.forms import GovukFormMixin
from roundtable.records.forms.cases import DATE_FORMATS, DATE_HINT

OUT_OF_DATE = _("The form is out of date. Go back and try again")


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


class LetterTemplateForm(GovukFormMixin, forms.Form):
    """A letter template's settings and wording."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={"required": _("Enter a name for the template")},
    )
    purpose = forms.ChoiceField(
        label=_("What the letter is for"),
        choices=LetterPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the letter is for")},
    )
    output_format = forms.ChoiceField(
        label=_("Produce the letter as"),
        choices=LetterFormat.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Choose Word for letters to people whose names are written in a script other than "
            "the Latin alphabet: PDF letters show only Western European letters."
        ),
        error_messages={"required": _("Choose PDF or Word")},
    )
    subject = forms.CharField(
        label=_("Subject line (optional)"),
        required=False,
        max_length=200,
        help_text=_("Shown in bold above the body. It may use merge fields."),
    )
    body = forms.CharField(
        label=_("Body"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Leave a blank line between paragraphs. Use merge fields from the list below, "
            "like {{ person.full_name }}."
        ),
        error_messages={"required": _("Enter the body of the letter")},
    )


class LetterTemplateEditForm(LetterTemplateForm):
    """A template's settings, whether it is in use, at the version the form was read."""

    is_active = forms.BooleanField(
        label=_("Offer this template when generating letters"), required=False
    )
    version = _version_field()

    @staticmethod
    def initial_for(template: LetterTemplate) -> dict[str, Any]:
        fields = ("name", "purpose", "output_format", "subject", "body", "is_active", "version")
        return {name: getattr(template, name) for name in fields}


class LetterGenerateForm(GovukFormMixin, forms.Form):
    """Which letter, for which person in the case."""

    template = forms.ModelChoiceField(
        label=_("Letter"),
        queryset=LetterTemplate.objects.none(),
        widget=forms.RadioSelect,
        to_field_name="code",
        error_messages={
            "required": _("Choose a letter"),
            "invalid_choice": _("Choose one of the letters listed"),
        },
    )
    person = forms.ChoiceField(
        label=_("Person"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the person the letter is for"),
            "invalid_choice": _("Choose one of the people listed"),
        },
    )

    def __init__(
        self,
        *args: Any,
        templates: Any,
        people: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["template"].label_from_instance = lambda obj: (  # type: ignore[attr-defined]
            f"{obj.name} ({obj.get_output_format_display()})"
        )
        self.fields["person"].choices = people  # type: ignore[attr-defined]


class LetterServedForm(GovukFormMixin, forms.Form):
    """When and how the letter was served."""

    served_on = forms.DateField(
        label=_("Date served"),
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": _("Enter the date the letter was served"),
            "invalid": _("The date served must be a real date, like 27/03/2026"),
        },
    )
    served_time = forms.TimeField(
        label=_("Time served"),
        input_formats=["%H:%M", "%H.%M"],
        help_text=_("Use the 24-hour clock, for example 14:30"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter the time the letter was served"),
            "invalid": _("The time served must be a real time, like 14:30"),
        },
    )
    served_how = forms.ChoiceField(
        label=_("How was it served?"),
        choices=ServiceMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the letter was served")},
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=300,
        help_text=_("For example: served at the front door, witnessed by PC Example."),
    )
    version = _version_field()

    def served_at(self) -> datetime:
        """The date and time served, in the local time zone."""
        served_on = self.cleaned_data["served_on"]
        served_time: time = self.cleaned_data["served_time"]
        return timezone.make_aware(datetime.combine(served_on, served_time))

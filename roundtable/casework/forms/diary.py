"""Forms for the diary and the case timeline: they parse input; the rules live in services.

The time something happened is typed as a GOV.UK date (day, month, year) and a time ("14:30",
"9.05", "2:30pm"); the form joins them in the partnership's time zone. The services check again
(an entry may not be in the future, a reason is required): a form is never the only gate.
Choices that depend on the viewer (sections they may write in, people they may name, the kinds
of timeline item registered) are passed in by the view; forms never look records up.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.casework.models import DiaryEntryType
from roundtable.casework.models.diary import BODY_MAX_LENGTH, REASON_MAX_LENGTH
from roundtable.records.forms.profiles import GovukDateField, ProfileFormMixin

if TYPE_CHECKING:  # a typing helper of django-stubs, which is a development dependency only
    from django_stubs_ext import StrOrPromise

TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
TIME_MESSAGE = _("Enter the time it happened, like 14:30 or 2:30pm")
OUT_OF_DATE = _("The form is out of date. Go back and try again")


def parse_time(text: str) -> time | None:
    """'14:30', '14.30', '9', '2:30pm', '12am' -> a time; None when it is not one."""
    match = TIME_PATTERN.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def joined(day: date, moment: time) -> datetime:
    """A date and a wall-clock time in the current time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, moment))


class TimeField(forms.Field):
    """A time of day typed as text; cleans to a ``datetime.time``."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> time | None:
        text = str(value or "").strip()
        if not text:
            return None
        parsed = parse_time(text)
        if parsed is None:
            raise ValidationError(TIME_MESSAGE, code="invalid")
        return parsed


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


def _reason_field(
    label: StrOrPromise, hint: StrOrPromise, required: StrOrPromise
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required},
    )


def _clean_when(form: forms.Form) -> None:
    """Join the date and time something happened into ``cleaned_data['occurred_at']``."""
    day, moment = form.cleaned_data.get("occurred_on"), form.cleaned_data.get("occurred_time")
    if day is None or moment is None:
        return
    occurred_at = joined(day, moment)
    # The service allows a few minutes' clock drift; the form says so plainly.
    if occurred_at > timezone.now() + timedelta(minutes=5):
        form.add_error("occurred_time", _("The time it happened cannot be in the future"))
        return
    form.cleaned_data["occurred_at"] = occurred_at


def _type_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("What kind of entry is it?"),
        choices=DiaryEntryType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of entry this is")},
    )


def _date_field() -> GovukDateField:
    return GovukDateField(
        label=_("Date it happened"),
        help_text=_("For example, 27 3 2026"),
        past_only=True,
        error_messages={"required": _("Enter the date it happened")},
    )


def _time_field() -> TimeField:
    return TimeField(
        label=_("Time it happened"),
        help_text=_("Use the 24-hour clock, for example 14:30, or write 2:30pm"),
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-5", "autocomplete": "off", "maxlength": "10"}
        ),
        error_messages={"required": _("Enter the time it happened")},
    )


def _body_field() -> forms.CharField:
    return forms.CharField(
        label=_("What happened"),
        help_text=_(
            "Write it as you would for a colleague in another agency: facts, who was there, "
            "what was said and done, and what happens next."
        ),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter what happened")},
    )


class DiaryEntryForm(ProfileFormMixin, forms.Form):
    """A new diary entry: its type, when it happened, what happened, its section and people."""

    entry_type = _type_field()
    occurred_on = _date_field()
    occurred_time = _time_field()
    body = _body_field()
    section = forms.ChoiceField(
        label=_("Who can see this entry"),
        help_text=_(
            "An entry is shared exactly as the section of the record it is filed in. Most "
            "entries belong in the diary."
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the section the entry belongs to")},
    )
    linked_profiles = forms.MultipleChoiceField(
        label=_("People this entry is about (optional)"),
        help_text=_("Only people already linked to this record whom you can see are listed."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        sections: list[tuple[str, str]],
        people: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections  # type: ignore[attr-defined]
        self.fields["linked_profiles"].choices = people  # type: ignore[attr-defined]
        if not people:
            del self.fields["linked_profiles"]
        if len(sections) == 1:
            self.fields["section"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        super().clean()
        _clean_when(self)
        return self.cleaned_data


class DiaryCorrectForm(ProfileFormMixin, forms.Form):
    """A correction: the entry's new type, time or text, and why it was wrong."""

    version = _version_field()
    entry_type = _type_field()
    occurred_on = _date_field()
    occurred_time = _time_field()
    body = _body_field()
    reason = _reason_field(
        _("Why are you correcting it?"),
        _("Everyone who can see the entry can read the earlier version and your reason."),
        _("Give a reason for the correction"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        _clean_when(self)
        return self.cleaned_data


class DiaryRetractForm(ProfileFormMixin, forms.Form):
    """A retraction: only why."""

    version = _version_field()
    reason = _reason_field(
        _("Why are you retracting this entry?"),
        _(
            "For example: recorded on the wrong person. The entry stays on the record, struck "
            "through, with your name and reason."
        ),
        _("Give a reason for retracting the entry"),
    )


class DiaryFilterForm(ProfileFormMixin, forms.Form):
    """Which types of entry a diary page lists."""

    types = forms.MultipleChoiceField(
        label=_("Type of entry"),
        choices=DiaryEntryType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TimelineFilterForm(ProfileFormMixin, forms.Form):
    """Which kinds of item, and which days, a case timeline shows."""

    kinds = forms.MultipleChoiceField(
        label=_("Show"), required=False, widget=forms.CheckboxSelectMultiple
    )
    date_from = GovukDateField(label=_("From"), required=False)
    date_to = GovukDateField(label=_("To"), required=False)

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = kinds  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to", _("The 'to' date must be the same as or after the 'from' date")
            )
        return self.cleaned_data

    def window(self) -> tuple[datetime | None, datetime | None]:
        """(since, until): since inclusive, until exclusive, covering whole local days."""
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        since = joined(start, time()) if start else None
        until = joined(end + timedelta(days=1), time()) if end else None
        return since, until

"""Forms for offences, harm models, rankings and patterns: they parse input; the rules live in
services. Choices that depend on the viewer (categories, premises, agencies, model windows) are
passed in by the view; forms never look records up. The services check everything again.
"""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.casework.forms.diary import TimeField, joined
from roundtable.records.forms.profiles import GovukDateField, ProfileFormMixin
from roundtable.risk.models import Disposal, HarmModelKind, OffenceRole, OverrideAction
from roundtable.risk.models.offences import REASON_MAX_LENGTH
from roundtable.risk.models.rankings import MAX_PLACES

OUT_OF_DATE = _("The form is out of date. Go back and try again")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


def reason_field(label: Any, hint: Any, required: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required},
    )


def checkbox(label: Any, hint: Any = "") -> forms.BooleanField:
    return forms.BooleanField(
        label=label,
        help_text=hint,
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )


class OffenceForm(ProfileFormMixin, forms.Form):
    """An offence: category, role, when, outcome, where, and which agency it came from."""

    version = version_field()
    category = forms.ChoiceField(
        label=_("Offence category"),
        error_messages={
            "required": _("Choose the offence category"),
            "invalid_choice": _(
                "Choose an offence category from the list: the one sent is not in the offence "
                "classification, or is no longer in use"
            ),
        },
    )
    role = forms.ChoiceField(
        label=_("The person's role"),
        choices=OffenceRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the person's role in the offence")},
    )
    occurred_on = GovukDateField(
        label=_("Date of the offence"),
        help_text=_("For example, 27 3 2026"),
        past_only=True,
        error_messages={"required": _("Enter the date of the offence")},
    )
    occurred_time = TimeField(
        label=_("Time of the offence (optional)"),
        help_text=_("Use the 24-hour clock, for example 14:30. Leave it empty if it is not known."),
        required=False,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-5", "autocomplete": "off", "maxlength": "10"}
        ),
    )
    disposal = forms.ChoiceField(
        label=_("Outcome or disposal"),
        choices=Disposal.choices,
        error_messages={"required": _("Choose the outcome or disposal")},
    )
    outcome_notes = forms.CharField(
        label=_("Outcome notes (optional)"), max_length=300, required=False
    )
    premises = forms.ChoiceField(label=_("Premises (optional)"), required=False)
    postcode = forms.CharField(
        label=_("Postcode (optional)"),
        help_text=_("Where it happened. Left empty, the premises' postcode is used."),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    source_organisation = forms.ChoiceField(
        label=_("Source agency"),
        help_text=_("The agency whose records this offence comes from."),
        error_messages={"required": _("Choose the source agency")},
    )
    source_reference = forms.CharField(
        label=_("Source reference (optional)"),
        help_text=_("The agency's own reference, such as a crime number."),
        max_length=40,
        required=False,
    )
    proactive = checkbox(
        _("Detected proactively (for example by stop and search), not reported"),
    )

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, list[tuple[str, str]]]],
        premises: list[tuple[str, str]],
        organisations: list[tuple[str, str]],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category")), *categories]  # type: ignore[attr-defined]
        self.fields["premises"].choices = [("", _("None")), *premises]  # type: ignore[attr-defined]
        self.fields["source_organisation"].choices = [("", ""), *organisations]  # type: ignore[attr-defined]
        if not editing:
            del self.fields["version"]
        if not premises:
            del self.fields["premises"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        day = self.cleaned_data.get("occurred_on")
        if day is not None:
            moment = self.cleaned_data.get("occurred_time")
            occurred_at = joined(day, moment or time(0, 0))
            if occurred_at > timezone.now() + timedelta(minutes=5):
                self.add_error(
                    "occurred_time", _("The time of the offence cannot be in the future")
                )
            else:
                self.cleaned_data["occurred_at"] = occurred_at
                self.cleaned_data["time_known"] = moment is not None
        return self.cleaned_data


class OffenceRemoveForm(ProfileFormMixin, forms.Form):
    """Why an offence is removed."""

    version = version_field()
    reason = reason_field(
        _("Why are you removing this offence?"),
        _(
            "For example: recorded on the wrong person. It stays on record with your name and "
            "reason, and no longer counts in any score, ranking or chart."
        ),
        _("Give a reason for removing the offence"),
    )


class ScoreChoiceForm(forms.Form):
    """Which model version and window a person's score page shows (from the query string)."""

    model = forms.ChoiceField(required=False)
    window = forms.TypedChoiceField(coerce=int, required=False)


class RankingForm(ProfileFormMixin, forms.Form):
    """Which model kind, window and length a ranking page shows."""

    kind = forms.ChoiceField(label=_("Harm model"), choices=HarmModelKind.choices, required=False)
    window = forms.TypedChoiceField(label=_("Rolling window"), coerce=int, required=False)
    limit = forms.TypedChoiceField(
        label=_("How many people"),
        coerce=int,
        choices=[(10, "10"), (20, "20"), (50, "50"), (100, "100")],
        required=False,
    )

    def __init__(self, *args: Any, windows: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = [(days, window_label(days)) for days in windows]  # type: ignore[attr-defined]


def window_label(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return str(_("%(n)s year") if years == 1 else _("%(n)s years")) % {"n": years}
    return str(_("%(n)s days")) % {"n": days}


class OverrideForm(ProfileFormMixin, forms.Form):
    """Set a person's place in a ranking by hand, and why."""

    action = forms.ChoiceField(
        label=_("What should happen to this person's place?"),
        choices=OverrideAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what to do with the person's place")},
    )
    places = forms.IntegerField(
        label=_("By how many places (to raise or lower)"),
        min_value=1,
        max_value=MAX_PLACES,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    reason = reason_field(
        _("Why?"),
        _(
            "Everyone who sees this ranking and this person's offending reads your reason. The "
            "score is advisory: say what you know that it does not."
        ),
        _("Give the reason for overriding the ranking"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        action = self.cleaned_data.get("action")
        if action in (OverrideAction.RAISE, OverrideAction.LOWER):
            if not self.cleaned_data.get("places"):
                self.add_error("places", _("Give the number of places"))
        else:
            self.cleaned_data["places"] = 0
        return self.cleaned_data


class OverrideEndForm(ProfileFormMixin, forms.Form):
    """Why an override ends."""

    reason = reason_field(
        _("Why are you ending this override?"),
        _("The person goes back to the place their score gives them."),
        _("Give the reason for ending the override"),
    )


class PatternForm(forms.Form):
    """How many months a pattern covers."""

    months = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        choices=[(12, _("12 months")), (24, _("24 months")), (36, _("36 months"))],
        required=False,
    )


class CategoryForm(ProfileFormMixin, forms.Form):
    """A new offence category."""

    code = forms.CharField(
        label=_("Code"),
        help_text=_(
            "Letters, digits, dots, dashes, slashes or underscores, up to 20. It cannot "
            "be changed later: harm weights and imports use it."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": _("Enter the category's code")},
    )
    name = forms.CharField(
        label=_("Name"), max_length=160, error_messages={"required": _("Enter the category's name")}
    )
    group = forms.CharField(
        label=_("Group"),
        help_text=_("For example, Violence against the person"),
        max_length=80,
        error_messages={"required": _("Enter the group the category belongs to")},
    )


class CategoryEditForm(ProfileFormMixin, forms.Form):
    """Rename, regroup or retire a category."""

    version = version_field()
    name = CategoryForm.base_fields["name"]
    group = CategoryForm.base_fields["group"]
    is_active = checkbox(_("In use for new offences"))


class CsvFileInput(forms.FileInput):
    """A file input for a CSV table."""

    def __init__(self) -> None:
        super().__init__(attrs={"class": "govuk-file-upload", "accept": ".csv,text/csv,text/plain"})


def parse_bands(text: str) -> list[tuple[int, Decimal]]:
    """'3:1, 6:0.75, 12:0.5' -> [(3, 1), (6, 0.75), (12, 0.5)]; ValidationError when unreadable."""
    bands: list[tuple[int, Decimal]] = []
    for part in [piece.strip() for piece in text.replace(";", ",").split(",") if piece.strip()]:
        months, sep, factor = part.partition(":")
        try:
            if not sep:
                raise ValueError
            bands.append((int(months.strip()), Decimal(factor.strip())))
        except (ValueError, InvalidOperation):
            raise ValidationError(
                _("Write each band as months:factor, for example 3:1, 6:0.75, 12:0.5")
            ) from None
    return bands


def parse_windows(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        raise ValidationError(
            _("Give each window as a number of days, for example 365, 730")
        ) from None


class HarmModelForm(ProfileFormMixin, forms.Form):
    """A new version of a model: its settings and its weights (typed, pasted or uploaded)."""

    name = forms.CharField(label=_("Name of this version"), max_length=120)
    description = forms.CharField(
        label=_("Description and source"),
        help_text=_("Where the weights come from and anything a reader of a score should know."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recency_bands = forms.CharField(
        label=_("Recency bands"),
        help_text=_(
            "months:factor, youngest first. '3:1, 6:0.75, 12:0.5, 24:0.25' means offences under "
            "3 months old weigh 1, 3 to 6 months 0.75, and so on; older ones do not count."
        ),
        required=False,
    )
    counted_roles = forms.MultipleChoiceField(
        label=_("Whose offences count"),
        choices=OffenceRole.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role whose offences count")},
    )
    exclude_proactive = checkbox(
        _("Leave out proactively detected offences"),
        _("The Crime Harm Index leaves them out: they measure police activity, not harm."),
    )
    windows = forms.CharField(
        label=_("Rolling windows (days)"),
        help_text=_("Up to 4, for example 365, 730. Rankings can use each of them."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    gravity_from_chi = checkbox(
        _("Use the Crime Harm Index days in use as the gravity of each category"),
    )
    weights = forms.CharField(
        label=_("Weights"),
        help_text=_(
            "One line per category: code, weight (CHI: days; RFG: gravity). A header row is "
            "allowed. Or upload the table as a CSV file below."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    weights_file = forms.FileField(
        label=_("Or upload the table (CSV)"),
        required=False,
        widget=CsvFileInput(),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == HarmModelKind.CHI:
            del self.fields["recency_bands"]
            del self.fields["gravity_from_chi"]

    def clean_recency_bands(self) -> list[tuple[int, Decimal]]:
        return parse_bands(self.cleaned_data.get("recency_bands", ""))

    def clean_windows(self) -> list[int]:
        return parse_windows(self.cleaned_data.get("windows", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        upload = self.cleaned_data.get("weights_file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                self.add_error("weights_file", _("The file must be smaller than 2 MB"))
                return self.cleaned_data
            try:
                self.cleaned_data["weights"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("weights_file", _("The file must be a CSV file in UTF-8"))
        if (
            not self.cleaned_data.get("gravity_from_chi")
            and not (self.cleaned_data.get("weights") or "").strip()
        ):
            self.add_error("weights", _("Give the weights, or upload them as a CSV file"))
        return self.cleaned_data

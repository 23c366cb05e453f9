"""Forms for enforcement actions and the partnership's enforcement settings (GOV.UK components).

Forms parse and check the shape of input only. The rules (which powers suit which target, the
statutory periods, ages, dates, the partnership's figures, optimistic locking) live in
``casework.services.enforcement``; a service's refusal is put back on the form with
``add_service_errors`` under the same field names.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.casework.models import BreachResponse, EnforcementSettings
from roundtable.casework.powers import (
    FOR_PERSON,
    FOR_PREMISES,
    EnforcementKind,
    EnforcementStatus,
)
from roundtable.casework.services.enforcement import KIND_FIELDS, TIMED
from roundtable.directory.forms import GovukFormMixin
from roundtable.directory.models import Organisation, Team, User
from roundtable.records.forms.cases import DATE_FORMATS, DATE_HINT, OUT_OF_DATE, UserChoiceField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

K = EnforcementKind


def date_field(
    label: StrOrPromise, *, required: bool = False, hint: StrOrPromise = DATE_HINT
) -> forms.DateField:
    """A GOV.UK text input for a date, accepting 27/03/2026 or 2026-03-27."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=hint,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "invalid": _("%(label)s must be a real date, like 27/03/2026") % {"label": label},
            "required": _("Enter the %(label)s") % {"label": str(label).lower()},
        },
    )


def time_field(label: StrOrPromise) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text=_("24-hour clock, for example 21:30"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"invalid": _("Enter a time like 21:30")},
    )


def version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


def text_area(label: StrOrPromise, *, hint: StrOrPromise = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=5000,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def whole_number(
    label: StrOrPromise, *, low: int, high: int, hint: StrOrPromise = ""
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        help_text=hint,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "invalid": _("Enter a whole number"),
            "min_value": _("Enter a number from %(low)s to %(high)s") % {"low": low, "high": high},
            "max_value": _("Enter a number from %(low)s to %(high)s") % {"low": low, "high": high},
        },
    )


def money(label: StrOrPromise, *, hint: StrOrPromise = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("10000"),
        decimal_places=2,
        help_text=hint,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter an amount in pounds, like 100 or 75.50"),
            "min_value": _("The amount must be more than £0"),
            "max_value": _("The amount must be £10,000 or less"),
            "max_decimal_places": _("Enter pounds and pence only, like 75.50"),
        },
    )


def conditions_label(kind: str) -> str:
    labels: dict[str, StrOrPromise] = {
        K.ABC: _("Terms of the contract"),
        K.CPW: _("Other conditions (optional)"),
        K.CPN: _("Requirements of the notice"),
        K.CIVIL_INJUNCTION: _("Terms (prohibitions)"),
        K.CBO: _("Terms (prohibitions)"),
        K.DISPERSAL: _("Area and direction given (optional)"),
        K.CLOSURE_NOTICE: _("What the notice prohibits (optional)"),
        K.CLOSURE_ORDER: _("What the order prohibits (optional)"),
    }
    return str(labels.get(kind, _("What must stop (optional)")))


def kind_field(kind: str, name: str, settings: EnforcementSettings) -> forms.Field:
    """The form field for one of a power's details."""
    if name == "conditions":
        return text_area(conditions_label(kind))
    if name == "expires_on":
        hint = (
            _("Leave empty for an order until further order. For example, 27/03/2028")
            if kind == K.CBO
            else _("Leave empty if it has no end date. For example, 27/03/2026")
        )
        return date_field(_("Expiry date"), hint=str(hint))
    simple: dict[str, forms.Field] = {
        "review_on": date_field(_("Review date")),
        "problem": text_area(_("The problem")),
        "required_change": text_area(_("The change required")),
        "deadline": date_field(_("Deadline for the change")),
        "consequence": text_area(
            _("Consequence of not complying (optional)"),
            hint=_("For example, that a community protection notice may follow"),
        ),
        "court": forms.CharField(label=_("Court"), required=False, max_length=160),
        "hearing_on": date_field(_("Hearing date (optional)")),
        "positive_requirements": text_area(_("Positive requirements (optional)")),
        "authorised_by": forms.CharField(
            label=_("Authorised by"),
            required=False,
            max_length=160,
            help_text=_("The inspector (or above) who authorised dispersal, with their rank"),
        ),
        "fixed_penalty_amount": money(
            _("Fixed penalty (£)"),
            hint=_("Your partnership's figure is £%(amount)s")
            % {"amount": settings.fixed_penalty_amount},
        ),
        "fixed_penalty_early_amount": money(
            _("Fixed penalty paid early (£)"),
            hint=_("Your partnership's figure is £%(amount)s")
            % {"amount": settings.fixed_penalty_early_amount},
        ),
        "fixed_penalty_early_days": whole_number(_("Days to pay early"), low=1, high=90),
    }
    if name == "period_months":
        if kind == K.CLOSURE_ORDER:
            return whole_number(
                _("Period (months)"), low=1, high=6, hint=_("3 months at most, extendable to 6")
            )
        return whole_number(
            _("Period (months)"),
            low=1,
            high=60,
            hint=_("Your partnership's period is %(months)s months")
            % {"months": settings.cpn_months},
        )
    if name == "duration_hours":
        return whole_number(_("How long (hours)"), low=1, high=48, hint=_("48 hours at most"))
    return simple[name]


def govuk_classes(form: forms.Form) -> None:
    """Give fields added after GovukFormMixin.__init__ ran the GOV.UK class of their widget."""
    for field in form.fields.values():
        css = GovukFormMixin.WIDGET_CLASSES.get(type(field.widget).__name__.lower())
        current = field.widget.attrs.get("class", "")
        if css and css not in current.split():
            field.widget.attrs["class"] = f"{css} {current}".strip()


class KindForm(GovukFormMixin, forms.Form):
    """Step one of adding an action: which power."""

    kind = forms.ChoiceField(
        label=_("Which enforcement action?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an enforcement action")},
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class DetailsForm(GovukFormMixin, forms.Form):
    """A power's own details; the add and change forms build on it."""

    def __init__(self, *args: Any, kind: str, settings: EnforcementSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in KIND_FIELDS[kind]:
            self.fields[name] = kind_field(kind, name, settings)
        govuk_classes(self)

    def details(self) -> dict[str, Any]:
        """The power's details from a valid form, keyed as the services expect."""
        return {name: self.cleaned_data.get(name) for name in KIND_FIELDS[self.kind]}


def combine(day: date | None, moment: time | None) -> datetime | None:
    """A date and a time of day as an aware datetime in the installation's time zone."""
    if day is None or moment is None:
        return None
    return timezone.make_aware(datetime.combine(day, moment))


class TargetChoiceField(forms.ChoiceField):
    """The person or premises an action is about: "person:<id>" or "premises:<id>"."""


class AddForm(DetailsForm):
    """A new action: target, issuer, when served (leave empty to propose it), and its details."""

    field_order = ["target", "issuing_organisation", "issuing_team", "officer", "served_on"]

    def __init__(
        self,
        *args: Any,
        kind: str,
        settings: EnforcementSettings,
        targets: list[tuple[str, str]],
        organisations: Any,
        teams: Any,
        officers: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, kind=kind, settings=settings, **kwargs)
        self.fields["target"] = TargetChoiceField(
            label=_("Who or what is it about?"),
            choices=targets,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose the person or premises"),
                "invalid_choice": _("Choose a person or premises of this case"),
            },
        )
        self.fields["issuing_organisation"] = forms.ModelChoiceField(
            label=_("Issuing agency"),
            queryset=organisations,
            error_messages={
                "required": _("Choose the issuing agency"),
                "invalid_choice": _("Choose an agency from the list"),
            },
        )
        self.fields["issuing_team"] = forms.ModelChoiceField(
            label=_("Issuing team (optional)"),
            queryset=teams,
            required=False,
            error_messages={"invalid_choice": _("Choose a team from the list")},
        )
        self.fields["officer"] = UserChoiceField(
            label=_("Officer (optional)"),
            queryset=officers,
            required=False,
            empty_label=str(_("Not recorded")),
            error_messages={"invalid_choice": _("Choose an officer from the list")},
        )
        timed = kind in TIMED
        self.fields["served_on"] = date_field(
            _("Date served"),
            hint=str(
                _("Leave empty to record it as proposed. For example, 27/03/2026")
                if not timed
                else _("Leave the date and time empty to record it as proposed")
            ),
        )
        if timed:
            self.fields["served_time"] = time_field(_("Time served"))
        govuk_classes(self)
        self.order_fields(
            [
                "target",
                "issuing_organisation",
                "issuing_team",
                "officer",
                "served_on",
                "served_time",
            ]
        )

    def target_ids(self) -> tuple[int | None, int | None]:
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        return (int(pk), None) if kind == "person" else (None, int(pk))

    def served(self) -> tuple[date | None, datetime | None]:
        """(served_on, served_at) for the service: a timed power takes the date and the time."""
        day = self.cleaned_data.get("served_on")
        if self.kind in TIMED:
            moment = combine(day, self.cleaned_data.get("served_time"))
            return None, moment
        return day, None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.kind in TIMED and bool(data.get("served_on")) != bool(data.get("served_time")):
            self.add_error("served_on", _("Enter both the date and the time it was served"))
        return data


class ChangeForm(DetailsForm):
    """A change to a proposed action, or a variation of one in force (with a reason)."""

    version = version_field()

    def __init__(self, *args: Any, varying: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if varying:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the variation"),
                max_length=300,
                help_text=_("For example, varied by the court on appeal"),
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": _("Give the reason for the variation")},
            )
            govuk_classes(self)


class ServeForm(GovukFormMixin, forms.Form):
    """When a proposed action was served."""

    served_on = date_field(_("Date served"), required=True)
    version = version_field()

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind in TIMED:
            self.fields["served_time"] = time_field(_("Time served"))
            self.fields["served_time"].required = True
            self.fields["served_time"].error_messages["required"] = _("Enter the time served")
            self.order_fields(["served_on", "served_time", "version"])
            govuk_classes(self)

    def served(self) -> tuple[date | None, datetime | None]:
        day = self.cleaned_data["served_on"]
        if self.kind in TIMED:
            return None, combine(day, self.cleaned_data["served_time"])
        return day, None


class BreachForm(GovukFormMixin, forms.Form):
    """A breach of an action in force and what was done about it."""

    occurred_on = date_field(_("Date of the breach"), required=True)
    description = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe the breach")},
    )
    reported_by = forms.CharField(
        label=_("Reported by"),
        max_length=160,
        help_text=_("For example, a neighbour, a PCSO on patrol, the housing officer"),
        error_messages={"required": _("Say who reported the breach")},
    )
    response = forms.ChoiceField(
        label=_("What was done about it?"),
        choices=BreachResponse.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what was done about the breach")},
    )
    response_notes = text_area(_("Notes on what was done (optional)"), rows=3)
    version = version_field()


class EndForm(GovukFormMixin, forms.Form):
    """Discharge an action in force, or withdraw one."""

    status = forms.ChoiceField(
        label=_("How did it end?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose discharged or withdrawn")},
    )
    ended_on = date_field(_("Date (optional)"), hint=str(_("Leave empty for today")))
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the outcome")},
    )
    version = version_field()

    def __init__(self, *args: Any, in_force: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(EnforcementStatus.WITHDRAWN.value, str(_("Withdrawn")))]
        if in_force:
            choices.insert(
                0, (EnforcementStatus.DISCHARGED.value, str(_("Discharged (ended early)")))
            )
        self.fields["status"].choices = choices  # type: ignore[attr-defined]


class EnforcementSettingsForm(GovukFormMixin, forms.Form):
    """A partnership's enforcement figures."""

    cpw_months = whole_number(
        _("Community protection warning lasts (months)"),
        low=1,
        high=24,
        hint=_("6 months is common practice"),
    )
    cpn_months = whole_number(
        _("Community protection notice lasts (months)"),
        low=1,
        high=60,
        hint=_("12 months is common practice"),
    )
    fixed_penalty_amount = money(_("Fixed penalty for breaching a CPN (£)"), hint=_("Often £100"))
    fixed_penalty_early_amount = money(
        _("Fixed penalty paid early (£)"), hint=_("Often £75 if paid within 10 days")
    )
    fixed_penalty_early_days = whole_number(_("Days to pay early"), low=1, high=90)
    attention_lead_days = whole_number(
        _("Raise a task this many days before an expiry or review"), low=1, high=90
    )
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = True
                field.error_messages["required"] = _("Enter a value")

    @staticmethod
    def initial_for(row: EnforcementSettings) -> dict[str, Any]:
        names = (
            "cpw_months",
            "cpn_months",
            "fixed_penalty_amount",
            "fixed_penalty_early_amount",
            "fixed_penalty_early_days",
            "attention_lead_days",
            "version",
        )
        return {name: getattr(row, name) for name in names}


def kinds_for(*, people: bool, premises: bool) -> list[tuple[str, str]]:
    """The powers that suit what the case has (people, premises), in escalation order."""
    return [
        (kind.value, str(kind.label))
        for kind in EnforcementKind
        if (people and kind in FOR_PERSON) or (premises and kind in FOR_PREMISES)
    ]


def organisations_for(partnership_id: int) -> Any:
    """The agencies that may issue an action on a case of this partnership."""
    return Organisation.objects.filter(is_active=True, partnership_id=partnership_id).order_by(
        "name"
    )


def teams_for(partnership_id: int) -> Any:
    return (
        Team.objects.filter(is_active=True, organisation__partnership_id=partnership_id)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def officers_for(team_id: int) -> Any:
    return User.objects.filter(is_active=True, memberships__team_id=team_id).order_by("full_name")

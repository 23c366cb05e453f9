"""Forms for alert rules and notification preferences, rendered with GOV.UK components.

Forms check the shape of input only; the rules (an event's detail keys, whose teams and case types
a rule may name, stale versions) live in ``tasking.services``, whose ValidationError is put back
on the form with ``records.forms.cases.add_service_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from roundtable.directory.forms import GovukFormMixin
from roundtable.directory.models import Team
from roundtable.galleries.models import Gallery
from roundtable.records.models import CaseType
from roundtable.tasking import catalogue
from roundtable.tasking.models import AlertRule, EmailMode, RuleScope, RuleTarget

OUT_OF_DATE = _("The form is out of date. Go back and try again")


class TeamChoiceField(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name}, {obj.organisation.name}"


def _condition_keys() -> list[tuple[str, str]]:
    keys: dict[str, str] = {}
    for spec in catalogue.EVENTS.values():
        for key, detail in spec.detail.items():
            keys.setdefault(key, str(detail.label))
    return [
        ("", str(_("No condition: every such event"))),
        *sorted(keys.items(), key=lambda pair: pair[1]),
    ]


class AlertRuleForm(GovukFormMixin, forms.Form):
    """An alert rule: the event, where it applies, an optional condition and whom to tell."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("Say what it does, e.g. 'Custody update on a foreign national: Home Office'"),
    )
    event = forms.ChoiceField(label=_("When this happens"), choices=catalogue.event_choices)
    scope = forms.ChoiceField(
        label=_("To which records"), choices=RuleScope.choices, widget=forms.RadioSelect
    )
    case_type = forms.ModelChoiceField(
        label=_("Case type"),
        queryset=CaseType.objects.none(),
        required=False,
        empty_label=_("Choose a case type"),
        help_text=_("Only for rules about cases of one type (and the people in them)"),
    )
    gallery = forms.ModelChoiceField(
        label=_("Gallery"),
        queryset=Gallery.objects.none(),
        required=False,
        empty_label=_("Choose a gallery"),
        help_text=_("Only for rules about the members of one gallery"),
    )
    condition_key = forms.ChoiceField(label=_("Only when"), choices=_condition_keys, required=False)
    condition_value = forms.CharField(
        label=_("is"),
        max_length=40,
        required=False,
        help_text=_("A code, e.g. custody_update for an entry type, or red for a risk rating"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    target = forms.ChoiceField(
        label=_("Tell"), choices=RuleTarget.choices, widget=forms.RadioSelect
    )
    team = TeamChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Choose a team"),
        help_text=_("Only when telling a team"),
    )

    def __init__(
        self, *args: Any, case_types: Any, teams: Any, galleries: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = case_types  # type: ignore[attr-defined]
        if galleries is not None:
            self.fields["gallery"].queryset = galleries  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def rule_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name] or ("" if name.startswith("condition") else None)
            for name in (
                "name",
                "event",
                "scope",
                "case_type",
                "gallery",
                "condition_key",
                "condition_value",
                "target",
                "team",
            )
        }


class AlertRuleEditForm(AlertRuleForm):
    """The same, with the version read and whether the rule is in use."""

    is_active = forms.BooleanField(label=_("In use"), required=False)
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )

    @staticmethod
    def initial_for(rule: AlertRule) -> dict[str, Any]:
        return {
            "name": rule.name,
            "event": rule.event,
            "scope": rule.scope,
            "case_type": rule.case_type_id,
            "gallery": rule.gallery_id,
            "condition_key": rule.condition_key,
            "condition_value": rule.condition_value,
            "target": rule.target,
            "team": rule.team_id,
            "is_active": rule.is_active,
            "version": rule.version,
        }


class PreferenceForm(GovukFormMixin, forms.Form):
    """How the user wants to be emailed about notifications."""

    email_mode = forms.ChoiceField(
        label=_("Email me about notifications"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Emails name the record by its reference and link to it; sign in to see the rest."
        ),
    )

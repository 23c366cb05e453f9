"""Forms for ASB complaints and the partnership's case review (Community Trigger) settings.

Shape only: the counting rules, the dates and who may be the lead are checked by
``casework.services.case_review`` and ``casework.services.settings``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from roundtable.casework.forms.enforcement import date_field, version_field, whole_number
from roundtable.casework.models import CaseReviewSettings
from roundtable.directory.forms import GovukFormMixin
from roundtable.directory.models import Organisation, Team, User
from roundtable.records.forms.cases import UserChoiceField


class ComplaintForm(GovukFormMixin, forms.Form):
    """A victim's complaint of ASB to one agency."""

    incident_on = date_field(_("Date of the incident"), required=True)
    reported_on = date_field(_("Date it was reported"), required=True)
    reporting_organisation = forms.ModelChoiceField(
        label=_("Agency it was reported to"),
        queryset=Organisation.objects.none(),
        error_messages={
            "required": _("Choose the agency it was reported to"),
            "invalid_choice": _("Choose an agency from the list"),
        },
    )
    incident_reference = forms.CharField(
        label=_("That agency's reference (optional)"),
        max_length=40,
        required=False,
        help_text=_("For example, a police incident number"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    location = forms.CharField(label=_("Where (optional)"), max_length=120, required=False)
    description = forms.CharField(
        label=_("What happened (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        victims: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reporting_organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if victims is not None:
            self.fields["victim"] = forms.ChoiceField(
                label=_("Who complained?"),
                choices=victims,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose the victim"),
                    "invalid_choice": _("Choose a victim or complainant in this case"),
                },
            )
            self.order_fields(["victim"])


class CaseReviewSettingsForm(GovukFormMixin, forms.Form):
    """A partnership's Community Trigger threshold and its case-review lead."""

    threshold = whole_number(
        _("Qualifying complaints that trigger a review"), low=1, high=20, hint=_("Often 3")
    )
    window_months = whole_number(
        _("Within how many months (the window)"), low=1, high=24, hint=_("Often 6")
    )
    report_within_months = whole_number(
        _("Each reported within how many months of its incident"),
        low=1,
        high=12,
        hint=_("Often 1"),
    )
    lead_team = forms.ModelChoiceField(
        label=_("Case-review lead team (optional)"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("Its managers are told when a review is triggered"),
        error_messages={"invalid_choice": _("Choose a team from the list")},
    )
    lead_user = UserChoiceField(
        label=_("Case-review lead (optional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=str(_("No one named")),
        error_messages={"invalid_choice": _("Choose a member of staff from the list")},
    )
    version = version_field()

    def __init__(self, *args: Any, partnership_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("threshold", "window_months", "report_within_months"):
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = _("Enter a number")
        self.fields["lead_team"].queryset = (  # type: ignore[attr-defined]
            Team.objects.filter(is_active=True, organisation__partnership_id=partnership_id)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.fields["lead_user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, organisation__partnership_id=partnership_id
        ).order_by("full_name")

    @staticmethod
    def initial_for(row: CaseReviewSettings) -> dict[str, Any]:
        return {
            "threshold": row.threshold,
            "window_months": row.window_months,
            "report_within_months": row.report_within_months,
            "lead_team": row.lead_team_id,
            "lead_user": row.lead_user_id,
            "version": row.version,
        }

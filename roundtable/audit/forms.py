"""The auditor's search form: why they are looking (one of the four lawful purposes) and filters.

DPA 2018 s.62(4) limits the use of these logs to four purposes, so no result is shown until the
auditor has picked one. This form must never be used to widen what an auditor may see: scope is
decided by ``audit.selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from roundtable.audit.models import Action

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d %m %Y", "%Y-%m-%d"]


class Purpose(models.TextChoices):
    """The four purposes for which DPA 2018 s.62(4) allows the logs to be used."""

    LAWFULNESS = "lawfulness", _("Verifying that processing was lawful")
    SELF_MONITORING = "self_monitoring", _("Self-monitoring and disciplinary proceedings")
    INTEGRITY = "integrity", _("Ensuring the integrity and security of personal data")
    CRIMINAL_PROCEEDINGS = "criminal_proceedings", _("Criminal proceedings")


@dataclass(frozen=True)
class AuditFilters:
    """What to look for; every field optional."""

    user_email: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    target_type: str = ""
    target_id: str = ""

    def as_terms(self) -> dict[str, str]:
        """The filters that were set, as strings (for the audit event and the query string)."""
        terms = {
            "user": self.user_email,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "target_type": self.target_type,
            "target_id": self.target_id,
        }
        return {key: value for key, value in terms.items() if value}


class GovukFormMixin:
    """GOV.UK classes on widgets, their error modifiers and ``aria-describedby`` on errors."""

    WIDGET_CLASSES = {
        "TextInput": "govuk-input",
        "EmailInput": "govuk-input",
        "Select": "govuk-select",
    }
    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = self.WIDGET_CLASSES.get(type(field.widget).__name__)
            if css:
                field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]  # the mixin sits before forms.Form
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            attrs = field.widget.attrs
            hint = f"id_{name}-hint " if field.help_text else ""
            attrs["aria-describedby"] = f"{hint}id_{name}-error"
            base = attrs.get("class", "").split()[:1]
            if base:
                attrs["class"] = f"{attrs['class']} {base[0]}--error"


def _date_field(label: Any, invalid: Any) -> forms.DateField:
    return forms.DateField(
        required=False,
        label=label,
        input_formats=DATE_FORMATS,
        help_text=_("For example, 27/3/2026"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10 moj-js-datepicker-input"}),
        error_messages={"invalid": invalid},
    )


class PurposeForm(GovukFormMixin, forms.Form):
    """Why the auditor is consulting the log."""

    purpose = forms.ChoiceField(
        label=_("Why are you looking at the audit log?"),
        help_text=_("The law allows the audit log to be used for these purposes only."),
        choices=[("", _("Select a purpose")), *Purpose.choices],
        error_messages={
            "required": _("Select why you are looking at the audit log"),
            "invalid_choice": _("Select one of the purposes in the list"),
        },
    )


class AuditSearchForm(PurposeForm):
    """The purpose plus the filters of an audit log search."""

    user = forms.EmailField(
        required=False,
        max_length=254,
        label=_("User's email address"),
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.org")
        },
    )
    action = forms.ChoiceField(
        required=False,
        label=_("Action"),
        choices=[("", _("Any action")), *Action.choices],
        error_messages={"invalid_choice": _("Select an action from the list")},
    )
    date_from = _date_field(_("From"), _("Enter the start date as a real date, like 27/3/2026"))
    date_to = _date_field(_("To"), _("Enter the end date as a real date, like 27/3/2026"))
    target_type = forms.CharField(
        required=False,
        max_length=60,
        label=_("Record type"),
        help_text=_("For example, directory.user"),
    )
    target_id = forms.CharField(required=False, max_length=64, label=_("Record reference"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must be the same as or after the start date"))
        return cleaned

    def filters(self) -> AuditFilters:
        """The cleaned filters (call only after ``is_valid()``)."""
        data = self.cleaned_data
        return AuditFilters(
            user_email=(data.get("user") or "").lower(),
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            target_type=(data.get("target_type") or "").strip(),
            target_id=(data.get("target_id") or "").strip(),
        )

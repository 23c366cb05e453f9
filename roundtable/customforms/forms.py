"""Forms for pages: the questions of one version on a record's page, and the admin's draft editor.

``AnswersForm`` carries a form version's questions through a request: what was posted (as the
payload ``validation.form_values_clean`` expects), the errors a service refused it with, and the
GOV.UK markup and error-summary links to draw. It checks nothing itself: the owner's service
validates on the server. ``DraftSchemaForm`` parses the administrator's JSON; the schema rules
live in ``customforms.schema`` and are applied by ``customforms.services``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from roundtable.customforms.models import FormVersion
from roundtable.customforms.rendering import error_links, render_form
from roundtable.customforms.validation import (
    FormValuesInvalid,
    form_values_clean,
    payload_from_post,
)
from roundtable.directory.forms import GovukFormMixin
from roundtable.sharing import policy

FIELD_PREFIX = "field_"


class AnswersForm:
    """A version's questions on a page: the posted payload, errors, and what to draw."""

    def __init__(
        self,
        version: FormVersion | None,
        *,
        viewer: policy.Viewer,
        data: Any = None,
        initial: Mapping[str, Any] | None = None,
        writable_sections: Iterable[str] | None = None,
    ) -> None:
        self.version = version
        self.viewer = viewer
        self.writable_sections = writable_sections
        self.is_bound = data is not None
        self.payload: dict[str, Any] = (
            payload_from_post(version, data) if data is not None else dict(initial or {})
        )
        self.errors: dict[str, list[str]] = {}
        self.general_errors: list[str] = []

    def add_service_errors(self, errors: Mapping[str, Iterable[Any]]) -> dict[str, list[Any]]:
        """Take the errors keyed ``field_<key>`` (and ``fields``); return the others."""
        rest: dict[str, list[Any]] = {}
        for name, messages in errors.items():
            if name.startswith(FIELD_PREFIX):
                self.errors.setdefault(name[len(FIELD_PREFIX) :], []).extend(
                    str(message) for message in messages
                )
            elif name == "fields":
                self.general_errors.extend(str(message) for message in messages)
            else:
                rest[name] = list(messages)
        return rest

    def is_valid(self) -> bool:
        """Check what was posted the way the owner's service will (so every error shows at once).

        The service checks again before writing: this only lets a page show the per-type
        questions' errors beside its own fields' errors.
        """
        if not self.is_bound:
            return False
        try:
            form_values_clean(
                version=self.version,
                payload=self.payload,
                viewer=self.viewer,
                writable_sections=self.writable_sections,
            )
        except FormValuesInvalid as invalid:
            self.add_service_errors(
                {
                    ("fields" if key == NON_FIELD_ERRORS else f"{FIELD_PREFIX}{key}"): messages
                    for key, messages in invalid.errors.items()
                }
            )
            return False
        return True

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.general_errors)

    @property
    def has_questions(self) -> bool:
        return self.version is not None and bool(self.version.schema.get("fields"))

    @property
    def html(self) -> SafeString:
        return render_form(
            self.version,
            self.payload,
            self.errors,
            self.viewer,
            writable_sections=self.writable_sections,
        )

    @property
    def error_links(self) -> list[tuple[str, str]]:
        links = [("#", message) for message in self.general_errors]
        return links + error_links(self.version, self.errors)


class DraftSchemaForm(GovukFormMixin, forms.Form):
    """The draft schema as JSON, with the definition's version for optimistic locking."""

    schema = forms.CharField(
        label=_("Form schema (JSON)"),
        help_text=_(
            'An object with "fields" (a list) and, optionally, "scoring". See the guide for '
            "every setting."
        ),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        error_messages={"required": _("Enter the form's schema")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_schema(self) -> Any:
        text = self.cleaned_data["schema"]
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("The schema is not valid JSON (line %(line)s, column %(column)s)"),
                params={"line": error.lineno, "column": error.colno},
            ) from None


class PublishForm(forms.Form):
    """Publish the draft as it was when the page was read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class QuestionForm(GovukFormMixin, forms.Form):
    """One question added to a draft without writing JSON: the common settings of a field."""

    label = forms.CharField(
        label=_("Question"), max_length=200, error_messages={"required": _("Enter the question")}
    )
    key = forms.CharField(
        label=_("Key"),
        max_length=40,
        help_text=_(
            "A short name that never changes, in lower-case letters, digits and underscores, "
            "like hate_motivated. Reports and filters use it."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
        error_messages={"required": _("Enter a key")},
    )
    type = forms.ChoiceField(
        label=_("Type of answer"),
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the type of answer")},
    )
    choices = forms.CharField(
        label=_("Choices (for one or several choices)"),
        required=False,
        help_text=_("One per line, in the order to show them."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    hint = forms.CharField(label=_("Hint (optional)"), max_length=500, required=False)
    section = forms.ChoiceField(
        label=_("Section the answer belongs to"),
        choices=[],
        help_text=_("Only teams who can see this section of the record see the answer."),
        widget=forms.Select,
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    promote = forms.BooleanField(label=_("Used to filter or sort lists"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, definition: Any, **kwargs: Any) -> None:
        from roundtable.customforms.schema import FIELD_TYPES, TYPE_LABELS, section_names

        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(kind, TYPE_LABELS[kind]) for kind in FIELD_TYPES]  # type: ignore[attr-defined]
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            (name, name.capitalize()) for name in section_names(definition.record_kind)
        ]

    def field_spec(self) -> dict[str, Any]:
        """The question as a schema field (checked with the whole draft by the service)."""
        data = self.cleaned_data
        spec: dict[str, Any] = {
            "key": data["key"].strip(),
            "label": data["label"],
            "type": data["type"],
            "hint": data["hint"],
            "required": data["required"],
            "section": data["section"],
            "promote": data["promote"],
        }
        lines = [line.strip() for line in data["choices"].splitlines() if line.strip()]
        if data["type"] in ("choice", "multi_choice") or lines:
            spec["choices"] = lines
        return spec

"""The form that starts a family case from a person's family view.

On the family view it asks which family case type and which relatives; on the case page that
follows it rides along in hidden fields, checked again on every request against the family as
the viewer may see it then (the choices are built from it), so a relative who has since left
the family view, or a code typed into the address, is refused in words that name nobody.
"""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.directory.forms import GovukFormMixin
from roundtable.records.models import CaseType
from roundtable.records.selectors.families import FamilyView
from roundtable.records.services.families import NOT_FAMILY_TYPE, NOT_IN_FAMILY


def _person_label(view: FamilyView, code: str) -> str:
    person = view.relative(code)
    if person is None:
        return ""
    name = person.hit.name or "Person (name withheld)"
    return f"{name} ({person.relation.lower()})"


class FamilyCaseStartForm(GovukFormMixin, forms.Form):
    """A family case type and the relatives to add as family members."""

    case_type = forms.ChoiceField(
        label="Type of family case",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the type of family case",
            "invalid_choice": NOT_FAMILY_TYPE,
        },
    )
    members = forms.MultipleChoiceField(
        label="Family members to add to the case",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The person whose family this is joins the case as its subject.",
        error_messages={"invalid_choice": NOT_IN_FAMILY},
    )

    def __init__(
        self,
        *args: Any,
        case_types: list[CaseType],
        view: FamilyView,
        carried: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case_types = {str(case_type.code): case_type for case_type in case_types}
        self.fields["case_type"].choices = [  # type: ignore[attr-defined]
            (code, case_type.name) for code, case_type in self.case_types.items()
        ]
        self.fields["members"].choices = [  # type: ignore[attr-defined]
            (person.code, _person_label(view, person.code)) for person in view.relatives
        ]
        if len(case_types) == 1:
            self.fields["case_type"].initial = next(iter(self.case_types))
        if carried:  # on the case page: the choices made on the family view, not asked again
            self.fields["case_type"].widget = forms.HiddenInput()
            self.fields["members"].widget = forms.MultipleHiddenInput()

    def chosen_type(self) -> CaseType:
        return self.case_types[self.cleaned_data["case_type"]]

"""Forms for the gallery pages: they parse input; the rules live in the services.

``MemberFilterForm`` turns the gallery page's query string into a ``MemberQuery`` (filters on the
spell and on the gallery's promoted fields, and a sort); a saved view's stored query is parsed by
the same form, so anything it no longer accepts is dropped, never trusted. The other forms feed
the membership and definition services, which check everything again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from roundtable.directory.forms import GovukFormMixin
from roundtable.directory.models import Team
from roundtable.galleries.models import (
    PROFILE_SECTION_CHOICES,
    REASON_MAX_LENGTH,
    Gallery,
    GalleryAccess,
    MembershipState,
)
from roundtable.galleries.selectors.members import (
    BASE_SORTS,
    GalleryField,
    GalleryForm,
    MemberQuery,
)
from roundtable.records.forms.profiles import GovukDateField, ProfileFormMixin
from roundtable.sharing.models import AccessLevel

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]
DATE_HINT = _("For example, 31/01/2026")
SORT_LABELS = {
    "added": _("Date added"),
    "name": _("Name"),
    "status": _("Status"),
    "review": _("Review date"),
}
REVIEW_CHOICES = [
    ("", _("Any")),
    ("overdue", _("Review overdue")),
    ("soon", _("Review due in the next 30 days")),
    ("none", _("No review date")),
]
#: Query-string names the page uses that are not filters (kept out of a saved view).
NOT_SAVED = frozenset({"page", "view"})


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    """Give a choice field its choices (stubs type ``form.fields`` as plain fields)."""
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        error_messages={"invalid": _("Enter a real date, like 31/01/2026")},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )


class MemberFilterForm(GovukFormMixin, forms.Form):
    """The gallery page's filters and sort; fields for promoted questions are added per gallery."""

    state = forms.ChoiceField(
        label=_("Members"),
        required=False,
        choices=[
            (MembershipState.CURRENT, _("Current members")),
            (MembershipState.REMOVED, _("Removed members")),
        ],
        widget=forms.HiddenInput,
    )
    name = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    added_from = _date_field(_("Added on or after"))
    added_to = _date_field(_("Added on or before"))
    review = forms.ChoiceField(label=_("Review"), required=False, choices=REVIEW_CHOICES)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    dir = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("desc", _("Descending")), ("asc", _("Ascending"))],
    )

    def __init__(
        self,
        data: Any,
        *,
        gallery: Gallery,
        form: GalleryForm,
        may_see_removed: bool,
    ) -> None:
        super().__init__(data)
        self.gallery_form = form
        self.may_see_removed = may_see_removed
        set_choices(self, "status", [("", _("Any")), *[(s, s) for s in gallery.statuses]])
        sorts: list[tuple[Any, Any]] = [(key, SORT_LABELS[key]) for key in BASE_SORTS]
        sorts += [(f"f_{item.key}", item.label) for item in form.promoted]
        set_choices(self, "sort", sorts)
        self.sort_values = [str(value) for value, _label in sorts]
        for item in form.promoted:
            self._add_promoted(item)
        for bound in self.fields.values():
            css = bound.widget.attrs.get("class", "")
            if isinstance(bound.widget, forms.TextInput) and "govuk-input" not in css:
                bound.widget.attrs["class"] = f"govuk-input {css}".strip()

    def _add_promoted(self, item: GalleryField) -> None:
        name = f"f_{item.key}"
        if item.kind == "text" and item.choices:
            self.fields[name] = forms.ChoiceField(
                label=item.label, required=False, choices=[("", _("Any")), *item.choices]
            )
            self.fields[name].widget.attrs["class"] = "govuk-select"
        elif item.kind == "text":
            self.fields[name] = forms.CharField(label=item.label, required=False, max_length=200)
        elif item.kind == "number":
            for end, words in (("min", _("at least")), ("max", _("at most"))):
                self.fields[f"{name}_{end}"] = forms.DecimalField(
                    label=f"{item.label} ({words})",
                    required=False,
                    max_digits=20,
                    decimal_places=6,
                    widget=forms.TextInput(
                        attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "decimal"}
                    ),
                    error_messages={"invalid": _("Enter a number")},
                )
        elif item.kind == "date":
            self.fields[f"{name}_min"] = _date_field(f"{item.label} ({_('on or after')})")
            self.fields[f"{name}_max"] = _date_field(f"{item.label} ({_('on or before')})")

    @property
    def filter_fields(self) -> list[forms.BoundField]:
        """The visible filters, in order (the sort is drawn on its own)."""
        return [
            self[name]
            for name in self.fields
            if name not in ("state", "sort", "dir") and not self.fields[name].widget.is_hidden
        ]

    def fields_key(self) -> str:
        """A digest of everything the unbound filter fields are drawn from.

        The gallery page caches the drawn fields under it while nothing is filtered (13 fields
        through the GOV.UK includes cost 3-4 ms a page, the same every time). It covers each
        field's name, kind, label, hint, choices and widget attributes, in the language of the
        request, so a change to the gallery's questions, statuses or words is a new key: nothing
        needs to be forgotten. Nothing in it is about a person."""
        parts = []
        for name, field in self.fields.items():
            choices = getattr(field, "choices", None)
            parts.append(
                (
                    name,
                    type(field).__name__,
                    type(field.widget).__name__,
                    str(field.label),
                    str(field.help_text),
                    field.required,
                    sorted(field.widget.attrs.items()),
                    [(str(value), str(label)) for value, label in choices or ()],
                )
            )
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("state") == MembershipState.REMOVED and not self.may_see_removed:
            self.add_error("state", _("Only the gallery's managing teams see removed members."))
        low, high = data.get("added_from"), data.get("added_to")
        if low and high and low > high:
            self.add_error("added_to", _("The second date must be on or after the first."))
        for item in self.gallery_form.promoted:
            low, high = data.get(f"f_{item.key}_min"), data.get(f"f_{item.key}_max")
            if low is not None and high is not None and low > high:
                self.add_error(
                    f"f_{item.key}_max",
                    _("%(label)s: the upper limit must not be below the lower one.")
                    % {"label": item.label},
                )
        return data

    def query(self) -> MemberQuery:
        """The query the form describes (the defaults when nothing, or nothing valid, is asked)."""
        if not self.is_bound or not self.is_valid():
            return MemberQuery()
        data = self.cleaned_data
        query = MemberQuery(
            state=data.get("state") or MembershipState.CURRENT,
            status=data.get("status") or "",
            added_from=data.get("added_from"),
            added_to=data.get("added_to"),
            review=data.get("review") or "",
            name=" ".join((data.get("name") or "").split()),
            sort=data.get("sort") or "added",
            descending=(data.get("dir") or "desc") == "desc",
        )
        for item in self.gallery_form.promoted:
            name = f"f_{item.key}"
            if item.kind == "text" and data.get(name):
                query.equals[item.key] = str(data[name]).strip()
            elif item.kind in ("number", "date"):
                low: Decimal | date | None = data.get(f"{name}_min")
                high: Decimal | date | None = data.get(f"{name}_max")
                if low is not None or high is not None:
                    query.ranges[item.key] = (low, high)
        return query

    def query_string(self) -> str:
        """The filters and sort as asked (valid or not), for links that keep them."""
        if not self.is_bound:
            return ""
        kept = QueryDict(mutable=True)
        for name in self.fields:
            value = self.data.get(name)
            if value:
                kept[name] = value
        return kept.urlencode()


def known_query(raw: str, form: MemberFilterForm) -> tuple[str, list[str]]:
    """A stored query string reduced to the names the page knows today, and the names dropped."""
    asked = QueryDict(raw)
    kept = QueryDict(mutable=True)
    dropped = []
    for name in asked:
        if name in form.fields:
            kept[name] = asked.get(name) or ""
        elif name not in NOT_SAVED:
            dropped.append(name)
    return kept.urlencode(), sorted(dropped)


class SavedViewForm(GovukFormMixin, forms.Form):
    """Save the page's filters and sort under a name, for me or for my team."""

    name = forms.CharField(
        label=_("Name this view"),
        max_length=80,
        error_messages={"required": _("Enter a name for the view")},
    )
    shared = forms.BooleanField(
        label=_("Share it with my team"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


def _gallery_statuses(form: forms.Form, gallery: Gallery) -> None:
    """The status question: one of the gallery's statuses, required; gone when it has none."""
    if gallery.statuses:
        set_choices(form, "status", [(s, s) for s in gallery.statuses])
        form.fields["status"].required = True
        form.fields["status"].error_messages["required"] = _("Choose a status")
    else:
        del form.fields["status"]


class AddMemberForm(ProfileFormMixin, forms.Form):
    """Add a person: when, why, the status and review date (the gallery's answers come after)."""

    person = forms.CharField(widget=forms.HiddenInput, required=False)
    added_on = GovukDateField(
        label=_("Date added"),
        past_only=True,
        error_messages={"required": _("Enter the date they were added")},
    )
    reason = forms.CharField(
        label=_("Why are they being added?"),
        help_text=_("Say how they meet the gallery's eligibility."),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the reason for adding them")},
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=forms.RadioSelect)
    review_on = GovukDateField(label=_("Review date"), required=False)

    def __init__(self, *args: Any, gallery: Gallery, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _gallery_statuses(self, gallery)


class MembershipEditForm(ProfileFormMixin, forms.Form):
    """A current member's status and review date."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=forms.RadioSelect)
    review_on = GovukDateField(label=_("Review date"), required=False)

    def __init__(self, *args: Any, gallery: Gallery, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _gallery_statuses(self, gallery)


class MembershipRemoveForm(ProfileFormMixin, forms.Form):
    """End a spell: when and why."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    removed_on = GovukDateField(
        label=_("Date removed"),
        past_only=True,
        error_messages={"required": _("Enter the date they were removed")},
    )
    reason = forms.CharField(
        label=_("Why are they being removed?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the reason for removing them")},
    )


class VersionOnlyForm(forms.Form):
    """Only the version read (answers pages, close and reopen buttons)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PersonSearchForm(GovukFormMixin, forms.Form):
    """Find a person to add, among those the team may see."""

    q = forms.CharField(
        label=_("Name or reference"),
        help_text=_(
            "The family name, and the given name if you know it, or the person's reference."
        ),
        max_length=100,
        error_messages={"required": _("Enter a name or reference to search for")},
    )


def _team_choices(teams: Iterable[Team]) -> list[tuple[Any, Any]]:
    return [(team.pk, f"{team.name} ({team.organisation.name})") for team in teams]


class GalleryDefinitionForm(GovukFormMixin, forms.Form):
    """A gallery's definition, for partnership admins (its fields are edited on the forms pages)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    name = forms.CharField(label=_("Name"), max_length=120)
    purpose = forms.CharField(
        label=_("Purpose"),
        help_text=_("What the partnership uses this gallery for."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    eligibility = forms.CharField(
        label=_("Eligibility"),
        help_text=_("Who may be added, and on what grounds."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    access = forms.ChoiceField(
        label=_("Who may open the gallery"),
        choices=GalleryAccess.choices,
        widget=forms.RadioSelect,
    )
    access_level = forms.ChoiceField(
        label=_("Access level"),
        help_text=_("At audited, teams other than the managers say why before opening it."),
        choices=[(AccessLevel.OPEN, _("Open")), (AccessLevel.AUDITED, _("Audited"))],
        widget=forms.RadioSelect,
    )
    section = forms.ChoiceField(
        label=_("Section of a person's record that membership belongs to"),
        help_text=_("A team sees that someone is a member only if it sees this section of them."),
        choices=PROFILE_SECTION_CHOICES,
    )
    statuses = forms.CharField(
        label=_("Statuses"),
        help_text=_("One a line, in order (for example Fixed, Flex, Free). Leave empty for none."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    retention_months = forms.IntegerField(
        label=_("Keep removed members for (months)"),
        min_value=1,
        max_value=240,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"invalid": _("Enter a whole number of months")},
    )
    managing_teams = forms.MultipleChoiceField(
        label=_("Managing teams"),
        help_text=_("They add, change and remove members."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one team to manage the gallery")},
    )
    viewer_teams = forms.MultipleChoiceField(
        label=_("Other teams that may open it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {team.pk: team for team in teams}
        set_choices(self, "managing_teams", _team_choices(teams))
        set_choices(self, "viewer_teams", _team_choices(teams))

    def chosen(self, name: str) -> tuple[Team, ...]:
        return tuple(self.teams[int(pk)] for pk in self.cleaned_data.get(name, []))

    @staticmethod
    def initial_for(gallery: Gallery) -> dict[str, Any]:
        return {
            "version": gallery.version,
            "name": gallery.name,
            "purpose": gallery.purpose,
            "eligibility": gallery.eligibility,
            "access": gallery.access,
            "access_level": gallery.access_level,
            "section": gallery.section,
            "statuses": "\n".join(gallery.statuses),
            "retention_months": gallery.retention_months,
            "managing_teams": [
                str(pk) for pk in gallery.managing_teams.values_list("pk", flat=True)
            ],
            "viewer_teams": [str(pk) for pk in gallery.viewer_teams.values_list("pk", flat=True)],
        }

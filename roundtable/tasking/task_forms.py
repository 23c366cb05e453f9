"""Forms for tasks, rendered with GOV.UK components.

Forms parse and check the shape of input only; the rules (who may be assigned, which teams are in
reach, due dates, transitions, optimistic locking) live in ``tasking.services.tasks`` and a
service's ValidationError is put back on the form with ``add_service_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from roundtable.directory.forms import GovukFormMixin, TeamChoiceField
from roundtable.directory.models import Team, User
from roundtable.records.forms.cases import (
    DATE_FORMATS,
    DATE_HINT,
    OUT_OF_DATE,
    RecordReferenceField,
    UserChoiceField,
    add_service_errors,
)
from roundtable.sharing.kinds import KIND_BY_SLUG
from roundtable.tasking.models import TaskPriority, TaskStatus
from roundtable.tasking.selectors.tasks import TeamWork

__all__ = ["OUT_OF_DATE", "add_service_errors"]

TEXT_MAX = 4000
QUEUE = ""


def _version() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


def _due_on() -> forms.DateField:
    return forms.DateField(
        label=_("Due date"),
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": _("Enter the due date"),
            "invalid": _("The due date must be a real date, like 27/03/2026"),
        },
    )


def _title() -> forms.CharField:
    return forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What needs doing, in a few words. Another team may read it."),
        error_messages={"required": _("Enter a title")},
    )


def _description() -> forms.CharField:
    return forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _priority() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Priority"),
        choices=TaskPriority.choices,
        initial=TaskPriority.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a priority")},
    )


def _assignee_team(teams: QuerySet[Team]) -> TeamChoiceField:
    return TeamChoiceField(
        label=_("Team"),
        queryset=teams,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={
            "required": _("Choose the team the task is for"),
            "invalid_choice": _("Choose an active team of your organisation or partnership"),
        },
    )


def _assignee_user(users: QuerySet[User]) -> UserChoiceField:
    return UserChoiceField(
        label=_("Person (optional)"),
        queryset=users,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        required=False,
        empty_label=_("Nobody yet: put it in the team's queue"),
        help_text=_(
            "You can choose someone in your own team. A task for another team goes to its queue, "
            "and that team decides who does it."
        ),
        error_messages={"invalid_choice": _("Choose someone in the team, or leave it empty")},
    )


class TaskForm(GovukFormMixin, forms.Form):
    """Set a task: what, for whom, by when, and perhaps about which record."""

    title = _title()
    description = _description()
    due_on = _due_on()
    priority = _priority()
    record_kind = forms.ChoiceField(
        label=_("Is it about a record? (optional)"),
        required=False,
        choices=[
            ("", _("No")),
            ("person", _("A person")),
            ("premises", _("Premises")),
            ("group", _("A group")),
            ("case", _("A case")),
        ],
        widget=forms.RadioSelect,
    )
    record = RecordReferenceField(
        label=_("The record's reference (optional)"),
        required=False,
        help_text=_("The reference shown on the record's page, or the address of that page"),
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Team], users: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee_team"] = _assignee_team(teams)
        self.fields["assignee_user"] = _assignee_user(users)
        self.order_fields(
            ["title", "description", "assignee_team", "assignee_user", "due_on", "priority"]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("record") and not data.get("record_kind"):
            self.add_error("record_kind", _("Say what kind of record it is"))
        if data.get("record_kind") and not data.get("record"):
            self.add_error("record", _("Enter the record's reference"))
        return data

    def record_kind_value(self) -> int | None:
        slug = self.cleaned_data.get("record_kind") or ""
        return KIND_BY_SLUG.get(slug)


class TaskEditForm(GovukFormMixin, forms.Form):
    """Change a task's title, details, due date or priority."""

    title = _title()
    description = _description()
    due_on = _due_on()
    priority = _priority()
    version = _version()


class AssignForm(GovukFormMixin, forms.Form):
    """Send a task to another team's queue or to someone in a team."""

    version = _version()

    def __init__(
        self, *args: Any, teams: QuerySet[Team], users: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee_team"] = _assignee_team(teams)
        self.fields["assignee_user"] = _assignee_user(users)
        self.fields["assignee_user"].help_text = _(
            "You can choose someone in the task's current team. Leave it empty to put the task "
            "in the chosen team's queue."
        )
        self.order_fields(["assignee_team", "assignee_user", "version"])


class CompleteForm(GovukFormMixin, forms.Form):
    """Mark a task done with a note of what was done."""

    note = forms.CharField(
        label=_("What was done?"),
        help_text=_("This completion note stays with the task."),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what was done to complete the task")},
    )
    version = _version()


class CancelForm(GovukFormMixin, forms.Form):
    """Cancel a task with a reason."""

    reason = forms.CharField(
        label=_("Why is the task cancelled?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the task is cancelled")},
    )
    version = _version()


class VersionForm(forms.Form):
    """A one-button action (start, claim, hand back) carrying the version it was read at."""

    version = _version()


class CommentForm(GovukFormMixin, forms.Form):
    """Add a comment to a task."""

    body = forms.CharField(
        label=_("Add a comment"),
        help_text=_(
            "Comments cannot be changed once added. Everyone who can see the task reads them."
        ),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter a comment")},
    )


STATUS_FILTERS = [
    ("live", _("Open or in progress")),
    (TaskStatus.OPEN.value, _("Open")),
    (TaskStatus.IN_PROGRESS.value, _("In progress")),
    (TaskStatus.DONE.value, _("Done")),
    (TaskStatus.CANCELLED.value, _("Cancelled")),
    ("all", _("All")),
]


class MyTasksFilterForm(GovukFormMixin, forms.Form):
    """Filters for "My tasks"."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_FILTERS)
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("Any priority")), *TaskPriority.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def values(self) -> tuple[str, str, bool]:
        """(status, priority, overdue) chosen, or the defaults when the filters are invalid."""
        if not self.is_bound or not self.is_valid():
            return "live", "", False
        status = self.cleaned_data["status"] or "live"
        return (
            "" if status == "all" else status,
            self.cleaned_data["priority"],
            self.cleaned_data["overdue"],
        )


class HandoverForm(GovukFormMixin, forms.Form):
    """For each team where a leaver holds work: a team-mate to take it, or the team's queue."""

    def __init__(self, *args: Any, work: list[TeamWork], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.work = work
        for item in work:
            choices = [(QUEUE, str(_("The team's queue (nobody yet)")))]
            choices += [(str(mate.pk), mate.full_name) for mate in item.team_mates]
            self.fields[f"team_{item.team.pk}"] = forms.ChoiceField(
                label=item.team.name,
                required=False,
                choices=choices,
                widget=forms.Select(attrs={"class": "govuk-select"}),
                help_text=_("Cases go to this person as lead, or are left with no lead."),
            )

    def destinations(self) -> dict[int, User | None]:
        """{team id: the chosen team-mate, or None for the queue}."""
        people = {mate.pk: mate for item in self.work for mate in item.team_mates}
        chosen: dict[int, User | None] = {}
        for item in self.work:
            value = self.cleaned_data.get(f"team_{item.team.pk}") or QUEUE
            chosen[item.team.pk] = people.get(int(value)) if value else None
        return chosen

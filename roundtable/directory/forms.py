"""Directory forms, rendered with GOV.UK components."""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.directory.models import Team


class TeamChoiceField(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name}, {obj.organisation.name}"


class SwitchTeamForm(forms.Form):
    """Pick one of the user's own teams."""

    team = TeamChoiceField(
        queryset=Team.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which team are you working as?",
        error_messages={"required": "Select the team you are working as", "invalid_choice": "Select one of your own teams"},
    )

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, TeamChoiceField)
        field.queryset = Team.objects.filter(pk__in=[team.pk for team in teams]).select_related("organisation")

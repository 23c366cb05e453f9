"""Shared setup for the panel meeting tests. All invented.

``panel(personas)`` builds a complex case panel run by the police ASB team (alice's), chaired by
alice, whose meeting case is shared with the council ASB team (carol's) at summary only, and an
agenda of four records that each persona sees differently:

1. a police ASB case, which the council ASB team receives at summary and members by the case
   type's default share (carol sees its title, not its diary);
2. a council case the police cannot see (alice sees only who holds it);
3. a hidden police case (only alice's team sees it: everyone else reads "withheld");
4. a police-owned person (the council sees only who holds the record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from roundtable.casework.models import PanelKind, PanelMeeting
from roundtable.casework.services import panels as services
from roundtable.directory.models import Team
from roundtable.records.models import Case, Profile
from roundtable.records.services.case_type_seeds import case_types_seed
from roundtable.records.tests.case_helpers import Casework, casework, open_case
from roundtable.sharing import policy
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import case_type_for, profile_for

COUNCIL_TITLE = "Council tenancy concern, Copper Lane"
HIDDEN_TITLE = "Covert line of enquiry, Hollow Road"
POLICE_TITLE = "Noise and threats, Test Street"


@dataclass
class Panel:
    work: Casework
    meeting: PanelMeeting
    police_case: Case
    council_case: Case
    hidden_case: Case
    person: Profile

    @property
    def case(self) -> Case:
        return self.meeting.case


def start_in(days: int = 7) -> datetime:
    return timezone.now().replace(microsecond=0) + timedelta(days=days)


def viewer(user: Any) -> policy.Viewer:
    return policy.viewer_for_user(user)


def new_meeting(personas: Any, team: Team, **values: Any) -> PanelMeeting:
    fields: dict[str, Any] = {
        "kind": PanelKind.COMPLEX_CASE,
        "scheduled_start": start_in(),
        "chair": personas.alice,
        "location": "Room 4, Testshire Police HQ",
    }
    fields.update(values)
    return services.panel_meeting_create(actor=personas.alice, team=team, **fields)


def share(record: Any, *, by: Any, team: Team, sections: list[str], work: Casework) -> None:
    grant_create(actor=by, record=record, agreement=work.agreement, sections=sections, team=team)


def panel(personas: Any) -> Panel:
    """The meeting and agenda described in the module docstring."""
    work = casework(personas)
    case_types_seed(work.testshire)
    meeting = new_meeting(personas, work.asb)
    share(
        meeting.case,
        by=personas.alice,
        team=work.council_asb,
        sections=[Section.SUMMARY],
        work=work,
    )
    police_case = open_case(personas.alice, work.asb, work.case_type, title=POLICE_TITLE)
    council_type = case_type_for(work.testshire, name="Council tenancy", prefix="TEN")
    council_case = open_case(
        personas.carol, work.council_asb, council_type, title=COUNCIL_TITLE, fields={}
    )
    hidden_case = open_case(personas.alice, work.asb, work.case_type, title=HIDDEN_TITLE)
    record_set_visibility(
        actor=personas.alice,
        record=hidden_case,
        visibility=Visibility.HIDDEN,
        expected_version=hidden_case.version,
        reason="Covert work (test)",
    )
    person = profile_for(personas.alice, work.asb, given_name="Rowan", family_name="Agendason")
    alice = viewer(personas.alice)
    for record in (police_case, council_case, hidden_case, person):
        services.panel_agenda_item_add(
            actor=personas.alice, viewer=alice, meeting=meeting, record=record
        )
    services.panel_attendee_add(
        actor=personas.alice, meeting=meeting, user=personas.carol, team=work.council_asb,
        role="attendee",
    )  # fmt: skip
    return Panel(work, meeting, police_case, council_case, hidden_case, person)


def meeting_url(meeting: PanelMeeting, suffix: str = "") -> str:
    return f"/casework/meetings/{meeting.case.code}/{suffix}"

"""Shared setup for the diary and timeline tests. Every name and word in it is invented.

``diary_world(personas)`` gives alice's police ASB team a case (whose type the council's ASB team
receives by default at summary and members, so carol sees the case but not its diary), a person,
premises and a group, plus a helper to share sections with carol's team and to write entries
through the real service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from roundtable.casework.models import DiaryEntry, DiaryEntryType
from roundtable.casework.services.diary import diary_entry_create
from roundtable.directory.models import Team, User
from roundtable.records.models import Case, Group, Premises, Profile
from roundtable.records.services import places as place_services
from roundtable.records.tests.case_helpers import Casework, casework, open_case
from roundtable.sharing.kinds import SLUG_BY_KIND
from roundtable.sharing.models import ShareGrant
from roundtable.sharing.services import grant_create
from roundtable.sharing.tests.factories import profile_for


@dataclass
class DiaryWorld:
    personas: Any
    work: Casework
    case: Case
    person: Profile
    premises: Premises
    group: Group

    def share(self, record: Any, sections: list[str], team: Team | None = None) -> ShareGrant:
        """Share sections of a record with a team (carol's by default) under the agreement."""
        return grant_create(
            actor=self.personas.alice,
            record=record,
            agreement=self.work.agreement,
            sections=sections,
            team=team or self.work.council_asb,
            reason="Joint problem-solving (test)",
        )


def diary_world(personas: Any) -> DiaryWorld:
    work = casework(personas)
    alice, asb = personas.alice, work.asb
    return DiaryWorld(
        personas=personas,
        work=work,
        case=open_case(alice, asb, work.case_type),
        person=profile_for(alice, asb, given_name="Perrin", family_name="Diaryson"),
        premises=place_services.premises_create(
            actor=alice, team=asb, name="Larch Court", kind="residence"
        ),
        group=place_services.group_create(
            actor=alice, team=asb, name="Underpass Crew", kind="peer_group"
        ),
    )


def write(
    user: User,
    team: Team,
    record: Any,
    body: str = "Visited; spoke to the tenant about the noise.",
    *,
    entry_type: str = DiaryEntryType.HOME_VISIT,
    occurred_at: datetime | None = None,
    section: str = "diary",
    linked_profiles: tuple[Profile, ...] = (),
) -> DiaryEntry:
    """An entry written through the real service."""
    return diary_entry_create(
        actor=user,
        team=team,
        record=record,
        entry_type=entry_type,
        occurred_at=occurred_at or timezone.now() - timedelta(hours=1),
        body=body,
        section=section,
        linked_profiles=linked_profiles,
    )


def slug(record: Any) -> str:
    return SLUG_BY_KIND[int(record.record_kind)]


def list_url(record: Any) -> str:
    return reverse("casework:diary_list", kwargs={"kind": slug(record), "code": record.code})


def add_url(record: Any) -> str:
    return reverse("casework:diary_entry_add", kwargs={"kind": slug(record), "code": record.code})


def entry_url(entry: DiaryEntry, name: str = "diary_entry") -> str:
    record = entry.record
    return reverse(
        f"casework:{name}", kwargs={"kind": slug(record), "code": record.code, "entry": entry.code}
    )


def timeline_url(case: Case) -> str:
    return reverse("casework:case_timeline", kwargs={"code": case.code})

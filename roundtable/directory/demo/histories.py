"""Diary histories on a share of the demo's generated cases and people, through the diary service.

The bulk generator (``benchmarks.generator``) makes people and cases without any casework. This
gives a share of the open cases (more of those owned by the personas' teams) and of the people a
few diary entries each over the last months, of the types that kind of case records (custody
updates on foreign national offender cases, intelligence on gang cases, visits and warnings on
ASB cases), written by members of the owning team. The shares are capped, so a load of a million
people adds the same few hundred entries as the default. Only invented wording
(``directory.demo.phrases``) is written.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.db.models import F

from roundtable.casework.services.diary import diary_entry_create
from roundtable.directory.demo import phrases
from roundtable.directory.demo.story import Story
from roundtable.directory.models import Membership, Team, User
from roundtable.records.models import Case, CaseStatus, Profile

#: Share of open cases given a history: the personas' teams' cases, and everyone else's.
PERSONA_TEAM_SHARE = 0.5
OTHER_SHARE = 0.15
PERSON_SHARE = 0.04
#: At most this many cases and people get a history, however large the load.
MAX_CASES = 100
MAX_PEOPLE = 50
#: How far back a history goes.
SPAN_DAYS = 150


def _authors(team_ids: Collection[int]) -> dict[int, list[User]]:
    """Active members of each team, practitioners first, in a fixed order."""
    found: dict[int, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(team_id__in=team_ids, user__is_active=True)
        .select_related("user__organisation")
        .order_by("team_id", "-role", "user_id")
    ):
        found[membership.team_id].append(membership.user)
    return found


class Histories:
    """Plans the diary histories as story steps; ``counts`` says what they will write."""

    def __init__(self, story: Story, rng: random.Random, persona_team_ids: set[int]) -> None:
        self.story = story
        self.rng = rng
        self.persona_team_ids = persona_team_ids
        self.counts: Counter[str] = Counter()

    def plan(self) -> None:
        """Choose the records and schedule their entries (nothing is written until the story).

        Planned before the story runs, so the showcase's own records are never chosen."""
        cases = self._chosen_cases()
        people = self._chosen_people()
        teams = {row["owning_team_id"] for row in [*cases, *people]}
        authors = _authors(teams)
        team_rows = Team.objects.select_related("organisation").in_bulk(list(teams))
        case_rows = Case.objects.in_bulk([row["id"] for row in cases])
        profile_rows = Profile.objects.in_bulk([row["id"] for row in people])
        for row in cases:
            types = phrases.TYPES_BY_PREFIX.get(row["prefix"], phrases.DEFAULT_TYPES)
            since = (self.story.today - row["opened_on"]).days
            self._entries(
                case_rows[row["id"]], team_rows[row["owning_team_id"]], authors, types, since, 3
            )
            self.counts["cases"] += 1
        for row in people:
            since = (self.story.today - row["created_at"].date()).days
            self._entries(
                profile_rows[row["id"]],
                team_rows[row["owning_team_id"]],
                authors,
                phrases.PERSON_TYPES,
                since,
                2,
            )
            self.counts["people"] += 1

    def _chosen_cases(self) -> list[dict[str, Any]]:
        rows = (
            Case.objects.filter(status=CaseStatus.OPEN)
            .order_by("pk")
            .values("id", "owning_team_id", "opened_on", prefix=F("case_type__reference_prefix"))
        )
        chosen: list[dict[str, Any]] = [
            dict(row)
            for row in rows
            if self.rng.random()
            < (
                PERSONA_TEAM_SHARE
                if row["owning_team_id"] in self.persona_team_ids
                else OTHER_SHARE
            )
        ]
        return chosen[:MAX_CASES]

    def _chosen_people(self) -> list[dict[str, Any]]:
        rows = (
            Profile.objects.filter(merged_into__isnull=True)
            .order_by("pk")
            .values("id", "owning_team_id", "created_at")
        )
        chosen: list[dict[str, Any]] = [
            dict(row) for row in rows if self.rng.random() < PERSON_SHARE
        ]
        return chosen[:MAX_PEOPLE]

    def _entries(
        self,
        record: Any,
        team: Team,
        authors: dict[int, list[User]],
        types: tuple[str, ...],
        since_days: int,
        most: int,
    ) -> None:
        """Schedule 1 to ``most`` entries on a record, between its start and yesterday."""
        writers = authors.get(team.pk)
        latest = min(since_days, SPAN_DAYS)
        if not writers or latest < 1:
            return
        for _ in range(1 + self.rng.randrange(most)):
            entry_type = types[self.rng.randrange(len(types))]
            body = phrases.BODIES[entry_type][self.rng.randrange(len(phrases.BODIES[entry_type]))]
            author = writers[self.rng.randrange(len(writers))]
            days_ago = 1 + self.rng.randrange(latest)
            clock = f"{8 + self.rng.randrange(13)}:{self.rng.randrange(60):02d}"
            occurred = self.story.at(days_ago, clock)
            recorded = occurred + timedelta(minutes=10 + self.rng.randrange(140))
            self.story.add(
                min(recorded, self.story.now - timedelta(minutes=1)),
                _writer(author, team, record, entry_type, occurred, body),
                actor=author,
                team=team,
                what=f"{entry_type} on {type(record).__name__} {record.pk}: {body[:30]}",
            )
            self.counts["entries"] += 1
            self.counts[f"entries_{entry_type}"] += 1


def _writer(
    author: User, team: Team, record: Any, entry_type: str, occurred: Any, body: str
) -> Any:
    def write() -> None:
        diary_entry_create(
            actor=author,
            team=team,
            record=record,
            entry_type=entry_type,
            occurred_at=occurred,
            body=body,
        )

    return write

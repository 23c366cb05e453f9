"""The diary and timeline permission matrix: every persona against every record state and kind.

Built on ``records.tests.matrix`` (its world, personas, states and independent oracle, never
``sharing.policy``): each record gets a diary entry in its diary section and one in another
section, each case a stage change, all through the real services. For every cell the diary list,
the entry page and (for cases) the timeline must answer with the exact status, and an entry's
text must appear exactly when the oracle gives the viewer the entry's section. A viewer who sees
no section at all (a signpost only) or whom the record is hidden from gets 404; one who sees the
record but not its diary is told the diary is withheld.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from roundtable.casework.models import DiaryEntry, DiaryEntryType
from roundtable.casework.services.diary import diary_entry_create
from roundtable.directory.models import User
from roundtable.records.services import cases as case_services
from roundtable.records.tests.matrix import (
    ACCESS_LEVELS,
    LEVEL_STATE,
    OWNING_TEAM,
    PERSONAS,
    STATES_BY_KIND,
    World,
    build_world,
    cells,
    expected_sections,
)
from roundtable.sharing.models import AccessLevel

#: The other section each kind's second entry is filed in: one the oracle gives some partners.
OTHER_SECTION = {"case": "risk", "premises": "members", "group": "members", "person": "contact"}
PURPOSE_PAGE = "Why do you need this record?"


def diary_text(kind: str, state: str) -> str:
    return f"Diary canary Ormsby {kind} {state}"


def other_text(kind: str, state: str) -> str:
    return f"Other-section canary Tolliver {kind} {state}"


def stage_text(state: str) -> str:
    return f"Stage canary Wexley {state}"


@dataclass
class DiaryMatrix:
    world: World
    diary_entries: dict[tuple[str, str], DiaryEntry] = field(default_factory=dict)
    level_entries: dict[str, DiaryEntry] = field(default_factory=dict)


def _team(user: User) -> Any:
    return user.memberships.select_related("team__organisation").get().team


def _write(author: User, record: Any, body: str, section: str) -> DiaryEntry:
    return diary_entry_create(
        actor=author,
        team=_team(author),
        record=record,
        entry_type=DiaryEntryType.HOME_VISIT,
        occurred_at=record.created_at,
        body=body,
        section=section,
    )


def _populate(world: World) -> DiaryMatrix:
    matrix = DiaryMatrix(world=world)
    for (kind, state), record in world.records.items():
        # Written by whoever owns the record now (the transfer moved it to the partner team).
        author = world.users["partner" if state == "transferred" else "owner"]
        matrix.diary_entries[(kind, state)] = _write(
            author, record, diary_text(kind, state), "diary"
        )
        _write(author, record, other_text(kind, state), OTHER_SECTION[kind])
        if kind == "case":
            record.refresh_from_db()
            case_services.case_stage_change(
                actor=author,
                case=record,
                to_stage="Closed",
                expected_version=record.version,
                note=stage_text(state),
            )
    for level, case in world.levels.items():
        matrix.level_entries[level] = _write(
            world.users["owner"], case, diary_text("level", level), "diary"
        )
    return matrix


@pytest.fixture(scope="module")
def diary_matrix(django_db_setup: None, django_db_blocker: Any) -> Iterator[DiaryMatrix]:
    """The records matrix's world with diary entries and stage changes, built once per module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _populate(build_world())
        transaction.set_rollback(True)


def _sees(kind: str, state: str, persona: str) -> frozenset[str]:
    return expected_sections(kind, state, persona) or frozenset()


# --- the diary list -------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "state", "persona"), cells(), ids=["-".join(c) for c in cells()])
def test_diary_list_follows_the_oracle(db, diary_matrix, kind, state, persona):
    record = diary_matrix.world.record(kind, state)
    url = reverse("casework:diary_list", kwargs={"kind": kind, "code": record.code})
    response = diary_matrix.world.clients[persona].get(url)
    body = response.content.decode()
    sees = _sees(kind, state, persona)
    if not sees:
        assert response.status_code == 404
        assert diary_text(kind, state) not in body and other_text(kind, state) not in body
        return
    assert response.status_code == 200
    assert (diary_text(kind, state) in body) is ("diary" in sees)
    assert (other_text(kind, state) in body) is (OTHER_SECTION[kind] in sees)
    assert ('data-withheld="diary"' in body) is ("diary" not in sees)
    if "diary" not in sees:
        asks = persona not in OWNING_TEAM[state]
        request_url = reverse("sharing:request_access", kwargs={"kind": kind, "code": record.code})
        assert (request_url in body) is asks


# --- one entry ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "state", "persona"), cells(), ids=["-".join(c) for c in cells()])
def test_entry_page_follows_the_oracle(db, diary_matrix, kind, state, persona):
    entry = diary_matrix.diary_entries[(kind, state)]
    record = diary_matrix.world.record(kind, state)
    url = reverse(
        "casework:diary_entry", kwargs={"kind": kind, "code": record.code, "entry": entry.code}
    )
    response = diary_matrix.world.clients[persona].get(url)
    body = response.content.decode()
    sees = _sees(kind, state, persona)
    if not sees:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
    assert (diary_text(kind, state) in body) is ("diary" in sees)


# --- the timeline ---------------------------------------------------------------------------------

CASE_CELLS = [(state, persona) for state in STATES_BY_KIND["case"] for persona in PERSONAS]


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=["-".join(c) for c in CASE_CELLS])
def test_timeline_follows_the_oracle(db, diary_matrix, state, persona):
    case = diary_matrix.world.record("case", state)
    url = reverse("casework:case_timeline", kwargs={"code": case.code})
    response = diary_matrix.world.clients[persona].get(url)
    body = response.content.decode()
    sees = _sees("case", state, persona)
    if not sees:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
    assert (diary_text("case", state) in body) is ("diary" in sees)
    assert (other_text("case", state) in body) is ("risk" in sees)
    assert (stage_text(state) in body) is ("summary" in sees)


# --- access levels --------------------------------------------------------------------------------

LEVEL_CELLS = [(level, persona) for level in ACCESS_LEVELS for persona in PERSONAS]


@pytest.mark.parametrize(("level", "persona"), LEVEL_CELLS, ids=["-".join(c) for c in LEVEL_CELLS])
def test_diary_list_at_each_access_level(db, diary_matrix, level, persona):
    case = diary_matrix.world.levels[level]
    url = reverse("casework:diary_list", kwargs={"kind": "case", "code": case.code})
    response = diary_matrix.world.clients[persona].get(url)
    body = response.content.decode()
    sees = _sees("case", LEVEL_STATE, persona)
    if not sees:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    asked = level == AccessLevel.AUDITED and persona not in OWNING_TEAM[LEVEL_STATE]
    assert (PURPOSE_PAGE in body) is asked
    shows = "diary" in sees and not asked
    assert (diary_text("level", level) in body) is shows

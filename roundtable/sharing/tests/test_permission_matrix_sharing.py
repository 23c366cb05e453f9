"""The sharing pages' permission matrix: every page reachable from a record, for every persona,
record state and record kind, with the exact status.

The expected status is written here from the action rules (ARCHITECTURE.md section 4, ADRs 0004
and 0005), on top of the record matrix's oracle for who can see the record at all
(``records.tests.matrix.ORACLE``), and never asks ``sharing.policy``:

- a viewer who cannot see even the signpost gets 404 from every page (hidden looks missing);
- the sharing page, share and visibility: the owning team (any role) 200, anyone else 403;
- transfer: the owning team's managers 200, anyone else 403;
- request access: anyone who sees the record but does not own it 200, the owning team 403;
- break the glass: as request access, and 403 on a hidden record even with a grant (the glass
  is for records found by their signpost; every case type here is "open");
- who viewed: auditors of the owning organisation 200 whatever the visibility (they read the
  audit trail, not the record), otherwise the owning team's managers 200, anyone else 403/404.

Every page, whatever its status, must also keep out the data of sections the viewer may not see.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.records.tests.matrix import (
    ACCESS_LEVELS,
    HIDDEN_STATES,
    LEVEL_STATE,
    OWNING_ORGANISATION_AUDITORS,
    OWNING_TEAM,
    OWNING_TEAM_MANAGERS,
    PERSONAS,
    SECTIONS,
    canaries_of,
    cells,
    expected_sections,
    matrix_world,
    sharing_url,
)
from roundtable.sharing.models import ShareGrant

__all__ = ["matrix_world"]  # the module-scoped fixture, imported for pytest to find

PAGES = (
    "record_sharing",
    "share",
    "visibility",
    "transfer_offer",
    "request_access",
    "break_glass",
    "who_viewed",
)


def expected_status(page: str, kind: str, state: str, persona: str) -> int:
    """The status the rules give this persona on this page for a record in this state."""
    reachable = expected_sections(kind, state, persona) is not None
    owns = persona in OWNING_TEAM[state]
    if page == "who_viewed" and persona in OWNING_ORGANISATION_AUDITORS[state]:
        return 200
    if not reachable:
        return 404
    if page in ("record_sharing", "share", "visibility"):
        return 200 if owns else 403
    if page in ("transfer_offer", "who_viewed"):
        return 200 if persona in OWNING_TEAM_MANAGERS[state] else 403
    if page == "request_access":
        return 403 if owns else 200
    if page == "break_glass":
        return 403 if owns or state in HIDDEN_STATES else 200
    raise AssertionError(f"No rule for page {page!r}")


MATRIX = [(page, *cell) for page in PAGES for cell in cells()]


@pytest.mark.parametrize(
    ("page", "kind", "state", "persona"), MATRIX, ids=["-".join(row) for row in MATRIX]
)
def test_sharing_page_status_follows_the_action_rules(db, matrix_world, page, kind, state, persona):
    record = matrix_world.record(kind, state)
    response = matrix_world.clients[persona].get(sharing_url(page, kind, record.code))
    assert response.status_code == expected_status(page, kind, state, persona)
    seen = expected_sections(kind, state, persona) or frozenset()
    body = response.content.decode()
    leaked = {c for c in canaries_of(kind, SECTIONS[kind]["ALL"] - seen) if c in body}
    assert leaked == set()


#: States whose record carries a share to the partner team, and whether it is still live.
SHARE_LIVE = {
    "granted": True,
    "restricted": True,
    "hidden": True,
    "request_granted": True,
    "grant_expired": False,
}
REVOKE_MATRIX = [cell for cell in cells() if cell[1] in SHARE_LIVE]


def expected_revoke_status(kind: str, state: str, persona: str) -> int:
    """Ending a share is the owning team's (as sharing); a share already over is not found."""
    status = expected_status("share", kind, state, persona)
    if status == 200 and not SHARE_LIVE[state]:
        return 404
    return status


@pytest.mark.parametrize(
    ("kind", "state", "persona"), REVOKE_MATRIX, ids=["-".join(c) for c in REVOKE_MATRIX]
)
def test_ending_a_share_is_for_the_owning_team_and_only_while_it_is_live(
    db, matrix_world, kind, state, persona
):
    record = matrix_world.record(kind, state)
    share = ShareGrant.objects.get(record_kind=record.record_kind, record_id=record.pk)
    url = reverse("sharing:revoke", kwargs={"kind": kind, "code": record.code, "grant": share.code})
    response = matrix_world.clients[persona].get(url)
    assert response.status_code == expected_revoke_status(kind, state, persona)


LEVEL_MATRIX = [
    (page, level, persona)
    for page in ("break_glass", "request_access")
    for level in ACCESS_LEVELS
    for persona in PERSONAS
]


@pytest.mark.parametrize(
    ("page", "level", "persona"), LEVEL_MATRIX, ids=["-".join(c) for c in LEVEL_MATRIX]
)
def test_the_glass_is_refused_on_closed_case_types_only(db, matrix_world, page, level, persona):
    """Closed means grants only: the glass is refused there; asking for access never is."""
    case = matrix_world.levels[level]
    response = matrix_world.clients[persona].get(sharing_url(page, "case", case.code))
    expected = expected_status(page, "case", LEVEL_STATE, persona)
    if page == "break_glass" and level == "closed" and expected == 200:
        expected = 403
    assert response.status_code == expected

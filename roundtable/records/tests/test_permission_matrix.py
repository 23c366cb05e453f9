"""The record pages' permission matrix: every persona against every record state, for every kind.

Generated from ``matrix.ORACLE`` (persona x state -> sections, written from the rules, never from
``sharing.policy``): for each cell the record page must answer with the exact status, render
exactly the expected sections (``data-section``), list every other section as withheld
(``data-withheld``) with whom to ask, and never put a withheld section's data in the HTML.
"""

from __future__ import annotations

import pytest

from roundtable.records.tests.matrix import (
    BUILT,
    OWNING_TEAM,
    SECTION_MARK,
    SECTIONS,
    WITHHELD_MARK,
    canaries_of,
    cells,
    detail_url,
    expected_sections,
    matrix_world,
    sharing_url,
)

__all__ = ["matrix_world"]  # the module-scoped fixture, imported for pytest to find

OWNING_TEAM_NAME = {"transferred": "Council ASB Team"}


@pytest.mark.parametrize(("kind", "state", "persona"), cells(), ids=["-".join(c) for c in cells()])
def test_record_page_shows_exactly_the_oracles_sections(db, matrix_world, kind, state, persona):
    record = matrix_world.record(kind, state)
    response = matrix_world.clients[persona].get(detail_url(kind, record.code))
    body = response.content.decode()
    expected = expected_sections(kind, state, persona)
    everything = SECTIONS[kind]["ALL"]

    if expected is None:
        assert response.status_code == 404
        assert {c for c in canaries_of(kind, everything) if c in body} == set()
        return

    assert response.status_code == 200
    assert set(SECTION_MARK.findall(body)) == set(expected & BUILT[kind])
    withheld = everything - expected
    if kind == "person" and not expected:
        # A person seen only as a signpost gets the signpost page: name, date of birth, agencies.
        assert 'data-testid="signpost-notice"' in body
        assert not WITHHELD_MARK.findall(body)
    else:
        assert set(WITHHELD_MARK.findall(body)) == set(withheld)
    if withheld:
        owning_team = OWNING_TEAM_NAME.get(state, "Police ASB Team")
        assert owning_team in body
    asks = persona not in OWNING_TEAM[state] and bool(withheld)
    assert (sharing_url("request_access", kind, record.code) in body) is asks
    shown_canaries = canaries_of(kind, expected & BUILT[kind])
    assert {c for c in shown_canaries if c not in body} == set()
    leaked = {c for c in canaries_of(kind, withheld) if c in body}
    assert leaked == set()

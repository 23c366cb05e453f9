"""The record pages' permission matrix: every persona against every record state, for every kind.

Generated from ``matrix.ORACLE`` (persona x state -> sections, written from the rules, never from
``sharing.policy``): for each cell the record page must answer with the exact status, render
exactly the expected sections (``data-section``), list every other section as withheld
(``data-withheld``) with whom to ask, and never put a withheld section's data in the HTML.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.tests.matrix import (
    ACCESS_LEVELS,
    BUILT,
    LEVEL_STATE,
    OWNING_TEAM,
    PERSONAS,
    SECTION_MARK,
    SECTIONS,
    WITHHELD_MARK,
    birth_date,
    canaries_of,
    cells,
    detail_url,
    expected_sections,
    matrix_world,
    sharing_url,
)

__all__ = ["matrix_world"]  # the module-scoped fixture, imported for pytest to find

OWNING_TEAM_NAME = {"transferred": "Council ASB Team"}
OWNING_ORGANISATION_NAME = {"transferred": "Matrixshire Council"}


@pytest.mark.parametrize(("kind", "state", "persona"), cells(), ids=["-".join(c) for c in cells()])
def test_record_page_shows_exactly_the_oracles_sections(db, matrix_world, kind, state, persona):
    record = matrix_world.record(kind, state)
    response = matrix_world.clients[persona].get(detail_url(kind, record.code))
    body = response.content.decode()
    expected = expected_sections(kind, state, persona)
    everything = SECTIONS[kind]["ALL"]

    views = AuditEvent.objects.filter(
        action=Action.VIEW,
        actor=matrix_world.users[persona],
        target_id=str(record.code),
    ).values_list("sections", flat=True)
    if expected is None:
        assert response.status_code == 404
        assert {c for c in canaries_of(kind, everything) if c in body} == set()
        assert not views.exists()
        return

    assert response.status_code == 200
    # The view is audited with exactly the sections rendered.
    assert [set(shown) for shown in views] == [set(expected & BUILT[kind])]
    assert set(SECTION_MARK.findall(body)) == set(expected & BUILT[kind])
    withheld = everything - expected
    if kind == "person" and not expected:
        # A person seen only as a signpost gets the signpost page (ARCHITECTURE.md section 4:
        # name, date of birth and the agencies involved, with "request access"); who holds the
        # record is named by agency, not team.
        assert 'data-testid="signpost-notice"' in body
        assert not WITHHELD_MARK.findall(body)
        assert OWNING_ORGANISATION_NAME.get(state, "Matrixshire Police") in body
    else:
        assert set(WITHHELD_MARK.findall(body)) == set(withheld)
        if withheld:  # and says who holds them
            assert OWNING_TEAM_NAME.get(state, "Police ASB Team") in body
    asks = persona not in OWNING_TEAM[state] and bool(withheld)
    assert (sharing_url("request_access", kind, record.code) in body) is asks
    shown_canaries = canaries_of(kind, expected & BUILT[kind])
    assert {c for c in shown_canaries if c not in body} == set()
    leaked = {c for c in canaries_of(kind, withheld) if c in body}
    assert leaked == set()


#: The owning team's change pages of each kind, as (URL name, extra kwargs). Warning review
#: needs the warning's id, looked up when the URL is built.
EDIT_PAGES: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    "case": (
        ("case_edit", {}),
        ("case_stage", {}),
        ("case_rag", {}),
        ("case_close", {}),
        ("case_member_add", {}),
        ("case_link_add", {}),
    ),
    "premises": (("premises_edit", {}), ("premises_link_add", {})),
    "group": (("group_edit", {}), ("group_member_add", {})),
    "person": (
        ("profile_edit", {}),
        ("profile_edit_part", {"part": "sensitive"}),
        ("profile_edit_part", {"part": "consent"}),
        ("profile_photo_upload", {}),
        *(
            ("profile_item_add", {"item": item})
            for item in (
                "alias",
                "identifier",
                "address",
                "contact",
                "vehicle",
                "warning",
                "relationship",
            )
        ),
        ("profile_warning_review", {"pk": "warning"}),
    ),
}
EDIT_MATRIX = [
    (name, extra, kind, state, persona)
    for kind, state, persona in cells()
    for name, extra in EDIT_PAGES[kind]
]
EDIT_IDS = [
    "-".join([name, *extra.values(), kind, state, persona])
    for name, extra, kind, state, persona in EDIT_MATRIX
]


def _edit_url(name: str, extra: dict[str, str], record: Any) -> str:
    kwargs: dict[str, Any] = {"code": record.code, **extra}
    if extra.get("pk") == "warning":
        kwargs["pk"] = record.warnings.get().pk
    return reverse(f"records:{name}", kwargs=kwargs)


@pytest.mark.parametrize(("name", "extra", "kind", "state", "persona"), EDIT_MATRIX, ids=EDIT_IDS)
def test_only_the_owning_team_opens_a_records_change_pages(
    db, matrix_world, name, extra, kind, state, persona
):
    record = matrix_world.record(kind, state)
    response = matrix_world.clients[persona].get(_edit_url(name, extra, record))
    seen = expected_sections(kind, state, persona)
    owns = persona in OWNING_TEAM[state]
    assert response.status_code == (404 if seen is None else 200 if owns else 403)
    body = response.content.decode()
    hidden_from_viewer = SECTIONS[kind]["ALL"] - (seen or frozenset())
    assert {c for c in canaries_of(kind, hidden_from_viewer) if c in body} == set()


PERSON_CELLS = [cell for cell in cells() if cell[0] == "person"]


@pytest.mark.parametrize(
    ("kind", "state", "persona"), PERSON_CELLS, ids=["-".join(c) for c in PERSON_CELLS]
)
def test_national_search_lists_a_person_as_the_oracle_says(db, matrix_world, kind, state, persona):
    """A person the viewer sees is a full result, one they do not a signpost, hidden: nothing."""
    record = matrix_world.record(kind, state)
    born = birth_date(state)
    terms = {
        "family_name": "Matrixperson",
        "dob_day": str(born.day),
        "dob_month": str(born.month),
        "dob_year": str(born.year),
        "scope": "anywhere",
    }
    response = matrix_world.clients[persona].post(reverse("records:search"), terms)
    if persona == "sysadmin":
        assert response.status_code == 403  # no team to search as
        return
    assert response.status_code == 200
    body = response.content.decode()
    full, _, signposts = body.partition("Other agencies' records (")
    assert signposts, "the results page has two lists"
    row = f'data-code="{record.code}"'
    seen = expected_sections(kind, state, persona)
    assert (row in full) is bool(seen)
    assert (row in signposts) is (seen is not None and not seen)
    hidden_from_viewer = SECTIONS[kind]["ALL"] - (seen or frozenset())
    assert {c for c in canaries_of(kind, hidden_from_viewer) if c in body} == set()


LEVEL_MATRIX = [(level, persona) for level in ACCESS_LEVELS for persona in PERSONAS]
PURPOSE_QUESTION = "Why do you need this record?"


@pytest.mark.parametrize(
    ("level", "persona"), LEVEL_MATRIX, ids=["-".join(c) for c in LEVEL_MATRIX]
)
def test_case_page_at_each_access_level(db, matrix_world, level, persona):
    case = matrix_world.levels[level]
    client = matrix_world.clients[persona]
    url = detail_url("case", case.code)
    expected = expected_sections("case", LEVEL_STATE, persona)
    response = client.get(url)
    if expected is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    asked = level == "audited" and bool(expected) and persona not in OWNING_TEAM[LEVEL_STATE]
    assert (PURPOSE_QUESTION in body) is asked
    if asked:
        # Nothing of the record until the reader says why; then exactly their sections.
        assert SECTION_MARK.findall(body) == []
        assert {c for c in canaries_of("case", SECTIONS["case"]["ALL"]) if c in body} == set()
        answer = client.post(url, {"purpose": "Preparing for a joint home visit (test)"})
        assert answer.status_code == 302
        body = client.get(url).content.decode()
    assert set(SECTION_MARK.findall(body)) == set(expected & BUILT["case"])
    assert {
        c for c in canaries_of("case", SECTIONS["case"]["ALL"] - expected) if c in body
    } == set()

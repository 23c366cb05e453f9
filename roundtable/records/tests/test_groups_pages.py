"""Group pages: create, sections per persona, edit with locking, members with roles and dates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import Group, GroupMember
from roundtable.records.services import places
from roundtable.records.tests.case_helpers import (
    casework,
    hidden_profile,
    page,
    sections_rendered,
    sections_withheld,
)
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import profile_for

SECTIONS = {"summary", "members", "diary", "documents"}
BUILT = {"summary", "members", "documents"}
EXPECTED: dict[str, dict[str, set[str] | None]] = {
    "normal": {"alice": SECTIONS, "bob": {"summary"}, "carol": set(), "dave": set()},
    "granted_to_carol": {
        "alice": SECTIONS,
        "bob": {"summary"},
        "carol": {"summary", "members"},
        "dave": set(),
    },
    "restricted": {"alice": SECTIONS, "bob": set(), "carol": set(), "dave": set()},
    "hidden": {"alice": SECTIONS, "bob": None, "carol": None, "dave": None},
}
MATRIX = [(state, who) for state, row in EXPECTED.items() for who in row]


@pytest.fixture
def work(personas):
    return casework(personas)


def _group(personas, work):
    return places.group_create(
        actor=personas.alice,
        team=work.asb,
        name="Test Street crew",
        kind="gang",
        description="Dealing around the precinct",
    )


@pytest.mark.parametrize(("state", "who"), MATRIX)
def test_group_page_status_and_sections_for_every_persona(personas, work, client_for, state, who):
    group = _group(personas, work)
    if state in ("hidden", "restricted"):
        record_set_visibility(
            actor=personas.alice, record=group, visibility=state, expected_version=0, reason="T"
        )
    if state == "granted_to_carol":
        grant_create(
            actor=personas.alice,
            record=group,
            agreement=work.agreement,
            team=work.council_asb,
            sections=[Section.SUMMARY, Section.MEMBERS],
        )
    expected = EXPECTED[state][who]
    url = reverse("records:group_detail", kwargs={"code": group.code})
    status, body = page(client_for(getattr(personas, who)), url)
    if expected is None:
        assert status == 404
        assert "Test Street crew" not in body
        return
    assert status == 200
    assert sections_rendered(body) == expected & BUILT
    assert sections_withheld(body) == SECTIONS - expected
    assert ("Dealing around the precinct" in body) == ("summary" in expected)
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(group.code)).get()
    assert set(event.sections) == expected & BUILT


def test_owner_adds_a_group_through_the_page(personas, work, client_for):
    response = client_for(personas.alice).post(
        reverse("records:group_create"), {"name": "Household 12", "kind": "household"}
    )
    group = Group.objects.get()
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert AuditEvent.objects.filter(action=Action.CREATE, target_id=str(group.code)).exists()


def test_a_group_without_a_kind_is_a_clear_400(personas, work, client_for):
    response = client_for(personas.alice).post(reverse("records:group_create"), {"name": "X"})
    assert response.status_code == 400
    assert "Select the kind of group" in response.content.decode()
    assert not Group.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 403), ("dave", 403)])
def test_only_the_owning_team_may_edit_a_group(personas, work, client_for, who, status):
    group = _group(personas, work)
    url = reverse("records:group_edit", kwargs={"code": group.code})
    assert client_for(getattr(personas, who)).get(url).status_code == status


def test_stale_group_edit_shows_both_versions_and_overwrites_nothing(personas, work, client_for):
    group = _group(personas, work)
    places.group_update(actor=personas.spoc, group=group, expected_version=0, name="Renamed crew")
    url = reverse("records:group_edit", kwargs={"code": group.code})
    response = client_for(personas.alice).post(
        url, {"name": "Alice's name", "kind": "gang", "version": "0"}
    )
    assert response.status_code == 409
    assert "Renamed crew" in response.content.decode()
    group.refresh_from_db()
    assert group.name == "Renamed crew"


def test_members_are_added_with_roles_and_removed_with_a_reason(personas, work, client_for):
    group = _group(personas, work)
    person = profile_for(personas.alice, work.asb, family_name="Testleader")
    client = client_for(personas.alice)
    add = reverse("records:group_member_add", kwargs={"code": group.code})
    response = client.post(
        add, {"profile": person.code, "role": "Leader", "from_date": "2024-06-01"}
    )
    assert response.status_code == 302
    member = GroupMember.objects.get()
    assert (member.role, str(member.from_date)) == ("Leader", "2024-06-01")
    body = client.get(group.get_absolute_url()).content.decode()
    assert "TESTLEADER" in body
    remove = reverse(
        "records:group_member_remove", kwargs={"code": group.code, "member_id": member.pk}
    )
    assert client.post(remove, {"reason": "Left the area"}).status_code == 302
    assert not GroupMember.objects.exists()


def test_a_hidden_person_cannot_be_added_to_a_group(personas, work, client_for):
    group = _group(personas, work)
    hidden = hidden_profile(personas.bob, work.iom)
    add = reverse("records:group_member_add", kwargs={"code": group.code})
    response = client_for(personas.alice).post(add, {"profile": hidden.code, "role": ""})
    assert response.status_code == 400
    assert not GroupMember.objects.exists()

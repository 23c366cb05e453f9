"""Premises pages: create with a normalised postcode, sections per persona, edit, linked people."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import Premises, PremisesLink
from roundtable.records.services import places
from roundtable.records.tests.case_helpers import (
    casework,
    hidden_profile,
    page,
    sections_rendered,
    sections_withheld,
)
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import profile_for

SECTIONS = {"summary", "members", "diary", "documents"}
BUILT = {"summary", "members", "documents"}
# state -> persona -> sections the viewer may see (None: 404). Colleagues in the owning
# organisation see the summary; carol's team sees nothing without a grant.
EXPECTED: dict[str, dict[str, set[str] | None]] = {
    "normal": {"alice": SECTIONS, "bob": {"summary"}, "carol": set(), "dave": set()},
    "members_granted_to_carol": {
        "alice": SECTIONS,
        "bob": {"summary"},
        "carol": {"members"},
        "dave": set(),
    },
    "hidden": {"alice": SECTIONS, "bob": None, "carol": None, "dave": None},
}
MATRIX = [(state, who) for state, row in EXPECTED.items() for who in row]


@pytest.fixture
def work(personas):
    return casework(personas)


def _premises(personas, work, **fields):
    values = {
        "name": "The Test Arms",
        "kind": "licensed",
        "line1": "1 Test Street",
        "town": "Testbury",
        "postcode": "te5 7st",
        "licence_number": "LN/0001",
    }
    values.update(fields)
    return places.premises_create(actor=personas.alice, team=work.asb, **values)


@pytest.mark.parametrize(("state", "who"), MATRIX)
def test_premises_page_status_and_sections_for_every_persona(
    personas, work, client_for, state, who
):
    premises = _premises(personas, work)
    if state == "hidden":
        record_set_visibility(
            actor=personas.alice,
            record=premises,
            visibility=Visibility.HIDDEN,
            expected_version=0,
            reason="Test",
        )
    if state == "members_granted_to_carol":
        grant_create(
            actor=personas.alice,
            record=premises,
            agreement=work.agreement,
            team=work.council_asb,
            sections=[Section.MEMBERS],
        )
    expected = EXPECTED[state][who]
    url = reverse("records:premises_detail", kwargs={"code": premises.code})
    status, body = page(client_for(getattr(personas, who)), url)
    if expected is None:
        assert status == 404
        assert "Test Arms" not in body
        return
    assert status == 200
    assert sections_rendered(body) == expected & BUILT
    assert sections_withheld(body) == SECTIONS - expected
    assert ("LN/0001" in body) == ("summary" in expected)
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(premises.code)).get()
    assert set(event.sections) == expected & BUILT


def test_owner_adds_premises_and_the_postcode_is_normalised(personas, work, client_for):
    response = client_for(personas.alice).post(
        reverse("records:premises_create"),
        {"name": "Corner shop", "kind": "business", "postcode": "te57st"},
    )
    premises = Premises.objects.get()
    assert response.status_code == 302
    assert premises.postcode == "TE5 7ST"
    assert premises.owning_team == work.asb


def test_a_bad_postcode_is_a_clear_400_and_nothing_is_written(personas, work, client_for):
    response = client_for(personas.alice).post(
        reverse("records:premises_create"),
        {"name": "Corner shop", "kind": "business", "postcode": "NOT A CODE"},
    )
    assert response.status_code == 400
    assert "Enter a real postcode" in response.content.decode()
    assert not Premises.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 403), ("carol", 403)])
def test_only_the_owning_team_may_edit_premises(personas, work, client_for, who, status):
    premises = _premises(personas, work)
    url = reverse("records:premises_edit", kwargs={"code": premises.code})
    assert client_for(getattr(personas, who)).get(url).status_code == status


def test_stale_premises_edit_shows_both_versions_and_overwrites_nothing(personas, work, client_for):
    premises = _premises(personas, work)
    places.premises_update(
        actor=personas.spoc, premises=premises, expected_version=0, name="The New Arms"
    )
    url = reverse("records:premises_edit", kwargs={"code": premises.code})
    response = client_for(personas.alice).post(
        url, {"name": "Alice's Arms", "kind": "licensed", "version": "0"}
    )
    assert response.status_code == 409
    assert "The New Arms" in response.content.decode()
    premises.refresh_from_db()
    assert premises.name == "The New Arms"


def test_people_are_linked_with_role_and_dates_and_removed_with_a_reason(
    personas, work, client_for
):
    premises = _premises(personas, work)
    person = profile_for(personas.alice, work.asb, family_name="Testlicensee")
    client = client_for(personas.alice)
    add = reverse("records:premises_link_add", kwargs={"code": premises.code})
    response = client.post(
        add,
        {"profile": person.code, "role": "dps", "from_date": "01/02/2025", "to_date": "01/01/2025"},
    )
    assert response.status_code == 400
    assert "The end date must be the same as or after the start" in response.content.decode()
    response = client.post(add, {"profile": person.code, "role": "dps", "from_date": "01/02/2025"})
    assert response.status_code == 302
    link = PremisesLink.objects.get()
    assert (link.role, str(link.from_date)) == ("dps", "2025-02-01")
    body = client.get(premises.get_absolute_url()).content.decode()
    assert "TESTLICENSEE" in body
    assert "Designated premises supervisor" in body
    remove = reverse(
        "records:premises_link_remove", kwargs={"code": premises.code, "link_id": link.pk}
    )
    assert client.post(remove, {"reason": ""}).status_code == 400
    assert client.post(remove, {"reason": "Licence transferred"}).status_code == 302
    assert not PremisesLink.objects.exists()


def test_a_hidden_person_cannot_be_linked_to_premises(personas, work, client_for):
    premises = _premises(personas, work)
    hidden = hidden_profile(personas.bob, work.iom)
    add = reverse("records:premises_link_add", kwargs={"code": premises.code})
    response = client_for(personas.alice).post(add, {"profile": hidden.code, "role": "resident"})
    assert response.status_code == 400
    assert "No person with that reference was found" in response.content.decode()
    assert not PremisesLink.objects.exists()

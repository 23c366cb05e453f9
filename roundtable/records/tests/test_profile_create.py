"""Adding a person: likely duplicates are shown before anything is saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import Identifier, Profile
from roundtable.records.tests.profile_helpers import team_of
from roundtable.sharing.models import Visibility
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.factories import profile_for

CREATE = "/records/people/new/"


def person(**changes: str) -> dict[str, str]:
    data = {
        "given_name": "Robin",
        "family_name": "Newperson",
        "preferred_name": "",
        "date_of_birth_0": "12",
        "date_of_birth_1": "6",
        "date_of_birth_2": "1988",
        "gender": "not_known",
        "identifier_kind": "",
        "identifier_value": "",
    }
    data.update(changes)
    return data


def test_the_create_page_has_its_url_name_and_a_form(personas, client_for):
    assert reverse("records:profile_create") == CREATE
    response = client_for(personas.alice).get(CREATE)
    assert response.status_code == 200
    assert 'name="date_of_birth_2"' in response.content.decode()


def test_a_person_with_no_likely_duplicate_is_created_for_the_acting_team(personas, client_for):
    response = client_for(personas.alice).post(
        CREATE, person(identifier_kind="crn", identifier_value="x654321")
    )
    profile = Profile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == profile.get_absolute_url()
    assert profile.owning_team == team_of(personas.alice)
    assert Identifier.objects.get(profile=profile).value == "X654321"
    assert AuditEvent.objects.filter(action=Action.CREATE, target_id=str(profile.code)).exists()


def test_likely_duplicates_are_shown_before_saving_and_the_user_confirms(personas, client_for):
    existing = profile_for(
        personas.carol,
        team_of(personas.carol),
        given_name="Robin",
        family_name="Newperson",
        date_of_birth="1988-06-12",
    )
    client = client_for(personas.alice)
    shown = client.post(CREATE, person())
    assert shown.status_code == 200
    body = shown.content.decode()
    assert f'data-candidate="{existing.code}"' in body
    assert 'data-testid="confirm-new-person"' in body
    assert Profile.objects.count() == 1
    search = AuditEvent.objects.filter(action=Action.SEARCH).latest("id")
    assert search.result_count == 1 and search.search_terms["family_name"] == "Newperson"

    confirmed = client.post(CREATE, {**person(), "confirmed_new": "on"})
    assert confirmed.status_code == 302
    assert Profile.objects.count() == 2


def test_a_hidden_person_is_never_offered_as_a_duplicate_to_outsiders(personas, client_for):
    hidden = profile_for(
        personas.carol,
        team_of(personas.carol),
        given_name="Robin",
        family_name="Newperson",
        date_of_birth="1988-06-12",
    )
    record_set_visibility(
        actor=personas.carol,
        record=hidden,
        visibility=Visibility.HIDDEN,
        expected_version=0,
        reason="Protected witness (test)",
    )
    response = client_for(personas.alice).post(CREATE, person())
    assert response.status_code == 302
    assert str(hidden.code) not in response["Location"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_of_birth_2": "3000"}, "Date of birth must be today or in the past"),
        ({"date_of_birth_0": "30", "date_of_birth_1": "2"}, "Date of birth must be a real date"),
        ({"family_name": ""}, "Enter the last name"),
        ({"identifier_kind": "nhs", "identifier_value": "1234567890"}, "not a valid NHS number"),
        ({"identifier_kind": "nino", "identifier_value": ""}, "Enter the identifier number"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_written(
    personas, client_for, changes, message
):
    response = client_for(personas.alice).post(CREATE, person(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Profile.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CREATE).exists()


def test_someone_without_a_team_cannot_create_people(personas, client_for):
    assert client_for(personas.sysadmin).get(CREATE).status_code == 403

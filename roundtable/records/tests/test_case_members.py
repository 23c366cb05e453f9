"""Case members and links: who may be added, separate roles, removal with a reason, no leaks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import CaseLink, CaseMember, MemberRole
from roundtable.records.services import cases as services
from roundtable.records.services import places
from roundtable.records.tests.case_helpers import casework, hidden_profile, open_case
from roundtable.sharing import policy
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.factories import profile_for


@pytest.fixture
def work(personas):
    return casework(personas)


@pytest.fixture
def case(personas, work):
    return open_case(personas.alice, work.asb, work.case_type)


def _add(client, case, reference, role="victim"):
    url = reverse("records:case_member_add", kwargs={"code": case.code})
    return client.post(url, {"profile": str(reference), "role": role})


def test_owner_adds_a_person_another_team_owns_by_reference(personas, work, case, client_for):
    person = profile_for(personas.carol, work.council_asb)  # a signpost for alice
    response = _add(client_for(personas.alice), case, person.code)
    assert response.status_code == 302
    assert CaseMember.objects.get(case=case).profile == person
    event = AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(case.code)).get()
    assert event.changes == {
        "member_added": [None, {"profile": str(person.code), "role": "victim"}]
    }


def test_pasting_the_persons_page_address_works(personas, work, case, client_for):
    person = profile_for(personas.alice, work.asb)
    url = f"https://roundtable.invalid/records/people/{person.code}/"
    assert _add(client_for(personas.alice), case, url).status_code == 302


def test_victim_and_perpetrator_are_separate_rows_and_a_repeat_is_refused(
    personas, work, case, client_for
):
    person = profile_for(personas.alice, work.asb)
    client = client_for(personas.alice)
    assert _add(client, case, person.code, "victim").status_code == 302
    assert _add(client, case, person.code, "perpetrator").status_code == 302
    repeat = _add(client, case, person.code, "victim")
    assert repeat.status_code == 400
    assert "already in the case in this role" in repeat.content.decode()
    roles = set(CaseMember.objects.filter(case=case).values_list("role", flat=True))
    assert roles == {MemberRole.VICTIM, MemberRole.PERPETRATOR}


def test_a_hidden_person_is_refused_exactly_like_a_missing_one(personas, work, case, client_for):
    hidden = hidden_profile(personas.bob, work.iom)
    client = client_for(personas.alice)
    refused_hidden = _add(client, case, hidden.code)
    refused_missing = _add(client, case, "00000000-0000-4000-8000-000000000000")
    assert refused_hidden.status_code == refused_missing.status_code == 400
    message = services.PROFILE_NOT_FOUND
    assert message in refused_hidden.content.decode()
    assert message in refused_missing.content.decode()
    assert str(hidden.code) not in refused_hidden.content.decode().replace(
        f'value="{hidden.code}"', ""
    )
    assert not CaseMember.objects.exists()


def test_the_service_refuses_a_hidden_person_too(personas, work, case):
    hidden = hidden_profile(personas.bob, work.iom)
    viewer = policy.viewer_for_user(personas.alice)
    with pytest.raises(ValidationError):
        services.case_member_add(
            actor=personas.alice, viewer=viewer, case=case, profile=hidden, role="witness"
        )
    assert not CaseMember.objects.exists()


def test_the_owning_team_of_a_hidden_person_may_add_them(personas, work):
    iom_case = open_case(personas.bob, work.iom, work.case_type)
    hidden = hidden_profile(personas.bob, work.iom)
    assert _add_ok(personas.bob, iom_case, hidden)


def _add_ok(user, case, profile):
    viewer = policy.viewer_for_user(user)
    return services.case_member_add(
        actor=user, viewer=viewer, case=case, profile=profile, role=MemberRole.WITNESS
    )


def test_a_bad_reference_is_a_clear_error(personas, case, client_for):
    response = _add(client_for(personas.alice), case, "not a reference")
    assert response.status_code == 400
    assert "Enter the record&#x27;s reference" in response.content.decode()


def test_partner_cannot_add_members(personas, work, case, client_for):
    person = profile_for(personas.carol, work.council_asb)
    assert _add(client_for(personas.carol), case, person.code).status_code == 403
    assert not CaseMember.objects.exists()


def test_removing_a_member_needs_a_reason_and_is_audited(personas, work, case, client_for):
    member = _add_ok(personas.alice, case, profile_for(personas.alice, work.asb))
    url = reverse("records:case_member_remove", kwargs={"code": case.code, "member_id": member.pk})
    client = client_for(personas.alice)
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    assert CaseMember.objects.exists()
    assert client.post(url, {"reason": "Added in error"}).status_code == 302
    assert not CaseMember.objects.exists()
    event = AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(case.code)).latest("id")
    assert event.justification == "Added in error"
    assert "member_removed" in event.changes


def test_partner_cannot_remove_a_member(personas, work, case, client_for):
    member = _add_ok(personas.alice, case, profile_for(personas.alice, work.asb))
    url = reverse("records:case_member_remove", kwargs={"code": case.code, "member_id": member.pk})
    assert client_for(personas.carol).post(url, {"reason": "Mine now"}).status_code == 403
    assert CaseMember.objects.exists()


def test_premises_and_groups_are_linked_and_unlinked(personas, work, case, client_for):
    premises = places.premises_create(
        actor=personas.alice, team=work.asb, name="The Test Arms", kind="licensed"
    )
    group = places.group_create(
        actor=personas.carol, team=work.council_asb, name="Test Street crew", kind="peer_group"
    )
    client = client_for(personas.alice)
    url = reverse("records:case_link_add", kwargs={"code": case.code})
    assert client.post(url, {"kind": "premises", "reference": premises.code}).status_code == 302
    assert client.post(url, {"kind": "group", "reference": group.code}).status_code == 302
    again = client.post(url, {"kind": "group", "reference": group.code})
    assert again.status_code == 400
    body = client.get(reverse("records:case_detail", kwargs={"code": case.code})).content.decode()
    assert "The Test Arms" in body
    assert "Test Street crew" in body
    link = CaseLink.objects.get(premises=premises)
    remove = reverse("records:case_link_remove", kwargs={"code": case.code, "link_id": link.pk})
    assert client.post(remove, {"reason": "Wrong pub"}).status_code == 302
    assert list(CaseLink.objects.values_list("group", flat=True)) == [group.pk]


def test_a_hidden_group_cannot_be_linked_or_discovered(personas, work, case, client_for):
    group = places.group_create(actor=personas.bob, team=work.iom, name="Covert OCG", kind="ocg")
    record_set_visibility(
        actor=personas.bob, record=group, visibility="hidden", expected_version=0, reason="Covert"
    )
    url = reverse("records:case_link_add", kwargs={"code": case.code})
    response = client_for(personas.alice).post(url, {"kind": "group", "reference": group.code})
    assert response.status_code == 400
    assert services.LINK_NOT_FOUND in response.content.decode()
    assert not CaseLink.objects.exists()

"""The record's Sharing page: share, end a share, change visibility; who may and who may not."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.sharing import policy
from roundtable.sharing.models import ShareGrant, Visibility
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.conftest import assert_access_table_is_exact
from roundtable.sharing.tests.factories import agreement_between


def url(name, record, **extra):
    from django.urls import reverse

    return reverse(f"sharing:{name}", kwargs={"kind": "person", "code": record.code, **extra})


def carol_sees(personas, record):
    return policy.sections(policy.viewer_for_user(personas.carol), record)


def test_owner_sees_the_sharing_page_with_current_shares(personas, world, client_for):
    grant_create(
        actor=personas.alice,
        record=world.jordan,
        agreement=world.agreement,
        team=world.carol_team,
        sections=[Section.IDENTITY],
    )
    response = client_for(personas.alice).get(url("record_sharing", world.jordan))
    assert response.status_code == 200
    assert b"Council ASB Team" in response.content
    assert b"ISA-TEST-001" in response.content


@pytest.mark.parametrize("who", ["bob", "carol", "dave"])
def test_anyone_but_the_owning_team_is_refused_the_sharing_page(personas, world, client_for, who):
    response = client_for(getattr(personas, who)).get(url("record_sharing", world.jordan))
    assert response.status_code == 403


def test_hidden_record_sharing_page_is_404_for_outsiders(personas, world, client_for):
    record_set_visibility(
        actor=personas.alice,
        record=world.jordan,
        visibility=Visibility.HIDDEN,
        expected_version=world.jordan.version,
        reason="Protected witness",
    )
    assert client_for(personas.carol).get(url("share", world.jordan)).status_code == 404


def test_unknown_record_and_unknown_kind_are_404(personas, world, client_for):
    client = client_for(personas.alice)
    missing = url("record_sharing", world.jordan).replace(str(world.jordan.code), str(uuid.uuid4()))
    assert client.get(missing).status_code == 404
    assert client.get(f"/sharing/spaceship/{world.jordan.code}/").status_code == 404
    # The right code under the wrong kind is a different record: it does not exist.
    assert client.get(f"/sharing/case/{world.jordan.code}/").status_code == 404


def test_share_offers_only_recipients_and_agreements_covering_both_organisations(
    personas, world, client_for
):
    agreement_between(
        world.alice_team.organisation, world.far_team.organisation, reference="ISA-FAR"
    )
    police_only = agreement_between(world.alice_team.organisation, reference="ISA-SOLO")
    client = client_for(personas.alice)
    picker = client.get(url("share", world.jordan))
    assert b"Elsewhere ASB Team" in picker.content
    assert b"Council ASB Team" in picker.content

    page = client.get(url("share", world.jordan), {"to": f"team:{world.carol_team.code}"})
    assert page.status_code == 200
    assert b"ISA-TEST-001" in page.content
    assert b"ISA-FAR" not in page.content
    assert police_only.reference.encode() not in page.content


def test_owner_shares_sections_with_a_team_and_it_is_audited(personas, world, client_for):
    response = client_for(personas.alice).post(
        url("share", world.jordan) + f"?to=team:{world.carol_team.code}",
        {
            "sections": [Section.IDENTITY, Section.WARNINGS],
            "agreement": world.agreement.pk,
            "expires_on": "",
            "reason": "Joint visit planned",
        },
    )
    assert response.status_code == 302
    assert carol_sees(personas, world.jordan) == {Section.IDENTITY, Section.WARNINGS}
    event = AuditEvent.objects.get(action=Action.SHARE)
    assert event.justification == "Joint visit planned"
    assert_access_table_is_exact(world.jordan)


def test_share_with_a_past_end_date_is_a_field_error_and_writes_nothing(
    personas, world, client_for
):
    response = client_for(personas.alice).post(
        url("share", world.jordan) + f"?to=team:{world.carol_team.code}",
        {
            "sections": [Section.IDENTITY],
            "agreement": world.agreement.pk,
            "expires_on": "1/1/2020",
            "reason": "r",
        },
    )
    assert response.status_code == 200
    assert b"The end date must be today or in the future" in response.content
    assert b"govuk-error-summary" in response.content
    assert not ShareGrant.objects.exists()


def test_share_with_an_impossible_date_is_a_field_error(personas, world, client_for):
    response = client_for(personas.alice).post(
        url("share", world.jordan) + f"?to=team:{world.carol_team.code}",
        {
            "sections": [Section.IDENTITY],
            "agreement": world.agreement.pk,
            "expires_on": "31/2/2030",
            "reason": "r",
        },
    )
    assert b"as a real date" in response.content
    assert not ShareGrant.objects.exists()


def test_share_without_an_agreement_is_refused_and_writes_nothing(personas, world, client_for):
    other = agreement_between(world.alice_team.organisation, reference="ISA-SOLO")
    response = client_for(personas.alice).post(
        url("share", world.jordan) + f"?to=team:{world.carol_team.code}",
        {"sections": [Section.IDENTITY], "agreement": other.pk, "reason": "r"},
    )
    assert response.status_code == 200
    assert b"Select an agreement from the list" in response.content
    response = client_for(personas.alice).post(
        url("share", world.jordan) + f"?to=team:{world.carol_team.code}",
        {"sections": [Section.IDENTITY], "reason": "r"},
    )
    assert b"Select the agreement this share is made under" in response.content
    assert not ShareGrant.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.SHARE).exists()


def test_share_beyond_the_agreement_shows_the_reason_from_agreement_problem(
    personas, world, client_for
):
    from roundtable.sharing.sections import to_mask

    narrow = agreement_between(
        world.alice_team.organisation,
        world.carol_team.organisation,
        reference="ISA-NARROW",
        max_sections=to_mask([Section.IDENTITY]),
    )
    response = client_for(personas.alice).post(
        url("share", world.jordan) + f"?to=team:{world.carol_team.code}",
        {"sections": [Section.SENSITIVE], "agreement": narrow.pk, "reason": "r"},
    )
    assert b"does not allow Testshire District Council to receive" in response.content
    assert not ShareGrant.objects.exists()


def test_section_of_another_record_kind_is_refused(personas, world, client_for):
    response = client_for(personas.alice).post(
        url("share", world.jordan) + f"?to=team:{world.carol_team.code}",
        {"sections": [Section.TASKS], "agreement": world.agreement.pk, "reason": "r"},
    )
    assert b"Select only sections listed here" in response.content
    assert not ShareGrant.objects.exists()


def test_recipient_outside_every_agreement_is_refused(personas, world, client_for):
    response = client_for(personas.alice).get(
        url("share", world.jordan), {"to": f"team:{world.far_team.code}"}
    )
    assert b"Select a team or an organisation from the list" in response.content


def test_owner_ends_a_share_with_a_reason(personas, world, client_for):
    grant = grant_create(
        actor=personas.alice,
        record=world.jordan,
        agreement=world.agreement,
        organisation=world.carol_team.organisation,
        sections=[Section.IDENTITY],
    )
    client = client_for(personas.alice)
    end = url("revoke", world.jordan, grant=grant.code)
    refused = client.post(end, {"reason": ""})
    assert b"Enter reason for ending the share" in refused.content
    assert carol_sees(personas, world.jordan) == {Section.IDENTITY}

    assert client.post(end, {"reason": "Work finished"}).status_code == 302
    assert carol_sees(personas, world.jordan) == frozenset()
    assert AuditEvent.objects.get(action=Action.UNSHARE).justification == "Work finished"
    assert_access_table_is_exact(world.jordan)


def test_colleague_cannot_end_a_share(personas, world, client_for):
    grant = grant_create(
        actor=personas.alice,
        record=world.jordan,
        agreement=world.agreement,
        team=world.carol_team,
        sections=[Section.IDENTITY],
    )
    response = client_for(personas.bob).post(
        url("revoke", world.jordan, grant=grant.code), {"reason": "x"}
    )
    assert response.status_code == 403
    assert carol_sees(personas, world.jordan) == {Section.IDENTITY}


def test_owner_changes_visibility_with_a_reason_and_a_stale_form_is_refused(
    personas, world, client_for
):
    client = client_for(personas.alice)
    stale = client.post(
        url("visibility", world.jordan),
        {"visibility": Visibility.HIDDEN, "reason": "Covert", "version": world.jordan.version + 3},
    )
    assert b"Someone else changed this record" in stale.content
    world.jordan.refresh_from_db()
    assert world.jordan.visibility == Visibility.NORMAL

    done = client.post(
        url("visibility", world.jordan),
        {"visibility": Visibility.HIDDEN, "reason": "Covert", "version": world.jordan.version},
    )
    assert done.status_code == 302
    world.jordan.refresh_from_db()
    assert world.jordan.visibility == Visibility.HIDDEN
    assert_access_table_is_exact(world.jordan)


def test_time_limited_share_ends_after_its_end_date(personas, world, client_for):
    import time_machine

    client_for(personas.alice).post(
        url("share", world.jordan) + f"?to=team:{world.carol_team.code}",
        {
            "sections": [Section.IDENTITY],
            "agreement": world.agreement.pk,
            "expires_on": (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y"),
            "reason": "Short job",
        },
    )
    assert carol_sees(personas, world.jordan) == {Section.IDENTITY}
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert carol_sees(personas, world.jordan) == frozenset()
        assert_access_table_is_exact(world.jordan)

"""The 'audited' access level: readers outside the owning team state a purpose first."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import CaseTypeShareDefault
from roundtable.sharing.models import AccessLevel
from roundtable.sharing.sections import Section, to_mask
from roundtable.sharing.tests.factories import agreement_between, case_for, case_type_for


@pytest.fixture
def audited_case(personas):
    alice = personas.alice
    case_type = case_type_for(
        alice.organisation.partnership,
        name="Domestic abuse",
        prefix="DA",
        access_level=AccessLevel.AUDITED,
    )
    agreement = agreement_between(alice.organisation, personas.carol.organisation)
    CaseTypeShareDefault.objects.create(
        case_type=case_type,
        agreement=agreement,
        team=personas.carol.memberships.get().team,
        sections=to_mask([Section.SUMMARY]),
    )
    return case_for(
        alice, alice.memberships.get().team, case_type, title="Repeat incidents at a test address"
    )


def test_partner_is_asked_for_a_purpose_and_sees_nothing_of_the_case_first(
    personas, client_for, audited_case
):
    response = client_for(personas.carol).get(
        reverse("records:case_detail", kwargs={"code": audited_case.code})
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Why do you need this record?" in body
    assert "Repeat incidents at a test address" not in body
    assert not AuditEvent.objects.filter(
        action=Action.VIEW, target_id=str(audited_case.code)
    ).exists()


def test_stated_purpose_is_audited_with_the_view_and_remembered_for_twenty_minutes(
    personas, client_for, audited_case
):
    client = client_for(personas.carol)
    url = reverse("records:case_detail", kwargs={"code": audited_case.code})

    response = client.post(url, {"purpose": "Preparing for tomorrow's joint visit"})
    assert response.status_code == 302
    page = client.get(url).content.decode()

    assert "Repeat incidents at a test address" in page
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(audited_case.code)).latest(
        "id"
    )
    assert event.justification == "Preparing for tomorrow's joint visit"
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=15)):
        assert "Repeat incidents at a test address" in client.get(url).content.decode()
    with time_machine.travel(start + timedelta(minutes=25)):
        assert "Why do you need this record?" in client.get(url).content.decode()


def test_too_short_a_purpose_is_refused_with_a_message(personas, client_for, audited_case):
    response = client_for(personas.carol).post(
        reverse("records:case_detail", kwargs={"code": audited_case.code}), {"purpose": "visit"}
    )

    assert response.status_code == 400
    assert "Give a little more detail" in response.content.decode()
    assert not AuditEvent.objects.filter(
        action=Action.VIEW, target_id=str(audited_case.code)
    ).exists()


def test_owning_team_is_never_asked(personas, client_for, audited_case):
    page = client_for(personas.alice).get(
        reverse("records:case_detail", kwargs={"code": audited_case.code})
    )

    assert "Repeat incidents at a test address" in page.content.decode()

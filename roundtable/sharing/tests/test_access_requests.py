"""Access requests: ask from a signpost, answer from the owning team's inbox, the asker is told."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.sharing import policy
from roundtable.sharing.models import (
    AccessRequest,
    AccessSource,
    RequestStatus,
    ShareGrant,
    Visibility,
)
from roundtable.sharing.sections import Section
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.services.requests import access_request_create
from roundtable.sharing.tests.conftest import assert_access_table_is_exact
from roundtable.sharing.tests.factories import agreement_between


def ask_url(record):
    return reverse("sharing:request_access", kwargs={"kind": "person", "code": record.code})


def strip_nonce(content: bytes) -> bytes:
    """The page without its per-request tokens (CSP nonce, CSRF token)."""
    content = re.sub(rb'nonce="[^"]*"', b"", content)
    content = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def carol_sees(personas, record):
    return policy.sections(policy.viewer_for_user(personas.carol), record)


def ask(personas, world, **extra):
    values: dict[str, Any] = {
        "sections": [Section.IDENTITY, Section.CONTACT],
        "reason": "Joint visit",
    }
    values.update(extra)
    return access_request_create(
        actor=personas.carol, team=world.carol_team, record=world.jordan, **values
    )


def test_viewer_of_a_signpost_asks_for_sections_and_it_is_audited(
    personas, world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.carol).post(
            ask_url(world.jordan),
            {"sections": [Section.IDENTITY], "reason": "Neighbour dispute follow-up"},
        )
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    assert request.owning_team == world.alice_team
    event = AuditEvent.objects.get(action=Action.ACCESS_REQUEST)
    assert event.justification == "Neighbour dispute follow-up"
    # The owning team's manager (spoc) is told, with no personal data.
    assert [message.to for message in mail.outbox] == [[personas.spoc.email]]
    body = mail.outbox[0].body
    assert "Jordan" not in body and "Testperson" not in body and "1990" not in body
    assert "Neighbour dispute" not in body
    assert str(request.code) in body


def test_owning_team_cannot_ask_for_its_own_record(personas, world, client_for):
    assert client_for(personas.alice).get(ask_url(world.jordan)).status_code == 403


def test_asking_about_a_missing_or_hidden_record_is_404_and_writes_nothing(
    personas, world, client_for
):
    client = client_for(personas.carol)
    missing = ask_url(world.jordan).replace(str(world.jordan.code), str(uuid.uuid4()))
    record_set_visibility(
        actor=personas.alice,
        record=world.jordan,
        visibility=Visibility.HIDDEN,
        expected_version=world.jordan.version,
        reason="Covert",
    )
    hidden = client.post(ask_url(world.jordan), {"sections": ["identity"], "reason": "x"})
    gone = client.post(missing, {"sections": ["identity"], "reason": "x"})
    assert hidden.status_code == gone.status_code == 404
    assert strip_nonce(hidden.content) == strip_nonce(gone.content)
    assert not AccessRequest.objects.exists()


def test_request_without_a_reason_or_sections_is_a_field_error(personas, world, client_for):
    response = client_for(personas.carol).post(ask_url(world.jordan), {"reason": ""})
    assert b"Select at least one section" in response.content
    assert b"Enter why does your team need them?" in response.content
    assert not AccessRequest.objects.exists()


def test_duplicate_pending_request_from_the_same_team_is_refused(personas, world, client_for):
    ask(personas, world)
    response = client_for(personas.carol).post(
        ask_url(world.jordan), {"sections": [Section.IDENTITY], "reason": "Again"}
    )
    assert b"already asked for access" in response.content
    assert AccessRequest.objects.count() == 1


def test_only_the_owning_teams_managers_see_the_inbox(personas, world, client_for):
    ask(personas, world)
    manager = client_for(personas.spoc).get(reverse("sharing:request_inbox"))
    assert manager.status_code == 200
    assert b"Carol Copperfield" in manager.content
    assert client_for(personas.alice).get(reverse("sharing:request_inbox")).status_code == 403
    # Another team's manager has an empty inbox and cannot open the request.
    other = client_for(world.iom_manager)
    assert b"Carol Copperfield" not in other.get(reverse("sharing:request_inbox")).content
    request = AccessRequest.objects.get()
    answer = reverse("sharing:request_answer", kwargs={"code": request.code})
    assert other.get(answer).status_code == 404


def test_home_page_shows_the_manager_how_many_requests_wait(personas, world, client_for):
    ask(personas, world)
    page = client_for(personas.spoc).get("/")
    assert b'data-testid="pending-requests">1<' in page.content
    assert b"pending-requests" not in client_for(personas.alice).get("/").content


def test_manager_grants_time_limited_access_under_an_agreement(
    personas, world, client_for, django_capture_on_commit_callbacks
):
    request = ask(personas, world)
    answer = reverse("sharing:request_answer", kwargs={"code": request.code})
    until = timezone.localdate() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.spoc).post(
            answer,
            {
                "decision": "grant",
                "grant-sections": [Section.IDENTITY],
                "grant-agreement": world.agreement.pk,
                "grant-expires_on": until.strftime("%d/%m/%Y"),
                "grant-reason": "Agreed for the visit only",
            },
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.GRANTED
    assert request.grant.origin == AccessSource.ACCESS_REQUEST
    assert carol_sees(personas, world.jordan) == {Section.IDENTITY}
    assert AuditEvent.objects.filter(action=Action.ACCESS_ANSWER).count() == 1
    assert_access_table_is_exact(world.jordan)

    # The asker is told, by email without personal data and on their page.
    answer_mail = [message for message in mail.outbox if message.to == [personas.carol.email]]
    assert len(answer_mail) == 1
    assert "granted" in answer_mail[0].body
    assert "Jordan" not in answer_mail[0].body and "visit only" not in answer_mail[0].body
    mine = client_for(personas.carol).get(reverse("sharing:my_requests"))
    assert b"Agreed for the visit only" in mine.content

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert carol_sees(personas, world.jordan) == frozenset()
        assert_access_table_is_exact(world.jordan)


def test_grant_under_an_agreement_not_covering_the_asker_is_refused(personas, world, client_for):
    request = ask(personas, world)
    police_only = agreement_between(world.alice_team.organisation, reference="ISA-SOLO")
    response = client_for(personas.spoc).post(
        reverse("sharing:request_answer", kwargs={"code": request.code}),
        {
            "decision": "grant",
            "grant-sections": [Section.IDENTITY],
            "grant-agreement": police_only.pk,
            "grant-reason": "x",
        },
    )
    assert b"Select an agreement from the list" in response.content
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert not ShareGrant.objects.exists()


def test_manager_cannot_grant_more_than_was_asked(personas, world, client_for):
    request = ask(personas, world, sections=[Section.IDENTITY])
    response = client_for(personas.spoc).post(
        reverse("sharing:request_answer", kwargs={"code": request.code}),
        {
            "decision": "grant",
            "grant-sections": [Section.SENSITIVE],
            "grant-agreement": world.agreement.pk,
            "grant-reason": "x",
        },
    )
    assert b"Select only sections listed here" in response.content
    assert not ShareGrant.objects.exists()


def test_manager_refuses_with_a_reason_and_the_asker_reads_it(
    personas, world, client_for, django_capture_on_commit_callbacks
):
    request = ask(personas, world)
    answer = reverse("sharing:request_answer", kwargs={"code": request.code})
    client = client_for(personas.spoc)
    empty = client.post(answer, {"decision": "refuse", "refuse-reason": ""})
    assert b"Enter reason for refusing" in empty.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer, {"decision": "refuse", "refuse-reason": "Not proportionate"})
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert carol_sees(personas, world.jordan) == frozenset()
    assert "refused" in mail.outbox[-1].body
    assert "Not proportionate" not in mail.outbox[-1].body
    mine = client_for(personas.carol).get(reverse("sharing:my_requests"))
    assert b"Not proportionate" in mine.content
    # Answered once: a second answer changes nothing.
    client.post(answer, {"decision": "refuse", "refuse-reason": "Again"})
    assert AuditEvent.objects.filter(action=Action.ACCESS_ANSWER).count() == 1


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_practitioners_and_other_teams_cannot_answer(personas, world, client_for, who):
    request = ask(personas, world)
    response = client_for(getattr(personas, who)).post(
        reverse("sharing:request_answer", kwargs={"code": request.code}),
        {"decision": "refuse", "refuse-reason": "x"},
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING

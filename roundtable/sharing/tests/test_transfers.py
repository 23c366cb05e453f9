"""Transfers of ownership: offer, accept (consent re-confirmed), reject, revoke."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import ConsentStatus
from roundtable.sharing import policy
from roundtable.sharing.models import AccessRequest, Transfer, TransferStatus
from roundtable.sharing.sections import Section
from roundtable.sharing.services.requests import access_request_create
from roundtable.sharing.services.transfers import transfer_offer
from roundtable.sharing.tests.conftest import assert_access_table_is_exact


def offer_url(record):
    return reverse("sharing:transfer_offer", kwargs={"kind": "person", "code": record.code})


def offer(personas, world, team=None):
    return transfer_offer(
        actor=personas.spoc,
        record=world.jordan,
        to_team=team or world.carol_team,
        reason="The council leads now",
    )


def test_owning_team_manager_offers_and_receiving_managers_are_told(
    personas, world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.spoc).post(
            offer_url(world.jordan), {"to_team": world.carol_team.pk, "reason": "Council leads"}
        )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.snapshot["offered"]["from"]["team"] == "ASB Team"
    assert transfer.snapshot["offered"]["to"]["organisation"] == "Testshire District Council"
    assert transfer.snapshot["offered"]["record"]["consent_status"] == ConsentStatus.NOT_SOUGHT
    assert AuditEvent.objects.filter(action=Action.TRANSFER).count() == 1
    assert [message.to for message in mail.outbox] == [[world.council_manager.email]]
    assert "Jordan" not in mail.outbox[0].body


def test_practitioners_and_outsiders_cannot_offer(personas, world, client_for):
    for who in (personas.alice, personas.bob, personas.carol):
        response = client_for(who).post(
            offer_url(world.jordan), {"to_team": world.carol_team.pk, "reason": "x"}
        )
        assert response.status_code == 403
    assert not Transfer.objects.exists()


def test_a_second_offer_while_one_waits_is_refused(personas, world, client_for):
    offer(personas, world)
    response = client_for(personas.spoc).post(
        offer_url(world.jordan), {"to_team": world.iom_team.pk, "reason": "x"}
    )
    assert b"already been offered" in response.content
    assert Transfer.objects.count() == 1


def test_receiving_manager_accepts_reconfirming_consent_and_ownership_moves(
    personas, world, client_for
):
    access_request_create(
        actor=personas.bob,
        team=world.iom_team,
        record=world.jordan,
        sections=[Section.DIARY],
        reason="Offender management",
    )
    transfer = offer(personas, world)
    accept = reverse("sharing:transfer_accept", kwargs={"code": transfer.code})
    client = client_for(world.council_manager)
    unconfirmed = client.post(accept, {"accept-consent_status": ConsentStatus.GIVEN})
    assert b"Confirm that you have checked consent" in unconfirmed.content
    world.jordan.refresh_from_db()
    assert world.jordan.owning_team == world.alice_team

    response = client.post(
        accept,
        {"accept-consent_confirmed": "on", "accept-consent_status": ConsentStatus.GIVEN},
    )
    assert response.status_code == 302
    world.jordan.refresh_from_db()
    assert world.jordan.owning_team == world.carol_team
    assert world.jordan.owning_organisation == world.carol_team.organisation
    assert world.jordan.consent_status == ConsentStatus.GIVEN
    assert world.jordan.consent_recorded_at is not None
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    assert transfer.consent_reconfirmed
    accepted = transfer.snapshot["accepted"]
    assert accepted["record_before"]["consent_status"] == ConsentStatus.NOT_SOUGHT
    assert accepted["record_after"]["consent_status"] == ConsentStatus.GIVEN
    # The new owner sees everything; the old one only what its organisation default allows now.
    carol = policy.viewer_for_user(personas.carol)
    assert policy.is_owner(carol, world.jordan)
    assert policy.sections(policy.viewer_for_user(personas.alice), world.jordan) == frozenset()
    assert AccessRequest.objects.get().owning_team == world.carol_team
    assert AuditEvent.objects.filter(action=Action.TRANSFER).count() == 2
    assert_access_table_is_exact(world.jordan)


def test_only_the_receiving_teams_managers_may_accept(personas, world, client_for):
    transfer = offer(personas, world)
    accept = reverse("sharing:transfer_accept", kwargs={"code": transfer.code})
    data = {"accept-consent_confirmed": "on", "accept-consent_status": ConsentStatus.GIVEN}
    assert client_for(personas.carol).post(accept, data).status_code == 403
    assert client_for(personas.spoc).post(accept, data).status_code == 403
    assert client_for(world.iom_manager).post(accept, data).status_code == 404
    world.jordan.refresh_from_db()
    assert world.jordan.owning_team == world.alice_team


def test_receiving_manager_rejects_with_a_reason(personas, world, client_for):
    transfer = offer(personas, world)
    reject = reverse("sharing:transfer_reject", kwargs={"code": transfer.code})
    client = client_for(world.council_manager)
    assert b"Enter reason for rejecting" in client.post(reject, {"reject-reason": ""}).content
    assert client.post(reject, {"reject-reason": "Not our area"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    world.jordan.refresh_from_db()
    assert world.jordan.owning_team == world.alice_team
    assert_access_table_is_exact(world.jordan)


def test_offering_manager_revokes_while_pending_and_then_it_cannot_be_accepted(
    personas, world, client_for
):
    transfer = offer(personas, world)
    revoke = reverse("sharing:transfer_revoke", kwargs={"code": transfer.code})
    assert client_for(world.council_manager).post(revoke, {"revoke-reason": "x"}).status_code == 403
    assert (
        client_for(personas.spoc).post(revoke, {"revoke-reason": "Sent in error"}).status_code
        == 302
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REVOKED
    accept = reverse("sharing:transfer_accept", kwargs={"code": transfer.code})
    client_for(world.council_manager).post(
        accept, {"accept-consent_confirmed": "on", "accept-consent_status": ConsentStatus.GIVEN}
    )
    world.jordan.refresh_from_db()
    assert world.jordan.owning_team == world.alice_team
    assert [e.detail["step"] for e in AuditEvent.objects.filter(action=Action.TRANSFER)] == [
        "revoked",
        "offered",
    ]


def test_transfer_pages_list_offers_both_ways(personas, world, client_for):
    offer(personas, world)
    receiving = client_for(world.council_manager).get(reverse("sharing:transfer_list"))
    assert b'data-testid="incoming"' in receiving.content
    offering = client_for(personas.spoc).get(reverse("sharing:transfer_list"))
    assert b'data-testid="outgoing"' in offering.content
    home = client_for(world.council_manager).get("/")
    assert b'data-testid="incoming-transfers">1<' in home.content

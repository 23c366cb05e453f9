"""Break the glass: reason required, access for a few hours, owners alerted, it stands out."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import CaseType
from roundtable.sharing import policy
from roundtable.sharing.models import AccessLevel, BreakGlass, Visibility
from roundtable.sharing.sections import Section
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.conftest import assert_access_table_is_exact
from roundtable.sharing.tests.factories import case_for, case_type_for

EVERY_PROFILE_SECTION = frozenset(
    {
        Section.IDENTITY,
        Section.CONTACT,
        Section.SENSITIVE,
        Section.WARNINGS,
        Section.RELATIONSHIPS,
        Section.DIARY,
        Section.DOCUMENTS,
        Section.RISK,
        Section.OFFENDING,
    }
)


def glass_url(record, kind="person"):
    return reverse("sharing:break_glass", kwargs={"kind": kind, "code": record.code})


def carol_sees(personas, record):
    return policy.sections(policy.viewer_for_user(personas.carol), record)


def test_breaking_the_glass_opens_the_record_for_three_hours_and_alerts_the_owners(
    personas, world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.carol).post(
            glass_url(world.jordan), {"reason": "Officer attending a violent incident now"}
        )
    assert response.status_code == 302
    assert carol_sees(personas, world.jordan) == EVERY_PROFILE_SECTION
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    assert event.justification == "Officer attending a violent incident now"
    assert_access_table_is_exact(world.jordan)

    assert [message.to for message in mail.outbox] == [[personas.spoc.email]]
    body = mail.outbox[0].body
    assert "Jordan" not in body and "Testperson" not in body
    assert "violent incident" not in body
    assert str(world.jordan.code) in body

    page = client_for(personas.spoc).get("/")
    assert b'data-testid="glass-alert"' in page.content
    assert b"Carol Copperfield" in page.content

    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=59)):
        assert carol_sees(personas, world.jordan) == EVERY_PROFILE_SECTION
    with time_machine.travel(timezone.now() + timedelta(hours=3, minutes=1)):
        assert carol_sees(personas, world.jordan) == frozenset()
        assert_access_table_is_exact(world.jordan)
        assert b"glass-alert" not in client_for(personas.spoc).get("/").content


@override_settings(BREAK_GLASS_HOURS=1)
def test_break_glass_lasts_the_configured_hours(personas, world, client_for):
    client_for(personas.carol).post(glass_url(world.jordan), {"reason": "Urgent"})
    glass = BreakGlass.objects.get()
    assert timedelta(minutes=59) < glass.expires_at - glass.created_at <= timedelta(hours=1)


def test_break_glass_needs_a_reason_and_writes_nothing_without_one(personas, world, client_for):
    response = client_for(personas.carol).post(glass_url(world.jordan), {"reason": "  "})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert not BreakGlass.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.BREAK_GLASS).exists()


def test_a_second_break_glass_while_one_is_open_is_refused(personas, world, client_for):
    client = client_for(personas.carol)
    client.post(glass_url(world.jordan), {"reason": "Urgent"})
    again = client.post(glass_url(world.jordan), {"reason": "Again"})
    assert b"already has emergency access" in again.content
    assert BreakGlass.objects.count() == 1


def test_owner_cannot_break_the_glass_on_their_own_record(personas, world, client_for):
    assert client_for(personas.alice).get(glass_url(world.jordan)).status_code == 403


def test_hidden_record_cannot_be_broken_into_and_gives_no_hint(personas, world, client_for):
    record_set_visibility(
        actor=personas.alice,
        record=world.jordan,
        visibility=Visibility.HIDDEN,
        expected_version=world.jordan.version,
        reason="Covert",
    )
    response = client_for(personas.carol).post(glass_url(world.jordan), {"reason": "Urgent"})
    assert response.status_code == 404
    assert not BreakGlass.objects.exists()


def test_closed_case_type_refuses_break_glass_and_protected_allows_it(personas, world, client_for):
    partnership = world.alice_team.organisation.partnership
    closed = case_type_for(partnership, access_level=AccessLevel.CLOSED)
    protected = case_type_for(
        partnership, name="Stalking", prefix="STK", access_level=AccessLevel.PROTECTED
    )
    closed_case = case_for(personas.alice, world.alice_team, closed)
    protected_case = case_for(personas.alice, world.alice_team, protected)
    client = client_for(personas.carol)
    assert client.post(glass_url(closed_case, "case"), {"reason": "x"}).status_code == 403
    assert client.post(glass_url(protected_case, "case"), {"reason": "x"}).status_code == 302
    assert CaseType.objects.count() == 2
    assert BreakGlass.objects.get().record_id == protected_case.pk
    assert_access_table_is_exact(protected_case)


def test_break_glass_stands_out_in_the_auditors_search(personas, world, client_for):
    client_for(personas.dave).post(glass_url(world.jordan), {"reason": "Cross-border pursuit"})
    audrey = client_for(personas.audrey)
    response = audrey.get(
        reverse("sharing:who_viewed", kwargs={"kind": "person", "code": world.jordan.code}),
        {"purpose": "lawfulness"},
    )
    assert b"govuk-tag--red" in response.content
    assert b"Broke the glass" in response.content

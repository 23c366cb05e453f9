"""Watching a record from its page, stopping, and the list of records one watches (both sides)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.services import places as place_services
from roundtable.records.tests.case_helpers import hidden_profile, open_case
from roundtable.sharing.tests.factories import profile_for
from roundtable.tasking.models import Watch
from roundtable.tasking.tests.alert_helpers import alert_world, hide

WATCHES = reverse("tasking:watch_list")


@pytest.fixture
def world(personas):
    return alert_world(personas)


def watch_url(kind: str, record) -> str:
    return reverse("tasking:watch_add", kwargs={"kind": kind, "code": record.code})


def stop_url(kind: str, record) -> str:
    return reverse("tasking:watch_remove", kwargs={"kind": kind, "code": record.code})


def test_a_partner_who_sees_the_case_can_watch_it_from_its_page(personas, world, client_for):
    client = client_for(personas.carol)
    page = client.get(world.case.get_absolute_url()).content.decode()
    assert watch_url("case", world.case) in page
    response = client.post(watch_url("case", world.case))
    assert response.status_code == 302
    assert response["Location"] == world.case.get_absolute_url()
    assert Watch.objects.filter(user=personas.carol, record_id=world.case.pk).count() == 1
    page = client.get(world.case.get_absolute_url()).content.decode()
    assert 'data-testid="watching"' in page
    assert stop_url("case", world.case) in page
    client.post(watch_url("case", world.case))  # twice is the same as once
    assert Watch.objects.filter(user=personas.carol).count() == 1
    assert AuditEvent.objects.filter(action=Action.CREATE, target_type="tasking.watch").count() == 1


def test_watching_a_hidden_record_is_not_found(personas, world, client_for):
    hide(world.case, personas.alice)
    response = client_for(personas.carol).post(watch_url("case", world.case))
    assert response.status_code == 404
    assert not Watch.objects.exists()


def test_watching_a_record_one_sees_only_the_signpost_of_is_forbidden(personas, world, client_for):
    response = client_for(personas.dave).post(watch_url("case", world.case))
    assert response.status_code == 403
    assert not Watch.objects.exists()


def test_a_missing_record_or_an_unknown_kind_is_not_found(personas, world, client_for):
    client = client_for(personas.alice)
    assert (
        client.post(
            reverse(
                "tasking:watch_add",
                kwargs={"kind": "case", "code": "00000000-0000-0000-0000-000000000000"},
            )
        ).status_code
        == 404
    )
    assert client.post(watch_url("spaceship", world.case)).status_code == 404


def test_watching_needs_a_post(personas, world, client_for):
    assert client_for(personas.alice).get(watch_url("case", world.case)).status_code == 405


def test_people_premises_and_groups_can_be_watched(personas, world, client_for):
    person = profile_for(personas.alice, world.work.asb)
    premises = place_services.premises_create(
        actor=personas.alice, team=world.work.asb, name="Test House", kind="residence"
    )
    group = place_services.group_create(
        actor=personas.alice, team=world.work.asb, name="Test Crew", kind="peer_group"
    )
    client = client_for(personas.alice)
    for kind, record in (("person", person), ("premises", premises), ("group", group)):
        page = client.get(record.get_absolute_url()).content.decode()
        assert watch_url(kind, record) in page, kind
        assert client.post(watch_url(kind, record)).status_code == 302
    assert Watch.objects.filter(user=personas.alice).count() == 3


def test_a_hidden_person_cannot_be_watched_by_outsiders(personas, world, client_for):
    witness = hidden_profile(personas.alice, world.work.asb)
    assert client_for(personas.bob).post(watch_url("person", witness)).status_code == 404
    assert client_for(personas.alice).post(watch_url("person", witness)).status_code == 302


def test_stopping_watching_from_the_record_and_from_the_list(personas, world, client_for):
    client = client_for(personas.carol)
    client.post(watch_url("case", world.case))
    response = client.post(stop_url("case", world.case))
    assert response["Location"] == world.case.get_absolute_url()
    assert not Watch.objects.exists()
    client.post(watch_url("case", world.case))
    response = client.post(stop_url("case", world.case), {"return": "watches"})
    assert response["Location"] == WATCHES
    assert not Watch.objects.exists()


def test_one_can_stop_watching_a_record_one_can_no_longer_see(personas, world, client_for):
    client = client_for(personas.carol)
    client.post(watch_url("case", world.case))
    hide(world.case, personas.alice)
    assert world.case.reference not in client.get(WATCHES).content.decode()
    assert client.post(stop_url("case", world.case)).status_code == 302
    assert not Watch.objects.exists()


def test_stopping_a_watch_one_does_not_have_is_not_found(personas, world, client_for):
    client_for(personas.carol).post(watch_url("case", world.case))
    assert client_for(personas.bob).post(stop_url("case", world.case)).status_code == 404
    assert Watch.objects.count() == 1


def test_the_list_shows_what_the_reader_may_see_of_each_record(personas, world, client_for):
    client = client_for(personas.carol)
    client.post(watch_url("case", world.case))
    body = client.get(WATCHES).content.decode()
    assert world.case.title in body  # carol sees the case's summary
    assert world.case.reference in body


def test_the_list_costs_the_same_however_many_records_are_watched(personas, world, client_for):
    client = client_for(personas.alice)
    people = [
        profile_for(personas.alice, world.work.asb, given_name=f"Kit{chr(65 + n)}")
        for n in range(6)
    ]
    cases = [open_case(personas.alice, world.work.asb, world.work.case_type) for _ in range(6)]
    client.post(watch_url("person", people[0]))
    client.post(watch_url("case", cases[0]))
    client.get(WATCHES)
    with CaptureQueriesContext(connection) as few:
        client.get(WATCHES)
    for person, case in zip(people[1:], cases[1:], strict=True):
        client.post(watch_url("person", person))
        client.post(watch_url("case", case))
    with CaptureQueriesContext(connection) as many:
        body = client.get(WATCHES).content.decode()
    assert body.count("data-watch=") == 12
    assert len(few) == len(many)

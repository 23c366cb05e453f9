"""The auditor's "Audit log" page: purpose first, scoped to their organisation, itself audited."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import audit_record
from roundtable.audit.views import PAGE_SIZE
from roundtable.directory.models import Capability
from roundtable.directory.tests.factories import grant

URL = reverse("audit:event_list")
PURPOSE = {"purpose": "integrity"}


def _by(user, **fields) -> AuditEvent:
    fields.setdefault("action", Action.VIEW)
    fields.setdefault("target_type", "records.profile")
    fields.setdefault("target_id", "p-1")
    return audit_record(actor=user, **fields)


def _shown_ids(response) -> list[int]:
    return [event.pk for event in response.context["page"].events]


def _searches(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action=Action.SEARCH).order_by("id"))


@pytest.mark.parametrize("persona", ["alice", "spoc", "sysadmin"])
def test_users_without_the_auditor_capability_get_403(personas, client_for, persona):
    client = client_for(getattr(personas, persona))

    assert client.get(URL).status_code == 403
    assert client.get(URL, PURPOSE).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.SEARCH).exists()


def test_signed_out_visitors_are_sent_to_sign_in(db, client):
    response = client.get(URL, PURPOSE)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_auditor_sees_the_form_but_no_results_before_choosing_a_purpose(personas, client_for):
    _by(personas.alice)
    client = client_for(personas.audrey)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["searched"] is False
    assert 'data-testid="audit-results"' not in response.content.decode()
    assert not _searches(personas.audrey)


def test_searching_without_a_purpose_asks_for_one_and_shows_nothing(personas, client_for):
    _by(personas.alice)
    client = client_for(personas.audrey)

    response = client.get(URL, {"action": "view"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Select why you are looking at the audit log" in body
    assert 'data-testid="audit-results"' not in body
    assert not _searches(personas.audrey)


def test_auditor_sees_their_own_organisations_events_and_never_anothers(personas, client_for):
    alices = _by(personas.alice)
    bobs = _by(personas.bob)
    carols = _by(personas.carol)
    daves = _by(personas.dave)
    client = client_for(personas.audrey)

    response = client.get(URL, PURPOSE)

    shown = _shown_ids(response)
    assert alices.pk in shown
    assert bobs.pk in shown
    assert carols.pk not in shown
    assert daves.pk not in shown
    body = response.content.decode()
    assert "Alice Ashdown" in body
    assert "Carol Copperfield" not in body
    assert "Dave Dunmore" not in body


def test_auditor_filtering_on_another_organisations_user_finds_nothing(personas, client_for):
    _by(personas.dave)
    client = client_for(personas.audrey)

    response = client.get(URL, {**PURPOSE, "user": personas.dave.email})

    assert _shown_ids(response) == []
    assert 'data-testid="no-results"' in response.content.decode()


def test_system_admin_who_is_also_an_auditor_sees_every_organisation(personas, client_for):
    grant(personas.sysadmin, Capability.AUDITOR)
    alices, carols, daves = _by(personas.alice), _by(personas.carol), _by(personas.dave)
    client = client_for(personas.sysadmin)

    response = client.get(URL, PURPOSE)

    assert {alices.pk, carols.pk, daves.pk} <= set(_shown_ids(response))


def test_results_are_newest_first(personas, client_for):
    older, newer = _by(personas.alice), _by(personas.bob)
    client = client_for(personas.audrey)

    shown = _shown_ids(client.get(URL, {**PURPOSE, "action": "view"}))

    assert shown == [newer.pk, older.pk]


def test_filters_by_user_action_target_and_dates(personas, client_for):
    with time_machine.travel("2026-01-10 12:00:00+00:00", tick=False):
        january = _by(personas.alice, target_id="p-jan")
    with time_machine.travel("2026-02-10 12:00:00+00:00", tick=False):
        february = _by(personas.alice, target_id="p-feb", action=Action.UPDATE)
        bobs = _by(personas.bob, target_id="p-feb", action=Action.UPDATE)
    client = client_for(personas.audrey)

    def shown(**filters: str) -> list[int]:
        return _shown_ids(client.get(URL, {**PURPOSE, **filters}))

    assert shown(user="ALICE@police.testshire.invalid") == [february.pk, january.pk]
    assert shown(action="update") == [bobs.pk, february.pk]
    assert shown(target_type="records.profile", target_id="p-jan") == [january.pk]
    assert shown(date_from="1/2/2026", action="update", user=personas.alice.email) == [february.pk]
    assert shown(date_from="2026-01-01", date_to="10/01/2026", target_type="records.profile") == [
        january.pk
    ]


def test_every_search_is_itself_audited_with_purpose_filters_and_count(personas, client_for):
    _by(personas.alice)
    _by(personas.bob)
    client = client_for(personas.audrey)

    client.get(URL, {"purpose": "lawfulness", "action": "view", "user": personas.bob.email})

    (search,) = _searches(personas.audrey)
    assert search.target_type == "audit.auditevent"
    assert search.search_terms == {
        "purpose": "lawfulness",
        "action": "view",
        "user": personas.bob.email,
    }
    assert search.result_count == 1
    assert search.organisation_id == personas.audrey.organisation_id


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"date_from": "31/2/2026"}, "Enter the start date as a real date"),
        ({"date_to": "yesterday"}, "Enter the end date as a real date"),
        ({"action": "launch_missiles"}, "Select an action from the list"),
        ({"date_from": "10/3/2026", "date_to": "9/3/2026"}, "The end date must be the same as"),
        ({"user": "not-an-email"}, "Enter an email address in the correct format"),
        ({"purpose": "curiosity"}, "Select one of the purposes in the list"),
    ],
)
def test_bad_filters_show_errors_and_no_results(personas, client_for, filters, message):
    _by(personas.alice)
    client = client_for(personas.audrey)

    response = client.get(URL, {**PURPOSE, **filters})

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "govuk-error-message" in body
    assert message in body
    assert 'data-testid="audit-results"' not in body
    assert not _searches(personas.audrey)


def test_keyset_pages_walk_back_through_older_events(personas, client_for):
    events = [_by(personas.alice, target_id=f"p-{n}") for n in range(PAGE_SIZE + 5)]
    client = client_for(personas.audrey)
    filters = {**PURPOSE, "target_type": "records.profile"}

    first = client.get(URL, filters)
    assert _shown_ids(first) == [event.pk for event in reversed(events)][:PAGE_SIZE]
    next_before = first.context["page"].next_before
    assert f"before={next_before}" in first.content.decode()

    second = client.get(URL, {**filters, "before": next_before})
    assert _shown_ids(second) == [event.pk for event in reversed(events)][PAGE_SIZE:]
    assert second.context["page"].next_before is None
    assert _searches(personas.audrey)[-1].search_terms["before"] == str(next_before)


def test_a_malformed_page_cursor_starts_from_the_newest(personas, client_for):
    newest = _by(personas.alice)
    client = client_for(personas.audrey)

    response = client.get(URL, {**PURPOSE, "action": "view", "before": "abc"})

    assert response.status_code == 200
    assert _shown_ids(response)[0] == newest.pk


def test_the_page_costs_the_same_queries_however_many_events_there_are(personas, client_for):
    client = client_for(personas.audrey)
    for n in range(3):
        _by(personas.alice, target_id=f"p-{n}")
    client.get(URL, PURPOSE)  # warm the session and anything cached per process

    with CaptureQueriesContext(connection) as few:
        client.get(URL, PURPOSE)
    for n in range(PAGE_SIZE * 2):
        _by(personas.bob, target_id=f"q-{n}", changes={"status": ["open", "closed"]})
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, PURPOSE)

    assert len(_shown_ids(response)) == PAGE_SIZE
    assert len(many) == len(few)
    assert len(many) <= 12


def test_the_results_link_each_event_to_its_detail_with_the_purpose(personas, client_for):
    event = _by(personas.alice)
    client = client_for(personas.audrey)

    body = client.get(URL, PURPOSE).content.decode()

    assert f'href="{reverse("audit:event_detail", args=[event.pk])}?purpose=integrity"' in body


def test_times_are_shown_in_uk_time(personas, client_for):
    with time_machine.travel("2026-07-01 08:30:00+00:00", tick=False):
        _by(personas.alice)
    client = client_for(personas.audrey)

    body = client.get(URL, {**PURPOSE, "action": "view"}).content.decode()

    assert "1 Jul 2026 09:30:00" in body

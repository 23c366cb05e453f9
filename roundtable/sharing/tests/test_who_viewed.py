"""Who viewed this record, and what did this user look at: who may read them, paging, cost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.audit.context import acting_as
from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import audit_record


def who_url(record):
    return reverse("sharing:who_viewed", kwargs={"kind": "person", "code": record.code})


def viewed(user, team, record, sections=("identity",), action=Action.VIEW):
    with acting_as(user=user, team=team, organisation=team.organisation, channel="web"):
        return audit_record(action=action, target=record, sections=sections)


def test_owning_team_manager_sees_who_viewed_newest_first_with_sections(
    personas, world, client_for
):
    viewed(personas.bob, world.iom_team, world.jordan, ("identity", "warnings"))
    viewed(personas.carol, world.carol_team, world.jordan, ())
    audit_record(action=Action.UPDATE, target=world.jordan)  # not a read: not listed
    response = client_for(personas.spoc).get(who_url(world.jordan), {"purpose": "lawfulness"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Carol Copperfield") < content.index("Bob Birchwood")
    assert "identity, warnings" in content
    assert "Signpost only" in content
    assert "IOM Team" in content and "Testshire District Council" in content


def test_nothing_is_shown_until_a_purpose_is_chosen_and_reading_is_audited(
    personas, world, client_for
):
    viewed(personas.bob, world.iom_team, world.jordan)
    client = client_for(personas.spoc)
    first = client.get(who_url(world.jordan))
    assert b"Bob Birchwood" not in first.content
    bad = client.get(who_url(world.jordan), {"purpose": "curiosity"})
    assert b"Select one of the purposes in the list" in bad.content
    assert b"Bob Birchwood" not in bad.content
    assert not AuditEvent.objects.filter(target_type="audit.auditevent").exists()

    client.get(who_url(world.jordan), {"purpose": "integrity"})
    event = AuditEvent.objects.get(target_type="audit.auditevent")
    assert event.action == Action.VIEW
    assert event.search_terms["purpose"] == "integrity"
    assert event.search_terms["target_id"] == str(world.jordan.code)
    assert event.result_count == 1


def test_auditor_of_the_owning_organisation_may_read_it(personas, world, client_for):
    viewed(personas.carol, world.carol_team, world.jordan)
    response = client_for(personas.audrey).get(who_url(world.jordan), {"purpose": "lawfulness"})
    assert response.status_code == 200
    assert b"Carol Copperfield" in response.content


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_practitioners_colleagues_and_partners_are_refused(personas, world, client_for, who):
    response = client_for(getattr(personas, who)).get(
        who_url(world.jordan), {"purpose": "lawfulness"}
    )
    assert response.status_code == 403


def test_auditor_of_another_organisation_is_refused(personas, world, client_for):
    from roundtable.directory.models import Capability
    from roundtable.directory.tests.factories import grant

    grant(personas.carol, Capability.AUDITOR)
    response = client_for(personas.carol).get(who_url(world.jordan), {"purpose": "lawfulness"})
    assert response.status_code == 403


def test_who_viewed_pages_by_keyset_with_a_fixed_number_of_queries(
    personas, world, client_for, django_assert_max_num_queries
):
    for _ in range(55):
        viewed(personas.bob, world.iom_team, world.jordan)
    client = client_for(personas.spoc)
    client.get(who_url(world.jordan), {"purpose": "lawfulness"})  # warm the session
    with django_assert_max_num_queries(22):
        first = client.get(who_url(world.jordan), {"purpose": "lawfulness"})
    assert first.content.count(b'<tr class="govuk-table__row" data-event-id') == 50
    older = first.context["page"].next_before
    assert older is not None
    second = client.get(who_url(world.jordan), {"purpose": "lawfulness", "before": older})
    assert second.content.count(b"data-event-id") == 5
    assert second.context["page"].next_before is None


def test_query_count_does_not_grow_with_the_events(
    personas, world, client_for, django_assert_max_num_queries
):
    client = client_for(personas.audrey)
    viewed(personas.bob, world.iom_team, world.jordan)
    client.get(who_url(world.jordan), {"purpose": "lawfulness"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(who_url(world.jordan), {"purpose": "lawfulness"})
    for _ in range(30):
        viewed(personas.carol, world.carol_team, world.jordan)
    with CaptureQueriesContext(connection) as many:
        client.get(who_url(world.jordan), {"purpose": "lawfulness"})
    assert len(many) == len(few)


def test_auditor_sees_what_a_user_of_their_organisation_looked_at(personas, world, client_for):
    viewed(personas.bob, world.iom_team, world.jordan, ("identity",))
    viewed(personas.bob, world.iom_team, world.jordan, action=Action.SEARCH)
    viewed(personas.alice, world.alice_team, world.jordan)
    url = reverse("sharing:user_activity", kwargs={"code": personas.bob.code})
    client = client_for(personas.audrey)
    assert b"data-event-id" not in client.get(url).content
    response = client.get(url, {"purpose": "self_monitoring"})
    assert response.status_code == 200
    assert response.content.count(b"data-event-id") == 2
    event = AuditEvent.objects.filter(target_type="audit.auditevent").get()
    assert event.search_terms == {
        "purpose": "self_monitoring",
        "page": "user_activity",
        "user": str(personas.bob.code),
    }


def test_user_activity_is_for_auditors_of_the_users_organisation_only(personas, world, client_for):
    url = reverse("sharing:user_activity", kwargs={"code": personas.carol.code})
    assert client_for(personas.audrey).get(url, {"purpose": "lawfulness"}).status_code == 404
    bob = reverse("sharing:user_activity", kwargs={"code": personas.bob.code})
    assert client_for(personas.spoc).get(bob, {"purpose": "lawfulness"}).status_code == 403

"""The notification centre: header badge, list (re-checked as it is drawn), open, mark read,
email choices, and a query budget that does not grow with the notifications."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.sharing import policy
from roundtable.tasking.models import EmailMode, Notification, NotificationPreference
from roundtable.tasking.services.alerts import watch_add
from roundtable.tasking.tests.alert_helpers import (
    DIARY_TEXT,
    alert_world,
    delivered_to,
    diary_event,
    hide,
    run_alerts,
    stage_event,
)

LIST = reverse("tasking:notification_list")


@pytest.fixture
def world(personas):
    world = alert_world(personas)
    for user in (personas.carol, personas.spoc):
        watch_add(user=user, viewer=policy.viewer_for_user(user), record=world.case)
    return world


def test_the_header_shows_the_unread_count(personas, world, client_for):
    client = client_for(personas.carol)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="notifications-link"' in home
    assert 'data-testid="unread-count"' not in home
    stage_event(world.case, personas.alice)
    stage_event(world.case, personas.alice)
    run_alerts()
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">2<' in home


def test_the_list_shows_the_title_and_the_case_title_to_someone_who_sees_the_summary(
    personas, world, client_for
):
    stage_event(world.case, personas.alice)
    run_alerts()
    body = client_for(personas.carol).get(LIST).content.decode()
    assert f"Case moved to another stage on {world.case.reference}" in body
    assert world.case.title in body
    [notification] = delivered_to(personas.carol)
    assert reverse("tasking:notification_open", kwargs={"code": notification.code}) in body


def test_a_notification_about_a_diary_entry_shows_no_diary_text(personas, world, client_for):
    diary_event(world.case, personas.alice)
    run_alerts()
    owner_view = client_for(personas.spoc).get(LIST).content.decode()
    assert "New diary entry (Custody update)" in owner_view
    assert DIARY_TEXT not in owner_view
    partner_view = client_for(personas.carol).get(LIST).content.decode()
    assert "New diary entry" not in partner_view


def test_access_revoked_after_delivery_hides_the_notification(personas, world, client_for):
    stage_event(world.case, personas.alice)
    run_alerts()
    client = client_for(personas.carol)
    assert world.case.reference in client.get(LIST).content.decode()
    hide(world.case, personas.alice)
    body = client.get(LIST).content.decode()
    assert world.case.reference not in body
    assert world.case.title not in body
    assert "You have no notifications." in body


def test_opening_a_notification_marks_it_read_and_goes_to_the_record(personas, world, client_for):
    stage_event(world.case, personas.alice)
    run_alerts()
    [notification] = delivered_to(personas.carol)
    response = client_for(personas.carol).get(
        reverse("tasking:notification_open", kwargs={"code": notification.code})
    )
    assert response.status_code == 302
    assert response["Location"] == world.case.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_found(personas, world, client_for):
    stage_event(world.case, personas.alice)
    run_alerts()
    [notification] = delivered_to(personas.carol)
    client = client_for(personas.bob)
    open_url = reverse("tasking:notification_open", kwargs={"code": notification.code})
    read_url = reverse("tasking:notification_read", kwargs={"code": notification.code})
    assert client.get(open_url).status_code == 404
    assert client.post(read_url).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_suppressed_notification_cannot_be_opened(personas, world, client_for):
    from roundtable.tasking.services.alerts import alert_fan_out
    from roundtable.tasking.services.notifications import notifications_deliver

    event = stage_event(world.case, personas.alice)
    alert_fan_out(event_id=event.pk)
    hide(world.case, personas.alice)
    notifications_deliver()
    suppressed = Notification.objects.get(recipient=personas.carol)
    url = reverse("tasking:notification_open", kwargs={"code": suppressed.code})
    assert client_for(personas.carol).get(url).status_code == 404


def test_mark_read_and_mark_all_read(personas, world, client_for):
    for _ in range(3):
        stage_event(world.case, personas.alice)
    run_alerts()
    client = client_for(personas.carol)
    first, *rest = delivered_to(personas.carol)
    client.post(reverse("tasking:notification_read", kwargs={"code": first.code}))
    assert Notification.objects.filter(recipient=personas.carol, read_at__isnull=True).count() == 2
    unread_page = client.get(LIST, {"show": "unread"}).content.decode()
    assert str(first.code) not in unread_page
    assert all(str(n.code) in unread_page for n in rest)
    response = client.post(reverse("tasking:notification_read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=personas.carol, read_at__isnull=True).count() == 0
    assert client.get(reverse("tasking:notification_read_all")).status_code == 405


def test_the_list_pages_by_25_newest_first(personas, world, client_for):
    for _ in range(27):
        stage_event(world.case, personas.alice)
    run_alerts()
    client = client_for(personas.carol)
    first = client.get(LIST)
    assert first.content.decode().count("data-notification=") == 25
    older = first.context["page"].next_before
    second = client.get(LIST, {"before": older}).content.decode()
    assert second.count("data-notification=") == 2


def test_the_list_costs_the_same_however_many_notifications(personas, world, client_for):
    from roundtable.sharing.tests.factories import profile_for
    from roundtable.tasking.services.alerts import alert_event

    person = profile_for(personas.alice, world.work.asb)
    watch_add(user=personas.spoc, viewer=policy.viewer_for_user(personas.spoc), record=person)

    def grow(count: int) -> None:
        for _ in range(count):
            stage_event(world.case, personas.alice)
            diary_event(world.case, personas.alice)
            alert_event(
                event="warning.added",
                record=person,
                actor=personas.alice,
                team=world.work.asb,
                section="warnings",
                detail={"kind": "violence"},
            )
        run_alerts()

    grow(1)
    client = client_for(personas.spoc)
    client.get(LIST)  # the first request of a session does extra work
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    grow(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert response.content.decode().count("data-notification=") == 25
    assert len(few) == len(many), f"{len(few)} queries with 3 notifications, {len(many)} with 25"
    # Measured 14: the shell's 7 (session, user, teams, MFA, badge, ...), the page of rows, and
    # per kind of record one query per section asked, one for labels and one for the rows.
    assert len(many) <= 16


def test_email_choices_page_saves_the_choice(personas, world, client_for):
    client = client_for(personas.carol)
    url = reverse("tasking:notification_preferences")
    page = client.get(url).content.decode()
    assert 'value="immediate" checked' in page
    response = client.post(url, {"email_mode": EmailMode.DAILY})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=personas.carol).email_mode == EmailMode.DAILY


def test_a_bad_email_choice_shows_an_error_and_saves_nothing(personas, world, client_for):
    response = client_for(personas.carol).post(
        reverse("tasking:notification_preferences"), {"email_mode": "carrier-pigeon"}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=personas.carol).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]

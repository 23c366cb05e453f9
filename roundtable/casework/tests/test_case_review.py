"""The ASB case review (Community Trigger): what qualifies, what counts once, when it activates.

Today is 15 June 2026. With the defaults (3 in 6 months, each reported within a month), the
window holds complaints reported after 15 December 2025 up to today.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import AsbComplaint, CaseReviewActivation, CaseReviewSettings
from roundtable.casework.selectors.case_review import count_incidents, trigger_count
from roundtable.casework.services.case_review import asb_complaint_record
from roundtable.casework.tests.enforcement_helpers import scene
from roundtable.directory.models import Role
from roundtable.directory.tests.factories import MembershipFactory, UserFactory
from roundtable.records.tests.case_helpers import team_of
from roundtable.sharing import policy

NOW = "2026-06-15 10:00:00+01:00"


@pytest.fixture
def world(personas):
    with time_machine.travel(NOW, tick=False):
        yield scene(personas)


def complain(user, victim, incident, reported, organisation=None, **details):
    return asb_complaint_record(
        actor=user,
        team=team_of(user),
        viewer=policy.viewer_for_user(user),
        victim=victim,
        incident_on=incident,
        reported_on=reported,
        reporting_organisation=organisation or user.organisation,
        **details,
    )


def _count(world, on=date(2026, 6, 15)):
    return trigger_count(partnership_id=world.work.testshire.pk, victim=world.victim, on=on)


def test_exactly_three_qualifying_incidents_in_six_months_trigger_a_review(personas, world):
    complain(personas.alice, world.victim, date(2026, 2, 1), date(2026, 2, 3))
    complain(personas.carol, world.victim, date(2026, 4, 10), date(2026, 4, 12))
    assert _count(world).incidents == 2
    assert not CaseReviewActivation.objects.exists()  # two do not
    third = complain(personas.alice, world.victim, date(2026, 6, 10), date(2026, 6, 11))
    activation = CaseReviewActivation.objects.get()
    assert activation.reference == "ASBCR-2026-000001"
    assert (activation.victim, activation.triggering_complaint) == (world.victim, third)
    assert (activation.incident_count, activation.threshold, activation.window_months) == (3, 3, 6)
    assert activation.activated_on == date(2026, 6, 15)
    event = AuditEvent.objects.filter(action=Action.CREATE, target_id=str(activation.code)).get()
    assert event.detail["victim"] == str(world.victim.code)


def test_a_report_more_than_a_month_after_its_incident_does_not_qualify(personas, world):
    complain(personas.alice, world.victim, date(2026, 2, 1), date(2026, 2, 3))
    complain(personas.alice, world.victim, date(2026, 6, 10), date(2026, 6, 11))
    # 1 April + 1 month = 1 May: reported on 2 May is a day too late.
    complain(personas.carol, world.victim, date(2026, 4, 1), date(2026, 5, 2))
    assert (_count(world).incidents, _count(world).complaints) == (2, 2)
    assert not CaseReviewActivation.objects.exists()
    complain(personas.carol, world.victim, date(2026, 4, 1), date(2026, 5, 1))  # just in time
    assert CaseReviewActivation.objects.count() == 1


def test_one_incident_reported_to_two_agencies_counts_once(personas, world):
    complain(personas.alice, world.victim, date(2026, 4, 10), date(2026, 4, 12))
    complain(
        personas.alice,
        world.victim,
        date(2026, 6, 10),
        date(2026, 6, 11),
        incident_reference="CAD-1234",
    )
    complain(
        personas.carol,
        world.victim,
        date(2026, 6, 10),
        date(2026, 6, 12),
        incident_reference="COUNCIL-99",
    )
    count = _count(world)
    assert (count.complaints, count.incidents, count.met) == (3, 2, False)
    assert not CaseReviewActivation.objects.exists()


def test_the_window_holds_reports_after_the_same_day_six_months_ago(personas, world):
    complain(personas.alice, world.victim, date(2025, 12, 10), date(2025, 12, 15))
    complain(personas.alice, world.victim, date(2025, 12, 14), date(2025, 12, 16))
    count = _count(world)
    assert count.window_start == date(2025, 12, 15)
    assert count.incidents == 1  # the report of 15 December is outside; of the 16th, inside


def test_a_configured_threshold_of_4_changes_the_answer(personas, world):
    CaseReviewSettings.objects.create(partnership=world.work.testshire, threshold=4)
    for incident, reported in (
        (date(2026, 1, 20), date(2026, 1, 21)),
        (date(2026, 3, 5), date(2026, 3, 6)),
        (date(2026, 5, 1), date(2026, 5, 2)),
    ):
        complain(personas.alice, world.victim, incident, reported)
    assert _count(world).incidents == 3 and not _count(world).met
    assert not CaseReviewActivation.objects.exists()
    complain(personas.carol, world.victim, date(2026, 6, 1), date(2026, 6, 2))
    assert CaseReviewActivation.objects.get().threshold == 4


def test_a_configured_window_and_reporting_period_change_the_count():
    settings = CaseReviewSettings(threshold=3, window_months=3, report_within_months=2)
    pairs = [
        (date(2026, 3, 1), date(2026, 3, 15)),  # reported on the window's eve: outside
        (date(2026, 4, 1), date(2026, 5, 30)),  # 59 days on: within 2 months (by 1 June)
        (date(2026, 4, 10), date(2026, 6, 11)),  # after 10 June: too late even for 2 months
        (date(2026, 6, 1), date(2026, 6, 2)),
    ]
    count = count_incidents(settings, pairs, on=date(2026, 6, 15))
    assert (count.window_start, count.complaints, count.incidents) == (date(2026, 3, 15), 2, 2)


def test_a_victim_activates_once_per_window_not_on_every_later_complaint(personas, world):
    for incident in (date(2026, 2, 1), date(2026, 4, 10), date(2026, 6, 10)):
        complain(personas.alice, world.victim, incident, incident)
    complain(personas.carol, world.victim, date(2026, 6, 12), date(2026, 6, 12))
    complain(personas.carol, world.victim, date(2026, 6, 14), date(2026, 6, 14))
    assert CaseReviewActivation.objects.count() == 1
    with time_machine.travel("2027-01-20 10:00:00+00:00", tick=False):
        # The first activation (15 June 2026) is outside the window that ends today.
        for incident in (date(2026, 11, 2), date(2026, 12, 5), date(2027, 1, 18)):
            complain(personas.alice, world.victim, incident, incident)
        assert CaseReviewActivation.objects.count() == 2


def test_dates_are_checked_and_nothing_is_written(personas, world):
    with pytest.raises(ValidationError) as refused:
        complain(personas.alice, world.victim, date(2026, 6, 10), date(2026, 6, 9))
    assert refused.value.message_dict["reported_on"] == [
        "It cannot have been reported before the incident."
    ]
    with pytest.raises(ValidationError) as future:
        complain(personas.alice, world.victim, date(2026, 6, 16), date(2026, 6, 16))
    assert set(future.value.message_dict) == {"incident_on", "reported_on"}
    with pytest.raises(ValidationError) as foreign:
        complain(
            personas.alice,
            world.victim,
            date(2026, 6, 1),
            date(2026, 6, 1),
            organisation=personas.dave.organisation,
        )
    assert "reporting_organisation" in foreign.value.message_dict
    assert not AsbComplaint.objects.exists()


def test_the_lead_is_emailed_a_reference_and_a_link_and_no_personal_data(
    personas, world, mailoutbox, django_capture_on_commit_callbacks
):
    manager = UserFactory(
        email="manager@council.testshire.invalid",
        full_name="Morgan Manager",
        organisation=personas.carol.organisation,
    )
    MembershipFactory(user=manager, team=world.work.council_asb, role=Role.TEAM_MANAGER)
    CaseReviewSettings.objects.create(
        partnership=world.work.testshire, lead_user=personas.spoc, lead_team=world.work.council_asb
    )
    details = {"location": "Flat 3, Test Street", "description": "Shouted threats at Vera"}
    with django_capture_on_commit_callbacks(execute=True):
        complain(personas.alice, world.victim, date(2026, 2, 1), date(2026, 2, 2), **details)
        complain(personas.carol, world.victim, date(2026, 4, 1), date(2026, 4, 2), **details)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        complain(
            personas.alice,
            world.victim,
            date(2026, 6, 1),
            date(2026, 6, 2),
            incident_reference="CAD-5678",
            **details,
        )
    activation = CaseReviewActivation.objects.get()
    assert sorted(message.to[0] for message in mailoutbox) == [
        "manager@council.testshire.invalid",
        "spoc@police.testshire.invalid",
    ]
    link = f"/casework/case-reviews/{activation.code}/"
    for message in mailoutbox:
        assert activation.reference in message.subject
        assert link in message.body
        # The link's random code may hold "1990" or any other short string: look past it.
        text = message.subject + message.body.replace(link, "")
        for personal in (
            "Vera",
            "QUIETLIFE",
            "Quietlife",
            "1990",
            "Test Street",
            "Shouted",
            "CAD-5678",
            str(world.victim.code),
            world.case.reference,
        ):
            assert personal not in text


def test_without_a_lead_the_activation_is_recorded_and_no_one_is_emailed(
    personas, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for incident in (date(2026, 2, 1), date(2026, 4, 10), date(2026, 6, 10)):
            complain(personas.alice, world.victim, incident, incident)
    assert CaseReviewActivation.objects.count() == 1
    assert mailoutbox == []

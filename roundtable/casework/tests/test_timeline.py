"""The case timeline: every registered source merged newest first, filtered by kind and date,
each source limited to what the viewer may see; the page, its filters, audit and query budget."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework import timeline
from roundtable.casework.selectors.timeline import case_timeline
from roundtable.casework.tests.diary_helpers import diary_world, timeline_url, write
from roundtable.casework.timeline import TimelineItem
from roundtable.directory.tests.factories import MembershipFactory, TeamFactory
from roundtable.records.services import cases as case_services
from roundtable.sharing import policy

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(personas):
    return diary_world(personas)


def _test_source(viewer, case) -> list[TimelineItem]:
    """A source only these tests register: three fixed items, one per day before NOW."""
    return [
        TimelineItem(
            occurred_at=NOW - timedelta(days=days),
            kind="test_widget",
            label=f"Widget {days}",
            summary=f"Widget summary {days}",
            section="summary",
        )
        for days in (1, 3, 5)
    ]


@pytest.fixture
def test_source() -> Iterator[None]:
    timeline.register_source("test_widget", _test_source)
    try:
        yield
    finally:
        timeline.unregister_source("test_widget", _test_source)


def _viewer(user):
    return policy.viewer_for_user(user)


def test_the_diary_and_stage_sources_are_registered_when_the_app_starts():
    assert {"diary", "stage"} <= set(timeline.sources())


def test_a_test_source_is_gone_once_unregistered(test_source):
    assert "test_widget" in timeline.sources()
    timeline.unregister_source("test_widget", _test_source)
    assert "test_widget" not in timeline.sources()
    timeline.register_source("test_widget", _test_source)


def test_a_second_source_for_the_same_kind_is_refused(test_source):
    with pytest.raises(ValueError, match="already registered"):
        timeline.register_source("test_widget", lambda viewer, case: [])


def test_items_from_every_source_are_merged_newest_first(world, test_source):
    alice, asb = world.personas.alice, world.work.asb
    write(alice, asb, world.case, "Two days ago.", occurred_at=NOW - timedelta(days=2))
    write(alice, asb, world.case, "Four days ago.", occurred_at=NOW - timedelta(days=4))
    items = case_timeline(
        viewer=_viewer(alice), case=world.case, since=NOW - timedelta(days=6), until=NOW
    )
    assert [item.label if item.kind != "diary" else item.summary for item in items] == [
        "Widget 1",
        "Two days ago.",
        "Widget 3",
        "Four days ago.",
        "Widget 5",
    ]
    times = [item.occurred_at for item in items]
    assert times == sorted(times, reverse=True)


def test_kinds_keep_only_those_sources(world, test_source):
    write(world.personas.alice, world.work.asb, world.case, "A diary entry.", occurred_at=NOW)
    viewer = _viewer(world.personas.alice)
    only_widgets = case_timeline(viewer=viewer, case=world.case, kinds=["test_widget"])
    assert {item.kind for item in only_widgets} == {"test_widget"}
    only_diary = case_timeline(viewer=viewer, case=world.case, kinds=["diary"])
    assert [item.summary for item in only_diary] == ["A diary entry."]
    assert case_timeline(viewer=viewer, case=world.case, kinds=[]) == []


def test_since_is_inclusive_and_until_exclusive(world, test_source):
    viewer = _viewer(world.personas.alice)
    items = case_timeline(
        viewer=viewer,
        case=world.case,
        kinds=["test_widget"],
        since=NOW - timedelta(days=3),
        until=NOW - timedelta(days=1),
    )
    assert [item.label for item in items] == ["Widget 3"]


def test_stage_changes_and_the_opening_are_on_the_timeline_for_summary_viewers(world):
    case = world.case
    case_services.case_stage_change(
        actor=world.personas.alice,
        case=case,
        to_stage="Risk assessment",
        expected_version=case.version,
        note="Kestrel risk review",
    )
    items = case_timeline(viewer=_viewer(world.personas.carol), case=case, kinds=["stage"])
    assert [item.label for item in items] == ["Stage changed to Risk assessment", "Case opened"]
    assert "Kestrel risk review" in items[0].summary
    assert "Report received" in items[1].summary


def test_a_viewer_without_the_summary_gets_no_stage_changes(world):
    case = world.case
    case_services.case_stage_change(
        actor=world.personas.alice,
        case=case,
        to_stage="Risk assessment",
        expected_version=case.version,
    )
    # A second council team is given the diary only: no summary, so no stage history.
    diary_only = TeamFactory(organisation=world.work.council_asb.organisation, name="Diary only")
    MembershipFactory(user=world.personas.carol, team=diary_only)
    world.share(case, ["diary"], team=diary_only)
    viewer = policy.viewer_for_user(world.personas.carol, diary_only)
    assert case_timeline(viewer=viewer, case=case, kinds=["stage"]) == []
    write(world.personas.alice, world.work.asb, case, "Seen by the diary team.")
    assert [item.kind for item in case_timeline(viewer=viewer, case=case)] == ["diary"]


def test_the_diary_source_gives_only_entries_in_sections_the_viewer_sees(world):
    alice, asb = world.personas.alice, world.work.asb
    world.share(world.case, ["diary"])
    write(alice, asb, world.case, "Shared diary entry.")
    write(alice, asb, world.case, "Risk-only entry.", section="risk")
    carol = case_timeline(viewer=_viewer(world.personas.carol), case=world.case, kinds=["diary"])
    assert [item.summary for item in carol] == ["Shared diary entry."]
    owner = case_timeline(viewer=_viewer(alice), case=world.case, kinds=["diary"])
    assert {item.summary for item in owner} == {"Shared diary entry.", "Risk-only entry."}


# --- the page ------------------------------------------------------------------------------------


def test_the_timeline_page_shows_and_filters_the_items(world, client_for, test_source):
    alice, asb = world.personas.alice, world.work.asb
    write(alice, asb, world.case, "Spoke to the Fernsby family.", occurred_at=NOW)
    client = client_for(alice)
    body = client.get(timeline_url(world.case)).content.decode()
    assert "Spoke to the Fernsby family." in body and "Widget 3" in body and "Case opened" in body
    assert 'value="test_widget"' in body  # a filter for every registered kind
    body = client.get(timeline_url(world.case) + "?kinds=diary").content.decode()
    assert "Spoke to the Fernsby family." in body and "Widget 3" not in body
    day = (NOW - timedelta(days=3)).date()
    query = f"?date_from_0={day.day}&date_from_1={day.month}&date_from_2={day.year}"
    query += f"&date_to_0={day.day}&date_to_1={day.month}&date_to_2={day.year}"
    body = client.get(timeline_url(world.case) + query).content.decode()
    assert "Widget 3" in body and "Widget 1" not in body and "Widget 5" not in body


def test_a_to_date_before_the_from_date_is_an_error_not_a_500(world, client_for):
    query = "?date_from_0=10&date_from_1=3&date_from_2=2026&date_to_0=9&date_to_1=3&date_to_2=2026"
    response = client_for(world.personas.alice).get(timeline_url(world.case) + query)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_a_partner_without_the_diary_sees_stages_but_not_entries_and_is_told(world, client_for):
    write(world.personas.alice, world.work.asb, world.case, "Quenby entry text.")
    body = client_for(world.personas.carol).get(timeline_url(world.case)).content.decode()
    assert "Case opened" in body
    assert "Quenby entry text." not in body
    assert 'data-withheld="diary"' in body


def test_the_timeline_is_404_to_outsiders_and_for_hidden_cases(world, client_for):
    assert client_for(world.personas.dave).get(timeline_url(world.case)).status_code == 404
    assert client_for(world.personas.sysadmin).get(timeline_url(world.case)).status_code == 404


def test_viewing_the_timeline_is_audited_with_the_sections_shown(world, client_for):
    write(world.personas.alice, world.work.asb, world.case, "Entry.")
    client_for(world.personas.carol).get(timeline_url(world.case))
    event = AuditEvent.objects.filter(
        action=Action.VIEW, target_id=str(world.case.code), actor=world.personas.carol
    ).latest("id")
    assert event.sections == ["summary"]
    assert event.detail["page"] == "timeline"


def test_the_timeline_page_costs_the_same_however_much_happened(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    world.share(world.case, ["diary"])
    write(alice, asb, world.case, "First.")
    client = client_for(world.personas.carol)
    url = timeline_url(world.case)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    case = world.case
    for number in range(8):
        write(alice, asb, case, f"More {number}.")
        case.refresh_from_db()
        stage = "Risk assessment" if number % 2 == 0 else "Formal warning"
        case_services.case_stage_change(
            actor=alice, case=case, to_stage=stage, expected_version=case.version
        )
    assert count() == few

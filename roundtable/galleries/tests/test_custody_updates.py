"""Custody updates by prison staff on a Foreign Nationals member, through the page: who may
record one (both sides), what one writes (diary entry, custody answers, one alert), and what a
bad or stale one writes (nothing)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from roundtable.audit.models import AuditEvent
from roundtable.casework.models import DiaryEntry
from roundtable.galleries.services.memberships import (
    member_answers,
    membership_answers_save,
    membership_remove,
)
from roundtable.galleries.tests.seed_helpers import foreign_national, seeded_world, shared
from roundtable.tasking.models import AlertEvent
from roundtable.tasking.tests.alert_helpers import delivered_to, run_alerts

pytestmark = pytest.mark.django_db

PRISON = "Offender Management Unit"
SAFER_CUSTODY = "Safer Custody"


def url(spell) -> str:
    return f"/galleries/members/{spell.code}/custody/"


def writes_about(*people) -> int:
    """Audit events about these people (sign-ins and refused pages are audited apart)."""
    return AuditEvent.objects.filter(target_id__in=[str(p.code) for p in people]).count()


def post_data(spell, **changes) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "status": "sentenced",
        "establishment": "HMP Testmoor",
        "on_0": str(today.day),
        "on_1": str(today.month),
        "on_2": str(today.year),
        "expected_release_0": "1",
        "expected_release_1": "6",
        "expected_release_2": str(today.year + 1),
        "note": "Sentenced to 18 months; good behaviour so far.",
        "version": str(spell.version),
    }
    data.update(changes)
    return data


@pytest.fixture
def scene(personas):
    """Foreign Nationals seeded; a member shared with the prison OMU (identity, diary and the
    gallery's offending section) and the Home Office (offending and diary); Safer Custody, a
    prison team without a share, and the probation team, which sees the diary but is no prison."""
    world = seeded_world(personas)
    member, spell = foreign_national(world)
    owner = world.users["Integrated Offender Management"]
    shared(world, owner, member, world.teams[PRISON], ["identity", "diary", "offending"])
    shared(
        world,
        owner,
        member,
        world.teams["Immigration Compliance and Enforcement"],
        ["identity", "diary", "offending"],
    )
    shared(
        world,
        owner,
        member,
        world.teams["Marshbury Offender Management"],
        ["identity", "diary", "offending"],
    )
    run_alerts()
    return world, member, spell


def test_prison_staff_who_see_the_diary_record_an_update_and_everyone_who_sees_it_hears(
    scene, client_for
):
    world, member, spell = scene
    client = client_for(world.users[PRISON])
    page = client.get(url(spell))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Record a custody update" in body and "Guidance for Romania" in body
    done = client.post(url(spell), post_data(spell))
    assert done.status_code == 302
    [entry] = DiaryEntry.objects.filter(profile=member)
    assert entry.entry_type == "custody_update" and "HMP Testmoor" in entry.body
    answers = member_answers(world.foreign, member.pk)
    assert answers["custody_status"] == "sentenced"
    assert answers["custody_establishment"] == "HMP Testmoor"
    assert answers["custody_updated_on"] == timezone.localdate().isoformat()
    assert answers["home_office_reference"] == "HO/TEST/1"  # other answers kept
    audit = AuditEvent.objects.filter(detail__custody_update=str(entry.code)).get()
    assert audit.changes["answers_changed"][1] == [
        "custody_establishment",
        "custody_release_expected_on",
        "custody_status",
        "custody_updated_on",
    ]
    assert "HMP Testmoor" not in str(audit.changes)
    # One alert (the diary's), told by the gallery's custody rules.
    assert AlertEvent.objects.filter(record_id=member.pk, event="diary.created").count() == 1
    run_alerts()
    for team in ("Immigration Compliance and Enforcement", "Marshbury Offender Management"):
        notices = delivered_to(world.users[team])
        assert [n.event.detail for n in notices if n.event.event == "diary.created"] == [
            {"entry_type": "custody_update"}
        ]
    assert delivered_to(world.users[PRISON]) == []  # the actor is not told of their own update
    shown = client.get(url(spell)).content.decode()
    assert "Sentenced" in shown and "HMP Testmoor" in shown


def test_a_team_without_the_diary_or_that_is_no_prison_is_refused(scene, client_for):
    world, member, spell = scene
    # Another member whose diary the prison team is not shown.
    owner = world.users["Integrated Offender Management"]
    other, other_spell = foreign_national(world, "Oskar")
    shared(world, owner, other, world.teams[PRISON], ["identity", "offending"])
    before = (DiaryEntry.objects.count(), writes_about(member, other))
    # A prison team without a share of the person: as if there were no such member.
    safer = client_for(world.users[SAFER_CUSTODY])
    assert safer.get(url(spell)).status_code == 404
    assert safer.post(url(spell), post_data(spell)).status_code == 404
    # The probation team sees the diary and may open the gallery, but is no prison and no manager.
    probation = client_for(world.users["Marshbury Offender Management"])
    assert probation.get(url(spell)).status_code == 404
    # The prison team, for the member whose diary it does not see.
    assert client_for(world.users[PRISON]).get(url(other_spell)).status_code == 404
    assert (DiaryEntry.objects.count(), writes_about(member, other)) == before


BAD_INPUT = (
    ({"status": "escaped"}, "Select a valid choice"),
    ({"establishment": "  "}, "Enter the establishment"),
    ({"on_2": str(timezone.localdate().year + 1)}, "must be today or in the past"),
    ({"status": "released"}, "Leave the expected release date empty on release"),
    ({"expected_release_2": "2001"}, "on or after the date of the custody status"),
)


def test_bad_input_names_the_problem_and_writes_nothing(scene, client_for):
    world, member, spell = scene
    client = client_for(world.users[PRISON])
    before = (DiaryEntry.objects.count(), writes_about(member), AlertEvent.objects.count())
    for changes, message in BAD_INPUT:  # nothing is written, so each case meets the same scene
        response = client.post(url(spell), post_data(spell, **changes))
        assert response.status_code == 400, changes
        assert message in response.content.decode(), changes
    assert member_answers(world.foreign, member.pk).get("custody_status") is None
    assert (
        DiaryEntry.objects.count(),
        writes_about(member),
        AlertEvent.objects.count(),
    ) == before


def test_a_stale_update_is_refused_and_writes_nothing(scene, client_for):
    world, member, spell = scene
    # The managers change the answers after the prison officer opened the page.
    membership_answers_save(
        actor=world.users["Integrated Offender Management"],
        team=world.teams["Integrated Offender Management"],
        spell=spell,
        payload={"nationality": "AL", "officer_visits": 2},
        expected_version=spell.version,
    )
    before = (DiaryEntry.objects.count(), AlertEvent.objects.count())
    response = client_for(world.users[PRISON]).post(url(spell), post_data(spell))
    assert response.status_code == 409
    assert "changed" in response.content.decode()
    assert (DiaryEntry.objects.count(), AlertEvent.objects.count()) == before
    assert member_answers(world.foreign, member.pk) == {"nationality": "AL", "officer_visits": 2}


def test_a_removed_member_has_no_custody_page(scene, client_for):
    world, _member, spell = scene
    membership_remove(
        actor=world.users["Integrated Offender Management"],
        team=world.teams["Integrated Offender Management"],
        spell=spell,
        removed_on=timezone.localdate(),
        reason="Removed from the UK.",
        expected_version=spell.version,
    )
    assert client_for(world.users[PRISON]).get(url(spell)).status_code == 404


def test_the_membership_page_links_prison_staff_to_custody_and_shows_country_guidance(
    scene, client_for
):
    world, _member, spell = scene
    page = client_for(world.users[PRISON]).get(spell.get_absolute_url()).content.decode()
    assert url(spell) in page  # the prison team that sees the diary may record one
    assert 'data-testid="country-guidance"' in page and "Romania" in page
    manager = world.users["Integrated Offender Management"]
    page = client_for(manager).get(spell.get_absolute_url()).content.decode()
    assert "Romania" in page
    probation = world.users["Marshbury Offender Management"]
    page = client_for(probation).get(spell.get_absolute_url())
    assert url(spell) not in page.content.decode()  # sees the diary, but is no prison team

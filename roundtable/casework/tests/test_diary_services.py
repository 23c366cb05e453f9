"""The diary services: who may write where, corrections keep history, retractions need a reason,
nothing is half-written, stale versions are refused, and nothing can delete an entry."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework import urls as casework_urls
from roundtable.casework.models import DiaryEntry, DiaryEntryType, DiaryRevision
from roundtable.casework.services import diary as services
from roundtable.casework.tests.diary_helpers import diary_world, write
from roundtable.records.models import CaseMember, MemberRole
from roundtable.records.services.cases import StaleRecord
from roundtable.records.tests.case_helpers import hidden_profile
from roundtable.sharing.services import grant_revoke
from roundtable.sharing.tests.factories import profile_for


@pytest.fixture
def world(personas):
    return diary_world(personas)


def _events(record, action=Action.CREATE):
    return AuditEvent.objects.filter(action=action, target_id=str(record.code))


# --- recording an entry ---------------------------------------------------------------------------


def test_owner_records_an_entry_with_author_team_and_agency(world):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case, "Met the complainant at the library.")
    assert entry.case == world.case
    assert (entry.recorded_by, entry.team, entry.organisation) == (alice, asb, asb.organisation)
    assert entry.section == "diary"
    assert entry.version == 0
    assert entry.record == world.case


def test_creating_an_entry_writes_one_audit_event_with_the_section_and_the_text(world):
    entry = write(world.personas.alice, world.work.asb, world.person, "Phoned the mother.")
    event = _events(world.person).get(detail__diary_entry=str(entry.code))
    assert event.sections == ["diary"]
    assert event.changes["body"] == [None, "Phoned the mother."]
    assert event.changes["entry_type"] == [None, DiaryEntryType.HOME_VISIT]
    assert event.actor == world.personas.alice


@pytest.mark.parametrize("kind", ["case", "person", "premises", "group"])
def test_an_entry_can_be_recorded_on_every_kind_of_record(world, kind):
    record = {
        "case": world.case,
        "person": world.person,
        "premises": world.premises,
        "group": world.group,
    }[kind]
    entry = write(world.personas.alice, world.work.asb, record)
    assert entry.record == record
    assert DiaryEntry.objects.filter(pk=entry.pk).count() == 1


def test_partner_with_a_diary_share_may_record_an_entry(world):
    world.share(world.case, ["diary"])
    entry = write(world.personas.carol, world.work.council_asb, world.case, "Council letter sent.")
    assert entry.organisation == world.work.council_asb.organisation


def test_partner_without_the_diary_section_cannot_record_one_and_nothing_is_written(world):
    # Carol's team sees this case's summary and members (the type's default), not its diary.
    with pytest.raises(ValidationError) as refused:
        write(world.personas.carol, world.work.council_asb, world.case)
    assert services.NOT_ALLOWED in str(refused.value)
    assert DiaryEntry.objects.count() == 0
    assert not _events(world.case).filter(detail__has_key="diary_entry").exists()


def test_an_entry_may_be_filed_in_another_section_the_author_sees(world):
    entry = write(world.personas.alice, world.work.asb, world.person, section="sensitive")
    assert entry.section == "sensitive"


def test_a_section_the_record_kind_does_not_have_is_refused(world):
    with pytest.raises(ValidationError, match="Choose a section of this record"):
        write(world.personas.alice, world.work.asb, world.case, section="identity")
    assert DiaryEntry.objects.count() == 0


def test_an_actor_working_as_a_team_they_are_not_in_is_refused(world):
    with pytest.raises(ValidationError, match="not a member"):
        write(world.personas.carol, world.work.asb, world.case)


def test_a_blank_body_or_an_unknown_type_is_refused(world):
    alice, asb = world.personas.alice, world.work.asb
    with pytest.raises(ValidationError, match="Enter what happened"):
        write(alice, asb, world.case, "   ")
    with pytest.raises(ValidationError, match="Choose what kind"):
        write(alice, asb, world.case, entry_type="gossip")
    assert DiaryEntry.objects.count() == 0


def test_a_time_in_the_future_is_refused_beyond_a_few_minutes_of_clock_drift(world):
    alice, asb = world.personas.alice, world.work.asb
    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        drift = write(alice, asb, world.case, occurred_at=now + timedelta(minutes=4))
        with pytest.raises(ValidationError, match="cannot be in the future"):
            write(alice, asb, world.case, occurred_at=now + timedelta(minutes=6))
    assert list(DiaryEntry.objects.values_list("pk", flat=True)) == [drift.pk]


def test_people_the_author_can_identify_may_be_linked(world):
    alice, asb = world.personas.alice, world.work.asb
    victim = profile_for(alice, asb, given_name="Vera", family_name="Linkwell")
    CaseMember.objects.create(case=world.case, profile=victim, role=MemberRole.VICTIM)
    entry = write(alice, asb, world.case, linked_profiles=(victim, victim))
    assert list(entry.linked_profiles.all()) == [victim]
    event = _events(world.case).get(detail__diary_entry=str(entry.code))
    assert event.changes["linked_profiles"] == [None, [str(victim.code)]]


def test_linking_a_person_hidden_from_the_author_is_refused_and_nothing_is_written(world):
    world.share(world.case, ["diary"])
    # A protected witness the police hold: hidden from the council.
    witness = hidden_profile(world.personas.alice, world.work.asb)
    with pytest.raises(ValidationError) as refused:
        write(
            world.personas.carol,
            world.work.council_asb,
            world.case,
            linked_profiles=(witness,),
        )
    assert services.LINKED_NOT_FOUND in str(refused.value)
    assert DiaryEntry.objects.count() == 0


def test_an_entry_on_a_person_cannot_also_name_that_person(world):
    with pytest.raises(ValidationError, match="already on this person"):
        write(world.personas.alice, world.work.asb, world.person, linked_profiles=(world.person,))


# --- the database's own rules ---------------------------------------------------------------------


def test_the_database_refuses_an_entry_on_two_records_or_none(world):
    alice, asb = world.personas.alice, world.work.asb
    common = {
        "entry_type": "note",
        "occurred_at": timezone.now(),
        "body": "x",
        "recorded_by": alice,
        "team": asb,
        "organisation": asb.organisation,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        DiaryEntry.objects.create(case=world.case, profile=world.person, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        DiaryEntry.objects.create(**common)


def test_the_database_refuses_a_section_the_records_kind_does_not_have(world):
    alice, asb = world.personas.alice, world.work.asb
    with pytest.raises(IntegrityError), transaction.atomic():
        DiaryEntry.objects.create(
            case=world.case,
            section="identity",
            entry_type="note",
            occurred_at=timezone.now(),
            body="x",
            recorded_by=alice,
            team=asb,
            organisation=asb.organisation,
        )


# --- corrections ----------------------------------------------------------------------------------


def test_a_correction_keeps_the_earlier_version_with_who_and_why(world):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case, "Visited at 14 Elm Row.", entry_type="contact")
    first_time = entry.occurred_at
    corrected = services.diary_entry_correct(
        actor=alice,
        team=asb,
        entry=entry,
        expected_version=0,
        body="Visited at 41 Elm Row.",
        entry_type=DiaryEntryType.HOME_VISIT,
        reason="Wrong house number",
    )
    assert (corrected.body, corrected.entry_type, corrected.version) == (
        "Visited at 41 Elm Row.",
        "home_visit",
        1,
    )
    assert corrected.is_corrected
    revision = DiaryRevision.objects.get(entry=entry)
    assert (revision.version, revision.body, revision.entry_type, revision.occurred_at) == (
        0,
        "Visited at 14 Elm Row.",
        "contact",
        first_time,
    )
    assert (revision.corrected_by, revision.corrected_by_team, revision.reason) == (
        alice,
        asb,
        "Wrong house number",
    )


def test_a_correction_is_audited_with_old_and_new_values_and_the_reason(world):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case, "Spoke to A.")
    services.diary_entry_correct(
        actor=alice, team=asb, entry=entry, expected_version=0, body="Spoke to B.", reason="Typo"
    )
    event = _events(world.case, Action.UPDATE).get(detail__diary_entry=str(entry.code))
    assert event.changes == {"body": ["Spoke to A.", "Spoke to B."]}
    assert event.justification == "Typo"
    assert event.sections == ["diary"]


def test_a_correction_needs_a_reason_and_a_change_and_writes_nothing_otherwise(world):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case, "Spoke to A.")
    with pytest.raises(ValidationError, match="reason"):
        services.diary_entry_correct(
            actor=alice, team=asb, entry=entry, expected_version=0, body="B", reason=" "
        )
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.diary_entry_correct(
            actor=alice, team=asb, entry=entry, expected_version=0, body="Spoke to A.", reason="x"
        )
    entry.refresh_from_db()
    assert (entry.body, entry.version, entry.corrected_at) == ("Spoke to A.", 0, None)
    assert not DiaryRevision.objects.exists()
    assert not _events(world.case, Action.UPDATE).filter(detail__has_key="diary_entry").exists()


def test_a_stale_correction_is_refused_with_the_entry_as_it_is_now(world):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case, "First.")
    services.diary_entry_correct(
        actor=alice, team=asb, entry=entry, expected_version=0, body="Second.", reason="More"
    )
    with pytest.raises(StaleRecord) as stale:
        services.diary_entry_correct(
            actor=alice, team=asb, entry=entry, expected_version=0, body="Third.", reason="Again"
        )
    assert stale.value.current.body == "Second."  # type: ignore[attr-defined]
    entry.refresh_from_db()
    assert (entry.body, entry.version) == ("Second.", 1)
    assert DiaryRevision.objects.filter(entry=entry).count() == 1


def test_another_member_of_the_authors_team_may_correct_it(world):
    # spoc manages the police ASB team; audrey is a practitioner in it.
    entry = write(world.personas.alice, world.work.asb, world.case, "Draft.")
    services.diary_entry_correct(
        actor=world.personas.audrey,
        team=world.work.asb,
        entry=entry,
        expected_version=0,
        body="Final.",
        reason="Completed for Alice",
    )
    assert DiaryEntry.objects.get(pk=entry.pk).body == "Final."


def test_another_team_may_not_correct_an_entry_it_did_not_record(world):
    world.share(world.case, ["diary"])
    entry = write(world.personas.alice, world.work.asb, world.case, "Police visit.")
    with pytest.raises(ValidationError) as refused:
        services.diary_entry_correct(
            actor=world.personas.carol,
            team=world.work.council_asb,
            entry=entry,
            expected_version=0,
            body="Council visit.",
            reason="Mine now",
        )
    assert services.NOT_YOURS in str(refused.value)
    assert DiaryEntry.objects.get(pk=entry.pk).body == "Police visit."


def test_the_owning_teams_manager_may_correct_a_partners_entry_but_its_practitioner_may_not(world):
    world.share(world.case, ["diary"])
    entry = write(world.personas.carol, world.work.council_asb, world.case, "Council notes.")
    with pytest.raises(ValidationError):
        services.diary_entry_correct(
            actor=world.personas.alice,
            team=world.work.asb,
            entry=entry,
            expected_version=0,
            body="Police notes.",
            reason="Owner",
        )
    services.diary_entry_correct(
        actor=world.personas.spoc,
        team=world.work.asb,
        entry=entry,
        expected_version=0,
        body="Council notes (names removed).",
        reason="Names of a protected witness removed",
    )
    assert DiaryEntry.objects.get(pk=entry.pk).body == "Council notes (names removed)."


def test_the_authors_team_may_not_correct_once_it_no_longer_sees_the_section(world):
    grant = world.share(world.case, ["diary"])
    entry = write(world.personas.carol, world.work.council_asb, world.case, "Council notes.")
    grant_revoke(actor=world.personas.alice, grant=grant, record=world.case, reason="Ended (test)")
    with pytest.raises(ValidationError):
        services.diary_entry_retract(
            actor=world.personas.carol,
            team=world.work.council_asb,
            entry=entry,
            expected_version=0,
            reason="Wrong case",
        )


# --- retractions ----------------------------------------------------------------------------------


def test_a_retraction_keeps_the_entry_with_who_when_and_why_and_is_audited(world):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case, "Recorded on the wrong case.")
    retracted = services.diary_entry_retract(
        actor=alice, team=asb, entry=entry, expected_version=0, reason="Wrong case"
    )
    assert retracted.is_retracted
    assert (retracted.retracted_by, retracted.retracted_by_team) == (alice, asb)
    assert retracted.retraction_reason == "Wrong case"
    assert retracted.body == "Recorded on the wrong case."
    event = _events(world.case, Action.UPDATE).get(detail__diary_entry=str(entry.code))
    assert event.justification == "Wrong case"
    assert event.changes == {"retracted": [False, True]}


def test_a_retraction_needs_a_reason_and_writes_nothing_without_one(world):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case)
    with pytest.raises(ValidationError, match="reason"):
        services.diary_entry_retract(
            actor=alice, team=asb, entry=entry, expected_version=0, reason=""
        )
    entry.refresh_from_db()
    assert not entry.is_retracted and entry.version == 0


def test_a_retracted_entry_cannot_be_corrected_or_retracted_again(world):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case)
    services.diary_entry_retract(
        actor=alice, team=asb, entry=entry, expected_version=0, reason="Duplicate"
    )
    with pytest.raises(ValidationError, match="retracted"):
        services.diary_entry_correct(
            actor=alice, team=asb, entry=entry, expected_version=1, body="New", reason="x"
        )
    with pytest.raises(ValidationError, match="retracted"):
        services.diary_entry_retract(
            actor=alice, team=asb, entry=entry, expected_version=1, reason="Again"
        )


def test_another_team_may_not_retract_an_entry_it_did_not_record(world):
    world.share(world.case, ["diary"])
    entry = write(world.personas.alice, world.work.asb, world.case)
    with pytest.raises(ValidationError):
        services.diary_entry_retract(
            actor=world.personas.carol,
            team=world.work.council_asb,
            entry=entry,
            expected_version=0,
            reason="Not ours",
        )
    assert not DiaryEntry.objects.get(pk=entry.pk).is_retracted


# --- nothing deletes an entry ---------------------------------------------------------------------


def test_an_entry_and_its_revisions_refuse_to_be_deleted(world):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case)
    services.diary_entry_correct(
        actor=alice, team=asb, entry=entry, expected_version=0, body="Changed", reason="x"
    )
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        DiaryRevision.objects.get(entry=entry).delete()
    assert DiaryEntry.objects.filter(pk=entry.pk).exists()


def test_a_record_with_diary_entries_cannot_be_deleted_from_under_them(world):
    write(world.personas.alice, world.work.asb, world.person)
    with pytest.raises(ProtectedError), transaction.atomic():
        world.person.delete()


def test_there_is_no_delete_service_and_no_delete_page():
    names = [name for name, _ in inspect.getmembers(services, inspect.isfunction)]
    assert not [name for name in names if "delete" in name or "remove" in name]
    # Panel meetings remove attendees and agenda items; nothing removes a diary entry.
    routes = [str(p.pattern) for p in casework_urls.urlpatterns if "diary" in str(p.pattern)]
    assert routes
    assert not [route for route in routes if "delete" in route or "remove" in route]

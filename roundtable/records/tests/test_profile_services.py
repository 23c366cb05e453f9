"""The rules of the profile services: each detail's checks, history, audit and locking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import (
    Address,
    AddressKind,
    Identifier,
    IdentifierKind,
    NameIndexEntry,
    Profile,
    ProfileAlias,
    Relationship,
    RelationshipKind,
    WarningKind,
    WarningMarker,
)
from roundtable.records.services import profiles as services
from roundtable.records.tests.profile_helpers import image_bytes, media_dir, team_of
from roundtable.sharing import policy
from roundtable.sharing.models import AccessEntry, Visibility
from roundtable.sharing.sections import RecordKind
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.factories import profile_for

__all__ = ["media_dir"]


@pytest.fixture
def jordan(personas):
    return profile_for(personas.alice, team_of(personas.alice))


def last_update(profile: Profile) -> AuditEvent:
    return AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(profile.code)).latest("id")


# --- identity ---------------------------------------------------------------------------------


def test_a_date_of_birth_in_the_future_is_refused_and_nothing_is_written(personas):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        profile_for(personas.alice, team_of(personas.alice), date_of_birth=tomorrow)
    assert refused.value.message_dict["date_of_birth"] == [
        "Date of birth must be today or in the past"
    ]
    assert not Profile.objects.exists()


def test_an_alias_is_searchable_at_once_and_leaves_the_index_when_ended(personas, jordan):
    alias = services.alias_add(
        actor=personas.alice, profile=jordan, given_name="Jay", family_name="Smithers"
    )
    assert NameIndexEntry.objects.filter(
        profile=jordan, is_alias=True, family_key="smithers"
    ).exists()
    assert last_update(jordan).changes["alias"][1]["family_name"] == "Smithers"
    assert jordan.version == 1

    services.alias_end(actor=personas.alice, alias=alias, expected_version=1)

    assert not NameIndexEntry.objects.filter(profile=jordan, is_alias=True).exists()
    assert last_update(jordan).changes["alias"][0]["family_name"] == "Smithers"


def test_correcting_an_alias_rewrites_its_search_keys(personas, jordan):
    alias = services.alias_add(actor=personas.alice, profile=jordan, family_name="Smithers")
    services.alias_update(
        actor=personas.alice, alias=alias, given_name="", family_name="Smythe", kind="previous"
    )
    keys = set(
        NameIndexEntry.objects.filter(profile=jordan, is_alias=True).values_list(
            "family_key", flat=True
        )
    )
    assert keys == {"smythe"}
    assert last_update(jordan).changes["alias"][0]["family_name"] == "Smithers"


def test_an_alias_needs_at_least_one_name(personas, jordan):
    with pytest.raises(ValidationError):
        services.alias_add(actor=personas.alice, profile=jordan)
    assert not ProfileAlias.objects.exists()


def test_an_identifier_is_stored_normalised_and_audited(personas, jordan):
    services.identifier_add(
        actor=personas.alice, profile=jordan, kind=IdentifierKind.NINO, value="ab 12 34 56 c"
    )
    assert Identifier.objects.get(profile=jordan).value == "AB123456C"
    assert last_update(jordan).changes == {"identifier.nino": [None, "AB123456C"]}


def test_an_identifier_held_by_another_person_is_refused_without_saying_who(personas, jordan):
    other = profile_for(personas.bob, team_of(personas.bob), given_name="Sam", family_name="Other")
    services.identifier_add(actor=personas.bob, profile=other, kind="nhs", value="9434765919")

    with pytest.raises(ValidationError) as refused:
        services.identifier_add(
            actor=personas.alice, profile=jordan, kind="nhs", value="943 476 5919"
        )

    message = refused.value.message_dict["value"][0]
    assert "already recorded on another person's record" in message
    assert "Sam" not in message and "Other" not in message and str(other.code) not in message
    assert Identifier.objects.filter(profile=jordan).count() == 0


def test_a_malformed_identifier_is_refused_and_nothing_is_written(personas, jordan):
    with pytest.raises(ValidationError, match="check letter"):
        services.identifier_add(
            actor=personas.alice, profile=jordan, kind="pnc", value="79/123456A"
        )
    assert not Identifier.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.UPDATE).exists()


def test_consent_is_recorded_with_the_time_it_was_given(personas, jordan):
    with time_machine.travel(datetime(2026, 5, 1, 9, 30, tzinfo=UTC), tick=False):
        services.consent_record(actor=personas.alice, profile=jordan, status="given")
    jordan.refresh_from_db()
    assert jordan.consent_status == "given"
    assert jordan.consent_recorded_at == datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    assert last_update(jordan).changes["consent_status"] == ["not_sought", "given"]


def test_sensitive_details_are_audited_in_the_sensitive_section(personas, jordan):
    services.sensitive_update(
        actor=personas.alice, profile=jordan, expected_version=0, religion="Quaker"
    )
    event = last_update(jordan)
    assert event.sections == ["sensitive"]
    assert event.changes == {"religion": ["", "Quaker"]}


def test_a_stale_version_is_refused_and_nothing_is_overwritten(personas, jordan):
    services.profile_update(
        actor=personas.alice, profile=jordan, expected_version=0, preferred_name="JT"
    )
    with pytest.raises(ValidationError) as refused:
        services.sensitive_update(
            actor=personas.alice, profile=jordan, expected_version=0, religion="Quaker"
        )
    assert refused.value.code == "stale"
    jordan.refresh_from_db()
    assert jordan.religion == "" and jordan.preferred_name == "JT"


def test_a_change_moves_the_person_to_the_top_of_everyones_lists(personas, jordan):
    before = AccessEntry.objects.filter(record_kind=RecordKind.PROFILE, record_id=jordan.pk)
    old_keys = set(before.values_list("sort_key", flat=True))
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        services.vehicle_add(actor=personas.alice, profile=jordan, registration="ab51 abc")
    new_keys = set(before.values_list("sort_key", flat=True))
    assert len(new_keys) == 1 and min(new_keys) > max(old_keys)


# --- contact ------------------------------------------------------------------------------------


def test_a_new_current_address_ends_the_previous_one(personas, jordan):
    first = services.address_add(
        actor=personas.alice,
        profile=jordan,
        line1="1 Test Street",
        postcode="tt1 1tt",
        from_date=date(2020, 1, 1),
    )
    services.address_add(
        actor=personas.alice,
        profile=jordan,
        kind=AddressKind.TEMPORARY,
        line1="2 Other Road",
        from_date=date(2024, 6, 1),
    )
    first.refresh_from_db()
    assert first.postcode == "TT1 1TT"
    assert first.to_date == date(2024, 6, 1)
    assert Address.objects.filter(profile=jordan, to_date__isnull=True).count() == 1
    assert last_update(jordan).changes[f"address.{first.pk}.to_date"] == [None, "2024-06-01"]


def test_no_fixed_abode_needs_no_address_lines(personas, jordan):
    address = services.address_add(
        actor=personas.alice, profile=jordan, kind=AddressKind.NO_FIXED_ABODE
    )
    assert address.line1 == "" and address.to_date is None


def test_a_home_address_needs_a_first_line_and_a_real_postcode(personas, jordan):
    with pytest.raises(ValidationError) as no_line:
        services.address_add(actor=personas.alice, profile=jordan, postcode="TT1 1TT")
    assert "first line" in no_line.value.message_dict["line1"][0]
    with pytest.raises(ValidationError) as bad_postcode:
        services.address_add(actor=personas.alice, profile=jordan, line1="1 Road", postcode="NOPE")
    assert "like SW1A 1AA" in bad_postcode.value.message_dict["postcode"][0]
    assert not Address.objects.exists()


def test_a_new_address_cannot_start_before_the_current_one(personas, jordan):
    services.address_add(
        actor=personas.alice, profile=jordan, line1="1 Road", from_date=date(2024, 1, 1)
    )
    with pytest.raises(ValidationError, match="on or after the current one"):
        services.address_add(
            actor=personas.alice, profile=jordan, line1="2 Road", from_date=date(2023, 1, 1)
        )
    assert Address.objects.count() == 1


def test_phone_numbers_and_emails_are_checked(personas, jordan):
    phone = services.contact_add(
        actor=personas.alice, profile=jordan, kind="phone", value="07700 900 982"
    )
    assert phone.value == "07700900982"
    with pytest.raises(ValidationError, match="phone number"):
        services.contact_add(actor=personas.alice, profile=jordan, kind="phone", value="call me")
    with pytest.raises(ValidationError, match="email address"):
        services.contact_add(actor=personas.alice, profile=jordan, kind="email", value="a@")


def test_a_vehicle_is_stored_by_its_normalised_registration_once(personas, jordan):
    services.vehicle_add(actor=personas.alice, profile=jordan, registration="ab51 abc")
    with pytest.raises(ValidationError, match="already linked"):
        services.vehicle_add(actor=personas.alice, profile=jordan, registration="AB51ABC")
    with pytest.raises(ValidationError, match="like AB51 ABC"):
        services.vehicle_add(actor=personas.alice, profile=jordan, registration="NOT A REG")


# --- warnings -----------------------------------------------------------------------------------


def test_a_warning_is_raised_by_the_actors_team_with_a_review_date(personas, jordan):
    review = timezone.localdate() + timedelta(days=90)
    warning = services.warning_add(
        actor=personas.alice,
        team=team_of(personas.alice),
        profile=jordan,
        kind=WarningKind.VIOLENCE,
        review_date=review,
    )
    assert warning.raised_by_team == team_of(personas.alice)
    assert last_update(jordan).sections == ["warnings"]

    services.warning_end(actor=personas.alice, warning=warning)
    warning.refresh_from_db()
    assert warning.is_active is False


@pytest.mark.parametrize("review_date", [None, date(2000, 1, 1)])
def test_a_warning_without_a_future_review_date_is_refused(personas, jordan, review_date):
    with pytest.raises(ValidationError) as refused:
        services.warning_add(
            actor=personas.alice,
            team=team_of(personas.alice),
            profile=jordan,
            kind=WarningKind.WEAPONS,
            review_date=review_date,
        )
    assert "review" in refused.value.message_dict["review_date"][0]
    assert not WarningMarker.objects.exists()


# --- relationships ------------------------------------------------------------------------------


def alice_viewer(personas):
    return policy.viewer_for_user(personas.alice)


def test_a_relationship_is_stored_once_and_refused_twice_from_either_side(personas, jordan):
    child = profile_for(personas.alice, team_of(personas.alice), given_name="Kit")
    services.relationship_add(
        actor=personas.alice,
        viewer=alice_viewer(personas),
        profile=jordan,
        other_code=child.code,
        kind=RelationshipKind.PARENT_OF,
    )
    with pytest.raises(ValidationError, match="already recorded"):
        services.relationship_add(
            actor=personas.alice,
            viewer=alice_viewer(personas),
            profile=child,
            other_code=jordan.code,
            kind=RelationshipKind.CHILD_OF,
        )
    assert Relationship.objects.count() == 1


def test_a_person_cannot_be_related_to_themselves(personas, jordan):
    with pytest.raises(ValidationError, match="themselves"):
        services.relationship_add(
            actor=personas.alice,
            viewer=alice_viewer(personas),
            profile=jordan,
            other_code=jordan.code,
            kind=RelationshipKind.SIBLING,
        )


def test_a_relationship_to_a_hidden_person_is_refused_like_one_that_does_not_exist(
    personas, jordan
):
    bob_team = team_of(personas.bob)
    hidden = profile_for(personas.bob, bob_team, given_name="Covert")
    record_set_visibility(
        actor=personas.bob,
        record=hidden,
        visibility=Visibility.HIDDEN,
        expected_version=0,
        reason="Protected witness (test)",
    )
    refusals = []
    for code in (hidden.code, "00000000-0000-0000-0000-000000000000", "not-a-code"):
        with pytest.raises(ValidationError) as refused:
            services.relationship_add(
                actor=personas.alice,
                viewer=alice_viewer(personas),
                profile=jordan,
                other_code=code,
                kind=RelationshipKind.ASSOCIATE,
            )
        refusals.append(refused.value.message_dict["other"])
    assert refusals[0] == refusals[1] == refusals[2] == [services.NOT_FOUND_MESSAGE]
    assert not Relationship.objects.exists()


def test_a_relationship_to_a_signposted_person_of_another_agency_is_allowed(personas, jordan):
    theirs = profile_for(personas.carol, team_of(personas.carol), given_name="Ash")
    relationship = services.relationship_add(
        actor=personas.alice,
        viewer=alice_viewer(personas),
        profile=jordan,
        other_code=str(theirs.code),
        kind=RelationshipKind.ASSOCIATE,
    )
    assert relationship.to_profile == theirs


# --- photo --------------------------------------------------------------------------------------


def test_a_real_photo_is_stored_re_encoded_with_a_thumbnail(personas, jordan, media_dir):
    services.photo_set(actor=personas.alice, profile=jordan, data=image_bytes("PNG", (800, 600)))
    jordan.refresh_from_db()
    assert jordan.photo.name.endswith(".png") and jordan.photo_thumbnail.name.endswith("-thumb.png")
    from PIL import Image

    with jordan.photo_thumbnail.open("rb") as stored, Image.open(stored) as thumbnail:
        assert max(thumbnail.size) <= 240
    assert (media_dir / jordan.photo.name).exists()


def test_a_text_file_named_jpg_is_refused_and_nothing_is_stored(personas, jordan, media_dir):
    with pytest.raises(ValidationError, match="JPG, PNG or WebP"):
        services.photo_set(actor=personas.alice, profile=jordan, data=b"not really a photo\n" * 20)
    jordan.refresh_from_db()
    assert not jordan.photo
    assert not media_dir.exists() or not any(media_dir.rglob("*.*"))


def test_a_gif_is_refused_even_though_it_is_a_real_image(personas, jordan, media_dir):
    with pytest.raises(ValidationError, match="JPG, PNG or WebP"):
        services.photo_set(actor=personas.alice, profile=jordan, data=image_bytes("GIF"))


def test_an_oversized_photo_is_refused(personas, jordan, media_dir, settings):
    settings.ROUNDTABLE_PHOTO_MAX_BYTES = 2048
    with pytest.raises(ValidationError, match="smaller than"):
        services.photo_set(
            actor=personas.alice, profile=jordan, data=image_bytes("PNG") + b"\0" * 4096
        )
    jordan.refresh_from_db()
    assert not jordan.photo

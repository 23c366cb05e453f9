"""Edit pages of a profile: owning team only, optimistic locking, clear refusals, uploads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import Identifier, Profile, Relationship, WarningMarker
from roundtable.records.services import profiles as services
from roundtable.records.tests.profile_helpers import image_bytes, media_dir, team_of
from roundtable.sharing.models import Visibility
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.factories import profile_for

__all__ = ["media_dir"]


@pytest.fixture
def jordan(personas):
    return profile_for(personas.alice, team_of(personas.alice))


def edit_url(profile, part: str | None = None) -> str:
    if part:
        return reverse("records:profile_edit_part", kwargs={"code": profile.code, "part": part})
    return reverse("records:profile_edit", kwargs={"code": profile.code})


def add_url(profile, item: str) -> str:
    return reverse("records:profile_item_add", kwargs={"code": profile.code, "item": item})


def identity_data(version: int, **changes: str) -> dict[str, str]:
    data = {
        "version": str(version),
        "given_name": "Jordan",
        "family_name": "Testperson",
        "preferred_name": "",
        "date_of_birth_0": "1",
        "date_of_birth_1": "4",
        "date_of_birth_2": "1990",
        "gender": "not_known",
        "nationality": "GB",
        "languages": "English",
    }
    data.update(changes)
    return data


def test_the_owner_changes_identity_details(personas, client_for, jordan):
    client = client_for(personas.alice)
    assert client.get(edit_url(jordan)).status_code == 200
    response = client.post(edit_url(jordan), identity_data(0, preferred_name="JT"))
    assert response.status_code == 302
    jordan.refresh_from_db()
    assert jordan.preferred_name == "JT" and jordan.nationality.code == "GB"
    event = AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(jordan.code)).get()
    assert event.changes["preferred_name"] == ["", "JT"]


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_anyone_but_the_owning_team_is_refused_an_edit_page(personas, client_for, jordan, persona):
    client = client_for(getattr(personas, persona))
    assert client.get(edit_url(jordan)).status_code == 403
    assert client.post(edit_url(jordan), identity_data(0, given_name="X")).status_code == 403
    assert (
        client.post(
            add_url(jordan, "alias"), {"version": "0", "kind": "alias", "family_name": "X"}
        ).status_code
        == 403
    )
    jordan.refresh_from_db()
    assert jordan.given_name == "Jordan" and not jordan.aliases.exists()


def test_edit_pages_of_a_hidden_profile_are_404_for_outsiders(personas, client_for, jordan):
    record_set_visibility(
        actor=personas.alice,
        record=jordan,
        visibility=Visibility.HIDDEN,
        expected_version=0,
        reason="Covert (test)",
    )
    assert client_for(personas.dave).get(edit_url(jordan)).status_code == 404
    assert client_for(personas.bob).get(add_url(jordan, "warning")).status_code == 404
    assert client_for(personas.alice).get(edit_url(jordan)).status_code == 200


def test_a_stale_edit_shows_both_versions_and_overwrites_nothing(personas, client_for, jordan):
    client = client_for(personas.alice)
    services.profile_update(
        actor=personas.spoc, profile=jordan, expected_version=0, preferred_name="Saved first"
    )
    response = client.post(edit_url(jordan), identity_data(0, preferred_name="Mine"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this record" in body
    table = body.split('data-testid="conflict-versions"')[1].split("</table>")[0]
    assert "Saved first" in table and "Mine" in table
    assert 'name="version" value="1"' in body
    jordan.refresh_from_db()
    assert jordan.preferred_name == "Saved first" and jordan.version == 1


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "1990", "Date of birth must be a real date"),
        ("1", "", "1990", "Date of birth must include a day, month and year"),
        ("1", "1", "3000", "Date of birth must be today or in the past"),
        ("1", "1", "90", "Date of birth must be a real date"),
    ],
)
def test_an_impossible_date_of_birth_is_refused_and_nothing_is_written(
    personas, client_for, jordan, day, month, year, message
):
    response = client_for(personas.alice).post(
        edit_url(jordan),
        identity_data(0, date_of_birth_0=day, date_of_birth_1=month, date_of_birth_2=year),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()
    jordan.refresh_from_db()
    assert jordan.version == 0 and str(jordan.date_of_birth) == "1990-04-01"


def test_sensitive_details_have_their_own_edit_page(personas, client_for, jordan):
    client = client_for(personas.alice)
    response = client.post(
        edit_url(jordan, "sensitive"),
        {
            "version": "0",
            "ethnicity": "",
            "religion": "Quaker",
            "health_notes": "",
            "sexuality": "",
        },
    )
    assert response.status_code == 302
    jordan.refresh_from_db()
    assert jordan.religion == "Quaker"
    assert client.get(edit_url(jordan, "nonsense")).status_code == 404


def test_a_malformed_identifier_is_refused_next_to_its_field(personas, client_for, jordan):
    response = client_for(personas.alice).post(
        add_url(jordan, "identifier"), {"version": "0", "kind": "pnc", "value": "79/123456A"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The check letter of this PNC ID does not match" in body
    assert 'id="id_value-error"' in body
    assert not Identifier.objects.exists()


def test_an_identifier_held_elsewhere_is_refused_without_naming_the_holder(
    personas, client_for, jordan
):
    other = profile_for(personas.carol, team_of(personas.carol), given_name="Holdername")
    services.identifier_add(actor=personas.carol, profile=other, kind="crn", value="X123456")
    response = client_for(personas.alice).post(
        add_url(jordan, "identifier"), {"version": "0", "kind": "crn", "value": "x123456"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "already recorded on another person" in body and "Holdername" not in body
    assert not jordan.identifiers.exists()


def test_a_warning_is_added_and_ended_from_the_record_page(personas, client_for, jordan):
    client = client_for(personas.alice)
    review = timezone.localdate() + timedelta(days=60)
    response = client.post(
        add_url(jordan, "warning"),
        {
            "version": "0",
            "kind": "weapons",
            "notes": "Known to carry a knife (test)",
            "review_date_0": str(review.day),
            "review_date_1": str(review.month),
            "review_date_2": str(review.year),
        },
    )
    assert response.status_code == 302
    warning = WarningMarker.objects.get(profile=jordan)
    assert warning.raised_by_team == team_of(personas.alice)
    end = reverse(
        "records:profile_item_end",
        kwargs={"code": jordan.code, "item": "warning", "pk": warning.pk},
    )
    assert client.post(end, {"version": "0"}).status_code == 409  # the add made version 1
    assert client.post(end, {"version": "1"}).status_code == 302
    warning.refresh_from_db()
    assert warning.is_active is False


def test_a_warning_without_a_review_date_is_refused(personas, client_for, jordan):
    response = client_for(personas.alice).post(
        add_url(jordan, "warning"), {"version": "0", "kind": "weapons"}
    )
    assert response.status_code == 400
    assert "Enter the date this warning must be reviewed by" in response.content.decode()
    assert not WarningMarker.objects.exists()


def test_an_item_of_another_profile_cannot_be_ended_through_this_one(personas, client_for, jordan):
    other = profile_for(personas.alice, team_of(personas.alice), given_name="Otherone")
    alias = services.alias_add(actor=personas.alice, profile=other, family_name="Kept")
    end = reverse(
        "records:profile_item_end", kwargs={"code": jordan.code, "item": "alias", "pk": alias.pk}
    )
    assert client_for(personas.alice).post(end, {"version": "0"}).status_code == 404
    assert other.aliases.count() == 1


def test_a_relationship_to_someone_unseen_is_refused_on_the_page(personas, client_for, jordan):
    secret = profile_for(personas.bob, team_of(personas.bob), given_name="Secret")
    record_set_visibility(
        actor=personas.bob,
        record=secret,
        visibility=Visibility.HIDDEN,
        expected_version=0,
        reason="Covert (test)",
    )
    response = client_for(personas.alice).post(
        add_url(jordan, "relationship"),
        {"version": "0", "other": str(secret.code), "kind": "associate", "notes": ""},
    )
    assert response.status_code == 400
    assert services.NOT_FOUND_MESSAGE in response.content.decode()
    assert not Relationship.objects.exists()


# --- photos -----------------------------------------------------------------------------------


def upload(client, profile, content: bytes, name: str, version: int = 0):
    return client.post(
        reverse("records:profile_photo_upload", kwargs={"code": profile.code}),
        {"version": str(version), "photo": SimpleUploadedFile(name, content)},
    )


def photo_url(profile, size: str = "full") -> str:
    return reverse("records:profile_photo", kwargs={"code": profile.code, "size": size})


def test_an_uploaded_photo_is_served_only_through_the_policy(
    personas, client_for, jordan, media_dir
):
    alice = client_for(personas.alice)
    assert upload(alice, jordan, image_bytes("JPEG"), "face.jpg").status_code == 302
    response = alice.get(photo_url(jordan, "thumbnail"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    # Reading the whole stream closes the file (the test client closes it at the end).
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    bob = client_for(personas.bob).get(photo_url(jordan))  # identity is shared in-organisation
    assert bob.status_code == 200
    assert b"".join(bob.streaming_content)
    assert client_for(personas.carol).get(photo_url(jordan)).status_code == 403
    assert client_for(personas.alice).get(photo_url(jordan, "other")).status_code == 404


def test_a_profile_without_a_photo_has_none_to_serve(personas, client_for, jordan):
    assert client_for(personas.alice).get(photo_url(jordan)).status_code == 404


def test_a_text_file_named_jpg_is_refused(personas, client_for, jordan, media_dir):
    response = upload(client_for(personas.alice), jordan, b"hello, not a photo", "face.jpg")
    assert response.status_code == 400
    assert "must be a photo in JPG, PNG or WebP format" in response.content.decode()
    jordan.refresh_from_db()
    assert not jordan.photo and jordan.version == 0


def test_an_oversized_photo_is_refused(personas, client_for, jordan, media_dir, settings):
    settings.ROUNDTABLE_PHOTO_MAX_BYTES = 4096
    response = upload(
        client_for(personas.alice), jordan, image_bytes("PNG", (600, 600)) + b"\0" * 8192, "big.png"
    )
    assert response.status_code == 400
    assert "The photo must be smaller than" in response.content.decode()
    assert not Profile.objects.get(pk=jordan.pk).photo


def test_a_photo_bigger_than_any_upload_is_dropped_in_transit_and_explained(
    personas, client_for, jordan, media_dir, settings
):
    settings.ROUNDTABLE_PHOTO_MAX_BYTES = 4096
    settings.DOCUMENT_MAX_BYTES = 4096  # the largest upload any page accepts
    response = upload(
        client_for(personas.alice), jordan, image_bytes("PNG", (600, 600)) + b"\0" * 8192, "big.png"
    )
    assert response.status_code == 400
    assert "The photo must be smaller than" in response.content.decode()
    assert "Select a photo" not in response.content.decode()
    assert not Profile.objects.get(pk=jordan.pk).photo


@pytest.mark.parametrize(
    ("item", "data", "shown"),
    [
        ("alias", {"kind": "nickname", "given_name": "", "family_name": "Jazz"}, "Jazz (nickname)"),
        ("identifier", {"kind": "prison", "value": "a1234bc"}, "A1234BC"),
        ("address", {"kind": "nfa", "line1": "", "town": "", "postcode": ""}, "No fixed abode"),
        ("address", {"kind": "home", "line1": "3 Test Lane", "postcode": "tt1 2tt"}, "TT1 2TT"),
        (
            "contact",
            {"kind": "email", "value": "jordan@example.invalid", "label": "home"},
            "jordan@example.invalid",
        ),
        ("vehicle", {"registration": "ab51 abc", "description": "Blue van"}, "AB51ABC: Blue van"),
    ],
)
def test_each_kind_of_detail_can_be_added_from_its_page(
    personas, client_for, jordan, item, data, shown
):
    client = client_for(personas.alice)
    assert client.get(add_url(jordan, item)).status_code == 200
    response = client.post(add_url(jordan, item), {"version": "0", **data})
    assert response.status_code == 302
    page = client.get(jordan.get_absolute_url()).content.decode()
    assert shown in page


def test_a_relationship_added_on_one_page_shows_its_inverse_on_the_other(
    personas, client_for, jordan
):
    child = profile_for(personas.alice, team_of(personas.alice), given_name="Kidname")
    client = client_for(personas.alice)
    response = client.post(
        add_url(jordan, "relationship"),
        {"version": "0", "other": str(child.code), "kind": "parent_of", "notes": ""},
    )
    assert response.status_code == 302
    assert "Child of" in client.get(child.get_absolute_url()).content.decode()


def test_an_unknown_kind_of_detail_is_404(personas, client_for, jordan):
    assert client_for(personas.alice).get(add_url(jordan, "passport")).status_code == 404


def test_a_warning_review_sets_the_next_review_date(personas, client_for, jordan):
    warning = services.warning_add(
        actor=personas.alice,
        team=team_of(personas.alice),
        profile=jordan,
        kind="drugs",
        review_date=timezone.localdate() + timedelta(days=5),
    )
    review_url = reverse(
        "records:profile_warning_review", kwargs={"code": jordan.code, "pk": warning.pk}
    )
    client = client_for(personas.alice)
    assert client.get(review_url).status_code == 200
    later = timezone.localdate() + timedelta(days=90)
    response = client.post(
        review_url,
        {
            "version": "1",
            "notes": "Reviewed (test)",
            "review_date_0": str(later.day),
            "review_date_1": str(later.month),
            "review_date_2": str(later.year),
        },
    )
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.review_date == later and warning.notes == "Reviewed (test)"
    assert client_for(personas.bob).get(review_url).status_code == 403

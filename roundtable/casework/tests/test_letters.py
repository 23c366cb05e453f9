"""Generating letters for a person on a case and recording their service: merged from what the
generating team may see only, saved as a document, audited; both PDF and Word opened and read."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import (
    DiaryEntry,
    DiaryEntryType,
    Letter,
    LetterStatus,
    LetterTemplate,
)
from roundtable.casework.services import letters as services
from roundtable.casework.storage import document_storage
from roundtable.casework.tests.document_helpers import documents_dir
from roundtable.casework.tests.letter_helpers import (
    docx_text,
    letter_world,
    pdf_text,
    person_in_case,
)
from roundtable.records.services.cases import StaleRecord
from roundtable.sharing import policy
from roundtable.sharing.services import grant_create

__all__ = ["documents_dir"]


@pytest.fixture
def world(personas, documents_dir):
    return letter_world(personas)


def generate(personas, world, name: str, person=None):
    return services.letter_generate(
        actor=personas.alice,
        team=world.work.asb,
        viewer=policy.viewer_for_user(personas.alice),
        case=world.case,
        template=world.templates[name],
        profile=person or world.person,
    )


def file_of(letter: Letter) -> bytes:
    stored_name = letter.document.versions.get(number=1).stored_name
    with document_storage().open(stored_name, "rb") as handle:
        return bytes(handle.read())


def test_a_pdf_letter_holds_the_merged_details(personas, world):
    letter = generate(personas, world, "Home Office letter")
    text = pdf_text(file_of(letter))
    assert "Wrenna Oakhurst" in text
    assert "14 Larkspur Mews" in text
    assert "TE1 4LX" in text
    assert "14 July 1991" in text
    assert "Portugal" in text
    assert world.case.reference in text
    assert "Alice Ashdown" in text
    assert "Testshire Police" in text
    assert "{{" not in text
    assert letter.document.current_version.content_type == "application/pdf"


def test_a_word_letter_holds_the_merged_details(personas, world):
    letter = generate(personas, world, "Support signposting letter")
    text = docx_text(file_of(letter))
    assert "Dear Wrenna" in text
    assert "14 Larkspur Mews" in text
    assert world.case.reference in text
    assert "Alice Ashdown" in text
    assert letter.document.current_version.extension == "docx"


def test_a_generated_letter_is_a_document_on_the_case_linked_to_the_person(personas, world):
    letter = generate(personas, world, "Chief inspector's letter")
    assert letter.document.case == world.case
    assert letter.document.version_count == 1
    assert letter.profile == world.person
    assert letter.status == LetterStatus.GENERATED
    assert letter.template_version == world.templates["Chief inspector's letter"].version


def test_generation_is_audited_on_the_case_and_as_a_read_of_the_person(personas, world):
    letter = generate(personas, world, "Home Office letter")
    on_case = AuditEvent.objects.get(
        target_id=str(world.case.code), detail__letter=str(letter.code)
    )
    assert on_case.action == Action.CREATE
    assert on_case.detail["profile"] == str(world.person.code)
    read = AuditEvent.objects.get(target_id=str(world.person.code), action=Action.VIEW)
    assert read.sections == ["contact", "identity"]


def test_names_outside_western_european_letters_are_folded_in_pdf_and_kept_in_word(personas, world):
    person = person_in_case(
        personas,
        world.case,
        personas.alice,
        world.work.asb,
        given_name="Łucja",
        family_name="Σοφία",
    )
    pdf = pdf_text(file_of(generate(personas, world, "Chief inspector's letter", person)))
    assert "Lucja" in pdf
    word = docx_text(file_of(generate(personas, world, "Support signposting letter", person)))
    assert "Dear Łucja" in word


def test_a_letter_needing_a_section_not_shared_is_refused_naming_it(personas, world):
    # A person the council holds: Alice's team is given their identity but not their address.
    council = world.work.council_asb
    person = person_in_case(personas, world.case, personas.carol, council, given_name="Tamsin")
    grant_create(
        actor=personas.carol,
        record=person,
        agreement=world.work.agreement,
        sections=["identity"],
        team=world.work.asb,
    )
    with pytest.raises(ValidationError) as raised:
        generate(personas, world, "Home Office letter", person)
    message = raised.value.message_dict["template"][0]
    assert "contact details and addresses" in message
    assert "Council ASB Team" in message
    assert not Letter.objects.exists()
    # A letter that needs only what was shared can be generated.
    world.templates["Identity only"] = LetterTemplate.objects.create(
        partnership=world.work.testshire,
        name="Identity only",
        body="Dear {{ person.full_name }}, about case {{ case.reference }}.",
    )
    letter = generate(personas, world, "Identity only", person)
    assert "Tamsin" in pdf_text(file_of(letter))


def test_a_letter_for_someone_not_in_the_case_is_refused(personas, world):
    from roundtable.sharing.tests.factories import profile_for

    stranger = profile_for(personas.alice, world.work.asb, given_name="Outside")
    with pytest.raises(ValidationError) as raised:
        generate(personas, world, "Home Office letter", stranger)
    assert "person" in raised.value.message_dict


def test_only_the_owning_team_generates(personas, world):
    with pytest.raises(PermissionDenied):
        services.letter_generate(
            actor=personas.carol,
            team=world.work.council_asb,
            viewer=policy.viewer_for_user(personas.carol),
            case=world.case,
            template=world.templates["Home Office letter"],
            profile=world.person,
        )


def test_an_inactive_template_is_refused(personas, world):
    template = world.templates["Home Office letter"]
    template.is_active = False
    template.save()
    with pytest.raises(ValidationError):
        generate(personas, world, "Home Office letter")


# --- serving ------------------------------------------------------------------------------------


def serve(personas, world, letter, **overrides):
    values = {
        "actor": personas.alice,
        "team": world.work.asb,
        "letter": letter,
        "expected_version": letter.version,
        # Ten minutes ago, but never before the letter was made: just after midnight "ten
        # minutes ago" is yesterday, which the service rightly refuses.
        "served_at": max(timezone.now() - timedelta(minutes=10), letter.created_at),
        "served_how": "by_hand",
        "notes": "At the front door",
    }
    values.update(overrides)
    return services.letter_mark_served(**values)


def test_marking_served_records_when_how_and_who_and_audits(personas, world):
    letter = generate(personas, world, "Community protection warning")
    served = serve(personas, world, letter)
    served.refresh_from_db()
    assert served.status == LetterStatus.SERVED
    assert served.served_how == "by_hand"
    assert served.served_by == personas.alice
    assert served.version == 1
    event = AuditEvent.objects.filter(
        target_id=str(world.case.code), action=Action.UPDATE, detail__letter=str(letter.code)
    ).get()
    assert event.changes["status"] == ["generated", "served"]
    assert event.sections == ["documents"]
    assert "served. How: Handed to the person. At the front door" in services.served_summary(served)


def test_a_letter_cannot_be_served_twice_or_in_the_future_or_before_it_existed(personas, world):
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=timezone.get_current_timezone())):
        letter = generate(personas, world, "Community protection warning")
        with pytest.raises(ValidationError, match="today or in the past"):
            serve(personas, world, letter, served_at=timezone.now() + timedelta(days=1))
        with pytest.raises(ValidationError, match="before it was generated"):
            serve(personas, world, letter, served_at=timezone.now() - timedelta(days=2))
        served = serve(personas, world, letter)
        with pytest.raises(ValidationError, match="already recorded as served"):
            serve(personas, world, served, expected_version=served.version)


def test_marking_served_writes_one_letter_served_entry_in_the_case_diary(
    personas, world, client_for
):
    letter = generate(personas, world, "Community protection warning")
    served = serve(personas, world, letter)
    [entry] = DiaryEntry.objects.filter(case=world.case)
    assert entry.entry_type == DiaryEntryType.LETTER_SERVED
    assert entry.section == "diary"
    assert entry.occurred_at == served.served_at
    assert (entry.recorded_by, entry.team) == (personas.alice, world.work.asb)
    assert entry.body == services.served_summary(served)
    assert list(entry.linked_profiles.all()) == [world.person]
    client = client_for(personas.alice)
    args = {"kind": "case", "code": world.case.code}
    diary = client.get(reverse("casework:diary_list", kwargs=args)).content.decode()
    assert "Letter served" in diary and "At the front door" in diary
    timeline = client.get(
        reverse("casework:case_timeline", kwargs={"code": world.case.code})
    ).content.decode()
    assert "Letter served" in timeline


def test_a_failed_diary_entry_leaves_the_letter_unserved(personas, world):
    letter = generate(personas, world, "Community protection warning")
    # Bob is not in the team that owns the case: the diary refuses him, and so nothing is saved.
    with pytest.raises(ValidationError, match="not a member"):
        serve(personas, world, letter, actor=personas.bob)
    letter.refresh_from_db()
    assert (letter.status, letter.version) == (LetterStatus.GENERATED, 0)
    assert not DiaryEntry.objects.filter(case=world.case).exists()


def test_a_stale_service_record_is_refused(personas, world):
    letter = generate(personas, world, "Community protection warning")
    serve(personas, world, letter)
    with pytest.raises(StaleRecord):
        serve(personas, world, letter, expected_version=0)


# --- pages --------------------------------------------------------------------------------------


def generate_url(world) -> str:
    return reverse("casework:letter_generate", kwargs={"code": world.case.code})


def test_the_owner_generates_a_letter_through_the_page(personas, world, client_for):
    client = client_for(personas.alice)
    page = client.get(generate_url(world))
    assert page.status_code == 200
    assert "Wrenna OAKHURST (Perpetrator)" in page.content.decode()
    template = world.templates["Acceptable behaviour contract"]
    response = client.post(
        generate_url(world), {"template": str(template.code), "person": str(world.person.code)}
    )
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == letter.get_absolute_url()
    detail = client.get(letter.get_absolute_url()).content.decode()
    assert "Record that it was served" in detail
    assert "Wrenna OAKHURST" in detail


def test_the_generate_page_shows_the_withheld_section_refusal(personas, world, client_for):
    council = world.work.council_asb
    person = person_in_case(personas, world.case, personas.carol, council, given_name="Tamsin")
    grant_create(
        actor=personas.carol,
        record=person,
        agreement=world.work.agreement,
        sections=["identity"],
        team=world.work.asb,
    )
    response = client_for(personas.alice).post(
        generate_url(world),
        {
            "template": str(world.templates["Home Office letter"].code),
            "person": str(person.code),
        },
    )
    assert response.status_code == 400
    assert "contact details and addresses" in response.content.decode()


def test_anyone_but_the_owning_team_is_refused_the_generate_page(personas, world, client_for):
    # Carol's team sees the case; Dave sees only its signpost: visible, so 403 for both.
    assert client_for(personas.carol).get(generate_url(world)).status_code == 403
    assert client_for(personas.dave).get(generate_url(world)).status_code == 403
    missing = reverse(
        "casework:letter_generate", kwargs={"code": "00000000-0000-0000-0000-000000000000"}
    )
    assert client_for(personas.alice).get(missing).status_code == 404


def test_a_letter_page_is_404_without_the_cases_documents(personas, world, client_for):
    letter = generate(personas, world, "Home Office letter")
    for persona in (personas.carol, personas.dave, personas.bob):
        assert client_for(persona).get(letter.get_absolute_url()).status_code == 404
    served_url = reverse("casework:letter_mark_served", kwargs={"code": letter.code})
    assert client_for(personas.carol).get(served_url).status_code == 404


def test_a_partner_with_documents_reads_the_letter_but_cannot_mark_it_served(
    personas, world, client_for
):
    letter = generate(personas, world, "Home Office letter")
    grant_create(
        actor=personas.alice,
        record=world.case,
        agreement=world.work.agreement,
        sections=["documents"],
        team=world.work.council_asb,
    )
    client = client_for(personas.carol)
    body = client.get(letter.get_absolute_url()).content.decode()
    assert "A person whose identity has not been shared with your team" in body
    assert "Record that it was served" not in body
    served_url = reverse("casework:letter_mark_served", kwargs={"code": letter.code})
    assert client.get(served_url).status_code == 403


def test_the_owner_marks_a_letter_served_through_the_page(personas, world, client_for):
    letter = generate(personas, world, "Community protection warning")
    url = reverse("casework:letter_mark_served", kwargs={"code": letter.code})
    client = client_for(personas.alice)
    assert client.get(url).status_code == 200
    today = timezone.localdate().strftime("%d/%m/%Y")
    bad = client.post(url, {"served_on": today, "served_time": "25:00", "version": "0"})
    assert bad.status_code == 400
    assert "real time" in bad.content.decode()
    response = client.post(
        url,
        {
            "served_on": today,
            "served_time": "00:01",
            "served_how": "first_class_post",
            "notes": "",
            "version": "0",
        },
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SERVED
    assert letter.served_how == "first_class_post"
    listing = client.get(
        reverse("casework:document_list", kwargs={"kind": "case", "code": world.case.code})
    )
    assert "Served" in listing.content.decode()

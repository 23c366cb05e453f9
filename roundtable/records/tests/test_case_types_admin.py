"""Case type administration: partnership admins only, their own partnership, rules checked."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.customforms.schema import schema_problems
from roundtable.directory.models import Capability
from roundtable.directory.tests.factories import grant
from roundtable.records.models import CaseType, CaseTypeShareDefault
from roundtable.records.services import cases as services
from roundtable.records.services.case_type_seeds import SEED_CASE_TYPES, case_types_seed
from roundtable.records.tests.case_helpers import casework, open_case, sections_of
from roundtable.sharing.models import AccessLevel
from roundtable.sharing.sections import RecordKind, Section, to_mask
from roundtable.sharing.tests.factories import agreement_between, case_type_for


@pytest.fixture
def work(personas):
    grant(personas.spoc, Capability.PARTNERSHIP_ADMIN)
    return casework(personas)


def _form(**overrides):
    data = {
        "name": "Hate crime",
        "reference_prefix": "HATE",
        "description": "Hostility to a protected characteristic",
        "stages": "Report received\nVictim contact\nClosed",
        "access_level": "audited",
        "organisation_sections": ["summary"],
        "review_interval_days": "14",
        "retention_years": "6",
        "field_schema": json.dumps(
            [{"key": "strand", "label": "Strand", "type": "choice", "choices": ["Race"]}]
        ),
    }
    data.update(overrides)
    return data


def test_practitioner_gets_403_on_case_type_pages(personas, work, client_for):
    client = client_for(personas.alice)
    assert client.get(reverse("records:case_type_list")).status_code == 403
    assert client.get(reverse("records:case_type_create")).status_code == 403
    detail = reverse("records:case_type_detail", kwargs={"code": work.case_type.code})
    assert client.get(detail).status_code == 403


def test_partnership_admin_sees_their_partnerships_case_types(personas, work, client_for):
    response = client_for(personas.spoc).get(reverse("records:case_type_list"))
    assert response.status_code == 200
    assert "Anti-social behaviour" in response.content.decode()


def test_another_partnerships_case_type_is_404_for_an_admin(personas, work, client_for):
    other = case_type_for(work.far_team.organisation.partnership, name="Far ASB", prefix="FAR")
    url = reverse("records:case_type_detail", kwargs={"code": other.code})
    assert client_for(personas.spoc).get(url).status_code == 404


def test_partnership_admin_sets_up_a_case_type_through_the_page(personas, work, client_for):
    response = client_for(personas.spoc).post(reverse("records:case_type_create"), _form())
    assert response.status_code == 302
    created = CaseType.objects.get(reference_prefix="HATE")
    assert created.stages == ["Report received", "Victim contact", "Closed"]
    assert created.access_level == AccessLevel.AUDITED
    assert created.organisation_sections == to_mask([Section.SUMMARY])
    assert created.form is not None
    version = created.form.current_version
    assert version is not None
    assert (version.number, version.schema["fields"][0]["key"]) == (1, "strand")
    assert version.schema["fields"][0]["choices"] == [{"value": "Race", "label": "Race"}]
    assert AuditEvent.objects.filter(action=Action.CREATE, target_id=str(created.code)).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reference_prefix": "asb1"}, "2 to 8 capital letters"),
        ({"reference_prefix": "ASB"}, "already uses this prefix"),
        ({"stages": "  "}, "Give at least one workflow stage"),
        ({"stages": "Open\nopen"}, "must appear once"),
        (
            {"field_schema": json.dumps([{"key": "a", "label": "A", "type": "text"}] * 2)},
            "the key is used more than once",
        ),
        (
            {"field_schema": json.dumps([{"key": "b", "label": "B", "type": "choice"}])},
            "a choice field needs a list of choices",
        ),
        (
            {"field_schema": json.dumps([{"key": "c", "label": "C", "type": "colour"}])},
            "the type must be one of text, long_text, number, date, yes_no, choice",
        ),
        ({"field_schema": "[{"}, "not valid JSON"),
    ],
)
def test_bad_case_type_is_refused_with_a_clear_message_and_nothing_written(
    personas, work, client_for, overrides, message
):
    before = CaseType.objects.count()
    response = client_for(personas.spoc).post(
        reverse("records:case_type_create"), _form(**overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CaseType.objects.count() == before


def test_case_type_fields_are_changed_through_its_versioned_form_not_the_settings_page(
    personas, work, client_for
):
    client = client_for(personas.spoc)
    edit = client.get(reverse("records:case_type_edit", kwargs={"code": work.case_type.code}))
    assert 'name="field_schema"' not in edit.content.decode()
    detail = client.get(reverse("records:case_type_detail", kwargs={"code": work.case_type.code}))
    body = detail.content.decode()
    assert "Number of incidents (number, required)" in body
    assert "Version 1 of the type's form" in body
    assert work.case_type.form.get_absolute_url() in body


def test_renaming_a_case_type_renames_its_form(personas, work):
    services.case_type_update(
        actor=personas.spoc, case_type=work.case_type, expected_version=0, name="ASB (district)"
    )
    work.case_type.form.refresh_from_db()
    assert work.case_type.form.name == "ASB (district)"


def test_service_refuses_an_admin_of_another_partnership(personas, work):
    grant(personas.dave, Capability.PARTNERSHIP_ADMIN)
    with pytest.raises(PermissionDenied):
        services.case_type_update(
            actor=personas.dave, case_type=work.case_type, expected_version=0, name="Taken"
        )


def test_stale_case_type_edit_shows_both_versions_and_overwrites_nothing(
    personas, work, client_for
):
    url = reverse("records:case_type_edit", kwargs={"code": work.case_type.code})
    services.case_type_update(
        actor=personas.spoc, case_type=work.case_type, expected_version=0, name="ASB (new)"
    )
    data = _form(name="ASB (mine)", reference_prefix="ASB", field_schema="", version="0")
    response = client_for(personas.spoc).post(url, data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "ASB (new)" in body
    assert 'value="ASB (mine)"' in body
    work.case_type.refresh_from_db()
    assert work.case_type.name == "ASB (new)"


def test_fresh_case_type_edit_saves(personas, work, client_for):
    url = reverse("records:case_type_edit", kwargs={"code": work.case_type.code})
    data = _form(name="ASB renamed", reference_prefix="ASB", version="0", is_active="on")
    response = client_for(personas.spoc).post(url, data)
    assert response.status_code == 302
    work.case_type.refresh_from_db()
    assert (work.case_type.name, work.case_type.version) == ("ASB renamed", 1)


def test_default_share_beyond_what_the_party_may_receive_is_refused(personas, work):
    narrow = agreement_between(
        work.asb.organisation,
        work.council_asb.organisation,
        reference="ISA-NARROW",
        max_sections=to_mask([Section.SUMMARY]),
    )
    with pytest.raises(ValidationError) as refused:
        services.case_type_share_default_add(
            actor=personas.spoc,
            case_type=work.case_type,
            agreement=narrow,
            team=work.council_asb,
            sections=[Section.SUMMARY, Section.RISK],
        )
    assert "does not allow Testshire District Council to receive: Risk" in str(refused.value)


def test_default_share_for_an_organisation_not_party_is_refused(personas, work):
    with pytest.raises(ValidationError) as refused:
        services.case_type_share_default_add(
            actor=personas.spoc,
            case_type=work.case_type,
            agreement=work.agreement,
            organisation=work.far_team.organisation,
            sections=[Section.SUMMARY],
        )
    assert "is not a party" in str(refused.value)


def test_default_share_reaches_existing_cases_and_removing_it_takes_access_away(
    personas, work, client_for
):
    case = open_case(personas.alice, work.asb, work.case_type)
    work.default.delete()
    url = reverse("records:case_type_default_add", kwargs={"code": work.case_type.code})
    response = client_for(personas.spoc).post(
        url,
        {
            "agreement": work.agreement.pk,
            "recipient": f"team:{work.council_asb.pk}",
            "sections": ["summary", "risk"],
        },
    )
    assert response.status_code == 302
    assert sections_of(personas.carol, case) == {Section.SUMMARY, Section.RISK}
    default = CaseTypeShareDefault.objects.get(case_type=work.case_type)
    remove = reverse(
        "records:case_type_default_remove",
        kwargs={"code": work.case_type.code, "default_id": default.pk},
    )
    assert client_for(personas.spoc).post(remove).status_code == 302
    assert sections_of(personas.carol, case) == frozenset()
    assert AuditEvent.objects.filter(action=Action.UNSHARE, target_id=str(work.case_type.code))


def test_practitioner_cannot_add_a_default_share(personas, work, client_for):
    url = reverse("records:case_type_default_add", kwargs={"code": work.case_type.code})
    assert client_for(personas.alice).post(url, {}).status_code == 403


def test_seeding_adds_the_standard_types_once_and_keeps_local_changes(personas, db):
    partnership = personas.alice.organisation.partnership
    call_command("seed_case_types", "--partnership", partnership.short_name)
    prefixes = set(
        CaseType.objects.filter(partnership=partnership).values_list("reference_prefix", flat=True)
    )
    assert prefixes == {spec["reference_prefix"] for spec in SEED_CASE_TYPES}
    assert len(prefixes) == 16
    asb = CaseType.objects.get(partnership=partnership, reference_prefix="ASB")
    assert asb.stages[0] == "Report received"
    assert asb.access_level == AccessLevel.OPEN
    assert CaseType.objects.get(reference_prefix="CSE").access_level == AccessLevel.CLOSED
    assert CaseType.objects.get(reference_prefix="DA").access_level == AccessLevel.AUDITED
    asb.description = "Local wording"
    asb.save()
    assert case_types_seed(partnership) == []
    asb.refresh_from_db()
    assert asb.description == "Local wording"


def test_every_seed_type_passes_the_schema_and_stage_rules():
    for spec in SEED_CASE_TYPES:
        problems = schema_problems(spec["field_schema"], record_kind=RecordKind.CASE)
        assert problems == [], spec["name"]
        assert len(spec["stages"]) >= 3

"""Letter templates: partnership admins of their own partnership only; merge fields from the
fixed list only, refused by name otherwise; never rendered as a template; seeding is idempotent."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework import merge_fields
from roundtable.casework.models import LetterTemplate
from roundtable.casework.services import letters as services
from roundtable.casework.services.letter_seeds import SEED_LETTER_TEMPLATES, letter_templates_seed
from roundtable.directory.models import Capability
from roundtable.directory.tests.factories import grant
from roundtable.records.tests.case_helpers import casework


@pytest.fixture
def work(personas):
    grant(personas.spoc, Capability.PARTNERSHIP_ADMIN)
    return casework(personas)


def form(**overrides):
    data = {
        "name": "Housing warning",
        "purpose": "warning",
        "output_format": "pdf",
        "subject": "About your tenancy, {{ case.reference }}",
        "body": "Dear {{ person.full_name }}\n\nPlease stop.\n\n{{ officer.name }}",
    }
    data.update(overrides)
    return data


def test_a_practitioner_gets_403_on_every_template_page(personas, work, client_for):
    template = letter_templates_seed(work.testshire)[0]
    client = client_for(personas.alice)
    for url in (
        reverse("casework:letter_template_list"),
        reverse("casework:letter_template_create"),
        template.get_absolute_url(),
        reverse("casework:letter_template_edit", kwargs={"code": template.code}),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("casework:letter_template_create"), form()).status_code == 403
    assert not LetterTemplate.objects.filter(name="Housing warning").exists()


def test_another_partnerships_admin_gets_404_for_this_partnerships_template(
    personas, work, client_for
):
    grant(personas.dave, Capability.PARTNERSHIP_ADMIN)
    template = letter_templates_seed(work.testshire)[0]
    client = client_for(personas.dave)
    assert client.get(template.get_absolute_url()).status_code == 404
    assert (
        "Home Office" not in client.get(reverse("casework:letter_template_list")).content.decode()
    )


def test_the_partnership_admin_sets_up_a_template(personas, work, client_for):
    client = client_for(personas.spoc)
    page = client.get(reverse("casework:letter_template_create"))
    assert page.status_code == 200
    assert "{{ person.address }}" in page.content.decode()  # the list of merge fields is shown
    response = client.post(reverse("casework:letter_template_create"), form())
    template = LetterTemplate.objects.get(name="Housing warning")
    assert response.status_code == 302
    assert template.partnership == work.testshire
    event = AuditEvent.objects.get(target_id=str(template.code))
    assert event.action == Action.CREATE


def test_an_unknown_merge_field_is_refused_naming_it(personas, work, client_for):
    response = client_for(personas.spoc).post(
        reverse("casework:letter_template_create"),
        form(body="Dear {{ person.full_name }}, your {{ person.bank_account }} is noted."),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "person.bank_account" in body
    assert "is not a merge field you can use" in body
    assert not LetterTemplate.objects.filter(name="Housing warning").exists()


@pytest.mark.parametrize(
    "text",
    [
        "{{ officer.password }}",
        "{{ request.user.email }}",
        "{% load static %}{% debug %}",
        "{{ person.full_name|upper }}",
        "Unclosed {{ person.full_name",
        "{{ }}",
    ],
)
def test_template_language_and_unknown_names_are_refused(personas, work, text):
    with pytest.raises(ValidationError) as raised:
        services.letter_template_create(
            actor=personas.spoc,
            partnership=work.testshire,
            name="Probe",
            purpose="other",
            subject="",
            body=text,
            output_format="pdf",
        )
    assert "body" in raised.value.message_dict


def test_merged_values_are_never_read_again_as_merge_fields():
    merged = merge_fields.merge(
        "Dear {{ person.full_name }}", {"person.full_name": "{{ officer.email }}"}
    )
    assert merged == "Dear {{ officer.email }}"


def test_only_a_partnership_admin_of_that_partnership_may_write_templates(personas, work):
    for actor in (personas.alice, personas.dave):
        with pytest.raises(PermissionDenied):
            services.letter_template_create(
                actor=actor,
                partnership=work.testshire,
                name="Probe",
                purpose="other",
                subject="",
                body="Hello",
                output_format="pdf",
            )


def test_a_stale_template_edit_shows_both_versions_and_saves_nothing(personas, work, client_for):
    template = letter_templates_seed(work.testshire)[0]
    services.letter_template_update(
        actor=personas.spoc, template=template, expected_version=0, name="Renamed first"
    )
    url = reverse("casework:letter_template_edit", kwargs={"code": template.code})
    response = client_for(personas.spoc).post(
        url,
        form(name="Renamed second", version="0", is_active="on"),
    )
    assert response.status_code == 409
    assert "Renamed first" in response.content.decode()
    template.refresh_from_db()
    assert template.name == "Renamed first"


def test_the_admin_edits_and_retires_a_template(personas, work, client_for):
    template = letter_templates_seed(work.testshire)[0]
    url = reverse("casework:letter_template_edit", kwargs={"code": template.code})
    client = client_for(personas.spoc)
    assert client.get(url).status_code == 200
    response = client.post(url, form(name="Retired letter", version="0"))
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.is_active, template.version) == ("Retired letter", False, 1)


def test_seeding_adds_the_standard_templates_once(personas, work):
    call_command("seed_letter_templates", partnership="testshire")
    call_command("seed_letter_templates", partnership="testshire")
    names = set(work.testshire.letter_templates.values_list("name", flat=True))
    assert names == {seed["name"] for seed in SEED_LETTER_TEMPLATES}
    assert {
        "Home Office letter",
        "Chief inspector's letter",
        "Support signposting letter",
        "Community protection warning",
        "Acceptable behaviour contract",
    } <= names


def test_seeded_wording_uses_only_known_merge_fields():
    for seed in SEED_LETTER_TEMPLATES:
        assert merge_fields.problems(seed["body"]) == [], seed["name"]
        assert merge_fields.problems(seed["subject"]) == [], seed["name"]


def test_partnership_admins_find_letter_templates_in_the_navigation(personas, work, client_for):
    url = reverse("casework:letter_template_list")
    assert url in client_for(personas.spoc).get(reverse("home")).content.decode()
    assert url not in client_for(personas.alice).get(reverse("home")).content.decode()

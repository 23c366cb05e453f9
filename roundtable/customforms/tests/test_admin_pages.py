"""Form administration pages: partnership admins of the form's own partnership only."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.customforms.models import FormVersion
from roundtable.customforms.tests.helpers import current, form_for, make_admin
from roundtable.customforms.tests.schemas import DASH_LIKE

SIMPLE = [
    {"key": "incidents", "label": "Number of incidents", "type": "number"},
    {"key": "hate", "label": "Hate motivated", "type": "yes_no"},
]


@pytest.fixture
def admin(personas):
    return make_admin(personas.spoc)


@pytest.fixture
def definition(admin):
    return form_for(admin, SIMPLE)


def url(name, definition, **extra):
    return reverse(f"customforms:{name}", kwargs={"code": definition.code, **extra})


def test_a_practitioner_gets_403_on_every_form_page(personas, definition, client_for):
    client = client_for(personas.alice)
    assert client.get(reverse("customforms:definition_list")).status_code == 403
    for name in ("definition_detail", "draft_edit", "question_add"):
        assert client.get(url(name, definition)).status_code == 403, name
    assert client.post(url("version_publish", definition), {"version": "1"}).status_code == 403
    assert client.get(url("version_detail", definition, number=1)).status_code == 403


def test_another_partnerships_admin_gets_404(personas, definition, client_for):
    client = client_for(make_admin(personas.dave))
    assert client.get(url("definition_detail", definition)).status_code == 404
    assert client.post(url("version_publish", definition), {"version": "1"}).status_code == 404
    listing = client.get(reverse("customforms:definition_list")).content.decode()
    assert definition.name not in listing


def test_the_admin_lists_the_partnerships_forms_and_sees_one(admin, definition, client_for):
    client = client_for(admin)
    listing = client.get(reverse("customforms:definition_list")).content.decode()
    assert definition.name in listing and "Version 1" in listing
    detail = client.get(url("definition_detail", definition))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "The draft is the same as the published version." in body
    assert 'data-testid="draft-preview"' in body and 'name="field_hate"' in body


def test_saving_a_draft_through_the_json_editor_then_publishing_it(admin, definition, client_for):
    client = client_for(admin)
    definition.refresh_from_db()
    new_schema = {"fields": [*SIMPLE, {"key": "notes", "label": "Notes", "type": "long_text"}]}
    response = client.post(
        url("draft_edit", definition),
        {"schema": json.dumps(new_schema), "version": definition.version, "save": "1"},
    )
    assert response.status_code == 302
    body = client.get(url("definition_detail", definition)).content.decode()
    assert "Publishing makes it version 2" in body
    definition.refresh_from_db()
    response = client.post(url("version_publish", definition), {"version": definition.version})
    assert response.status_code == 302
    assert current(definition).number == 2
    assert AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(definition.code)).exists()
    version_page = client.get(url("version_detail", definition, number=1)).content.decode()
    assert "Notes" not in version_page and "Hate motivated" in version_page


def test_preview_checks_and_shows_the_draft_without_saving_it(admin, definition, client_for):
    definition.refresh_from_db()
    response = client_for(admin).post(
        url("draft_edit", definition),
        {"schema": json.dumps(DASH_LIKE), "version": definition.version, "preview": "1"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="govuk-radios__input"') == 48
    definition.refresh_from_db()
    assert len(definition.draft_schema["fields"]) == 2


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ("[{", "The schema is not valid JSON (line 1, column 3)"),
        (json.dumps(SIMPLE * 2), "Field &#x27;incidents&#x27;: the key is used more than once."),
        (
            json.dumps([{"key": "risk", "label": "Risk", "type": "choice"}]),
            "Field &#x27;risk&#x27;: a choice field needs a list of choices.",
        ),
    ],
)
def test_a_bad_draft_shows_every_problem_and_saves_nothing(
    admin, definition, client_for, schema, words
):
    definition.refresh_from_db()
    before = definition.draft_schema
    response = client_for(admin).post(
        url("draft_edit", definition),
        {"schema": schema, "version": definition.version, "save": "1"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and words in body
    definition.refresh_from_db()
    assert definition.draft_schema == before


def test_a_stale_draft_save_shows_the_draft_as_it_is_now(admin, definition, client_for):
    response = client_for(admin).post(
        url("draft_edit", definition), {"schema": "[]", "version": "0", "save": "1"}
    )
    assert response.status_code == 409
    assert 'data-testid="conflict-current-draft"' in response.content.decode()


def test_publishing_an_unchanged_draft_says_so_and_writes_nothing(admin, definition, client_for):
    definition.refresh_from_db()
    response = client_for(admin).post(
        url("version_publish", definition), {"version": definition.version}
    )
    assert response.status_code == 400
    assert "nothing to publish" in response.content.decode()
    assert FormVersion.objects.filter(definition=definition).count() == 1


def test_a_stale_publish_gets_409(admin, definition, client_for):
    response = client_for(admin).post(url("version_publish", definition), {"version": "0"})
    assert response.status_code == 409


def test_adding_and_removing_a_question_with_the_structured_editor(admin, definition, client_for):
    client = client_for(admin)
    definition.refresh_from_db()
    response = client.post(
        url("question_add", definition),
        {
            "label": "Where it happens",
            "key": "places",
            "type": "multi_choice",
            "choices": "Home\nStreet\n\nSchool",
            "hint": "",
            "section": "summary",
            "version": definition.version,
        },
    )
    assert response.status_code == 302
    definition.refresh_from_db()
    added = definition.draft_schema["fields"][-1]
    assert (added["key"], [c["value"] for c in added["choices"]]) == (
        "places",
        ["Home", "Street", "School"],
    )
    response = client.post(
        url("question_remove", definition, key="hate"), {"version": definition.version}
    )
    assert response.status_code == 302
    definition.refresh_from_db()
    assert [f["key"] for f in definition.draft_schema["fields"]] == ["incidents", "places"]
    assert current(definition).number == 1  # nothing is used until published


def test_a_question_that_breaks_the_schema_is_refused_naming_it(admin, definition, client_for):
    definition.refresh_from_db()
    response = client_for(admin).post(
        url("question_add", definition),
        {
            "label": "Risk",
            "key": "hate",
            "type": "choice",
            "section": "summary",
            "version": definition.version,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Field &#x27;hate&#x27;: the key is used more than once." in body
    assert "Field &#x27;hate&#x27;: a choice field needs a list of choices." in body


def test_the_navigation_offers_forms_to_partnership_admins_only(personas, admin, client_for):
    forms_url = reverse("customforms:definition_list")
    assert forms_url in client_for(admin).get(reverse("home")).content.decode()
    assert forms_url not in client_for(personas.alice).get(reverse("home")).content.decode()

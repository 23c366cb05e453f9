"""The partnership admin's pages: the offence classification, loading a CHI table, new RFG
weights; the sample seed; the background tasks. Bad input names the problem and writes nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import Capability, Role
from roundtable.directory.tests.factories import MembershipFactory, UserFactory, grant
from roundtable.risk.models import (
    HarmModel,
    HarmModelKind,
    HarmModelStatus,
    HarmScore,
    HarmWeight,
    OffenceCategory,
)
from roundtable.risk.services.seeds import SAMPLE_CATEGORIES
from roundtable.risk.tasks import refresh_due_scores, rescore_model
from roundtable.risk.tests.risk_helpers import (
    TODAY,
    classification,
    partnership_of,
    person,
    publish,
    record,
    team_of,
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def admin(personas):
    """Pat, a partnership admin working in the police IOM team."""
    team = team_of(personas.bob)
    pat = UserFactory(
        email="pat@police.testshire.invalid",
        full_name="Pat Partner",
        organisation=team.organisation,
    )
    MembershipFactory(user=pat, team=team, role=Role.PRACTITIONER)
    grant(pat, Capability.PARTNERSHIP_ADMIN)
    classification(partnership_of(personas.alice))
    return pat


CHI_CSV = "Category code,Days,Description\nVAP-ABH,120,ABH\nBUR-DWL,365.5,Burglary\n"


def test_only_a_partnership_admin_reaches_the_admin_pages(personas, client_for, admin):
    assert client_for(admin).get(reverse("risk:harm_admin")).status_code == 200
    for user in (personas.alice, personas.spoc, personas.carol):
        assert client_for(user).get(reverse("risk:harm_admin")).status_code == 403
        assert (
            client_for(user).get(reverse("risk:model_publish", kwargs={"kind": "chi"})).status_code
            == 403
        )


def test_loading_a_chi_table_publishes_a_version_scored_in_the_background(
    personas, client_for, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(
            reverse("risk:model_publish", kwargs={"kind": "chi"}),
            {
                "name": "Cambridge CHI, May 2023 table",
                "description": "Loaded from the published table (test).",
                "counted_roles": ["offender", "suspect"],
                "exclude_proactive": "on",
                "windows": "365, 730",
                "weights": "",
                "weights_file": SimpleUploadedFile("chi.csv", CHI_CSV.encode(), "text/csv"),
            },
        )
    assert response.status_code == 302
    model = HarmModel.objects.get()
    assert (model.kind, model.status, model.number) == ("chi", HarmModelStatus.PENDING, 1)
    assert dict(HarmWeight.objects.values_list("category_code", "weight")) == {
        "VAP-ABH": 120,
        "BUR-DWL": pytest.approx(365.5),
    }
    queued = DBTaskResult.objects.get(task_path__endswith="rescore_model")
    assert queued.args_kwargs["args"] == [model.pk]
    event = AuditEvent.objects.get(action=Action.CREATE, target_type="risk.harmmodel")
    assert event.changes["weights"][1] == {"BUR-DWL": "365.5", "VAP-ABH": "120"}
    assert rescore_model.call(model.pk) == 0
    model.refresh_from_db()
    assert model.status == HarmModelStatus.ACTIVE


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("VAP-ABH,120\nNOPE-9,3\n", "Category NOPE-9 is not in the partnership&#x27;s offence"),
        (
            "VAP-ABH,120\nVAP-ABH,130\n",
            "Line 2: category VAP-ABH is listed twice (first on line 1)",
        ),
        ("VAP-ABH,120\nBUR-DWL,lots\n", "Line 2: &#x27;lots&#x27; is not a number"),
        ("VAP-ABH,99999\n", "the weight 99999 must be between 0 and 36500"),
        ("VAP-ABH,1.234\n", "give the weight to at most 2 decimal places"),
    ],
)
def test_a_bad_table_is_refused_naming_the_problem_and_nothing_is_written(
    personas, client_for, admin, weights, message
):
    response = client_for(admin).post(
        reverse("risk:model_publish", kwargs={"kind": "chi"}),
        {
            "name": "A table",
            "counted_roles": ["offender"],
            "windows": "365",
            "weights": weights,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    # The textarea is named by its hint and by the error written beside it.
    assert 'aria-describedby="id_weights_helptext id_weights-error"' in response.content.decode()
    assert 'id="id_weights-error"' in response.content.decode()
    assert not HarmModel.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_new_rfg_weights_are_a_new_version_starting_from_the_one_in_use(
    personas, client_for, admin
):
    partnership = partnership_of(personas.alice)
    first = publish(partnership, HarmModelKind.RFG, {"VAP-ABH": 3}, bands=((3, "1"), (12, "0.5")))
    client = client_for(admin)
    page = client.get(reverse("risk:model_publish", kwargs={"kind": "rfg"})).content.decode()
    assert "3:1, 12:0.5" in page
    assert "VAP-ABH,3" in page
    bad = client.post(
        reverse("risk:model_publish", kwargs={"kind": "rfg"}),
        {
            "name": "v2",
            "recency_bands": "3:1, 6:x",
            "counted_roles": ["offender"],
            "windows": "730",
            "weights": "VAP-ABH,4",
        },
    )
    assert bad.status_code == 400
    assert "Write each band as months:factor" in bad.content.decode()
    good = client.post(
        reverse("risk:model_publish", kwargs={"kind": "rfg"}),
        {
            "name": "v2",
            "recency_bands": "3:1, 6:0.75, 12:0.5",
            "counted_roles": ["offender"],
            "windows": "730",
            "weights": "VAP-ABH,4\nBUR-DWL,2",
        },
    )
    assert good.status_code == 302
    second = HarmModel.objects.get(number=2)
    assert second.recency_bands == [[3, "1"], [6, "0.75"], [12, "0.5"]]
    first.refresh_from_db()
    assert first.status == HarmModelStatus.ACTIVE  # until the background task has run


def test_categories_are_added_and_changed_by_the_admin_with_a_stale_form_refused(
    personas, client_for, admin
):
    client = client_for(admin)
    duplicate = client.post(
        reverse("risk:category_add"), {"code": "VAP-ABH", "name": "Again", "group": "Violence"}
    )
    assert duplicate.status_code == 400
    assert "already has a category VAP-ABH" in duplicate.content.decode()
    assert (
        client.post(
            reverse("risk:category_add"),
            {"code": "VAP-KTK", "name": "Kicking (test)", "group": "Violence"},
        ).status_code
        == 302
    )
    category = OffenceCategory.objects.get(code="VAP-KTK")
    url = reverse("risk:category_edit", kwargs={"pk": category.pk})
    data = {"version": "0", "name": "Renamed", "group": "Violence", "is_active": "on"}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "name": "Renamed again"})
    assert stale.status_code == 409
    category.refresh_from_db()
    assert category.name == "Renamed"


def test_a_model_version_page_is_open_to_any_practitioner(personas, client_for, admin):
    model = publish(partnership_of(personas.alice), HarmModelKind.CHI, {"VAP-ABH": 120})
    body = client_for(personas.carol).get(model.get_absolute_url()).content.decode()
    assert "Assault occasioning actual bodily harm" in body
    from django.test import Client

    assert Client().get(model.get_absolute_url()).status_code == 302  # to sign in


def test_the_seed_gives_a_clearly_labelled_sample_once(personas):
    partnership = partnership_of(personas.alice)
    out = io.StringIO()
    call_command("seed_risk", partnership=partnership.short_name, stdout=out)
    call_command("seed_risk", partnership=partnership.short_name, stdout=out)
    assert "0 categories and 0 sample models added" in out.getvalue()
    assert OffenceCategory.objects.filter(partnership=partnership).count() == len(SAMPLE_CATEGORIES)
    chi = HarmModel.objects.get(partnership=partnership, kind=HarmModelKind.CHI)
    assert chi.status == HarmModelStatus.ACTIVE
    assert chi.is_sample
    assert chi.name.startswith("SAMPLE")
    assert "NOT THE PUBLISHED INDEX" in chi.description
    assert "crim.cam.ac.uk" in chi.description
    assert HarmModel.objects.filter(partnership=partnership).count() == 2


def test_the_hourly_task_rescores_only_what_time_has_changed(personas):
    partnership = partnership_of(personas.alice)
    categories = {c.code: c for c in OffenceCategory.objects.filter(partnership=partnership)}
    if not categories:
        categories = classification(partnership)
    publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 120})
    jordan = person(personas.alice, "Jordan", "Example")
    record(personas.alice, jordan, categories["VAP-ABH"], date(2025, 6, 20))
    assert refresh_due_scores.call() == 0
    with time_machine.travel(date(2026, 6, 20), tick=False):
        assert refresh_due_scores.call() == 1
    assert not HarmScore.objects.exists()


def test_the_navigation_offers_rankings_to_team_members_and_harm_models_to_admins(
    personas, client_for, admin
):
    practitioner = client_for(personas.alice).get("/").content.decode()
    assert f'href="{reverse("risk:ranking_index")}"' in practitioner
    assert f'href="{reverse("risk:harm_admin")}"' not in practitioner
    assert f'href="{reverse("risk:harm_admin")}"' in client_for(admin).get("/").content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"weights": "VAP-ABH,1001"},
            "Category VAP-ABH: the weight 1001 must be between 0 and 1000",
        ),
        ({"weights": "VAP-ABH,-2"}, "Category VAP-ABH: the weight -2 must be between 0 and 1000"),
        ({"weights": "VAP-ABH,3\nNOPE-7,2"}, "Category NOPE-7 is not in the partnership"),
        ({"recency_bands": "3:1, 6:1.5"}, "The factor 1.5 must be more than 0 and at most 1"),
        ({"recency_bands": "6:1, 3:0.5"}, "Each band must end later than the one before it"),
        ({"recency_bands": "3:0.5, 6:1"}, "An older band cannot weigh more than a newer one"),
        ({"windows": "5"}, "A ranking window must be between 7 and 3650 days"),
    ],
)
def test_rfg_weights_bands_and_windows_out_of_range_are_named_and_nothing_is_written(
    personas, client_for, admin, changes, message
):
    data = {
        "name": "Local gravity",
        "recency_bands": "3:1, 12:0.5",
        "counted_roles": ["offender"],
        "windows": "730",
        "weights": "VAP-ABH,3",
        **changes,
    }
    response = client_for(admin).post(reverse("risk:model_publish", kwargs={"kind": "rfg"}), data)
    assert response.status_code == 400
    body = response.content.decode().replace("&#x27;", "'")
    assert "govuk-error-summary" in body
    assert message in body
    assert not HarmModel.objects.exists()
    assert not HarmWeight.objects.exists()
    assert not DBTaskResult.objects.exists()

"""Offence pages through the real stack: list, record, correct (with a stale form), remove; who
may do each, bad input, and the list's query budget."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.risk.models import HarmModelKind, HarmScore, Offence
from roundtable.risk.tests.risk_helpers import (
    TODAY,
    classification,
    partnership_of,
    person,
    publish,
    record,
    share,
    team_of,
)
from roundtable.sharing.sections import Section

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(personas):
    partnership = partnership_of(personas.alice)
    categories = classification(partnership)
    publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 120, "BUR-DWL": 365})
    jordan = person(personas.alice, "Jordan", "Example")
    offence = record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 5, 1))
    return partnership, categories, jordan, offence


def urls(profile, offence=None):
    result = {
        "list": reverse("risk:offence_list", kwargs={"code": profile.code}),
        "add": reverse("risk:offence_add", kwargs={"code": profile.code}),
    }
    if offence is not None:
        args = {"code": profile.code, "offence": offence.code}
        result["edit"] = reverse("risk:offence_edit", kwargs=args)
        result["remove"] = reverse("risk:offence_remove", kwargs=args)
    return result


def offence_post(category, organisation, changes=None, **more):
    data = {
        "category": str(category.pk),
        "role": "offender",
        "occurred_on_0": "1",
        "occurred_on_1": "6",
        "occurred_on_2": "2026",
        "occurred_time": "21:30",
        "disposal": "charged",
        "postcode": "te1 1aa",
        "source_organisation": str(organisation.pk),
        "source_reference": "TP/123/26",
    }
    data.update(changes or {})
    data.update(more)
    return data


def test_the_owner_sees_the_offences_and_the_view_is_audited(personas, client_for, world):
    _p, _c, jordan, offence = world
    response = client_for(personas.alice).get(urls(jordan)["list"])
    assert response.status_code == 200
    assert f'data-offence="{offence.code}"' in response.content.decode()
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(jordan.code)).latest("id")
    assert event.sections == [Section.OFFENDING]
    assert event.detail["offences"] == [str(offence.code)]


def test_recording_an_offence_saves_it_and_rescores_the_person(personas, client_for, world):
    _p, categories, jordan, _offence = world
    alice_team = team_of(personas.alice)
    response = client_for(personas.alice).post(
        urls(jordan)["add"], offence_post(categories["BUR-DWL"], alice_team.organisation)
    )
    assert response.status_code == 302
    saved = Offence.objects.get(source_reference="TP/123/26")
    assert (saved.postcode, saved.hour, saved.weekday, saved.time_known) == ("TE1 1AA", 21, 0, True)
    assert HarmScore.objects.get(profile=jordan).total == 120 + 365


def test_an_offence_with_no_time_is_kept_out_of_the_hour_of_day(personas, client_for, world):
    _p, categories, jordan, _offence = world
    organisation = team_of(personas.alice).organisation
    client_for(personas.alice).post(
        urls(jordan)["add"],
        offence_post(categories["BUR-DWL"], organisation, occurred_time=""),
    )
    saved = Offence.objects.get(source_reference="TP/123/26")
    assert (saved.time_known, saved.hour) == (False, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"category": ""}, "Choose the offence category"),
        ({"role": "bystander"}, "Select a valid choice"),
        ({"occurred_on_0": "31", "occurred_on_1": "2"}, "must be a real date"),
        ({"occurred_on_2": "2027"}, "must be today or in the past"),
        ({"occurred_time": "25:00"}, "Enter the time it happened"),
        ({"postcode": "NOT A PC"}, "Enter a real postcode"),
        ({"category": "999999"}, "Choose an offence category from the list: the one sent is not"),
    ],
)
def test_bad_input_shows_the_error_and_writes_nothing(
    personas, client_for, world, changes, message
):
    _p, categories, jordan, _offence = world
    before = Offence.objects.count()
    data = offence_post(categories["BUR-DWL"], team_of(personas.alice).organisation, changes)
    response = client_for(personas.alice).post(urls(jordan)["add"], data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert Offence.objects.count() == before


def test_the_same_source_reference_twice_is_refused_with_its_agency_named(
    personas, client_for, world
):
    _p, categories, jordan, _offence = world
    organisation = team_of(personas.alice).organisation
    client = client_for(personas.alice)
    client.post(urls(jordan)["add"], offence_post(categories["BUR-DWL"], organisation))
    response = client.post(urls(jordan)["add"], offence_post(categories["BUR-DWL"], organisation))
    assert response.status_code == 400
    assert f"{organisation.name} already has an offence recorded with the reference" in (
        response.content.decode()
    )


def test_a_stale_correction_shows_both_versions_and_saves_nothing(personas, client_for, world):
    _p, categories, jordan, offence = world
    organisation = team_of(personas.alice).organisation
    client = client_for(personas.alice)
    first = offence_post(categories["BUR-DWL"], organisation, version=str(offence.version))
    assert client.post(urls(jordan, offence)["edit"], first).status_code == 302
    stale = offence_post(
        categories["VAP-CMN"], organisation, version=str(offence.version), source_reference="X1"
    )
    response = client.post(urls(jordan, offence)["edit"], stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="conflict-current-values"' in body
    assert "Burglary of a dwelling" in body
    offence.refresh_from_db()
    assert offence.category.code == "BUR-DWL"
    assert offence.source_reference == "TP/123/26"


def test_removing_needs_a_reason_then_the_offence_leaves_the_list_and_the_score(
    personas, client_for, world
):
    _p, _c, jordan, offence = world
    client = client_for(personas.alice)
    missing = client.post(urls(jordan, offence)["remove"], {"version": offence.version})
    assert missing.status_code == 400
    assert "Give a reason for removing the offence" in missing.content.decode()
    done = client.post(
        urls(jordan, offence)["remove"],
        {"version": offence.version, "reason": "Recorded on the wrong person (test)."},
    )
    assert done.status_code == 302
    offence.refresh_from_db()
    assert offence.is_removed
    assert f'data-offence="{offence.code}"' not in client.get(urls(jordan)["list"]).content.decode()
    assert not HarmScore.objects.filter(profile=jordan).exists()
    event = AuditEvent.objects.filter(action=Action.DELETE, target_id=str(jordan.code)).get()
    assert event.justification == "Recorded on the wrong person (test)."


def test_a_colleague_who_sees_identity_only_is_told_the_offending_is_withheld(
    personas, client_for, world
):
    _p, _c, jordan, offence = world
    client = client_for(personas.bob)
    response = client.get(urls(jordan)["list"])
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="offending-withheld"' in body
    assert str(offence.code) not in body
    assert "Assault" not in body
    assert client.get(urls(jordan)["add"]).status_code == 403
    assert client.get(urls(jordan, offence)["edit"]).status_code == 403


def test_a_partner_with_no_share_and_another_partnership_get_not_found(personas, client_for, world):
    _p, _c, jordan, _offence = world
    for user in (personas.carol, personas.dave, personas.sysadmin):
        client = client_for(user)
        assert client.get(urls(jordan)["list"]).status_code == 404
        assert client.get(urls(jordan)["add"]).status_code == 404


def test_a_partner_with_offending_shared_may_record_but_not_correct_the_owners_offence(
    personas, client_for, world
):
    _p, categories, jordan, offence = world
    carol_team = team_of(personas.carol)
    share(personas.alice, jordan, carol_team, [Section.IDENTITY, Section.OFFENDING])
    client = client_for(personas.carol)
    assert f'data-offence="{offence.code}"' in client.get(urls(jordan)["list"]).content.decode()
    assert client.get(urls(jordan, offence)["edit"]).status_code == 403
    response = client.post(
        urls(jordan)["add"], offence_post(categories["CD-DAM"], carol_team.organisation)
    )
    assert response.status_code == 302
    mine = Offence.objects.get(recorded_by_team=carol_team)
    assert client.get(urls(jordan, mine)["edit"]).status_code == 200
    # The owning team may correct what a partner recorded on its person.
    assert client_for(personas.alice).get(urls(jordan, mine)["edit"]).status_code == 200


def test_the_offence_list_costs_the_same_queries_with_more_offences(
    personas, client_for, world, django_assert_max_num_queries
):
    _p, categories, jordan, _offence = world
    client = client_for(personas.alice)
    client.get(urls(jordan)["list"])  # warm the session and caches
    with django_assert_max_num_queries(30) as few:
        client.get(urls(jordan)["list"])
    for day in range(1, 29):
        record(personas.alice, jordan, categories["CD-DAM"], date(2026, 4, day), postcode="TE1 2BB")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(urls(jordan)["list"])
    assert response.content.decode().count("data-offence=") == 25


def test_the_person_page_links_to_offending_only_for_those_who_see_it(personas, client_for, world):
    _p, _c, jordan, _offence = world
    page = client_for(personas.alice).get(jordan.get_absolute_url()).content.decode()
    assert 'data-testid="offending-links"' in page
    assert urls(jordan)["list"] in page
    colleague = client_for(personas.bob).get(jordan.get_absolute_url()).content.decode()
    assert 'data-testid="offending-links"' not in colleague
    assert urls(jordan)["list"] not in colleague


def test_the_record_and_correct_forms_offer_the_classification_and_the_current_values(
    personas, client_for, world
):
    _p, _c, jordan, offence = world
    client = client_for(personas.alice)
    add = client.get(urls(jordan)["add"])
    assert add.status_code == 200
    body = add.content.decode()
    assert '<optgroup label="Violence against the person">' in body
    assert "Assault occasioning actual bodily harm (VAP-ABH)" in body
    edit = client.get(urls(jordan, offence)["edit"]).content.decode()
    assert f'name="version" value="{offence.version}"' in edit
    assert 'value="12:00"' in edit
    assert client.get(urls(jordan, offence)["remove"]).status_code == 200


def test_a_retired_category_or_another_partnerships_is_refused_by_name_and_nothing_written(
    personas, client_for, world
):
    _p, categories, jordan, _offence = world
    retired = categories["DRG-POS"]
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    elsewhere = classification(partnership_of(personas.dave))["VAP-ABH"]
    organisation = team_of(personas.alice).organisation
    before = Offence.objects.count()
    for category in (retired, elsewhere):
        response = client_for(personas.alice).post(
            urls(jordan)["add"], offence_post(category, organisation)
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Choose an offence category from the list: the one sent is not in the offence" in (
            body
        )
        assert 'href="#id_category"' in body
    assert Offence.objects.count() == before

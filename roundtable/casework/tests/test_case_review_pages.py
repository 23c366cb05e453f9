"""ASB complaint, case review and settings pages: who sees which complaints, counts and reviews."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.casework.models import (
    AsbComplaint,
    CaseReviewActivation,
    CaseReviewSettings,
    EnforcementSettings,
)
from roundtable.casework.tests.enforcement_helpers import scene
from roundtable.casework.tests.test_case_review import complain
from roundtable.directory.models import Capability
from roundtable.directory.tests.factories import grant
from roundtable.sharing.models import Visibility
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.factories import profile_for

NOW = "2026-06-15 10:00:00+01:00"
H1 = re.compile(r"<h1[ >]")


@pytest.fixture
def world(personas):
    with time_machine.travel(NOW, tick=False):
        yield scene(personas)


@pytest.fixture
def complaints(personas, world):
    """Two complaints to the police and one to the council: the threshold (3) is met."""
    complain(personas.alice, world.victim, date(2026, 2, 1), date(2026, 2, 3), location="Park")
    complain(personas.alice, world.victim, date(2026, 4, 10), date(2026, 4, 12))
    complain(
        personas.carol,
        world.victim,
        date(2026, 6, 10),
        date(2026, 6, 11),
        description="Council took this one",
    )
    return CaseReviewActivation.objects.get()


def complaints_url(profile):
    return reverse("casework:victim_complaints", kwargs={"code": profile.code})


# --- A victim's complaints ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "rows", "count", "partial"),
    [
        ("alice", 3, "3 of 3", False),  # the victim's owning team: the diary section
        ("bob", 2, "2 of 3", True),  # the police's own complaints only
        ("carol", 1, "1 of 3", True),  # the council's own complaint only
        ("dave", 0, "0 of 3", True),  # another partnership: nothing of this one
    ],
)
def test_each_reader_sees_and_counts_only_the_complaints_they_may_see(
    personas, world, complaints, client_for, who, rows, count, partial
):
    response = client_for(getattr(personas, who)).get(complaints_url(world.victim))
    assert response.status_code == 200
    body = response.content.decode()
    assert len(H1.findall(body)) == 1
    assert body.count('data-testid="complaint"') == rows
    assert count + " qualifying incidents" in body
    assert ('data-testid="partial-count"' in body) == partial
    assert ("Council took this one" in body) == (who in ("alice", "carol"))


def test_a_hidden_victims_complaints_are_404_outside_its_grants(
    personas, world, complaints, client_for
):
    record_set_visibility(
        actor=personas.alice,
        record=world.victim,
        visibility=Visibility.HIDDEN,
        expected_version=world.victim.version,
        reason="Protected (test)",
    )
    assert client_for(personas.dave).get(complaints_url(world.victim)).status_code == 404
    add = reverse("casework:victim_complaint_add", kwargs={"code": world.victim.code})
    assert client_for(personas.carol).get(add).status_code == 404


def test_a_partner_records_a_complaint_from_the_persons_page(personas, world, client_for):
    client = client_for(personas.carol)
    url = reverse("casework:victim_complaint_add", kwargs={"code": world.victim.code})
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "incident_on": "10/06/2026",
            "reported_on": "09/06/2026",
            "reporting_organisation": str(personas.carol.organisation.pk),
        },
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "govuk-error-summary" in text
    assert "It cannot have been reported before the incident." in text
    assert not AsbComplaint.objects.exists()
    done = client.post(
        url,
        {
            "incident_on": "10/06/2026",
            "reported_on": "11/06/2026",
            "reporting_organisation": str(personas.carol.organisation.pk),
            "incident_reference": "C-1",
            "location": "",
            "description": "",
        },
    )
    assert done.status_code == 302 and done["Location"] == complaints_url(world.victim)
    complaint = AsbComplaint.objects.get()
    assert (complaint.recorded_by, complaint.reporting_organisation) == (
        personas.carol,
        personas.carol.organisation,
    )


def test_the_owner_records_a_complaint_on_the_case_for_one_of_its_victims(
    personas, world, client_for
):
    url = reverse("casework:case_complaint_add", kwargs={"code": world.case.code})
    client = client_for(personas.alice)
    page = client.get(url).content.decode()
    assert "Vera QUIETLIFE (Victim)" in page and "Robin NUISANCE" not in page
    data = {
        "incident_on": "10/06/2026",
        "reported_on": "11/06/2026",
        "reporting_organisation": str(personas.alice.organisation.pk),
    }
    not_a_victim = client.post(url, {**data, "victim": str(world.adult.pk)})
    assert not_a_victim.status_code == 400
    assert client.post(url, {**data, "victim": str(world.victim.pk)}).status_code == 302
    assert AsbComplaint.objects.get().case == world.case
    assert client_for(personas.carol).get(url).status_code == 403
    assert (
        client_for(personas.carol).post(url, {**data, "victim": str(world.victim.pk)}).status_code
        == 403
    )
    assert AsbComplaint.objects.count() == 1


def test_the_complaints_page_costs_the_same_queries_with_more_complaints(
    personas, world, client_for
):
    client = client_for(personas.alice)
    url = complaints_url(world.victim)
    complain(personas.alice, world.victim, date(2026, 6, 1), date(2026, 6, 1))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(2, 12):
        complain(personas.carol, world.victim, date(2026, 5, day), date(2026, 5, day))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- Activations ---------------------------------------------------------------------------------


@pytest.fixture
def leads(personas, world):
    grant(personas.audrey, Capability.PARTNERSHIP_ADMIN)
    return CaseReviewSettings.objects.create(
        partnership=world.work.testshire, lead_user=personas.spoc, lead_team=world.work.council_asb
    )


@pytest.mark.parametrize(
    ("who", "list_status", "detail_status"),
    [
        ("spoc", 200, 200),  # the named lead
        ("carol", 200, 200),  # acting as the lead team
        ("audrey", 200, 200),  # a partnership admin
        ("bob", 403, 403),  # in the partnership, not the lead
        ("dave", 403, 404),  # another partnership
    ],
)
def test_case_reviews_are_read_by_the_lead_and_partnership_admins(
    personas, world, leads, complaints, client_for, who, list_status, detail_status
):
    client = client_for(getattr(personas, who))
    listing = client.get(reverse("casework:case_review_list"))
    assert listing.status_code == list_status
    # The navigation (the shell's one query) offers case reviews to exactly those let in.
    link = f'href="{reverse("casework:case_review_list")}"'
    assert (link in client.get(reverse("home")).content.decode()) == (list_status == 200)
    detail = client.get(complaints.get_absolute_url())
    assert detail.status_code == detail_status
    if detail_status == 200:
        body = detail.content.decode()
        assert complaints.reference in body and "Vera QUIETLIFE" in body
        assert complaints.reference in listing.content.decode()


def test_a_review_names_the_victim_only_to_a_reader_who_may_see_them(
    personas, world, leads, complaints, client_for
):
    record_set_visibility(
        actor=personas.alice,
        record=world.victim,
        visibility=Visibility.HIDDEN,
        expected_version=world.victim.version,
        reason="Protected (test)",
    )
    body = client_for(personas.carol).get(complaints.get_absolute_url()).content.decode()
    assert "QUIETLIFE" not in body
    assert "A person whose record you cannot see" in body
    listing = client_for(personas.carol).get(reverse("casework:case_review_list"))
    assert "QUIETLIFE" not in listing.content.decode()


def test_the_review_list_costs_the_same_queries_with_more_reviews(
    personas, world, leads, complaints, client_for
):
    client = client_for(personas.spoc)
    url = reverse("casework:case_review_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(3):
        other = profile_for(personas.alice, world.work.asb, given_name=f"Victim{number}")
        for incident in (date(2026, 2, 1), date(2026, 4, 10), date(2026, 6, 10)):
            complain(personas.alice, other, incident, incident)
    assert CaseReviewActivation.objects.count() == 4
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- Settings ------------------------------------------------------------------------------------


def test_only_a_partnership_admin_reaches_the_settings(personas, world, client_for):
    grant(personas.audrey, Capability.PARTNERSHIP_ADMIN)
    for name in ("settings", "enforcement_settings", "case_review_settings"):
        url = reverse(f"casework:{name}")
        assert client_for(personas.audrey).get(url).status_code == 200
        assert client_for(personas.alice).get(url).status_code == 403
        assert client_for(personas.spoc).get(url).status_code == 403


def test_a_partnership_admin_changes_the_enforcement_figures(personas, world, client_for):
    grant(personas.audrey, Capability.PARTNERSHIP_ADMIN)
    client = client_for(personas.audrey)
    url = reverse("casework:enforcement_settings")
    data = {
        "cpw_months": "3",
        "cpn_months": "12",
        "fixed_penalty_amount": "100",
        "fixed_penalty_early_amount": "100",
        "fixed_penalty_early_days": "10",
        "attention_lead_days": "14",
        "version": "0",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert "The early payment must be less than the fixed penalty." in bad.content.decode()
    assert not EnforcementSettings.objects.exists()
    assert client.post(url, {**data, "fixed_penalty_early_amount": "60"}).status_code == 302
    saved = EnforcementSettings.objects.get()
    assert (saved.cpw_months, str(saved.fixed_penalty_early_amount), saved.version) == (
        3,
        "60.00",
        1,
    )
    stale = client.post(url, {**data, "fixed_penalty_early_amount": "50"})
    assert stale.status_code == 409
    saved.refresh_from_db()
    assert str(saved.fixed_penalty_early_amount) == "60.00"


def test_a_partnership_admin_sets_the_threshold_and_the_lead(personas, world, client_for):
    grant(personas.audrey, Capability.PARTNERSHIP_ADMIN)
    client = client_for(personas.audrey)
    url = reverse("casework:case_review_settings")
    data = {
        "threshold": "4",
        "window_months": "6",
        "report_within_months": "1",
        "lead_team": str(world.work.council_asb.pk),
        "lead_user": str(personas.spoc.pk),
        "version": "0",
    }
    foreign = client.post(url, {**data, "lead_user": str(personas.dave.pk)})
    assert foreign.status_code == 400
    too_long = client.post(url, {**data, "report_within_months": "7"})
    assert "cannot be longer than the window" in too_long.content.decode()
    assert client.post(url, data).status_code == 302
    saved = CaseReviewSettings.objects.get()
    assert (saved.threshold, saved.lead_team, saved.lead_user) == (
        4,
        world.work.council_asb,
        personas.spoc,
    )
    page = client.get(reverse("casework:settings")).content.decode()
    assert "4 qualifying complaints in 6 months" in page

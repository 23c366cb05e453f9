"""The navigation reaches casework's own pages: partnership admins find the casework settings and
the ASB case reviews, the case-review lead (the person or anyone acting as the lead team) finds
the case reviews, and nobody else is offered either; the check costs one query at most."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.casework.models import CaseReviewSettings
from roundtable.directory.models import Capability
from roundtable.directory.tests.factories import PartnershipFactory, TeamFactory, grant
from roundtable.records.tests.case_helpers import casework

SETTINGS = 'href="/casework/settings/"'
REVIEWS = 'href="/casework/case-reviews/"'


@pytest.fixture
def work(personas):
    work = casework(personas)
    CaseReviewSettings.objects.create(
        partnership=work.testshire, lead_user=personas.spoc, lead_team=work.council_asb
    )
    return work


def home(client_for, user) -> str:
    response = client_for(user).get("/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_partnership_admin_reaches_the_settings_and_the_case_reviews(personas, work, client_for):
    grant(personas.audrey, Capability.PARTNERSHIP_ADMIN)
    page = home(client_for, personas.audrey)
    assert SETTINGS in page and REVIEWS in page
    assert client_for(personas.audrey).get("/casework/settings/").status_code == 200


@pytest.mark.parametrize("who", ["spoc", "carol"])  # the lead person; the lead team
def test_the_case_review_lead_reaches_the_case_reviews_only(personas, work, client_for, who):
    user = getattr(personas, who)
    page = home(client_for, user)
    assert REVIEWS in page
    assert SETTINGS not in page
    assert client_for(user).get("/casework/case-reviews/").status_code == 200


@pytest.mark.parametrize("who", ["alice", "bob", "dave"])
def test_anyone_else_is_offered_neither(personas, work, client_for, who):
    page = home(client_for, getattr(personas, who))
    assert REVIEWS not in page and SETTINGS not in page


def test_the_check_costs_the_same_however_many_partnerships_have_settings(
    personas, work, client_for
):
    client = client_for(personas.bob)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _number in range(10):
        partnership = PartnershipFactory()
        team = TeamFactory(organisation__partnership=partnership)
        CaseReviewSettings.objects.create(partnership=partnership, lead_team=team)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)
    lead_queries = [q for q in few.captured_queries if "casework_casereviewsettings" in q["sql"]]
    assert len(lead_queries) == 1

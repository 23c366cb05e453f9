"""The "my cases" list: owned and shared, newest change first, filtered, keyset-paged, fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.records.selectors.cases import Cursor, cases_for_viewer
from roundtable.records.services import cases as services
from roundtable.records.tests.case_helpers import casework, open_case
from roundtable.sharing import policy
from roundtable.sharing.sections import Section, to_mask
from roundtable.sharing.services import grant_create
from roundtable.sharing.tests.factories import agreement_between, case_type_for


@pytest.fixture
def work(personas):
    return casework(personas)


def _refs(page):
    return [row.case.reference for row in page.rows]


def _all_pages(viewer, limit, **filters):
    seen, before = [], None
    for _ in range(50):
        page = cases_for_viewer(viewer, limit=limit, before=before, **filters)
        seen.extend(_refs(page))
        if page.next_cursor is None:
            return seen
        before = page.next_cursor
    raise AssertionError("paging did not end")


def test_owned_and_shared_cases_newest_change_first_and_not_others(personas, work):
    first = open_case(personas.alice, work.asb, work.case_type, title="First")
    iom_case = open_case(personas.bob, work.iom, work.case_type, title="IOM's")
    council_case = open_case(personas.carol, work.council_asb, work.case_type, title="Council's")
    far_type = case_type_for(work.far_team.organisation.partnership, name="Far", prefix="FAR")
    open_case(personas.dave, work.far_team, far_type, fields={})
    second = open_case(personas.alice, work.asb, work.case_type, title="Second")
    alice = policy.viewer_for_user(personas.alice)
    assert _refs(cases_for_viewer(alice, limit=25)) == [
        second.reference,
        iom_case.reference,
        first.reference,
    ]
    services.case_update(actor=personas.alice, case=first, expected_version=0, title="Changed")
    assert _refs(cases_for_viewer(alice, limit=25))[0] == first.reference
    carol = policy.viewer_for_user(personas.carol)
    assert set(_refs(cases_for_viewer(carol, limit=25))) == {
        first.reference,
        second.reference,
        iom_case.reference,
        council_case.reference,
    }
    dave = policy.viewer_for_user(personas.dave)
    assert len(cases_for_viewer(dave, limit=25).rows) == 1


def test_an_expired_grant_drops_out_of_the_list(personas, work):
    far_type = case_type_for(work.far_team.organisation.partnership, name="Far", prefix="FAR")
    far_case = open_case(personas.dave, work.far_team, far_type, fields={})
    agreement = agreement_between(
        work.far_team.organisation, work.asb.organisation, reference="ISA-CROSS"
    )
    grant_create(
        actor=personas.dave,
        record=far_case,
        agreement=agreement,
        team=work.asb,
        sections=[Section.SUMMARY],
        expires_at=timezone.now() + timedelta(hours=1),
    )
    alice = policy.viewer_for_user(personas.alice)
    assert _refs(cases_for_viewer(alice, limit=25)) == [far_case.reference]
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert _refs(cases_for_viewer(policy.viewer_for_user(personas.alice), limit=25)) == []


def test_filters_by_status_and_case_type(personas, work):
    other_type = case_type_for(work.testshire, name="Hate crime", prefix="HATE")
    open_asb = open_case(personas.alice, work.asb, work.case_type)
    closed_asb = open_case(personas.alice, work.asb, work.case_type)
    services.case_close(actor=personas.alice, case=closed_asb, outcome="Done", expected_version=0)
    hate = open_case(personas.alice, work.asb, other_type, fields={})
    alice = policy.viewer_for_user(personas.alice)
    assert set(_refs(cases_for_viewer(alice, limit=25, status="open"))) == {
        open_asb.reference,
        hate.reference,
    }
    assert _refs(cases_for_viewer(alice, limit=25, status="closed")) == [closed_asb.reference]
    assert _refs(cases_for_viewer(alice, limit=25, case_type=other_type)) == [hate.reference]
    assert _refs(cases_for_viewer(alice, limit=25, status="closed", case_type=other_type)) == []


def test_keyset_pages_cover_every_case_once_in_order(personas, work):
    cases = [open_case(personas.alice, work.asb, work.case_type) for _ in range(7)]
    alice = policy.viewer_for_user(personas.alice)
    expected = [case.reference for case in reversed(cases)]
    assert _all_pages(alice, 3) == expected
    assert _all_pages(alice, 1) == expected


def test_a_case_reached_twice_by_one_team_is_listed_once_and_paging_stays_complete(personas, work):
    own = agreement_between(work.asb.organisation, reference="ISA-SELF")
    cases = []
    for _ in range(3):
        case = open_case(personas.alice, work.asb, work.case_type)
        grant_create(
            actor=personas.alice,
            record=case,
            agreement=own,
            team=work.asb,
            sections=[Section.SUMMARY],
        )
        cases.append(case)
    alice = policy.viewer_for_user(personas.alice)
    expected = [case.reference for case in reversed(cases)]
    assert _all_pages(alice, 2) == expected
    assert _all_pages(alice, 1) == expected


def test_rows_carry_only_the_viewers_sections(personas, work):
    members_only = case_type_for(
        work.testshire,
        name="Integrated offender management",
        prefix="IOM",
        organisation_sections=to_mask([Section.MEMBERS]),
    )
    iom_case = open_case(personas.bob, work.iom, members_only, fields={})
    row = cases_for_viewer(policy.viewer_for_user(personas.alice), limit=5).rows[0]
    assert row.case == iom_case
    assert row.sections == {Section.MEMBERS}
    assert not row.shows_summary


def test_a_malformed_cursor_means_the_first_page(personas, work):
    assert Cursor.decode("nonsense") is None
    assert Cursor.decode("12.x") is None
    cursor = Cursor(sort_key=timezone.now(), record_id=42)
    assert Cursor.decode(cursor.encode()) == cursor


def test_my_cases_page_lists_and_withholds_titles_it_may_not_show(personas, work, client_for):
    members_only = case_type_for(
        work.testshire,
        name="Integrated offender management",
        prefix="IOM",
        organisation_sections=to_mask([Section.MEMBERS]),
    )
    open_case(personas.bob, work.iom, members_only, title="Secret IOM title", fields={})
    mine = open_case(personas.alice, work.asb, work.case_type, title="My own title")
    response = client_for(personas.alice).get(reverse("records:my_cases"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "My own title" in body
    assert mine.reference in body
    assert "Secret IOM title" not in body
    assert "Not shared with you" in body


def test_my_cases_page_filters_and_pages(personas, work, client_for):
    for _ in range(3):
        open_case(personas.alice, work.asb, work.case_type)
    client = client_for(personas.alice)
    url = reverse("records:my_cases")
    response = client.get(url, {"status": "closed", "case_type": str(work.case_type.code)})
    page = response.content.decode()
    assert "There are no cases to show." in page
    # The filters keep what was chosen.
    assert '<option value="closed" selected>Closed</option>' in page
    assert f'<option value="{work.case_type.code}" selected>' in page
    response = client.get(url, {"status": "bogus"})
    assert response.status_code == 200


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_is_the_same_for_5_and_100_cases(personas, work, client_for):
    client = client_for(personas.alice)
    url = reverse("records:my_cases")
    client.get(url)  # the first request of a session does extra work
    for _ in range(5):
        open_case(personas.alice, work.asb, work.case_type)
    open_case(personas.bob, work.iom, work.case_type)
    few = _page_queries(client, url)
    for _ in range(95):
        open_case(personas.alice, work.asb, work.case_type)
    many = _page_queries(client, url)
    filtered = _page_queries(client, f"{url}?status=open&case_type={work.case_type.code}")
    assert few == many == filtered
    with CaptureQueriesContext(connection) as queries:
        cases_for_viewer(policy.viewer_for_user(personas.alice, work.asb, "practitioner"), limit=25)
    assert len(queries) == 2


def test_home_page_links_to_my_cases_for_a_team_member(personas, client_for):
    body = client_for(personas.alice).get(reverse("home")).content.decode()
    assert f'href="{reverse("records:my_cases")}" data-testid="my-cases-link"' in body
    no_team = client_for(personas.sysadmin).get(reverse("home")).content.decode()
    assert 'data-testid="my-cases-link"' not in no_team

"""Priority rankings and cohort patterns against the sharing rules: a ranking or chart never
counts or shows a person the viewer cannot see the offending of, whichever path it takes."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import CaseStatus
from roundtable.records.services import cases as case_services
from roundtable.records.tests.case_helpers import casework, open_case
from roundtable.risk.selectors import rankings as ranking_selectors
from roundtable.risk.selectors.patterns import offending_pattern
from roundtable.risk.selectors.rankings import (
    case_type_scope,
    partnership_scope,
    priority_ranking,
    team_scope,
)
from roundtable.risk.tests.ranking_world import EXPECTED, build
from roundtable.risk.tests.risk_helpers import TODAY, partnership_of, team_of
from roundtable.sharing import policy

PERSON = re.compile(r'data-person="([0-9a-f-]+)"')


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(personas):
    return build(personas)


def names(world, ranking) -> list[str]:
    return [world.name_of(row.profile.pk) for row in ranking.rows]


def viewer(user):
    return policy.viewer_for_user(user)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_the_partnership_ranking_holds_exactly_the_people_the_viewer_sees_offending_of(
    personas, world, persona
):
    scope = partnership_scope(partnership_of(personas.alice))
    ranking = priority_ranking(
        viewer=viewer(getattr(personas, persona)), scope=scope, window_days=365
    )
    assert names(world, ranking) == EXPECTED[persona]
    assert ranking.plan in ("score_first", "")


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_the_visible_first_path_gives_the_same_answer_when_the_top_scores_are_hidden(
    personas, world, persona, monkeypatch
):
    # With a probe of one row, every viewer who cannot see the top scorer takes the other path.
    monkeypatch.setattr(ranking_selectors, "PROBE", 1)
    scope = partnership_scope(partnership_of(personas.alice))
    ranking = priority_ranking(
        viewer=viewer(getattr(personas, persona)), scope=scope, window_days=365
    )
    assert names(world, ranking) == EXPECTED[persona]
    if persona == "carol":
        assert ranking.plan == "visible_first"


def test_scores_and_places_are_those_of_the_hand_worked_totals(personas, world):
    scope = partnership_scope(partnership_of(personas.alice))
    ranking = priority_ranking(viewer=viewer(personas.carol), scope=scope, window_days=365)
    assert [(row.position, int(row.total), row.offences_counted) for row in ranking.rows] == [
        (1, 700, 2),
        (2, 400, 2),
    ]
    # Carol sees the shared person's identity; the council's own person too.
    assert all(row.identified for row in ranking.rows)


def test_a_limit_keeps_the_top_n(personas, world):
    scope = partnership_scope(partnership_of(personas.alice))
    ranking = priority_ranking(viewer=viewer(personas.alice), scope=scope, window_days=365, limit=2)
    assert names(world, ranking) == ["hidden", "shared"]


def test_a_case_type_ranking_counts_members_of_open_cases_the_viewer_sees_the_members_of(
    personas, world
):
    setup = casework(personas)
    alice, team = personas.alice, team_of(personas.alice)
    case = open_case(alice, team, setup.case_type)
    closed = open_case(alice, team, setup.case_type, title="Closed case")
    viewer_alice = viewer(alice)
    for profile in (world.people["identity_only"], world.people["unshared"]):
        case_services.case_member_add(
            actor=alice, viewer=viewer_alice, case=case, profile=profile, role="subject"
        )
    case_services.case_member_add(
        actor=alice,
        viewer=viewer_alice,
        case=closed,
        profile=world.people["shared"],
        role="subject",
    )
    closed.status = CaseStatus.CLOSED
    closed.save(update_fields=["status"])
    scope = case_type_scope(viewer_alice, setup.case_type)
    assert names(world, priority_ranking(viewer=viewer_alice, scope=scope, window_days=365)) == [
        "identity_only",
        "unshared",
    ]
    # The council sees the case's members by default, but not these people's offending.
    carol_scope = case_type_scope(viewer(personas.carol), setup.case_type)
    ranking = priority_ranking(viewer=viewer(personas.carol), scope=carol_scope, window_days=365)
    assert ranking.rows == []


def test_a_teams_caseload_is_the_people_it_owns_and_its_open_cases_members(personas, world):
    scope = team_scope(team_of(personas.carol))
    carol_ranking = priority_ranking(viewer=viewer(personas.carol), scope=scope, window_days=365)
    assert names(world, carol_ranking) == ["council"]


def test_the_cohort_pattern_counts_only_people_the_viewer_sees(personas, world):
    scope = partnership_scope(partnership_of(personas.alice))
    ranking = priority_ranking(viewer=viewer(personas.carol), scope=scope, window_days=365)
    # Even asked about everyone, the pattern counts only the shared and council people.
    everyone = [profile.pk for profile in world.people.values()]
    pattern = offending_pattern(
        viewer=viewer(personas.carol), profile_ids=everyone, since=date(2025, 6, 16), until=TODAY
    )
    assert pattern.people == len(ranking.rows) == 2
    # Shared: common assault (2 May, 23:15, TE1 1AA) and damage (3 Mar, 14:15, TE2 2BB).
    # Council: burglary (8 Jan, 01:15, TE5 5EE) and burglary (9 May, 01:15, TE2 2BB).
    assert dict(pattern.mix) == {
        "Burglary of a dwelling": 2,
        "Common assault": 1,
        "Criminal damage": 1,
    }
    assert pattern.offences == 4
    by_month = dict(pattern.months)
    assert (by_month[date(2026, 1, 1)], by_month[date(2026, 3, 1)], by_month[date(2026, 5, 1)]) == (
        1,
        1,
        2,
    )
    assert sum(by_month.values()) == 4
    # 2 May 2026 is a Saturday (5), 3 March a Tuesday (1), 8 January a Thursday (3), 9 May a
    # Saturday (5).
    assert pattern.heat[5][23] == 1 and pattern.heat[1][14] == 1
    assert pattern.heat[3][1] == 1 and pattern.heat[5][1] == 1
    assert sum(map(sum, pattern.heat)) == 4
    assert {place.label: place.count for place in pattern.places} == {
        "TE2 2BB": 2,
        "TE1 1AA": 1,
        "TE5 5EE": 1,
    }


def test_the_ranking_page_shows_the_notice_the_people_and_audits_each_one(
    personas, client_for, world
):
    url = reverse("risk:ranking", kwargs={"scope": "partnership", "key": "testshire"})
    response = client_for(personas.carol).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Scores are advisory: a person decides." in body
    shown = PERSON.findall(body)
    assert shown == [str(world.people["shared"].code), str(world.people["council"].code)]
    for hidden_name in ("hidden", "identity_only", "unshared", "far"):
        assert str(world.people[hidden_name].code) not in body
    events = AuditEvent.objects.filter(action=Action.VIEW, detail__page="priority_ranking")
    assert sorted(e.target_id for e in events if e.target_type == "records.profile") == sorted(
        shown
    )
    summary = events.get(target_type="risk.ranking")
    assert summary.target_id == "partnership:testshire"
    assert summary.result_count == 2


def test_the_cohort_pattern_page_tables_hold_the_same_figures_as_the_charts(
    personas, client_for, world
):
    url = reverse("risk:ranking_pattern", kwargs={"scope": "partnership", "key": "testshire"})
    body = client_for(personas.carol).get(url + "?months=12").content.decode()
    for figure in ("mix", "trend", "heat", "places"):
        chart = body.split(f'data-testid="{figure}-chart"')[1].split("</svg>")[0]
        table = body.split(f'data-testid="{figure}-table"')[1].split("</table>")[0]
        chart_values = [int(v) for v in re.findall(r'<g data-value="(\d+)"', chart)]
        table_values = [int(v) for v in re.findall(r'data-value="(\d+)"', table)]
        assert chart_values == table_values, figure
        assert sum(table_values) == 4, figure
    assert 'role="img"' in body
    assert "style=" not in body.split("<main")[1]


def test_rankings_need_a_team_and_a_teams_caseload_is_for_that_team_only(
    personas, client_for, world
):
    assert client_for(personas.sysadmin).get(reverse("risk:ranking_index")).status_code == 403
    alice_team = team_of(personas.alice)
    url = reverse("risk:ranking", kwargs={"scope": "team", "key": str(alice_team.code)})
    assert client_for(personas.alice).get(url).status_code == 200
    assert client_for(personas.carol).get(url).status_code == 404
    assert (
        client_for(personas.alice)
        .get(reverse("risk:ranking", kwargs={"scope": "nonsense", "key": "x"}))
        .status_code
        == 404
    )


def test_the_ranking_page_costs_the_same_queries_with_more_people(
    personas, client_for, world, django_assert_max_num_queries
):
    from roundtable.risk.models import OffenceCategory
    from roundtable.risk.tests.risk_helpers import person, record

    url = reverse("risk:ranking", kwargs={"scope": "partnership", "key": "testshire"})
    client = client_for(personas.alice)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    category = OffenceCategory.objects.get(
        partnership=partnership_of(personas.alice), code="VAP-ABH"
    )
    for n in range(25):
        extra = person(personas.alice, f"Extra{n}", "Person")
        record(personas.alice, extra, category, date(2026, 5, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(PERSON.findall(response.content.decode())) == 20


def test_a_gallery_plugs_in_as_a_queryset_of_profile_ids(personas, client_for, world, monkeypatch):
    from django.http import Http404

    from roundtable.records.models import Profile
    from roundtable.risk.selectors.rankings import cohort_scope
    from roundtable.risk.views import rankings as ranking_views

    partnership = partnership_of(personas.alice)
    members = [world.people[name].pk for name in ("shared", "unshared", "council")]

    def resolve(request, key):
        if key != "test-gallery":
            raise Http404
        return cohort_scope(
            kind="gallery",
            key=key,
            partnership=partnership,
            label="Test gallery",
            profile_ids=Profile.objects.filter(pk__in=members).values("pk"),
        )

    monkeypatch.setitem(ranking_views._resolvers, "gallery", resolve)
    url = reverse("risk:ranking", kwargs={"scope": "gallery", "key": "test-gallery"})
    carol_page = client_for(personas.carol).get(url).content.decode()
    assert PERSON.findall(carol_page) == [
        str(world.people["shared"].code),
        str(world.people["council"].code),
    ]
    alice_page = client_for(personas.alice).get(url).content.decode()
    assert PERSON.findall(alice_page) == [
        str(world.people["shared"].code),
        str(world.people["unshared"].code),
    ]
    missing = reverse("risk:ranking", kwargs={"scope": "gallery", "key": "other"})
    assert client_for(personas.alice).get(missing).status_code == 404


def test_a_partnership_ranking_opens_only_for_that_partnerships_teams(personas, client_for, world):
    url = reverse("risk:ranking", kwargs={"scope": "partnership", "key": "testshire"})
    assert client_for(personas.alice).get(url).status_code == 200
    assert client_for(personas.dave).get(url).status_code == 404

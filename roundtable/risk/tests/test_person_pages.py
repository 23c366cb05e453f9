"""A person's harm score page (its working, line by line) and offending pattern page: who sees
them, what they show, and their query budgets."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from roundtable.risk.models import HarmModelKind
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

RFG_BANDS = ((3, "1"), (6, "0.75"), (12, "0.5"), (24, "0.25"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def jordan(personas):
    partnership = partnership_of(personas.alice)
    categories = classification(partnership)
    publish(
        partnership,
        HarmModelKind.CHI,
        {"VAP-ABH": 120, "BUR-DWL": 365, "DRG-POS": 1},
        exclude_proactive=True,
    )
    publish(
        partnership,
        HarmModelKind.RFG,
        {"VAP-ABH": 3, "BUR-DWL": 2, "CD-DAM": 4},
        bands=RFG_BANDS,
        windows=(730,),
    )
    profile = person(personas.alice, "Jordan", "Example")
    record(
        personas.alice,
        profile,
        categories["VAP-ABH"],
        date(2026, 5, 15),
        moment=time(22, 5),
        postcode="TE1 1AA",
    )
    record(
        personas.alice,
        profile,
        categories["BUR-DWL"],
        date(2026, 2, 15),
        moment=time(3, 40),
        postcode="TE1 1AA",
    )
    record(personas.alice, profile, categories["CD-DAM"], date(2025, 10, 15), time_known=False)
    record(personas.alice, profile, categories["DRG-POS"], date(2026, 6, 1), proactive=True)
    return profile


def harm_url(profile, **query) -> str:
    url = reverse("risk:person_harm", kwargs={"code": profile.code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_score_page_shows_every_offence_its_weight_factor_and_contribution(
    personas, client_for, jordan
):
    response = client_for(personas.alice).get(harm_url(jordan))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Scores are advisory: a person decides." in body
    # CHI, one year: ABH 120 + burglary 365 = 485; damage has no CHI weight; the drugs find
    # was proactive.
    assert re.search(r'data-testid="score-total">485<', body)
    assert body.count('data-counted="yes"') == 2
    assert "proactively detected offences are excluded" in body
    assert "this category has no weight in this version" in body


def test_the_rfg_working_adds_up_to_the_hand_worked_six_and_a_half(personas, client_for, jordan):
    from roundtable.risk.models import HarmModel

    rfg = HarmModel.objects.get(kind=HarmModelKind.RFG)
    body = client_for(personas.alice).get(harm_url(jordan, model=rfg.code, window=730))
    text = body.content.decode()
    # 3 x 1 + 2 x 0.75 + 4 x 0.5 = 6.5 (the drugs find has no RFG gravity).
    assert re.search(r'data-testid="score-total">6.5<', text)
    contributions = re.findall(r'data-testid="contribution">([0-9.]+)<', text)
    assert contributions == ["0", "3", "1.5", "2"]


def test_new_chi_weights_rescore_to_the_hand_worked_total_and_the_page_shows_the_new_working(
    personas, client_for, jordan
):
    from roundtable.risk.models import HarmModel, HarmModelStatus

    first = HarmModel.objects.get(kind=HarmModelKind.CHI)
    # A new table: ABH 150 days (was 120), burglary 400 (was 365), criminal damage 50 (had
    # none), drugs 1 as before; proactive finds still left out.
    second = publish(
        partnership_of(personas.alice),
        HarmModelKind.CHI,
        {"VAP-ABH": 150, "BUR-DWL": 400, "CD-DAM": 50, "DRG-POS": 1},
        exclude_proactive=True,
        name="CHI, new table",
    )
    first.refresh_from_db()
    assert (first.status, second.status) == (HarmModelStatus.SUPERSEDED, HarmModelStatus.ACTIVE)
    body = client_for(personas.alice).get(harm_url(jordan)).content.decode()
    # One year to 15 June 2026: ABH (15 May) 150 + burglary (15 Feb) 400 + damage (15 Oct
    # 2025) 50 = 600; the drugs find (1 June) is proactive. Was 120 + 365 = 485.
    assert re.search(r'data-testid="score-total">600<', body)
    assert "version 2" in body and "CHI, new table" in body
    # Newest first: the drugs find (not counted, so no weight), ABH, burglary, damage; each
    # counted one with the new version's weight.
    assert re.findall(r'data-testid="weight">([0-9.]+|-)<', body) == ["-", "150", "400", "50"]
    assert re.findall(r'data-testid="contribution">([0-9.]+)<', body) == ["0", "150", "400", "50"]
    rows = re.findall(
        r'data-counted="(yes|no)">.*?\((VAP-ABH|BUR-DWL|CD-DAM|DRG-POS)\)', body, re.S
    )
    assert rows == [("no", "DRG-POS"), ("yes", "VAP-ABH"), ("yes", "BUR-DWL"), ("yes", "CD-DAM")]
    # The ranking reads the new stored total.
    ranking = client_for(personas.alice).get(
        reverse("risk:ranking", kwargs={"scope": "partnership", "key": "testshire"})
    )
    assert re.search(r'data-testid="score">600<', ranking.content.decode())


def test_a_viewer_without_the_offending_section_gets_the_withheld_page_or_not_found(
    personas, client_for, jordan
):
    bob = client_for(personas.bob).get(harm_url(jordan))
    assert bob.status_code == 200
    assert 'data-testid="offending-withheld"' in bob.content.decode()
    # No score on the page at all (a bare "485" could be part of a person's random code).
    assert 'data-testid="score-total"' not in bob.content.decode()
    assert not re.search(r">\s*485\s*<", bob.content.decode())
    pattern = reverse("risk:person_pattern", kwargs={"code": jordan.code})
    assert (
        'data-testid="offending-withheld"' in client_for(personas.bob).get(pattern).content.decode()
    )
    for user in (personas.carol, personas.dave):
        assert client_for(user).get(harm_url(jordan)).status_code == 404
        assert client_for(user).get(pattern).status_code == 404


def test_a_partner_given_the_offending_section_sees_the_score_and_pattern(
    personas, client_for, jordan
):
    share(personas.alice, jordan, team_of(personas.carol), [Section.OFFENDING])
    client = client_for(personas.carol)
    body = client.get(harm_url(jordan)).content.decode()
    assert re.search(r'data-testid="score-total">485<', body)
    # Without the identity section, the page does not name them (the record is not hidden, so
    # the signpost name is still theirs to see, as on the record page).
    assert (
        client.get(reverse("risk:person_pattern", kwargs={"code": jordan.code})).status_code == 200
    )


def test_the_pattern_page_counts_offending_only_and_keeps_unknown_times_out_of_the_hours(
    personas, client_for, jordan
):
    url = reverse("risk:person_pattern", kwargs={"code": jordan.code})
    body = client_for(personas.alice).get(url + "?months=12").content.decode()
    heat = body.split('data-testid="heat-table"')[1].split("</table>")[0]
    assert sum(int(v) for v in re.findall(r'data-value="(\d+)"', heat)) == 3
    assert "1 offence with no known time is not shown." in body
    places = body.split('data-testid="places-table"')[1].split("</table>")[0]
    assert "TE1 1AA" in places
    assert re.findall(r'data-value="(\d+)"', places) == ["2"]
    assert "style=" not in body.split("<main")[1]


def test_the_score_and_pattern_pages_cost_the_same_queries_with_more_offences(
    personas, client_for, jordan, django_assert_max_num_queries
):
    from roundtable.risk.models import OffenceCategory

    client = client_for(personas.alice)
    pattern = reverse("risk:person_pattern", kwargs={"code": jordan.code})
    client.get(harm_url(jordan))
    client.get(pattern)
    with django_assert_max_num_queries(40) as harm_few:
        client.get(harm_url(jordan))
    with django_assert_max_num_queries(40) as pattern_few:
        client.get(pattern)
    category = OffenceCategory.objects.get(code="VAP-ABH")
    for day in range(1, 21):
        record(personas.alice, jordan, category, date(2026, 3, day), postcode=f"TE{day} 1AA")
    with django_assert_max_num_queries(len(harm_few.captured_queries)):
        client.get(harm_url(jordan))
    with django_assert_max_num_queries(len(pattern_few.captured_queries)):
        client.get(pattern)

"""A gallery's top 20 ranks a member only when the viewer sees both their offending and the
gallery's own section, in both of the ranking's plans, through the page.

The gallery scope is a plain lookup of current members; the gallery's gate is checked with the
offending section on the access rows the ranking reads (``RankingScope.sections``). Four members
with offences, shared with carol's team in each combination of those two sections, show that
neither gate alone lets anyone in, and a removed member drops out. All people are invented.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from roundtable.galleries.tests.helpers import add, gallery, person, remove, share, team_of
from roundtable.risk.models import HarmModelKind
from roundtable.risk.selectors import rankings as ranking_selectors
from roundtable.risk.tests.risk_helpers import (
    TODAY,
    classification,
    partnership_of,
    publish,
    record,
)

pytestmark = pytest.mark.django_db
PERSON = re.compile(r'data-person="([0-9a-f-]+)"')

#: name -> (sections shared with carol's team, offences: the higher the more harm)
MEMBERS = {
    "both": (["identity", "risk", "offending"], 3),
    "offending_only": (["identity", "offending"], 5),
    "gallery_only": (["identity", "risk"], 4),
    "neither": (["identity"], 6),
    "removed": (["identity", "risk", "offending"], 7),
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def ranked(personas):
    alice = personas.alice
    categories = classification(partnership_of(alice))
    chosen = gallery(alice, name="Priority offenders", viewer_teams=(team_of(personas.carol),))
    people = {}
    for name, (sections, offences) in MEMBERS.items():
        someone = person(alice, name.replace("_", " ").title(), "Larkspurr")
        for day in range(offences):
            record(alice, someone, categories["VAP-ABH"], date(2026, 5, 1 + day))
        spell = add(alice, chosen, someone)
        share(alice, someone, team_of(personas.carol), sections)
        people[name] = someone
        if name == "removed":
            remove(alice, spell, on=TODAY, reason="Deselected at the panel.")
    publish(partnership_of(alice), HarmModelKind.CHI, {"VAP-ABH": 10})
    return chosen, people


def _codes(client, chosen) -> list[str]:
    url = reverse("risk:ranking", kwargs={"scope": "gallery", "key": str(chosen.code)})
    response = client.get(url)
    assert response.status_code == 200
    return PERSON.findall(response.content.decode())


@pytest.mark.parametrize("probe", [1000, 1])  # score first; visible first (probe of one row)
def test_a_member_is_ranked_only_with_both_sections_seen(
    personas, client_for, ranked, monkeypatch, probe
):
    monkeypatch.setattr(ranking_selectors, "PROBE", probe)
    chosen, people = ranked
    code = {name: str(someone.code) for name, someone in people.items()}

    # The managing team owns everyone: every current member, most harm first.
    assert _codes(client_for(personas.alice), chosen) == [
        code["neither"],
        code["offending_only"],
        code["gallery_only"],
        code["both"],
    ]
    # Carol's team sees both sections of one member only.
    assert _codes(client_for(personas.carol), chosen) == [code["both"]]

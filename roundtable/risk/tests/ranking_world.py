"""One small world for the ranking, pattern and override tests, and its oracle. All invented.

Testshire uses a CHI version whose days make every person's score distinct. People:

- ``hidden`` (owned by the police ASB team, hidden: a protected witness who also offends), 900;
- ``shared`` (ASB; identity and offending shared with the council ASB team), 700;
- ``identity_only`` (ASB; only identity shared with the council), 500;
- ``unshared`` (ASB; shared with nobody), 300;
- ``council`` (owned by the council ASB team), 400;
- ``far`` (owned by Elsewhere police, offences recorded there): not known to Testshire.

``EXPECTED`` is written by hand from the sharing rules (owner sees all; an organisation colleague
sees identity and warnings only; a partner sees what is shared; another partnership sees
nothing of these), never by asking the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roundtable.records.models import Profile
from roundtable.records.tests.case_helpers import hidden_profile
from roundtable.risk.models import HarmModel, HarmModelKind
from roundtable.risk.tests.risk_helpers import (
    classification,
    partnership_of,
    person,
    publish,
    record,
    share,
    team_of,
)
from roundtable.sharing.sections import Section

#: Category code -> CHI days in the world's model.
DAYS = {"VAP-ABH": 100, "BUR-DWL": 200, "CD-DAM": 300, "VAP-CMN": 400, "DRG-POS": 50}

#: Persona -> the people (by name) their ranking of the partnership shows, highest first.
EXPECTED = {
    "alice": ["hidden", "shared", "identity_only", "unshared"],
    "bob": [],
    "carol": ["shared", "council"],
    "dave": [],
}


@dataclass
class RankingWorld:
    model: HarmModel
    people: dict[str, Profile]

    def name_of(self, pk: int) -> str:
        return next(name for name, profile in self.people.items() if profile.pk == pk)


def build(personas) -> RankingWorld:
    partnership = partnership_of(personas.alice)
    categories = classification(partnership)
    model = publish(partnership, HarmModelKind.CHI, DAYS, windows=(365, 730))
    alice, carol = personas.alice, personas.carol
    people = {
        "hidden": hidden_profile(alice, team_of(alice)),
        "shared": person(alice, "Sasha", "Shared"),
        "identity_only": person(alice, "Ira", "Identityonly"),
        "unshared": person(alice, "Uma", "Unshared"),
        "council": person(carol, "Cory", "Council"),
    }
    share(alice, people["shared"], team_of(carol), [Section.IDENTITY, Section.OFFENDING])
    share(alice, people["identity_only"], team_of(carol), [Section.IDENTITY])
    # Scores: hidden 900 = 300 + 300 + 300; shared 700 = 400 + 300; identity_only 500 =
    # 400 + 100; unshared 300 = 200 + 100; council 400 = 200 + 200.
    plan = {
        "hidden": [("CD-DAM", date(2026, 5, 1), 22, "TE1 1AA")] * 3,
        "shared": [
            ("VAP-CMN", date(2026, 5, 2), 23, "TE1 1AA"),
            ("CD-DAM", date(2026, 3, 3), 14, "TE2 2BB"),
        ],
        "identity_only": [
            ("VAP-CMN", date(2026, 4, 4), 9, "TE3 3HH"),
            ("VAP-ABH", date(2026, 4, 5), 9, "TE3 3HH"),
        ],
        "unshared": [
            ("BUR-DWL", date(2026, 2, 6), 2, "TE4 4DD"),
            ("VAP-ABH", date(2026, 2, 7), 3, "TE4 4DD"),
        ],
        "council": [
            ("BUR-DWL", date(2026, 1, 8), 1, "TE5 5EE"),
            ("BUR-DWL", date(2026, 5, 9), 1, "TE2 2BB"),
        ],
    }
    from datetime import time

    for name, offences in plan.items():
        owner = carol if name == "council" else alice
        for code, day, hour, postcode in offences:
            record(
                owner, people[name], categories[code], day, moment=time(hour, 15), postcode=postcode
            )
    far_partnership = partnership_of(personas.dave)
    far_categories = classification(far_partnership)
    publish(far_partnership, HarmModelKind.CHI, DAYS, windows=(365, 730))
    people["far"] = person(personas.dave, "Farah", "Faraway")
    record(personas.dave, people["far"], far_categories["CD-DAM"], date(2026, 5, 1))
    return RankingWorld(model=model, people=people)

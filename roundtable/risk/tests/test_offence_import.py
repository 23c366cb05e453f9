"""Recording offences in bulk (an import, and the demo's histories): the same offences, audit
events and scores as recording each one with ``offence_create``, all or nothing."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from roundtable.audit.context import acting_as
from roundtable.audit.models import Action, AuditEvent
from roundtable.risk.models import HarmModelKind, HarmScore, Offence, OffenceRole
from roundtable.risk.services.offences import (
    OffenceDetails,
    OffenceEntry,
    offence_create,
    offences_record_many,
)
from roundtable.risk.services.scoring import harm_scores_refresh_people
from roundtable.risk.tests.risk_helpers import (
    TODAY,
    at,
    classification,
    partnership_of,
    person,
    publish,
    team_of,
)

pytestmark = pytest.mark.usefixtures("frozen")

STORED = (
    "category_id",
    "role",
    "occurred_at",
    "time_known",
    "occurred_on",
    "weekday",
    "hour",
    "disposal",
    "outcome_notes",
    "premises_id",
    "postcode",
    "source_organisation_id",
    "proactive",
    "recorded_by_id",
    "recorded_by_team_id",
    "partnership_id",
)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(personas):
    partnership = partnership_of(personas.alice)
    categories = classification(partnership)
    chi = publish(
        partnership, HarmModelKind.CHI, {"VAP-ABH": 120, "BUR-DWL": 365}, windows=(365, 730)
    )
    rfg = publish(
        partnership,
        HarmModelKind.RFG,
        {"VAP-ABH": 3, "BUR-DWL": 2},
        bands=((3, "1"), (12, "0.5")),
        windows=(365,),
    )
    return categories, (chi, rfg)


def details(categories, organisation, code, day, reference, **more) -> OffenceDetails:
    values = {
        "category": categories[code],
        "role": OffenceRole.OFFENDER,
        "occurred_at": at(day, time(22, 15)),
        "time_known": True,
        "disposal": "charged",
        "source_organisation": organisation,
        "postcode": "te1 1aa",
        "source_reference": reference,
    }
    values.update(more)
    return OffenceDetails(**values)


def stored(profile) -> list[tuple[object, ...]]:
    rows = Offence.objects.filter(profile=profile).order_by("occurred_at", "id")
    return list(rows.values_list(*STORED))


def scores(profile) -> list[tuple[object, ...]]:
    rows = HarmScore.objects.filter(profile=profile).order_by("model__kind", "window_days")
    return list(rows.values_list("model__kind", "window_days", "total", "offences_counted"))


def audited(profile) -> list[tuple[object, ...]]:
    """The offence events on a person, in order, without the reference each row was given."""
    events = AuditEvent.objects.filter(action=Action.CREATE, target_id=str(profile.code))
    return [
        (
            e.actor_id,
            e.team_id,
            e.sections,
            {k: v for k, v in e.changes.items() if k != "source_reference"},
        )
        for e in events.order_by("id")
        if "offence" in e.detail
    ]


def test_a_bulk_import_stores_audits_and_scores_as_recording_one_by_one(personas, world):
    categories, _models = world
    alice, police = personas.alice, team_of(personas.alice).organisation
    one_by_one = person(alice, "Jordan", "Example")
    in_bulk = person(alice, "Jordan", "Sample")
    plan = [
        ("VAP-ABH", date(2026, 5, 1), {}),
        ("BUR-DWL", date(2025, 11, 20), {"time_known": False, "disposal": "convicted"}),
        ("VAP-ABH", date(2025, 2, 3), {"role": OffenceRole.SUSPECT, "proactive": True}),
    ]
    team = team_of(alice)
    for number, (code, day, more) in enumerate(plan):
        with acting_as(user=alice, team=team, organisation=police):  # as the page would
            offence_create(
                actor=alice,
                team=team,
                profile=one_by_one,
                details=details(categories, police, code, day, f"A/{number}", **more),
            )
    entries = [
        OffenceEntry(
            actor=alice,
            team=team_of(alice),
            profile=in_bulk,
            details=details(categories, police, code, day, f"B/{number}", **more),
        )
        for number, (code, day, more) in enumerate(plan)
    ]
    created = offences_record_many(entries=entries)
    assert len(created) == 3
    assert stored(in_bulk) == stored(one_by_one)
    assert scores(in_bulk) == scores(one_by_one) != []
    assert len(audited(in_bulk)) == 3
    assert audited(in_bulk) == audited(one_by_one)
    # Rescoring many people at once writes exactly what rescoring each one does.
    before = scores(in_bulk), scores(one_by_one)
    HarmScore.objects.all().delete()
    harm_scores_refresh_people(profile_ids=[in_bulk.pk, one_by_one.pk])
    assert (scores(in_bulk), scores(one_by_one)) == before


def test_an_import_with_any_bad_row_names_each_and_writes_nothing(personas, world):
    categories, _models = world
    alice, police = personas.alice, team_of(personas.alice).organisation
    jordan = person(alice, "Jordan", "Example")
    offence_create(
        actor=alice,
        team=team_of(alice),
        profile=jordan,
        details=details(categories, police, "VAP-ABH", date(2026, 1, 5), "TP/1"),
    )
    events = AuditEvent.objects.count()

    def entry(user, reference, **more):
        return OffenceEntry(
            actor=user,
            team=team_of(user),
            profile=jordan,
            details=details(categories, police, "BUR-DWL", date(2026, 3, 1), reference, **more),
        )

    rows = [
        entry(alice, "TP/2"),  # fine
        entry(personas.carol, "TP/3"),  # the council cannot see his offending
        entry(alice, "TP/2"),  # the same reference as row 1
        entry(alice, "TP/1"),  # already recorded
        entry(alice, "TP/5", postcode="not a postcode"),
    ]
    with pytest.raises(ValidationError) as refused:
        offences_record_many(entries=rows)
    messages = refused.value.messages
    assert messages[0].startswith("Row 2: Your team cannot see this person's offending")
    assert "Row 3: the reference TP/2 is also on row 1." in messages
    assert "Row 4: the reference TP/1 is already recorded." in messages
    assert any(m.startswith("Row 5: Enter a real postcode") for m in messages)
    assert Offence.objects.filter(profile=jordan).count() == 1
    assert AuditEvent.objects.count() == events

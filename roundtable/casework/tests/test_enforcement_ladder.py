"""The escalation ladder: the next-step rule table, and the ladder per target as viewers see it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from roundtable.casework.models import EnforcementAction
from roundtable.casework.powers import PERSON_LADDER, PREMISES_LADDER
from roundtable.casework.powers import EnforcementKind as K
from roundtable.casework.powers import EnforcementStatus as S
from roundtable.casework.selectors.enforcement import enforcement_ladder, next_step
from roundtable.casework.tests.enforcement_helpers import add, scene
from roundtable.sharing import policy

NOW = "2026-06-15 10:00:00+01:00"


def action(kind, status, breaches=0, **fields):
    """An unsaved action as the ladder reads it (kind, status and its breach count)."""
    built = EnforcementAction(kind=kind, status=status, **fields)
    built.breach_count = breaches  # type: ignore[attr-defined]
    return built


WARNINGS = (K.WARNING_LETTER, K.ASB_WARNING_NOTICE)
COURT = (K.CIVIL_INJUNCTION, K.CBO)


@pytest.mark.parametrize(
    ("actions", "kinds", "escalate", "advice"),
    [
        ([], WARNINGS, False, "Start with the warning letter or ASB warning notice."),
        ([action(K.DISPERSAL, S.SERVED)], WARNINGS, False, "Start with the warning"),
        ([action(K.WARNING_LETTER, S.PROPOSED)], (K.WARNING_LETTER,), False, "Serve the proposed"),
        (
            [action(K.WARNING_LETTER, S.SERVED)],
            (K.ABC,),
            False,
            "Keep the warning letter under review. If it is breached, the next step is the "
            "acceptable behaviour contract.",
        ),
        ([action(K.WARNING_LETTER, S.BREACHED, 1)], (K.ABC,), True, "was breached"),
        ([action(K.ABC, S.EXPIRED)], (K.CPW,), True, "Nothing is in force"),
        ([action(K.ABC, S.EXPIRED, breaches=2)], (K.CPW,), True, "was breached"),
        ([action(K.CPW, S.BREACHED, 1)], (K.CPN,), True, "community protection notice"),
        (
            [action(K.CPW, S.SERVED), action(K.CPN, S.PROPOSED)],
            (K.CPN,),
            False,
            "Serve the proposed community protection notice.",
        ),
        (
            [action(K.WARNING_LETTER, S.EXPIRED), action(K.CPW, S.DISCHARGED)],
            (K.CPN,),
            True,
            "Nothing is in force",
        ),
        ([action(K.CIVIL_INJUNCTION, S.SERVED)], (), False, "until it ends"),
        ([action(K.CIVIL_INJUNCTION, S.BREACHED, 1)], (), False, "contempt of court"),
        ([action(K.CBO, S.BREACHED, 1)], (), False, "criminal offence"),
        ([action(K.CBO, S.EXPIRED)], (), False, "The last step of the ladder has ended"),
        ([action(K.WARNING_LETTER, S.WITHDRAWN)], WARNINGS, False, "Start with"),
    ],
)
def test_the_next_step_for_a_person(actions, kinds, escalate, advice):
    step = next_step(PERSON_LADDER, actions)
    assert step.kinds == kinds
    assert step.escalate is escalate
    assert advice.lower() in step.advice.lower()


def test_a_breached_cpn_points_to_its_fixed_penalty_then_the_courts():
    cpn = action(
        K.CPN,
        S.BREACHED,
        1,
        fixed_penalty_amount=Decimal("100.00"),
        fixed_penalty_early_amount=Decimal("75.00"),
        fixed_penalty_early_days=10,
    )
    step = next_step(PERSON_LADDER, [cpn])
    assert step.kinds == COURT and step.escalate
    assert step.advice == (
        "Issue a fixed penalty notice (£100.00, or £75.00 if paid within 10 days) or prosecute "
        "the breach. If it continues, the next step is the civil injunction or criminal behaviour "
        "order."
    )


@pytest.mark.parametrize(
    ("actions", "kinds", "advice"),
    [
        ([], WARNINGS, "Start with"),
        ([action(K.CPW, S.BREACHED, 1)], (K.CPN,), "was breached"),
        ([action(K.CPN, S.BREACHED, 1)], (K.CLOSURE_NOTICE,), "fixed penalty"),
        ([action(K.CLOSURE_NOTICE, S.SERVED)], (K.CLOSURE_ORDER,), "within 48 hours"),
        ([action(K.CLOSURE_ORDER, S.SERVED)], (), "until it ends"),
        ([action(K.CLOSURE_ORDER, S.BREACHED, 1)], (), "closed premises is an offence"),
    ],
)
def test_the_next_step_for_premises(actions, kinds, advice):
    step = next_step(PREMISES_LADDER, actions)
    assert step.kinds == kinds
    assert advice.lower() in step.advice.lower()


@pytest.fixture
def world(personas):
    with time_machine.travel(NOW, tick=False):
        yield scene(personas)


def _steps(target):
    return [(step.rung.label, step.state) for step in target.steps]


def test_the_ladder_groups_actions_per_target_with_steps_dates_and_next_step(personas, world):
    alice = personas.alice
    add(
        alice,
        world.case,
        K.WARNING_LETTER,
        profile=world.adult,
        served_on=date(2026, 1, 5),
        expires_on=date(2026, 3, 5),
    )
    cpw = add(
        alice,
        world.case,
        K.CPW,
        profile=world.adult,
        served_on=date(2026, 6, 1),
        problem="Noise",
        required_change="Stop it",
        deadline=date(2026, 7, 1),
    )
    add(
        alice,
        world.case,
        K.CPW,
        premises=world.pub,
        problem="Late noise",
        required_change="Close the garden at 10pm",
        deadline=date(2026, 7, 15),
    )
    ladder = enforcement_ladder(policy.viewer_for_user(alice), world.case)
    assert ladder is not None and ladder.shows_targets
    person, pub = ladder.targets
    assert (person.label, person.named, person.url) == (
        "Robin NUISANCE",
        True,
        world.adult.get_absolute_url(),
    )
    assert _steps(person) == [
        ("Warning letter or ASB warning notice", "done"),
        ("Acceptable behaviour contract", "not_taken"),
        ("Community protection warning", "in_force"),
        ("Community protection notice", "not_taken"),
        ("Civil injunction or criminal behaviour order", "not_taken"),
    ]
    assert [(u.on, u.what) for u in person.upcoming] == [
        (date(2026, 7, 1), "Deadline for the change"),
        (date(2026, 12, 1), "Expires"),  # 1 June + 6 months
    ]
    assert person.in_force == [cpw]
    assert person.next is not None and person.next.kinds == (K.CPN,)
    assert pub.label == "The Invented Arms"
    assert pub.next is not None and pub.next.advice.startswith("Serve the proposed")


def test_without_the_members_section_the_ladder_names_nobody(personas, world):
    add(personas.alice, world.case, K.WARNING_LETTER, profile=world.adult)
    add(personas.alice, world.case, K.WARNING_LETTER, profile=world.youth)
    add(
        personas.alice,
        world.case,
        K.CPW,
        premises=world.pub,
        problem="Noise",
        required_change="Quiet",
        deadline=date(2026, 7, 1),
    )
    bob = policy.viewer_for_user(personas.bob)  # a colleague: the summary, not the members
    ladder = enforcement_ladder(bob, world.case)
    assert ladder is not None and not ladder.shows_targets
    assert [(t.label, t.named, t.url, len(t.actions)) for t in ladder.targets] == [
        ("People in this case", False, "", 2),
        ("Premises linked to this case", False, "", 1),
    ]
    assert enforcement_ladder(policy.viewer_for_user(personas.dave), world.case) is None

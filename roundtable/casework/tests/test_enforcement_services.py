"""Enforcement services: each power's validation and computed expiry, breaches, ends, locks.

Today is 15 June 2026 (British Summer Time) throughout; every expected date is worked by hand.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import (
    BreachResponse,
    EnforcementAction,
    EnforcementBreach,
    EnforcementSettings,
)
from roundtable.casework.powers import EnforcementKind as K
from roundtable.casework.powers import EnforcementStatus as S
from roundtable.casework.services import enforcement as services
from roundtable.casework.tests.enforcement_helpers import add, scene
from roundtable.directory.tests.factories import OrganisationFactory, TeamFactory
from roundtable.records.models import MemberRole
from roundtable.records.services import cases as case_services
from roundtable.records.services import places
from roundtable.records.services.cases import StaleRecord
from roundtable.sharing import policy
from roundtable.sharing.tests.factories import profile_for

NOW = "2026-06-15 10:00:00+01:00"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world(personas):
    with time_machine.travel(NOW, tick=False):
        yield scene(personas)


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _viewer(user):
    return policy.viewer_for_user(user)


# --- Warnings and ABCs ------------------------------------------------------------------------


def test_a_warning_letter_is_proposed_without_a_date_and_served_with_one(personas, world):
    proposed = add(personas.alice, world.case, K.WARNING_LETTER, profile=world.adult)
    assert proposed.status == S.PROPOSED and proposed.served_on is None
    served = add(
        personas.alice,
        world.case,
        K.ASB_WARNING_NOTICE,
        profile=world.adult,
        served_on=date(2026, 6, 1),
        expires_on=date(2026, 12, 1),
        conditions="Stop playing loud music after 11pm.",
    )
    assert served.status == S.SERVED
    assert served.expires_on == date(2026, 12, 1)  # as the agency set it: the law sets none


def test_an_abc_needs_its_terms_and_a_review_date(personas, world):
    errors = errors_of(
        lambda: add(personas.alice, world.case, K.ABC, profile=world.adult, conditions=" ")
    )
    assert errors["conditions"] == ["Enter the terms of the contract."]
    assert errors["review_on"] == ["Enter the date the contract will be reviewed."]
    abc = add(
        personas.alice,
        world.case,
        K.ABC,
        profile=world.adult,
        served_on=date(2026, 6, 1),
        conditions="No contact with the neighbours.",
        review_on=date(2026, 9, 1),
    )
    assert abc.review_on == date(2026, 9, 1) and abc.expires_on is None
    assert not EnforcementAction.objects.exclude(pk=abc.pk).exists()


def test_an_abc_is_not_for_premises(personas, world):
    errors = errors_of(
        lambda: add(
            personas.alice,
            world.case,
            K.ABC,
            premises=world.pub,
            conditions="Terms",
            review_on=date(2026, 9, 1),
        )
    )
    assert errors["target"] == ["An acceptable behaviour contract is not for premises."]


# --- Community protection warnings and notices -----------------------------------------------


def _cpw(personas, world, **details):
    values: dict[str, Any] = {
        "problem": "Dog barking through the night.",
        "required_change": "Keep the dog indoors after 10pm.",
        "deadline": date(2026, 4, 30),
        "served_on": date(2026, 3, 31),
        "profile": world.adult,
    }
    values.update(details)
    return add(personas.alice, world.case, K.CPW, **values)


def test_a_cpw_expires_six_months_after_service_by_default(personas, world):
    # 31 March + 6 months = 30 September (September has 30 days).
    cpw = _cpw(personas, world)
    assert cpw.expires_on == date(2026, 9, 30)
    assert cpw.period_months == 6


def test_a_cpw_follows_the_partnerships_configured_period(personas, world):
    EnforcementSettings.objects.create(partnership=world.work.testshire, cpw_months=3)
    # 31 May + 3 months = 31 August.
    cpw = _cpw(personas, world, served_on=date(2026, 5, 31), deadline=date(2026, 6, 14))
    assert cpw.expires_on == date(2026, 8, 31)
    assert cpw.period_months == 3


def test_a_cpw_needs_the_problem_the_change_and_a_deadline_after_service(personas, world):
    errors = errors_of(lambda: _cpw(personas, world, problem="", required_change="", deadline=None))
    assert set(errors) == {"problem", "required_change", "deadline"}
    on_the_day = errors_of(lambda: _cpw(personas, world, deadline=date(2026, 3, 31)))
    assert on_the_day["deadline"] == ["The deadline must be after the date served."]
    too_late = errors_of(lambda: _cpw(personas, world, deadline=date(2026, 9, 30)))
    assert too_late["deadline"] == ["The deadline must come before the warning expires."]
    assert not EnforcementAction.objects.exists()


def test_a_cpw_is_refused_for_someone_under_16_and_allowed_at_17(personas, world):
    # Casey was born on 1 June 2011: 14 on 31 March 2026.
    errors = errors_of(lambda: _cpw(personas, world, profile=world.child))
    assert errors["target"] == [
        "A community protection warning is only for people aged 16 or over."
    ]
    assert _cpw(personas, world, profile=world.youth).pk is not None  # Alex is 17


def test_a_cpn_takes_the_partnerships_period_and_fixed_penalty(personas, world):
    # 28 February 2026 + 12 months = 28 February 2027; £100, or £75 within 10 days.
    cpn = add(
        personas.alice,
        world.case,
        K.CPN,
        profile=world.adult,
        served_on=date(2026, 2, 28),
        conditions="Clear the garden of waste within 14 days.",
    )
    assert cpn.expires_on == date(2027, 2, 28)
    assert cpn.period_months == 12
    assert cpn.fixed_penalty_amount == Decimal("100.00")
    assert cpn.fixed_penalty_early_amount == Decimal("75.00")
    assert cpn.fixed_penalty_early_days == 10


def test_a_cpn_keeps_the_figures_it_was_served_under(personas, world):
    cpn = add(
        personas.alice,
        world.case,
        K.CPN,
        profile=world.adult,
        served_on=date(2026, 6, 1),
        conditions="Requirements",
        period_months=18,
        fixed_penalty_amount=Decimal("150"),
        fixed_penalty_early_amount=Decimal("90"),
        fixed_penalty_early_days=14,
    )
    EnforcementSettings.objects.create(
        partnership=world.work.testshire,
        fixed_penalty_amount=Decimal("120"),
        fixed_penalty_early_amount=Decimal("80"),
    )
    cpn.refresh_from_db()
    # 1 June 2026 + 18 months = 1 December 2027.
    assert cpn.expires_on == date(2027, 12, 1)
    assert (cpn.fixed_penalty_amount, cpn.fixed_penalty_early_amount) == (
        Decimal("150.00"),
        Decimal("90.00"),
    )


@pytest.mark.parametrize(
    ("full", "early", "field", "message"),
    [
        (Decimal("0"), Decimal("75"), "fixed_penalty_amount", "more than £0"),
        (Decimal("100"), Decimal("-1"), "fixed_penalty_early_amount", "more than £0"),
        (Decimal("100"), Decimal("100"), "fixed_penalty_early_amount", "less than the fixed"),
    ],
)
def test_a_cpn_penalty_must_be_positive_and_the_early_payment_smaller(
    personas, world, full, early, field, message
):
    errors = errors_of(
        lambda: add(
            personas.alice,
            world.case,
            K.CPN,
            profile=world.adult,
            conditions="Requirements",
            fixed_penalty_amount=full,
            fixed_penalty_early_amount=early,
        )
    )
    assert message in errors[field][0]


# --- Court orders -----------------------------------------------------------------------------


def _injunction(personas, world, profile, **details):
    values: dict[str, Any] = {
        "court": "Testshire County Court",
        "conditions": "Not to enter Test Street.",
        "served_on": date(2026, 6, 1),
    }
    values.update(details)
    return add(personas.alice, world.case, K.CIVIL_INJUNCTION, profile=profile, **values)


def test_a_civil_injunction_is_for_people_aged_10_or_over(personas, world):
    alice, viewer = personas.alice, _viewer(personas.alice)
    nine = profile_for(alice, world.work.asb, given_name="Sam", date_of_birth=date(2017, 1, 1))
    case_services.case_member_add(
        actor=alice, viewer=viewer, case=world.case, profile=nine, role=MemberRole.SUBJECT
    )
    errors = errors_of(lambda: _injunction(personas, world, nine))
    assert errors["target"] == ["A civil injunction is only for people aged 10 or over."]
    # Casey is 14: an injunction is possible, for 12 months at most (1 June 2027).
    assert _injunction(personas, world, world.child, expires_on=date(2027, 6, 1)).pk


def test_an_injunction_on_someone_under_18_must_end_within_12_months(personas, world):
    no_end = errors_of(lambda: _injunction(personas, world, world.youth))
    assert no_end["expires_on"] == ["An injunction on someone under 18 must have an end date."]
    too_long = errors_of(
        lambda: _injunction(personas, world, world.youth, expires_on=date(2027, 6, 2))
    )
    assert too_long["expires_on"] == ["An injunction on someone under 18 lasts 12 months at most."]
    assert _injunction(personas, world, world.adult).expires_on is None  # until further order


def test_a_cbo_on_an_adult_lasts_two_years_or_until_further_order(personas, world):
    def cbo(**details):
        values: dict[str, Any] = {
            "court": "Testshire Crown Court",
            "conditions": "Terms",
            "served_on": date(2026, 6, 1),
        }
        values.update(details)
        return add(personas.alice, world.case, K.CBO, profile=world.adult, **values)

    short = errors_of(lambda: cbo(expires_on=date(2028, 5, 31)))
    assert "at least 2 years" in short["expires_on"][0]
    assert cbo(expires_on=date(2028, 6, 1)).pk
    assert cbo().expires_on is None


def test_a_cbo_on_someone_under_18_lasts_one_to_three_years_and_is_reviewed(personas, world):
    def cbo(**details):
        values: dict[str, Any] = {
            "court": "Testshire Youth Court",
            "conditions": "Terms",
            "served_on": date(2026, 6, 1),
        }
        values.update(details)
        return add(personas.alice, world.case, K.CBO, profile=world.youth, **values)

    errors = errors_of(lambda: cbo(expires_on=date(2029, 6, 2)))
    assert errors["expires_on"] == ["A CBO on someone under 18 must last between 1 and 3 years."]
    assert errors["review_on"] == ["A CBO on someone under 18 needs a review date."]
    assert cbo(expires_on=date(2029, 6, 1), review_on=date(2027, 6, 1)).pk


def test_court_orders_need_a_court(personas, world):
    errors = errors_of(lambda: _injunction(personas, world, world.adult, court=""))
    assert errors["court"] == ["Enter the court that granted the injunction."]


# --- Timed powers: dispersal and closure ------------------------------------------------------


def test_a_dispersal_lasts_48_hours_from_the_time_served(personas, world):
    served_at = datetime(2026, 6, 14, 22, 30, tzinfo=LONDON)
    dispersal = add(
        personas.alice,
        world.case,
        K.DISPERSAL,
        profile=world.adult,
        served_at=served_at,
        authorised_by="Inspector A. Example",
    )
    assert dispersal.duration_hours == 48
    assert dispersal.expires_at == datetime(2026, 6, 16, 22, 30, tzinfo=LONDON)
    assert (dispersal.served_on, dispersal.expires_on) == (date(2026, 6, 14), date(2026, 6, 16))


def test_a_dispersal_needs_an_inspectors_authority_and_no_more_than_48_hours(personas, world):
    errors = errors_of(
        lambda: add(
            personas.alice,
            world.case,
            K.DISPERSAL,
            profile=world.adult,
            served_at=datetime(2026, 6, 14, 22, 30, tzinfo=LONDON),
            duration_hours=49,
        )
    )
    assert errors["duration_hours"] == ["A dispersal direction lasts 48 hours at most."]
    assert "authorised_by" in errors


def test_a_closure_notice_is_for_premises_24_hours_unless_extended_to_48(personas, world):
    served_at = datetime(2026, 6, 15, 9, 0, tzinfo=LONDON)
    notice = add(
        personas.alice, world.case, K.CLOSURE_NOTICE, premises=world.pub, served_at=served_at
    )
    assert notice.expires_at == served_at + timedelta(hours=24)
    longest = add(
        personas.alice,
        world.case,
        K.CLOSURE_NOTICE,
        premises=world.pub,
        served_at=served_at,
        duration_hours=48,
    )
    assert longest.expires_on == date(2026, 6, 17)
    too_long = errors_of(
        lambda: add(
            personas.alice,
            world.case,
            K.CLOSURE_NOTICE,
            premises=world.pub,
            served_at=served_at,
            duration_hours=49,
        )
    )
    assert too_long["duration_hours"] == ["A closure notice lasts 48 hours at most."]
    person = errors_of(
        lambda: add(personas.alice, world.case, K.CLOSURE_NOTICE, profile=world.adult)
    )
    assert person["target"] == ["A closure notice is not for a person."]


def test_a_time_served_in_the_future_is_refused(personas, world):
    errors = errors_of(
        lambda: add(
            personas.alice,
            world.case,
            K.CLOSURE_NOTICE,
            premises=world.pub,
            served_at=timezone.now() + timedelta(hours=1),
        )
    )
    assert errors["served_on"] == ["The time served cannot be in the future."]


def test_a_closure_order_lasts_3_months_and_can_be_extended_to_6(personas, world):
    order = add(
        personas.alice,
        world.case,
        K.CLOSURE_ORDER,
        premises=world.pub,
        court="Testshire Magistrates' Court",
        served_on=date(2026, 4, 30),
    )
    assert order.expires_on == date(2026, 7, 30)  # 30 April + 3 months
    four = errors_of(
        lambda: add(
            personas.alice,
            world.case,
            K.CLOSURE_ORDER,
            premises=world.pub,
            court="Testshire Magistrates' Court",
            period_months=4,
        )
    )
    assert "3 months at most" in four["period_months"][0]
    extended = services.enforcement_update(
        actor=personas.alice,
        viewer=_viewer(personas.alice),
        action=order,
        expected_version=order.version,
        reason="Extended by the magistrates",
        period_months=6,
    )
    assert extended.expires_on == date(2026, 10, 30)  # 6 months in all
    assert extended.varied_on == date(2026, 6, 15)
    seven = errors_of(
        lambda: services.enforcement_update(
            actor=personas.alice,
            viewer=_viewer(personas.alice),
            action=extended,
            expected_version=extended.version,
            reason="Too long",
            period_months=7,
        )
    )
    assert seven["period_months"] == ["A closure order lasts 6 months at most in all."]


# --- Common rules -----------------------------------------------------------------------------


def test_a_service_date_in_the_future_and_an_expiry_before_it_are_refused(personas, world):
    errors = errors_of(
        lambda: add(
            personas.alice,
            world.case,
            K.WARNING_LETTER,
            profile=world.adult,
            served_on=date(2026, 6, 16),
            expires_on=date(2026, 6, 16),
        )
    )
    assert errors["served_on"] == ["The date served cannot be in the future."]
    assert errors["expires_on"] == ["The expiry date must be after the date served."]


def test_the_target_must_be_a_member_or_linked_premises_of_this_case(personas, world):
    stranger = profile_for(personas.alice, world.work.asb, given_name="Nobody")
    elsewhere = places.premises_create(
        actor=personas.alice, team=world.work.asb, name="Unlinked Cafe", kind="business"
    )
    person = errors_of(lambda: add(personas.alice, world.case, K.WARNING_LETTER, profile=stranger))
    assert person["target"] == ["Choose a person who is a member of this case."]
    place = errors_of(lambda: add(personas.alice, world.case, K.WARNING_LETTER, premises=elsewhere))
    assert place["target"] == ["Choose premises linked to this case."]


def test_the_issuer_must_be_an_agency_of_the_partnership_with_its_own_team_and_officer(
    personas, world
):
    far = personas.dave.organisation
    errors = errors_of(
        lambda: services.enforcement_create(
            actor=personas.alice,
            viewer=_viewer(personas.alice),
            case=world.case,
            kind=K.WARNING_LETTER,
            target_profile=world.adult,
            issuing_organisation=far,
        )
    )
    assert errors["issuing_organisation"] == ["Choose an agency of this case's partnership."]
    council = personas.carol.organisation
    mismatched = errors_of(
        lambda: services.enforcement_create(
            actor=personas.alice,
            viewer=_viewer(personas.alice),
            case=world.case,
            kind=K.WARNING_LETTER,
            target_profile=world.adult,
            issuing_organisation=council,
            issuing_team=world.work.asb,
            officer=personas.alice,
        )
    )
    assert mismatched["issuing_team"] == ["Choose a team of the issuing agency."]
    assert mismatched["officer"] == ["Choose an officer of the issuing agency."]
    # A partner agency may be the issuer when the owning team records it.
    issued = services.enforcement_create(
        actor=personas.alice,
        viewer=_viewer(personas.alice),
        case=world.case,
        kind=K.WARNING_LETTER,
        target_profile=world.adult,
        issuing_organisation=council,
        issuing_team=world.work.council_asb,
        officer=personas.carol,
    )
    assert issued.issuing_organisation == council


def test_only_the_owning_team_may_record_enforcement(personas, world):
    with pytest.raises(PermissionDenied):
        add(personas.carol, world.case, K.WARNING_LETTER, profile=world.adult)
    with pytest.raises(PermissionDenied):
        add(personas.bob, world.case, K.WARNING_LETTER, profile=world.adult)
    assert not EnforcementAction.objects.exists()


def test_recording_an_action_is_audited_on_the_case_without_names(personas, world):
    action = add(personas.alice, world.case, K.WARNING_LETTER, profile=world.adult)
    event = AuditEvent.objects.filter(action=Action.CREATE, target_id=str(world.case.code)).latest(
        "id"
    )
    assert event.sections == ["summary"]
    assert event.detail["enforcement_action"] == str(action.code)
    after = event.changes["enforcement_added"][1]
    assert after["target_profile"] == str(world.adult.code)
    assert "Nuisance" not in str(event.changes) + event.target_label


# --- Serving, breaches and ends ---------------------------------------------------------------


def test_serving_a_proposed_cpw_works_out_its_expiry(personas, world):
    cpw = _cpw(personas, world, served_on=None, deadline=date(2026, 7, 1))
    assert cpw.status == S.PROPOSED and cpw.expires_on is None
    served = services.enforcement_serve(
        actor=personas.alice,
        viewer=_viewer(personas.alice),
        action=cpw,
        expected_version=cpw.version,
        served_on=date(2026, 6, 15),
    )
    assert served.status == S.SERVED
    assert served.expires_on == date(2026, 12, 15)
    again = errors_of(
        lambda: services.enforcement_serve(
            actor=personas.alice,
            viewer=_viewer(personas.alice),
            action=served,
            expected_version=served.version,
            served_on=date(2026, 6, 15),
        )
    )
    assert again == {"__all__": ["Only a proposed action can be served."]}


def _breach(personas, action, **values):
    data: dict[str, Any] = {
        "occurred_on": date(2026, 6, 10),
        "description": "Music played at 2am.",
        "reported_by": "A neighbour",
        "response": BreachResponse.WARNING,
    }
    data.update(values)
    return services.enforcement_breach_record(
        actor=personas.alice,
        viewer=_viewer(personas.alice),
        action=action,
        expected_version=action.version,
        **data,
    )


def test_a_breach_is_its_own_row_and_marks_the_action_breached(personas, world):
    cpw = _cpw(personas, world)
    breach = _breach(personas, cpw)
    cpw.refresh_from_db()
    assert cpw.status == S.BREACHED and cpw.version == 1
    assert EnforcementBreach.objects.get() == breach
    assert (breach.reported_by, breach.response) == ("A neighbour", BreachResponse.WARNING)
    second = _breach(personas, cpw, occurred_on=date(2026, 6, 12))
    assert cpw.breaches.count() == 2 and second.pk != breach.pk


def test_a_breach_must_fall_while_in_force_and_not_in_the_future(personas, world):
    cpw = _cpw(personas, world)
    before = errors_of(lambda: _breach(personas, cpw, occurred_on=date(2026, 3, 30)))
    assert before["occurred_on"] == ["The breach cannot come before the action was served."]
    future = errors_of(lambda: _breach(personas, cpw, occurred_on=date(2026, 6, 16)))
    assert future["occurred_on"] == ["The date of the breach cannot be in the future."]
    warning = add(
        personas.alice,
        world.case,
        K.WARNING_LETTER,
        profile=world.adult,
        served_on=date(2026, 1, 5),
        expires_on=date(2026, 3, 5),
    )
    late = errors_of(lambda: _breach(personas, warning, occurred_on=date(2026, 3, 5)))
    assert late["occurred_on"] == ["The breach must fall before the action expired."]
    assert not EnforcementBreach.objects.exists()


def test_a_fixed_penalty_can_only_follow_a_cpn_and_a_proposed_action_cannot_be_breached(
    personas, world
):
    cpw = _cpw(personas, world)
    errors = errors_of(lambda: _breach(personas, cpw, response=BreachResponse.FIXED_PENALTY))
    assert errors["response"] == [
        "A fixed penalty notice can only follow a community protection notice."
    ]
    cpn = add(
        personas.alice,
        world.case,
        K.CPN,
        profile=world.adult,
        served_on=date(2026, 6, 1),
        conditions="Requirements",
    )
    assert _breach(personas, cpn, response=BreachResponse.FIXED_PENALTY).pk
    proposed = add(personas.alice, world.case, K.WARNING_LETTER, profile=world.adult)
    assert errors_of(lambda: _breach(personas, proposed)) == {
        "__all__": ["Only an action in force can be breached."]
    }


def test_an_action_in_force_is_discharged_and_a_proposed_one_withdrawn(personas, world):
    cpw = _cpw(personas, world)
    proposed = add(personas.alice, world.case, K.WARNING_LETTER, profile=world.adult)

    def end(action, status, outcome="Behaviour stopped"):
        return services.enforcement_end(
            actor=personas.alice,
            viewer=_viewer(personas.alice),
            action=action,
            expected_version=action.version,
            status=status,
            outcome=outcome,
        )

    wrong = errors_of(lambda: end(proposed, S.DISCHARGED))
    assert wrong["status"] == ["Only an action in force can be discharged."]
    no_outcome = errors_of(lambda: end(cpw, S.DISCHARGED, outcome=" "))
    assert no_outcome["outcome"] == ["Enter the outcome."]
    discharged = end(cpw, S.DISCHARGED)
    assert (discharged.status, discharged.ended_on) == (S.DISCHARGED, date(2026, 6, 15))
    assert end(proposed, S.WITHDRAWN).status == S.WITHDRAWN


def test_a_stale_change_is_refused_and_nothing_is_overwritten(personas, world):
    abc = add(
        personas.alice,
        world.case,
        K.ABC,
        profile=world.adult,
        conditions="Original terms",
        review_on=date(2026, 9, 1),
    )
    services.enforcement_update(
        actor=personas.spoc,
        viewer=_viewer(personas.spoc),
        action=abc,
        expected_version=0,
        conditions="The manager's terms",
        review_on=date(2026, 9, 1),
    )
    with pytest.raises(StaleRecord) as stale:
        services.enforcement_update(
            actor=personas.alice,
            viewer=_viewer(personas.alice),
            action=abc,
            expected_version=0,
            conditions="Alice's terms",
            review_on=date(2026, 9, 1),
        )
    assert cast(EnforcementAction, stale.value.current).conditions == "The manager's terms"
    abc.refresh_from_db()
    assert (abc.conditions, abc.version) == ("The manager's terms", 1)


def test_varying_an_action_in_force_needs_a_reason_and_resets_its_expiry_flag(personas, world):
    warning = add(
        personas.alice,
        world.case,
        K.WARNING_LETTER,
        profile=world.adult,
        served_on=date(2026, 6, 1),
        expires_on=date(2026, 6, 20),
    )
    EnforcementAction.objects.filter(pk=warning.pk).update(expiry_flagged_on=date(2026, 6, 10))
    warning.refresh_from_db()
    errors = errors_of(
        lambda: services.enforcement_update(
            actor=personas.alice,
            viewer=_viewer(personas.alice),
            action=warning,
            expected_version=warning.version,
            expires_on=date(2026, 12, 20),
        )
    )
    assert errors["reason"] == ["Give the reason for the variation."]
    varied = services.enforcement_update(
        actor=personas.alice,
        viewer=_viewer(personas.alice),
        action=warning,
        expected_version=warning.version,
        reason="Extended after a further incident",
        expires_on=date(2026, 12, 20),
    )
    assert (varied.expires_on, varied.expiry_flagged_on) == (date(2026, 12, 20), None)


def test_lapsed_actions_expire_dated_ones_by_day_and_timed_ones_by_the_hour(personas, world):
    cpw = _cpw(personas, world)  # expires 30 September 2026
    dispersal = add(
        personas.alice,
        world.case,
        K.DISPERSAL,
        profile=world.adult,
        served_at=datetime(2026, 6, 15, 9, 0, tzinfo=LONDON),
        authorised_by="Inspector A. Example",
        duration_hours=6,
    )
    with time_machine.travel(datetime(2026, 6, 15, 14, 59, tzinfo=LONDON), tick=False):
        assert services.enforcement_expire_lapsed() == 0
    with time_machine.travel(datetime(2026, 6, 15, 15, 0, tzinfo=LONDON), tick=False):
        assert services.enforcement_expire_lapsed() == 1
    with time_machine.travel(datetime(2026, 9, 29, 23, 0, tzinfo=LONDON), tick=False):
        assert services.enforcement_expire_lapsed() == 0
    with time_machine.travel(datetime(2026, 9, 30, 0, 30, tzinfo=LONDON), tick=False):
        assert services.enforcement_expire_lapsed() == 1
    cpw.refresh_from_db()
    dispersal.refresh_from_db()
    assert (cpw.status, cpw.ended_on) == (S.EXPIRED, date(2026, 9, 30))
    assert dispersal.status == S.EXPIRED


def test_a_partner_team_cannot_use_a_foreign_organisation_with_no_partnership(personas, world):
    national = OrganisationFactory(name="National Invented Agency", partnership=None)
    TeamFactory(organisation=national, name="National Team")
    action = services.enforcement_create(
        actor=personas.alice,
        viewer=_viewer(personas.alice),
        case=world.case,
        kind=K.WARNING_LETTER,
        target_profile=world.adult,
        issuing_organisation=national,
    )
    assert action.issuing_organisation == national  # a national agency may issue anywhere

"""Alert rules: the partnership admin's pages (both sides), the service's checks, and the seeds."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import Capability, OrganisationKind
from roundtable.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    grant,
)
from roundtable.records.services.case_type_seeds import case_types_seed
from roundtable.tasking.models import AlertRule, RuleScope, RuleTarget
from roundtable.tasking.services.alerts import (
    alert_rule_create,
    alert_rule_update,
    alert_rules_seed,
)
from roundtable.tasking.tests.alert_helpers import alert_world

RULES = reverse("tasking:alert_rule_list")
NEW = reverse("tasking:alert_rule_create")


@pytest.fixture
def world(personas):
    return alert_world(personas)


def team_rule(world, **values):
    fields = {
        "name": "Council hears of stage changes",
        "event": "case.stage_changed",
        "target": RuleTarget.TEAM,
        "team": world.work.council_asb,
    }
    fields.update(values)
    return alert_rule_create(actor=world.admin, partnership=world.work.testshire, **fields)


def form_data(world, **values):
    data = {
        "name": "New MASH cases",
        "event": "case.created",
        "scope": RuleScope.CASE_TYPE,
        "case_type": str(world.work.case_type.pk),
        "condition_key": "",
        "condition_value": "",
        "target": RuleTarget.TEAM,
        "team": str(world.work.council_asb.pk),
    }
    data.update(values)
    return data


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "spoc", "audrey", "sysadmin"])
def test_only_a_partnership_admin_reaches_the_rule_pages(personas, world, client_for, persona):
    rule = team_rule(world)
    client = client_for(getattr(personas, persona))
    edit = reverse("tasking:alert_rule_edit", kwargs={"code": rule.code})
    assert client.get(RULES).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data(world)).status_code == 403
    assert client.get(edit).status_code == 403
    assert AlertRule.objects.count() == 1


def test_the_admin_lists_adds_and_changes_rules(personas, world, client_for):
    client = client_for(world.admin)
    assert client.get(RULES).status_code == 200
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, form_data(world))
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert (rule.event, rule.scope, rule.case_type, rule.team) == (
        "case.created",
        RuleScope.CASE_TYPE,
        world.work.case_type,
        world.work.council_asb,
    )
    assert rule.name in client.get(RULES).content.decode()
    edit = reverse("tasking:alert_rule_edit", kwargs={"code": rule.code})
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, form_data(world, name="Switched off rule", version="0", is_active="")
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.is_active, rule.version) == ("Switched off rule", False, 1)
    assert "Switched off" in client.get(RULES).content.decode()
    changes = AuditEvent.objects.filter(action=Action.UPDATE, target_type="tasking.alertrule")
    assert changes.get().changes["is_active"] == [True, False]


def test_another_partnerships_rule_is_not_found(personas, world, client_for):
    far_admin = UserFactory(organisation=personas.dave.organisation)
    MembershipFactory(user=far_admin, team=TeamFactory(organisation=personas.dave.organisation))
    grant(far_admin, Capability.PARTNERSHIP_ADMIN)
    rule = team_rule(world)
    edit = reverse("tasking:alert_rule_edit", kwargs={"code": rule.code})
    client = client_for(far_admin)
    assert client.get(RULES).status_code == 200
    assert rule.name not in client.get(RULES).content.decode()
    assert client.get(edit).status_code == 404


def test_bad_input_shows_errors_and_writes_nothing(personas, world, client_for):
    client = client_for(world.admin)
    cases = [
        form_data(world, name=""),
        form_data(world, case_type=""),
        form_data(world, team=""),
        form_data(world, event="case.gossip"),
        form_data(world, event="case.risk_changed", condition_key="rag", condition_value="pink"),
        form_data(world, condition_key="entry_type", condition_value="custody_update"),
        form_data(world, event="diary.created", condition_key="entry_type", condition_value="A B"),
        form_data(world, team=str(personas.dave.memberships.get().team_id)),
    ]
    for data in cases:
        response = client.post(NEW, data)
        assert response.status_code == 400, data
        assert "govuk-error-summary" in response.content.decode()
    assert not AlertRule.objects.exists()


def test_a_stale_edit_shows_both_versions_and_overwrites_nothing(personas, world, client_for):
    rule = team_rule(world)
    alert_rule_update(actor=world.admin, rule=rule, expected_version=0, name="Changed first")
    edit = reverse("tasking:alert_rule_edit", kwargs={"code": rule.code})
    response = client_for(world.admin).post(
        edit, form_data(world, name="Changed second", version="0", is_active="on")
    )
    assert response.status_code == 409
    assert "Changed first" in response.content.decode()
    rule.refresh_from_db()
    assert rule.name == "Changed first"


# --- The service ------------------------------------------------------------------------------


def test_only_an_admin_of_the_same_partnership_may_write_rules(personas, world):
    with pytest.raises(PermissionDenied):
        alert_rule_create(
            actor=personas.alice,
            partnership=world.work.testshire,
            name="Nope",
            event="case.created",
            target=RuleTarget.OWNING_TEAM_MANAGERS,
        )
    rule = team_rule(world)
    with pytest.raises(PermissionDenied):
        alert_rule_update(actor=personas.spoc, rule=rule, expected_version=0, name="Nope")


def test_a_rule_names_a_team_only_when_telling_a_team_and_a_type_only_for_a_type_scope(
    personas, world
):
    rule = alert_rule_create(
        actor=world.admin,
        partnership=world.work.testshire,
        name="Managers",
        event="case.created",
        target=RuleTarget.OWNING_TEAM_MANAGERS,
        team=world.work.council_asb,
        case_type=world.work.case_type,
    )
    assert rule.team is None
    assert rule.case_type is None


def test_a_national_team_may_be_told(personas, world):
    home_office = OrganisationFactory(
        name="Immigration Test Office", kind=OrganisationKind.HOME_OFFICE, partnership=None
    )
    national = TeamFactory(organisation=home_office, name="Immigration Test Team")
    rule = team_rule(world, team=national)
    assert rule.team == national


def test_two_rules_cannot_share_a_name(personas, world):
    team_rule(world)
    with pytest.raises(ValidationError):
        team_rule(world, name="COUNCIL HEARS OF STAGE CHANGES")


# --- Seeds ------------------------------------------------------------------------------------


def test_the_seeds_add_the_standard_rules_once_and_leave_changes_alone(personas, world):
    testshire = world.work.testshire
    case_types_seed(testshire)
    home_office = OrganisationFactory(
        name="Immigration Test Office", kind=OrganisationKind.HOME_OFFICE, partnership=None
    )
    immigration = TeamFactory(organisation=home_office, name="Immigration Test Team")
    mash = TeamFactory(organisation=world.work.council_asb.organisation, name="Testshire MASH")
    added = alert_rules_seed(partnership=testshire)
    by_name = {rule.name: rule for rule in added}
    assert (
        by_name["Custody update on a foreign national: Immigration Test Team"].team == immigration
    )
    diary = by_name["Custody update on a foreign national: every team that sees the diary"]
    assert (diary.target, diary.condition_key, diary.condition_value) == (
        RuleTarget.TEAMS_THAT_CAN_SEE,
        "entry_type",
        "custody_update",
    )
    assert diary.case_type is not None
    assert diary.case_type.reference_prefix == "FNO"
    assert by_name["New MASH referral: Testshire MASH"].team == mash
    red = by_name["Case rated red: managers of the owning team"]
    assert (red.event, red.condition_value) == ("case.risk_changed", "red")

    alert_rule_update(actor=world.admin, rule=red, expected_version=0, is_active=False)
    assert alert_rules_seed(partnership=testshire) == []
    red.refresh_from_db()
    assert red.is_active is False


def test_the_seed_command_adds_the_rules_and_refuses_an_unknown_partnership(personas, world):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("seed_alert_rules", partnership="testshire", stdout=out)
    assert "Added 1 alert rules to testshire." in out.getvalue()  # no FNO or MASH type yet
    with pytest.raises(CommandError):
        call_command("seed_alert_rules", partnership="nowhere", stdout=StringIO())

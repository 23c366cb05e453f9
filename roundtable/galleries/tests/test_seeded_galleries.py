"""The seeded galleries: made once with valid forms and teams chosen by what they do; their
alert rules on the gallery scope, each side of the policy; the Families eligibility score."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from roundtable.casework.services.diary import diary_entry_create
from roundtable.customforms.models import FormDefinition, FormVersion
from roundtable.customforms.rendering import render_form
from roundtable.customforms.schema import fields_of, schema_problems
from roundtable.customforms.scoring import score
from roundtable.directory.models import Capability
from roundtable.directory.tests.factories import grant
from roundtable.galleries.guidance import guidance_for
from roundtable.galleries.models import Gallery, GalleryAccess
from roundtable.galleries.seeds import SPECS, galleries_seed
from roundtable.galleries.services.memberships import membership_add, membership_remove
from roundtable.galleries.tests.seed_helpers import foreign_national, seeded_world, shared
from roundtable.records.models import CaseType
from roundtable.records.services.case_type_seeds import case_types_seed
from roundtable.risk.tests.risk_helpers import partnership_of, person
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind
from roundtable.tasking.models import AlertEvent, AlertRule, Notification, RuleScope, RuleTarget
from roundtable.tasking.services.alerts import alert_rule_create, alert_rules_seed
from roundtable.tasking.tests.alert_helpers import delivered_to, run_alerts

pytestmark = pytest.mark.django_db


def published(gallery: Gallery) -> FormVersion:
    version = FormDefinition.objects.get(pk=gallery.form_id or 0).current_version
    assert version is not None, gallery.name
    return version


def test_every_gallery_is_seeded_once_with_a_valid_form_and_its_teams(personas):
    world = seeded_world(personas)
    assert set(world.galleries) == {spec.slug for spec in SPECS}
    for spec in SPECS:
        gallery = world.galleries[spec.slug]
        schema = published(gallery).schema
        assert schema_problems(schema, record_kind=RecordKind.PROFILE) == []
        assert [field["key"] for field in fields_of(schema)] == [
            field["key"] for field in spec.fields["fields"]
        ]
    foreign = world.foreign
    assert {team.name for team in foreign.managing_teams.all()} == {
        "Integrated Offender Management",
        "Immigration Compliance and Enforcement",
    }
    assert "Offender Management Unit" in {team.name for team in foreign.viewer_teams.all()}
    assert foreign.statuses == ["In custody", "In the community", "Removed from the UK"]
    assert world.galleries["dementia"].access == GalleryAccess.PARTNERSHIP
    assert world.galleries["cse"].section == "sensitive"
    assert {t.name for t in world.galleries["families"].managing_teams.all()} == {
        "Early Help and Supporting Families"
    }
    # Again: nothing added, through the service or the command (which also seeds the rules).
    partnership = partnership_of(personas.alice)
    assert galleries_seed(partnership) == []
    out = StringIO()
    call_command("seed_galleries", "testshire", stdout=out)
    assert "Added 0 galleries and 0 alert rules to testshire." in out.getvalue()
    assert Gallery.objects.filter(partnership=partnership).count() == len(SPECS)
    with pytest.raises(CommandError):
        call_command("seed_galleries", "nowhere", stdout=StringIO())


def test_a_partnership_without_the_teams_gets_only_the_galleries_it_can_manage(personas):
    # Testshire's own teams (ASB, IOM Team, council ASB) do none of the seeded work.
    assert galleries_seed(partnership_of(personas.alice)) == []


def test_each_seeded_form_renders_every_question_it_shows_at_first(personas):
    world = seeded_world(personas)
    viewer = policy.viewer_for_user(world.users["Integrated Offender Management"])
    for gallery in world.galleries.values():
        version = published(gallery)
        html = str(render_form(version, {}, {}, viewer))
        for field in fields_of(version.schema):
            if "show_when" not in field:
                assert field["label"].replace("'", "&#x27;") in html, field["key"]


def test_families_qualify_with_three_headlines_and_children_or_an_expected_baby(personas):
    world = seeded_world(personas)
    schema = published(world.galleries["families"]).schema
    three = ["education", "crime", "housing"]
    eligible = score(schema, {"family_with": "dependent_children", "headline_needs": three})
    assert eligible is not None
    assert (eligible.score, eligible.level) == (Decimal("103.00"), "Eligible")
    two = score(schema, {"family_with": "both", "headline_needs": three[:2]})
    assert two is not None and two.level == "Not eligible: fewer than 3 headline needs"
    childless = score(schema, {"family_with": "neither", "headline_needs": three})
    assert childless is not None
    assert childless.level == "Not eligible: no children or expectant parents"


def test_country_guidance_follows_the_country_of_origin_then_the_nationality():
    romanian = guidance_for("foreign-nationals", {"nationality": "RO"})
    assert romanian is not None and romanian.language == "Romanian"
    albanian = guidance_for("foreign-nationals", {"nationality": "RO", "country_of_origin": "AL"})
    assert albanian is not None and albanian.country_name == "Albania"
    french = guidance_for("foreign-nationals", {"nationality": "FR"})
    assert french is not None and "No country guidance" in french.guidance
    assert guidance_for("foreign-nationals", {}) is None
    assert guidance_for("families", {"nationality": "RO"}) is None


# --- alert rules on the gallery scope ---------------------------------------------------------


def test_adding_a_foreign_national_alerts_the_home_office_team_only_when_it_sees_them(personas):
    world = seeded_world(personas)
    home_office = world.users["Immigration Compliance and Enforcement"]
    rule = AlertRule.objects.get(event="gallery.member_added")
    assert (rule.scope, rule.gallery, rule.target) == (
        RuleScope.GALLERY,
        world.foreign,
        RuleTarget.TEAM,
    )
    # Refused side: the Home Office cannot see the person's offending section: no notice at all.
    hidden, _spell = foreign_national(world, "Oskar")
    run_alerts()
    assert AlertEvent.objects.get(event="gallery.member_added", record_id=hidden.pk).detail == {
        "gallery": "foreign-nationals"
    }
    assert delivered_to(home_office) == []
    assert not Notification.objects.filter(recipient=home_office).exists()
    # Allowed side: shared with the Home Office before it was added.
    owner = world.users["Integrated Offender Management"]
    someone = person(owner, "Ilan", "Abroad")
    immigration = world.teams["Immigration Compliance and Enforcement"]
    shared(world, owner, someone, immigration, ["offending"])
    spell = membership_add(
        actor=owner,
        team=world.teams["Integrated Offender Management"],
        gallery=world.foreign,
        profile=someone,
        added_on=date(2026, 1, 5),
        reason="Convicted; not a British citizen.",
        status="In custody",
    )
    run_alerts()
    [notice] = delivered_to(home_office)
    assert notice.rule == rule and notice.event.record_id == someone.pk
    assert "Added to a gallery (Foreign nationals)" in notice.title
    # Removal raises its own event; no seeded rule names it, so nobody is told.
    membership_remove(
        actor=owner,
        team=world.teams["Integrated Offender Management"],
        spell=spell,
        removed_on=date(2026, 2, 1),
        reason="Removed from the UK.",
        expected_version=spell.version,
    )
    run_alerts()
    removed = AlertEvent.objects.get(event="gallery.member_removed", record_id=someone.pk)
    assert removed.gallery == world.foreign and removed.section == "offending"
    assert len(delivered_to(home_office)) == 1


def test_a_gallery_rule_applies_to_its_members_only(personas):
    world = seeded_world(personas)
    owner = world.users["Integrated Offender Management"]
    partnership = partnership_of(personas.alice)
    rule = AlertRule.objects.get(name__endswith="every team that sees the diary")
    assert rule.scope == RuleScope.GALLERY and rule.gallery == world.foreign
    member, _spell = foreign_national(world, "Ilan")
    outsider = person(owner, "Oswin", "Featherby")
    prison = world.teams["Offender Management Unit"]
    for someone in (member, outsider):
        shared(world, owner, someone, prison, ["identity", "diary"])
    for someone in (member, outsider):
        diary_entry_create(
            actor=owner,
            team=world.teams["Integrated Offender Management"],
            record=someone,
            entry_type="custody_update",
            occurred_at=timezone.now(),
            body="Custody update: remanded (test).",
        )
    run_alerts()
    told = delivered_to(world.users["Offender Management Unit"])
    assert [notice.event.record_id for notice in told] == [member.pk]
    # A rule on the gallery scope must name an open gallery of the rule's own partnership.
    admin = world.users["Early Help and Supporting Families"]
    grant(admin, Capability.PARTNERSHIP_ADMIN)
    with pytest.raises(ValidationError) as refused:
        alert_rule_create(
            actor=admin,
            partnership=partnership,
            name="No gallery",
            event="gallery.member_added",
            target=RuleTarget.TEAMS_THAT_CAN_SEE,
            scope=RuleScope.GALLERY,
        )
    assert "gallery" in refused.value.message_dict
    made = alert_rule_create(
        actor=admin,
        partnership=partnership,
        name="Families: new members",
        event="gallery.member_added",
        target=RuleTarget.TEAMS_THAT_CAN_SEE,
        scope=RuleScope.GALLERY,
        gallery=world.galleries["families"],
        case_type=CaseType.objects.filter(partnership=partnership).first(),
    )
    assert made.gallery == world.galleries["families"] and made.case_type is None


def test_the_seeded_case_type_custody_rules_move_onto_the_gallery(personas):
    partnership = partnership_of(personas.alice)
    case_types_seed(partnership)
    alert_rules_seed(partnership=partnership)
    before = AlertRule.objects.get(name__endswith="every team that sees the diary")
    assert before.scope == RuleScope.CASE_TYPE
    seeded_world(personas)  # seeds the galleries, then the rules again
    moved = AlertRule.objects.get(pk=before.pk)
    assert moved.gallery is not None
    assert (moved.scope, moved.case_type, moved.gallery.slug) == (
        RuleScope.GALLERY,
        None,
        "foreign-nationals",
    )

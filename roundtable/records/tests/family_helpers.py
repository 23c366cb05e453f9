"""A small invented family for the family view tests, made through the real services.

Alice's ASB team (Testshire Police) owns the person at the centre, their partner and the
partner's child (a step-child of the centre). The council (Carol's team) owns the centre's
child, a sibling it has made hidden (a protected witness) and an associate, who is no family.
One open case of Alice's team has the child in it; one open case of the council's has the
partner; a closed case of Alice's team has the step-child. All names are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roundtable.directory.models import Team, User
from roundtable.records.models import Case, CaseType, MemberRole, Profile, RelationshipKind
from roundtable.records.services import cases as case_services
from roundtable.records.services import profiles as profile_services
from roundtable.records.tests.case_helpers import team_of
from roundtable.sharing import policy
from roundtable.sharing.models import SharingAgreement, Visibility
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import agreement_between, case_type_for, profile_for

K = RelationshipKind


@dataclass
class Family:
    asb: Team
    council: Team
    agreement: SharingAgreement
    case_type: CaseType
    family_type: CaseType
    centre: Profile
    partner: Profile
    stepchild: Profile
    child: Profile
    hidden_sibling: Profile
    associate: Profile
    asb_case: Case
    council_case: Case
    closed_case: Case


def relate(owner: User, team: Team, profile: Profile, other: Profile, kind: str) -> None:
    profile_services.relationship_add(
        actor=owner,
        viewer=policy.viewer_for_user(owner, team),
        profile=profile,
        other_code=other.code,
        kind=kind,
    )


def open_with(
    user: User, team: Team, case_type: CaseType, people: list[tuple[Profile, str]]
) -> Case:
    case = case_services.case_create(
        actor=user, team=team, case_type=case_type, title="Family support, Test Street"
    )
    viewer = policy.viewer_for_user(user, team)
    for profile, role in people:
        case_services.case_member_add(
            actor=user, viewer=viewer, case=case, profile=profile, role=role
        )
    return case


def family(personas: Any) -> Family:
    alice, carol = personas.alice, personas.carol
    asb, council = team_of(alice), team_of(carol)
    partnership = asb.organisation.partnership
    agreement = agreement_between(asb.organisation, council.organisation)
    case_type = case_type_for(partnership)
    family_type = case_type_for(
        partnership, name="Supporting families", prefix="SF", is_family=True
    )
    centre = profile_for(alice, asb, given_name="Robin", family_name="Centreham")
    partner = profile_for(alice, asb, given_name="Sasha", family_name="Partnerton")
    stepchild = profile_for(alice, asb, given_name="Tyler", family_name="Partnerton")
    child = profile_for(carol, council, given_name="Casey", family_name="Centreham")
    sibling = profile_for(carol, council, given_name="Morgan", family_name="Hiddensib")
    associate = profile_for(carol, council, given_name="Avery", family_name="Associatus")
    relate(alice, asb, centre, partner, K.PARTNER)
    relate(alice, asb, partner, stepchild, K.PARENT_OF)
    relate(alice, asb, centre, child, K.PARENT_OF)
    relate(carol, council, sibling, centre, K.SIBLING)
    relate(carol, council, associate, centre, K.ASSOCIATE)
    record_set_visibility(
        actor=carol,
        record=sibling,
        visibility=Visibility.HIDDEN,
        expected_version=Profile.objects.get(pk=sibling.pk).version,
        reason="Protected witness (test)",
    )
    asb_case = open_with(alice, asb, case_type, [(child, MemberRole.VICTIM)])
    council_case = open_with(carol, council, case_type, [(partner, MemberRole.PERPETRATOR)])
    closed_case = open_with(alice, asb, case_type, [(stepchild, MemberRole.WITNESS)])
    case_services.case_close(
        actor=alice, case=closed_case, outcome="Resolved", expected_version=closed_case.version
    )
    return Family(
        asb=asb,
        council=council,
        agreement=agreement,
        case_type=case_type,
        family_type=family_type,
        centre=Profile.objects.get(pk=centre.pk),
        partner=Profile.objects.get(pk=partner.pk),
        stepchild=stepchild,
        child=child,
        hidden_sibling=sibling,
        associate=associate,
        asb_case=asb_case,
        council_case=council_case,
        closed_case=closed_case,
    )


def share_family_with_council(personas: Any, world: Family) -> None:
    """Alice shares the centre's identity and relationships with the council's ASB team."""
    grant_create(
        actor=personas.alice,
        record=world.centre,
        agreement=world.agreement,
        sections=["identity", "relationships"],
        team=world.council,
        reason="Joint family work (test)",
    )

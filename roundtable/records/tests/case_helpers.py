"""Shared setup for the case, case type, premises, group and "my cases" tests. All invented.

``Casework`` gathers the personas' teams and a Testshire ASB case type whose cases colleagues in
the owning organisation see at summary, and which the council's ASB team receives by default at
summary and members under an agreement between the police and the council.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from django.test import Client

from roundtable.directory.models import Partnership, Team, User
from roundtable.records.models import Case, CaseType, CaseTypeShareDefault, Profile
from roundtable.records.services import cases as case_services
from roundtable.sharing import policy
from roundtable.sharing.models import SharingAgreement, Visibility
from roundtable.sharing.sections import Section, to_mask
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.factories import agreement_between, case_type_for, profile_for

SECTION_MARK = re.compile(r'data-section="([a-z]+)"')
WITHHELD_MARK = re.compile(r'data-withheld="([a-z]+)"')

ASB_SCHEMA: list[dict[str, Any]] = [
    {"key": "incident_count", "label": "Number of incidents", "type": "number", "required": True},
    {"key": "hate_motivated", "label": "Hate motivated", "type": "yes_no"},
    {"key": "first_report", "label": "First reported", "type": "date"},
    {
        "key": "risk_matrix",
        "label": "Risk matrix",
        "type": "choice",
        "choices": ["Standard", "Medium", "High"],
    },
    {"key": "location", "label": "Location", "type": "text"},
]


@dataclass
class Casework:
    testshire: Partnership
    asb: Team
    iom: Team
    council_asb: Team
    far_team: Team
    case_type: CaseType
    agreement: SharingAgreement
    default: CaseTypeShareDefault


def team_of(user: User) -> Team:
    return user.memberships.select_related("team__organisation").get().team


def casework(personas: Any) -> Casework:
    """The teams, an ASB case type and its default share to the council ASB team."""
    asb = team_of(personas.alice)
    council_asb = team_of(personas.carol)
    testshire = asb.organisation.partnership
    assert testshire is not None
    case_type = case_type_for(
        testshire,
        stages=["Report received", "Risk assessment", "Formal warning", "Closed"],
        organisation_sections=to_mask([Section.SUMMARY]),
        review_interval_days=28,
        field_schema=ASB_SCHEMA,
    )
    agreement = agreement_between(asb.organisation, council_asb.organisation)
    default = CaseTypeShareDefault.objects.create(
        case_type=case_type,
        agreement=agreement,
        team=council_asb,
        sections=to_mask([Section.SUMMARY, Section.MEMBERS]),
    )
    return Casework(
        testshire=testshire,
        asb=asb,
        iom=team_of(personas.bob),
        council_asb=council_asb,
        far_team=team_of(personas.dave),
        case_type=case_type,
        agreement=agreement,
        default=default,
    )


def open_case(user: User, team: Team, case_type: CaseType, **fields: Any) -> Case:
    values: dict[str, Any] = {
        "title": "Noise and threats, Test Street",
        "fields": {"incident_count": 3},
    }
    values.update(fields)
    return case_services.case_create(actor=user, team=team, case_type=case_type, **values)


def hidden_profile(owner: User, team: Team) -> Profile:
    """A protected witness: hidden from everyone outside its owning team and grants."""
    profile = profile_for(owner, team, given_name="Morgan", family_name="Hiddenwitness")
    record_set_visibility(
        actor=owner,
        record=profile,
        visibility=Visibility.HIDDEN,
        expected_version=profile.version,
        reason="Protected witness (test)",
    )
    return profile


def sections_of(user: User, record: Any) -> frozenset[Section]:
    """What the policy lets the user (acting as their only team) see of the record."""
    return policy.sections(policy.viewer_for_user(user), cast(policy.Record, record))


def sections_rendered(html: str) -> set[str]:
    return set(SECTION_MARK.findall(html))


def sections_withheld(html: str) -> set[str]:
    return set(WITHHELD_MARK.findall(html))


def page(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()

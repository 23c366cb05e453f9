"""The profile page for every kind of viewer: exact status, exactly the sections rendered."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.identifiers import nhs_check_digit
from roundtable.records.services import profiles as services
from roundtable.records.tests.profile_helpers import team_of
from roundtable.sharing import policy
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import agreement_between, profile_for

EVERY_SECTION = [
    "identity",
    "contact",
    "sensitive",
    "warnings",
    "relationships",
    "diary",
    "documents",
    "risk",
    "offending",
]


def rendered_sections(response) -> list[str]:
    return re.findall(r'data-section="([a-z]+)"', response.content.decode())


def withheld_sections(response) -> list[str]:
    return re.findall(r'data-withheld="([a-z]+)"', response.content.decode())


def nhs_number(seed: int) -> str:
    """A valid NHS number made from a seed (the first one whose check digit exists)."""
    for start in range(seed * 1000, seed * 1000 + 1000):
        first_nine = f"{start:09d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)
    raise AssertionError("no valid NHS number near the seed")


def fill(profile, personas, *, many: int = 1, nhs: str = "9434765919") -> None:
    """Details in every section, ``many`` of each kind that is a list."""
    alice, team = personas.alice, team_of(personas.alice)
    for number in range(many):
        services.alias_add(actor=alice, profile=profile, family_name=f"Aliasname{number}")
        services.address_add(
            actor=alice,
            profile=profile,
            line1=f"{number + 1} Test Street",
            postcode="TT1 1TT",
            from_date=timezone.localdate() - timedelta(days=1000 - number),
        )
        services.contact_add(
            actor=alice, profile=profile, kind="phone", value=f"0770090{number:04d}"
        )
        services.vehicle_add(actor=alice, profile=profile, registration=f"AB{number % 90 + 10}ABC")
        services.warning_add(
            actor=alice,
            team=team,
            profile=profile,
            kind="violence",
            review_date=timezone.localdate() + timedelta(days=30),
        )
        other = profile_for(alice, team, given_name=f"Relative{number}")
        services.relationship_add(
            actor=alice,
            viewer=policy.viewer_for_user(alice),
            profile=profile,
            other_code=other.code,
            kind="sibling",
        )
    services.identifier_add(actor=alice, profile=profile, kind="nhs", value=nhs)
    profile.refresh_from_db()
    services.sensitive_update(
        actor=alice,
        profile=profile,
        expected_version=profile.version,
        health_notes="Asthma (test note)",
    )


@pytest.fixture
def jordan(personas):
    profile = profile_for(personas.alice, team_of(personas.alice))
    fill(profile, personas)
    return profile


def url(profile) -> str:
    return reverse("records:profile_detail", kwargs={"code": profile.code})


def test_the_owner_sees_every_section_and_nothing_withheld(personas, client_for, jordan):
    response = client_for(personas.alice).get(url(jordan))
    assert response.status_code == 200
    assert rendered_sections(response) == EVERY_SECTION
    assert withheld_sections(response) == []
    body = response.content.decode()
    assert "07700900000" in body and "Asthma (test note)" in body and "9434765919" in body
    assert "Add a warning marker" in body


def test_a_colleague_sees_identity_and_warnings_and_is_told_the_rest_is_withheld(
    personas, client_for, jordan
):
    response = client_for(personas.bob).get(url(jordan))
    assert response.status_code == 200
    assert rendered_sections(response) == ["identity", "warnings"]
    assert withheld_sections(response) == [
        s for s in EVERY_SECTION if s not in ("identity", "warnings")
    ]
    body = response.content.decode()
    assert "ASB Team, Testshire Police" in body
    assert "07700900000" not in body and "Asthma" not in body and "Relative0" not in body
    assert "Add a warning marker" not in body


def test_a_partner_with_a_grant_sees_exactly_the_granted_sections(personas, client_for, jordan):
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=team_of(personas.carol),
        sections=[Section.IDENTITY, Section.CONTACT],
    )
    response = client_for(personas.carol).get(url(jordan))
    assert response.status_code == 200
    assert rendered_sections(response) == ["identity", "contact"]
    assert withheld_sections(response) == [
        s for s in EVERY_SECTION if s not in ("identity", "contact")
    ]
    body = response.content.decode()
    assert "07700900000" in body
    assert "Asthma" not in body and "Violence" not in body


def test_a_partner_without_a_grant_gets_the_signpost_page(personas, client_for, jordan):
    response = client_for(personas.carol).get(url(jordan))
    assert response.status_code == 200
    assert rendered_sections(response) == []
    body = response.content.decode()
    assert "Jordan TESTPERSON" in body and "1 April 1990" in body
    assert re.findall(r"<li>([^<]+)</li>", body.split('data-testid="agencies-involved"')[1])[
        :1
    ] == ["Testshire Police"]
    assert 'data-testid="request-access"' in body
    assert "9434765919" not in body and "07700900000" not in body and "Aliasname0" not in body


def test_someone_in_another_partnership_gets_the_signpost_naming_every_agency_involved(
    personas, client_for, jordan
):
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=team_of(personas.carol),
        sections=[Section.IDENTITY],
    )
    response = client_for(personas.dave).get(url(jordan))
    assert response.status_code == 200
    assert rendered_sections(response) == []
    agencies = (
        response.content.decode().split('data-testid="agencies-involved"')[1].split("</ul>")[0]
    )
    assert re.findall(r"<li>([^<]+)</li>", agencies) == [
        "Testshire Police",
        "Testshire District Council",
    ]
    assert "Council ASB Team" not in agencies


def hide(profile, personas):
    record_set_visibility(
        actor=personas.alice,
        record=profile,
        visibility=Visibility.HIDDEN,
        expected_version=profile.version,
        reason="Protected witness (test)",
    )


@pytest.mark.parametrize("outsider", ["bob", "carol", "dave"])
def test_a_hidden_profile_is_404_for_outsiders(personas, client_for, jordan, outsider):
    jordan.refresh_from_db()
    hide(jordan, personas)
    response = client_for(getattr(personas, outsider)).get(url(jordan))
    assert response.status_code == 404
    missing = client_for(getattr(personas, outsider)).get(
        reverse("records:profile_detail", kwargs={"code": "00000000-0000-0000-0000-000000000000"})
    )
    assert missing.status_code == 404


def test_a_hidden_profile_is_whole_for_its_owner(personas, client_for, jordan):
    jordan.refresh_from_db()
    hide(jordan, personas)
    response = client_for(personas.alice).get(url(jordan))
    assert response.status_code == 200
    assert rendered_sections(response) == EVERY_SECTION


def test_signing_in_is_needed(client, jordan):
    response = client.get(url(jordan))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_each_view_is_audited_with_the_sections_shown(personas, client_for, jordan):
    client_for(personas.bob).get(url(jordan))
    client_for(personas.carol).get(url(jordan))
    views = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(jordan.code)).order_by("id")
    assert [(e.actor_id, e.sections, e.detail["signpost_only"]) for e in views] == [
        (personas.bob.pk, ["identity", "warnings"], False),
        (personas.carol.pk, [], True),
    ]


def test_relationships_show_the_inverse_kind_on_the_other_persons_page(personas, client_for):
    alice, team = personas.alice, team_of(personas.alice)
    parent = profile_for(alice, team, given_name="Parentname")
    child = profile_for(alice, team, given_name="Childname")
    services.relationship_add(
        actor=alice,
        viewer=policy.viewer_for_user(alice),
        profile=parent,
        other_code=child.code,
        kind="parent_of",
    )
    client = client_for(alice)
    assert "Parent of\n    <a" in client.get(url(parent)).content.decode()
    child_page = client.get(url(child)).content.decode()
    assert "Child of" in child_page and "Parentname" in child_page


def test_a_related_person_the_viewer_cannot_see_is_not_named(personas, client_for):
    alice, team = personas.alice, team_of(personas.alice)
    jordan = profile_for(alice, team)
    secret = profile_for(alice, team, given_name="Secretname")
    services.relationship_add(
        actor=alice,
        viewer=policy.viewer_for_user(alice),
        profile=jordan,
        other_code=secret.code,
        kind="associate",
    )
    hide(secret, personas)
    agreement = agreement_between(alice.organisation, personas.carol.organisation)
    grant_create(
        actor=alice,
        record=jordan,
        agreement=agreement,
        team=team_of(personas.carol),
        sections=[Section.RELATIONSHIPS],
    )
    body = client_for(personas.carol).get(url(jordan)).content.decode()
    assert "a person whose record you cannot see" in body
    assert "Secretname" not in body


def count_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_the_profile_page_costs_the_same_queries_however_much_is_recorded(
    personas, client_for, django_assert_max_num_queries, persona
):
    client = client_for(getattr(personas, persona))
    small = profile_for(personas.alice, team_of(personas.alice), given_name="Small")
    fill(small, personas, many=1, nhs=nhs_number(1))
    large = profile_for(personas.alice, team_of(personas.alice), given_name="Large")
    fill(large, personas, many=25, nhs=nhs_number(2))
    client.get(url(small))  # warm the session and acting-team lookups once
    assert count_queries(client, url(large)) == count_queries(client, url(small))
    # The page itself, the watch button (tasking), the shell's one query for the header's
    # counts, the navigation's capabilities and case-review check, and the Galleries card (the
    # person's spells, the galleries the team may open).
    with django_assert_max_num_queries(18):
        client.get(url(large))


def test_a_hidden_profile_shared_without_identity_does_not_name_the_person(
    personas, client_for, jordan
):
    jordan.refresh_from_db()
    hide(jordan, personas)
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=team_of(personas.carol),
        sections=[Section.WARNINGS],
    )
    response = client_for(personas.carol).get(url(jordan))
    assert response.status_code == 200
    assert rendered_sections(response) == ["warnings"]
    body = response.content.decode()
    assert "Jordan" not in body and "TESTPERSON" not in body
    assert "A person (identity withheld)" in body


def test_the_address_history_is_listed_newest_first(personas, client_for, jordan):
    from datetime import date

    for line, started in (("1 Old Street", date(2024, 6, 1)), ("2 New Road", date(2025, 7, 1))):
        services.address_add(
            actor=personas.alice,
            profile=jordan,
            line1=line,
            postcode="TT1 1TT",
            from_date=started,
        )
    page = client_for(personas.alice).get(url(jordan))
    listed = page.context["page"].addresses
    assert [a.line1 for a in listed[:2]] == ["2 New Road", "1 Old Street"]
    assert [a.from_date for a in listed] == sorted((a.from_date for a in listed), reverse=True)
    html = page.content.decode()
    assert html.index("2 New Road") < html.index("1 Old Street")

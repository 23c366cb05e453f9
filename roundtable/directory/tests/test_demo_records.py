"""Demo records: Fenshire's agreements, default shares, people, places and cases.

The demo must look like a working partnership to every persona, be the same for the same seed,
add nothing on a second run, and keep the access table exactly as the services would.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from conftest import signed_in_client
from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import DiaryEntry
from roundtable.directory.demo import cast, data
from roundtable.directory.demo.builder import demo_partnership_load
from roundtable.directory.demo.casework import demo_casework_load
from roundtable.directory.demo.families import HOUSEHOLDS
from roundtable.directory.demo.records import demo_records_load
from roundtable.directory.models import Membership, User
from roundtable.records.models import Case, CaseType, CaseTypeShareDefault, Group, Premises, Profile
from roundtable.records.selectors.cases import cases_for_viewer
from roundtable.sharing import policy
from roundtable.sharing.access import actual_rows, expected_rows
from roundtable.sharing.models import AccessEntry, ShareGrant, SharingAgreement

pytestmark = pytest.mark.django_db

PROFILES = 600
# Personas who work cases day to day: each must find cases in their list.
CASEWORKERS = (
    "practitioner",
    "manager",
    "council",
    "housing",
    "probation",
    "prison",
    "immigration",
)


def load(profiles: int = PROFILES, seed: int = 1) -> dict[str, Any]:
    demo_partnership_load(seed=seed)
    return demo_records_load(seed=seed, profiles=profiles)


def persona(key: str) -> User:
    spec = next(p for p in data.PERSONAS if p.key == key)
    return User.objects.get(email=spec.email)


def viewer_of(user: User) -> policy.Viewer:
    membership = Membership.objects.select_related("team__organisation").get(user=user)
    return policy.viewer_for_user(user, membership.team, membership.role)


def counts() -> dict[str, int]:
    models = (
        Profile,
        Case,
        Premises,
        Group,
        ShareGrant,
        AccessEntry,
        SharingAgreement,
        CaseType,
        CaseTypeShareDefault,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_it_adds_people_places_cases_and_shares_in_proportion():
    result = load()
    assert result["skipped"] is False
    assert Profile.objects.count() == PROFILES
    assert Case.objects.count() == PROFILES * 3 // 10
    assert ShareGrant.objects.count() > PROFILES
    assert Premises.objects.exists() and Group.objects.exists()
    references = set(SharingAgreement.objects.values_list("reference", flat=True))
    assert {"FEN-ISA-CS", "FEN-ISA-MASH", "FEN-ISA-IOM", "FEN-WES-ISA"} <= references
    assert CaseType.objects.filter(partnership__short_name="fenshire").count() == 16
    assert CaseTypeShareDefault.objects.count() == 13


def test_a_second_run_adds_nothing():
    load()
    before = counts()
    again = demo_records_load(seed=1, profiles=PROFILES)
    assert again["skipped"] is True
    assert again["created"] == {"case_types": 0, "default_shares": 0}
    assert counts() == before
    imports = AuditEvent.objects.filter(action=Action.IMPORT, detail__source="demo_records")
    assert imports.count() == 1


class _RollbackError(Exception):
    pass


def _fingerprint(seed: int) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    try:
        with transaction.atomic():
            load(profiles=200, seed=seed)
            found = list(
                Profile.objects.order_by("code").values_list(
                    "code", "given_name", "family_name", "date_of_birth", "owning_team__name"
                )
            )
            found += list(Case.objects.order_by("code").values_list("code", "title", "stage"))
            raise _RollbackError
    except _RollbackError:
        pass
    return found


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    first = _fingerprint(4)
    assert first
    assert _fingerprint(4) == first
    assert _fingerprint(9) != first


def test_the_access_table_is_what_the_services_would_write_for_every_record():
    load(profiles=300)
    for model in (Profile, Case, Premises, Group):
        for record in model.objects.all():
            expected = expected_rows(
                kind=int(model.record_kind),
                record_id=record.pk,
                team_id=record.owning_team_id,
                organisation_id=record.owning_organisation_id,
                organisation_sections=record.organisation_sections(),
                visibility=record.visibility,
                defaults=record.agreement_defaults(),
            )
            assert actual_rows(kind=int(model.record_kind), record_id=record.pk) == expected


@pytest.mark.parametrize("key", CASEWORKERS)
def test_each_caseworker_persona_has_cases_in_their_list(key):
    load()
    page = cases_for_viewer(viewer_of(persona(key)), limit=25)
    assert len(page.rows) >= 3, key


def test_the_police_practitioner_sees_a_full_my_cases_page_and_finds_their_people():
    load()
    jess = persona("practitioner")
    client = signed_in_client(jess)
    response = client.get(reverse("records:my_cases"))
    assert response.status_code == 200
    listed = [row.case.reference for row in cases_for_viewer(viewer_of(jess), limit=25).rows]
    assert listed[0] in response.content.decode()
    team = Membership.objects.get(user=jess).team
    person = Profile.objects.filter(owning_team=team, visibility="normal").order_by("pk").first()
    assert person is not None and person.date_of_birth is not None
    born = person.date_of_birth
    found = client.post(
        reverse("records:search"),
        {
            "family_name": person.family_name,
            "dob_day": born.day,
            "dob_month": born.month,
            "dob_year": born.year,
            "scope": "anywhere",
        },
    )
    assert found.status_code == 200
    assert person.get_absolute_url() in found.content.decode()


def test_the_command_loads_records_and_casework_with_the_profiles_asked_for(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    out = StringIO()
    call_command("demo_partnership", seed=1, profiles=120, stdout=out)
    # The casework's showcase and the households of the family view add their own few people
    # through the services.
    relatives = sum(len(members) for _, _, members in HOUSEHOLDS)
    assert Profile.objects.count() == 120 + len(cast.PEOPLE) + relatives
    assert "Demo records added" in out.getvalue()
    assert "Demo casework added" in out.getvalue()
    again = StringIO()
    call_command("demo_partnership", seed=1, profiles=120, stdout=again)
    assert Profile.objects.count() == 120 + len(cast.PEOPLE) + relatives
    assert "Demo records were already loaded" in again.getvalue()
    assert "Demo casework was already loaded" in again.getvalue()


def test_the_casework_waits_for_the_records():
    demo_partnership_load(seed=1)
    assert demo_casework_load(seed=1)["skipped"] is True
    assert not DiaryEntry.objects.exists()


@override_settings(ENVIRONMENT="production")
def test_refuses_to_run_in_production_and_writes_nothing():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ROUNDTABLE_ENV is production"):
        demo_records_load(seed=1, profiles=10)
    assert not Profile.objects.exists()

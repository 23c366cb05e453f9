"""Agreements: who manages them, their rules, and what ending or narrowing one does to shares."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import CaseTypeShareDefault
from roundtable.sharing import policy
from roundtable.sharing.models import AgreementParty, SharingAgreement
from roundtable.sharing.sections import RecordKind, Section, to_mask
from roundtable.sharing.services import grant_create
from roundtable.sharing.services.agreements import (
    PartyTerms,
    agreement_create,
    agreement_end,
    agreement_parties,
    agreement_update,
    agreements_lapse_ended,
)
from roundtable.sharing.tests.conftest import assert_access_table_is_exact
from roundtable.sharing.tests.factories import agreement_between, case_for, case_type_for

TODAY = "{:%d/%m/%Y}"


def form_data(world, **changes):
    police, council = world.alice_team.organisation, world.carol_team.organisation
    data = {
        "title": "Testshire ASB information sharing",
        "reference": "ISA-ASB-2026",
        "purposes": "Reducing anti-social behaviour (test)",
        "lawful_basis": "cda_1998_s115",
        "record_kinds": [str(RecordKind.PROFILE), str(RecordKind.CASE)],
        "starts_on": TODAY.format(timezone.localdate() - timedelta(days=1)),
        "ends_on": "",
        "dpia_reference": "DPIA-7",
        "parties-TOTAL_FORMS": "3",
        "parties-INITIAL_FORMS": "0",
        "parties-0-organisation": str(police.pk),
        "parties-0-max_sections": ["identity", "warnings", "summary"],
        "parties-1-organisation": str(council.pk),
        "parties-1-max_sections": ["identity"],
        "parties-2-organisation": "",
    }
    data.update(changes)
    return data


def carol_sees(personas, record):
    return policy.sections(policy.viewer_for_user(personas.carol), record)


def share_with_carol(personas, world, agreement=None, sections=(Section.IDENTITY,)):
    return grant_create(
        actor=personas.alice,
        record=world.jordan,
        agreement=agreement or world.agreement,
        team=world.carol_team,
        sections=list(sections),
    )


def test_partnership_admin_records_an_agreement_with_its_parties(personas, world, client_for):
    client = client_for(world.partnership_admin)
    assert client.get(reverse("sharing:agreement_new")).status_code == 200
    response = client.post(reverse("sharing:agreement_new"), form_data(world))
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get(reference="ISA-ASB-2026")
    assert agreement.partnership == world.alice_team.organisation.partnership
    parties = {p.organisation.name: p.max_sections for p in agreement_parties(agreement)}
    assert parties == {
        "Testshire Police": to_mask(["identity", "warnings", "summary"]),
        "Testshire District Council": to_mask(["identity"]),
    }
    assert AuditEvent.objects.filter(action=Action.CREATE, target_id=str(agreement.code)).exists()
    detail = client.get(reverse("sharing:agreement_detail", kwargs={"code": agreement.code}))
    assert b"DPIA-7" in detail.content


def test_end_date_before_start_is_a_field_error_and_writes_nothing(personas, world, client_for):
    data = form_data(world, starts_on="10/3/2026", ends_on="9/3/2026")
    response = client_for(world.partnership_admin).post(reverse("sharing:agreement_new"), data)
    assert response.status_code == 200
    assert b"The end date must be after the start date" in response.content
    assert not SharingAgreement.objects.filter(reference="ISA-ASB-2026").exists()


def test_one_party_or_a_party_without_sections_is_refused(personas, world, client_for):
    client = client_for(world.partnership_admin)
    alone = client.post(
        reverse("sharing:agreement_new"), form_data(world, **{"parties-1-organisation": ""})
    )
    assert b"Select the organisation these sections are for" in alone.content
    alone = client.post(
        reverse("sharing:agreement_new"),
        form_data(world, **{"parties-1-organisation": "", "parties-1-max_sections": []}),
    )
    assert b"Name at least two different organisations" in alone.content
    assert not SharingAgreement.objects.filter(reference="ISA-ASB-2026").exists()


@pytest.mark.parametrize("who", ["alice", "spoc", "audrey"])
def test_people_without_the_partnership_admin_capability_are_refused(
    personas, world, client_for, who
):
    client = client_for(getattr(personas, who))
    assert client.get(reverse("sharing:agreement_list")).status_code == 403
    assert client.post(reverse("sharing:agreement_new"), form_data(world)).status_code == 403
    assert not SharingAgreement.objects.filter(reference="ISA-ASB-2026").exists()


def test_partnership_admin_cannot_bind_another_partnerships_organisation(personas, world):
    with pytest.raises(ValidationError, match="Every party must belong to this partnership"):
        agreement_create(
            actor=world.partnership_admin,
            partnership=world.alice_team.organisation.partnership,
            parties=[
                PartyTerms(world.alice_team.organisation, to_mask(["identity"])),
                PartyTerms(world.far_team.organisation, to_mask(["identity"])),
            ],
            title="t",
            reference="ISA-X",
            purposes="p",
            lawful_basis="cda_1998_s115",
            record_kinds=[RecordKind.PROFILE],
            starts_on=timezone.localdate(),
            ends_on=None,
            dpia_reference="",
        )


def test_cross_partnership_agreements_are_for_system_administrators(personas, world):
    values: dict[str, Any] = {
        "parties": [
            PartyTerms(world.alice_team.organisation, to_mask(["identity"])),
            PartyTerms(world.far_team.organisation, to_mask(["identity"])),
        ],
        "title": "Cross-border",
        "reference": "ISA-CROSS",
        "purposes": "p",
        "lawful_basis": "cda_1998_s115",
        "record_kinds": [RecordKind.PROFILE],
        "starts_on": timezone.localdate(),
        "ends_on": None,
        "dpia_reference": "",
    }
    with pytest.raises(PermissionDenied):
        agreement_create(actor=world.partnership_admin, partnership=None, **values)
    agreement = agreement_create(actor=personas.sysadmin, partnership=None, **values)
    assert agreement.partnership is None
    assert AgreementParty.objects.filter(agreement=agreement).count() == 2


def test_partnership_admin_of_another_partnership_gets_404_on_the_agreement(
    personas, world, client_for
):
    from roundtable.directory.models import Capability
    from roundtable.directory.tests.factories import grant

    grant(personas.dave, Capability.PARTNERSHIP_ADMIN)
    url = reverse("sharing:agreement_detail", kwargs={"code": world.agreement.code})
    assert client_for(personas.dave).get(url).status_code == 404
    assert client_for(world.partnership_admin).get(url).status_code == 200


def test_stale_agreement_edit_is_refused_and_changes_nothing(personas, world, client_for):
    url = reverse("sharing:agreement_edit", kwargs={"code": world.agreement.code})
    data = form_data(
        world,
        reference=world.agreement.reference,
        version=str(world.agreement.version + 1),
    )
    response = client_for(world.partnership_admin).post(url, data)
    assert b"Someone else changed this agreement" in response.content
    world.agreement.refresh_from_db()
    assert world.agreement.title.startswith("Test agreement")


def test_ending_an_agreement_lapses_its_shares_and_stops_new_ones(personas, world, client_for):
    world.agreement.starts_on = timezone.localdate() - timedelta(days=30)
    world.agreement.save()
    share_with_carol(personas, world)
    assert carol_sees(personas, world.jordan) == {Section.IDENTITY}

    url = reverse("sharing:agreement_end", kwargs={"code": world.agreement.code})
    client = client_for(world.partnership_admin)
    assert b"Enter reason for ending" in client.post(url, {"version": "0", "reason": ""}).content
    response = client.post(url, {"version": str(world.agreement.version), "reason": "Replaced"})
    assert response.status_code == 302

    assert carol_sees(personas, world.jordan) == frozenset()
    lapse = AuditEvent.objects.get(action=Action.UNSHARE)
    assert "ended: Replaced" in lapse.justification
    assert lapse.detail["lapsed"] == "agreement"
    assert_access_table_is_exact(world.jordan)
    world.agreement.refresh_from_db()
    with pytest.raises(ValidationError, match="is not in force today"):
        share_with_carol(personas, world)


def test_an_agreement_that_started_today_cannot_be_ended_today(personas, world):
    world.agreement.starts_on = timezone.localdate()
    world.agreement.save()
    with pytest.raises(ValidationError, match="cannot be ended today"):
        agreement_end(
            actor=world.partnership_admin,
            agreement=world.agreement,
            expected_version=world.agreement.version,
            reason="x",
        )


def test_narrowing_a_party_lapses_the_shares_it_no_longer_allows(personas, world):
    diary = share_with_carol(personas, world, sections=[Section.DIARY])
    identity = share_with_carol(personas, world, sections=[Section.IDENTITY])
    police, council = world.alice_team.organisation, world.carol_team.organisation
    agreement_update(
        actor=world.partnership_admin,
        agreement=world.agreement,
        expected_version=world.agreement.version,
        parties=[
            PartyTerms(police, to_mask(["identity"])),
            PartyTerms(council, to_mask(["identity"])),
        ],
        title=world.agreement.title,
        reference=world.agreement.reference,
        purposes=world.agreement.purposes,
        lawful_basis=world.agreement.lawful_basis,
        record_kinds=world.agreement.record_kinds,
        starts_on=world.agreement.starts_on,
        ends_on=None,
        dpia_reference="",
    )
    diary.refresh_from_db()
    identity.refresh_from_db()
    assert diary.revoked_at is not None
    assert identity.revoked_at is None
    assert carol_sees(personas, world.jordan) == {Section.IDENTITY}
    assert_access_table_is_exact(world.jordan)


def test_shares_lapse_when_the_agreement_reaches_its_end_date(personas, world):
    world.agreement.ends_on = timezone.localdate() + timedelta(days=5)
    world.agreement.save()
    share_with_carol(personas, world)
    with time_machine.travel(timezone.now() + timedelta(days=7)):
        assert agreements_lapse_ended() == 1
        assert carol_sees(personas, world.jordan) == frozenset()
        assert_access_table_is_exact(world.jordan)
        assert agreements_lapse_ended() == 0


def test_ending_an_agreement_removes_the_case_type_defaults_it_gave(personas, world):
    world.agreement.starts_on = timezone.localdate() - timedelta(days=30)
    world.agreement.save()
    case_type = case_type_for(world.alice_team.organisation.partnership)
    CaseTypeShareDefault.objects.create(
        case_type=case_type,
        agreement=world.agreement,
        team=world.carol_team,
        sections=to_mask([Section.SUMMARY]),
    )
    case = case_for(personas.alice, world.alice_team, case_type)
    assert carol_sees(personas, case) == {Section.SUMMARY}
    agreement_end(
        actor=world.partnership_admin,
        agreement=world.agreement,
        expected_version=world.agreement.version,
        reason="Replaced",
    )
    assert carol_sees(personas, case) == frozenset()
    assert_access_table_is_exact(case)


def test_agreement_list_shows_own_partnership_and_cross_ones_it_is_party_to(
    personas, world, client_for
):
    agreement_between(world.alice_team.organisation, world.far_team.organisation, reference="X1")
    SharingAgreement.objects.filter(reference="X1").update(partnership=None)
    far_only = agreement_between(world.far_team.organisation, reference="FAR-ONLY")
    page = client_for(world.partnership_admin).get(reverse("sharing:agreement_list"))
    assert b"ISA-TEST-001" in page.content
    assert b"X1" in page.content
    assert far_only.reference.encode() not in page.content

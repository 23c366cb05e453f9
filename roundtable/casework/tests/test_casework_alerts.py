"""Casework's producers of alerts, end to end through the fan-out and delivery: diary entries
(with the seeded "custody update on a foreign national" rules), documents, enforcement due dates,
ASB case reviews, and a case's stage and closing. For each: the right person is told once, a
person without the section is told nothing, and a hidden record tells outsiders nothing at all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from roundtable.casework.models import CaseReviewActivation, CaseReviewSettings, DiaryEntryType
from roundtable.casework.powers import EnforcementKind as K
from roundtable.casework.services import documents as document_services
from roundtable.casework.tasks import enforcement_attention
from roundtable.casework.tests import document_helpers as files
from roundtable.casework.tests.diary_helpers import write
from roundtable.casework.tests.document_helpers import documents_dir
from roundtable.casework.tests.enforcement_helpers import add, scene
from roundtable.casework.tests.test_case_review import complain
from roundtable.directory.models import Capability, OrganisationKind, Role
from roundtable.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    grant,
)
from roundtable.records.models import MemberRole
from roundtable.records.services import cases as case_services
from roundtable.records.services.case_type_seeds import case_types_seed
from roundtable.records.tests.case_helpers import open_case
from roundtable.sharing import policy
from roundtable.sharing.services import grant_create
from roundtable.sharing.tests.factories import agreement_between, profile_for
from roundtable.tasking.models import AlertEvent, Notification, Reason, RuleTarget
from roundtable.tasking.services.alerts import alert_rule_create, alert_rules_seed, watch_add
from roundtable.tasking.tests.alert_helpers import delivered_to, hide, run_alerts

__all__ = ["documents_dir"]

NOW = "2026-06-15 10:00:00+01:00"


@pytest.fixture
def world(personas):
    with time_machine.travel(NOW, tick=False):
        world = scene(personas)
        run_alerts()
        Notification.objects.all().delete()
        yield world


def watch(user, record):
    return watch_add(user=user, viewer=policy.viewer_for_user(user), record=record)


def partnership_admin(world) -> Any:
    admin = UserFactory(
        email="pat.admin@council.testshire.invalid",
        full_name="Pat Admin",
        organisation=world.work.council_asb.organisation,
    )
    MembershipFactory(user=admin, team=world.work.council_asb)
    grant(admin, Capability.PARTNERSHIP_ADMIN)
    return admin


def tell_council(world, event: str) -> None:
    alert_rule_create(
        actor=partnership_admin(world),
        partnership=world.work.testshire,
        name=f"Council hears of {event}",
        event=event,
        target=RuleTarget.TEAM,
        team=world.work.council_asb,
    )


def titles(user) -> list[str]:
    return [notification.title for notification in delivered_to(user)]


# --- diary entries ------------------------------------------------------------------------------


def test_a_diary_entry_tells_a_watcher_who_sees_the_diary_once(personas, world):
    watch(personas.spoc, world.case)
    write(personas.alice, world.work.asb, world.case, entry_type=DiaryEntryType.HOME_VISIT)
    run_alerts()
    assert titles(personas.spoc) == [f"New diary entry (Home visit) on {world.case.reference}"]
    assert delivered_to(personas.alice) == []
    [event] = AlertEvent.objects.filter(event="diary.created")
    assert (event.section, event.detail) == ("diary", {"entry_type": "home_visit"})
    assert (event.actor, event.team) == (personas.alice, world.work.asb)


def test_a_diary_entry_tells_a_watcher_without_the_diary_nothing(personas, world):
    watch(personas.carol, world.case)  # the council sees the summary and members only
    write(personas.alice, world.work.asb, world.case)
    run_alerts()
    assert not Notification.objects.filter(recipient=personas.carol).exists()


def test_an_entry_in_another_section_is_told_only_to_those_who_see_that_section(personas, world):
    grant_create(
        actor=personas.alice,
        record=world.case,
        agreement=world.work.agreement,
        sections=["diary"],
        team=world.work.council_asb,
    )
    watch(personas.carol, world.case)
    watch(personas.spoc, world.case)
    write(personas.alice, world.work.asb, world.case, section="risk")
    run_alerts()
    assert not Notification.objects.filter(recipient=personas.carol).exists()
    assert len(delivered_to(personas.spoc)) == 1


def test_a_diary_entry_on_a_hidden_case_tells_outsiders_nothing_at_all(personas, world):
    tell_council(world, "diary.created")
    hide(world.case, personas.alice)
    write(personas.alice, world.work.asb, world.case)
    run_alerts()
    assert not Notification.objects.filter(recipient=personas.carol).exists()


def test_an_entry_written_on_the_page_raises_one_event(personas, world, client_for):
    watch(personas.spoc, world.case)
    url = reverse("casework:diary_entry_add", kwargs={"kind": "case", "code": world.case.code})
    response = client_for(personas.alice).post(
        url,
        {
            "entry_type": "phone_call",
            "occurred_on_0": "15",
            "occurred_on_1": "6",
            "occurred_on_2": "2026",
            "occurred_time": "09:30",
            "body": "Rang the complainant back.",
            "section": "diary",
        },
    )
    assert response.status_code == 302
    run_alerts()
    assert AlertEvent.objects.filter(event="diary.created").count() == 1
    assert len(delivered_to(personas.spoc)) == 1


# --- custody updates on foreign nationals (the seeded rules) ------------------------------------


@pytest.fixture
def fno(personas, world):
    """An FNO case of alice's team, a person in it, a Home Office team and the seeded rules."""
    case_types_seed(world.work.testshire)
    home_office = OrganisationFactory(
        name="Immigration Test Office", kind=OrganisationKind.HOME_OFFICE, partnership=None
    )
    immigration = TeamFactory(organisation=home_office, name="Immigration Test Team")
    officer = UserFactory(
        email="hana@homeoffice.invalid", full_name="Hana Immigration", organisation=home_office
    )
    MembershipFactory(user=officer, team=immigration)
    alert_rules_seed(partnership=world.work.testshire)
    case_type = world.work.testshire.case_types.get(reference_prefix="FNO")
    case = open_case(personas.alice, world.work.asb, case_type, fields={})
    person = profile_for(personas.alice, world.work.asb, given_name="Ilan", family_name="Abroad")
    case_services.case_member_add(
        actor=personas.alice,
        viewer=policy.viewer_for_user(personas.alice),
        case=case,
        profile=person,
        role=MemberRole.PERPETRATOR,
    )
    agreement = agreement_between(world.work.asb.organisation, home_office, reference="ISA-TEST-HO")
    run_alerts()
    Notification.objects.all().delete()
    return {
        "case": case,
        "person": person,
        "team": immigration,
        "officer": officer,
        "agreement": agreement,
    }


def share_with_home_office(personas, fno, record, sections) -> None:
    grant_create(
        actor=personas.alice,
        record=record,
        agreement=fno["agreement"],
        sections=sections,
        team=fno["team"],
    )


def test_a_custody_update_on_a_foreign_national_case_tells_the_home_office_team(
    personas, world, fno
):
    share_with_home_office(personas, fno, fno["case"], ["summary", "diary"])
    write(personas.alice, world.work.asb, fno["case"], entry_type=DiaryEntryType.CUSTODY_UPDATE)
    run_alerts()
    [notice] = delivered_to(fno["officer"])
    assert notice.reason == Reason.RULE
    assert notice.title == f"New diary entry (Custody update) on {fno['case'].reference}"
    # "Every team that can see the diary": the owning team's other members hear too.
    assert len(delivered_to(personas.spoc)) == 1
    # Another kind of entry tells nobody.
    write(personas.alice, world.work.asb, fno["case"], entry_type=DiaryEntryType.NOTE)
    run_alerts()
    assert len(delivered_to(fno["officer"])) == 1


def test_a_custody_update_on_the_persons_own_diary_reaches_the_home_office_too(
    personas, world, fno
):
    share_with_home_office(personas, fno, fno["person"], ["identity", "diary"])
    write(
        personas.alice,
        world.work.asb,
        fno["person"],
        entry_type=DiaryEntryType.CUSTODY_UPDATE,
    )
    run_alerts()
    [notice] = delivered_to(fno["officer"])
    assert notice.reason == Reason.RULE
    assert notice.event.record_id == fno["person"].pk


def test_a_custody_update_on_a_person_the_home_office_owns_still_meets_the_fno_rules(
    personas, world, fno
):
    colleague = UserFactory(
        email="ines@homeoffice.invalid",
        full_name="Ines Immigration",
        organisation=fno["team"].organisation,
    )
    MembershipFactory(user=colleague, team=fno["team"])
    theirs = profile_for(fno["officer"], fno["team"], given_name="Oren", family_name="Detained")
    case_services.case_member_add(
        actor=personas.alice,
        viewer=policy.viewer_for_user(personas.alice),
        case=fno["case"],
        profile=theirs,
        role=MemberRole.PERPETRATOR,
    )
    write(fno["officer"], fno["team"], theirs, entry_type=DiaryEntryType.CUSTODY_UPDATE)
    run_alerts()
    [notice] = delivered_to(colleague)
    assert notice.reason == Reason.RULE
    assert not Notification.objects.filter(recipient=personas.carol).exists()


def test_a_rule_never_widens_access_the_home_office_without_the_diary_hears_nothing(
    personas, world, fno
):
    share_with_home_office(personas, fno, fno["case"], ["summary"])
    write(personas.alice, world.work.asb, fno["case"], entry_type=DiaryEntryType.CUSTODY_UPDATE)
    write(
        personas.alice,
        world.work.asb,
        fno["person"],
        entry_type=DiaryEntryType.CUSTODY_UPDATE,
    )
    run_alerts()
    assert not Notification.objects.filter(recipient=fno["officer"]).exists()


# --- documents ----------------------------------------------------------------------------------


def add_document(personas, world) -> Any:
    return document_services.document_create(
        actor=personas.alice,
        team=world.work.asb,
        record=world.case,
        title="Witness statement",
        upload=ContentFile(files.pdf_bytes(), name="statement.pdf"),
    )


def test_a_document_tells_a_watcher_who_sees_the_documents_once(personas, world, documents_dir):
    watch(personas.spoc, world.case)
    add_document(personas, world)
    run_alerts()
    assert titles(personas.spoc) == [f"New document (PDF) on {world.case.reference}"]
    [event] = AlertEvent.objects.filter(event="document.added")
    assert (event.section, event.detail) == ("documents", {"document_type": "pdf"})


def test_a_document_tells_someone_without_the_documents_section_nothing(
    personas, world, documents_dir
):
    watch(personas.carol, world.case)
    tell_council(world, "document.added")
    add_document(personas, world)
    run_alerts()
    assert not Notification.objects.filter(recipient=personas.carol).exists()
    assert "Witness statement" not in " ".join(Notification.objects.values_list("title", flat=True))


def test_a_document_on_a_hidden_case_tells_outsiders_nothing_at_all(personas, world, documents_dir):
    watch(personas.bob, world.case)  # a colleague in the police sees the summary, for now
    hide(world.case, personas.alice)
    add_document(personas, world)
    run_alerts()
    assert not Notification.objects.filter(recipient=personas.bob).exists()


# --- enforcement due ----------------------------------------------------------------------------


def flag_an_expiry(personas, world) -> None:
    with time_machine.travel(NOW, tick=False):
        add(
            personas.alice,
            world.case,
            K.WARNING_LETTER,
            profile=world.adult,
            served_on=date(2026, 6, 1),
            expires_on=date(2026, 6, 25),
        )
        enforcement_attention.call()
        enforcement_attention.call()
        run_alerts()


def test_an_expiry_coming_up_tells_the_cases_watchers_once(personas, world):
    watch(personas.carol, world.case)  # enforcement is in the summary, which the council sees
    flag_an_expiry(personas, world)
    assert titles(personas.carol) == [
        f"Enforcement action due (Warning letter) on {world.case.reference}"
    ]


def test_an_expiry_on_a_hidden_case_tells_outsiders_nothing(personas, world):
    watch(personas.carol, world.case)
    tell_council(world, "enforcement.due")
    hide(world.case, personas.alice)
    flag_an_expiry(personas, world)
    assert not Notification.objects.filter(recipient=personas.carol).exists()
    assert AlertEvent.objects.filter(event="enforcement.due").count() == 1


# --- ASB case reviews ---------------------------------------------------------------------------


def trigger_review(personas, world) -> CaseReviewActivation:
    with time_machine.travel(NOW, tick=False):
        for incident in (date(2026, 2, 1), date(2026, 4, 10), date(2026, 6, 10)):
            complain(personas.alice, world.victim, incident, incident, location="Flat 3")
        run_alerts()
    return CaseReviewActivation.objects.get()


@pytest.fixture
def leads(personas, world):
    return CaseReviewSettings.objects.create(
        partnership=world.work.testshire, lead_user=personas.spoc, lead_team=world.work.council_asb
    )


def test_a_triggered_review_tells_the_lead_person_and_team_in_the_app(
    personas, world, leads, client_for
):
    manager = UserFactory(
        email="cleo.manager@council.testshire.invalid",
        full_name="Cleo Manager",
        organisation=personas.carol.organisation,
    )
    MembershipFactory(user=manager, team=world.work.council_asb, role=Role.TEAM_MANAGER)
    activation = trigger_review(personas, world)
    for lead in (personas.spoc, personas.carol, manager):
        assert titles(lead) == [f"Case review triggered: {activation.reference}"]
    # Recording the complaint that triggered it does not make the recorder a reader.
    assert not Notification.objects.filter(recipient=personas.alice).exists()
    assert not Notification.objects.filter(recipient=personas.bob).exists()
    [notice] = delivered_to(personas.carol)
    assert "Vera" not in notice.title and "QUIETLIFE" not in notice.title.upper()
    with time_machine.travel(NOW, tick=False):
        client = client_for(personas.carol)
        opened = client.get(reverse("tasking:notification_open", kwargs={"code": notice.code}))
        assert opened.url == activation.get_absolute_url()
        assert client.get(opened.url).status_code == 200


def test_a_review_notice_is_withheld_from_someone_no_longer_the_lead(personas, world, leads):
    with time_machine.travel(NOW, tick=False):
        for incident in (date(2026, 2, 1), date(2026, 4, 10), date(2026, 6, 10)):
            complain(personas.alice, world.victim, incident, incident)
    CaseReviewSettings.objects.filter(pk=leads.pk).update(lead_user=None)
    run_alerts()
    assert not delivered_to(personas.spoc)  # suppressed at delivery, never shown
    assert len(delivered_to(personas.carol)) == 1


def test_without_a_lead_a_review_tells_nobody_in_the_app(personas, world):
    trigger_review(personas, world)
    assert not Notification.objects.exists()
    assert not AlertEvent.objects.filter(event="case_review.triggered").exists()


# --- a case's stage and closing -----------------------------------------------------------------


def test_a_stage_change_and_closing_tell_the_watchers_who_see_the_summary(personas, world):
    watch(personas.carol, world.case)
    case = world.case
    with time_machine.travel(NOW, tick=False):
        case_services.case_stage_change(
            actor=personas.alice,
            case=case,
            to_stage="Risk assessment",
            expected_version=case.version,
        )
        case.refresh_from_db()
        case_services.case_close(
            actor=personas.alice,
            case=case,
            outcome="Resolved",
            expected_version=case.version,
            closed_on=timezone.localdate(),
        )
        run_alerts()
    assert titles(personas.carol) == [
        f"Case moved to another stage on {case.reference}",
        f"Case closed on {case.reference}",
    ]

"""Demo casework: diary histories, enforcement, complaints, letters, documents, tasks, watches,
alerts and a panel meeting, loaded through the services for the default seed.

The demo must give every persona something to work on, load once (a second run adds nothing),
be the same for the same seed, and never write an address that could reach a real mailbox. The
load takes a while, so it is made once for the module (in a transaction rolled back at the end)
and each test reads it in its own savepoint.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import (
    AsbComplaint,
    CaseReviewActivation,
    DiaryEntry,
    DiaryRevision,
    Document,
    EnforcementAction,
    EnforcementBreach,
    Letter,
    LetterTemplate,
    PanelAction,
    PanelAgendaItem,
    PanelDecision,
    PanelMeeting,
    PanelMinutes,
)
from roundtable.casework.powers import EnforcementKind, EnforcementStatus
from roundtable.casework.tests.document_helpers import stored_files
from roundtable.directory.demo import data
from roundtable.directory.demo.builder import demo_partnership_load
from roundtable.directory.demo.casework import COUNTED, casework_story, demo_casework_load
from roundtable.directory.demo.records import demo_records_load
from roundtable.directory.models import Membership, User
from roundtable.records.models import Case
from roundtable.sharing import policy
from roundtable.tasking.models import (
    AlertRule,
    DeliveryState,
    Notification,
    OutboundEmail,
    Task,
    TaskComment,
    TaskStatus,
    Watch,
)

pytestmark = pytest.mark.django_db

PROFILES = 60
CASEWORKERS = (
    "practitioner",
    "manager",
    "council",
    "housing",
    "probation",
    "prison",
    "immigration",
)
RESERVED = re.compile(r"@[a-z0-9.-]+\.(example|invalid)$")
ANY_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def load(seed: int = 1, profiles: int = PROFILES) -> dict[str, Any]:
    demo_partnership_load(seed=seed)
    demo_records_load(seed=seed, profiles=profiles)
    return demo_casework_load(seed=seed)


def persona(key: str) -> User:
    return User.objects.get(email=next(p.email for p in data.PERSONAS if p.key == key))


def viewer_of(user: User) -> policy.Viewer:
    membership = Membership.objects.select_related("team__organisation").get(user=user)
    return policy.viewer_for_user(user, membership.team, membership.role)


@dataclass
class Loaded:
    """The demo loaded once: what the load reported, the email it sent, where files went."""

    result: dict[str, Any]
    sent: list[Any]
    documents: Path


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Loaded]:
    """The default seed's demo with its casework, loaded once for the module and rolled back."""
    documents = tmp_path_factory.mktemp("demo") / "documents"
    storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(documents)},
    }
    with (
        override_settings(STORAGES={**settings.STORAGES, "documents": storage}),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        mail.outbox = []
        result = load()
        yield Loaded(result, list(mail.outbox), documents)
        transaction.set_rollback(True)


def test_the_default_seed_loads_histories_on_generated_cases_and_people(demo):
    assert demo.result["skipped"] is False
    assert demo.result["created"]["histories_on_cases"] > 0
    assert demo.result["created"]["histories_on_people"] > 0
    check_seeds_and_diary()


def test_enforcement_reaches_every_stage_and_one_victim_triggers_a_case_review(demo):
    check_enforcement_and_case_review()


def test_letters_and_documents_are_generated_and_stored_with_a_second_version(demo):
    check_letters_and_documents(demo.documents)


def test_every_caseworker_persona_has_tasks_watches_notifications_and_a_diary(demo):
    check_tasks_watches_and_notifications()


def test_the_panel_meeting_shows_the_council_attendee_an_item_withheld(demo):
    check_panel_meeting()


def test_it_writes_no_real_looking_email_address(demo):
    check_no_real_looking_email_address(demo.sent)


def check_seeds_and_diary() -> None:
    for short_name in ("fenshire", "westmarch"):
        assert LetterTemplate.objects.filter(partnership__short_name=short_name).count() == 5
    rules = AlertRule.objects.filter(partnership__short_name="fenshire")
    assert rules.filter(condition_value="custody_update").count() >= 2
    entries = DiaryEntry.objects.all()
    assert {"contact", "home_visit", "phone_call", "warning_given"} <= set(
        entries.values_list("entry_type", flat=True)
    )
    assert entries.filter(entry_type="custody_update", case__case_type__reference_prefix="FNO")
    assert entries.filter(entry_type="intelligence").exists()
    assert entries.filter(profile__isnull=False).exists()  # people have diaries too
    assert entries.filter(occurred_at__lt=timezone.now() - timedelta(days=120)).exists()
    assert DiaryRevision.objects.count() == 2
    retracted = entries.get(retracted_at__isnull=False)
    assert retracted.retraction_reason.startswith("Recorded on the wrong case")


def check_enforcement_and_case_review() -> None:
    heron = Case.objects.get(title="Drug dealing and intimidation at Heron Court")
    actions = Counter(EnforcementAction.objects.filter(case=heron).values_list("kind", "status"))
    assert actions[(EnforcementKind.WARNING_LETTER, EnforcementStatus.EXPIRED)] == 1
    assert actions[(EnforcementKind.ABC, EnforcementStatus.SERVED)] == 1
    assert actions[(EnforcementKind.CPW, EnforcementStatus.SERVED)] == 1
    assert actions[(EnforcementKind.CPW, EnforcementStatus.WITHDRAWN)] == 1
    assert actions[(EnforcementKind.CPN, EnforcementStatus.BREACHED)] == 1
    assert actions[(EnforcementKind.CIVIL_INJUNCTION, EnforcementStatus.PROPOSED)] == 1
    assert actions[(EnforcementKind.CLOSURE_NOTICE, EnforcementStatus.EXPIRED)] == 1
    assert actions[(EnforcementKind.CLOSURE_ORDER, EnforcementStatus.SERVED)] == 1
    abc = EnforcementAction.objects.get(case=heron, kind=EnforcementKind.ABC)
    assert abc.review_on is not None and abc.review_on > timezone.localdate()
    cpw = EnforcementAction.objects.get(
        case=heron, kind=EnforcementKind.CPW, status=EnforcementStatus.SERVED
    )
    assert cpw.deadline is not None and cpw.issuing_organisation.name == data.MARSHBURY
    assert EnforcementBreach.objects.get().response == "fixed_penalty"
    closures = EnforcementAction.objects.filter(kind__startswith="closure")
    assert closures.count() == 2 and all(action.target_premises_id for action in closures)
    assert EnforcementAction.objects.filter(
        case__title__startswith="Noise nuisance", status=EnforcementStatus.EXPIRED
    ).exists()
    activation = CaseReviewActivation.objects.get()
    assert activation.incident_count == 3
    others = AsbComplaint.objects.exclude(victim=activation.victim)
    assert others.exists()
    assert not CaseReviewActivation.objects.filter(victim__in=others.values("victim")).exists()


def check_letters_and_documents(documents_dir: Path) -> None:
    letters = Counter(Letter.objects.values_list("template__name", "status"))
    assert letters[("Home Office letter", "served")] == 1
    assert letters[("Support signposting letter", "generated")] == 1
    assert letters[("Community protection warning", "served")] == 1
    assert Letter.objects.filter(case__case_type__reference_prefix="FNO").count() == 2
    kinds = set(Document.objects.values_list("current_version__extension", flat=True))
    assert {"pdf", "docx", "png"} <= kinds
    assert Document.objects.filter(version_count=2).count() == 1
    assert Document.objects.filter(premises__isnull=False).exists()
    assert Document.objects.filter(profile__isnull=False).exists()
    versions = sum(Document.objects.values_list("version_count", flat=True))
    assert len(stored_files(documents_dir)) == versions


def check_tasks_watches_and_notifications() -> None:
    today = timezone.localdate()
    live = Task.objects.filter(status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS])
    assert live.filter(due_on__lt=today).count() >= 3
    assert live.filter(due_on__lt=today, escalated_at__isnull=False).exists()
    assert Task.objects.filter(status=TaskStatus.DONE).exclude(completion_note="").count() >= 3
    assert Task.objects.filter(status=TaskStatus.CANCELLED).count() == 1
    priorities = set(Task.objects.values_list("priority", flat=True))
    assert priorities == {"low", "normal", "high", "urgent"}
    assert any(
        t.team.organisation_id != t.assignee_team.organisation_id for t in Task.objects.all()
    )
    assert TaskComment.objects.exists()
    with_diary = DiaryEntry.objects.filter(case__isnull=False).values("case_id")
    for key in CASEWORKERS:
        user = persona(key)
        team = Membership.objects.get(user=user).team
        assert Task.objects.filter(assignee_team=team).exists(), key
        assert Watch.objects.filter(user=user).exists(), key
        unread = Notification.objects.filter(
            recipient=user, state=DeliveryState.SENT, read_at__isnull=True
        )
        assert unread.exists(), key
        seen = policy.visible(
            viewer_of(user), Case.objects.filter(pk__in=with_diary), section="diary"
        )
        assert seen.exists(), key
    jess = signed_in_client(persona("practitioner"))
    page = jess.get(reverse("tasking:my_tasks")).content.decode()
    assert "Prepare the civil injunction evidence bundle" in page
    assert "Risk rating changed" in jess.get(reverse("tasking:notification_list")).content.decode()


def check_panel_meeting() -> None:
    meeting = PanelMeeting.objects.get()
    assert meeting.status == "held"
    agencies = set(meeting.attendees.values_list("organisation__name", flat=True))
    assert {data.POLICE, data.MARSHBURY, data.HOUSING, data.PROBATION} <= agencies
    assert PanelAgendaItem.objects.filter(meeting=meeting).count() == 4
    assert PanelMinutes.objects.filter(meeting=meeting).count() == 4
    assert PanelDecision.objects.filter(meeting=meeting).count() == 2
    assert PanelAction.objects.filter(meeting=meeting).count() == 4
    page = signed_in_client(persona("council")).get(meeting.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "a case you cannot see (owned by Probation Service Fenshire)" in text
    assert "Drug dealing and intimidation at Heron Court" in text


def check_no_real_looking_email_address(outbox: list[Any]) -> None:
    assert all(RESERVED.search(email) for email in User.objects.values_list("email", flat=True))
    sent = [address for message in outbox for address in message.to]
    assert sent and all(RESERVED.search(address) for address in sent)
    queued = OutboundEmail.objects.values_list("recipient__email", flat=True)
    assert all(RESERVED.search(address) for address in queued)
    texts = [
        *DiaryEntry.objects.values_list("body", flat=True),
        *Task.objects.values_list("title", flat=True),
        *Task.objects.values_list("description", flat=True),
        *TaskComment.objects.values_list("body", flat=True),
        *PanelMinutes.objects.values_list("text", flat=True),
        *EnforcementAction.objects.values_list("conditions", flat=True),
        *AsbComplaint.objects.values_list("description", flat=True),
    ]
    assert not [text for text in texts if ANY_ADDRESS.search(text)]


def test_a_second_run_adds_nothing(demo):
    before = {name: model.objects.count() for name, model in COUNTED}  # type: ignore[attr-defined]
    files_before = stored_files(demo.documents)
    again = load()
    assert again["skipped"] is True
    assert {name: model.objects.count() for name, model in COUNTED} == before  # type: ignore[attr-defined]
    assert stored_files(demo.documents) == files_before
    imports = AuditEvent.objects.filter(action=Action.IMPORT, detail__source="demo_casework")
    assert imports.count() == 1


def test_the_same_seed_plans_the_same_casework_and_another_seed_other_casework(demo):
    now = datetime(2026, 3, 16, 11, 30, tzinfo=UTC)
    entries = DiaryEntry.objects.count()
    first, histories = casework_story(seed=1, now=now)
    assert histories.counts["entries"] > 0
    assert casework_story(seed=1, now=now)[0].plan() == first.plan()
    assert casework_story(seed=2, now=now)[0].plan() != first.plan()
    assert DiaryEntry.objects.count() == entries  # planning writes nothing


def test_the_galleries_are_filled_with_custody_updates_letters_families_and_a_cohort(demo):
    from roundtable.galleries.models import GalleryMembership, MembershipState
    from roundtable.galleries.services.memberships import member_answers

    fenshire = {
        spell.gallery.slug: spell
        for spell in GalleryMembership.objects.select_related("gallery").filter(
            gallery__partnership__short_name="fenshire"
        )
    }
    assert {"foreign-nationals", "families", "iom-cohort"} <= set(fenshire)
    foreign = GalleryMembership.objects.filter(gallery__slug="foreign-nationals")
    assert foreign.count() >= 2  # the showcase and the IOM team's own (few at 60 people)
    showcase = foreign.order_by("added_on").first()
    assert showcase is not None
    answers = member_answers(showcase.gallery, showcase.profile_id)
    assert answers["home_office_reference"] == "FNO/FEN/0417"
    assert answers["home_office_letter_on"] and answers["home_office_response"]
    assert answers["custody_status"] in {"sentenced", "transferred", "released"}
    prison = persona("prison")
    assert DiaryEntry.objects.filter(
        profile_id=showcase.profile_id, entry_type="custody_update", recorded_by=prison
    ).exists()
    # The Home Office persona heard of the additions and of the custody updates.
    told = Notification.objects.filter(recipient=persona("immigration")).values_list(
        "event__event", flat=True
    )
    assert {"gallery.member_added", "diary.created"} <= set(told)
    cohort = GalleryMembership.objects.filter(gallery__slug="iom-cohort")
    # At 60 people the IOM team owns few; the default 3,000 fill Fixed, Flex and Free.
    statuses = set(cohort.values_list("status", flat=True))
    assert "Fixed" in statuses and statuses <= {"Fixed", "Flex", "Free"}
    assert cohort.filter(state=MembershipState.REMOVED).exists() or cohort.count() < 12

"""Demo casework: diary histories, enforcement, complaints, letters, documents, tasks, watches,
alerts and a panel meeting, loaded through the services for the default seed; then the demo's
offence histories and harm scores (``directory.demo.offences``), on the same load.

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
from roundtable.benchmarks.names import NameBook
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
from roundtable.directory.demo.offences import (
    SENTENCES,
    STORY_HISTORIES,
    demo_offences_load,
    showcase_people,
)
from roundtable.directory.demo.records import demo_records_load
from roundtable.directory.models import Membership, Partnership, User
from roundtable.records.models import Case, Profile, ProfileAlias
from roundtable.risk.models import HarmModelKind, HarmScore, Offence
from roundtable.risk.selectors.harm import active_model
from roundtable.risk.selectors.patterns import offending_pattern
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
    result = demo_casework_load(seed=seed)
    result["offences"] = demo_offences_load(seed=seed)
    return result


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


def test_the_demo_has_households_and_a_family_case_seen_on_the_family_view(demo):
    from roundtable.records.models import CaseMember, MemberRole, Relationship

    links: dict[int, set[int]] = {}
    for first, second in Relationship.objects.values_list("from_profile_id", "to_profile_id"):
        links.setdefault(first, set()).add(second)
        links.setdefault(second, set()).add(first)
    households, seen = 0, set()
    for start in links:
        if start in seen:
            continue
        group, stack = set(), [start]
        while stack:
            current = stack.pop()
            if current not in group:
                group.add(current)
                stack.extend(links[current] - group)
        seen |= group
        households += len(group) >= 3
    assert households >= 3
    case = Case.objects.select_related("case_type").get(
        title="Whole-family support, Kingfisher Road"
    )
    assert case.case_type.is_family
    subject = CaseMember.objects.get(case=case, role=MemberRole.SUBJECT).profile
    assert CaseMember.objects.filter(case=case, role=MemberRole.FAMILY_MEMBER).count() == 3
    url = reverse("records:profile_family", kwargs={"code": subject.code})
    html = signed_in_client(persona("council")).get(url).content.decode()
    assert html.count('data-kind="full"') == 3
    assert case.reference in html


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
    assert again["offences"]["skipped"] is True
    assert Offence.objects.count() == demo.result["offences"]["created"]["offences"]


def test_the_same_seed_plans_the_same_casework_and_another_seed_other_casework(demo):
    now = datetime(2026, 3, 16, 11, 30, tzinfo=UTC)
    entries = DiaryEntry.objects.count()
    first, histories = casework_story(seed=1, now=now)
    assert histories.counts["entries"] > 0
    assert casework_story(seed=1, now=now)[0].plan() == first.plan()
    assert casework_story(seed=2, now=now)[0].plan() != first.plan()
    assert DiaryEntry.objects.count() == entries  # planning writes nothing


# --- Offence histories and harm scores (directory.demo.offences) --------------------------------

PERSON_ROW = re.compile(r'data-person="([0-9a-f-]+)"')


def ranking_codes(user: User, query: str = "?kind=chi&window=730") -> set[str]:
    """The people a persona's partnership-wide ranking page lists (CHI, two years)."""
    url = reverse("risk:ranking", kwargs={"scope": "partnership", "key": data.FENSHIRE.key})
    page = signed_in_client(user).get(url + query)
    assert page.status_code == 200
    return set(PERSON_ROW.findall(page.content.decode()))


def test_offence_histories_give_a_top_20_with_distinct_leaders(demo):
    created = demo.result["offences"]["created"]
    assert created["people_with_offences"] >= 40
    assert created["as_victim"] > 0 and created["as_witness"] > 0
    fenshire = Partnership.objects.get(short_name=data.FENSHIRE.key)
    chi = active_model(partnership_id=fenshire.pk, kind=HarmModelKind.CHI)
    assert chi is not None and chi.is_sample  # seeded, and labelled as a sample
    assert active_model(partnership_id=fenshire.pk, kind=HarmModelKind.RFG) is not None
    top = list(HarmScore.objects.filter(model=chi, window_days=730).order_by("-total")[:20])
    assert len({row.profile_id for row in top}) == 20
    assert top[0].total > top[1].total > top[2].total  # clear leaders, no ties at the top
    assert top[0].total >= 3 * top[-1].total
    # Both kinds of leader: many offences, and one or two grave ones.
    assert any(row.offences_counted >= 8 for row in top)
    assert any(row.offences_counted <= 2 and row.total >= 365 for row in top)
    # Each persona ranks only the people whose offending their team sees: the police ASB team
    # sees the Heron Court dealer, the council does not, and sees fewer people.
    dealer = showcase_people()["p1"]
    police = ranking_codes(persona("practitioner"))
    council = ranking_codes(persona("council"))
    assert str(dealer.code) in police
    assert str(dealer.code) not in council
    assert 0 < len(council) < len(police)


def test_a_story_persons_offending_pattern_has_data_and_only_for_those_who_see_it(demo):
    people = showcase_people()
    assert set(people) == set(STORY_HISTORIES)
    iom = people["p4"]
    helen = persona("probation")
    today = timezone.localdate()
    pattern = offending_pattern(
        viewer=viewer_of(helen),
        profile_ids=[iom.pk],
        since=today - timedelta(days=3 * 365),
        until=today,
    )
    assert pattern.offences == len(STORY_HISTORIES["p4"])
    assert {"Shoplifting", "Burglary of a dwelling"} <= {name for name, _count in pattern.mix}
    assert sum(map(sum, pattern.heat)) > 0 and pattern.time_unknown > 0 and pattern.places
    url = reverse("risk:person_pattern", kwargs={"code": iom.code}) + "?months=36"
    page = signed_in_client(helen).get(url)
    assert page.status_code == 200 and "Shoplifting" in page.content.decode()
    refused = signed_in_client(persona("council")).get(url)
    assert "Shoplifting" not in refused.content.decode()
    # The victim next door is a victim only, and has no score.
    victim = people["v1"]
    assert set(Offence.objects.filter(profile=victim).values_list("role", flat=True)) == {"victim"}
    assert not HarmScore.objects.filter(profile=victim).exists()
    # The foreign national offender's robbery and the dealer's latest charge are there.
    assert Offence.objects.filter(profile=people["f1"], category__code="ROB-PER").exists()
    latest = Offence.objects.filter(profile=people["p1"], role="suspect").latest("occurred_at")
    assert latest.category.code == "DRG-SUP" and latest.premises is not None


def test_every_offence_is_on_a_demo_person_and_every_name_is_invented(demo):
    book = NameBook.for_seed(1)
    given = {*book.given_names, *data.FIRST_NAMES}
    family = {*book.surnames, *data.LAST_NAMES}
    on_offences = Profile.objects.filter(pk__in=Offence.objects.values("profile_id"))
    assert on_offences.count() == Offence.objects.values("profile_id").distinct().count() > 0
    names = set(Profile.objects.values_list("given_name", "family_name"))
    assert all(first in given and last in family for first, last in names)
    aliases = ProfileAlias.objects.values_list("given_name", "family_name")
    assert all(first in {"", *given} and last in {"", *family} for first, last in aliases)
    personas = {p.full_name for p in data.PERSONAS}
    for full_name in User.objects.values_list("full_name", flat=True):
        first, _, last = full_name.partition(" ")
        assert full_name in personas or (first in data.FIRST_NAMES and last in data.LAST_NAMES)
    # Offences say nothing about anyone beyond the fixed phrases; recorders are demo staff.
    story_notes = {o.notes for history in STORY_HISTORIES.values() for o in history}
    notes = set(Offence.objects.values_list("outcome_notes", flat=True))
    assert notes <= {"", *SENTENCES, *story_notes}
    emails = Offence.objects.values_list("recorded_by__email", flat=True).distinct()
    assert all(RESERVED.search(email) for email in emails)
    assert not Offence.objects.exclude(postcode__regex=r"^Z[FW]\d").exists()


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

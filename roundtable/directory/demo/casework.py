"""Demo casework for Fenshire: months of diary, enforcement, complaints, letters, documents,
tasks, watches, alerts and a panel meeting, loaded through the real services.

Runs after the demo records (``directory.demo.records``). It seeds each partnership's letter
templates, galleries and alert rules, names the case-review lead, then replays the showcase
stories (``cast``, ``families``, ``stories``, ``work``), the galleries' members (``galleries``)
and diary histories on a share of the generated records (``histories``) step by step at the
times they happened (``story``), with the hourly background sweeps (enforcement expiries and
reviews, task reminders and escalations) replayed once a day.
Finally it runs those sweeps as of now and fans out and delivers every alert synchronously, so
the personas open the demo on unread notifications. The same seed gives the same casework
(relative to the day of loading); a second run adds nothing. It must never run in production.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from django.db import models, transaction

from roundtable.audit import context as audit_context
from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import audit_record
from roundtable.benchmarks.generator import utc_now_to_second
from roundtable.casework.models import (
    AsbComplaint,
    CaseReviewActivation,
    DiaryEntry,
    DiaryRevision,
    Document,
    DocumentVersion,
    EnforcementAction,
    EnforcementBreach,
    Letter,
    LetterTemplate,
    PanelAction,
    PanelMeeting,
)
from roundtable.casework.services.enforcement import (
    enforcement_attention_flag,
    enforcement_expire_lapsed,
)
from roundtable.casework.services.letter_seeds import letter_templates_seed
from roundtable.directory.demo import data
from roundtable.directory.demo.builder import refuse_in_production
from roundtable.directory.demo.cast import CastStories, People, Showcase
from roundtable.directory.demo.families import FamilyStories
from roundtable.directory.demo.galleries import GalleryStories
from roundtable.directory.demo.histories import Histories
from roundtable.directory.demo.stories import CaseworkStories
from roundtable.directory.demo.story import Story
from roundtable.directory.demo.work import WorkStories
from roundtable.directory.models import Partnership, User
from roundtable.galleries.models import Gallery, GalleryMembership
from roundtable.galleries.seeds import galleries_seed
from roundtable.records.models import Profile
from roundtable.tasking.models import AlertEvent, AlertRule, Notification, Task, Watch
from roundtable.tasking.services.alerts import alert_fan_out, alert_rules_seed
from roundtable.tasking.services.notifications import notifications_deliver
from roundtable.tasking.services.tasks import tasks_escalate_overdue, tasks_remind_due

SOURCE = "demo_casework"
#: How far back the stories start (the seeds and the case-review lead come first).
START_DAYS = 240
#: The scheduler's hourly sweeps are replayed every morning for this many days back, and once a
#: week before that: often enough that every expiry and review is flagged within its lead time
#: (14 days by default) and before its date, as the scheduler would have, at a fraction of the
#: cost. An action whose expiry or review falls within a week of its service (a closure notice)
#: must therefore be served within this many days: flagged after its date, its task would be due
#: in the past, which the tasks service refuses.
DAILY_SWEEP_DAYS = 25

COUNTED: tuple[tuple[str, type[models.Model]], ...] = (
    ("letter_templates", LetterTemplate),
    ("alert_rules", AlertRule),
    ("galleries", Gallery),
    ("gallery_memberships", GalleryMembership),
    ("diary_entries", DiaryEntry),
    ("diary_corrections", DiaryRevision),
    ("enforcement_actions", EnforcementAction),
    ("breaches", EnforcementBreach),
    ("asb_complaints", AsbComplaint),
    ("case_reviews", CaseReviewActivation),
    ("letters", Letter),
    ("documents", Document),
    ("document_versions", DocumentVersion),
    ("tasks", Task),
    ("watches", Watch),
    ("panel_meetings", PanelMeeting),
    ("panel_actions", PanelAction),
    ("alert_events", AlertEvent),
    ("notifications", Notification),
)


def already_loaded() -> bool:
    """Whether the demo casework has been loaded here (its import is kept in the audit log)."""
    return AuditEvent.objects.filter(action=Action.IMPORT, detail__source=SOURCE).exists()


def _counts() -> dict[str, int]:
    return {name: model.objects.count() for name, model in COUNTED}  # type: ignore[attr-defined]


def _seeds() -> None:
    """Each partnership's standard letter templates, galleries and alert rules (only those it
    lacks; the galleries first, as the foreign nationals' alert rules name their gallery)."""
    for partnership in Partnership.objects.order_by("pk"):
        letter_templates_seed(partnership)
        galleries_seed(partnership)
        alert_rules_seed(partnership=partnership)


def background_sweeps() -> None:
    """What the scheduler runs each hour: enforcement expiries and reviews (flag, then expire,
    as ``casework.enforcement_attention`` does), then task reminders and escalations."""
    enforcement_attention_flag()
    enforcement_expire_lapsed()
    tasks_escalate_overdue()
    tasks_remind_due()


def notifications_now() -> tuple[int, int]:
    """Fan out every alert not yet fanned out, then deliver every pending notification, here and
    now (the worker would do it a moment later). Returns (created, worked)."""
    pending = AlertEvent.objects.filter(fanned_out_at__isnull=True).order_by("pk")
    created = sum(alert_fan_out(event_id=pk) for pk in list(pending.values_list("pk", flat=True)))
    worked = 0
    while batch := notifications_deliver():
        worked += batch
    return created, worked


def casework_story(*, seed: int, now: datetime) -> tuple[Story, Histories]:
    """Every step of the demo's casework, planned for a seed (nothing is written until run)."""
    story = Story(now)
    people = People.load()
    story.add(story.at(START_DAYS, "08:30"), _seeds, actor=people["sysadmin"])
    show = Showcase()
    CastStories(story, people, show, random.Random(f"casework-cast-{seed}")).plan()  # noqa: S311 -- invented data
    FamilyStories(story, people, show, random.Random(f"casework-families-{seed}")).plan()  # noqa: S311 -- invented data
    CaseworkStories(story, people, show).plan()
    WorkStories(story, people, show).plan()
    GalleryStories(story, people, show, random.Random(f"casework-galleries-{seed}")).plan()  # noqa: S311 -- invented data
    histories = Histories(
        story,
        random.Random(f"casework-histories-{seed}"),  # noqa: S311 -- invented data
        persona_team_ids={people.team(p.key).pk for p in data.PERSONAS if p.team},
    )
    histories.plan()
    for days in range(START_DAYS - 1, 0, -1):
        if days <= DAILY_SWEEP_DAYS or days % 7 == 0:
            story.add(story.at(days, "06:00"), background_sweeps, channel="task")
    return story, histories


@transaction.atomic
def demo_casework_load(*, seed: int) -> dict[str, Any]:
    """Load the demo's casework once (idempotent); returns what it created."""
    refuse_in_production()
    if already_loaded() or not Profile.objects.exists():
        return {"seed": seed, "created": {}, "skipped": True}
    before = _counts()
    story, histories = casework_story(seed=seed, now=utc_now_to_second())
    steps = story.run()
    with audit_context.acting_as(channel="task"):
        background_sweeps()
        notifications_now()
    after = _counts()
    created: dict[str, Any] = {name: after[name] - before[name] for name, _model in COUNTED}
    created["histories_on_cases"] = histories.counts["cases"]
    created["histories_on_people"] = histories.counts["people"]
    sysadmin = User.objects.get(email=next(p.email for p in data.PERSONAS if p.key == "sysadmin"))
    with audit_context.acting_as(user=sysadmin, channel="command"):
        audit_record(
            action=Action.IMPORT,
            target=Partnership.objects.get(short_name=data.FENSHIRE.key),
            detail={"source": SOURCE, "seed": seed, "steps": steps, "created": created},
        )
    return {"seed": seed, "created": created, "skipped": False}


__all__ = ["casework_story", "demo_casework_load"]

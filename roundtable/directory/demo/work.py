"""The showcase's day-to-day work, as story steps: watches, stage and risk changes, tasks between
the personas' teams (some overdue, some done, one cancelled), and a complex case panel meeting.

Each step is the service a page would call, as the person who would do it, at the time it
happened (``directory.demo.story``). A panel action is recorded, never turned into a task here:
the panel service makes its task. Risk changes and watches are what put the first notifications
in the personas' notification centres.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.utils import timezone

from roundtable.casework.models import AttendeeRole, PanelKind
from roundtable.casework.services import panels
from roundtable.directory.demo.cast import People, Showcase
from roundtable.directory.demo.story import Story, fresh
from roundtable.records.services import cases as case_services
from roundtable.sharing import policy
from roundtable.sharing.models import SharingAgreement
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create
from roundtable.tasking.services import alerts
from roundtable.tasking.services import tasks as task_services

# (days ago, time, who, record)
WATCHES = (
    (210, "10:10", "practitioner", "case_a"),
    (210, "10:11", "practitioner", "p1"),
    (209, "12:00", "manager", "case_a"),
    (209, "12:10", "council", "case_a"),
    (230, "10:30", "council", "case_b"),
    (209, "12:20", "housing", "flat"),
    (120, "14:10", "housing", "case_c"),
    (140, "11:30", "probation", "case_d"),
    (100, "15:10", "probation", "case_e"),
    (139, "09:00", "prison", "case_d"),
    (139, "10:00", "immigration", "case_d"),
)
# (days ago, time, who, case, stage position in its type's workflow)
STAGES = (
    (205, "14:00", "practitioner", "case_a", 1),
    (175, "10:00", "practitioner", "case_a", 2),
    (120, "09:00", "practitioner", "case_a", 3),
    (35, "09:00", "practitioner", "case_a", 4),
    (225, "09:30", "council", "case_b", 1),
    (200, "11:00", "council", "case_b", 3),
    (100, "10:00", "housing", "case_c", 1),
    (18, "10:00", "housing", "case_c", 3),
    (130, "10:00", "probation", "case_d", 1),
    (60, "10:00", "probation", "case_d", 2),
    (90, "10:00", "probation", "case_e", 1),
    (60, "15:00", "probation", "case_e", 2),
)
# (days ago, time, who, case, rating, why)
RATINGS = (
    (205, "14:05", "practitioner", "case_a", "amber", "Repeat victim, older and isolated."),
    (7, "09:00", "manager", "case_a", "red", "CPN breached and the victim is afraid to go out."),
    (30, "11:00", "manager:council", "case_b", "amber", "Threats to the complainant's family."),
    (15, "12:00", "manager:housing", "case_c", "red", "Possession claim being prepared."),
    (20, "10:00", "manager:probation", "case_d", "amber", "Release date approaching."),
    (9, "10:00", "probation", "case_e", "red", "New arrest while on licence."),
)


class WorkStories:
    """Schedules watches, stage and risk changes, tasks and the panel meeting."""

    def __init__(self, story: Story, people: People, show: Showcase) -> None:
        self.story, self.people, self.show = story, people, show
        self.tasks: dict[str, Any] = {}
        self.meeting: Any = None
        self.items: list[Any] = []

    def plan(self) -> None:
        for days, clock, who, record in WATCHES:
            self._step(days, clock, who, partial(self._watch, record))
        for days, clock, who, case, position in STAGES:
            self._step(days, clock, who, partial(self._stage, case, position))
        for days, clock, who, case, rag, why in RATINGS:
            self._step(days, clock, who, partial(self._rate, case, rag, why))
        self._tasks()
        self._panel()

    def _step(self, days: int, clock: str, who: str, action: Callable[[Any, Any], Any]) -> None:
        """Schedule ``action(actor, team)`` as ``who`` (see ``People.who``) at the time given."""
        actor, team = self.people.who(who)
        self.story.add(
            self.story.at(days, clock), partial(action, actor, team), actor=actor, team=team
        )

    def _watch(self, record: str, actor: Any, team: Any) -> None:
        viewer = policy.viewer_for_user(actor, team)
        alerts.watch_add(user=actor, viewer=viewer, record=self.show[record])

    def _stage(self, case: str, position: int, actor: Any, team: Any) -> None:
        current = self.show[case]
        case_services.case_stage_change(
            actor=actor,
            case=current,
            to_stage=current.case_type.stages[position],
            expected_version=current.version,
        )

    def _rate(self, case: str, rag: str, why: str, actor: Any, team: Any) -> None:
        current = self.show[case]
        case_services.case_set_rag(
            actor=actor, case=current, rag=rag, expected_version=current.version, note=why
        )

    # --- tasks ----------------------------------------------------------------------------------

    def _tasks(self) -> None:
        # (name, days ago set, who sets it, the persona whose team it is for, who in that team
        # ("" leaves it in the queue), title, due in days (negative: past), priority, record)
        plan = (
            ("visit", 20, "manager", "practitioner", "practitioner",
             "Visit Heron Court residents with the housing officer", -5, "high", "case_a"),
            ("bundle", 12, "manager", "practitioner", "practitioner",
             "Prepare the civil injunction evidence bundle", 6, "urgent", "case_a"),
            ("cctv", 9, "practitioner", "practitioner", "",
             "Review CCTV from the Heron Court entrance", -2, "normal", "case_a"),
            ("noise", 15, "practitioner", "council", "council",
             "Confirm the council's noise monitoring results", 3, "normal", "case_b"),
            ("tenancy", 30, "manager", "housing", "housing",
             "Issue a tenancy warning for Flat 4, Heron Court", -16, "high", "flat"),
            ("cpw_letter", 61, "practitioner", "practitioner", "practitioner",
             "Serve the community protection warning letter", -59, "high", "case_a"),
            ("abatement", 3, "manager:council", "council", "council",
             "Noise abatement visit to Kingfisher Road", 1, "normal", "case_b"),
            ("logs", 14, "council", "practitioner", "",
             "Share incident logs for Kingfisher Road with the council", 7, "low", "case_b"),
            ("release", 10, "probation", "prison", "prison",
             "Confirm the release date and licence conditions", -3, "high", "case_d"),
            ("follow_up", 26, "probation", "probation", "probation",
             "Follow up the Home Office letter with his solicitor", 14, "normal", "case_d"),
            ("custody", 45, "manager:prison", "prison", "prison",
             "Update the custody record after the adjudication", -40, "normal", "case_d"),
            ("referral", 4, "manager:immigration", "immigration", "immigration",
             "Decide on the deportation referral", 7, "urgent", "case_d"),
            ("joint_visit", 8, "probation", "police_iom", "",
             "Arrange a joint home visit", 4, "normal", "case_e"),
            ("possession", 13, "housing", "housing", "housing",
             "Prepare the notice of seeking possession", 20, "low", "case_c"),
            ("statement", 9, "housing", "practitioner", "practitioner",
             "Provide a witness statement for the possession claim", -1, "normal", "case_c"),
            ("mediation", 25, "manager", "practitioner", "",
             "Arrange mediation between the neighbours", 10, "low", "case_b"),
            ("patrols", 6, "manager", "practitioner", "colleague:practitioner",
             "Add Heron Court to the evening patrol plan", 2, "normal", "case_a"),
        )  # fmt: skip
        for name, days, setter, team_of, assignee, title, due, priority, record in plan:
            task = TaskPlan(name, team_of, assignee, title, due, priority, record)
            self._step(days, "08:45", setter, partial(self._task, task))
        progress = (
            (11, "09:00", "practitioner", "bundle", "start", ""),
            (6, "17:00", "practitioner", "visit", "comment",
             "The housing officer is on leave until Monday; visit rebooked."),
            (25, "10:00", "housing", "tenancy", "start", ""),
            (18, "11:00", "housing", "tenancy", "complete",
             "Tenancy warning served by hand; copy on the housing file."),
            (60, "11:30", "practitioner", "cpw_letter", "complete",
             "Served by hand with the council's ASB officer; recorded on the case."),
            (44, "09:00", "prison", "custody", "start", ""),
            (41, "14:00", "prison", "custody", "complete",
             "Custody record updated; the release date is unchanged."),
            (2, "15:30", "prison", "release", "comment",
             "Waiting for the release date to be confirmed by the records team."),
            (22, "10:00", "manager", "mediation", "cancel", "The complainant declined mediation."),
            (7, "13:00", "council", "noise", "start", ""),
        )  # fmt: skip
        for days, clock, who, name, what, text in progress:
            self._step(days, clock, who, partial(self._task_move, name, what, text))

    def _task(self, task: TaskPlan, actor: Any, team: Any) -> None:
        self.tasks[task.name] = task_services.task_create(
            actor=actor,
            team=team,
            title=task.title,
            due_on=self.story.day(task.due),
            assignee_team=self.people.team(task.team_of),
            assignee_user=self.people.who(task.assignee)[0] if task.assignee else None,
            priority=task.priority,
            record=self.show[task.record],
            description="Agreed at the weekly tasking meeting.",
        )

    def _task_move(self, name: str, what: str, text: str, actor: Any, team: Any) -> None:
        """Start, complete, cancel or comment on a task, as the assignee or setter would."""
        task = fresh(self.tasks[name])
        if what == "comment":
            task_services.task_comment_add(actor=actor, task=task, body=text, team=team)
        elif what == "start":
            task_services.task_start(actor=actor, task=task, expected_version=task.version)
        elif what == "complete":
            task_services.task_complete(
                actor=actor, task=task, expected_version=task.version, note=text
            )
        else:
            task_services.task_cancel(
                actor=actor, task=task, expected_version=task.version, reason=text
            )

    # --- the complex case panel -----------------------------------------------------------------

    def _panel(self) -> None:
        self._step(20, "14:00", "manager", self._set_up)
        # Inviting people shares nothing: the meeting's case is shared with their teams as well.
        attendees = (
            ("practitioner", AttendeeRole.MINUTE_TAKER, False),
            ("council", AttendeeRole.ATTENDEE, True),
            ("housing", AttendeeRole.ATTENDEE, True),
            ("probation", AttendeeRole.ATTENDEE, True),
            ("colleague:victim_support", AttendeeRole.GUEST, True),
        )
        for minute, (who, role, share) in enumerate(attendees):
            self._step(
                20, f"14:{10 + minute:02d}", "manager", partial(self._invite, who, role, share)
            )
        # The agenda: our case, the council's, probation's IOM case (shared with the police ASB
        # team, not with the council: the council officer sees it withheld) and the victim.
        for minute, record in enumerate(("case_a", "case_b", "case_e", "v1")):
            self._step(9, f"09:{minute:02d}", "manager", partial(self._agenda, record))
        self._step(6, "12:00", "manager", self._held)
        self._step(6, "13:00", "practitioner", self._notes)
        self._step(5, "09:30", "practitioner", self._minutes_revised)

    def _set_up(self, actor: Any, team: Any) -> None:
        self.meeting = panels.panel_meeting_create(
            actor=actor,
            team=team,
            kind=PanelKind.COMPLEX_CASE,
            scheduled_start=self.story.at(6, "10:00"),
            chair=actor,
            location="Marshbury Civic Centre, Committee Room 2",
        )

    def _invite(self, who: str, role: str, share: bool, actor: Any, team: Any) -> None:
        user, their_team = self.people.who(who)
        meeting = fresh(self.meeting)
        panels.panel_attendee_add(
            actor=actor, meeting=meeting, user=user, team=their_team, role=role
        )
        if share:
            grant_create(
                actor=actor,
                record=meeting.case,
                agreement=SharingAgreement.objects.get(reference="FEN-ISA-CS"),
                sections=[Section.SUMMARY, Section.MEMBERS, Section.DIARY],
                team=their_team,
                reason="Attending the complex case panel.",
            )

    def _agenda(self, record: str, actor: Any, team: Any) -> None:
        item = panels.panel_agenda_item_add(
            actor=actor,
            viewer=policy.viewer_for_user(actor, team),
            meeting=fresh(self.meeting),
            record=self.show[record],
        )
        self.items.append(item)

    def _held(self, actor: Any, team: Any) -> None:
        meeting = fresh(self.meeting)
        meeting = panels.panel_meeting_mark_held(
            actor=actor, meeting=meeting, expected_version=meeting.version
        )
        came = {
            attendee.pk
            for attendee in meeting.attendees.select_related("user")
            if attendee.role != AttendeeRole.GUEST
        }
        panels.panel_attendance_record(actor=actor, meeting=meeting, attended=came)

    def _notes(self, actor: Any, team: Any) -> None:
        """The minute taker writes up the meeting: minutes, decisions and actions per item."""
        viewer = policy.viewer_for_user(actor, team)
        meeting = fresh(self.meeting)
        case_a, case_b, case_e, _victim = (fresh(item) for item in self.items)
        minutes = (
            (None, "Panel met to agree a joint plan for Heron Court and Kingfisher Road. "
             "Victim Support sent apologies."),
            (case_a, "Police summarised the enforcement so far: CPW, CPN breached, closure order "
             "in force. Housing confirmed a possession claim is being prepared."),
            (case_b, "Council reported that noise continues after the warning expired. "
             "Monitoring equipment installed last week."),
            (case_e, "Probation reported a new arrest; recall is being considered. Links to "
             "Heron Court visitors discussed."),
        )  # fmt: skip
        for item, text in minutes:
            panels.panel_minutes_save(
                actor=actor,
                viewer=viewer,
                meeting=meeting,
                text=text,
                expected_version=0,
                item=item,
            )
        for item, text in (
            (case_a, "Apply for a civil injunction; the police will lead with the council's "
             "support."),
            (case_b, "The council will serve a community protection notice if the noise "
             "continues after monitoring."),
        ):  # fmt: skip
            panels.panel_decision_add(
                actor=actor, viewer=viewer, meeting=meeting, text=text, item=item
            )
        day = timezone.localtime(meeting.scheduled_start).date()
        actions = (
            (case_a, "housing", "housing", "Serve notice of seeking possession for Flat 4.", 14),
            (case_a, "practitioner", "practitioner", "Send the injunction evidence bundle to the "
             "council's legal team.", 3),
            (case_b, "council", "council", "Review the noise recordings and decide on a CPN.", 10),
            (case_e, "probation", "probation", "Share the updated risk assessment with the police "
             "ASB team.", 7),
        )  # fmt: skip
        for item, team_of, who, description, due in actions:
            panels.panel_action_add(
                actor=actor,
                viewer=viewer,
                meeting=meeting,
                description=description,
                owner_team=self.people.team(team_of),
                owner_user=self.people.who(who)[0],
                due_on=day + timedelta(days=due),
                item=item,
            )

    def _minutes_revised(self, actor: Any, team: Any) -> None:
        meeting = fresh(self.meeting)
        minutes = meeting.minutes.get(item__isnull=True)
        panels.panel_minutes_save(
            actor=actor,
            viewer=policy.viewer_for_user(actor, team),
            meeting=meeting,
            text=minutes.text + " Next meeting in four weeks.",
            expected_version=minutes.version,
        )


@dataclass(frozen=True)
class TaskPlan:
    """A task the stories set: for which persona's team and whom in it, what, when, how urgent."""

    name: str
    team_of: str
    assignee: str
    title: str
    due: int
    priority: str
    record: str

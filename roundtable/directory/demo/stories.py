"""The showcase's casework, as story steps: diary entries (one corrected, one retracted),
enforcement at every stage of the ladder, ASB complaints that trigger a case review (and some
that do not), letters from the partnership's templates, and documents with versions.

Every step calls the casework service a practitioner's page would call, as that practitioner,
at the time it happened (``directory.demo.story``). Nothing is written here that a service
writes for itself: a letter marked served gets its diary entry from the letters service, and
an expiry its task from the hourly enforcement sweep, which the demo replays day by day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from django.core.files.base import ContentFile

from roundtable.casework.models import LetterTemplate
from roundtable.casework.powers import EnforcementKind, EnforcementStatus
from roundtable.casework.selectors.case_review import case_review_settings_for
from roundtable.casework.services import case_review, diary, documents, enforcement, letters
from roundtable.casework.services.settings import case_review_settings_update
from roundtable.directory.demo import data, files
from roundtable.directory.demo.cast import People, Showcase
from roundtable.directory.demo.story import Story, fresh, later
from roundtable.directory.models import Partnership
from roundtable.sharing import policy

K = EnforcementKind

# (days ago, time, who, record, entry type, what happened, people it is about)
DiarySpec = tuple[int, str, str, str, str, str, tuple[str, ...]]
DIARY: tuple[DiarySpec, ...] = (
    (209, "10:30", "practitioner", "case_a", "contact",
     "Visited the victim at Flat 6. She described groups of young people on the stairs at night, "
     "drug litter left by her door and being sworn at when she asked them to move.", ("v1",)),
    (200, "15:00", "practitioner", "case_a", "warning_given",
     "Warning letter delivered to Flat 4 and explained at the door. He said the visitors are "
     "friends and that he would ask them to be quieter.", ("p1",)),
    (186, "19:20", "colleague:practitioner", "case_a", "home_visit",
     "Evening visit with a PCSO after reports of a disturbance. Strong smell of cannabis on the "
     "landing; no answer at Flat 4.", ()),
    (160, "11:00", "practitioner", "case_a", "meeting",
     "Acceptable behaviour contract signed at Marshbury police station with the housing officer "
     "present. Terms read through together and a copy given.", ("p1",)),
    (128, "21:10", "colleague:practitioner", "case_a", "intelligence",
     "Intelligence that Flat 4 is used to store drugs for a supply line from outside the county. "
     "Graded and submitted to the intelligence unit.", ()),
    (95, "14:00", "council", "case_a", "phone_call",
     "Council ASB team: called the victim. She is frightened to leave her flat after dark. The "
     "council will chase Meregate Homes about the broken door entry system.", ("v1",)),
    (60, "12:10", "practitioner", "case_a", "warning_given",
     "Community protection warning served by hand with the council's ASB officer: 14 days to "
     "stop visitors to the flat causing nuisance.", ("p1",)),
    (44, "21:40", "practitioner", "case_a", "home_visit",
     "Evening observation from the car park: six visitors went in and out of Flat 4 within the "
     "hour; one was seen handing over a package at the entrance.", ()),
    (32, "10:40", "practitioner", "case_a", "enforcement_action",
     "Community protection notice served at the police station. Requirements explained; he "
     "said he understood that a breach means a fixed penalty or prosecution.", ("p1",)),
    (21, "16:30", "manager", "case_a", "enforcement_action",
     "Closure notice served on Flat 4 and displayed on the door. Meregate Homes changed the "
     "locks. Application for a closure order listed at the magistrates' court.", ()),
    (15, "22:05", "colleague:practitioner", "case_a", "intelligence",
     "Intelligence that a car seen at Heron Court is linked to a county line.", ()),
    (8, "20:15", "practitioner", "case_a", "contact",
     "The victim reported visitors at Flat 4 again. Attended: he was there with two others, "
     "against the notice's requirements. Fixed penalty notice issued.", ("v1", "p1")),
    (3, "10:00", "practitioner", "case_a", "phone_call",
     "Spoke to the council's legal team about the injunction application. Evidence bundle due "
     "this week.", ()),
    (199, "16:00", "colleague:practitioner", "p1", "phone_call",
     "His mother called asking what the warning letter means. Explained, and gave her the "
     "number of the family support service.", ()),
    (30, "13:00", "practitioner", "p1", "note",
     "Police records checked: arrested last week for possession with intent to supply. "
     "Shared with the IOM team.", ()),
    (229, "15:30", "council", "case_b", "contact",
     "Met the complainant family. Music until 3am most nights; the father has been sworn at in "
     "the street twice this month.", ("v2",)),
    (201, "18:45", "colleague:council", "case_b", "home_visit",
     "Noise visit: music clearly audible from the pavement at 18:40. Verbal warning at the door.",
     ()),
    (150, "10:00", "practitioner", "case_b", "phone_call",
     "Police ASB team: call from the complainant about threats shouted over the fence. Crime "
     "report made and the council told.", ()),
    (29, "11:15", "council", "case_b", "phone_call",
     "Called him about the warning that has now expired and the recent complaints.", ()),
    (10, "19:30", "colleague:council", "case_b", "home_visit",
     "Noise monitoring equipment collected from the complainant; recordings to be reviewed.", ()),
    (119, "10:30", "housing", "case_c", "meeting",
     "Case opened after the police shared their Heron Court case. Tenancy file reviewed: two "
     "earlier warnings about visitors.", ()),
    (90, "14:00", "housing", "case_c", "home_visit",
     "Tenancy audit visit with a PCSO. Front door damaged and the smoke alarm removed; repairs "
     "ordered.", ()),
    (18, "09:30", "housing", "case_c", "warning_given",
     "Tenancy warning served in person: possession proceedings will follow further breaches.",
     ("p1",)),
    (4, "15:45", "housing", "case_c", "phone_call",
     "Called the police ASB team about their witness statement for the possession claim.", ()),
    (139, "10:00", "probation", "case_d", "meeting",
     "Arrangements confirmed with the prison offender manager; the Home Office told of the "
     "conviction.", ()),
    (130, "09:20", "prison", "case_d", "custody_update",
     "Custody update: received into HMP Fenhollow on remand. Initial assessment completed.", ()),
    (90, "14:10", "prison", "case_d", "custody_update",
     "Custody update: sentenced. Release date being calculated; category C.", ()),
    (60, "11:00", "immigration", "case_d", "phone_call",
     "Home Office: liability to deportation under consideration. Interview to be arranged in "
     "custody.", ()),
    (45, "15:30", "prison", "case_d", "custody_update",
     "Custody update: adjudication for an unauthorised phone, 14 days' loss of privileges. No "
     "change to the release date.", ()),
    (24, "16:00", "probation", "case_d", "contact",
     "Legal visit at the prison: explained the Home Office letter and the support available. He "
     "asked for the support letter to go to his solicitor.", ("f1",)),
    (12, "09:10", "prison", "case_d", "custody_update",
     "Custody update: release on licence provisionally set. Approved premises place requested.",
     ()),
    (99, "10:30", "probation", "case_e", "meeting",
     "IOM selection panel: accepted onto IOM. Joint plan agreed with the police IOM team.", ()),
    (60, "14:00", "probation", "case_e", "home_visit",
     "Home visit with the police IOM officer. Engaging with drug treatment; tested negative.", ()),
    (11, "16:20", "probation", "case_e", "phone_call",
     "The police report a new arrest for shop theft. Recall to prison being considered.", ()),
)  # fmt: skip

# Corrections and the retraction: (days ago, time, who, the entry's index in DIARY, reason, change)
CORRECTIONS = (
    (43, "09:00", "practitioner", 7, "Wrong day: the observation was the evening before.",
     {"occurred_at": (45, "21:40")}),
    (28, "09:45", "council", 18, "Added the outcome of the call.",
     {"body": "Called him about the warning that has now expired and the recent complaints. He "
      "agreed to a visit next week and to use headphones after 11pm."}),
)  # fmt: skip
LOG = "Heron Court incident log"
LOG_LINES = [
    "Incidents reported by residents of Heron Court, Marshbury, compiled by the police ASB team "
    "from calls, visits and partner reports.",
    "Visitors to Flat 4 at all hours; drug litter on the stairs; residents sworn at.",
]
RETRACTION = (
    14, "09:30", "manager", 10,
    "Recorded on the wrong case: this concerns a different address. Recorded there instead.",
)  # fmt: skip


class CaseworkStories:
    """Schedules the showcase's diary, enforcement, complaints, letters and documents."""

    def __init__(self, story: Story, people: People, show: Showcase) -> None:
        self.story, self.people, self.show = story, people, show
        self.entries: dict[int, Any] = {}
        self.actions: dict[str, Any] = {}
        self.letters: dict[str, Any] = {}
        self.documents: dict[str, Any] = {}

    def plan(self) -> None:
        self._diary()
        self._enforcement()
        self._complaints()
        self._letters()
        self._documents()

    def _step(self, days: int, clock: str, who: str, action: Callable[[Any, Any], Any]) -> None:
        """Schedule ``action(actor, team)`` as ``who`` (see ``People.who``) at the time given."""
        actor, team = self.people.who(who)
        self.story.add(
            self.story.at(days, clock), partial(action, actor, team), actor=actor, team=team
        )

    # --- the diary ------------------------------------------------------------------------------

    def _diary(self) -> None:
        for index, (days, clock, who, *_rest) in enumerate(DIARY):
            # Recorded a little after it happened, as people do.
            self._step(days, later(clock, 60), who, partial(self._write, index))
        for days, clock, who, index, reason, change in CORRECTIONS:
            self._step(days, clock, who, partial(self._correct, index, reason, change))
        days, clock, who, index, reason = RETRACTION
        self._step(days, clock, who, partial(self._retract, index, reason))

    def _write(self, index: int, actor: Any, team: Any) -> None:
        days, clock, _who, record, kind, body, about = DIARY[index]
        self.entries[index] = diary.diary_entry_create(
            actor=actor,
            team=team,
            record=self.show[record],
            entry_type=kind,
            occurred_at=self.story.at(days, clock),
            body=body,
            linked_profiles=[self.show[key] for key in about],
        )

    def _correct(
        self, index: int, reason: str, change: dict[str, Any], actor: Any, team: Any
    ) -> None:
        entry = fresh(self.entries[index])
        values = dict(change)
        if "occurred_at" in values:
            values["occurred_at"] = self.story.at(*values["occurred_at"])
        diary.diary_entry_correct(
            actor=actor,
            team=team,
            entry=entry,
            expected_version=entry.version,
            reason=reason,
            **values,
        )

    def _retract(self, index: int, reason: str, actor: Any, team: Any) -> None:
        entry = fresh(self.entries[index])
        diary.diary_entry_retract(
            actor=actor, team=team, entry=entry, expected_version=entry.version, reason=reason
        )

    # --- enforcement ----------------------------------------------------------------------------

    def _enforcement(self) -> None:
        for days, clock, who, name, target, values in self._actions_planned():
            self._step(days, clock, who, partial(self._action, name, target, values))
        self._step(40, "09:30", "practitioner", self._withdraw)
        self._step(8, "21:00", "practitioner", self._breach)

    def _action(
        self, name: str, target: str, planned: dict[str, Any], actor: Any, team: Any
    ) -> None:
        """Record an action (served when a service date is given) on the case named."""
        values = dict(planned)
        case = self.show[values.pop("case")]
        issuer = values.pop("issuer", team.organisation)
        officer = values.pop("officer", actor)
        key = "target_premises" if target == "flat" else "target_profile"
        self.actions[name] = enforcement.enforcement_create(
            actor=actor,
            viewer=policy.viewer_for_user(actor, team),
            case=case,
            issuing_organisation=issuer,
            issuing_team=team if issuer == team.organisation else None,
            officer=officer,
            **{key: self.show[target]},
            **values,
        )

    def _withdraw(self, actor: Any, team: Any) -> None:
        action = fresh(self.actions["cpw_p2"])
        enforcement.enforcement_end(
            actor=actor,
            viewer=policy.viewer_for_user(actor, team),
            action=action,
            expected_version=action.version,
            status=EnforcementStatus.WITHDRAWN,
            outcome="Not served: he is now working with the youth justice service's prevention "
            "team, and the behaviour has stopped.",
        )

    def _breach(self, actor: Any, team: Any) -> None:
        action = fresh(self.actions["cpn_p1"])
        enforcement.enforcement_breach_record(
            actor=actor,
            viewer=policy.viewer_for_user(actor, team),
            action=action,
            expected_version=action.version,
            occurred_on=self.story.day(-8),
            description="Three visitors at the flat at 8pm and two more waiting on the stairs.",
            reported_by="The victim, by phone",
            response="fixed_penalty",
            response_notes="Fixed penalty notice issued: £100, or £75 if paid within 10 days.",
        )

    def _actions_planned(self) -> tuple[tuple[int, str, str, str, str, dict[str, Any]], ...]:
        """(days ago, time, who, name, target, details) of every action the stories record."""
        s = self.story
        council = self.people.organisations[data.MARSHBURY]
        return (
            (200, "14:00", "practitioner", "warning_p1", "p1", {
                "case": "case_a", "kind": K.WARNING_LETTER, "served_on": s.day(-200),
                "expires_on": s.day(-110),
                "conditions": "Stop visitors to Flat 4 causing noise and nuisance on the stairs "
                "and landings of Heron Court.",
            }),
            (160, "11:30", "practitioner", "abc_p1", "p1", {
                "case": "case_a", "kind": K.ABC, "served_on": s.day(-160), "review_on": s.day(9),
                "conditions": "Not to allow visitors to the flat between 10pm and 7am. Not to "
                "be abusive to other residents. To attend the drug service appointment offered.",
            }),
            (150, "15:00", "practitioner", "warning_p2", "p2", {
                "case": "case_a", "kind": K.WARNING_LETTER, "served_on": s.day(-150),
                "conditions": "Not to gather with others in the stairwells of Heron Court.",
            }),
            (60, "11:00", "practitioner", "cpw_p1", "p1", {
                "case": "case_a", "kind": K.CPW, "served_on": s.day(-60),
                "issuer": council, "officer": self.people["council"],
                "problem": "Visitors to the flat at all hours causing noise, intimidation and "
                "drug litter in the common parts.",
                "required_change": "Stop visitors to the flat between 10pm and 7am and stop "
                "visitors loitering in the common parts.",
                "deadline": s.day(-46),
                "consequence": "A community protection notice may be served; breaching it is "
                "an offence.",
            }),
            (50, "10:00", "practitioner", "cpw_p2", "p2", {
                "case": "case_a", "kind": K.CPW, "deadline": s.day(-29),
                "problem": "Gathering with older youths in the stairwells and intimidating "
                "residents.",
                "required_change": "Stop gathering in the common parts of Heron Court.",
            }),
            (32, "10:00", "practitioner", "cpn_p1", "p1", {
                "case": "case_a", "kind": K.CPN, "served_on": s.day(-32), "review_on": s.day(60),
                "conditions": "No visitors to the flat between 10pm and 7am. No one to loiter "
                "in the common parts on his behalf.",
            }),
            (21, "16:00", "manager", "closure_notice", "flat", {
                "case": "case_a", "kind": K.CLOSURE_NOTICE, "served_at": s.at(21, "16:00"),
                "duration_hours": 48, "hearing_on": s.day(-19),
                "conditions": "No one may enter Flat 4, Heron Court other than the tenant and "
                "those who normally live there.",
            }),
            (19, "15:00", "manager", "closure_order", "flat", {
                "case": "case_a", "kind": K.CLOSURE_ORDER, "served_on": s.day(-19),
                "court": "Marshbury Magistrates' Court", "hearing_on": s.day(-19),
                "period_months": 3, "review_on": s.day(40),
                "conditions": "No one may enter or remain in Flat 4, Heron Court, except "
                "emergency services and Meregate Homes' staff or contractors.",
            }),
            (5, "11:00", "practitioner", "injunction_p1", "p1", {
                "case": "case_a", "kind": K.CIVIL_INJUNCTION,
                "court": "Marshbury County Court", "hearing_on": s.day(12),
                "conditions": "Not to enter Heron Court. Not to contact the victim directly or "
                "through others.",
                "positive_requirements": "To attend an assessment with the drug service.",
            }),
            (228, "11:00", "council", "warning_p3", "p3", {
                "case": "case_b", "kind": K.WARNING_LETTER, "served_on": s.day(-228),
                "conditions": "No loud music between 11pm and 7am. No abuse of neighbours.",
            }),
            (200, "10:30", "council", "cpw_p3", "p3", {
                "case": "case_b", "kind": K.CPW, "served_on": s.day(-200),
                "problem": "Loud amplified music late at night and verbal abuse of neighbours.",
                "required_change": "No amplified music audible outside the house between 11pm "
                "and 7am.",
                "deadline": s.day(-172),
                "consequence": "A community protection notice may be served.",
            }),
        )  # fmt: skip

    # --- ASB complaints and the case review -----------------------------------------------------

    def _complaints(self) -> None:
        self._step(235, "10:00", "partnership_admin", self._case_review_lead)
        police = self.people.organisations[data.POLICE]
        council = self.people.organisations[data.MARSHBURY]
        housing = self.people.organisations[data.HOUSING]
        # (days ago recorded, who, victim, incident days ago, agency, on the case, what happened)
        complaints = (
            (99, "practitioner", "v1", 100, police, "case_a", "Shouting and banging on her door "
             "at 1am; a bag of drug litter left outside it."),
            (97, "council", "v1", 100, council, None, "The same night's disturbance, reported to "
             "the council's ASB line."),
            (69, "housing", "v1", 70, housing, None, "Sworn at on the stairs by visitors to "
             "Flat 4."),
            (39, "practitioner", "v1", 40, police, "case_a", "Visitors blocking the stairwell and "
             "refusing to let her pass."),
            (80, "council", "v2", 81, council, "case_b", "Music until 3am and abuse over the "
             "fence."),
            (50, "practitioner", "v2", 52, police, None, "Threats shouted at the family from the "
             "next garden."),
            (40, "housing", "v2", 100, housing, None, "Noise from next door, reported weeks "
             "later."),
        )  # fmt: skip
        for days, who, victim, incident, agency, case, description in complaints:
            complaint = partial(self._complaint, victim, incident, days, agency, case, description)
            self._step(days, "16:00", who, complaint)

    def _case_review_lead(self, actor: Any, team: Any) -> None:
        partnership = Partnership.objects.get(short_name=data.FENSHIRE.key)
        case_review_settings_update(
            actor=actor,
            partnership=partnership,
            expected_version=case_review_settings_for(partnership.pk).version,
            lead_team=self.people.team("council"),
            lead_user=self.people["council"],
        )

    def _complaint(
        self,
        victim: str,
        incident: int,
        reported: int,
        agency: Any,
        case: str | None,
        description: str,
        actor: Any,
        team: Any,
    ) -> None:
        case_review.asb_complaint_record(
            actor=actor,
            team=team,
            viewer=policy.viewer_for_user(actor, team),
            victim=self.show[victim],
            incident_on=self.story.day(-incident),
            reported_on=self.story.day(-reported),
            reporting_organisation=agency,
            location="Heron Court" if victim == "v1" else "Kingfisher Road",
            description=description,
            case=self.show[case] if case else None,
        )

    # --- letters --------------------------------------------------------------------------------

    def _letters(self) -> None:
        # (days ago, time, who, name, template, case, person, served: days ago, time, how, notes)
        plan = (
            (160, "10:30", "practitioner", "abc", "Acceptable behaviour contract", "case_a", "p1",
             (160, "11:40", "by_hand", "Signed at the police station.")),
            (60, "09:30", "practitioner", "cpw", "Community protection warning", "case_a", "p1",
             (60, "11:20", "by_hand", "Handed to him at the door with the council's ASB officer.")),
            (26, "10:00", "probation", "home_office", "Home Office letter", "case_d", "f1",
             (24, "14:00", "by_hand", "Handed over at a legal visit at HMP Fenhollow.")),
            (26, "10:05", "probation", "signposting", "Support signposting letter", "case_d", "f1",
             None),
        )  # fmt: skip
        for days, clock, who, name, template, case, person, served in plan:
            self._step(days, clock, who, partial(self._generate, name, template, case, person))
            if served is not None:
                served_days, served_clock, how, notes = served
                moment = self.story.at(served_days, served_clock)
                serve = partial(self._serve, name, moment, how, notes)
                self._step(served_days, later(served_clock, 5), who, serve)

    def _generate(
        self, name: str, template: str, case: str, person: str, actor: Any, team: Any
    ) -> None:
        chosen = LetterTemplate.objects.get(
            partnership__short_name=data.FENSHIRE.key, name=template
        )
        self.letters[name] = letters.letter_generate(
            actor=actor,
            team=team,
            viewer=policy.viewer_for_user(actor, team),
            case=self.show[case],
            template=chosen,
            profile=self.show[person],
        )

    def _serve(
        self, name: str, moment: datetime, how: str, notes: str, actor: Any, team: Any
    ) -> None:
        letter = fresh(self.letters[name])
        letters.letter_mark_served(
            actor=actor,
            team=team,
            letter=letter,
            expected_version=letter.version,
            served_at=moment,
            served_how=how,
            notes=notes,
        )

    # --- documents ------------------------------------------------------------------------------

    def _documents(self) -> None:
        # (days ago, time, who, name, record, title, filename, how to make the file)
        plan: tuple[tuple[int, str, str, str, str, str, str, Callable[[], bytes]], ...] = (
            (90, "16:00", "practitioner", "log", "case_a", LOG, "heron-court-incident-log.pdf",
             partial(files.pdf_bytes, LOG, LOG_LINES)),
            (58, "12:00", "colleague:practitioner", "photo", "case_a",
             "Damage to the communal door, photograph", "communal-door.png",
             partial(files.png_bytes, "Heron Court, communal door")),
            (44, "15:00", "council", "noise", "case_b",
             "Noise diary sheets returned by the complainant", "noise-diary-sheets.docx",
             partial(files.docx_bytes, "Noise diary sheets", [
                 "Week 1: music after midnight on four nights.",
                 "Week 2: music after midnight on five nights; shouting on Saturday.",
             ])),
            (19, "17:00", "manager", "order", "flat", "Closure order, court copy",
             "closure-order.pdf", partial(files.pdf_bytes, "Closure order", [
                 "Marshbury Magistrates' Court made a closure order for Flat 4, Heron Court, "
                 "for three months under the Anti-social Behaviour, Crime and Policing Act 2014.",
             ])),
            (95, "11:00", "probation", "plan", "case_e", "Sentence plan summary",
             "sentence-plan-summary.pdf", partial(files.pdf_bytes, "Sentence plan summary", [
                 "Objectives: drug treatment, stable accommodation, no further offending.",
             ])),
            (98, "12:00", "practitioner", "statement", "v1", "Victim personal statement",
             "victim-personal-statement.docx", partial(files.docx_bytes,
             "Victim personal statement", [
                 "How the behaviour at Heron Court has affected me and my health.",
             ])),
        )  # fmt: skip
        for days, clock, who, name, record, title, filename, make in plan:
            document = partial(self._document, name, record, title, filename, make)
            self._step(days, clock, who, document)
        self._step(20, "09:15", "practitioner", self._new_version)

    def _document(
        self,
        name: str,
        record: str,
        title: str,
        filename: str,
        make: Callable[[], bytes],
        actor: Any,
        team: Any,
    ) -> None:
        self.documents[name] = documents.document_create(
            actor=actor,
            team=team,
            record=self.show[record],
            title=title,
            upload=ContentFile(make(), name=filename),
        )

    def _new_version(self, actor: Any, team: Any) -> None:
        update = [*LOG_LINES, "Update: closure notice served and the flat closed by order."]
        documents.document_version_add(
            actor=actor,
            team=team,
            document=fresh(self.documents["log"]),
            upload=ContentFile(files.pdf_bytes(LOG, update), name="heron-court-log-v2.pdf"),
        )

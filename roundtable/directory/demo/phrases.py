"""Invented wording for the demo's diary entries, by entry type and kind of case.

Data only: nothing here names a person, and every place is one of the demo's invented ones. The
histories loader (``directory.demo.histories``) draws from these with the seed's generator.
"""

from __future__ import annotations

# Entry types each kind of case (by reference prefix) mostly records, most likely first.
TYPES_BY_PREFIX: dict[str, tuple[str, ...]] = {
    "ASB": ("contact", "home_visit", "phone_call", "warning_given", "note", "meeting"),
    "FNO": ("custody_update", "custody_update", "contact", "phone_call", "note"),
    "GANG": ("intelligence", "intelligence", "contact", "home_visit", "warning_given"),
    "IOM": ("contact", "meeting", "home_visit", "phone_call", "intelligence"),
    "DA": ("phone_call", "contact", "home_visit", "meeting", "note"),
    "MASH": ("note", "phone_call", "meeting", "contact"),
    "LIC": ("home_visit", "meeting", "warning_given", "note"),
    "PANEL": ("meeting", "note", "phone_call"),
    "MARAC": ("meeting", "note"),
}
DEFAULT_TYPES: tuple[str, ...] = ("contact", "phone_call", "home_visit", "meeting", "note")
PERSON_TYPES: tuple[str, ...] = ("contact", "phone_call", "home_visit", "note", "warning_given")

BODIES: dict[str, tuple[str, ...]] = {
    "contact": (
        "Spoke to the subject in person. They accepted that the behaviour was causing distress "
        "and agreed to keep the noise down after 11pm.",
        "Met the complainant at the community centre. Further incidents reported since the last "
        "contact; advised to keep a log with dates and times.",
        "Contact made at the address. Subject engaged well and was given details of local "
        "support services.",
        "Subject attended the office by appointment. Discussed the conditions agreed last month "
        "and the consequences of further breaches.",
        "Brief contact in the street during patrol. No concerns raised; subject polite.",
    ),
    "home_visit": (
        "Home visit. No answer at the door; calling card left asking for contact within seven "
        "days.",
        "Home visit with a colleague. Property in a poor state; referral to be made to the "
        "landlord about repairs.",
        "Home visit completed. Household spoken to together; they asked for a further visit "
        "next month.",
        "Joint home visit with the housing officer. Tenancy conditions explained again.",
        "Visited the address in the evening after further reports. Music audible from the "
        "landing; occupants asked to turn it down and complied.",
    ),
    "phone_call": (
        "Telephone call with the complainant. Incidents have reduced this week; to review at "
        "the next contact.",
        "Called the subject to rearrange the missed appointment. New date agreed.",
        "Phone call from a neighbour reporting shouting late last night. Logged and passed to "
        "the neighbourhood team.",
        "Left a voicemail asking the subject to call back about the recent reports.",
        "Call with the partner agency to agree who will lead the next visit.",
    ),
    "meeting": (
        "Multi-agency problem-solving meeting. Actions agreed: joint visit, CCTV request and a "
        "review in four weeks.",
        "Case review meeting with the team manager. Risk remains; continue current plan.",
        "Professionals meeting held online. Information shared under the partnership agreement.",
        "Meeting with the school's safeguarding lead about attendance and behaviour.",
    ),
    "warning_given": (
        "Verbal warning given about the behaviour reported this week. Subject told that a "
        "written warning will follow if it continues.",
        "Written warning given in person and its meaning explained.",
        "Warned about associating with the group seen at the parade of shops.",
    ),
    "note": (
        "Case notes reviewed. Awaiting information from the partner agency before the next step.",
        "Reminder set to check the review date with the team manager.",
        "Information received from the council's environmental protection team; added to the file.",
        "Risk assessment updated after the latest reports.",
    ),
    "custody_update": (
        "Custody update: remanded in custody at HMP Fenhollow pending sentence.",
        "Custody update: sentenced today; release date to be confirmed by the prison.",
        "Custody update: transferred between wings after an adjudication. No change to the "
        "release date.",
        "Custody update: release on licence planned; pre-release meeting booked with probation.",
        "Custody update: immigration interview held in custody; outcome awaited.",
    ),
    "intelligence": (
        "Intelligence received that the group is using a flat on the estate to store drugs. "
        "Graded and passed to the intelligence unit.",
        "Intelligence: the subject was seen with known associates near the station late at night.",
        "Intelligence report: new vehicle linked to the group, details on the intelligence system.",
        "Community intelligence about younger children being recruited to run errands for the "
        "group.",
    ),
}

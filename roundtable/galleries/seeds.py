"""The standard galleries a partnership starts with, each configured as a real partnership would.

``galleries_seed(partnership)`` adds, through ``services.galleries.gallery_create`` (as the
system), each gallery of ``SPECS`` the partnership lacks (by address name), with its form (the
forms engine's schema: one section per field, conditions, scoring, promoted columns for
filters), statuses, section, access and retention. Its managing and named teams are chosen by
what each team does (``benchmarks.plan.team_function``, as the demo and the benchmarks do) among
the partnership's teams and the national organisations' (the Home Office). A gallery for which
the partnership lacks one of the managing teams is left out; a gallery already there is left as
it is, so running it again changes nothing and an administrator's changes survive.

Access, per gallery (see docs/galleries.md, "Seeded galleries"): every gallery is open only to its
managing and named teams (``teams``), except the Dementia gallery (Herbert Protocol), which any
team of the partnership may open (``partnership``) because any officer may need it when someone
goes missing; each member is then shown only as far as the person's record is shared. The
galleries about exploitation, gangs and health are "audited": a team outside the managers states
a purpose to open them. Special category answers (health, substance use, sexual exploitation)
are filed in the person's ``sensitive`` section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from roundtable.benchmarks.plan import team_function
from roundtable.directory.models import Partnership, Team
from roundtable.galleries.models import Gallery, GalleryAccess
from roundtable.galleries.services.galleries import GalleryDetails, gallery_create
from roundtable.sharing.models import AccessLevel

# --- the custody convention -----------------------------------------------------------------

#: A gallery takes custody updates from prison staff when its form has a one-choice field with
#: this key whose choices include every custody status below (``galleries.custody``).
CUSTODY_STATUS = "custody_status"
CUSTODY_ESTABLISHMENT = "custody_establishment"
CUSTODY_DATE = "custody_updated_on"
CUSTODY_RELEASE = "custody_release_expected_on"
CUSTODY_KEYS = (CUSTODY_STATUS, CUSTODY_ESTABLISHMENT, CUSTODY_DATE, CUSTODY_RELEASE)
CUSTODY_STATUSES: tuple[tuple[str, str], ...] = (
    ("remanded", "Remanded in custody"),
    ("sentenced", "Sentenced"),
    ("released", "Released"),
    ("transferred", "Transferred to another establishment"),
    ("recalled", "Recalled to custody"),
)


def custody_fields(section: str) -> list[dict[str, Any]]:
    """The four custody fields of the convention, filed in one section of the person."""
    return [
        {
            "key": CUSTODY_STATUS,
            "label": "Custody status",
            "type": "choice",
            "section": section,
            "choices": [{"value": value, "label": label} for value, label in CUSTODY_STATUSES],
            "hint": "Recorded by prison staff with a custody update.",
            "promote": True,
        },
        {
            "key": CUSTODY_ESTABLISHMENT,
            "label": "Establishment",
            "type": "text",
            "section": section,
            "validation": {"max_length": 120},
        },
        {
            "key": CUSTODY_DATE,
            "label": "Date of the custody status",
            "type": "date",
            "section": section,
            "validation": {"not_future": True},
        },
        {
            "key": CUSTODY_RELEASE,
            "label": "Expected release date",
            "type": "date",
            "section": section,
            "promote": True,
        },
    ]


# --- the specs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamPick:
    """A team chosen by what it does: organisation kind, function, and a word its name has."""

    kind: str
    function: str
    word: str = ""
    every: bool = False  # all such teams, not only the first


@dataclass(frozen=True)
class GallerySpec:
    name: str
    purpose: str
    eligibility: str
    section: str
    statuses: tuple[str, ...]
    retention_months: int
    managing: tuple[TeamPick, ...]
    fields: dict[str, Any]
    viewers: tuple[TeamPick, ...] = ()
    access: str = GalleryAccess.TEAMS
    access_level: str = AccessLevel.OPEN
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return slugify(self.name)[:60]


def _choices(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs]


#: The 10 headline outcomes of the Supporting Families framework (2022 to 2025).
HEADLINES: tuple[tuple[str, str], ...] = (
    ("education", "Getting a good education"),
    ("early_years", "Good early years development"),
    ("health", "Improved mental and physical health"),
    ("substance_use", "Promoting recovery and reducing harm from substance use"),
    ("relationships", "Improved family relationships"),
    ("exploitation", "Children safe from abuse and exploitation"),
    ("crime", "Crime prevention and tackling crime"),
    ("domestic_abuse", "Safe from domestic abuse"),
    ("housing", "Secure housing"),
    ("finance", "Financial stability"),
)
FAMILY_WITH = (
    ("dependent_children", "Dependent children"),
    ("expectant_parents", "Expectant parents"),
    ("both", "Dependent children and expectant parents"),
    ("neither", "Neither"),
)
#: The seven resettlement pathways an IOM member's needs are recorded against.
PATHWAYS: tuple[tuple[str, str], ...] = (
    ("accommodation", "Accommodation"),
    ("employment", "Education, training and employment"),
    ("health", "Health"),
    ("drugs_alcohol", "Drugs and alcohol"),
    ("finance", "Finance, benefit and debt"),
    ("family", "Children and families"),
    ("attitudes", "Attitudes, thinking and behaviour"),
)

FOREIGN_NATIONALS = GallerySpec(
    name="Foreign Nationals",
    purpose=(
        "Foreign national offenders managed jointly with the Home Office: the letters served, "
        "officer visits and breaches, custody updates from prison staff, and the Home Office's "
        "decision on removal. Used to find the foreign nationals causing most harm."
    ),
    eligibility=(
        "Not a British citizen, and arrested for, charged with or convicted of an offence in the "
        "partnership's area. Refer to the Home Office (Criminal Casework) on arrest or within 5 "
        "working days of sentence."
    ),
    section="offending",
    statuses=("In custody", "In the community", "Removed from the UK"),
    retention_months=24,
    managing=(TeamPick("police", "iom"), TeamPick("home_office", "immigration", "immigration")),
    viewers=(TeamPick("prison", "prison"), TeamPick("probation", "probation", every=True)),
    fields={
        "fields": [
            {
                "key": "nationality",
                "label": "Nationality",
                "type": "country",
                "section": "identity",
                "promote": True,
            },
            {
                "key": "country_of_origin",
                "label": "Country of origin",
                "type": "country",
                "section": "identity",
                "hint": "The country whose guidance applies, when it differs from nationality.",
            },
            {
                "key": "immigration_status",
                "label": "Immigration status",
                "type": "choice",
                "section": "offending",
                "promote": True,
                "choices": _choices(
                    ("settled", "EU Settlement Scheme: settled status"),
                    ("pre_settled", "EU Settlement Scheme: pre-settled status"),
                    ("indefinite_leave", "Indefinite leave to remain"),
                    ("limited_leave", "Limited leave to remain"),
                    ("asylum_claim", "Asylum claim pending"),
                    ("refugee", "Refugee status"),
                    ("overstayer", "Overstayed their leave"),
                    ("no_status", "No lawful status"),
                    ("unknown", "Not known yet"),
                ),
            },
            {
                "key": "home_office_reference",
                "label": "Home Office reference",
                "type": "text",
                "section": "offending",
                "validation": {"max_length": 40},
            },
            {
                "key": "home_office_notified_on",
                "label": "Date the Home Office was notified",
                "type": "date",
                "section": "offending",
                "validation": {"not_future": True},
                "promote": True,
            },
            {
                "key": "home_office_response",
                "label": "Home Office response",
                "type": "choice",
                "section": "offending",
                "choices": _choices(
                    ("awaited", "Awaited"),
                    ("deportation_considered", "Deportation being considered"),
                    ("deportation_order", "Deportation order made"),
                    ("detention", "Immigration detention"),
                    ("no_action", "No immigration action"),
                ),
            },
            {
                "key": "detention_requested",
                "label": "Was immigration detention requested?",
                "type": "yes_no",
                "section": "offending",
            },
            {
                "key": "conditions_served",
                "label": "Conditions served",
                "type": "long_text",
                "section": "offending",
                "hint": "The expectations set out in the letters, and the conditions of any "
                "caution or licence.",
            },
            {
                "key": "home_office_letter_on",
                "label": "Home Office letter served on",
                "type": "date",
                "section": "offending",
                "validation": {"not_future": True},
            },
            {
                "key": "chief_inspector_letter_on",
                "label": "Chief inspector's letter served on",
                "type": "date",
                "section": "offending",
                "validation": {"not_future": True},
            },
            {
                "key": "signposting_letter_on",
                "label": "Support signposting letter served on",
                "type": "date",
                "section": "offending",
                "validation": {"not_future": True},
            },
            {
                "key": "officer_visits",
                "label": "Officer visits",
                "type": "number",
                "section": "offending",
                "validation": {"min": 0, "max": 500, "integer": True},
            },
            {
                "key": "breached",
                "label": "Has the person breached their conditions?",
                "type": "yes_no",
                "section": "offending",
            },
            {
                "key": "breach_count",
                "label": "Number of breaches",
                "type": "number",
                "section": "offending",
                "validation": {"min": 1, "max": 500, "integer": True},
                "show_when": {"field": "breached", "equals": True},
                "promote": True,
            },
            {
                "key": "breach_details",
                "label": "What the breaches were",
                "type": "long_text",
                "section": "offending",
                "show_when": {"field": "breached", "equals": True},
            },
            *custody_fields("offending"),
            {
                "key": "repatriation",
                "label": "Repatriation recommendation",
                "type": "choice",
                "section": "offending",
                "choices": _choices(
                    ("immediate", "Immediate repatriation"),
                    ("treaty_rights", "Reminder of treaty rights"),
                    ("not_recommended", "Not recommended"),
                ),
            },
            {
                "key": "repatriation_outcome",
                "label": "Repatriation outcome",
                "type": "choice",
                "section": "offending",
                "choices": _choices(
                    ("pending", "Pending"),
                    ("removed", "Removed from the UK"),
                    ("left_voluntarily", "Left the UK voluntarily"),
                    ("remains", "Remains in the UK"),
                ),
                "show_when": {"field": "repatriation", "in": ["immediate", "treaty_rights"]},
            },
        ]
    },
)

FAMILIES = GallerySpec(
    name="Families",
    purpose=(
        "Supporting Families: families with dependent children or expectant parents and at "
        "least 3 of the programme's headline needs, worked with a lead practitioner, a "
        "whole-family assessment and a plan, and outcomes checked 6 months after closure."
    ),
    eligibility=(
        "Dependent children or expectant parents, and at least 3 of the 10 headline needs of "
        "the national outcomes framework. Add the family's lead member; link the others."
    ),
    section="relationships",
    statuses=("Identified", "Assessed", "Plan in place", "Closed", "Outcomes sustained"),
    retention_months=36,
    managing=(TeamPick("local_authority", "children", "early help"),),
    viewers=(
        TeamPick("local_authority", "children", "children"),
        TeamPick("youth_justice", "youth"),
        TeamPick("education", "education", "safeguarding"),
    ),
    fields={
        "fields": [
            {
                "key": f"household_member_{index}",
                "label": f"Household member {index}",
                "type": "person_link",
                "section": "relationships",
                "hint": "The reference of another person in the household." if index == 1 else "",
            }
            for index in range(1, 6)
        ]
        + [
            {
                "key": "family_with",
                "label": "Does the family have dependent children or expectant parents?",
                "type": "choice",
                "section": "relationships",
                "required": True,
                "choices": _choices(*FAMILY_WITH),
                "promote": True,
            },
            {
                "key": "headline_needs",
                "label": "Headline needs met",
                "type": "multi_choice",
                "section": "sensitive",
                "hint": "The needs of the family against the national outcomes framework.",
                "choices": _choices(*HEADLINES),
            },
            {
                "key": "lead_practitioner",
                "label": "Lead practitioner",
                "type": "text",
                "section": "relationships",
                "hint": "Name and agency of the practitioner who leads the work with the family.",
                "validation": {"max_length": 120},
            },
            {
                "key": "assessment_on",
                "label": "Whole-family assessment completed on",
                "type": "date",
                "section": "relationships",
                "validation": {"not_future": True},
                "promote": True,
            },
            {
                "key": "family_plan",
                "label": "Family plan",
                "type": "long_text",
                "section": "sensitive",
                "hint": "The actions agreed with the family, who does each, and by when.",
            },
            {
                "key": "plan_agreed_on",
                "label": "Plan agreed on",
                "type": "date",
                "section": "relationships",
                "validation": {"not_future": True},
            },
            {
                "key": "closed_on",
                "label": "Case closed on",
                "type": "date",
                "section": "relationships",
                "validation": {"not_future": True},
                "promote": True,
            },
            {
                "key": "outcomes_achieved",
                "label": "Outcomes achieved at closure",
                "type": "multi_choice",
                "section": "sensitive",
                "choices": _choices(*HEADLINES),
            },
            {
                "key": "outcomes_sustained",
                "label": "Outcomes sustained 6 months after closure",
                "type": "multi_choice",
                "section": "sensitive",
                "hint": "A results claim needs every need's outcome sustained.",
                "choices": _choices(*HEADLINES),
            },
            {
                "key": "sustained_checked_on",
                "label": "Sustained outcomes checked on",
                "type": "date",
                "section": "relationships",
                "validation": {"not_future": True},
            },
        ],
        # At least 3 headlines and dependent children or expectant parents: each headline is 1
        # point, the family's children or expected baby 100, so 103 or more qualifies.
        "scoring": {
            "label": "Supporting Families eligibility",
            "method": "weighted_sum",
            "section": "sensitive",
            "weights": {
                "family_with": {"dependent_children": 100, "expectant_parents": 100, "both": 100},
                "headline_needs": {value: 1 for value, _label in HEADLINES},
            },
            "levels": [
                {"min": 0, "max": 99, "level": "Not eligible: no children or expectant parents"},
                {"min": 100, "max": 102, "level": "Not eligible: fewer than 3 headline needs"},
                {"min": 103, "level": "Eligible"},
            ],
        },
    },
)

IOM = GallerySpec(
    name="IOM cohort",
    purpose=(
        "Integrated offender management: the partnership's prolific and priority offenders, "
        "managed jointly by police and probation in the Fixed, Flex and Free cohorts."
    ),
    eligibility=(
        "Fixed: the nationally set neighbourhood crime cohort. Flex: local priorities agreed by "
        "the partnership. Free: others the partnership chooses to manage. Review at least every "
        "3 months; reset when the person's risk or offending changes."
    ),
    section="offending",
    statuses=("Fixed", "Flex", "Free"),
    retention_months=24,
    managing=(TeamPick("police", "iom"), TeamPick("probation", "probation", every=True)),
    viewers=(TeamPick("prison", "prison"),),
    fields={
        "fields": [
            {
                "key": "selection_reason",
                "label": "Reason selected",
                "type": "choice",
                "section": "offending",
                "required": True,
                "promote": True,
                "choices": _choices(
                    ("neighbourhood_crime", "Neighbourhood crime (burglary, robbery, theft)"),
                    ("serious_violence", "Serious violence"),
                    ("domestic_abuse", "Domestic abuse perpetrator"),
                    ("local_priority", "Local priority agreed by the partnership"),
                    ("high_reoffending", "High likelihood of reoffending"),
                ),
            },
            {
                "key": "selected_on",
                "label": "Selected on",
                "type": "date",
                "section": "offending",
                "validation": {"not_future": True},
            },
            {
                "key": "lead_agency",
                "label": "Lead agency",
                "type": "choice",
                "section": "offending",
                "choices": _choices(("police", "Police"), ("probation", "Probation")),
                "promote": True,
            },
            {
                "key": "ogrs_score",
                "label": "OGRS score (2-year reoffending likelihood, %)",
                "type": "number",
                "section": "offending",
                "hint": "Imported from the probation assessment; not calculated here.",
                "validation": {"min": 0, "max": 100},
                "promote": True,
            },
            {
                "key": "pathway_needs",
                "label": "Pathway needs",
                "type": "multi_choice",
                "section": "sensitive",
                "choices": _choices(*PATHWAYS),
            },
            {
                "key": "last_reset_on",
                "label": "Last reviewed or reset on",
                "type": "date",
                "section": "offending",
                "validation": {"not_future": True},
                "promote": True,
            },
            {
                "key": "deselection_reason",
                "label": "Reason de-selected",
                "type": "choice",
                "section": "offending",
                "hint": "When the person leaves the cohort.",
                "choices": _choices(
                    ("reduced_risk", "Reduced risk and offending"),
                    ("long_custody", "Long custodial sentence"),
                    ("moved_away", "Moved out of the area"),
                    ("no_longer_eligible", "No longer meets the criteria"),
                    ("deceased", "Deceased"),
                ),
            },
        ]
    },
)

YOUNG_PEOPLE = GallerySpec(
    name="Young people",
    purpose=(
        "Children and young people at risk of offending or exploitation, worked with by youth "
        "justice, early help and schools together."
    ),
    eligibility="Aged 10 to 17 (or up to 25 with a care leaver or special needs plan).",
    section="risk",
    statuses=("Open", "Monitoring"),
    retention_months=24,
    managing=(TeamPick("youth_justice", "youth", "case management"),),
    viewers=(
        TeamPick("youth_justice", "youth", "prevention"),
        TeamPick("local_authority", "children", "children"),
        TeamPick("education", "education", "safeguarding"),
    ),
    fields={
        "fields": [
            {
                "key": "education_status",
                "label": "Education",
                "type": "choice",
                "section": "risk",
                "promote": True,
                "choices": _choices(
                    ("full_time", "In full-time education"),
                    ("part_time", "Part-time timetable"),
                    ("excluded", "Excluded"),
                    ("neet", "Not in education, employment or training"),
                ),
            },
            {
                "key": "youth_justice_status",
                "label": "Youth justice involvement",
                "type": "choice",
                "section": "offending",
                "choices": _choices(
                    ("none", "None"),
                    ("prevention", "Prevention"),
                    ("out_of_court", "Out-of-court disposal"),
                    ("court_order", "Court order"),
                ),
            },
            {
                "key": "exploitation_concern",
                "label": "Is there a concern about exploitation?",
                "type": "yes_no",
                "section": "risk",
            },
            {
                "key": "trusted_adult",
                "label": "Trusted adult",
                "type": "text",
                "section": "relationships",
                "validation": {"max_length": 120},
            },
            {
                "key": "interventions",
                "label": "Interventions in place",
                "type": "long_text",
                "section": "risk",
            },
        ]
    },
)

GANGS = GallerySpec(
    name="Gangs",
    purpose=(
        "People involved in or at risk from organised group violence, for joint disruption and "
        "diversion."
    ),
    eligibility=(
        "Evidence of involvement in serious group violence, not association or music alone. "
        "Review every 3 months and remove anyone the evidence no longer supports."
    ),
    section="offending",
    statuses=("Active", "At risk", "Exiting"),
    retention_months=12,
    managing=(
        TeamPick("police", "neighbourhood", "neighbourhood"),
        TeamPick("youth_justice", "youth", "case management"),
    ),
    access_level=AccessLevel.AUDITED,
    fields={
        "fields": [
            {
                "key": "group_name",
                "label": "Group",
                "type": "text",
                "section": "offending",
                "validation": {"max_length": 80},
                "promote": True,
            },
            {
                "key": "role",
                "label": "Role",
                "type": "choice",
                "section": "offending",
                "choices": _choices(
                    ("leading", "Leading"),
                    ("involved", "Involved"),
                    ("at_risk", "At risk of involvement"),
                ),
                "promote": True,
            },
            {
                "key": "evidence",
                "label": "Evidence of involvement",
                "type": "long_text",
                "section": "offending",
                "required": True,
            },
            {
                "key": "weapons_access",
                "label": "Is there intelligence of access to weapons?",
                "type": "yes_no",
                "section": "risk",
            },
            {
                "key": "reviewed_on",
                "label": "Evidence last reviewed on",
                "type": "date",
                "section": "offending",
                "validation": {"not_future": True},
                "promote": True,
            },
        ]
    },
)

CSE = GallerySpec(
    name="CSE",
    purpose="Children at risk of child sexual exploitation, with their indicators and safety plan.",
    eligibility="A child (under 18) with indicators of sexual exploitation, agreed at strategy.",
    section="sensitive",
    statuses=("High risk", "Medium risk", "Low risk"),
    retention_months=72,
    managing=(TeamPick("police", "mash"), TeamPick("local_authority", "children", "children")),
    viewers=(TeamPick("education", "education", "safeguarding"),),
    access_level=AccessLevel.AUDITED,
    fields={
        "fields": [
            {
                "key": "indicators",
                "label": "Indicators",
                "type": "multi_choice",
                "section": "sensitive",
                "choices": _choices(
                    ("missing", "Missing from home or care"),
                    ("older_partner", "Relationship with an older person"),
                    ("gifts", "Unexplained gifts or money"),
                    ("substances", "Substance misuse"),
                    ("online", "Concerning contact online"),
                    ("hotspots", "Seen at places of concern"),
                ),
            },
            {
                "key": "missing_episodes",
                "label": "Missing episodes in the last 3 months",
                "type": "number",
                "section": "sensitive",
                "validation": {"min": 0, "max": 200, "integer": True},
                "promote": True,
            },
            {
                "key": "person_of_concern",
                "label": "Person of concern",
                "type": "person_link",
                "section": "sensitive",
            },
            {
                "key": "strategy_meeting_on",
                "label": "Last strategy meeting",
                "type": "date",
                "section": "sensitive",
                "validation": {"not_future": True},
                "promote": True,
            },
            {
                "key": "safety_plan",
                "label": "Safety plan",
                "type": "long_text",
                "section": "sensitive",
            },
        ]
    },
)

DEMENTIA = GallerySpec(
    name="Dementia",
    purpose=(
        "The Herbert Protocol: details of people living with dementia, gathered in advance with "
        "their family or carers, so that the police have them at once if the person goes "
        "missing."
    ),
    eligibility="A person living with dementia whose family or carers agree to the record.",
    section="sensitive",
    statuses=("Living at home", "In care", "Missing"),
    retention_months=12,
    managing=(
        TeamPick("local_authority", "adults"),
        TeamPick("police", "neighbourhood", "neighbourhood"),
    ),
    access=GalleryAccess.PARTNERSHIP,
    access_level=AccessLevel.AUDITED,
    fields={
        "fields": [
            {
                "key": "consent",
                "label": "Did the person or their family agree to this record?",
                "type": "yes_no",
                "section": "sensitive",
                "required": True,
            },
            {
                "key": "physical_description",
                "label": "Physical description",
                "type": "long_text",
                "section": "sensitive",
                "hint": "Height, build, hair, glasses, what they usually wear.",
            },
            {
                "key": "photo",
                "label": "Recent photo",
                "type": "file",
                "section": "sensitive",
                "hint": "The reference of a photo on the person's Documents page.",
            },
            {
                "key": "places_may_go",
                "label": "Places they may go",
                "type": "long_text",
                "section": "sensitive",
                "hint": "Former homes and workplaces, places of worship, favourite walks.",
            },
            {
                "key": "former_address",
                "label": "Former address they may return to",
                "type": "address",
                "section": "sensitive",
            },
            {
                "key": "medication",
                "label": "Medication and what happens if a dose is missed",
                "type": "long_text",
                "section": "sensitive",
            },
            {
                "key": "mobility",
                "label": "Mobility",
                "type": "choice",
                "section": "sensitive",
                "choices": _choices(
                    ("walks_far", "Walks long distances"),
                    ("walks_short", "Walks short distances"),
                    ("uses_transport", "Uses buses or trains"),
                    ("drives", "Still drives"),
                ),
            },
            {
                "key": "contacts",
                "label": "Contacts if they go missing",
                "type": "long_text",
                "section": "sensitive",
                "hint": "Names, relationship and phone numbers of family or carers.",
            },
            {
                "key": "missing_before",
                "label": "Times missing before",
                "type": "number",
                "section": "sensitive",
                "validation": {"min": 0, "max": 500, "integer": True},
            },
        ]
    },
)

STALKING = GallerySpec(
    name="Stalking",
    purpose="Stalking perpetrators and the protection in place for their victims.",
    eligibility="Fixated, obsessive, unwanted and repeated behaviour reported to any agency.",
    section="risk",
    statuses=("Active", "Order in place", "Monitoring"),
    retention_months=36,
    managing=(TeamPick("police", "domestic"),),
    viewers=(TeamPick("voluntary", "domestic", "violence"), TeamPick("probation", "probation")),
    fields={
        "fields": [
            {
                "key": "victim",
                "label": "Victim",
                "type": "person_link",
                "section": "relationships",
            },
            {
                "key": "relationship",
                "label": "Relationship to the victim",
                "type": "choice",
                "section": "relationships",
                "promote": True,
                "choices": _choices(
                    ("ex_partner", "Former partner"),
                    ("acquaintance", "Acquaintance"),
                    ("colleague", "Colleague"),
                    ("stranger", "Stranger"),
                ),
            },
            {
                "key": "online",
                "label": "Does the stalking include online contact?",
                "type": "yes_no",
                "section": "risk",
            },
            {
                "key": "protection",
                "label": "Protection in place",
                "type": "choice",
                "section": "risk",
                "choices": _choices(
                    ("none", "None yet"),
                    ("interim_spo", "Interim stalking protection order"),
                    ("spo", "Stalking protection order"),
                    ("restraining_order", "Restraining order"),
                ),
            },
            {
                "key": "order_expires_on",
                "label": "Order expires on",
                "type": "date",
                "section": "risk",
                "show_when": {
                    "field": "protection",
                    "in": ["interim_spo", "spo", "restraining_order"],
                },
                "promote": True,
            },
        ]
    },
)

SPECS: tuple[GallerySpec, ...] = (
    FOREIGN_NATIONALS,
    FAMILIES,
    IOM,
    YOUNG_PEOPLE,
    GANGS,
    CSE,
    DEMENTIA,
    STALKING,
)


# --- choosing teams ---------------------------------------------------------------------------


def partnership_teams(partnership: Partnership) -> list[Team]:
    """Active teams of the partnership's organisations and of national ones, in a stable order."""
    return list(
        Team.objects.filter(is_active=True, organisation__is_active=True)
        .filter(
            Q(organisation__partnership=partnership) | Q(organisation__partnership__isnull=True)
        )
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )


def pick(teams: Sequence[Team], wanted: TeamPick) -> list[Team]:
    """The teams that do what ``wanted`` says (the first only, unless it wants every one)."""
    found = [
        team
        for team in teams
        if team.organisation.kind == wanted.kind
        and team_function(team.organisation.kind, team.name) == wanted.function
        and wanted.word in team.name.lower()
    ]
    return found if wanted.every else found[:1]


def _chosen(teams: Sequence[Team], picks: Sequence[TeamPick]) -> list[Team]:
    chosen: list[Team] = []
    for wanted in picks:
        chosen.extend(team for team in pick(teams, wanted) if team not in chosen)
    return chosen


@transaction.atomic
def galleries_seed(partnership: Partnership) -> list[Gallery]:
    """Add the standard galleries the partnership lacks (by address name); returns those added."""
    existing = set(Gallery.objects.filter(partnership=partnership).values_list("slug", flat=True))
    teams = partnership_teams(partnership)
    added: list[Gallery] = []
    for spec in SPECS:
        if spec.slug in existing:
            continue
        if any(not pick(teams, wanted) for wanted in spec.managing):
            continue  # the partnership lacks a team the gallery needs to manage it
        managing = _chosen(teams, spec.managing)
        viewers = [team for team in _chosen(teams, spec.viewers) if team not in managing]
        details = GalleryDetails(
            name=spec.name,
            purpose=spec.purpose,
            eligibility=spec.eligibility,
            access=spec.access,
            access_level=spec.access_level,
            section=spec.section,
            statuses=spec.statuses,
            retention_months=spec.retention_months,
            managing_teams=tuple(managing),
            viewer_teams=tuple(viewers),
        )
        added.append(
            gallery_create(actor=None, partnership=partnership, details=details, fields=spec.fields)
        )
    return added

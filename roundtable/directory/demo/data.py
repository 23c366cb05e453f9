"""The fixed shape of the demo: partnerships, organisations, teams, personas and invented names.

Everything here is invented. Place names (Fenshire, Marshbury, Eastmere, Westmarch, Meregate,
Fenhollow) are made up for the demo; email domains use the reserved ``.example`` top-level domain
so no message can ever reach a real mailbox. This module holds data only and must never write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roundtable.directory.models import Capability, OrganisationKind, Role

# One published password for every demo account. It exists only in demo, development and test
# installations: the demo commands refuse to run when ROUNDTABLE_ENV is production.
DEMO_PASSWORD = "fenshire demo password"  # noqa: S105


@dataclass(frozen=True)
class PartnershipSpec:
    key: str
    name: str


@dataclass(frozen=True)
class TeamSpec:
    name: str
    size: int  # generated people, the first of whom manages the team
    practitioner_title: str
    manager_title: str
    description: str = ""


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    short_name: str
    kind: OrganisationKind
    partnership: str | None  # a PartnershipSpec key; None for a national organisation
    domain: str
    teams: tuple[TeamSpec, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PersonaSpec:
    key: str
    persona: str
    full_name: str
    email: str
    job_title: str
    organisation: str | None  # an OrganisationSpec name; None for a system administrator
    team: str | None
    role: Role = Role.PRACTITIONER
    capabilities: tuple[Capability, ...] = ()


FENSHIRE = PartnershipSpec("fenshire", "Fenshire Community Safety Partnership")
WESTMARCH = PartnershipSpec("westmarch", "Westmarch Community Safety Partnership")
PARTNERSHIPS = (FENSHIRE, WESTMARCH)

_K = OrganisationKind
_T = TeamSpec
POLICE = "Fenshire Constabulary"
MARSHBURY = "Marshbury District Council"
COUNTY = "Fenshire County Council"
HOUSING = "Meregate Homes"
PROBATION = "Probation Service Fenshire"
PRISON = "HMP Fenhollow"
HOME_OFFICE = "Home Office Immigration Enforcement"

ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec(POLICE, "FC", _K.POLICE, "fenshire", "fenshire-police.example", (
        _T("Anti-Social Behaviour Team", 8, "Police constable", "Police sergeant"),
        _T("Integrated Offender Management", 6, "IOM officer", "IOM sergeant"),
        _T("Marshbury Neighbourhood Policing Team", 8, "PCSO", "Neighbourhood sergeant"),
        _T("Eastmere Neighbourhood Policing Team", 7, "PCSO", "Neighbourhood sergeant"),
        _T("Multi-Agency Safeguarding Hub", 6, "Safeguarding officer", "Detective sergeant"),
        _T("Domestic Abuse Investigation Unit", 6, "Detective constable", "Detective sergeant"),
        _T("Licensing Unit", 3, "Licensing officer", "Licensing manager"),
        _T("Custody", 5, "Detention officer", "Custody sergeant"),
        _T("Information Management Unit", 3, "Information officer", "Data protection officer"),
    )),
    OrganisationSpec(MARSHBURY, "MDC", _K.LOCAL_AUTHORITY, "fenshire", "marshbury-dc.example", (
        _T("Community Safety and ASB Team", 5, "ASB officer", "Community safety manager"),
        _T("Licensing Team", 3, "Licensing officer", "Licensing manager"),
        _T("Housing Options", 5, "Housing options officer", "Housing options manager"),
        _T("Environmental Protection", 3, "Environmental health officer", "EP manager"),
    )),
    OrganisationSpec("Eastmere District Council", "EDC", _K.LOCAL_AUTHORITY, "fenshire",
                     "eastmere-dc.example", (
        _T("Community Safety Team", 4, "Community safety officer", "Community safety manager"),
        _T("Licensing Team", 2, "Licensing officer", "Licensing manager"),
        _T("Housing Options", 4, "Housing options officer", "Housing options manager"),
    )),
    OrganisationSpec(COUNTY, "FCC", _K.LOCAL_AUTHORITY, "fenshire", "fenshire-cc.example", (
        _T("Community Safety Partnership Team", 3, "Partnership analyst", "CSP manager"),
        _T("Early Help and Supporting Families", 6, "Family worker", "Early help manager"),
        _T("Children's Services Front Door", 5, "Social worker", "Team manager"),
        _T("Adult Safeguarding", 4, "Safeguarding adults officer", "Team manager"),
    )),
    OrganisationSpec(HOUSING, "MH", _K.HOUSING, "fenshire", "meregate-homes.example", (
        _T("Tenancy Enforcement Team", 5, "Tenancy enforcement officer", "Team leader"),
        _T("Neighbourhood Housing Officers", 6, "Housing officer", "Neighbourhood manager"),
    )),
    OrganisationSpec(PROBATION, "PSF", _K.PROBATION, "fenshire", "fenshire-probation.example", (
        _T("Marshbury Offender Management", 6, "Probation officer", "Senior probation officer"),
        _T("Eastmere Offender Management", 5, "Probation officer", "Senior probation officer"),
        _T("Victim Liaison Unit", 3, "Victim liaison officer", "Senior probation officer"),
    )),
    OrganisationSpec(PRISON, "HMPF", _K.PRISON, "fenshire", "hmp-fenhollow.example", (
        _T("Offender Management Unit", 5, "Prison offender manager", "Head of OMU"),
        _T("Security and Intelligence", 4, "Intelligence analyst", "Head of security"),
        _T("Safer Custody", 3, "Safer custody officer", "Safer custody manager"),
    )),
    OrganisationSpec("Fenshire Youth Justice Service", "FYJS", _K.YOUTH_JUSTICE, "fenshire",
                     "fenshire-yjs.example", (
        _T("Youth Justice Case Management", 5, "Youth justice worker", "Team manager"),
        _T("Prevention and Diversion", 3, "Prevention worker", "Team manager"),
    )),
    OrganisationSpec(HOME_OFFICE, "HOIE", _K.HOME_OFFICE, None, "homeoffice-ie.example", (
        _T("Immigration Compliance and Enforcement East", 4, "Immigration officer",
                 "Chief immigration officer"),
        _T("Criminal and Financial Investigation", 3, "Investigator", "Senior investigator"),
    )),
    OrganisationSpec("Fenshire Mental Health NHS Foundation Trust", "FMHT", _K.HEALTH, "fenshire",
                     "fenshire-mh-nhs.example", (
        _T("Community Mental Health Team", 4, "Community psychiatric nurse", "Team lead"),
        _T("Liaison and Diversion Service", 3, "Liaison and diversion worker", "Team lead"),
    )),
    OrganisationSpec("Eastmere Academy", "EA", _K.EDUCATION, "fenshire",
                     "eastmere-academy.example", (
        _T("Safeguarding Team", 3, "Deputy safeguarding lead", "Designated safeguarding lead"),
        _T("Pastoral Support", 3, "Pastoral support worker", "Head of year"),
    )),
    OrganisationSpec("Fenshire Fire and Rescue Service", "FFRS", _K.FIRE, "fenshire",
                     "fenshire-fire.example", (
        _T("Prevention and Protection", 4, "Fire safety advocate", "Station manager"),
        _T("Arson Reduction Team", 2, "Arson reduction officer", "Watch manager"),
    )),
    OrganisationSpec("Fenshire Victims' Voice", "FVV", _K.VOLUNTARY, "fenshire",
                     "fenshire-victims-voice.example", (
        _T("Independent Domestic Violence Advisers", 4, "IDVA", "IDVA service manager"),
        _T("Victim and Witness Support", 3, "Support worker", "Service manager"),
    )),
    # The neighbouring partnership, so later issues have cross-border sharing to show.
    OrganisationSpec("Westmarch Police", "WP", _K.POLICE, "westmarch", "westmarch-police.example", (
        _T("Anti-Social Behaviour Team", 5, "Police constable", "Police sergeant"),
        _T("Neighbourhood Policing Team", 5, "PCSO", "Neighbourhood sergeant"),
    )),
    OrganisationSpec("Westmarch Borough Council", "WBC", _K.LOCAL_AUTHORITY, "westmarch",
                     "westmarch-bc.example", (
        _T("Community Safety Team", 4, "ASB officer", "Community safety manager"),
    )),
)  # fmt: skip

# Who, besides the named personas, holds a capability. Organisation admins (SPOCs) are drawn by
# the seed, one per organisation; these are the fixed extras: (organisation, team) whose manager
# gets the capability.
EXTRA_CAPABILITY_HOLDERS: tuple[tuple[str, str, Capability], ...] = (
    (COUNTY, "Community Safety Partnership Team", Capability.AUDITOR),
    ("Westmarch Borough Council", "Community Safety Team", Capability.PARTNERSHIP_ADMIN),
)

# How many generated people also belong to a second team in their organisation.
SECOND_TEAM_COUNT = 6

_R = Role
_C = Capability
PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec("practitioner", "Police ASB practitioner", "Jess Holloway",
                "jess.holloway@fenshire-police.example", "Police constable",
                POLICE, "Anti-Social Behaviour Team"),
    PersonaSpec("manager", "Police ASB team manager", "Tom Ainsworth",
                "tom.ainsworth@fenshire-police.example", "Police sergeant",
                POLICE, "Anti-Social Behaviour Team", _R.TEAM_MANAGER),
    PersonaSpec("council", "Council ASB officer (partner)", "Priya Desai",
                "priya.desai@marshbury-dc.example", "ASB officer",
                MARSHBURY, "Community Safety and ASB Team"),
    PersonaSpec("housing", "Housing officer", "Marcus Obi",
                "marcus.obi@meregate-homes.example", "Tenancy enforcement officer",
                HOUSING, "Tenancy Enforcement Team"),
    PersonaSpec("probation", "Probation officer", "Helen Carver",
                "helen.carver@fenshire-probation.example", "Probation officer",
                PROBATION, "Marshbury Offender Management"),
    PersonaSpec("prison", "Prison officer", "Dan Whitlock",
                "dan.whitlock@hmp-fenhollow.example", "Prison offender manager",
                PRISON, "Offender Management Unit"),
    PersonaSpec("immigration", "Home Office immigration officer", "Sana Mirza",
                "sana.mirza@homeoffice-ie.example", "Immigration officer",
                HOME_OFFICE, "Immigration Compliance and Enforcement East"),
    PersonaSpec("spoc", "Police SPOC", "Gary Pennington",
                "gary.pennington@fenshire-police.example", "Systems SPOC",
                POLICE, "Information Management Unit", _R.PRACTITIONER,
                (_C.ORGANISATION_ADMIN,)),
    PersonaSpec("auditor", "Auditor (DPO)", "Ruth Oakley",
                "ruth.oakley@fenshire-police.example", "Data protection officer",
                POLICE, "Information Management Unit", _R.PRACTITIONER, (_C.AUDITOR,)),
    PersonaSpec("partnership_admin", "Partnership admin", "Nadia Hale",
                "nadia.hale@fenshire-cc.example", "Partnership systems officer",
                COUNTY, "Community Safety Partnership Team", _R.PRACTITIONER,
                (_C.PARTNERSHIP_ADMIN,)),
    PersonaSpec("sysadmin", "System admin", "Sam Roper",
                "sam.roper@roundtable-demo.example", "Roundtable system administrator",
                None, None, _R.PRACTITIONER, (_C.SYSTEM_ADMIN,)),
)  # fmt: skip

# Invented people are drawn from every pairing of these names (persona names excluded).
FIRST_NAMES = (
    "Aaron", "Abigail", "Adam", "Aisha", "Alan", "Amara", "Amy", "Andrew", "Anita", "Ben",
    "Beth", "Callum", "Carla", "Chloe", "Chris", "Claire", "Connor", "Daniel", "Deepa", "Eleanor",
    "Emma", "Ethan", "Faisal", "Fiona", "Gareth", "Grace", "Hannah", "Harry", "Imran", "Isla",
    "Jack", "Jade", "James", "Joanne", "Jordan", "Kate", "Kieran", "Laura", "Leah", "Liam",
    "Lucy", "Mark", "Megan", "Mohammed", "Natalie", "Neil", "Olivia", "Owen", "Rachel", "Rhys",
    "Rosie", "Ryan", "Sarah", "Simon", "Sophie", "Stuart", "Tariq", "Victoria", "Wendy", "Zara",
)  # fmt: skip
LAST_NAMES = (
    "Ahmed", "Allen", "Atkinson", "Bailey", "Barker", "Bennett", "Bhatt", "Brooks", "Campbell",
    "Chapman", "Clarke", "Collins", "Cooper", "Davies", "Dixon", "Edwards", "Ellis", "Evans",
    "Fletcher", "Foster", "Gibson", "Graham", "Griffiths", "Hall", "Harris", "Hughes", "Hussain",
    "Jackson", "Jones", "Kaur", "Kelly", "Khan", "Lewis", "Lloyd", "Marshall", "Mason", "Mitchell",
    "Morgan", "Murphy", "Nolan", "Owen", "Palmer", "Parker", "Patel", "Pearson", "Phillips",
    "Price", "Reid", "Richards", "Robinson", "Shaw", "Singh", "Stevens", "Taylor", "Turner",
    "Walker", "Ward", "Watson", "Webb", "Wright",
)  # fmt: skip

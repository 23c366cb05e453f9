"""The ASB powers as the system models them: their statutory figures and the escalation ladders.

One place for the law and the partnership defaults the enforcement services apply, each figure
cited (``DOMAIN.md`` §2 C1, the Anti-social Behaviour, Crime and Policing Act 2014, and the local
practice pages it quotes), so a reviewer can check them against their source. Figures a
partnership may change (the CPW and CPN periods, the fixed penalty) are only the *defaults* here;
the per-partnership values live in ``EnforcementSettings``. This module holds no database access
and never decides who may see anything.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class EnforcementKind(models.TextChoices):
    """The powers, in escalation order (DOMAIN.md C1 "Escalation ladder")."""

    WARNING_LETTER = "warning_letter", _("Warning letter")
    ASB_WARNING_NOTICE = "asb_warning_notice", _("ASB warning notice")
    ABC = "abc", _("Acceptable behaviour contract")
    CPW = "cpw", _("Community protection warning")
    CPN = "cpn", _("Community protection notice")
    CIVIL_INJUNCTION = "civil_injunction", _("Civil injunction")
    CBO = "cbo", _("Criminal behaviour order")
    DISPERSAL = "dispersal", _("Dispersal direction")
    CLOSURE_NOTICE = "closure_notice", _("Closure notice")
    CLOSURE_ORDER = "closure_order", _("Closure order")


class EnforcementStatus(models.TextChoices):
    """Where an action is in its life. Served and breached actions are in force until expiry."""

    PROPOSED = "proposed", _("Proposed")
    SERVED = "served", _("Served, in force")
    BREACHED = "breached", _("Breached")
    EXPIRED = "expired", _("Expired")
    DISCHARGED = "discharged", _("Discharged")
    WITHDRAWN = "withdrawn", _("Withdrawn")


IN_FORCE_STATUSES = (EnforcementStatus.SERVED, EnforcementStatus.BREACHED)
ENDED_STATUSES = (
    EnforcementStatus.EXPIRED,
    EnforcementStatus.DISCHARGED,
    EnforcementStatus.WITHDRAWN,
)

# --- Who each power may target ---------------------------------------------------------------

# A person, or premises (the business, licensee or occupier behind them). CPWs and CPNs apply to
# "people aged 16 or over, businesses and organisations" (DOMAIN.md C1), so premises may get
# them; closure powers are about premises only; the rest are personal.
FOR_PERSON = frozenset(
    {
        EnforcementKind.WARNING_LETTER,
        EnforcementKind.ASB_WARNING_NOTICE,
        EnforcementKind.ABC,
        EnforcementKind.CPW,
        EnforcementKind.CPN,
        EnforcementKind.CIVIL_INJUNCTION,
        EnforcementKind.CBO,
        EnforcementKind.DISPERSAL,
    }
)
FOR_PREMISES = frozenset(
    {
        EnforcementKind.WARNING_LETTER,
        EnforcementKind.ASB_WARNING_NOTICE,
        EnforcementKind.CPW,
        EnforcementKind.CPN,
        EnforcementKind.CLOSURE_NOTICE,
        EnforcementKind.CLOSURE_ORDER,
    }
)

# Powers measured in hours, served at a time of day (in force until ``expires_at``); the rest
# are in force from the day served until the start of ``expires_on``.
TIMED = frozenset({EnforcementKind.DISPERSAL, EnforcementKind.CLOSURE_NOTICE})

# --- Statutory figures -----------------------------------------------------------------------

# CPW and CPN: "people aged 16 or over" (DOMAIN.md C1; 2014 Act s.43).
MIN_AGE_CPW_CPN = 16
# Civil injunction: "respondent aged 10 or over" (DOMAIN.md C1; 2014 Act s.1(1)).
MIN_AGE_INJUNCTION = 10
# An injunction against someone under 18 lasts a specified period of at most 12 months
# (2014 Act s.1(6), https://www.legislation.gov.uk/ukpga/2014/12/section/1).
YOUTH_INJUNCTION_MAX_MONTHS = 12
# CBO length (2014 Act s.25(3)-(4), https://www.legislation.gov.uk/ukpga/2014/12/section/25): made
# on someone under 18, 1 to 3 years; on an adult, at least 2 years or until further order. Orders
# on under-18s need periodic review (DOMAIN.md C1; s.28 makes it yearly).
CBO_YOUTH_MIN_MONTHS, CBO_YOUTH_MAX_MONTHS = 12, 36
CBO_ADULT_MIN_MONTHS = 24
ADULT_AGE = 18
# Dispersal: "up to 48 hours, authorised by an inspector or above" (DOMAIN.md C1).
DISPERSAL_MAX_HOURS = 48
# Closure notice: at most 48 hours (24, extendable to 48 by a police superintendent or a council
# chief executive; 2014 Act s.77, https://www.legislation.gov.uk/ukpga/2014/12/section/77).
CLOSURE_NOTICE_MAX_HOURS = 48
CLOSURE_NOTICE_DEFAULT_HOURS = 24
# Closure order: up to 3 months, extendable to a maximum of 6 in all (DOMAIN.md C1 "maximum 6
# months"; 2014 Act s.80(5) and s.82(7)).
CLOSURE_ORDER_MAX_MONTHS = 3
CLOSURE_ORDER_EXTENDED_MAX_MONTHS = 6

# --- Partnership defaults (configurable in EnforcementSettings) ------------------------------

# "The CPW expires after 6 months and the CPN lasts 12 months" (Southend, DOMAIN.md C1).
DEFAULT_CPW_MONTHS = 6
DEFAULT_CPN_MONTHS = 12
# "A £100 fixed penalty notice, or £75 if paid within 10 days" (York, DOMAIN.md C1).
DEFAULT_FIXED_PENALTY = Decimal("100.00")
DEFAULT_FIXED_PENALTY_EARLY = Decimal("75.00")
DEFAULT_FIXED_PENALTY_EARLY_DAYS = 10
# How many days before an expiry or review a task is raised (inferred; a fortnight gives time to
# decide whether to renew, escalate or let it lapse).
DEFAULT_ATTENTION_LEAD_DAYS = 14
MAX_ATTENTION_LEAD_DAYS = 90

# --- The ASB case review (Community Trigger) defaults -----------------------------------------

# "3 qualifying complaints in 6 months, each reported within 1 month of the incident"
# (Boston, DOMAIN.md C1).
DEFAULT_TRIGGER_THRESHOLD = 3
DEFAULT_TRIGGER_WINDOW_MONTHS = 6
DEFAULT_TRIGGER_REPORT_WITHIN_MONTHS = 1


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months on (or back), clamped to the month's last day.

    31 August + 6 months is 28 February (29 in a leap year): a period "of 6 months" never runs
    into the month after.
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def age_on(born: date, day: date) -> int:
    """Whole years between a date of birth and a day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def lower_first(text: str) -> str:
    """'Warning letter' -> 'warning letter', but 'ASB warning notice' keeps its capitals."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def with_article(text: str) -> str:
    """'a warning letter', 'an acceptable behaviour contract', 'an ASB warning notice'."""
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


# --- The escalation ladder (DOMAIN.md C1, "inferred ordering") --------------------------------


@dataclass(frozen=True)
class Rung:
    """One step of a ladder: the powers that stand at it, any of which takes the step."""

    kinds: tuple[EnforcementKind, ...]

    @property
    def label(self) -> str:
        labels = [str(kind.label) for kind in self.kinds]
        if len(labels) == 1:
            return labels[0]
        return ", ".join(labels[:-1]) + " or " + lower_first(labels[-1])


# For a person: warning -> ABC -> CPW -> CPN -> civil injunction or CBO. A dispersal direction is
# a short tactical power used alongside any step; it is shown but is not a rung.
PERSON_LADDER: tuple[Rung, ...] = (
    Rung((EnforcementKind.WARNING_LETTER, EnforcementKind.ASB_WARNING_NOTICE)),
    Rung((EnforcementKind.ABC,)),
    Rung((EnforcementKind.CPW,)),
    Rung((EnforcementKind.CPN,)),
    Rung((EnforcementKind.CIVIL_INJUNCTION, EnforcementKind.CBO)),
)
# For premises: warning -> CPW -> CPN -> closure notice -> closure order.
PREMISES_LADDER: tuple[Rung, ...] = (
    Rung((EnforcementKind.WARNING_LETTER, EnforcementKind.ASB_WARNING_NOTICE)),
    Rung((EnforcementKind.CPW,)),
    Rung((EnforcementKind.CPN,)),
    Rung((EnforcementKind.CLOSURE_NOTICE,)),
    Rung((EnforcementKind.CLOSURE_ORDER,)),
)

# What a breach of the top of each ladder leads to, when there is no higher step.
BREACH_AT_THE_TOP: dict[str, StrOrPromise] = {
    EnforcementKind.CIVIL_INJUNCTION: _(
        "Apply to the court that granted the injunction: a breach is contempt of court."
    ),
    EnforcementKind.CBO: _(
        "Report the breach for prosecution: breach of a CBO is a criminal offence "
        "(up to 5 years for an adult, a 2-year detention and training order for a youth)."
    ),
    EnforcementKind.CLOSURE_ORDER: _(
        "Report the breach for prosecution: entering or staying in closed premises is an offence."
    ),
}


def rung_of(ladder: Sequence[Rung], kind: str) -> int | None:
    """The position of a power on a ladder (0 is the first step), or None when it is not on it."""
    for position, rung in enumerate(ladder):
        if kind in rung.kinds:
            return position
    return None

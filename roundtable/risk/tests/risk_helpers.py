"""Shared set-up for the risk tests: categories, model versions with chosen weights, offences.

Everything is created through the real services. Names are invented; categories are not
personal data. ``TODAY`` is the day most tests are frozen at (with time_machine), so the ages of
offences in hand-worked examples are exact calendar months.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone

from roundtable.directory.models import Partnership, Team, User
from roundtable.records.models import Profile
from roundtable.risk.models import HarmModel, Offence, OffenceCategory, OffenceRole
from roundtable.risk.services.classification import offence_category_create
from roundtable.risk.services.harm import ModelSettings, harm_model_publish
from roundtable.risk.services.offences import OffenceDetails, offence_create
from roundtable.risk.services.scoring import harm_model_rescore
from roundtable.sharing.models import SharingAgreement
from roundtable.sharing.services import grant_create
from roundtable.sharing.tests.factories import agreement_between, profile_for

TODAY = date(2026, 6, 15)
NOON = time(12, 0)
COUNTED = (OffenceRole.OFFENDER, OffenceRole.SUSPECT)

#: code -> (name, group): a small classification for the tests.
CATEGORIES = {
    "VAP-ABH": ("Assault occasioning actual bodily harm", "Violence against the person"),
    "VAP-CMN": ("Common assault", "Violence against the person"),
    "BUR-DWL": ("Burglary of a dwelling", "Theft offences"),
    "DRG-POS": ("Possession of a controlled drug", "Drug offences"),
    "CD-DAM": ("Criminal damage", "Criminal damage and arson"),
}


def team_of(user: User) -> Team:
    return user.memberships.select_related("team__organisation__partnership").get().team


def partnership_of(user: User) -> Partnership:
    partnership = team_of(user).organisation.partnership
    assert partnership is not None
    return partnership


def classification(partnership: Partnership) -> dict[str, OffenceCategory]:
    """The test categories in a partnership, by code."""
    return {
        code: offence_category_create(
            actor=None, partnership=partnership, code=code, name=name, group=group
        )
        for code, (name, group) in CATEGORIES.items()
    }


def publish(
    partnership: Partnership,
    kind: str,
    weights: dict[str, Any],
    *,
    bands: Iterable[tuple[int, Any]] = (),
    roles: Iterable[str] = COUNTED,
    exclude_proactive: bool = False,
    windows: Iterable[int] = (365,),
    rescore: bool = True,
    gravity_from_chi: bool = False,
    name: str = "Test version",
) -> HarmModel:
    """Publish a version through the service; scored at once unless ``rescore`` is False."""
    model = harm_model_publish(
        actor=None,
        team=None,
        partnership=partnership,
        kind=kind,
        settings=ModelSettings(
            name=name,
            recency_bands=[(months, Decimal(str(factor))) for months, factor in bands],
            counted_roles=list(roles),
            exclude_proactive=exclude_proactive,
            windows=list(windows),
            weights={code: Decimal(str(value)) for code, value in weights.items()},
            gravity_from_chi=gravity_from_chi,
        ),
        enqueue=False,
    )
    if rescore:
        harm_model_rescore(model_id=model.pk)
        model.refresh_from_db()
    return model


def at(day: date, moment: time = NOON) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def record(
    user: User,
    profile: Profile,
    category: OffenceCategory,
    day: date,
    *,
    role: str = OffenceRole.OFFENDER,
    moment: time = NOON,
    time_known: bool = True,
    proactive: bool = False,
    postcode: str = "",
    team: Team | None = None,
    **extra: Any,
) -> Offence:
    """Record an offence through the service, as the user's only team."""
    team = team or team_of(user)
    return offence_create(
        actor=user,
        team=team,
        profile=profile,
        details=OffenceDetails(
            category=category,
            role=role,
            occurred_at=at(day, moment),
            time_known=time_known,
            disposal="charged",
            source_organisation=team.organisation,
            proactive=proactive,
            postcode=postcode,
            **extra,
        ),
    )


def share(owner: User, profile: Profile, team: Team, sections: list[str]) -> None:
    """The owner shares these sections of the person with a team, under a fresh agreement."""
    agreement = SharingAgreement.objects.filter(reference="ISA-RISK-TEST").first()
    if agreement is None:
        agreement = agreement_between(
            team_of(owner).organisation, team.organisation, reference="ISA-RISK-TEST"
        )
    grant_create(actor=owner, record=profile, agreement=agreement, sections=sections, team=team)


def person(owner: User, given: str, family: str, **fields: Any) -> Profile:
    return profile_for(owner, team_of(owner), given_name=given, family_name=family, **fields)

"""The starting classification and harm models a partnership gets: a clearly labelled SAMPLE.

The categories are a small illustrative list of common offence types (not personal data). The
CHI day values are ILLUSTRATIVE, not the published Cambridge Crime Harm Index: the version says
so in its name and description, and a partnership admin must load the published table before
any score is relied on. The RFG gravity values follow the shape of the ACPO gravity matrix (1 to
4) and are equally a sample. Running the seed again adds only what is missing.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from roundtable.directory.models import Partnership
from roundtable.risk.models import HarmModel, HarmModelKind, OffenceCategory, OffenceRole
from roundtable.risk.services.classification import offence_category_create
from roundtable.risk.services.harm import ModelSettings, harm_model_publish
from roundtable.risk.services.scoring import harm_model_rescore

CHI_SOURCE = "https://www.crim.cam.ac.uk/Research/research-tools"

#: (code, name, group, sample CHI days, sample RFG gravity)
SAMPLE_CATEGORIES: tuple[tuple[str, str, str, int, int], ...] = (
    (
        "VAP-GBH",
        "Wounding or grievous bodily harm with intent",
        "Violence against the person",
        1825,
        4,
    ),
    ("VAP-ABH", "Assault occasioning actual bodily harm", "Violence against the person", 120, 3),
    ("VAP-CMN", "Common assault and battery", "Violence against the person", 10, 2),
    ("VAP-NFS", "Non-fatal strangulation or suffocation", "Violence against the person", 180, 4),
    ("VAP-THK", "Threats to kill", "Violence against the person", 365, 3),
    ("VAP-STK", "Stalking", "Violence against the person", 120, 3),
    ("VAP-HAR", "Harassment", "Violence against the person", 20, 2),
    ("SEX-ASL", "Sexual assault", "Sexual offences", 365, 4),
    ("ROB-PER", "Robbery of personal property", "Robbery", 1460, 4),
    ("BUR-DWL", "Burglary of a dwelling", "Theft offences", 365, 3),
    ("BUR-NDW", "Burglary of business or community premises", "Theft offences", 90, 2),
    ("VEH-TOV", "Theft of a motor vehicle", "Theft offences", 10, 2),
    ("VEH-TFV", "Theft from a motor vehicle", "Theft offences", 5, 2),
    ("THF-SHP", "Shoplifting", "Theft offences", 2, 1),
    ("THF-OTH", "Other theft", "Theft offences", 2, 1),
    ("CD-DAM", "Criminal damage", "Criminal damage and arson", 5, 1),
    ("CD-ARS", "Arson not endangering life", "Criminal damage and arson", 240, 3),
    ("DRG-POS", "Possession of a controlled drug", "Drug offences", 1, 1),
    ("DRG-SUP", "Supplying or offering to supply a controlled drug", "Drug offences", 1095, 3),
    (
        "WPN-KNF",
        "Possession of a bladed article in a public place",
        "Possession of weapons",
        180,
        3,
    ),
    ("POD-S4", "Fear or provocation of violence", "Public order offences", 10, 2),
    ("POD-S5", "Harassment, alarm or distress", "Public order offences", 2, 1),
    ("ASB-BRC", "Breach of a civil injunction or behaviour order", "Anti-social behaviour", 30, 2),
)

CHI_NAME = "SAMPLE Crime Harm Index (illustrative values, not the published table)"
CHI_DESCRIPTION = (
    "SAMPLE, NOT THE PUBLISHED INDEX. The day values in this version are illustrative, chosen "
    "for demonstration and testing only, for a small sample of offence categories. The "
    "Cambridge Crime Harm Index (days of custody at the Sentencing Council starting point for a "
    "first offender; fine-only offences converted to days of minimum-wage work) is published by "
    f"the University of Cambridge Institute of Criminology: {CHI_SOURCE} (last updated May 2023). "
    "A partnership admin must load the published table (category code and days) as a new version "
    "before any score is used to inform a decision. Proactively detected offences are excluded, "
    "as the index requires."
)
RFG_NAME = "SAMPLE recency, frequency and gravity"
RFG_DESCRIPTION = (
    "SAMPLE weights. Recency bands 0 to 3 months weigh 1, 3 to 6 months 0.75, 6 to 12 months 0.5 "
    "and 12 to 24 months 0.25; older offences do not count. Gravity per category on the 1 to 4 "
    "scale of the ACPO gravity factor matrix, as an illustration: a partnership sets its own "
    "gravity for its local priorities before relying on the score."
)
COUNTED_ROLES = (OffenceRole.OFFENDER, OffenceRole.SUSPECT)
RFG_BANDS = ((3, Decimal(1)), (6, Decimal("0.75")), (12, Decimal("0.5")), (24, Decimal("0.25")))


@transaction.atomic
def risk_seed_partnership(*, partnership: Partnership) -> dict[str, int]:
    """Give a partnership the sample classification and sample models it lacks; returns counts."""
    existing = set(
        OffenceCategory.objects.filter(partnership=partnership).values_list("code", flat=True)
    )
    added = 0
    for code, name, group, _days, _gravity in SAMPLE_CATEGORIES:
        if code not in existing:
            offence_category_create(
                actor=None,
                partnership=partnership,
                code=code,
                name=name,
                group=group,
                is_sample=True,
            )
            added += 1
    models = 0
    kinds = set(HarmModel.objects.filter(partnership=partnership).values_list("kind", flat=True))
    if HarmModelKind.CHI not in kinds:
        chi = ModelSettings(
            name=CHI_NAME,
            description=CHI_DESCRIPTION,
            counted_roles=COUNTED_ROLES,
            exclude_proactive=True,
            windows=(365, 730),
            weights={code: Decimal(days) for code, _n, _g, days, _r in SAMPLE_CATEGORIES},
        )
        _publish_now(partnership, HarmModelKind.CHI, chi)
        models += 1
    if HarmModelKind.RFG not in kinds:
        rfg = ModelSettings(
            name=RFG_NAME,
            description=RFG_DESCRIPTION,
            recency_bands=RFG_BANDS,
            counted_roles=COUNTED_ROLES,
            windows=(365, 730),
            weights={code: Decimal(gravity) for code, _n, _g, _d, gravity in SAMPLE_CATEGORIES},
        )
        _publish_now(partnership, HarmModelKind.RFG, rfg)
        models += 1
    return {"categories": added, "models": models}


def _publish_now(partnership: Partnership, kind: str, settings: ModelSettings) -> None:
    model = harm_model_publish(
        actor=None,
        team=None,
        partnership=partnership,
        kind=kind,
        settings=settings,
        is_sample=True,
        enqueue=False,
    )
    harm_model_rescore(model_id=model.pk)

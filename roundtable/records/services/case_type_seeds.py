"""The case types a new partnership starts with, and the one function that adds them.

Each seed's ``field_schema`` (in the forms engine's schema format) becomes version 1 of the
type's form. ``case_types_seed`` is idempotent: a type whose reference prefix the partnership
already has is left exactly as its administrators made it, so running it again (the
``seed_case_types`` command, the demo) never undoes local changes. Seeding must never overwrite
or delete a type.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.customforms.services import form_definition_create
from roundtable.directory.models import Partnership
from roundtable.records.models import CaseType
from roundtable.sharing.models import AccessLevel
from roundtable.sharing.sections import RecordKind, Section, to_mask

YES_NO = "yes_no"

SEED_CASE_TYPES: tuple[dict[str, Any], ...] = (
    {
        "name": "Anti-social behaviour",
        "reference_prefix": "ASB",
        "description": "Persistent anti-social behaviour by a person or household.",
        "stages": [
            "Report received",
            "Risk assessment",
            "Early intervention",
            "Formal warning",
            "Enforcement",
            "Closed",
        ],
        "access_level": AccessLevel.OPEN,
        "organisation_sections": [Section.SUMMARY, Section.MEMBERS],
        "review_interval_days": 28,
        "retention_years": 6,
        "field_schema": [
            {"key": "incident_count", "label": "Number of incidents reported", "type": "number"},
            {"key": "hate_motivated", "label": "Hate motivated", "type": YES_NO},
            {
                "key": "community_trigger",
                "label": "Community trigger (ASB case review) requested",
                "type": YES_NO,
            },
        ],
    },
    {
        "name": "Integrated offender management",
        "reference_prefix": "IOM",
        "description": "Prolific offenders managed jointly by police, probation and partners.",
        "stages": ["Selection", "Assessment", "Active management", "Monitoring", "Exit"],
        "access_level": AccessLevel.AUDITED,
        "organisation_sections": [Section.SUMMARY],
        "review_interval_days": 42,
        "retention_years": 6,
        "field_schema": [
            {
                "key": "cohort",
                "label": "Cohort",
                "type": "choice",
                "required": True,
                "choices": ["Fixed", "Flex", "Free"],
            },
            {"key": "licence_end_date", "label": "Licence end date", "type": "date"},
        ],
    },
    {
        "name": "Hate crime",
        "reference_prefix": "HATE",
        "description": "Incidents motivated by hostility to a protected characteristic.",
        "stages": ["Report received", "Victim contact", "Investigation", "Support", "Closed"],
        "access_level": AccessLevel.AUDITED,
        "organisation_sections": [Section.SUMMARY],
        "review_interval_days": 14,
        "retention_years": 6,
        "field_schema": [
            {
                "key": "strand",
                "label": "Hate crime strand",
                "type": "choice",
                "required": True,
                "choices": ["Race", "Religion", "Sexual orientation", "Disability", "Transgender"],
            },
        ],
    },
    {
        "name": "Domestic abuse",
        "reference_prefix": "DA",
        "description": "Domestic abuse cases, including those heard at MARAC.",
        "stages": ["Referral", "DASH risk assessment", "Safety planning", "MARAC", "Closed"],
        "access_level": AccessLevel.AUDITED,
        "organisation_sections": [],
        "review_interval_days": 14,
        "retention_years": 7,
        "field_schema": [
            {
                "key": "dash_risk",
                "label": "DASH risk level",
                "type": "choice",
                "required": True,
                "choices": ["Standard", "Medium", "High"],
            },
            {"key": "marac_referral", "label": "Referred to MARAC", "type": YES_NO},
        ],
    },
    {
        "name": "Foreign national offender",
        "reference_prefix": "FNO",
        "description": "Foreign nationals in the criminal justice system, with Home Office.",
        "stages": [
            "Identified",
            "Immigration check",
            "Referral to Home Office",
            "Decision",
            "Closed",
        ],
        "access_level": AccessLevel.PROTECTED,
        "organisation_sections": [],
        "review_interval_days": 28,
        "retention_years": 6,
        "field_schema": [
            {"key": "home_office_reference", "label": "Home Office reference", "type": "text"},
        ],
    },
    {
        "name": "Supporting families",
        "reference_prefix": "SF",
        "description": "Families with multiple needs given a whole-family plan.",
        "stages": ["Referral", "Family assessment", "Family plan", "Review", "Closed"],
        "access_level": AccessLevel.AUDITED,
        "is_family": True,
        "organisation_sections": [Section.SUMMARY],
        "review_interval_days": 42,
        "retention_years": 6,
        "field_schema": [],
    },
    {
        "name": "MASH referral",
        "reference_prefix": "MASH",
        "description": "A safeguarding referral to the multi-agency safeguarding hub.",
        "stages": ["Contact", "Screening", "Information sharing", "Decision", "Closed"],
        "access_level": AccessLevel.AUDITED,
        "organisation_sections": [],
        "review_interval_days": 1,
        "retention_years": 25,
        "field_schema": [
            {
                "key": "rag_rating",
                "label": "MASH rating",
                "type": "choice",
                "required": True,
                "choices": ["Red (4 hours)", "Amber (24 hours)", "Green (72 hours)"],
            },
        ],
    },
    {
        "name": "Child sexual exploitation",
        "reference_prefix": "CSE",
        "description": "Children at risk of, or subject to, sexual exploitation.",
        "stages": ["Concern raised", "Strategy meeting", "Safety plan", "Disruption", "Closed"],
        "access_level": AccessLevel.CLOSED,
        "organisation_sections": [],
        "review_interval_days": 14,
        "retention_years": 25,
        "field_schema": [],
    },
    {
        "name": "Gangs and serious violence",
        "reference_prefix": "GANG",
        "description": "Gang-involved people and serious youth violence.",
        "stages": ["Identified", "Assessment", "Intervention", "Enforcement", "Closed"],
        "access_level": AccessLevel.PROTECTED,
        "organisation_sections": [Section.SUMMARY],
        "review_interval_days": 28,
        "retention_years": 6,
        "field_schema": [],
    },
    {
        "name": "Prevent and Channel panel",
        "reference_prefix": "PREV",
        "description": "People referred to Prevent and considered by the Channel panel.",
        "stages": ["Referral", "Gateway assessment", "Channel panel", "Support", "Closed"],
        "access_level": AccessLevel.CLOSED,
        "organisation_sections": [],
        "review_interval_days": 28,
        "retention_years": 6,
        "field_schema": [],
    },
    {
        "name": "Licensing",
        "reference_prefix": "LIC",
        "description": "Problems at licensed premises, reviews and enforcement.",
        "stages": ["Concern", "Visit", "Action plan", "Licence review", "Closed"],
        "access_level": AccessLevel.OPEN,
        "organisation_sections": [Section.SUMMARY, Section.MEMBERS],
        "review_interval_days": 56,
        "retention_years": 6,
        "field_schema": [
            {"key": "licence_number", "label": "Premises licence number", "type": "text"},
        ],
    },
    {
        "name": "Rough sleeping",
        "reference_prefix": "RS",
        "description": "People sleeping rough, and the outreach offered to them.",
        "stages": ["Verified", "Outreach", "Accommodation offer", "Sustainment", "Closed"],
        "access_level": AccessLevel.OPEN,
        "organisation_sections": [Section.SUMMARY],
        "review_interval_days": 14,
        "retention_years": 6,
        "field_schema": [],
    },
    {
        "name": "Stalking",
        "reference_prefix": "STALK",
        "description": "Stalking and harassment, including stalking protection orders.",
        "stages": ["Report received", "Risk assessment", "Victim safety plan", "Order", "Closed"],
        "access_level": AccessLevel.AUDITED,
        "organisation_sections": [],
        "review_interval_days": 14,
        "retention_years": 7,
        "field_schema": [],
    },
    {
        "name": "Vulnerable adult",
        "reference_prefix": "VA",
        "description": "Adults at risk of abuse, neglect or exploitation.",
        "stages": ["Concern", "Enquiry", "Safeguarding plan", "Review", "Closed"],
        "access_level": AccessLevel.AUDITED,
        "organisation_sections": [Section.SUMMARY],
        "review_interval_days": 28,
        "retention_years": 7,
        "field_schema": [],
    },
    {
        "name": "Multi-agency panel meeting",
        "reference_prefix": "PANEL",
        "description": "A case heard at a multi-agency problem-solving panel.",
        "stages": ["Referred to panel", "Panel meeting", "Actions agreed", "Review", "Closed"],
        "access_level": AccessLevel.OPEN,
        "organisation_sections": [Section.SUMMARY, Section.MEMBERS],
        "review_interval_days": 28,
        "retention_years": 6,
        "field_schema": [],
    },
    {
        "name": "MARAC meeting",
        "reference_prefix": "MARAC",
        "description": "A multi-agency risk assessment conference on high-risk domestic abuse.",
        "stages": ["Scheduled", "Meeting held", "Actions agreed", "Closed"],
        "access_level": AccessLevel.CLOSED,
        "organisation_sections": [],
        "review_interval_days": 28,
        "retention_years": 7,
        "field_schema": [],
    },
)


@transaction.atomic
def case_types_seed(partnership: Partnership) -> list[CaseType]:
    """Add the standard case types a partnership lacks (by prefix); returns the ones added."""
    existing = set(
        CaseType.objects.filter(partnership=partnership).values_list("reference_prefix", flat=True)
    )
    names = set(CaseType.objects.filter(partnership=partnership).values_list("name", flat=True))
    added: list[CaseType] = []
    for spec in SEED_CASE_TYPES:
        if spec["reference_prefix"] in existing or spec["name"] in names:
            continue
        values = dict(spec)
        values["organisation_sections"] = to_mask(values["organisation_sections"])
        field_schema = values.pop("field_schema")
        case_type = CaseType(partnership=partnership, **values)
        case_type.full_clean()
        case_type.save()
        # The type's own fields: its configurable form, with the seed's fields as version 1.
        case_type.form = form_definition_create(
            actor=None,
            partnership=partnership,
            owner=f"case_type:{case_type.code}",
            name=case_type.name,
            record_kind=RecordKind.CASE,
            schema=field_schema,
            publish=True,
        )
        case_type.save(update_fields=["form"])
        audit_record(
            action=Action.CREATE,
            target=case_type,
            changes={"seeded": [None, case_type.reference_prefix]},
        )
        added.append(case_type)
    return added

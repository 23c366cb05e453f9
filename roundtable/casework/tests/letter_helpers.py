"""Setup for the letter tests: a case, a person in it with an address, the seeded templates."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import docx
from pypdf import PdfReader

from roundtable.casework.models import LetterTemplate
from roundtable.casework.services.letter_seeds import letter_templates_seed
from roundtable.casework.tests.document_helpers import case_world
from roundtable.directory.models import Team
from roundtable.records.models import Case, Profile
from roundtable.records.services import cases as case_services
from roundtable.records.services import profiles as profile_services
from roundtable.records.tests.case_helpers import Casework
from roundtable.sharing import policy
from roundtable.sharing.tests.factories import profile_for


@dataclass
class LetterWorld:
    work: Casework
    case: Case
    person: Profile
    templates: dict[str, LetterTemplate]


def person_in_case(personas: Any, case: Case, owner: Any, team: Team, **fields: Any) -> Profile:
    values: dict[str, Any] = {
        "given_name": "Wrenna",
        "family_name": "Oakhurst",
        "date_of_birth": date(1991, 7, 14),
        "nationality": "PT",
    }
    values.update(fields)
    person = profile_for(owner, team, **values)
    profile_services.address_add(
        actor=owner,
        profile=person,
        line1="14 Larkspur Mews",
        town="Testbury",
        postcode="TE1 4LX",
    )
    case_services.case_member_add(
        actor=personas.alice,
        viewer=policy.viewer_for_user(personas.alice),
        case=case,
        profile=person,
        role="perpetrator",
    )
    return person


def letter_world(personas: Any) -> LetterWorld:
    work, case = case_world(personas)
    person = person_in_case(personas, case, personas.alice, work.asb)
    templates = {template.name: template for template in letter_templates_seed(work.testshire)}
    return LetterWorld(work=work, case=case, person=person, templates=templates)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs)

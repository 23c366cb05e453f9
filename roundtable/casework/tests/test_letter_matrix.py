"""The letters permission matrix: every persona against every case state.

Built on ``records.tests.matrix`` (its world, personas, states and independent oracle, never
``sharing.policy``). The partnership admin sets up two letter templates: one that needs the
person's identity and address, one that needs nothing of the person. A person owned by the
police ASB team (normal visibility: the records world's "owned" person, so what each persona may
see of them is the oracle's ``("person", "owned")`` row) has their contact details, and only
those, shared with the council's ASB team (``PERSON_GRANTS``), so a partner may hold the case's
documents and something of the person without their identity. Whoever owns each case now adds
the person to it and generates a letter through the real service: the address letter where
their team may see the person's identity and address, the case notice otherwise.

The rules (docs/casework.md, "Letters"): a letter is read through its case's documents section
(anyone else: 404); the person it is for is named only to a reader who may see their identity;
only the owning team may generate a letter or record its service (anyone else who sees the case:
403; nothing is written); and a letter needing a section of the person the owning team has not
been given is refused, naming the sections and the team to ask, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from roundtable.casework.models import Letter, LetterTemplate
from roundtable.casework.services import letters as services
from roundtable.casework.tests.matrix_helpers import (
    author_of,
    cell_id,
    form_status,
    module_world,
    owns,
    sees,
    team_of,
)
from roundtable.directory.models import Partnership, User
from roundtable.records.models import MemberRole, Profile
from roundtable.records.services import cases as case_services
from roundtable.records.services import profiles as profile_services
from roundtable.records.tests.matrix import PERSONAS, STATES_BY_KIND, World
from roundtable.sharing import policy
from roundtable.sharing.models import SharingAgreement
from roundtable.sharing.sections import describe
from roundtable.sharing.services import grant_create

ADDRESS_LETTER = "Matrix address letter"
CASE_NOTICE = "Matrix case notice"
#: What the address letter needs of the person (its merge fields, docs/casework.md).
ADDRESS_NEEDS = frozenset({"identity", "contact"})
PERSON_NAME = "Wystan LETTERBY"
PERSON_OWNER_TEAM = "Police ASB Team"
NOT_SHARED = "A person whose identity has not been shared with your team"


#: This module's grant on the letter person, on top of the oracle: persona -> sections added.
PERSON_GRANTS: dict[str, frozenset[str]] = {"partner": frozenset({"contact"})}


def person_sections(persona: str) -> frozenset[str]:
    """What a persona's team may see of the letter person: the oracle's owned person + grant."""
    return sees("person", "owned", persona) | PERSON_GRANTS.get(persona, frozenset())


@dataclass
class LetterMatrix:
    world: World
    person: Profile
    templates: dict[str, LetterTemplate]
    letters: dict[str, Letter] = field(default_factory=dict)


def _templates(world: World) -> dict[str, LetterTemplate]:
    admin = User.objects.get(email="pa@police.invalid")  # the world's partnership admin
    partnership = Partnership.objects.get(short_name="matrixshire")
    bodies = {
        ADDRESS_LETTER: "Dear {{ person.full_name }},\n\n{{ person.address }}\n\n"
        "This is about case {{ case.reference }}.",
        CASE_NOTICE: "This notice is about case {{ case.reference }}.",
    }
    return {
        name: services.letter_template_create(
            actor=admin,
            partnership=partnership,
            name=name,
            purpose="other",
            subject="",
            body=body,
            output_format="pdf",
        )
        for name, body in bodies.items()
    }


def _person(world: World) -> Profile:
    owner = world.users["owner"]
    person = profile_services.profile_create(
        actor=owner, team=team_of(owner), given_name="Wystan", family_name="Letterby"
    )
    profile_services.address_add(
        actor=owner, profile=person, line1="3 Sorrel Row", town="Matrixton", postcode="MX1 3SR"
    )
    person.refresh_from_db()
    grant_create(
        actor=owner,
        record=person,
        agreement=SharingAgreement.objects.get(reference="ISA-MATRIX-1"),
        sections=sorted(PERSON_GRANTS["partner"]),
        team=team_of(world.users["partner"]),
        reason="Serving papers at the address (test)",
    )
    return person


def _populate(world: World) -> LetterMatrix:
    matrix = LetterMatrix(world=world, person=_person(world), templates=_templates(world))
    for state in STATES_BY_KIND["case"]:
        case = world.record("case", state)
        author = world.users[author_of(state)]
        team = team_of(author)
        viewer = policy.viewer_for_user(author, team)
        case_services.case_member_add(
            actor=author,
            viewer=viewer,
            case=case,
            profile=matrix.person,
            role=MemberRole.PERPETRATOR,
        )
        fits = person_sections(author_of(state)) >= ADDRESS_NEEDS
        matrix.letters[state] = services.letter_generate(
            actor=author,
            team=team,
            viewer=viewer,
            case=case,
            template=matrix.templates[ADDRESS_LETTER if fits else CASE_NOTICE],
            profile=matrix.person,
        )
    return matrix


letter_matrix = module_world(_populate, kinds=("case",), documents=True)

CASE_CELLS = [(state, persona) for state in STATES_BY_KIND["case"] for persona in PERSONAS]


def _documents_status(state: str, persona: str) -> int:
    return 200 if "documents" in sees("case", state, persona) else 404


# --- a letter's page ------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_letter_page_follows_the_oracle(db, letter_matrix, state, persona):
    letter = letter_matrix.letters[state]
    client = letter_matrix.world.clients[persona]
    status = _documents_status(state, persona)
    response = client.get(letter.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == status
    shown = status == 200
    assert (letter.template.name in body) is shown
    named = shown and "identity" in person_sections(persona)
    assert (PERSON_NAME in body) is named
    assert (NOT_SHARED in body) is (shown and not named)
    served_url = reverse("casework:letter_mark_served", kwargs={"code": letter.code})
    assert (served_url in body) is (shown and owns(state, persona))
    download = reverse(
        "casework:document_download", kwargs={"code": letter.document.code, "number": 1}
    )
    assert (download in body) is shown
    fetched = client.get(download)
    assert fetched.status_code == status
    if fetched.streaming:
        b"".join(fetched.streaming_content)  # read to the end, which closes the file
    # The letter's document page names the template and the day, never the person.
    document_page = client.get(letter.document.get_absolute_url())
    assert document_page.status_code == status
    assert PERSON_NAME not in document_page.content.decode()


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_recording_service_is_for_the_owning_team_only(db, letter_matrix, state, persona):
    letter = letter_matrix.letters[state]
    response = letter_matrix.world.clients[persona].get(
        reverse("casework:letter_mark_served", kwargs={"code": letter.code})
    )
    status = _documents_status(state, persona)
    assert response.status_code == (200 if owns(state, persona) else 403) if status == 200 else 404


# --- generating -----------------------------------------------------------------------------------


def _generate_url(case: Any) -> str:
    return reverse("casework:letter_generate", kwargs={"code": case.code})


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_generating_is_for_the_owning_team_with_what_it_may_see(db, letter_matrix, state, persona):
    case = letter_matrix.world.record("case", state)
    client = letter_matrix.world.clients[persona]
    expected = form_status("case", state, persona)
    page = client.get(_generate_url(case))
    assert page.status_code == expected
    assert (ADDRESS_LETTER in page.content.decode()) is (expected == 200)

    before = Letter.objects.filter(case=case).count()
    response = client.post(
        _generate_url(case),
        {
            "template": str(letter_matrix.templates[ADDRESS_LETTER].code),
            "person": str(letter_matrix.person.code),
        },
    )
    written = Letter.objects.filter(case=case).count() - before
    body = response.content.decode()
    if expected != 200:
        assert response.status_code == expected
        assert written == 0
        return
    withheld = ADDRESS_NEEDS - person_sections(persona)
    if not withheld:
        assert response.status_code == 302
        assert written == 1
        return
    assert response.status_code == 400
    assert written == 0
    refusal = (
        f"This letter uses the person&#x27;s {describe(withheld).lower()}, which "
        f"{PERSON_OWNER_TEAM} has not shared with your team"
    )
    assert refusal in body

"""The letter templates a partnership starts with, and the one function that adds them.

The wording is invented for Roundtable: a starting point each partnership's administrator
rewrites to its own legal advice and house style, never a statement of the law. ``seed`` is
idempotent: a template whose name the partnership already has is left as its administrators made
it, so running it again (the ``seed_letter_templates`` command, the demo) never undoes a change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.casework.merge_fields import problems
from roundtable.casework.models import LetterFormat, LetterPurpose, LetterTemplate
from roundtable.directory.models import Partnership

ADDRESS_BLOCK = "{{ person.full_name }}\n{{ person.address }}"
SIGN_OFF = (
    "Yours sincerely\n\n{{ officer.name }}\n{{ officer.job_title }}\n{{ agency.team }}, "
    "{{ agency.name }}\n{{ officer.email }}"
)

SEED_LETTER_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "name": "Home Office letter",
        "purpose": LetterPurpose.HOME_OFFICE,
        "output_format": LetterFormat.PDF,
        "subject": "Your immigration status: information from the Home Office",
        "body": "\n\n".join(
            (
                ADDRESS_BLOCK,
                "{{ today }}",
                "Our reference: {{ case.reference }}",
                "Dear {{ person.full_name }}",
                "We are writing on behalf of the Home Office because partner agencies in this "
                "area have been working with you. Our records show your nationality as "
                "{{ person.nationality }} and your date of birth as {{ person.date_of_birth }}.",
                "If you are not a British citizen, your right to remain in the United Kingdom "
                "may be affected by offending or by behaviour that harms others. The Home Office "
                "may consider whether you should be removed from the United Kingdom.",
                "You may wish to seek independent advice from a regulated immigration adviser or "
                "a solicitor. If you have information about your status that we should know, "
                "please contact the officer named below, quoting the reference above.",
                SIGN_OFF,
            )
        ),
    },
    {
        "name": "Chief inspector's letter",
        "purpose": LetterPurpose.CHIEF_INSPECTOR,
        "output_format": LetterFormat.PDF,
        "subject": "A letter from your local chief inspector",
        "body": "\n\n".join(
            (
                ADDRESS_BLOCK,
                "{{ today }}",
                "Our reference: {{ case.reference }}",
                "Dear {{ person.full_name }}",
                "I am the chief inspector responsible for policing in your area. Police officers "
                "and partner agencies have told me about behaviour linked to you that is causing "
                "harm and distress to people who live and work nearby.",
                "I want to be clear that this behaviour must stop. If it continues, we will use "
                "the powers available to us, which may include a community protection warning, "
                "a civil injunction or a criminal behaviour order.",
                "Support is available if you want help to make changes. Please contact the "
                "officer named below to talk about it.",
                SIGN_OFF,
            )
        ),
    },
    {
        "name": "Support signposting letter",
        "purpose": LetterPurpose.SIGNPOSTING,
        "output_format": LetterFormat.DOCX,
        "subject": "Help and support available to you",
        "body": "\n\n".join(
            (
                ADDRESS_BLOCK,
                "{{ today }}",
                "Our reference: {{ case.reference }}",
                "Dear {{ person.given_name }}",
                "We are writing because agencies working together in your area want to make "
                "sure you know about the help that is available to you.",
                "Local services can help with housing, money and debt, drug and alcohol use, "
                "mental health, and finding work or training. Many of them are free and "
                "confidential.",
                "If you would like us to put you in touch with any of these services, please "
                "contact the officer named below. You do not have to accept any help, and "
                "asking for it will not count against you.",
                SIGN_OFF,
            )
        ),
    },
    {
        "name": "Community protection warning",
        "purpose": LetterPurpose.CPW,
        "output_format": LetterFormat.PDF,
        "subject": "Community protection warning",
        "body": "\n\n".join(
            (
                ADDRESS_BLOCK,
                "{{ today }}",
                "Our reference: {{ case.reference }}",
                "Dear {{ person.full_name }}",
                "This is a written warning under the community protection notice powers of the "
                "Anti-social Behaviour, Crime and Policing Act 2014. We are satisfied that your "
                "conduct is having a detrimental effect, of a persistent or continuing nature, "
                "on the quality of life of those in the locality, and that it is unreasonable.",
                "The problem: [describe the behaviour, where and when it happened].",
                "What you must do: [describe what you must stop doing or start doing].",
                "By when: [give the date by which the behaviour must change].",
                "If you do not comply with this warning, you may be served with a community "
                "protection notice. Failing to comply with a notice is a criminal offence.",
                "This warning lasts for six months from the date above. There is no right of "
                "appeal against a warning.",
                SIGN_OFF,
            )
        ),
    },
    {
        "name": "Acceptable behaviour contract",
        "purpose": LetterPurpose.ABC,
        "output_format": LetterFormat.DOCX,
        "subject": "Acceptable behaviour contract",
        "body": "\n\n".join(
            (
                "Name: {{ person.full_name }}\nDate of birth: {{ person.date_of_birth }}\n"
                "Address:\n{{ person.address }}",
                "Reference: {{ case.reference }}\nDate: {{ today }}",
                "This is a voluntary written agreement between {{ person.full_name }} and "
                "{{ agency.name }}. It is not a court order.",
                "I agree that I will not:\n1. [first behaviour to stop]\n2. [second behaviour "
                "to stop]\n3. [third behaviour to stop]",
                "The agencies agree to offer the following support: [describe the support].",
                "This contract will be reviewed on [review date]. If I break it, further action "
                "may be taken, which may include a community protection warning or an "
                "application to court.",
                "Signed (person): ______________________\n\n"
                "Signed for {{ agency.name }}: ______________________\n{{ officer.name }}, "
                "{{ officer.job_title }}",
            )
        ),
    },
)


@transaction.atomic
def letter_templates_seed(partnership: Partnership) -> list[LetterTemplate]:
    """Add the standard letter templates the partnership does not have yet (by name)."""
    have = set(
        LetterTemplate.objects.filter(partnership=partnership).values_list("name", flat=True)
    )
    added: list[LetterTemplate] = []
    for seed in SEED_LETTER_TEMPLATES:
        if seed["name"] in have:
            continue
        assert not problems(seed["subject"]) and not problems(seed["body"]), seed["name"]  # noqa: S101 (seed wording is ours: a bad field is a bug)
        template = LetterTemplate(partnership=partnership, **seed)
        template.full_clean()
        template.save()
        audit_record(
            action=Action.CREATE,
            target=template,
            changes={"name": [None, template.name]},
            detail={"seeded": True, "partnership": partnership.pk},
        )
        added.append(template)
    return added

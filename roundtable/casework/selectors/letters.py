"""Reading letter templates and letters.

Templates are a partnership's configuration, read by its partnership admins (the views check the
capability) and offered to the teams that generate letters. A letter is part of its case's
documents section: ``access_letter`` reaches the case through ``records.access`` and answers 404
to anyone without that section. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from roundtable.casework.models import Letter, LetterTemplate
from roundtable.casework.selectors.documents import record_documents
from roundtable.records.access import Reached
from roundtable.records.models import Case
from roundtable.sharing import policy


@dataclass(frozen=True)
class LetterReached:
    """A letter the viewer may read, and its case as the viewer reached it."""

    letter: Letter
    reached: Reached[Any]


def letter_templates_for_partnership(
    *, partnership_id: int, active_only: bool = False
) -> QuerySet[LetterTemplate]:
    """A partnership's letter templates, by name."""
    templates = LetterTemplate.objects.filter(partnership_id=partnership_id).order_by("name")
    return templates.filter(is_active=True) if active_only else templates


def letter_template_in_partnership(*, code: Any, partnership_id: int) -> LetterTemplate:
    """One of the partnership's templates, or 404 (another partnership's too)."""
    template = LetterTemplate.objects.filter(code=code, partnership_id=partnership_id).first()
    if template is None:
        raise Http404
    return template


def letters_for_case(case: Case) -> list[Letter]:
    """The letters generated on a case, newest first (the caller checked the documents section)."""
    return list(
        Letter.objects.filter(case=case)
        .select_related("template", "document", "profile", "generated_by", "served_by")
        .order_by("-created_at", "-id")[:100]
    )


def access_letter(request: HttpRequest, code: Any, *, change: bool = False) -> LetterReached:
    """A letter whose case's documents the viewer may see (404 if not); ``change``: owner only."""
    try:
        letter = Letter.objects.select_related(
            "case__case_type", "profile", "template", "document__current_version"
        ).get(code=code)
    except (Letter.DoesNotExist, ValueError):
        raise Http404 from None
    reached = record_documents(request, "case", str(letter.case.code))
    if change and not policy.can(reached.viewer, policy.Action.EDIT, reached.record):
        raise PermissionDenied
    return LetterReached(letter=letter, reached=reached)


def person_visible(viewer: policy.Viewer, letter: Letter) -> bool:
    """Whether the viewer may see who the letter is for (the person's identity section)."""
    return policy.can(viewer, policy.Action.VIEW, cast(policy.Record, letter.profile), "identity")

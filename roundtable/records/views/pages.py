"""What the case, case type, premises and group views share: forms pages, conflicts, withheld notes.

Nothing here decides access: views ask ``records.access`` (records) or ``directory.permissions``
(case type administration) first, and pass what they reached in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from roundtable.customforms.forms import AnswersForm
from roundtable.records.access import Reached
from roundtable.records.forms.cases import add_service_errors
from roundtable.records.services.cases import StaleRecord
from roundtable.sharing import policy
from roundtable.sharing.kinds import SLUG_BY_KIND
from roundtable.sharing.sections import SECTIONS_BY_KIND, Section

CONFLICT_MESSAGE = (
    "Someone else changed this while you were editing it. Nothing has been saved. Check the "
    "details as they are now, then make your change again"
)


def acting_team(request: HttpRequest) -> Any:
    """The team the user is working as; without one nobody can create records."""
    team = getattr(request, "acting_team", None)
    if team is None:
        raise PermissionDenied
    return team


def attempt(
    form: Form, write: Callable[[], object], answers: AnswersForm | None = None
) -> tuple[bool, Any]:
    """Run a service: (True, None) when done, (False, current row) on a stale version, else
    (False, None) with the refusal put on the form (per-type answers' errors on ``answers``)."""
    try:
        write()
    except StaleRecord as stale:
        return False, stale.current
    except ValidationError as error:
        if answers is not None and hasattr(error, "error_dict"):
            rest = answers.add_service_errors(error.message_dict)
            if rest:
                add_service_errors(form, ValidationError(rest))
        else:
            add_service_errors(form, error)
        return False, None
    return True, None


def conflict_form(form_class: type[Form], data: Any, current: Any, **kwargs: Any) -> Form:
    """The submitted form again, now at the current version, with the conflict explained."""
    data = data.copy()
    data["version"] = str(current.version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, CONFLICT_MESSAGE)
    return form


def form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    caption: str,
    submit: str,
    back: str,
    conflict_values: list[tuple[str, str]] | None = None,
    warning: str = "",
    intro: str = "",
    answers: AnswersForm | None = None,
) -> HttpResponse:
    """A GOV.UK question page for one form (and a record's per-type questions); 409 on conflict."""
    context = {
        "answers": answers if answers is not None and answers.has_questions else None,
        "form": form,
        "title": title,
        "caption": caption,
        "submit": submit,
        "back": back,
        "warning": warning,
        "intro": intro,
        "conflict_values": conflict_values,
    }
    failed = form.errors or (answers is not None and answers.has_errors)
    status = 409 if conflict_values is not None else (400 if failed else 200)
    return render(request, "records/cases/form_page.html", context, status=status)


def request_access_url(kind: int, code: Any) -> str:
    """The sharing pages' "request access" address for a record."""
    return reverse("sharing:request_access", kwargs={"kind": SLUG_BY_KIND[kind], "code": code})


def withheld(reached: Reached[Any], built: Iterable[Section]) -> dict[str, Any]:
    """What a record page says about the sections it does not show and whom to ask."""
    kind = int(reached.record.record_kind)
    missing = [s for s in SECTIONS_BY_KIND[kind] if s not in reached.sections]
    return {
        "withheld_sections": missing,
        "withheld_built": [s for s in missing if s in set(built)],
        "request_access_url": request_access_url(kind, reached.record.code)
        if missing and not reached.is_owner
        else None,
        "can_request": policy.can(reached.viewer, policy.Action.REQUEST_ACCESS, reached.record),
    }

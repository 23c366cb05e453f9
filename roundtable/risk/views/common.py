"""What the risk pages share: reaching a person for their offending, the withheld page, the audit
of what a person's page showed, and the form page.

Nothing here decides access: ``records.access`` answers 404 for a person who is hidden or
missing (and, here, for one seen as a signpost only: offending pages are not signposts), and the
policy's sections say whether the offending section may be shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.records.access import Reached, access_profile
from roundtable.records.models import Profile
from roundtable.records.views.pages import withheld
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import Section


def reach_person(request: HttpRequest, code: Any) -> Reached[Profile]:
    """The person a risk page is about: 404 when missing, hidden or seen as a signpost only."""
    reached = access_profile(request, str(code))
    if reached.signpost_only:
        raise Http404
    return reached


def reach_offending(request: HttpRequest, code: Any) -> Reached[Profile]:
    """As ``reach_person``, for pages that write: 403 unless the viewer sees the offending."""
    reached = reach_person(request, code)
    if not reached.shows(Section.OFFENDING):
        raise PermissionDenied
    return reached


def person_heading(reached: Reached[Profile]) -> str:
    """How a risk page names the person, saying no more than their record page would."""
    record = reached.record
    if reached.shows(Section.IDENTITY) or record.visibility != Visibility.HIDDEN:
        return str(record.display_name)
    return _("A person (identity withheld)")


def withheld_page(request: HttpRequest, reached: Reached[Profile], title: str) -> HttpResponse:
    """The person's offending is not shared with the viewer's team: say so, and whom to ask."""
    context = {
        "reached": reached,
        "profile": reached.record,
        "heading": person_heading(reached),
        "title": title,
        **withheld(reached, ()),
    }
    audit_person_page(reached, page="offending_withheld", shown=[])
    return render(request, "risk/withheld.html", context)


def audit_person_page(
    reached: Reached[Profile],
    *,
    page: str,
    shown: list[str],
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Record that the viewer saw this risk page of the person, with the sections shown."""
    audit_record(
        action=Action.VIEW,
        target=reached.record,
        sections=shown,
        detail={"page": page, **(detail or {})},
    )


def put_errors(form: Form, error: ValidationError) -> None:
    """A service's refusal next to the fields it names, the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.error_dict.items():
            target = name if name in form.fields else None
            if name == "occurred_at" and "occurred_on" in form.fields:
                target = "occurred_on"
            for message in messages:
                form.add_error(target, message)
            if target is not None:
                describe_error(form, target)
    else:
        form.add_error(None, error.messages)


def describe_error(form: Form, name: str) -> None:
    """A field put in error after cleaning is named by its hint and its error, and styled in
    error, as ``GovukFormMixin`` does for errors found while cleaning (otherwise Django points
    the field's ``aria-describedby`` at an ``id_<name>_error`` no template writes)."""
    field = form.fields[name]
    attrs = field.widget.attrs
    hint = [f"id_{name}_helptext"] if field.help_text else []
    attrs["aria-describedby"] = " ".join([*hint, f"id_{name}-error"])
    css = attrs.get("class", "")
    if css.startswith("govuk-") and "--error" not in css:
        attrs["class"] = f"{css} {css.split()[0]}--error"


def form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    caption: str,
    submit: str,
    back: str,
    conflict_values: list[tuple[str, str]] | None = None,
    intro: str = "",
    multipart: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """A GOV.UK question page for one risk form; 409 with a conflict, 400 with errors."""
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "submit": submit,
        "back": back,
        "conflict_values": conflict_values,
        "intro": intro,
        "multipart": multipart,
        **(extra or {}),
    }
    status = 409 if conflict_values is not None else (400 if form.errors else 200)
    return render(request, "risk/form_page.html", context, status=status)

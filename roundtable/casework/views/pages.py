"""What the diary and timeline pages share: reaching the record, the purpose gate, headings,
what is withheld, and the audit of what was shown.

Nothing here decides access: ``records.access`` (through ``sharing.kinds.reach``) answers 404 for
a record that is hidden or missing, and the policy's sections say what may be shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.records import purpose as purpose_rules
from roundtable.records.access import Reached
from roundtable.records.views.pages import withheld
from roundtable.sharing import kinds, policy
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import RecordKind, Section


def reach(request: HttpRequest, kind: str, code: Any) -> Reached[Any]:
    """The record a diary page is about: 404 when missing, hidden, or seen as a signpost only.

    A signpost (name, date of birth, agencies involved) is the record page's business; the
    diary and timeline pages exist only for viewers who see some section of the record, so to
    anyone else they answer as if there were nothing there.
    """
    reached = kinds.reach(request, kind, str(code), action=policy.Action.SEE_SIGNPOST)
    if reached.signpost_only:
        raise Http404
    return reached


def purpose_gate(request: HttpRequest, reached: Reached[Any]) -> tuple[str, HttpResponse | None]:
    """("purpose", None) to go on, or ("", the page asking why) on an 'audited' case type.

    Readers outside the owning team state why before reading such a record, as on its own
    page; the purpose is remembered for the record for a few minutes and audited with the view.
    """
    if not purpose_rules.needs_purpose(reached):
        return "", None
    remembered = purpose_rules.remembered_purpose(request, reached)
    if remembered:
        return remembered, None
    asked = request.method == "POST" and "purpose" in request.POST
    form = purpose_rules.PurposeForm(request.POST if asked else None)
    if form.is_valid():
        purpose_rules.remember_purpose(request, reached, form.cleaned_data["purpose"])
        return "", redirect(request.get_full_path())
    context = {"reached": reached, "record": reached.record, "form": form}
    return "", render(request, "records/purpose.html", context, status=400 if asked else 200)


def heading(reached: Reached[Any]) -> str:
    """How the diary pages name the record, saying no more than its own page would."""
    record, kind = reached.record, int(reached.record.record_kind)
    if kind == RecordKind.CASE:
        return _("Case %(reference)s") % {"reference": record.reference}
    if kind == RecordKind.PROFILE:
        if reached.shows(Section.IDENTITY) or record.visibility != Visibility.HIDDEN:
            return str(record.display_name)
        return _("A person (identity withheld)")
    if reached.shows(Section.SUMMARY):
        return str(record.name)
    return _("Premises record") if kind == RecordKind.PREMISES else _("Group record")


def withheld_context(reached: Reached[Any]) -> dict[str, Any]:
    """What the page says about the diary and other sections withheld, and whom to ask."""
    context = withheld(reached, ())
    context["diary_withheld"] = not reached.shows(Section.DIARY)
    return context


def audit_shown(
    reached: Reached[Any],
    *,
    page: str,
    sections: Iterable[str],
    entries: Iterable[Any] = (),
    justification: str = "",
) -> None:
    """Record that the viewer saw this page of the record: which sections and which entries."""
    shown = sorted({str(section) for section in sections})
    audit_record(
        action=Action.VIEW,
        target=reached.record,
        sections=shown,
        detail={
            "page": page,
            "signpost_only": reached.signpost_only,
            "diary_entries": [str(entry.code) for entry in entries],
        },
        justification=justification,
    )

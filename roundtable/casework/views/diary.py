"""Diary pages: a record's diary, one entry with its history, and add, correct and retract.

Thin: each view reaches the record through ``records.access`` (missing or hidden: 404), asks the
diary selectors (which apply the policy) and calls at most one service. A viewer who sees the
record but not the diary is told it is withheld and whom to ask, and sees no entry text. Every
page is audited with the sections and entries shown. There is no delete view, by design.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from roundtable.casework.forms.diary import (
    DiaryCorrectForm,
    DiaryEntryForm,
    DiaryFilterForm,
    DiaryRetractForm,
)
from roundtable.casework.models import DiaryEntry
from roundtable.casework.selectors import diary as selectors
from roundtable.casework.selectors import documents as document_selectors
from roundtable.casework.services import diary as services
from roundtable.casework.views.pages import (
    audit_shown,
    heading,
    purpose_gate,
    reach,
    withheld_context,
)
from roundtable.records.access import Reached
from roundtable.records.forms.cases import add_service_errors
from roundtable.records.services.cases import StaleRecord
from roundtable.records.views.pages import CONFLICT_MESSAGE, acting_team
from roundtable.sharing import policy
from roundtable.sharing.sections import SECTIONS_BY_KIND, Section

#: A service names the joined date and time "occurred_at"; the form has it as two boxes.
FIELD_FOR_SERVICE_KEY = {"occurred_at": "occurred_time"}


def _put_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {FIELD_FOR_SERVICE_KEY.get(key, key): value for key, value in error.error_dict.items()}
        )
    add_service_errors(form, error)


def _urls(kind: str, code: UUID, entry: DiaryEntry | None = None) -> dict[str, str]:
    args = {"kind": kind, "code": code}
    urls = {
        "list": reverse("casework:diary_list", kwargs=args),
        "add": reverse("casework:diary_entry_add", kwargs=args),
    }
    if entry is not None:
        args = {**args, "entry": entry.code}
        urls["entry"] = reverse("casework:diary_entry", kwargs=args)
        urls["correct"] = reverse("casework:diary_entry_correct", kwargs=args)
        urls["retract"] = reverse("casework:diary_entry_retract", kwargs=args)
    return urls


def _base(reached: Reached[Any], kind: str, code: UUID) -> dict[str, Any]:
    return {
        "reached": reached,
        "record": reached.record,
        "heading": heading(reached),
        "kind": kind,
        "urls": _urls(kind, code),
        **withheld_context(reached),
    }


# --- the diary of a record ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])  # POST only to state a purpose
def diary_list(request: HttpRequest, kind: str, code: UUID) -> HttpResponse:
    """A record's diary: the entries in sections the viewer sees, newest first, by type."""
    reached = reach(request, kind, code)
    purpose, gate = purpose_gate(request, reached)
    if gate is not None:
        return gate
    form = DiaryFilterForm(request.GET or None)
    types = form.cleaned_data["types"] if form.is_bound and form.is_valid() else []
    diary = selectors.diary_entries_for(
        viewer=reached.viewer,
        record=reached.record,
        entry_types=types,
        page=request.GET.get("page", 1),
    )
    filters = urlencode([("types", value) for value in types])
    context = {
        **_base(reached, kind, code),
        "form": form,
        "diary": diary,
        "filters": filters,
        "filtered": bool(types),
        "may_write": getattr(request, "acting_team", None) is not None,
    }
    audit_shown(
        reached,
        page="diary",
        sections=diary.shown_sections,
        entries=[row.entry for row in diary.rows],
        justification=purpose,
    )
    return render(request, "casework/diary/list.html", context)


# --- one entry ------------------------------------------------------------------------------------


def _entry_on(reached: Reached[Any], entry_code: UUID) -> DiaryEntry:
    entry = selectors.diary_entry_for(viewer=reached.viewer, record=reached.record, code=entry_code)
    if entry is None:
        raise Http404
    return entry


def _entry_documents(
    reached: Reached[Any], kind: str, code: UUID, entry: DiaryEntry
) -> dict[str, Any]:
    """The entry's documents, only for a viewer who sees the record's documents section, and
    the link to attach one for those who may add documents to the record (the owning team)."""
    if not reached.shows(Section.DOCUMENTS):
        return {"documents_shown": False, "documents": [], "attach_url": ""}
    may_attach = not entry.is_retracted and policy.can(
        reached.viewer, policy.Action.EDIT, reached.record
    )
    attach_url = ""
    if may_attach:
        add = reverse("casework:document_add", kwargs={"kind": kind, "code": code})
        attach_url = f"{add}?{urlencode({'entry': str(entry.code)})}"
    return {
        "documents_shown": True,
        "documents": document_selectors.documents_on_entry(entry),
        "attach_url": attach_url,
    }


@login_required
@require_http_methods(["GET", "POST"])  # POST only to state a purpose
def diary_entry(request: HttpRequest, kind: str, code: UUID, entry: UUID) -> HttpResponse:
    """One entry with its earlier versions and its documents; withheld when its section is not
    shared (its documents are listed only to those who see the record's documents section)."""
    reached = reach(request, kind, code)
    purpose, gate = purpose_gate(request, reached)
    if gate is not None:
        return gate
    found = _entry_on(reached, entry)
    shows = reached.shows(found.section)
    context: dict[str, Any] = {
        **_base(reached, kind, code),
        "entry_withheld": not shows,
        "entry_section": Section(found.section),
    }
    shown = [found.section] if shows else []
    if shows:
        context.update(
            row=selectors.diary_entry_row(viewer=reached.viewer, entry=found),
            revisions=selectors.diary_revisions(entry=found),
            may_amend=selectors.may_amend(reached.viewer, found),
            urls=_urls(kind, code, found),
            **_entry_documents(reached, kind, code, found),
        )
        if context["documents"]:
            shown.append(Section.DOCUMENTS)  # their titles are on the page
    audit_shown(
        reached,
        page="diary_entry",
        sections=shown,
        entries=[found] if shows else [],
        justification=purpose,
    )
    return render(request, "casework/diary/entry.html", context)


# --- add an entry -------------------------------------------------------------------------------


def _section_choices(reached: Reached[Any]) -> list[tuple[str, str]]:
    """The sections the viewer may write in, the diary first."""
    kind = int(reached.record.record_kind)
    allowed = [section for section in SECTIONS_BY_KIND[kind] if reached.shows(section)]
    allowed.sort(key=lambda section: section != Section.DIARY)
    return [(str(section), str(section.label)) for section in allowed]


@login_required
@require_http_methods(["GET", "POST"])
def diary_entry_add(request: HttpRequest, kind: str, code: UUID) -> HttpResponse:
    """Record an entry on the record, in a section the acting team may see."""
    reached = reach(request, kind, code)
    team = acting_team(request)
    sections = _section_choices(reached)
    if not sections:
        raise PermissionDenied
    if request.method == "GET":
        _purpose, gate = purpose_gate(request, reached)
        if gate is not None:
            return gate
    candidates = selectors.diary_link_candidates(viewer=reached.viewer, record=reached.record)
    people = [(str(person.code), person.display_name) for person in candidates]
    kwargs = {"sections": sections, "people": people}
    if request.method == "POST":
        form = DiaryEntryForm(request.POST, **kwargs)
        if form.is_valid():
            chosen = set(form.cleaned_data.get("linked_profiles") or [])
            try:
                services.diary_entry_create(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    record=reached.record,
                    entry_type=form.cleaned_data["entry_type"],
                    occurred_at=form.cleaned_data["occurred_at"],
                    body=form.cleaned_data["body"],
                    section=form.cleaned_data["section"],
                    linked_profiles=[p for p in candidates if str(p.code) in chosen],
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(request, _("Diary entry added."))
                return redirect(_urls(kind, code)["list"])
    else:
        initial: dict[str, Any] = {
            "section": Section.DIARY if reached.shows(Section.DIARY) else sections[0][0],
            "occurred_on": timezone.localdate(),
        }
        form = DiaryEntryForm(initial=initial, **kwargs)
    context = {
        **_base(reached, kind, code),
        "form": form,
        "title": _("Add a diary entry"),
        "submit": _("Save entry"),
        "back": _urls(kind, code)["list"],
    }
    return render(request, "casework/diary/form.html", context, status=400 if form.errors else 200)


# --- correct and retract ------------------------------------------------------------------------


def _amendable(
    request: HttpRequest, kind: str, code: UUID, entry: UUID
) -> tuple[Reached[Any], DiaryEntry]:
    """The entry, for someone who may change it: 404 if they cannot see it, 403 if not theirs.

    A retracted entry still reaches the service on POST, so a form read before someone else
    retracted it gets the conflict page rather than a refusal.
    """
    reached = reach(request, kind, code)
    found = _entry_on(reached, entry)
    if not reached.shows(found.section):
        raise Http404
    if not selectors.is_amender(reached.viewer, found):
        raise PermissionDenied
    return reached, found


def _already_retracted(
    kind: str, code: UUID, entry: DiaryEntry, request: HttpRequest
) -> HttpResponse:
    messages.info(request, _("This entry has been retracted: it cannot be changed any more."))
    return redirect(_urls(kind, code, entry)["entry"])


def _entry_values(entry: DiaryEntry) -> list[tuple[str, str]]:
    """An entry's current values, for the conflict page."""
    values = [
        (_("Type"), str(entry.get_entry_type_display())),
        (_("When it happened"), timezone.localtime(entry.occurred_at).strftime("%d/%m/%Y %H:%M")),
        (_("What happened"), entry.body),
    ]
    if entry.is_retracted:
        values.append((_("Retracted"), entry.retraction_reason))
    return values


@dataclass(frozen=True)
class AmendPage:
    """Which amend page this is: its record's address and its words."""

    kind: str
    code: UUID
    title: str
    submit: str


def _amend_page(
    request: HttpRequest,
    reached: Reached[Any],
    entry: DiaryEntry,
    form: Form,
    page: AmendPage,
    conflict: DiaryEntry | None = None,
) -> HttpResponse:
    kind, code = page.kind, page.code
    urls = _urls(kind, code, entry)
    context = {
        **_base(reached, kind, code),
        "form": form,
        "title": page.title,
        "submit": page.submit,
        "back": urls["entry"],
        "entry": entry,
        "conflict_values": _entry_values(conflict) if conflict is not None else None,
    }
    status = 409 if conflict is not None else (400 if form.errors else 200)
    return render(request, "casework/diary/form.html", context, status=status)


def _conflicted(form_class: type[Form], data: Any, current: DiaryEntry) -> Form:
    """The submitted form again, now at the entry's current version, with the conflict said."""
    resubmitted = data.copy()
    resubmitted["version"] = str(current.version)
    form = form_class(resubmitted)
    form.is_valid()
    form.add_error(None, CONFLICT_MESSAGE)
    return form


@login_required
@require_http_methods(["GET", "POST"])
def diary_entry_correct(request: HttpRequest, kind: str, code: UUID, entry: UUID) -> HttpResponse:
    """Correct an entry; the earlier version is kept and shown with the reason."""
    reached, found = _amendable(request, kind, code, entry)
    team = acting_team(request)
    page = AmendPage(kind, code, _("Correct this entry"), _("Save correction"))
    if request.method != "POST":
        _purpose, gate = purpose_gate(request, reached)
        if gate is not None:
            return gate
        if found.is_retracted:
            return _already_retracted(kind, code, found, request)
        local = timezone.localtime(found.occurred_at)
        form: Form = DiaryCorrectForm(
            initial={
                "version": found.version,
                "entry_type": found.entry_type,
                "occurred_on": local.date(),
                "occurred_time": local.strftime("%H:%M"),
                "body": found.body,
            }
        )
        return _amend_page(request, reached, found, form, page)
    form = DiaryCorrectForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.diary_entry_correct(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                entry=found,
                expected_version=data["version"],
                body=data["body"],
                entry_type=data["entry_type"],
                occurred_at=data["occurred_at"],
                reason=data["reason"],
            )
        except StaleRecord as stale:
            current: DiaryEntry = stale.current  # type: ignore[assignment]
            conflicted = _conflicted(DiaryCorrectForm, request.POST, current)
            return _amend_page(request, reached, found, conflicted, page, conflict=current)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Entry corrected. The earlier version is kept."))
            return redirect(_urls(kind, code, found)["entry"])
    return _amend_page(request, reached, found, form, page)


@login_required
@require_http_methods(["GET", "POST"])
def diary_entry_retract(request: HttpRequest, kind: str, code: UUID, entry: UUID) -> HttpResponse:
    """Retract an entry with a reason; it stays on the record, struck through."""
    reached, found = _amendable(request, kind, code, entry)
    team = acting_team(request)
    page = AmendPage(kind, code, _("Retract this entry"), _("Retract entry"))
    if request.method != "POST":
        _purpose, gate = purpose_gate(request, reached)
        if gate is not None:
            return gate
        if found.is_retracted:
            return _already_retracted(kind, code, found, request)
        form: Form = DiaryRetractForm(initial={"version": found.version})
        return _amend_page(request, reached, found, form, page)
    form = DiaryRetractForm(request.POST)
    if form.is_valid():
        try:
            services.diary_entry_retract(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                entry=found,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except StaleRecord as stale:
            current: DiaryEntry = stale.current  # type: ignore[assignment]
            conflicted = _conflicted(DiaryRetractForm, request.POST, current)
            return _amend_page(request, reached, found, conflicted, page, conflict=current)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Entry retracted. It stays on the record, struck through."))
            return redirect(_urls(kind, code, found)["entry"])
    return _amend_page(request, reached, found, form, page)

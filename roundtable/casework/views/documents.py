"""Document pages: a record's documents, adding one, a document and its versions, downloading.

Thin: each view reaches the record through ``casework.selectors.documents`` (missing, hidden or
documents not shared: 404; shared but not the owning team, for a change: 403), calls at most one
service and renders. Listing and reading are audited as views of the documents section, every
download as an export. A download is always an attachment with the type detected at upload and
``nosniff``, so a browser never runs or renders what someone uploaded inside Roundtable's pages.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.casework.forms.documents import (
    DocumentAddForm,
    DocumentEditForm,
    DocumentVersionForm,
)
from roundtable.casework.selectors import documents as selectors
from roundtable.casework.selectors.letters import letters_for_case
from roundtable.casework.services import documents as services
from roundtable.casework.views.common import actor_and_team, form_page, put_errors, stated_purpose
from roundtable.lib.uploads import explain_refusal, upload_refused
from roundtable.records.access import audit_view
from roundtable.records.services.cases import StaleRecord
from roundtable.sharing import kinds
from roundtable.sharing.sections import RecordKind, Section

SHOWN = [str(Section.DOCUMENTS)]


def _record_label(record: Any) -> str:
    return str(getattr(record, "reference", "") or _("Record %(code)s") % {"code": record.code})


@login_required
@require_GET
def document_list(request: HttpRequest, kind: str, code: UUID) -> HttpResponse:
    """A record's documents (and, on a case, its letters), for those who may see them."""
    reached = selectors.record_documents(request, kind, str(code))
    purpose, ask = stated_purpose(request, reached)
    if ask is not None:
        return ask
    record = reached.record
    page = selectors.documents_on_record(record, page_number=request.GET.get("page"))
    is_case = int(record.record_kind) == RecordKind.CASE
    audit_view(reached, shown=SHOWN, justification=purpose)
    context = {
        "reached": reached,
        "record": record,
        "kind": kind,
        "page": page,
        "letters": letters_for_case(record) if is_case else None,
        "is_case": is_case,
        "can_add": reached.is_owner,
    }
    return render(request, "casework/documents/list.html", context)


def _file_refusal(request: HttpRequest, form: Any) -> bool:
    """Put the 'too big' message on the form when the file was dropped while it streamed in."""
    if upload_refused(request, "file"):
        explain_refusal(form, "file", services.too_big_error().messages[0])
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest, kind: str, code: UUID) -> HttpResponse:
    """Add a document to a record the acting team owns (``?entry=``: to one of its diary
    entries, which must be on the record and in a section the team sees)."""
    reached = selectors.record_documents_for_change(request, kind, str(code))
    actor, team = actor_and_team(request)
    record = reached.record
    entry = selectors.entry_to_attach_to(reached, request.GET.get("entry"))
    back = reverse("casework:document_list", kwargs={"kind": kind, "code": record.code})
    intro = _("The largest file you can upload is %(limit)s.") % {
        "limit": services.size_limit_text()
    }
    if entry is not None:
        back = reverse(
            "casework:diary_entry", kwargs={"kind": kind, "code": record.code, "entry": entry.code}
        )
        intro = " ".join(
            [
                _("The document will belong to the diary entry “%(type)s” of %(when)s.")
                % {
                    "type": entry.get_entry_type_display(),
                    "when": date_format(timezone.localtime(entry.occurred_at), "j F Y, H:i"),
                },
                intro,
            ]
        )
    form = DocumentAddForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not _file_refusal(request, form) and form.is_valid():
        try:
            document = services.document_create(
                actor=actor,
                team=team,
                record=record,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                upload=form.cleaned_data["file"],
                diary_entry=entry,
            )
        except ValidationError as error:
            put_errors(form, error, default_field="file")
        else:
            messages.success(request, _("Document added."))
            return redirect(back if entry is not None else document.get_absolute_url())
    return form_page(
        request,
        form,
        title=_("Attach a document") if entry is not None else _("Add a document"),
        caption=_record_label(record),
        submit=_("Upload"),
        back=back,
        multipart=True,
        intro=intro,
    )


@login_required
@require_GET
def document_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A document: its title, description, and every version of its file to download."""
    found = selectors.access_document(request, code)
    purpose, ask = stated_purpose(request, found.reached)
    if ask is not None:
        return ask
    document = found.document
    audit_view(found.reached, shown=SHOWN, justification=purpose)
    context = {
        "document": document,
        "record": found.reached.record,
        "kind": kinds.slug_for(found.reached.record),
        "versions": list(selectors.document_versions(document)),
        "letter": selectors.case_letter_for_document(document),
        "may_change": found.may_change,
    }
    return render(request, "casework/documents/detail.html", context)


def _document_values(document: Any) -> list[tuple[str, str]]:
    return [
        (_("Title"), document.title),
        (_("Description"), document.description or _("None")),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change a document's title and description; a stale save shows both versions."""
    found = selectors.access_document(request, code, change=True)
    actor, team = actor_and_team(request)
    document = found.document
    conflict = None
    if request.method == "POST":
        form = DocumentEditForm(request.POST)
        if form.is_valid():
            try:
                services.document_update(
                    actor=actor,
                    team=team,
                    document=document,
                    expected_version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                )
            except StaleRecord as stale:
                conflict = _document_values(stale.current)
                data = request.POST.copy()
                data["version"] = str(stale.current.version)  # type: ignore[attr-defined]
                form = DocumentEditForm(data)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Someone else changed this document while you were editing it. Nothing "
                        "has been saved. Check the details as they are now, then make your "
                        "change again"
                    ),
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Document details saved."))
                return redirect(document)
    else:
        form = DocumentEditForm(
            initial={
                "title": document.title,
                "description": document.description,
                "version": document.version,
            }
        )
    return form_page(
        request,
        form,
        title=_("Change the document's details"),
        caption=_record_label(found.reached.record),
        submit=_("Save changes"),
        back=document.get_absolute_url(),
        conflict_values=conflict,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_version_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """Upload a new version of a document's file; the earlier versions stay downloadable."""
    found = selectors.access_document(request, code, change=True)
    actor, team = actor_and_team(request)
    document = found.document
    form = DocumentVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not _file_refusal(request, form) and form.is_valid():
        try:
            services.document_version_add(
                actor=actor, team=team, document=document, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            put_errors(form, error, default_field="file")
        else:
            messages.success(request, _("New version uploaded."))
            return redirect(document)
    return form_page(
        request,
        form,
        title=_("Upload a new version"),
        caption=document.title,
        submit=_("Upload"),
        back=document.get_absolute_url(),
        multipart=True,
        intro=_(
            "Earlier versions are kept and can still be downloaded. The largest file you can "
            "upload is %(limit)s."
        )
        % {"limit": services.size_limit_text()},
    )


@login_required
@require_GET
def document_download(request: HttpRequest, code: UUID, number: int) -> HttpResponseBase:
    """One version of a document's file, as an attachment; every download is audited."""
    found = selectors.access_document(request, code)
    purpose, ask = stated_purpose(request, found.reached)
    if ask is not None:
        return ask
    version = selectors.document_version(found.document, number)
    handle = services.document_download(
        document=found.document, version=version, justification=purpose
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.download_name,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""Reading documents, always through the policy: a record's documents, one document, its versions.

A document is part of its record's "documents" section. ``access_document`` and
``record_documents`` reach the record through ``records.access`` and answer 404 (never 403) to
anyone without that section, as for a missing or hidden record, so neither a document nor its
title can be discovered. Nothing here writes, and nothing here may return a document without
that check.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from roundtable.casework.models import DiaryEntry, Document, DocumentVersion, Letter
from roundtable.casework.selectors.diary import diary_entry_for
from roundtable.casework.services.documents import RECORD_FIELD
from roundtable.casework.timeline import TimelineItem
from roundtable.records.access import Reached
from roundtable.records.models import Case
from roundtable.sharing import kinds, policy
from roundtable.sharing.sections import Section

DOCUMENTS_PER_PAGE = 25
RECORD_RELATED = ("profile", "premises", "group", "case__case_type")


@dataclass(frozen=True)
class DocumentReached:
    """A document the viewer may read, and the record it is on as the viewer reached it."""

    document: Document
    reached: Reached[Any]

    @property
    def may_change(self) -> bool:
        return self.reached.is_owner


def record_documents(request: HttpRequest, slug: str, code: str) -> Reached[Any]:
    """A record whose documents the viewer may list; 404 when missing, hidden or not shared.

    Not shared is 404 here, as for downloads: the record page already says the section is
    withheld and whom to ask.
    """
    reached = kinds.reach(request, slug, code, action=policy.Action.SEE_SIGNPOST)
    if not reached.shows(Section.DOCUMENTS):
        raise Http404
    return reached


def record_documents_for_change(request: HttpRequest, slug: str, code: str) -> Reached[Any]:
    """A record the viewer's team owns, to add a document to; 404 if unseen, 403 if not owner."""
    reached = record_documents(request, slug, code)
    if not policy.can(reached.viewer, policy.Action.EDIT, reached.record):
        raise PermissionDenied
    return reached


def access_document(request: HttpRequest, code: Any, *, change: bool = False) -> DocumentReached:
    """A document the viewer may read (404 otherwise); ``change``: 403 unless the owning team."""
    try:
        document = Document.objects.select_related(*RECORD_RELATED, "current_version").get(
            code=code
        )
    except (Document.DoesNotExist, ValueError):
        raise Http404 from None
    record = document.record
    reached = record_documents(request, kinds.slug_for(record), str(record.code))
    if change and not policy.can(reached.viewer, policy.Action.EDIT, reached.record):
        raise PermissionDenied
    return DocumentReached(document=document, reached=reached)


def documents_on_record(record: Any, *, page_number: Any = 1) -> Page[Document]:
    """One page of a record's documents, newest change first (the caller checked the section)."""
    field = RECORD_FIELD[int(record.record_kind)]
    documents = (
        Document.objects.filter(**{field: record})
        .select_related("current_version", "added_by", "added_by_team")
        .order_by("-updated_at", "-id")
    )
    return Paginator(documents, DOCUMENTS_PER_PAGE).get_page(page_number)


def documents_on_entry(entry: DiaryEntry) -> list[Document]:
    """The documents that belong to a diary entry, oldest first (the caller checked the record's
    documents section; at most one query)."""
    return list(
        Document.objects.filter(diary_entry=entry)
        .select_related("current_version", "added_by", "added_by_team")
        .order_by("created_at", "pk")
    )


def entry_to_attach_to(reached: Reached[Any], code: str | None) -> DiaryEntry | None:
    """The diary entry a new document is for (``?entry=<code>``): None when none is named; 404
    when it is not an entry of this record in a section the viewer sees."""
    if not code:
        return None
    try:
        parsed = uuid.UUID(code)
    except ValueError:
        raise Http404 from None
    entry = diary_entry_for(viewer=reached.viewer, record=reached.record, code=parsed)
    if entry is None or not reached.shows(entry.section):
        raise Http404
    return entry


def document_versions(document: Document) -> QuerySet[DocumentVersion]:
    """Every version of a document's file, newest first (the caller checked the section)."""
    return document.versions.select_related("uploaded_by", "team").order_by("-number")


def document_version(document: Document, number: int) -> DocumentVersion:
    """One version of a document's file, or 404."""
    version = document.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def case_letter_for_document(document: Document) -> Letter | None:
    """The letter a document was generated as, if any."""
    return Letter.objects.select_related("template").filter(document=document).first()


def case_document_items(viewer: policy.Viewer, case: Case) -> list[TimelineItem]:
    """The case timeline's document items: only for a viewer who may see the documents section."""
    if not policy.can(viewer, policy.Action.VIEW, cast(policy.Record, case), Section.DOCUMENTS):
        return []
    versions = (
        DocumentVersion.objects.filter(document__case=case)
        .select_related("document", "uploaded_by", "team")
        .order_by("-created_at")[:200]
    )
    return [
        TimelineItem(
            occurred_at=version.created_at,
            kind="document",
            label="Document added" if version.number == 1 else "New version of a document",
            summary=version.document.title,
            url=version.document.get_absolute_url(),
            section=str(Section.DOCUMENTS),
            actor_label=f"{version.uploaded_by.full_name} ({version.team.name})",
        )
        for version in versions
    ]

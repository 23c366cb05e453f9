"""Writes to documents: add one to a record, add a new version, change its title, download it.

Every function checks the file's real type from its bytes (``casework.filetypes``) and its size
(``settings.DOCUMENT_MAX_BYTES``), stores it under a random name in the documents storage, and
audits in the same transaction; a download is audited as an export of the record's documents
section. Who may call them is decided before, by ``records.access`` (the views) or by the calling
service; adding or changing a document also checks here that the acting team owns the record.
A document may belong to one of its record's diary entries: the entry must be on the same record
and in a section the uploader's team may see. Adding a document tells, through an alert, those
who may see the record's documents and watch it or whom a rule names. This module must never
decide who may see a document: that is ``sharing.policy``.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.casework import filetypes
from roundtable.casework.models import DiaryEntry, Document, DocumentVersion
from roundtable.casework.storage import document_storage
from roundtable.directory.models import Team, User
from roundtable.records.services.cases import StaleRecord
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section
from roundtable.tasking.services.alerts import alert_event

RECORD_FIELD: dict[int, str] = {
    RecordKind.PROFILE: "profile",
    RecordKind.PREMISES: "premises",
    RecordKind.GROUP: "group",
    RecordKind.CASE: "case",
}
SECTIONS = [str(Section.DOCUMENTS)]
FILENAME_MAX = 200


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: what it really is, its size and its SHA-256."""

    kind: filetypes.DetectedType
    size: int
    sha256: str
    original_filename: str


def size_limit_text(limit: int | None = None) -> str:
    """'20 MB': the documents size limit in words."""
    limit = int(settings.DOCUMENT_MAX_BYTES) if limit is None else limit
    if limit < 1024 * 1024:
        return f"{limit / 1024:g} KB"
    return f"{limit / (1024 * 1024):g} MB"


def too_big_error() -> ValidationError:
    """The refusal for a file over the size limit (also used when it was dropped in transit)."""
    return ValidationError(
        f"The selected file must be smaller than {size_limit_text()}", code="too_big"
    )


def clean_filename(name: str | None) -> str:
    """The uploader's file name made safe to show and to offer back: no path, no control marks."""
    text = unicodedata.normalize("NFKC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters go, among them the right-to-left override that makes
    # "invoice\u202efdp.exe" read as "invoiceexe.pdf".
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split()).strip(" .")
    return text[:FILENAME_MAX] or "document"


def _measure(upload: File[Any]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    limit = int(settings.DOCUMENT_MAX_BYTES)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise too_big_error()
        digest.update(chunk)
    upload.seek(0)
    return size, digest.hexdigest()


def file_check(upload: File[Any]) -> CheckedFile:
    """Check an upload's size and real type; ValidationError with a plain message when refused."""
    declared = getattr(upload, "size", None)
    if declared is not None and declared > int(settings.DOCUMENT_MAX_BYTES):
        raise too_big_error()
    if declared == 0:
        raise ValidationError("The selected file is empty", code="empty")
    kind = filetypes.detect(upload)
    size, sha256 = _measure(upload)
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    return CheckedFile(
        kind=kind, size=size, sha256=sha256, original_filename=clean_filename(upload.name)
    )


def _require_owner(team: Team, record: Any) -> None:
    if team.pk != record.owning_team_id:
        raise PermissionDenied


def _store(
    *, actor: User, team: Team, document: Document, upload: File[Any], checked: CheckedFile
) -> DocumentVersion:
    """Save a checked file under a random name and add it as the document's next version."""
    random_name = uuid.uuid4().hex
    storage = document_storage()
    stored_name = storage.save(f"{random_name[:2]}/{random_name}.{checked.kind.extension}", upload)
    try:
        version = DocumentVersion(
            document=document,
            number=document.version_count + 1,
            stored_name=stored_name,
            original_filename=checked.original_filename,
            content_type=checked.kind.content_type,
            extension=checked.kind.extension,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
            team=team,
        )
        version.full_clean(exclude=["document"])
        version.save(force_insert=True)
        document.current_version = version
        document.version_count = version.number
        document.save(update_fields=["current_version", "version_count", "updated_at"])
    except BaseException:
        # The rows are rolled back with the transaction; the file would be left unreferenced.
        storage.delete(stored_name)
        raise
    return version


def _file_detail(document: Document, version: DocumentVersion) -> dict[str, Any]:
    return {
        "document": str(document.code),
        "file_version": version.number,
        "content_type": version.content_type,
        "size": version.size,
        "sha256": version.sha256,
    }


ENTRY_NOT_FOUND = "Choose a diary entry of this record that your team can see."
ENTRY_RETRACTED = "This diary entry has been retracted: documents cannot be added to it."


def _check_entry(actor: User, team: Team, record: Any, entry: DiaryEntry) -> None:
    """The entry is on this very record, in a section the uploader's team sees, not retracted."""
    field = RECORD_FIELD[int(record.record_kind)]
    if getattr(entry, f"{field}_id") != record.pk:
        raise ValidationError({"diary_entry": [ENTRY_NOT_FOUND]})
    viewer = policy.viewer_for_user(actor, team)
    if not policy.can(viewer, policy.Action.VIEW, record, entry.section):
        raise ValidationError({"diary_entry": [ENTRY_NOT_FOUND]})
    if entry.is_retracted:
        raise ValidationError({"diary_entry": [ENTRY_RETRACTED]})


@transaction.atomic
def document_create(
    *,
    actor: User,
    team: Team,
    record: Any,
    title: str,
    upload: File[Any],
    description: str = "",
    diary_entry: DiaryEntry | None = None,
) -> Document:
    """Put a document on a record the acting team owns: the file checked, stored and audited.

    With ``diary_entry``, the document belongs to that entry, which must be on the same record,
    visible to the uploader's team and not retracted.
    """
    _require_owner(team, record)
    if diary_entry is not None:
        _check_entry(actor, team, record, diary_entry)
    document = Document(
        title=title.strip(),
        description=description.strip(),
        added_by=actor,
        added_by_team=team,
        diary_entry=diary_entry,
        **{RECORD_FIELD[int(record.record_kind)]: record},
    )
    document.full_clean(exclude=["current_version", "diary_entry"])
    checked = file_check(upload)  # a refused file writes nothing
    document.save(force_insert=True)
    version = _store(actor=actor, team=team, document=document, upload=upload, checked=checked)
    detail = _file_detail(document, version)
    if diary_entry is not None:
        detail["diary_entry"] = str(diary_entry.code)
    audit_record(
        action=Action.CREATE,
        target=record,
        sections=SECTIONS,
        changes={"title": [None, document.title]},
        detail=detail,
    )
    alert_event(
        event="document.added",
        record=record,
        actor=actor,
        team=team,
        section=Section.DOCUMENTS,
        detail={"document_type": checked.kind.extension},
    )
    return document


@transaction.atomic
def document_version_add(
    *, actor: User, team: Team, document: Document, upload: File[Any]
) -> DocumentVersion:
    """Upload a new version of a document's file; every earlier version is kept."""
    current = Document.objects.select_for_update().get(pk=document.pk)
    record = document.record
    _require_owner(team, record)
    checked = file_check(upload)
    version = _store(actor=actor, team=team, document=current, upload=upload, checked=checked)
    audit_record(
        action=Action.UPDATE,
        target=record,
        sections=SECTIONS,
        detail=_file_detail(current, version),
    )
    document.current_version = version
    document.version_count = version.number
    return version


@transaction.atomic
def document_update(
    *,
    actor: User,
    team: Team,
    document: Document,
    expected_version: int,
    title: str,
    description: str,
) -> Document:
    """Change a document's title and description; StaleRecord when someone else saved first."""
    record = document.record
    _require_owner(team, record)
    current = Document.objects.select_for_update().get(pk=document.pk)
    if current.version != expected_version:
        raise StaleRecord(current)
    before = {"title": current.title, "description": current.description}
    current.title = title.strip()
    current.description = description.strip()
    current.full_clean(exclude=["current_version"])
    current.version += 1
    current.save(update_fields=["title", "description", "version", "updated_at"])
    audit_record(
        action=Action.UPDATE,
        target=record,
        sections=SECTIONS,
        changes=diff(before, {"title": current.title, "description": current.description}),
        detail={"document": str(current.code)},
    )
    return current


@transaction.atomic
def document_download(
    *, document: Document, version: DocumentVersion, justification: str = ""
) -> IO[bytes]:
    """Open one version's file for a download the caller has already allowed; audited as export."""
    handle = document_storage().open(version.stored_name, "rb")
    audit_record(
        action=Action.EXPORT,
        target=document.record,
        sections=SECTIONS,
        detail={
            "document": str(document.code),
            "file_version": version.number,
            "content_type": version.content_type,
            "sha256": version.sha256,
        },
        justification=justification,
    )
    return handle

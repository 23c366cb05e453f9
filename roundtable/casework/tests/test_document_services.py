"""Adding documents and versions: the real type is stored, the file kept apart under a random
name, every version kept, the owning team only, and every change audited."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import Document, DocumentVersion
from roundtable.casework.services import documents as services
from roundtable.casework.tests import document_helpers as files
from roundtable.casework.tests.document_helpers import case_world, documents_dir, stored_files
from roundtable.records.services.cases import StaleRecord
from roundtable.sharing.tests.factories import profile_for

__all__ = ["documents_dir"]


def add(personas, work, record, data: bytes, name: str = "notes.pdf", **extra):
    return services.document_create(
        actor=personas.alice,
        team=work.asb,
        record=record,
        title=extra.pop("title", "Home visit notes"),
        upload=ContentFile(data, name=name),
        **extra,
    )


def test_a_document_is_stored_under_a_random_name_with_its_detected_type(personas, documents_dir):
    work, case = case_world(personas)
    data = files.pdf_bytes()
    document = add(personas, work, case, data, name="../../etc/Witness statement.PDF")
    version = document.current_version
    assert version.number == 1
    assert version.content_type == "application/pdf"
    assert version.size == len(data)
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.original_filename == "Witness statement.PDF"
    assert version.download_name == "Witness statement.pdf"
    assert "Witness" not in version.stored_name
    [path] = stored_files(documents_dir)
    assert path.read_bytes() == data
    assert path.name == version.stored_name.rsplit("/", 1)[-1]


def test_the_browser_claimed_type_and_the_name_are_ignored_for_the_stored_type(
    personas, documents_dir
):
    work, case = case_world(personas)
    document = add(personas, work, case, files.image_bytes("PNG"), name="report.pdf")
    assert document.current_version.content_type == "image/png"
    assert document.current_version.download_name == "report.png"


def test_a_renamed_program_writes_nothing(personas, documents_dir):
    work, case = case_world(personas)
    with pytest.raises(ValidationError, match="EXE"):
        add(personas, work, case, files.EXE, name="invoice.pdf")
    assert not Document.objects.exists()
    assert stored_files(documents_dir) == []


def test_a_file_over_the_size_limit_is_refused(personas, documents_dir, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    work, case = case_world(personas)
    with pytest.raises(ValidationError, match="smaller than 1 KB"):
        add(personas, work, case, files.pdf_bytes() + b" " * 2048)
    assert stored_files(documents_dir) == []


def test_an_empty_file_is_refused(personas, documents_dir):
    work, case = case_world(personas)
    with pytest.raises(ValidationError, match="empty"):
        add(personas, work, case, b"")


def test_a_title_is_required(personas, documents_dir):
    work, case = case_world(personas)
    with pytest.raises(ValidationError) as raised:
        add(personas, work, case, files.pdf_bytes(), title="  ")
    assert "title" in raised.value.error_dict
    assert stored_files(documents_dir) == []


def test_only_the_owning_team_may_add_a_document(personas, documents_dir):
    work, case = case_world(personas)
    with pytest.raises(PermissionDenied):
        services.document_create(
            actor=personas.carol,
            team=work.council_asb,
            record=case,
            title="Partner's file",
            upload=ContentFile(files.pdf_bytes(), name="x.pdf"),
        )


def test_documents_go_on_people_premises_and_groups_too(personas, documents_dir):
    work, _case = case_world(personas)
    person = profile_for(personas.alice, work.asb)
    document = add(personas, work, person, files.docx_bytes(), name="letter.docx")
    assert document.profile == person
    assert document.record == person


def test_a_new_version_keeps_the_old_one(personas, documents_dir):
    work, case = case_world(personas)
    document = add(personas, work, case, files.pdf_bytes("first"))
    second = services.document_version_add(
        actor=personas.alice,
        team=work.asb,
        document=document,
        upload=ContentFile(files.docx_bytes("second"), name="notes v2.docx"),
    )
    document.refresh_from_db()
    assert second.number == 2
    assert document.version_count == 2
    assert document.current_version == second
    numbers = list(
        DocumentVersion.objects.filter(document=document).values_list("number", flat=True)
    )
    assert sorted(numbers) == [1, 2]
    assert len(stored_files(documents_dir)) == 2


def test_adding_and_versioning_are_audited_on_the_record_without_the_file_name(
    personas, documents_dir
):
    work, case = case_world(personas)
    document = add(personas, work, case, files.pdf_bytes(), name="Jordan Testperson.pdf")
    services.document_version_add(
        actor=personas.alice,
        team=work.asb,
        document=document,
        upload=ContentFile(files.pdf_bytes("v2"), name="v2.pdf"),
    )
    events = list(
        AuditEvent.objects.filter(target_id=str(case.code), sections=["documents"]).order_by("id")
    )
    assert [event.action for event in events] == [Action.CREATE, Action.UPDATE]
    assert [event.detail["file_version"] for event in events] == [1, 2]
    assert all(event.detail["document"] == str(document.code) for event in events)
    assert "Testperson" not in str([event.detail for event in events])


def test_a_stale_title_change_is_refused(personas, documents_dir):
    work, case = case_world(personas)
    document = add(personas, work, case, files.pdf_bytes())
    services.document_update(
        actor=personas.alice,
        team=work.asb,
        document=document,
        expected_version=0,
        title="Renamed",
        description="",
    )
    with pytest.raises(StaleRecord) as raised:
        services.document_update(
            actor=personas.alice,
            team=work.asb,
            document=document,
            expected_version=0,
            title="Late rename",
            description="",
        )
    assert Document.objects.get(pk=raised.value.current.pk).title == "Renamed"


def test_file_names_are_cleaned_of_paths_and_hidden_direction_marks():
    assert services.clean_filename("C:\\Users\\x\\report.pdf") == "report.pdf"
    assert services.clean_filename("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert services.clean_filename("...") == "document"
    assert services.clean_filename(None) == "document"

"""Documents on diary entries: the service's checks, the entry page's list and its "Attach a
document" link, each shown only to those the policy allows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import Document
from roundtable.casework.services import documents as services
from roundtable.casework.services.diary import diary_entry_retract
from roundtable.casework.tests import document_helpers as files
from roundtable.casework.tests.diary_helpers import diary_world, entry_url, write
from roundtable.casework.tests.document_helpers import documents_dir

__all__ = ["documents_dir"]


@pytest.fixture
def world(personas, documents_dir):
    return diary_world(personas)


def attach(personas, world, entry, record=None, title="Photo of the damage"):
    return services.document_create(
        actor=personas.alice,
        team=world.work.asb,
        record=record or world.case,
        title=title,
        upload=ContentFile(files.pdf_bytes(), name="photo.pdf"),
        diary_entry=entry,
    )


def attach_url(entry) -> str:
    url = reverse("casework:document_add", kwargs={"kind": "case", "code": entry.case.code})
    return f"{url}?entry={entry.code}"


# --- the service --------------------------------------------------------------------------------


def test_a_document_belongs_to_an_entry_of_the_same_record(personas, world):
    entry = write(personas.alice, world.work.asb, world.case)
    document = attach(personas, world, entry)
    assert document.diary_entry == entry
    assert list(entry.documents.all()) == [document]
    event = AuditEvent.objects.filter(action=Action.CREATE, detail__document=str(document.code))
    assert event.get().detail["diary_entry"] == str(entry.code)


def test_an_entry_of_another_record_is_refused_and_nothing_written(personas, world):
    elsewhere = write(personas.alice, world.work.asb, world.person)
    with pytest.raises(ValidationError) as refused:
        attach(personas, world, elsewhere)
    assert "diary_entry" in refused.value.message_dict
    assert not Document.objects.exists()


def test_a_retracted_entry_takes_no_documents(personas, world):
    entry = write(personas.alice, world.work.asb, world.case)
    entry = diary_entry_retract(
        actor=personas.alice,
        team=world.work.asb,
        entry=entry,
        expected_version=entry.version,
        reason="Wrong case",
    )
    with pytest.raises(ValidationError, match="retracted"):
        attach(personas, world, entry)
    assert not Document.objects.exists()


# --- the pages ----------------------------------------------------------------------------------


def test_the_owner_attaches_a_document_from_the_entry_page(personas, world, client_for):
    entry = write(personas.alice, world.work.asb, world.case)
    client = client_for(personas.alice)
    page = client.get(entry_url(entry)).content.decode()
    assert 'data-testid="attach-document"' in page
    assert "No documents belong to this entry." in page
    form = client.get(attach_url(entry))
    assert form.status_code == 200
    assert "Attach a document" in form.content.decode()
    upload = SimpleUploadedFile("photo.pdf", files.pdf_bytes(), content_type="application/pdf")
    response = client.post(attach_url(entry), {"title": "Photo of the damage", "file": upload})
    assert response.status_code == 302
    assert response["Location"] == entry_url(entry)
    document = Document.objects.get()
    assert document.diary_entry == entry
    page = client.get(entry_url(entry)).content.decode()
    assert "Photo of the damage" in page
    assert document.get_absolute_url() in page


def test_the_entry_page_lists_documents_only_to_viewers_with_the_documents_section(
    personas, world, client_for
):
    entry = write(personas.alice, world.work.asb, world.case)
    attach(personas, world, entry)
    world.share(world.case, ["diary"])
    client = client_for(personas.carol)
    page = client.get(entry_url(entry)).content.decode()
    assert "Visited; spoke to the tenant" in page  # carol reads the entry
    assert "Photo of the damage" not in page
    assert 'data-testid="entry-documents"' not in page
    assert 'data-testid="attach-document"' not in page
    view = AuditEvent.objects.filter(action=Action.VIEW, detail__page="diary_entry").latest("pk")
    assert view.sections == ["diary"]


def test_a_partner_with_documents_sees_them_but_may_not_attach(personas, world, client_for):
    entry = write(personas.alice, world.work.asb, world.case)
    attach(personas, world, entry)
    world.share(world.case, ["diary", "documents"])
    client = client_for(personas.carol)
    page = client.get(entry_url(entry)).content.decode()
    assert "Photo of the damage" in page
    assert 'data-testid="attach-document"' not in page
    view = AuditEvent.objects.filter(action=Action.VIEW, detail__page="diary_entry").latest("pk")
    assert view.sections == ["diary", "documents"]
    assert client.get(attach_url(entry)).status_code == 403


def test_a_retracted_entry_offers_no_attach_link(personas, world, client_for):
    entry = write(personas.alice, world.work.asb, world.case)
    diary_entry_retract(
        actor=personas.alice,
        team=world.work.asb,
        entry=entry,
        expected_version=entry.version,
        reason="Duplicate",
    )
    page = client_for(personas.alice).get(entry_url(entry)).content.decode()
    assert 'data-testid="attach-document"' not in page


def test_attaching_to_an_entry_that_is_not_on_the_record_is_not_found(personas, world, client_for):
    elsewhere = write(personas.alice, world.work.asb, world.person)
    url = reverse("casework:document_add", kwargs={"kind": "case", "code": world.case.code})
    client = client_for(personas.alice)
    assert client.get(f"{url}?entry={elsewhere.code}").status_code == 404
    assert client.get(f"{url}?entry=not-a-code").status_code == 404

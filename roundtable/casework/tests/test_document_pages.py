"""Document pages through the real stack: who may list, read and download (404 for anyone
without the documents section), every download audited, uploads checked, edits locked."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import Document
from roundtable.casework.services import documents as services
from roundtable.casework.tests import document_helpers as files
from roundtable.casework.tests.document_helpers import case_world, documents_dir, stored_files
from roundtable.records.tests.case_helpers import hidden_profile, sections_withheld
from roundtable.sharing.models import AccessLevel
from roundtable.sharing.services import grant_create
from roundtable.sharing.tests.factories import profile_for

__all__ = ["documents_dir"]

PDF = files.pdf_bytes("Visit notes for the partnership meeting")


@pytest.fixture
def world(personas, documents_dir):
    work, case = case_world(personas)
    document = services.document_create(
        actor=personas.alice,
        team=work.asb,
        record=case,
        title="Visit notes",
        upload=ContentFile(PDF, name="Visit notes.pdf"),
    )
    return work, case, document


def share_documents(personas, work, record):
    grant_create(
        actor=personas.alice,
        record=record,
        agreement=work.agreement,
        sections=["documents"],
        team=work.council_asb,
    )


def urls(document, number: int = 1) -> dict[str, str]:
    case = document.case
    return {
        "list": reverse("casework:document_list", kwargs={"kind": "case", "code": case.code}),
        "detail": document.get_absolute_url(),
        "download": reverse(
            "casework:document_download", kwargs={"code": document.code, "number": number}
        ),
    }


def download(client, url: str):
    """GET a download and read it all, which closes the file behind it: (response, bytes).

    (Reading a streaming response to its end closes it as a WSGI server would; calling
    ``close()`` again would end the test's database connection.)
    """
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def exports(document) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=Action.EXPORT, detail__document=str(document.code))
    )


# --- who may read and download ---------------------------------------------------------------


def test_owner_lists_reads_and_downloads_the_document(personas, world, client_for):
    _work, _case, document = world
    client = client_for(personas.alice)
    pages = urls(document)
    listing = client.get(pages["list"])
    assert listing.status_code == 200
    assert "Visit notes" in listing.content.decode()
    assert client.get(pages["detail"]).status_code == 200
    response, body = download(client, pages["download"])
    assert response.status_code == 200
    assert body == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="Visit notes.pdf"'


def test_every_download_is_audited_as_an_export_of_the_documents_section(
    personas, world, client_for
):
    _work, case, document = world
    client = client_for(personas.alice)
    download(client, urls(document)["download"])
    download(client, urls(document)["download"])
    events = exports(document)
    assert len(events) == 2
    event = events[0]
    assert event.actor == personas.alice
    assert event.target_id == str(case.code)
    assert event.sections == ["documents"]
    assert event.detail["file_version"] == 1
    assert event.detail["sha256"] == document.current_version.sha256


def test_partner_with_a_documents_grant_downloads(personas, world, client_for):
    work, case, document = world
    share_documents(personas, work, case)
    client = client_for(personas.carol)
    assert client.get(urls(document)["list"]).status_code == 200
    response, body = download(client, urls(document)["download"])
    assert response.status_code == 200
    assert body == PDF
    assert [event.actor for event in exports(document)] == [personas.carol]


@pytest.mark.parametrize("persona", ["carol", "bob", "dave"])
def test_anyone_without_the_documents_section_gets_404_and_no_file(
    personas, world, client_for, persona
):
    # carol: a partner whose default share is summary and members; bob: a colleague in the
    # owning organisation (summary only); dave: another partnership altogether.
    _work, _case, document = world
    client = client_for(getattr(personas, persona))
    for url in urls(document).values():
        assert download(client, url)[0].status_code == 404, url
    assert exports(document) == []


def test_a_hidden_records_documents_are_404_even_to_a_colleague(
    personas, documents_dir, client_for
):
    work, _case = case_world(personas)
    person = hidden_profile(personas.alice, work.asb)
    document = services.document_create(
        actor=personas.alice,
        team=work.asb,
        record=person,
        title="Witness statement",
        upload=ContentFile(PDF, name="statement.pdf"),
    )
    file_url = reverse("casework:document_download", kwargs={"code": document.code, "number": 1})
    listing = reverse("casework:document_list", kwargs={"kind": "person", "code": person.code})
    for persona in (personas.bob, personas.carol):
        client = client_for(persona)
        assert download(client, file_url)[0].status_code == 404
        assert client.get(listing).status_code == 404
    assert download(client_for(personas.alice), file_url)[0].status_code == 200


def test_a_missing_document_or_version_is_404(personas, world, client_for):
    _work, _case, document = world
    client = client_for(personas.alice)
    assert download(client, urls(document, number=2)["download"])[0].status_code == 404
    missing = reverse(
        "casework:document_detail", kwargs={"code": "00000000-0000-0000-0000-000000000000"}
    )
    assert client.get(missing).status_code == 404


def test_the_case_page_says_documents_are_withheld_from_a_partner_without_them(
    personas, world, client_for
):
    _work, case, _document = world
    body = client_for(personas.carol).get(case.get_absolute_url()).content.decode()
    assert "documents" in sections_withheld(body)
    assert "See the documents" not in body
    owner = client_for(personas.alice).get(case.get_absolute_url()).content.decode()
    assert 'data-section="documents"' in owner
    assert "See the documents" in owner


def test_an_audited_case_asks_a_partner_why_before_a_download(personas, world, client_for):
    work, case, document = world
    work.case_type.access_level = AccessLevel.AUDITED
    work.case_type.save()
    share_documents(personas, work, case)
    client = client_for(personas.carol)
    response, _body = download(client, urls(document)["download"])
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert exports(document) == []
    client.post(case.get_absolute_url(), {"purpose": "Preparing for the case conference"})
    response, _body = download(client, urls(document)["download"])
    assert response.status_code == 200
    assert exports(document)[0].justification == "Preparing for the case conference"


# --- versions ---------------------------------------------------------------------------------


def test_an_old_version_stays_downloadable_after_a_new_one(personas, world, client_for):
    _work, _case, document = world
    client = client_for(personas.alice)
    new = files.docx_bytes("Second draft")
    response = client.post(
        reverse("casework:document_version_add", kwargs={"code": document.code}),
        {"file": SimpleUploadedFile("Visit notes v2.docx", new, "application/pdf")},
    )
    assert response.status_code == 302
    _first, first_body = download(client, urls(document, 1)["download"])
    second, second_body = download(client, urls(document, 2)["download"])
    assert first_body == PDF
    assert second_body == new
    assert second["Content-Type"].startswith("application/vnd.openxmlformats")
    detail = client.get(document.get_absolute_url()).content.decode()
    assert "Visit notes v2.docx" in detail


# --- uploading through the pages ----------------------------------------------------------------


def add_url(case) -> str:
    return reverse("casework:document_add", kwargs={"kind": "case", "code": case.code})


def test_the_owner_uploads_a_document(personas, world, client_for, documents_dir):
    _work, case, _document = world
    client = client_for(personas.alice)
    assert client.get(add_url(case)).status_code == 200
    response = client.post(
        add_url(case),
        {
            "title": "Photo of the damage",
            "file": SimpleUploadedFile("damage.jpg", files.image_bytes("JPEG"), "image/jpeg"),
        },
    )
    added = Document.objects.get(title="Photo of the damage")
    assert response.status_code == 302
    assert response["Location"] == added.get_absolute_url()
    assert added.versions.get().content_type == "image/jpeg"
    assert len(stored_files(documents_dir)) == 2


def test_a_renamed_program_is_refused_with_a_clear_message(personas, world, client_for):
    _work, case, _document = world
    response = client_for(personas.alice).post(
        add_url(case),
        {
            "title": "Invoice",
            "file": SimpleUploadedFile("invoice.pdf", files.EXE, "application/pdf"),
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body
    assert "of type EXE, which is not accepted" in body
    assert not Document.objects.filter(title="Invoice").exists()


def test_an_oversized_upload_is_dropped_as_it_streams_and_explained(
    personas, world, client_for, settings, documents_dir
):
    settings.DOCUMENT_MAX_BYTES = 4096
    settings.ROUNDTABLE_PHOTO_MAX_BYTES = 4096
    _work, case, _document = world
    big = files.pdf_bytes() + b"%" * 10_000
    response = client_for(personas.alice).post(
        add_url(case), {"title": "Too big", "file": SimpleUploadedFile("big.pdf", big)}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The selected file must be smaller than 4 KB" in body
    assert "Select a file" not in body
    assert not Document.objects.filter(title="Too big").exists()
    assert len(stored_files(documents_dir)) == 1  # only the world's own document


def test_a_missing_file_asks_for_one(personas, world, client_for):
    _work, case, _document = world
    response = client_for(personas.alice).post(add_url(case), {"title": "No file"})
    assert response.status_code == 400
    assert "Select a file" in response.content.decode()


def test_a_partner_with_documents_may_read_but_not_add(personas, world, client_for):
    work, case, document = world
    share_documents(personas, work, case)
    client = client_for(personas.carol)
    assert client.get(add_url(case)).status_code == 403
    version_add = reverse("casework:document_version_add", kwargs={"code": document.code})
    assert client.get(version_add).status_code == 403
    edit = reverse("casework:document_edit", kwargs={"code": document.code})
    assert client.get(edit).status_code == 403


def test_outsiders_cannot_reach_the_upload_page(personas, world, client_for):
    _work, case, _document = world
    assert client_for(personas.dave).get(add_url(case)).status_code == 404
    assert client_for(personas.carol).get(add_url(case)).status_code == 404


# --- editing the title --------------------------------------------------------------------------


def test_a_stale_title_edit_shows_both_versions_and_saves_nothing(personas, world, client_for):
    work, _case, document = world
    services.document_update(
        actor=personas.alice,
        team=work.asb,
        document=document,
        expected_version=0,
        title="Renamed by a colleague",
        description="",
    )
    response = client_for(personas.alice).post(
        reverse("casework:document_edit", kwargs={"code": document.code}),
        {"title": "My rename", "description": "", "version": "0"},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Renamed by a colleague" in body
    assert "My rename" in body
    document.refresh_from_db()
    assert document.title == "Renamed by a colleague"


def test_the_owner_changes_the_title(personas, world, client_for):
    _work, _case, document = world
    response = client_for(personas.alice).post(
        reverse("casework:document_edit", kwargs={"code": document.code}),
        {"title": "Visit notes, 3 March", "description": "Typed up", "version": "0"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.version) == ("Visit notes, 3 March", 1)


# --- query budget -----------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_document_list_costs_the_same_however_many_documents(personas, world, client_for):
    work, case, _document = world
    client = client_for(personas.alice)
    url = urls(_document)["list"]
    client.get(url)
    few = _count(client, url)
    for number in range(12):
        services.document_create(
            actor=personas.alice,
            team=work.asb,
            record=case,
            title=f"Document {number}",
            upload=ContentFile(PDF, name=f"d{number}.pdf"),
        )
    many = _count(client, url)
    assert many == few, f"{few} queries with one document, {many} with thirteen"


def test_timeline_items_exist_only_for_viewers_with_documents(personas, world):
    from roundtable.casework.selectors.documents import case_document_items
    from roundtable.sharing import policy

    _work, case, _document = world
    owner = case_document_items(policy.viewer_for_user(personas.alice), case)
    assert [item.summary for item in owner] == ["Visit notes"]
    assert case_document_items(policy.viewer_for_user(personas.carol), case) == []
    assert owner[0].url == _document.get_absolute_url()


def test_the_person_page_links_to_documents_only_for_those_who_see_them(
    personas, documents_dir, client_for
):
    work, _case = case_world(personas)
    person = profile_for(personas.alice, work.asb)
    listing = reverse("casework:document_list", kwargs={"kind": "person", "code": person.code})
    owner = client_for(personas.alice).get(person.get_absolute_url()).content.decode()
    assert listing in owner
    colleague = client_for(personas.bob).get(person.get_absolute_url()).content.decode()
    assert listing not in colleague
    assert "documents" in sections_withheld(colleague)

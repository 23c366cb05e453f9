"""The documents permission matrix: every persona against every record state and kind.

Built on ``records.tests.matrix`` (its world, personas, states and independent oracle, never
``sharing.policy``). Whoever owns each record now puts a document on it through the real service
and uploads a second version, each a small PDF made here with bytes unique to the record.

The oracle never gives the documents section to a team outside the owning one except by broken
glass or a transfer, so this module adds one grant of its own, written down in
``DOCUMENT_GRANTS``: the documents section alone, to the housing team (``partner_no_grant``), on
the granted and hidden records and on every access-level case; and a documents grant to the same
team on each "owned" record that is then revoked, so revocation is checked too.

The rules (docs/casework.md, "Documents"): listing, reading and downloading need the record's
documents section; anyone else gets 404, never 403, so a document cannot be discovered. A
download is the exact bytes uploaded, and every download (and only a download that happened) is
an export in the audit log. Only the owning team adds documents, versions or changes titles:
anyone else who holds the section gets 403. At the "audited" level a reader outside the owning
team is sent to the record page to state a purpose before downloading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import Document
from roundtable.casework.services import documents as services
from roundtable.casework.tests.document_helpers import pdf_bytes
from roundtable.casework.tests.matrix_helpers import (
    author_of,
    cell_id,
    module_world,
    owns,
    sees,
    team_of,
)
from roundtable.directory.models import Team
from roundtable.records.tests.matrix import (
    ACCESS_LEVELS,
    LEVEL_STATE,
    OWNING_TEAM,
    PERSONAS,
    STATES_BY_KIND,
    World,
    cells,
)
from roundtable.sharing.models import AccessLevel, ShareGrant, SharingAgreement
from roundtable.sharing.services import grant_create, grant_revoke

#: This module's own grants on top of the oracle: state -> persona -> sections added.
DOCUMENTS = frozenset({"documents"})
DOCUMENT_GRANTS: dict[str, dict[str, frozenset[str]]] = {
    "granted": {"partner_no_grant": DOCUMENTS},
    "hidden": {"partner_no_grant": DOCUMENTS},
}
LEVEL_GRANTS: dict[str, frozenset[str]] = {"partner_no_grant": DOCUMENTS}
#: States whose record is granted the documents section and then revoked (the oracle stands).
REVOKED_STATES = frozenset({"owned"})
GRANTEE_TEAM = "Tenancy Enforcement"


def documents_seen(kind: str, state: str, persona: str) -> bool:
    """Whether the persona holds the record's documents section: the oracle plus our grants."""
    extra = DOCUMENT_GRANTS.get(state, {}).get(persona, frozenset())
    return "documents" in (sees(kind, state, persona) | extra)


def title_of(key: str) -> str:
    return f"Document canary Halloway {key}"


def pdf_of(key: str, number: int) -> bytes:
    return pdf_bytes(f"Matrix file {key} version {number}")


@dataclass
class Filed:
    """A document on a record and the bytes of each of its versions."""

    record: Any
    document: Document
    files: dict[int, bytes]


@dataclass
class DocumentMatrix:
    world: World
    documents: dict[tuple[str, str], Filed] = field(default_factory=dict)
    levels: dict[str, Filed] = field(default_factory=dict)


def _file(world: World, record: Any, author_name: str, key: str) -> Filed:
    author = world.users[author_name]
    team = team_of(author)
    files = {1: pdf_of(key, 1), 2: pdf_of(key, 2)}
    document = services.document_create(
        actor=author,
        team=team,
        record=record,
        title=title_of(key),
        upload=SimpleUploadedFile("visit notes.pdf", files[1], content_type="application/pdf"),
    )
    services.document_version_add(
        actor=author,
        team=team,
        document=document,
        upload=SimpleUploadedFile("visit notes v2.pdf", files[2], content_type="application/pdf"),
    )
    return Filed(record=record, document=document, files=files)


def _grant_documents(world: World, record: Any, author_name: str) -> ShareGrant:
    return grant_create(
        actor=world.users[author_name],
        record=record,
        agreement=SharingAgreement.objects.get(reference="ISA-MATRIX-1"),
        sections=["documents"],
        team=Team.objects.get(name=GRANTEE_TEAM),
        reason="Tenancy hearing bundle (test)",
    )


def _populate(world: World) -> DocumentMatrix:
    matrix = DocumentMatrix(world=world)
    for (kind, state), record in world.records.items():
        author = author_of(state)
        matrix.documents[(kind, state)] = _file(world, record, author, f"{kind} {state}")
        if state in DOCUMENT_GRANTS:
            _grant_documents(world, record, author)
        if state in REVOKED_STATES:
            revoked = _grant_documents(world, record, author)
            grant_revoke(
                actor=world.users[author], grant=revoked, record=record, reason="Hearing over"
            )
    for level, case in world.levels.items():
        matrix.levels[level] = _file(world, case, "owner", f"level {level}")
        _grant_documents(world, case, "owner")
    return matrix


document_matrix = module_world(_populate, documents=True)


def _download_url(document: Document, number: int) -> str:
    return reverse("casework:document_download", kwargs={"code": document.code, "number": number})


def _download(client: Any, url: str) -> tuple[Any, bytes]:
    """GET a download and read it to its end (which closes the file, as a WSGI server would)."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def _exports(document: Document) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=Action.EXPORT, detail__document=str(document.code)
        ).order_by("pk")
    )


# --- the list and the document page --------------------------------------------------------------


@pytest.mark.parametrize(("kind", "state", "persona"), cells(), ids=[cell_id(c) for c in cells()])
def test_list_and_document_page_follow_the_oracle(db, document_matrix, kind, state, persona):
    filed = document_matrix.documents[(kind, state)]
    client = document_matrix.world.clients[persona]
    allowed = documents_seen(kind, state, persona)
    add_url = reverse("casework:document_add", kwargs={"kind": kind, "code": filed.record.code})

    listing = client.get(
        reverse("casework:document_list", kwargs={"kind": kind, "code": filed.record.code})
    )
    body = listing.content.decode()
    assert listing.status_code == (200 if allowed else 404)
    assert (title_of(f"{kind} {state}") in body) is allowed
    assert (add_url in body) is (allowed and owns(state, persona))

    page = client.get(filed.document.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == (200 if allowed else 404)
    assert (title_of(f"{kind} {state}") in body) is allowed
    for number in filed.files:
        assert (_download_url(filed.document, number) in body) is allowed
    edit_url = reverse("casework:document_edit", kwargs={"code": filed.document.code})
    assert (edit_url in body) is (allowed and owns(state, persona))


# --- downloads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "state", "persona"), cells(), ids=[cell_id(c) for c in cells()])
def test_download_gives_the_exact_bytes_or_404_and_audits_each(
    db, document_matrix, kind, state, persona
):
    filed = document_matrix.documents[(kind, state)]
    client = document_matrix.world.clients[persona]
    allowed = documents_seen(kind, state, persona)
    # A refusal does not depend on the version: ask for the newest only.
    numbers = sorted(filed.files) if allowed else [max(filed.files)]
    for number in numbers:
        data = filed.files[number]
        response, body = _download(client, _download_url(filed.document, number))
        if allowed:
            assert response.status_code == 200
            assert body == data
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
        else:
            assert response.status_code == 404
            assert data not in body
    events = _exports(filed.document)
    if not allowed:
        assert events == []
        return
    user = document_matrix.world.users[persona]
    assert [(e.actor_id, e.detail["file_version"]) for e in events] == [(user.pk, 1), (user.pk, 2)]
    assert all(e.target_id == str(filed.record.code) for e in events)
    assert all(e.sections == ["documents"] for e in events)


# --- the owning team's forms ----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "state", "persona"), cells(), ids=[cell_id(c) for c in cells()])
def test_changing_documents_is_for_the_owning_team_only(db, document_matrix, kind, state, persona):
    filed = document_matrix.documents[(kind, state)]
    client = document_matrix.world.clients[persona]
    allowed = documents_seen(kind, state, persona)
    expected = (200 if owns(state, persona) else 403) if allowed else 404
    code = filed.document.code
    # Adding reaches the record; uploading a version and changing the title reach the document
    # (one check, ``access_document(change=True)``): one page of each, the second by POST.
    response = client.get(
        reverse("casework:document_add", kwargs={"kind": kind, "code": filed.record.code})
    )
    assert response.status_code == expected
    if expected != 200:
        assert title_of(f"{kind} {state}") not in response.content.decode()
    changed = client.post(
        reverse("casework:document_edit", kwargs={"code": code}),
        {
            "title": "Renamed by the matrix",
            "description": "",
            "version": str(Document.objects.get(pk=filed.document.pk).version),
        },
    )
    filed.document.refresh_from_db()
    if owns(state, persona):
        assert changed.status_code == 302
        assert filed.document.title == "Renamed by the matrix"
    else:
        assert changed.status_code == expected
        assert filed.document.title == title_of(f"{kind} {state}")


# --- the case timeline ----------------------------------------------------------------------------

CASE_CELLS = [(state, persona) for state in STATES_BY_KIND["case"] for persona in PERSONAS]


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_timeline_names_a_document_only_with_the_section(db, document_matrix, state, persona):
    case = document_matrix.world.record("case", state)
    response = document_matrix.world.clients[persona].get(
        reverse("casework:case_timeline", kwargs={"code": case.code})
    )
    extra = DOCUMENT_GRANTS.get(state, {}).get(persona, frozenset())
    opened = bool(sees("case", state, persona) | extra)
    assert response.status_code == (200 if opened else 404)
    shown = documents_seen("case", state, persona)
    assert (title_of(f"case {state}") in response.content.decode()) is shown


# --- access levels --------------------------------------------------------------------------------

LEVEL_CELLS = [(level, persona) for level in ACCESS_LEVELS for persona in PERSONAS]


@pytest.mark.parametrize(("level", "persona"), LEVEL_CELLS, ids=[cell_id(c) for c in LEVEL_CELLS])
def test_download_at_each_access_level(db, document_matrix, level, persona):
    filed = document_matrix.levels[level]
    allowed = "documents" in (
        sees("case", LEVEL_STATE, persona) | LEVEL_GRANTS.get(persona, frozenset())
    )
    asked = allowed and level == AccessLevel.AUDITED and persona not in OWNING_TEAM[LEVEL_STATE]
    response, body = _download(
        document_matrix.world.clients[persona], _download_url(filed.document, 1)
    )
    if asked:
        assert response.status_code == 302
        assert response["Location"] == filed.record.get_absolute_url()
    else:
        assert response.status_code == (200 if allowed else 404)
    assert (body == filed.files[1]) is (allowed and not asked)
    assert len(_exports(filed.document)) == (1 if allowed and not asked else 0)

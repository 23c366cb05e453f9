"""One audit event in full, for auditors whose scope covers it, after they give a purpose."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import audit_record
from roundtable.directory.models import Capability
from roundtable.directory.tests.factories import grant


def _url(event: AuditEvent) -> str:
    return reverse("audit:event_detail", args=[event.pk])


@pytest.fixture
def share(personas) -> AuditEvent:
    return audit_record(
        actor=personas.alice,
        action=Action.SHARE,
        target_type="records.case",
        target_id="ASB-2026-000123",
        target_label="ASB-2026-000123",
        sections=["diary", "summary"],
        changes={"status": ["draft", "shared"], "password": ["old", "new"]},
        search_terms={"surname": "Example"},
        recipients=[{"organisation": "Testshire District Council", "team": "Council ASB Team"}],
        justification="Agreed at the panel meeting",
        detail={"agreement": "ISA-7"},
    )


def test_auditor_sees_the_whole_event_after_giving_a_purpose(personas, client_for, share):
    client = client_for(personas.audrey)

    response = client.get(_url(share), {"purpose": "self_monitoring"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<h1") == 1
    for text in (
        "Alice Ashdown",
        "Shared",
        "ASB-2026-000123",
        "diary, summary",
        "draft",
        "shared",
        "surname",
        "Example",
        "Testshire District Council",
        "Agreed at the panel meeting",
        "ISA-7",
    ):
        assert text in body
    assert "old" not in body.split('data-testid="audit-changes"')[1].split("</table>")[0]


def test_opening_an_event_is_itself_audited(personas, client_for, share):
    client = client_for(personas.audrey)

    client.get(_url(share), {"purpose": "self_monitoring"})

    view = AuditEvent.objects.get(actor=personas.audrey, action=Action.VIEW)
    assert view.target_type == "audit.auditevent"
    assert view.target_id == str(share.pk)
    assert view.search_terms == {"purpose": "self_monitoring"}


def test_without_a_purpose_the_event_is_not_shown(personas, client_for, share):
    client = client_for(personas.audrey)

    response = client.get(_url(share))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Agreed at the panel meeting" not in body
    assert "Why are you looking at the audit log?" in body
    assert not AuditEvent.objects.filter(actor=personas.audrey, action=Action.VIEW).exists()


def test_an_unknown_purpose_is_refused_with_a_message(personas, client_for, share):
    client = client_for(personas.audrey)

    response = client.get(_url(share), {"purpose": "nosiness"})

    body = response.content.decode()
    assert "Select one of the purposes in the list" in body
    assert "Agreed at the panel meeting" not in body


def test_another_organisations_event_is_404_for_an_auditor(personas, client_for):
    daves = audit_record(actor=personas.dave, action=Action.VIEW, target_type="records.profile")
    client = client_for(personas.audrey)

    assert client.get(_url(daves), {"purpose": "integrity"}).status_code == 404
    assert client.get(reverse("audit:event_detail", args=[10**9])).status_code == 404


def test_system_admin_auditor_may_open_any_organisations_event(personas, client_for):
    grant(personas.sysadmin, Capability.AUDITOR)
    daves = audit_record(actor=personas.dave, action=Action.VIEW, target_type="records.profile")
    client = client_for(personas.sysadmin)

    assert client.get(_url(daves), {"purpose": "integrity"}).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "spoc", "sysadmin"])
def test_non_auditors_get_403(personas, client_for, share, persona):
    client = client_for(getattr(personas, persona))

    assert client.get(_url(share), {"purpose": "integrity"}).status_code == 403

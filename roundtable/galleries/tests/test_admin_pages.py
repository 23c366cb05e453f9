"""Gallery definitions for partnership admins: set up, change, close and reopen them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.customforms.tests.helpers import make_admin
from roundtable.galleries.models import Gallery
from roundtable.galleries.tests.helpers import gallery, team_of

pytestmark = pytest.mark.django_db


def _form(personas, **changes):
    data = {
        "name": "Stalking",
        "purpose": "People subject to stalking protection orders.",
        "eligibility": "",
        "access": "partnership",
        "access_level": "audited",
        "section": "risk",
        "statuses": "Active\nMonitoring\n",
        "retention_months": "36",
        "managing_teams": [str(team_of(personas.alice).pk)],
        "viewer_teams": [str(team_of(personas.carol).pk)],
    }
    data.update(changes)
    return data


def test_a_partnership_admin_sets_up_changes_closes_and_reopens_a_gallery(personas, client_for):
    admin = client_for(make_admin(personas.alice))
    create = reverse("galleries:definition_create")
    assert admin.get(create).status_code == 200
    refused = admin.post(create, _form(personas, name="", managing_teams=[]))
    assert refused.status_code == 400 and not Gallery.objects.exists()
    assert "Choose at least one team" in refused.content.decode()
    made = admin.post(create, _form(personas))
    chosen = Gallery.objects.get(name="Stalking")
    assert made.status_code == 302
    assert chosen.statuses == ["Active", "Monitoring"] and chosen.access_level == "audited"
    detail = admin.get(reverse("galleries:definition_detail", kwargs={"code": chosen.code}))
    assert detail.status_code == 200 and b"fields-link" in detail.content
    assert chosen.form is not None
    form_page = admin.get(
        reverse("customforms:definition_detail", kwargs={"code": chosen.form.code})
    )
    assert (
        reverse("galleries:definition_detail", kwargs={"code": chosen.code})
        in form_page.content.decode()
    )

    edit = reverse("galleries:definition_edit", kwargs={"code": chosen.code})
    assert admin.get(edit).status_code == 200
    assert admin.post(edit, _form(personas, version="0", retention_months="12")).status_code == 302
    chosen.refresh_from_db()
    assert chosen.retention_months == 12 and chosen.version == 1
    stale = admin.post(edit, _form(personas, version="0", retention_months="6"))
    assert stale.status_code == 409
    chosen.refresh_from_db()
    assert chosen.retention_months == 12

    close = reverse(
        "galleries:definition_set_active", kwargs={"code": chosen.code, "active": "close"}
    )
    assert admin.post(close, {"version": "1"}).status_code == 302
    chosen.refresh_from_db()
    assert not chosen.is_active
    assert client_for(personas.carol).get(chosen.get_absolute_url()).status_code == 404
    reopen = reverse(
        "galleries:definition_set_active", kwargs={"code": chosen.code, "active": "reopen"}
    )
    admin.post(reopen, {"version": str(chosen.version)})
    chosen.refresh_from_db()
    assert chosen.is_active
    # Only "close" and "reopen" are actions: anything else is no page, and changes nothing.
    other = reverse(
        "galleries:definition_set_active", kwargs={"code": chosen.code, "active": "closed"}
    )
    assert admin.post(other, {"version": str(chosen.version)}).status_code == 404
    chosen.refresh_from_db()
    assert chosen.is_active


def test_only_a_partnership_admin_of_its_own_partnership_reaches_the_set_up(personas, client_for):
    chosen = gallery(personas.alice)
    detail = reverse("galleries:definition_detail", kwargs={"code": chosen.code})
    assert client_for(personas.alice).get(reverse("galleries:definition_list")).status_code == 403
    assert client_for(personas.alice).get(detail).status_code == 403
    assert client_for(make_admin(personas.dave)).get(detail).status_code == 404
    assert client_for(make_admin(personas.carol)).get(detail).status_code == 200

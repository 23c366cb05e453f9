"""The export (CSV and XLSX) and the membership pages, through the client.

The export holds exactly the filtered people the viewer may see, with only the sections they
see, marked and headed, formula-safe, capped and audited as a disclosure. The membership pages
add, show, change and remove; bad input and stale edits write nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from roundtable.audit.models import AuditEvent
from roundtable.galleries import exports
from roundtable.galleries.models import GalleryMembership, MembershipState
from roundtable.galleries.services.memberships import member_answers
from roundtable.galleries.tests.helpers import person, team_of
from roundtable.galleries.tests.test_pages import world

pytestmark = pytest.mark.django_db


def _export(client: Any, code: Any, file_format: str, query: str = "") -> Any:
    url = reverse("galleries:gallery_export", kwargs={"code": code, "file_format": file_format})
    return client.get(url + (f"?{query}" if query else ""))


def test_the_export_holds_exactly_what_the_viewer_may_see_and_is_audited(
    personas, client_for, monkeypatch
):
    w = world(personas)
    GalleryMembership.objects.filter(pk=w.spells["known"].pk).update(
        reason_added='=HYPERLINK("http://x.invalid","click")'
    )
    carol = client_for(personas.carol)

    response = _export(carol, w.gallery.code, "csv", "sort=added&dir=asc")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "OFFICIAL-SENSITIVE" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["OFFICIAL-SENSITIVE"]
    assert lines[1] == [f"Gallery: {w.gallery.name}"]
    assert "Carol Copperfield" in lines[2][0]
    header = lines[7]
    assert "Name" in header and "Custody status" in header
    assert "Health needs" not in header  # carol sees nobody's sensitive section
    assert "Nationality" in header  # identity: she sees it of one person
    rows = lines[8:]
    assert [row[0] for row in rows] == [str(w.known.code), str(w.masked.code)]
    assert str(w.hidden.code) not in text and "Gallimore" not in text
    assert rows[0][1] == "Tamsin QUARRELL" and rows[1][1] == "(withheld)"
    assert rows[0][header.index("Reason added")].startswith("'=HYPERLINK")
    assert rows[1][header.index("Nationality")] == "(withheld)"
    assert rows[0][header.index("Custody status")] == "In custody"

    event = AuditEvent.objects.filter(action="export", target_id=str(w.gallery.code)).get()
    assert event.result_count == 2 and event.actor_id == personas.carol.pk
    assert event.detail["people"] == [str(w.known.code), str(w.masked.code)]
    assert event.search_terms["sort"] == "added" and event.detail["format"] == "csv"
    assert "sensitive" not in event.sections
    assert AuditEvent.objects.filter(action="export", target_id=str(w.known.code)).exists()

    alice = client_for(personas.alice)
    book = _export(alice, w.gallery.code, "xlsx", "f_custody=in_custody")
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(book.streaming_content)), read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "OFFICIAL-SENSITIVE"
    assert "Health needs" in values[7]
    people = [row[0] for row in values[8:]]
    assert sorted(people) == sorted([str(w.known.code), str(w.hidden.code)])

    monkeypatch.setattr(exports, "MAX_ROWS", 1)  # the cap, without making 50,000 people
    capped = _export(alice, w.gallery.code, "csv", "")
    assert capped.status_code == 302
    exported = AuditEvent.objects.filter(action="export", target_id=str(w.gallery.code))
    assert exported.count() == 2  # the refused export wrote nothing
    assert _export(client_for(personas.dave), w.gallery.code, "csv").status_code == 404
    assert _export(alice, w.gallery.code, "pdf").status_code == 404


def test_a_manager_adds_changes_and_removes_a_member_through_the_pages(personas, client_for):
    w = world(personas)
    alice, carol = client_for(personas.alice), client_for(personas.carol)
    newcomer = person(personas.alice, "Ignatius", "Blackwood")

    search = reverse("galleries:member_search", kwargs={"code": w.gallery.code})
    found = alice.get(search, {"q": "blackwood"})
    assert found.status_code == 200 and newcomer in found.context["found"]
    assert alice.get(search, {"q": "quarrell"}).context["found"] == []  # already a member
    # The start of the family name and the given name narrow it; a stranger's name finds nobody,
    # and nor does someone the team cannot see (bob's team's person, not shared with alice's).
    assert newcomer in alice.get(search, {"q": "Ignatius Black"}).context["found"]
    assert newcomer in alice.get(search, {"q": str(newcomer.code)}).context["found"]
    assert alice.get(search, {"q": "Ignatius Whitmore"}).context["found"] == []
    unseen = person(personas.bob, "Ignatius", "Blackwell")
    assert unseen not in alice.get(search, {"q": "Blackwell"}).context["found"]
    assert carol.get(search, {"q": "blackwood"}).status_code == 403

    add_url = reverse(
        "galleries:member_add", kwargs={"code": w.gallery.code, "person": newcomer.code}
    )
    assert alice.get(add_url).status_code == 200
    form = {
        "added_on_0": "2",
        "added_on_1": "3",
        "added_on_2": "2026",
        "reason": "",
        "status": "In custody",
        "field_custody": "in_custody",
    }
    refused = alice.post(add_url, form)
    assert refused.status_code == 400 and "Enter the reason" in refused.content.decode()
    bad_answer = alice.post(add_url, {**form, "reason": "Eligible.", "field_custody": "moon"})
    assert bad_answer.status_code == 400
    assert not GalleryMembership.objects.filter(profile=newcomer).exists()
    added = alice.post(add_url, {**form, "reason": "Eligible: convicted, French national."})
    spell = GalleryMembership.objects.get(profile=newcomer)
    assert added.status_code == 302 and added["Location"] == spell.get_absolute_url()
    assert member_answers(w.gallery, newcomer.pk) == {"custody": "in_custody"}

    page = alice.get(spell.get_absolute_url())
    assert page.status_code == 200 and "Ignatius BLACKWOOD" in page.content.decode()
    assert "In custody" in page.content.decode()

    edit = reverse("galleries:membership_edit", kwargs={"code": spell.code})
    change = {"version": spell.version, "status": "In the community", "review_on_0": "1"}
    assert alice.post(edit, change).status_code == 400  # a part of a date
    done = alice.post(edit, {"version": spell.version, "status": "In the community"})
    assert done.status_code == 302
    stale = alice.post(edit, {"version": spell.version, "status": "In custody"})
    assert stale.status_code == 409
    spell.refresh_from_db()
    assert spell.status == "In the community"

    answers = reverse("galleries:membership_answers", kwargs={"code": spell.code})
    assert alice.get(answers).status_code == 200
    saved = alice.post(
        answers, {"version": spell.version, "field_custody": "community", "field_health": "None"}
    )
    assert saved.status_code == 302
    assert member_answers(w.gallery, newcomer.pk)["custody"] == "community"
    assert alice.post(answers, {"version": 0, "field_custody": "in_custody"}).status_code == 409

    remove = reverse("galleries:membership_remove", kwargs={"code": spell.code})
    spell.refresh_from_db()
    assert alice.post(remove, {"version": spell.version, "reason": "x"}).status_code == 400
    gone = alice.post(
        remove,
        {
            "version": spell.version,
            "removed_on_0": "1",
            "removed_on_1": "4",
            "removed_on_2": "2026",
            "reason": "Granted leave to remain.",
        },
    )
    assert gone.status_code == 302
    spell.refresh_from_db()
    assert spell.state == MembershipState.REMOVED and spell.removed_on == date(2026, 4, 1)
    removed_tab = alice.get(w.gallery.get_absolute_url() + "?state=removed")
    assert [row.spell.pk for row in removed_tab.context["page"].rows] == [spell.pk]
    assert alice.get(edit).status_code == 403  # a removed spell no longer changes


def test_other_teams_read_a_membership_masked_and_cannot_change_it(personas, client_for):
    w = world(personas)
    carol = client_for(personas.carol)
    masked = w.spells["masked"]
    page = carol.get(masked.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and "identity withheld" in html
    assert "FEATHERBY" not in html and "Oswin" not in html and "In the community" in html
    assert "Change status" not in html
    known = carol.get(w.spells["known"].get_absolute_url()).content.decode()
    assert "Tamsin QUARRELL" in known and "Asthma" not in known
    assert carol.get(w.spells["hidden"].get_absolute_url()).status_code == 404
    for name in ("membership_edit", "membership_answers", "membership_remove"):
        assert (
            carol.get(reverse(f"galleries:{name}", kwargs={"code": masked.code})).status_code == 403
        )
    event = AuditEvent.objects.filter(target_id=str(w.known.code), action="view").latest("id")
    assert event.detail["gallery"] == str(w.gallery.code) and "sensitive" not in event.sections


def test_the_profile_page_lists_a_persons_galleries_and_offers_to_add(personas, client_for):
    w = world(personas)
    newcomer = person(personas.alice, "Ignatius", "Blackwood")
    alice, carol = client_for(personas.alice), client_for(personas.carol)
    mine = alice.get(w.known.get_absolute_url()).content.decode()
    assert 'data-testid="person-galleries"' in mine and w.gallery.name in mine
    assert "Add to" not in mine  # already a member
    other = alice.get(newcomer.get_absolute_url()).content.decode()
    assert f"Add to {w.gallery.name}" in other
    theirs = carol.get(w.known.get_absolute_url()).content.decode()
    assert w.gallery.name in theirs and "Add to" not in theirs
    assert team_of(personas.carol) not in w.gallery.managing_teams.all()


def test_a_typed_in_column_label_cannot_become_a_spreadsheet_formula(personas, client_for):
    from roundtable.galleries.tests.helpers import FIELDS, add, gallery

    fields = [*FIELDS, {"key": "sum", "label": "=SUM(A1:A9)", "type": "text", "section": "risk"}]
    chosen = gallery(personas.alice, name="Formula check", fields=fields)
    add(personas.alice, chosen, person(personas.alice, "Tamsin", "Quarrell"))
    response = _export(client_for(personas.alice), chosen.code, "csv")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert "'=SUM(A1:A9)" in lines[7] and "=SUM(A1:A9)" not in lines[7]

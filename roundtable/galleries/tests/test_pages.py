"""The gallery pages through the client: who opens what, what each sees, filters, sorts, paging,
saved views and the audit of every page. One small world per test, made through the services.

alice's ASB team manages the gallery; carol's council team is a named viewer and sees three of
the people (one without their identity); bob (another police team) opens it only when it is
open to the partnership; dave (another partnership) never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as replaced
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.templatetags.cache import CacheNode
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.models import AuditEvent
from roundtable.galleries.models import Gallery, GalleryAccess, GalleryMembership, SavedView
from roundtable.galleries.selectors import members as selectors
from roundtable.galleries.services.galleries import GalleryDetails, gallery_update
from roundtable.galleries.services.saved_views import saved_view_create
from roundtable.galleries.tests.helpers import add, gallery, person, remove, share, team_of
from roundtable.records.models import Profile

pytestmark = pytest.mark.django_db

FIELDS: list[dict[str, Any]] = [
    {"key": "nationality", "label": "Nationality", "type": "country", "section": "identity"},
    {
        "key": "custody",
        "label": "Custody status",
        "type": "choice",
        "section": "risk",
        "promote": True,
        "choices": [
            {"value": "in_custody", "label": "In custody"},
            {"value": "community", "label": "In the community"},
        ],
    },
    {
        "key": "notified_on",
        "label": "Home Office notified",
        "type": "date",
        "section": "risk",
        "promote": True,
    },
    {
        "key": "health",
        "label": "Health needs",
        "type": "text",
        "section": "sensitive",
        "promote": True,
    },
]


@dataclass
class World:
    gallery: Gallery
    known: Profile  # shared with carol: identity, risk
    masked: Profile  # shared with carol: risk only (no identity)
    hidden: Profile  # not shared with carol at all
    spells: dict[str, GalleryMembership]


def world(personas: Any, *, access: str = GalleryAccess.TEAMS, **extra: Any) -> World:
    chosen = gallery(
        personas.alice,
        access=access,
        viewer_teams=(team_of(personas.carol),),
        fields=FIELDS,
        **extra,
    )
    known = person(personas.alice, "Tamsin", "Quarrell")
    masked = person(personas.alice, "Oswin", "Featherby")
    hidden = person(personas.alice, "Perpetua", "Gallimore")
    spells = {
        "known": add(
            personas.alice,
            chosen,
            known,
            answers={
                "custody": "in_custody",
                "notified_on": "2026-02-01",
                "health": "Asthma",
                "nationality": "FR",
            },
            added_on=date(2026, 1, 5),
        ),
        "masked": add(
            personas.alice,
            chosen,
            masked,
            status="In the community",
            answers={"custody": "community", "notified_on": "2026-03-01"},
            added_on=date(2026, 2, 5),
        ),
        "hidden": add(
            personas.alice,
            chosen,
            hidden,
            answers={"custody": "in_custody", "notified_on": "2026-01-10"},
            added_on=date(2026, 3, 5),
        ),
    }
    share(personas.alice, known, team_of(personas.carol), ["identity", "risk"])
    share(personas.alice, masked, team_of(personas.carol), ["risk"])
    return World(chosen, known, masked, hidden, spells)


def _page(client: Any, chosen: Gallery, query: str = "") -> Any:
    return client.get(chosen.get_absolute_url() + (f"?{query}" if query else ""))


def _codes(response: Any) -> list[str]:
    return [str(row.spell.profile.code) for row in response.context["page"].rows]


def test_the_gallery_page_shows_each_viewer_only_whom_they_may_see(personas, client_for):
    w = world(personas)
    alice, carol = client_for(personas.alice), client_for(personas.carol)

    mine = _page(alice, w.gallery)
    assert mine.status_code == 200
    assert mine.context["page"].count == 3
    assert b"Add someone" in mine.content
    assert w.gallery.name.encode() in alice.get(reverse("galleries:gallery_list")).content

    theirs = _page(carol, w.gallery)
    assert theirs.status_code == 200
    assert theirs.context["page"].count == 2
    assert set(_codes(theirs)) == {str(w.known.code), str(w.masked.code)}
    html = theirs.content.decode()
    assert "Tamsin QUARRELL" in html  # names print as "Given FAMILY": check those words
    assert "FEATHERBY" not in html and "Oswin" not in html
    assert "GALLIMORE" not in html and "Perpetua" not in html
    assert "Identity withheld" in html
    assert 'data-withheld="health"' in html and "Asthma" not in html
    assert "Add someone" not in html
    # The list event names the gallery and the count; each person shown gets their own event.
    listed = AuditEvent.objects.filter(target_id=str(w.gallery.code), action="view").latest("id")
    assert listed.result_count == 2 and listed.actor_id == personas.carol.pk
    assert AuditEvent.objects.filter(target_id=str(w.known.code), action="view").exists()
    assert not AuditEvent.objects.filter(
        target_id=str(w.hidden.code), action="view", actor_id=personas.carol.pk
    ).exists()

    for outsider in (personas.bob, personas.dave):
        client = client_for(outsider)
        assert _page(client, w.gallery).status_code == 404
        assert w.gallery.name.encode() not in client.get(reverse("galleries:gallery_list")).content
        assert (
            client.get(
                reverse("galleries:membership_detail", kwargs={"code": w.spells["known"].code})
            ).status_code
            == 404
        )
    # The ranking scope follows the same gate.
    ranking = {"scope": "gallery", "key": str(w.gallery.code)}
    assert carol.get(reverse("risk:ranking", kwargs=ranking)).status_code == 200
    assert client_for(personas.dave).get(reverse("risk:ranking", kwargs=ranking)).status_code == 404
    assert b"Top 20" in theirs.content


def test_a_partnership_gallery_opens_for_every_team_of_the_partnership_only(personas, client_for):
    w = world(personas, access=GalleryAccess.PARTNERSHIP)
    bob = _page(client_for(personas.bob), w.gallery)
    assert bob.status_code == 200 and bob.context["page"].count == 0  # nobody shared with bob
    assert _page(client_for(personas.dave), w.gallery).status_code == 404


def test_filters_and_sorts_include_promoted_fields_and_respect_sections(personas, client_for):
    w = world(personas)
    alice, carol = client_for(personas.alice), client_for(personas.carol)
    k, m, h = (str(w.known.code), str(w.masked.code), str(w.hidden.code))

    assert _codes(_page(alice, w.gallery, "f_custody=in_custody&sort=added&dir=asc")) == [k, h]
    assert _codes(_page(alice, w.gallery, "status=In+the+community")) == [m]
    assert _codes(_page(alice, w.gallery, "added_from=01/02/2026&added_to=2026-02-28")) == [m]
    window = "f_notified_on_min=15/01/2026&f_notified_on_max=2026-02-15"
    assert _codes(_page(alice, w.gallery, window)) == [k]
    assert _codes(_page(alice, w.gallery, "sort=f_notified_on&dir=asc")) == [h, k, m]
    assert _codes(_page(alice, w.gallery, "sort=f_notified_on&dir=desc")) == [m, k, h]
    assert _codes(_page(alice, w.gallery, "sort=name&dir=asc")) == [m, h, k]
    assert _codes(_page(alice, w.gallery, "name=quarr")) == [k]
    # carol cannot read anyone's health answer, so filtering on it finds nobody for her...
    assert _codes(_page(carol, w.gallery, "f_health=Asthma")) == []
    assert _codes(_page(alice, w.gallery, "f_health=Asthma")) == [k]
    # ...nor a name she may not read: the masked person sorts last, whatever their name.
    assert _codes(_page(carol, w.gallery, "sort=name&dir=asc")) == [k, m]
    assert _codes(_page(carol, w.gallery, "name=featherby")) == []

    bad = _page(alice, w.gallery, "added_from=31/02/2026&f_notified_on_min=soon")
    assert bad.status_code == 200 and bad.context["page"].count == 3
    assert "Enter a real date" in bad.content.decode()
    # Removed members: a tab for the managing team only.
    assert b"removed-tab" in _page(alice, w.gallery).content
    refused = _page(carol, w.gallery, "state=removed")
    assert "Only the gallery" in refused.content.decode()
    assert refused.context["query"].state == "current"


def test_paging_and_a_flat_query_budget(personas, client_for, monkeypatch):
    w = world(personas)
    alice = client_for(personas.alice)

    def queries() -> int:
        _page(alice, w.gallery, "sort=f_custody")  # warm the session
        with CaptureQueriesContext(connection) as captured:
            response = _page(alice, w.gallery, "sort=f_custody")
        assert response.status_code == 200
        return len(captured.captured_queries)

    before = queries()
    for number in range(4):
        add(personas.alice, w.gallery, person(personas.alice, "Extra", f"Person{number}"))
    assert queries() == before

    monkeypatch.setattr(selectors, "PER_PAGE", 3)  # the page size only: few people, 3 pages
    first = _page(alice, w.gallery, "sort=added&dir=asc")
    third = _page(alice, w.gallery, "sort=added&dir=asc&page=3")
    beyond = _page(alice, w.gallery, "sort=added&dir=asc&page=99")
    assert first.context["page"].count == 7 and len(first.context["page"].rows) == 3
    assert _codes(first)[0] == str(w.known.code)
    assert len(third.context["page"].rows) == 1 and third.context["page"].number == 3
    assert _codes(beyond) == _codes(third)
    assert "page=2" in first.content.decode() and "1 to 3 of 7" in first.content.decode()


def test_saved_views_are_saved_listed_checked_again_and_deleted(personas, client_for):
    w = world(personas)
    alice, carol = client_for(personas.alice), client_for(personas.carol)
    save = reverse("galleries:saved_view_save", kwargs={"code": w.gallery.code})

    response = alice.post(
        save, {"name": "In custody", "shared": "on", "query": "f_custody=in_custody&bogus=1"}
    )
    assert response.status_code == 302 and "bogus" not in response["Location"]
    view = SavedView.objects.get(name="In custody")
    assert view.query == "f_custody=in_custody" and view.team_id == team_of(personas.alice).pk
    assert AuditEvent.objects.filter(action="create", target_type="galleries.savedview").exists()
    assert alice.post(save, {"name": "In custody", "query": ""}).status_code == 302
    assert SavedView.objects.filter(name="In custody").count() == 1  # the name is taken
    assert alice.post(save, {"name": "", "query": ""}).status_code == 302
    assert SavedView.objects.count() == 1

    # A view stored before a field was renamed: its unknown filter is dropped, with a message.
    old = saved_view_create(
        actor=personas.alice,
        team=team_of(personas.alice),
        gallery=w.gallery,
        name="Old",
        query="f_retired=1&status=In+custody",
        shared=False,
    )
    applied = alice.get(
        reverse("galleries:saved_view_apply", kwargs={"code": w.gallery.code, "view_id": old.pk}),
        follow=True,
    )
    assert applied.context["query"].status == "In custody"
    assert "f_retired" in applied.content.decode()
    listed = [v.name for v in _page(alice, w.gallery).context["saved_views"]]
    assert listed == ["In custody", "Old"]
    # carol's team does not see alice's views; she cannot open or delete them.
    assert list(_page(carol, w.gallery).context["saved_views"]) == []
    delete = reverse(
        "galleries:saved_view_delete", kwargs={"code": w.gallery.code, "view_id": old.pk}
    )
    assert carol.post(delete).status_code == 404
    assert alice.post(delete).status_code == 302
    assert not SavedView.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(action="delete", target_type="galleries.savedview").exists()


def test_an_audited_gallery_asks_other_teams_why_first(personas, client_for):
    w = world(personas, access_level="audited")
    carol = client_for(personas.carol)
    asked = _page(carol, w.gallery)
    assert asked.status_code == 302 and "/purpose/" in asked["Location"]
    purpose_url = reverse("galleries:gallery_purpose", kwargs={"code": w.gallery.code})
    assert carol.post(purpose_url, {"purpose": "short"}).status_code == 400
    assert carol.post(purpose_url, {"purpose": "Preparing the FNO panel."}).status_code == 302
    assert _page(carol, w.gallery).status_code == 200
    event = AuditEvent.objects.filter(target_id=str(w.gallery.code), action="view").latest("id")
    assert event.justification == "Preparing the FNO panel."
    assert _page(client_for(personas.alice), w.gallery).status_code == 200  # managers: no ask


def test_a_removed_spell_shows_on_a_persons_page_only_to_the_managing_team(personas, client_for):
    w = world(personas)
    spell = w.spells["known"]
    carol = client_for(personas.carol)
    card = carol.get(w.known.get_absolute_url()).content.decode()
    assert "Member since" in card and w.gallery.name in card  # current: her team may see it

    remove(personas.alice, spell, on=date(2026, 4, 1))
    mine = client_for(personas.alice).get(w.known.get_absolute_url()).content.decode()
    assert "Removed 1 April 2026" in mine and spell.get_absolute_url() in mine
    theirs = carol.get(w.known.get_absolute_url()).content.decode()
    assert "Removed 1 April 2026" not in theirs and spell.get_absolute_url() not in theirs
    assert carol.get(spell.get_absolute_url()).status_code == 404  # as the card now agrees


def test_names_and_answers_holding_markup_are_shown_as_text(personas, client_for):
    chosen = gallery(personas.alice, fields=FIELDS)
    someone = person(personas.alice, "<b>Ember</b>", "O'Dowd <script>")
    add(personas.alice, chosen, someone, answers={"health": '<img src=x onerror="alert(1)">'})

    html = _page(client_for(personas.alice), chosen).content.decode()

    assert "<script>" not in html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert "&lt;b&gt;Ember&lt;/b&gt; O&#x27;DOWD &lt;SCRIPT&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert '<img src=x onerror="alert(1)">' not in html


def test_a_field_column_heading_links_its_sort_and_says_how_the_table_is_sorted(
    personas, client_for
):
    w = world(personas)
    alice = client_for(personas.alice)

    def heading(response: Any, label: str) -> str:
        body: str = response.content.decode()
        head = body[body.index('<thead class="govuk-table__head">') : body.index("</thead>")]
        end = head.index(f">{label}</")
        return head[head.rindex("<th ", 0, end) : head.index("</th>", end)]

    unsorted = heading(_page(alice, w.gallery), "Home Office notified")
    assert "aria-sort" not in unsorted
    assert 'href="?sort=f_notified_on&amp;dir=asc"' in unsorted
    rising = heading(_page(alice, w.gallery, "sort=f_notified_on&dir=asc"), "Home Office notified")
    assert 'aria-sort="ascending"' in rising
    assert "dir=desc" in rising  # a second press reverses it
    falling = _page(alice, w.gallery, "sort=f_notified_on&dir=desc")
    assert 'aria-sort="descending"' in heading(falling, "Home Office notified")
    assert "aria-sort" not in heading(falling, "Custody status")


def _filter_form(response: Any) -> str:
    html: str = response.content.decode()
    start = html.index('data-testid="member-filters"')
    return html[start : html.index("</form>", start)]


def test_the_unfiltered_filters_are_drawn_from_the_cache_and_follow_a_change_of_statuses(
    personas, client_for, monkeypatch
):
    w = world(personas)
    alice = client_for(personas.alice)
    cache.clear()
    drawn = _filter_form(_page(alice, w.gallery))  # drawn, and kept
    kept = _filter_form(_page(alice, w.gallery))  # from the cache
    with monkeypatch.context() as patched:  # the same page with the fragment drawn every time
        patched.setattr(CacheNode, "render", lambda node, context: node.nodelist.render(context))
        uncached = _filter_form(_page(alice, w.gallery))
    assert drawn == kept == uncached
    assert 'value="In the community"' in kept and "Custody status" in kept

    chosen = w.gallery
    details = GalleryDetails(
        name=chosen.name,
        purpose=chosen.purpose,
        access=chosen.access,
        section=chosen.section,
        statuses=("In custody", "In the community"),
        managing_teams=tuple(chosen.managing_teams.all()),
        viewer_teams=tuple(chosen.viewer_teams.all()),
    )
    gallery_update(
        actor=None,
        gallery=chosen,
        details=replaced(details, statuses=("In custody", "Deported")),
        expected_version=chosen.version,
    )
    after = _filter_form(_page(alice, w.gallery))
    assert 'value="Deported"' in after
    assert 'value="In the community"' not in after
    # A filtered page draws its fields afresh: the value asked for, and its error, are shown.
    asked = _filter_form(_page(alice, w.gallery, "name=quarr&added_from=31/02/2026"))
    assert 'value="quarr"' in asked and "Enter a real date" in asked

"""The gallery page's two plans and its capped count give exactly the members the policy allows.

``member_page`` walks the spells in the page's order for a viewer who sees most members, starts
from the viewer's own list for one who sees few, and reads a far page in one statement. Whatever
the plan, paging through every page must give exactly the reference list: the spells of the one
gated query (``filtered``, the policy's ``visible_through``) in the page's order. The limits are
lowered here (a setting of the module, not a stand-in for it) so a small gallery exercises every
plan. All people are invented.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from roundtable.audit.hashing import event_hash
from roundtable.audit.models import AuditEvent
from roundtable.galleries.models import Gallery
from roundtable.galleries.selectors import members as selectors
from roundtable.galleries.tests.helpers import add, gallery, person, share, team_of
from roundtable.sharing import policy

pytestmark = pytest.mark.django_db

MEMBERS = 36
SHARED = (3, 17, 30)  # the members whose risk section carol's team is given


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "COUNT_CAP", 12)
    monkeypatch.setattr(selectors, "WALK_PROBE", 16)
    monkeypatch.setattr(selectors, "WALK_DEPTH", 12)
    monkeypatch.setattr(selectors, "COUNT_PROBE", 10_000)


def _gallery(personas: Any) -> Gallery:
    chosen = gallery(personas.alice, viewer_teams=(team_of(personas.carol),))
    statuses = ("In custody", "In the community")
    for index in range(MEMBERS):
        someone = person(personas.alice, f"Member{index:02d}", f"Quillfeather{index % 5}")
        add(
            personas.alice,
            chosen,
            someone,
            status=statuses[index % 2],
            added_on=date(2026, 1, 1) + timedelta(days=index // 2),  # ties on the date
        )
        if index in SHARED:
            share(personas.alice, someone, team_of(personas.carol), ["identity", "risk"])
    return chosen


def _viewer(user: Any) -> policy.Viewer:
    return policy.viewer_for_user(user, team_of(user))


def _reference(viewer: policy.Viewer, chosen: Gallery, query: selectors.MemberQuery) -> list[int]:
    form = selectors.gallery_form(chosen)
    rows = selectors.filtered(viewer, chosen, form, query)
    return list(selectors.ordered(viewer, chosen, form, query, rows).values_list("pk", flat=True))


def _every_page(
    viewer: policy.Viewer, chosen: Gallery, query: selectors.MemberQuery, per_page: int
) -> tuple[list[int], set[str], list[selectors.MemberPage]]:
    form = selectors.gallery_form(chosen)
    seen: list[int] = []
    plans: set[str] = set()
    pages = []
    number = 1
    while True:
        page = selectors.member_page(viewer, chosen, form, query, number=number, per_page=per_page)
        assert page.number == number
        pages.append(page)
        plans.add(page.plan)
        seen += [row.spell.pk for row in page.rows]
        if not page.has_next:
            return seen, plans, pages
        number += 1


@pytest.mark.parametrize("sort", ["added", "name", "status", "review"])
@pytest.mark.parametrize("descending", [True, False])
def test_every_plan_pages_through_exactly_the_gated_list(personas, small_limits, sort, descending):
    chosen = _gallery(personas)
    query = selectors.MemberQuery(sort=sort, descending=descending)

    alice = _viewer(personas.alice)  # sees every member: walks, then far pages in one statement
    seen, plans, pages = _every_page(alice, chosen, query, per_page=4)
    assert seen == _reference(alice, chosen, query)
    assert len(seen) == MEMBERS
    assert plans == {"walk", "offset"}
    assert not pages[0].exact and pages[0].count == 12  # "more than 12"
    assert len(pages) == 9 and len(pages[-1].rows) == 4  # the last page knows it is last

    carol = _viewer(personas.carol)  # sees 3 of 36: starts from her own list
    seen, plans, pages = _every_page(carol, chosen, query, per_page=2)
    assert seen == _reference(carol, chosen, query)
    assert len(seen) == len(SHARED)
    # By name her three sort first (she may read only their names): the walk finds page 1.
    assert plans == ({"walk", "visible_first"} if sort == "name" else {"visible_first"})
    assert all(page.exact and page.count == len(SHARED) for page in pages)


def test_filters_and_a_page_past_the_end(personas, small_limits):
    chosen = _gallery(personas)
    alice, carol = _viewer(personas.alice), _viewer(personas.carol)
    form = selectors.gallery_form(chosen)
    query = selectors.MemberQuery(status="In custody", name="quillfeather2")
    for viewer in (alice, carol):
        expected = _reference(viewer, chosen, query)
        page = selectors.member_page(viewer, chosen, form, query, number=1, per_page=50)
        assert [row.spell.pk for row in page.rows] == expected
        assert page.exact and page.count == len(expected)
    assert len(_reference(alice, chosen, query)) > len(_reference(carol, chosen, query))

    # Page 99 of three members is their last page, as before.
    everyone = selectors.MemberQuery()
    last = selectors.member_page(carol, chosen, form, everyone, number=99, per_page=2)
    assert last.number == 2
    assert [r.spell.pk for r in last.rows] == _reference(carol, chosen, everyone)[2:]


def test_count_all_gives_the_exact_count_the_capped_count_stops_short_of(personas, small_limits):
    chosen = _gallery(personas)
    alice = _viewer(personas.alice)
    form = selectors.gallery_form(chosen)
    query = selectors.MemberQuery()
    capped = selectors.member_page(alice, chosen, form, query, per_page=4)
    full = selectors.member_page(alice, chosen, form, query, per_page=4, count_all=True)
    assert (capped.count, capped.exact) == (12, False)
    assert (full.count, full.exact) == (MEMBERS, True)
    assert [r.spell.pk for r in capped.rows] == [r.spell.pk for r in full.rows]


def test_the_page_says_more_than_and_counts_all_on_request(personas, small_limits, client_for):
    chosen = _gallery(personas)
    alice = client_for(personas.alice)

    page = alice.get(chosen.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "More than 12 people" in html
    assert 'data-testid="count-all"' in html and "count=all" in html
    assert "of more than 12 (page 1)" in html
    assert "18 Jan 2026" in html  # the newest members first
    event = AuditEvent.objects.filter(target_id=str(chosen.code), action="view").latest("pk")
    assert event.result_count == 12 and event.detail["count_at_least"] == 13
    # One event per person shown, each naming its own person and spell, each hash intact.
    shown = page.context["page"].rows
    people = list(AuditEvent.objects.filter(pk__gt=event.pk, target_type="records.profile"))
    assert sorted(e.target_id for e in people) == sorted(str(r.spell.profile.code) for r in shown)
    assert sorted(e.detail["membership"] for e in people) == sorted(
        str(r.spell.code) for r in shown
    )
    assert all(e.content_hash == event_hash(e) for e in [event, *people])
    assert len({e.occurred_at for e in people}) == 1 and people[0].actor_id == personas.alice.pk

    counted = alice.get(chosen.get_absolute_url() + "?count=all")
    assert f"{MEMBERS} people" in counted.content.decode()
    event = AuditEvent.objects.filter(target_id=str(chosen.code), action="view").latest("pk")
    assert event.result_count == MEMBERS and "count_at_least" not in event.detail

    # Carol's team may open the gallery but sees three members: counted exactly, nobody else.
    carol = client_for(personas.carol)
    hers = carol.get(chosen.get_absolute_url())
    assert hers.status_code == 200
    assert "3 people" in hers.content.decode() and "More than" not in hers.content.decode()
    assert len(hers.context["page"].rows) == len(SHARED)


@pytest.mark.parametrize(
    ("cap", "probe", "expected"),
    [
        (12, 10_000, (12, False)),  # the page's walk already saw more than the cap
        (30, 10_000, (MEMBERS, True)),  # counting on reaches the end: exact
        (30, 16, (MEMBERS, True)),  # no budget left to count on: the viewer's own list, exact
    ],
)
def test_the_count_walks_on_from_the_page_or_counts_the_viewers_list(
    personas, small_limits, monkeypatch, cap, probe, expected
):
    monkeypatch.setattr(selectors, "COUNT_CAP", cap)
    monkeypatch.setattr(selectors, "COUNT_PROBE", probe)
    chosen = _gallery(personas)
    alice = _viewer(personas.alice)
    form = selectors.gallery_form(chosen)
    page = selectors.member_page(alice, chosen, form, selectors.MemberQuery(), per_page=4)
    assert page.plan == "walk"
    assert (page.count, page.exact) == expected
    assert [r.spell.pk for r in page.rows] == _reference(alice, chosen, selectors.MemberQuery())[:4]


def test_the_tables_dates_read_as_the_date_filter_writes_them():
    from django.utils import dateformat

    from roundtable.lib.html import short_day

    for month in range(1, 13):
        day = date(2026, month, 1 + month * 2)
        assert short_day(day) == dateformat.format(day, "j M Y")
    assert short_day(None) == ""


def test_a_page_number_past_any_offset_the_database_takes_is_a_page_not_an_error(
    personas, small_limits, client_for
):
    chosen = _gallery(personas)
    alice = client_for(personas.alice)
    for number in ("99999999999999999999", "-5", "x"):
        page = alice.get(chosen.get_absolute_url() + f"?page={number}")
        assert page.status_code == 200
    far = alice.get(chosen.get_absolute_url() + "?page=99999999999999999999")
    assert far.context["page"].number <= 10_000

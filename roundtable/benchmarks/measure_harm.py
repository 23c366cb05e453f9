"""Timing issue 5's scenarios: a gallery's top 20 and list, a person's pattern, rescoring.

Called by ``measure.run_scenarios`` against a dataset with offences, scores and the benchmark
gallery (generator version 2). Two kinds of bench user: practitioners of the gallery's managing
team, who see every member ("all"), and practitioners of other teams of the same partnership,
who may open the gallery (its access is the whole partnership) but see only the members whose
risk section is shared with them ("share"). Benchmark only, on invented data.

Every scenario is timed through its real page (the gallery's top 20 and first page of members,
the pattern page) or service (rescoring), as a practitioner meets it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from roundtable.benchmarks.harm import GALLERY_NAME
from roundtable.benchmarks.scenarios import HARM_SCENARIOS
from roundtable.directory.models import Membership, Role, Team
from roundtable.galleries.models import Gallery, GalleryMembership, MembershipState
from roundtable.galleries.selectors.galleries import members
from roundtable.records.models import Profile
from roundtable.risk.models import Disposal, Offence, OffenceCategory, OffenceRole
from roundtable.risk.services.offences import OffenceDetails, offence_create
from roundtable.sharing import policy
from roundtable.sharing.models import AccessEntry, PrincipalKind
from roundtable.sharing.sections import BIT, RecordKind, Section

GALLERY_LIST_URL = "galleries:gallery_detail"  # kwargs: code
GALLERY_RANKING_URL = "risk:ranking"  # kwargs: scope="gallery", key=<gallery code>

ALL_USERS = 5
SHARE_TEAMS = 10
WINDOW_DAYS = 365


def _users(gallery: Gallery, signed_in: Callable[..., Any]) -> tuple[list[Any], list[Any]]:
    """(managing team's practitioners, practitioners of other teams of the partnership)."""
    from roundtable.benchmarks.measure import Bench

    managing = set(gallery.managing_teams.values_list("pk", flat=True))
    rows = list(
        Membership.objects.filter(
            role=Role.PRACTITIONER, team__organisation__partnership=gallery.partnership
        )
        .select_related("user", "team__organisation")
        .order_by("team_id", "user_id")
    )
    all_users = [m for m in rows if m.team_id in managing][:ALL_USERS]
    by_team: dict[int, Any] = {}
    for membership in rows:
        if membership.team_id not in managing:
            by_team.setdefault(membership.team_id, membership)
    share_users = list(by_team.values())[:SHARE_TEAMS]

    def bench(membership: Membership) -> Any:
        viewer = policy.viewer_for_user(membership.user, membership.team, membership.role)
        return Bench(membership.user, signed_in(membership.user), viewer)

    return [bench(m) for m in all_users], [bench(m) for m in share_users]


def _offending_people(bench: Any, gallery: Gallery, rng: random.Random) -> list[Profile]:
    """People with offences whose offending section this user's team sees (gallery first)."""
    team_rows = AccessEntry.objects.filter(
        principal_kind=PrincipalKind.TEAM,
        principal_id=bench.viewer.team_id,
        record_kind=RecordKind.PROFILE,
    ).annotate(_bit=BitAnd("sections", BIT[Section.OFFENDING]))
    ids = list(team_rows.filter(_bit__gt=0).values_list("record_id", flat=True)[:2000])
    with_offences = set(
        Offence.objects.live().filter(profile_id__in=ids).values_list("profile_id", flat=True)
    )
    chosen = sorted(with_offences)
    rng.shuffle(chosen)
    return list(Profile.objects.filter(pk__in=chosen[:60]).select_related("owning_organisation"))


def BitAnd(field: str, bit: int) -> Any:  # noqa: N802 -- reads like the expression it builds
    from django.db.models import F

    return F(field).bitand(bit)


def run_harm_scenarios(
    *,
    rng: random.Random,
    warmup: int,
    requests: int,
    run: Callable[..., dict[str, Any]],
    signed_in: Callable[..., Any],
) -> dict[str, Any]:
    """Time issue 5's scenarios; {} when the dataset has no benchmark gallery (version 1)."""
    gallery = Gallery.objects.select_related("partnership").filter(name=GALLERY_NAME).first()
    if gallery is None:
        return {}
    all_users, share_users = _users(gallery, signed_in)
    total = GalleryMembership.objects.filter(gallery=gallery, state=MembershipState.CURRENT).count()
    seen = {id(bench): members(bench.viewer, gallery).count() for bench in all_users + share_users}
    categories = {
        pk: list(OffenceCategory.objects.filter(partnership_id=pk, is_active=True).order_by("pk"))
        for pk in {gallery.partnership_id}
    }
    people = {id(b): _offending_people(b, gallery, rng) for b in all_users + share_users}

    def top20(benches: list[Any]) -> Callable[[int], tuple[Any, Any]]:
        url = reverse(GALLERY_RANKING_URL, kwargs={"scope": "gallery", "key": str(gallery.code)})

        def make_page(index: int) -> tuple[Any, Any]:
            return benches[index % len(benches)], lambda b: b.client.get(url)

        return make_page

    def gallery_list(benches: list[Any]) -> Callable[[int], tuple[Any, Any]]:
        url = reverse(GALLERY_LIST_URL, kwargs={"code": str(gallery.code)})
        return lambda index: (benches[index % len(benches)], lambda b: b.client.get(url))

    def pattern(benches: list[Any]) -> Callable[[int], tuple[Any, Any]]:
        usable = [b for b in benches if people[id(b)]]

        def make(index: int) -> tuple[Any, Any]:
            bench = usable[index % len(usable)]
            mine = people[id(bench)]
            url = reverse("risk:person_pattern", kwargs={"code": mine[index % len(mine)].code})
            return bench, lambda b: b.client.get(url)

        return make

    def rescore(benches: list[Any]) -> Callable[[int], tuple[Any, Any]]:
        usable = [b for b in benches if people[id(b)]]
        now = timezone.now()

        def make(index: int) -> tuple[Any, Any]:
            bench = usable[index % len(usable)]
            mine = people[id(bench)]
            profile = mine[index % len(mine)]
            choices = categories[gallery.partnership_id]
            details = OffenceDetails(
                category=choices[index % len(choices)],
                role=OffenceRole.OFFENDER,
                occurred_at=now - timedelta(days=1 + index % 300, hours=index % 24),
                time_known=True,
                disposal=Disposal.CHARGED,
                source_organisation=teams[id(bench)].organisation,
            )

            def record(b: Any) -> Any:
                # The dataset must not change between runs: the offence, its audit event and the
                # rescoring are rolled back (so the commit itself is not in the figure).
                with transaction.atomic():
                    offence = offence_create(
                        actor=b.user, team=teams[id(b)], profile=profile, details=details
                    )
                    transaction.set_rollback(True)
                return offence

            return bench, record

        return make

    teams = {
        id(bench): Team.objects.select_related("organisation").get(pk=bench.viewer.team_id)
        for bench in all_users + share_users
    }
    makers: dict[str, tuple[Callable[[list[Any]], Any], list[Any], str]] = {
        "gallery_top20_all": (top20, all_users, "page"),
        "gallery_top20_share": (top20, share_users, "page"),
        "pattern_all": (pattern, all_users, "page"),
        "pattern_share": (pattern, share_users, "page"),
        "rescore_all": (rescore, all_users, "service"),
        "rescore_share": (rescore, share_users, "service"),
        "gallery_list_all": (gallery_list, all_users, "page"),
        "gallery_list_share": (gallery_list, share_users, "page"),
    }
    results: dict[str, Any] = {}
    for scenario in HARM_SCENARIOS:
        build, benches, measured = makers[scenario.key]
        if not benches:
            continue
        make = build(benches)
        users = (
            benches if scenario.key.startswith("gallery") else [b for b in benches if people[id(b)]]
        )
        if not users:
            continue
        shares = [seen[id(b)] / total if total else 0.0 for b in users]
        results[scenario.key] = {
            "label": scenario.label,
            "target_ms": scenario.target_ms,
            "measured": measured,
            "users": len(users),
            "gallery_members": total,
            "share_seen": round(sum(shares) / len(shares), 4),
            **run(benches, make, warmup, requests),
        }
    return results

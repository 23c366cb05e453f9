"""The page shell's context: acting team, the navigation a user's capabilities allow, and the
header's figures.

Resolved from what the middleware already loaded, and only when a page draws the shell. Every
figure the shell shows beyond that (the unread notifications count, the overdue tasks badge,
the user's capabilities and whether they lead their partnership's ASB case reviews) comes from
ONE query, run the first time a template reads any of them (``shell_figures``): a single row of
scalar subqueries, each the same indexed count or existence test its own selector makes. It is
asked afresh on every page rather than cached, so a count is never stale, whichever process or
background task changed it (docs/performance.md, "Fourth run preparations").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, cast

from django.db.models import Case as Choose
from django.db.models import Exists, F, Func, IntegerField, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from roundtable.directory import permissions
from roundtable.directory.models import Capability, CapabilityGrant, User
from roundtable.lib.prepared import PreparedQuery


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    description: str = ""
    active: bool = False
    # A number to show beside the link (e.g. overdue tasks); lazy, so it costs nothing unless drawn.
    badge: Any = None
    badge_label: str = ""


@dataclass(frozen=True)
class ShellFigures:
    """What the shell shows about the signed-in user, from one query (``shell_figures``)."""

    unread_notifications: int
    overdue_tasks: int
    reads_case_reviews: bool


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """``SELECT COUNT(*)`` of a queryset as a scalar subquery (always one row, 0 when none)."""
    counted = queryset.order_by().annotate(
        _n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Coalesce(Subquery(counted.values("_n")), Value(0))


def _capability_mask(user_id: int) -> Coalesce:
    """The user's capabilities as a bitmask (bit n: ``Capability.values[n]``), as a subquery.

    A user holds each capability at most once (a unique constraint), so the sum is the mask.
    """
    bits = Choose(
        *(When(capability=code, then=Value(1 << n)) for n, code in enumerate(Capability.values)),
        default=Value(0),
        output_field=IntegerField(),
    )
    summed = (
        CapabilityGrant.objects.filter(user_id=user_id)
        .order_by()
        .annotate(_mask=Func(bits, function="SUM", output_field=IntegerField()))
    )
    return Coalesce(Subquery(summed.values("_mask")), Value(0))


def _shell_query(
    *, user_id: int, team_id: int, partnership_id: int, today: date, with_reviews: bool
) -> QuerySet[Any]:
    """The shell's one row, built from the selectors that own each rule."""
    # Imported when asked: tasking and casework build on the directory, not the other way.
    from roundtable.casework.selectors.case_review import case_review_lead_settings
    from roundtable.sharing.policy import Viewer
    from roundtable.tasking.selectors.notifications import unread_notifications
    from roundtable.tasking.selectors.tasks import overdue_for_user

    columns: dict[str, Any] = {
        "unread": _count(unread_notifications(user_id)),
        "overdue": _count(overdue_for_user(user_id=user_id, today=today)),
        "capabilities": _capability_mask(user_id),
        "own_partnership": F("organisation__partnership_id"),
    }
    if with_reviews:
        viewer = Viewer(
            user_id=user_id, team_id=team_id, organisation_id=None, partnership_id=partnership_id
        )
        columns["leads_reviews"] = Exists(case_review_lead_settings(viewer, partnership_id))
    return User.objects.filter(pk=user_id).order_by().values(**columns)[:1]


# Stand-ins for the values each page binds (lib/prepared.py): none can occur in the query itself.
_STAND_INS: dict[str, Any] = {
    "user_id": -7_301_001,
    "team_id": -7_301_002,
    "partnership_id": -7_301_003,
    "today": date(1901, 2, 3),
}
#: The shell's query compiled once per process: building it with the ORM on every page cost
#: more CPU than the database took to answer it. With and without the case-review check.
_SHELL_QUERIES = {
    with_reviews: PreparedQuery(partial(_shell_query, with_reviews=with_reviews), **_STAND_INS)
    for with_reviews in (True, False)
}


def shell_figures(request: HttpRequest) -> ShellFigures:
    """The header's counts and the navigation's case-review check, in one query per request.

    Also fills the user's capability cache (``permissions.capabilities``) when nothing has read
    it yet, so the navigation's capability checks cost nothing more.
    """
    cached: ShellFigures | None = getattr(request, "_shell_figures", None)
    if cached is not None:
        return cached
    from roundtable.sharing import policy  # at call time: sharing builds on the directory

    user = request.user
    viewer = policy.viewer_for(request)
    partnership_id = viewer.partnership_id if viewer.team_id is not None else None
    rows = _SHELL_QUERIES[partnership_id is not None].rows(
        user_id=cast(int, user.pk),  # the shell is built for signed-in users only
        team_id=viewer.team_id or 0,
        partnership_id=partnership_id or 0,
        today=timezone.localdate(),
    )
    row = rows[0] if rows else {}
    if getattr(user, "_capability_cache", None) is None:
        mask = int(row.get("capabilities") or 0) if user.is_active else 0
        user._capability_cache = frozenset(  # type: ignore[union-attr]
            code for bit, code in enumerate(Capability.values) if mask & (1 << bit)
        )
    # The same rule as casework's ``may_read_case_reviews``: the partnership's admins, and its
    # case-review lead (the user, or anyone acting as the lead team).
    reads_reviews = partnership_id is not None and (
        bool(row.get("leads_reviews"))
        or (permissions.is_partnership_admin(user) and row.get("own_partnership") == partnership_id)
    )
    figures = ShellFigures(
        unread_notifications=int(row.get("unread") or 0),
        overdue_tasks=int(row.get("overdue") or 0),
        reads_case_reviews=reads_reviews,
    )
    request._shell_figures = figures  # type: ignore[attr-defined]
    return figures


def _navigation(request: HttpRequest) -> list[NavItem]:
    user = request.user
    figures = shell_figures(request)  # first: it also loads the capabilities checked below
    items: list[tuple[str, str, str]] = [(_("Home"), reverse("home"), "")]
    if getattr(request, "acting_team", None) is not None:
        items += [
            (_("Search"), reverse("records:search"), _("find whether a person is known")),
            (_("Cases"), reverse("records:my_cases"), _("the cases your team owns or shares")),
            (_("Tasks"), reverse("tasking:my_tasks"), _("your tasks and your team's queue")),
            (_("Galleries"), reverse("galleries:gallery_list"), _("your partnership's cohorts")),
            (
                _("Priority"),
                reverse("risk:ranking_index"),
                _("the people causing most harm, among those you can see"),
            ),
            (
                _("Access requests"),
                reverse("sharing:my_requests"),
                _("your requests for access, and your team's inbox if you manage it"),
            ),
        ]
    if permissions.is_partnership_admin(user):
        items += [
            (
                _("Case types"),
                reverse("records:case_type_list"),
                _("set up the kinds of case your partnership works"),
            ),
            (
                _("Gallery set-up"),
                reverse("galleries:definition_list"),
                _("define galleries: purpose, access, teams, statuses and retention"),
            ),
            (
                _("Forms"),
                reverse("customforms:definition_list"),
                _("the questions case types and galleries ask, and their versions"),
            ),
            (
                _("Agreements"),
                reverse("sharing:agreement_list"),
                _("information sharing agreements between agencies"),
            ),
            (
                _("Letter templates"),
                reverse("casework:letter_template_list"),
                _("the standard letters teams generate for people in their cases"),
            ),
            (
                _("Alert rules"),
                reverse("tasking:alert_rule_list"),
                _("who is told when something happens to a case"),
            ),
            (
                _("Casework settings"),
                reverse("casework:settings"),
                _("enforcement figures and the ASB case review threshold and lead"),
            ),
            (
                _("Harm models"),
                reverse("risk:harm_admin"),
                _("the offence classification, the Crime Harm Index table and RFG weights"),
            ),
        ]
    if figures.reads_case_reviews:
        items.append(
            (
                _("Case reviews"),
                reverse("casework:case_review_list"),
                _("ASB case reviews (Community Trigger) your partnership has had"),
            )
        )
    # System admins reach the same pages, choosing the organisation first.
    if permissions.is_organisation_admin(user) or permissions.is_system_admin(user):
        items.append(
            (
                _("Manage organisation"),
                reverse("directory:organisation_admin"),
                _("invite and deactivate users, manage teams and roles"),
            )
        )
    if permissions.is_auditor(user):
        items.append(
            (_("Audit log"), reverse("audit:event_list"), _("search and export the audit log"))
        )
    if permissions.is_system_admin(user):
        items.append(
            (
                _("System administration"),
                reverse("admin:index"),
                _("the Django admin, for system administrators"),
            )
        )
    path = request.path
    tasks_href = reverse("tasking:my_tasks")
    return [
        NavItem(
            text,
            href,
            description,
            active=(href == path if href == "/" else path.startswith(href)),
            badge=(
                SimpleLazyObject(lambda: shell_figures(request).overdue_tasks)
                if href == tasks_href
                else None
            ),
            badge_label=_("overdue") if href == tasks_href else "",
        )
        for text, href, description in items
    ]


def shell(request: HttpRequest) -> dict[str, Any]:
    """Adds ``shell`` (acting team, whether the user can switch, navigation) to every template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shell": None}
    return {
        "shell": {
            "acting_team": getattr(request, "acting_team", None),
            "can_switch_team": len(getattr(request, "teams", ())) > 1,
            # Lazy: worked out (and its queries run) only when a page draws the navigation.
            "navigation": SimpleLazyObject(lambda: _navigation(request)),
        }
    }

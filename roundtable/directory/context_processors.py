"""The page shell's context: acting team and the navigation a user's capabilities allow.

Resolved once per request from what the middleware already loaded, and only when a page draws
the navigation: it adds no queries of its own beyond the user's capabilities, which are cached on
the request, whether the user is their partnership's ASB case-review lead (one indexed query, not
asked of partnership admins, who see case reviews anyway) and the count of the user's overdue
tasks (one indexed count).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from roundtable.directory import permissions


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    description: str = ""
    active: bool = False
    # A number to show beside the link (e.g. overdue tasks); lazy, so it costs nothing unless drawn.
    badge: Any = None
    badge_label: str = ""


def _overdue_tasks(user_id: int) -> Callable[[], int]:
    def count() -> int:
        # Imported when the badge is drawn: tasking builds on the directory, not the other way.
        from roundtable.tasking.selectors.tasks import overdue_count_for_user

        return overdue_count_for_user(user_id=user_id)

    return count


def _reads_case_reviews(request: HttpRequest) -> bool:
    """May the user, as the team they are working as, read their partnership's case reviews?"""
    if getattr(request, "acting_team", None) is None:
        return False
    # Imported when asked: sharing and casework build on the directory, not the other way.
    from roundtable.casework.selectors.case_review import may_read_case_reviews
    from roundtable.sharing import policy

    viewer = policy.viewer_for(request)
    return may_read_case_reviews(request.user, viewer, viewer.partnership_id)


def _navigation(request: HttpRequest) -> list[NavItem]:
    user = request.user
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
    if _reads_case_reviews(request):
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
    user_id = cast(int, user.pk)  # the shell is built for signed-in users only
    return [
        NavItem(
            text,
            href,
            description,
            active=(href == path if href == "/" else path.startswith(href)),
            badge=SimpleLazyObject(_overdue_tasks(user_id)) if href == tasks_href else None,
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

"""Reads for the organisation admin pages: users, teams and members of one organisation.

Each selector owns its joins and prefetches so a page costs the same number of queries however
many rows it shows. They never decide who may look: the views' access functions do that first.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from roundtable.directory.models import CapabilityGrant, Membership, Organisation, Team, User


def organisation_users(*, organisation: Organisation, search: str = "") -> QuerySet[User]:
    """The organisation's users, matched by name or email, with teams, roles and capabilities."""
    users = User.objects.filter(organisation=organisation)
    search = search.strip()
    if search:
        users = users.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return users.order_by("full_name", "pk").prefetch_related(
        Prefetch(
            "memberships", queryset=Membership.objects.select_related("team").order_by("team__name")
        ),
        Prefetch("capability_grants", queryset=CapabilityGrant.objects.order_by("capability")),
    )


def organisation_teams(*, organisation: Organisation) -> QuerySet[Team]:
    """The organisation's teams with how many active users each has."""
    return (
        Team.objects.filter(organisation=organisation)
        .annotate(member_count=Count("memberships", filter=Q(memberships__user__is_active=True)))
        .order_by("-is_active", "name")
    )


def team_members(*, team: Team) -> QuerySet[Membership]:
    """A team's memberships with their users, active users first."""
    return (
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by("-user__is_active", "user__full_name", "pk")
    )


def user_memberships(*, user: User) -> QuerySet[Membership]:
    """One user's memberships with their teams."""
    return Membership.objects.filter(user=user).select_related("team").order_by("team__name")

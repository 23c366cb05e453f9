"""Reads for people's pages: what a profile page shows, loaded only for the sections allowed.

``profile_page`` takes what ``records.access`` already decided (the viewer's sections) and loads
the rows of those sections only, each with one query, so the page costs the same number of
queries however many aliases, addresses or warnings a person has. Related people are named only
where the viewer may see at least their signpost. ``agencies_involved`` names organisations
only, never teams or people. Nothing here decides access or writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from roundtable.lib.prepared import PreparedQuery
from roundtable.records.access import Reached
from roundtable.records.models import (
    INVERSE_RELATIONSHIP,
    Address,
    ContactPoint,
    Identifier,
    Profile,
    ProfileAlias,
    Relationship,
    RelationshipKind,
    Vehicle,
    WarningMarker,
)
from roundtable.sharing import policy
from roundtable.sharing.models import ShareGrant
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind, Section


def agencies_sharing(profile_ids: list[int]) -> dict[int, set[str]]:
    """Organisations holding a live share of each profile, in one query (the owner not included).

    Search, duplicate checks and the signpost page all name "the agencies involved" this way.
    """
    now = timezone.now()
    rows = (
        ShareGrant.objects.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            record_kind=RecordKind.PROFILE,
            record_id__in=profile_ids,
            revoked_at__isnull=True,
        )
        .values_list("record_id", "organisation__name", "team__organisation__name")
        .order_by()
    )
    result: dict[int, set[str]] = {}
    for record_id, organisation_name, team_organisation_name in rows:
        name = organisation_name or team_organisation_name
        if name:
            result.setdefault(int(record_id), set()).add(name)
    return result


def agencies_involved(profile: Profile) -> list[str]:
    """Names of the owning organisation and of organisations with a live grant, owner first."""
    owner = profile.owning_organisation.name
    others = agencies_sharing([profile.pk]).get(profile.pk, set()) - {owner}
    return [owner, *sorted(others)]


@dataclass(frozen=True)
class RelatedPerson:
    """One relationship as this profile sees it: the kind from this side, and who (if visible)."""

    relationship: Relationship
    kind_label: str
    other: Profile | None


@dataclass
class ProfilePage:
    """Everything a profile page shows, section by section; empty for sections withheld."""

    sections: frozenset[Section]
    withheld: list[Section]
    aliases: list[ProfileAlias] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    contacts: list[ContactPoint] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    warnings: list[WarningMarker] = field(default_factory=list)
    relationships: list[RelatedPerson] = field(default_factory=list)

    def shows(self, section: str) -> bool:
        return section in self.sections

    @property
    def shows_family(self) -> bool:
        """The family view needs the person's Relationships section."""
        return Section.RELATIONSHIPS in self.sections


def _relationships(viewer: policy.Viewer, profile: Profile) -> list[RelatedPerson]:
    rows = list(
        Relationship.objects.filter(Q(from_profile=profile) | Q(to_profile=profile))
        .select_related("from_profile", "to_profile")
        .order_by("kind", "pk")
    )
    others = {
        row.to_profile_id if row.from_profile_id == profile.pk else row.from_profile_id
        for row in rows
    }
    seen = (
        set(
            policy.signpost_visible(viewer, Profile.objects.filter(pk__in=others)).values_list(
                "pk", flat=True
            )
        )
        if others
        else set()
    )
    result = []
    for row in rows:
        outgoing = row.from_profile_id == profile.pk
        other = row.to_profile if outgoing else row.from_profile
        kind = row.kind if outgoing else INVERSE_RELATIONSHIP[row.kind]
        result.append(
            RelatedPerson(
                relationship=row,
                kind_label=str(RelationshipKind(kind).label),
                other=other if other.pk in seen else None,
            )
        )
    return result


def _detail_query(model: type[Any], *order: str, related: tuple[str, ...] = ()) -> PreparedQuery:
    """One model's rows of a person, in ``order`` (or the model's own ``Meta.ordering``)."""

    def build(profile: int) -> Any:
        rows = model.objects.filter(profile_id=profile).select_related(*related)
        return rows.order_by(*order) if order else rows

    return PreparedQuery(build, profile=-7_501_001)


#: Each section's detail rows of one person, compiled once per process (lib/prepared.py): the
#: ORM spent longer building and compiling these six small queries than the database took to
#: answer them, on every person's page.
_DETAILS = {
    "aliases": _detail_query(ProfileAlias, "family_name", "given_name", "pk"),
    "identifiers": _detail_query(Identifier, "kind", "value"),
    "addresses": _detail_query(Address),  # newest first, by its Meta.ordering
    "contacts": _detail_query(ContactPoint, "kind", "pk"),
    "vehicles": _detail_query(Vehicle, "registration"),
    "warnings": _detail_query(
        WarningMarker, "-is_active", "review_date", "pk", related=("raised_by_team__organisation",)
    ),
}


def _details(name: str, profile: Profile) -> list[Any]:
    rows = _DETAILS[name].objects(profile=profile.pk)
    for row in rows:  # as the related manager would: the row's person is this one
        row.profile = profile
    return rows


def profile_page(reached: Reached[Profile]) -> ProfilePage:
    """The rows of each section the viewer may see (one query per section shown)."""
    profile, allowed = reached.record, reached.sections
    page = ProfilePage(
        sections=allowed,
        withheld=[s for s in SECTIONS_BY_KIND[RecordKind.PROFILE] if s not in allowed],
    )
    if Section.IDENTITY in allowed:
        page.aliases = _details("aliases", profile)
        page.identifiers = _details("identifiers", profile)
    if Section.CONTACT in allowed:
        page.addresses = _details("addresses", profile)
        page.contacts = _details("contacts", profile)
        page.vehicles = _details("vehicles", profile)
    if Section.WARNINGS in allowed:
        page.warnings = _details("warnings", profile)
    if Section.RELATIONSHIPS in allowed:
        page.relationships = _relationships(reached.viewer, profile)
    return page


def item_on_profile(model: type[Any], profile: Profile, pk: int) -> Any:
    """One detail row of a profile (alias, address, ...) by id, or None if not on this profile."""
    if model is Relationship:
        return (
            Relationship.objects.select_related("from_profile", "to_profile")
            .filter(Q(from_profile=profile) | Q(to_profile=profile), pk=pk)
            .first()
        )
    return model.objects.select_related("profile").filter(profile=profile, pk=pk).first()

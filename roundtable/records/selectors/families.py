"""Reads for a person's family view: their relatives and which agencies work with each.

``family_view`` starts from a person whose Relationships section the viewer may see (the view
asked ``records.access`` first) and follows family relationships (parents, children, siblings,
partners, ex-partners, carers) one step, then one bounded second step through partners and
parents whose own Relationships section the viewer may also see (a partner's children, a
parent's partner and other children). Each relative is shown by the search's rules
(``search_hit``): a full entry when the viewer has some section of their record, a signpost
(name, date of birth, the agencies involved, a request-access link) when they have none, and
nothing at all when even the signpost is not allowed (a hidden record). The agencies working
with a person are the owner and the organisations holding a live share of their record (the
signpost's "agencies involved"), and, for each open case they are in whose Members section the
viewer may see, the case's owner and the teams and organisations it is shared with.

The cost does not grow with the family: every step is one query for all the people (or cases)
at once, each list is capped, and access comes from ``sharing.policy`` alone. Nothing here
writes; the view audits what it shows through ``records.services.families``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.records.models import (
    INVERSE_RELATIONSHIP,
    Case,
    CaseMember,
    CaseStatus,
    CaseType,
    CaseTypeShareDefault,
    Profile,
    Relationship,
    RelationshipKind,
)
from roundtable.records.selectors.profiles import agencies_sharing
from roundtable.records.selectors.search import SearchHit, search_hit
from roundtable.sharing import policy
from roundtable.sharing.models import ShareGrant
from roundtable.sharing.sections import BIT, RecordKind, Section

K = RelationshipKind
#: What each relative is to the person at the centre, by the kind read from the centre's side
#: ("the centre is parent of X": X is a child), in the order the page lists them.
FAMILY_ROLES: dict[str, Any] = {
    K.CHILD_OF: _("Parent"),
    K.CARED_FOR_BY: _("Carer"),
    K.PARTNER: _("Partner"),
    K.EX_PARTNER: _("Ex-partner"),
    K.SIBLING: _("Sibling"),
    K.PARENT_OF: _("Child"),
    K.CARER_OF: _("Cared for by this person"),
}
FAMILY_KINDS = tuple(str(kind) for kind in FAMILY_ROLES)
#: The second step: through whom (their role to the centre), which of their relatives (the kind
#: read from their side), and what that relative is called on the page.
SECOND_STEP: dict[tuple[str, str], Any] = {
    (K.PARTNER, K.PARENT_OF): _("Partner's child"),
    (K.CHILD_OF, K.PARTNER): _("Parent's partner"),
    (K.CHILD_OF, K.PARENT_OF): _("Parent's child"),
}
#: Bounds: relationship rows read per step, relatives shown, case memberships read.
RELATIONSHIP_LIMIT = 100
PEOPLE_LIMIT = 60
CASE_LIMIT = 200


@dataclass(frozen=True)
class FamilyCase:
    """An open case a person is in, which the viewer may see the members of, and its agencies."""

    case: Case
    reference: str
    url: str
    case_type: str
    agencies: list[str]


@dataclass
class FamilyPerson:
    """One person on the family view, shown only as the policy allows (``hit``).

    ``profile`` is for the view's audit and the family case's members; templates draw ``hit``.
    """

    profile: Profile
    hit: SearchHit
    relation: str
    degree: int
    via: str = ""
    agencies: list[str] = field(default_factory=list)
    cases: list[FamilyCase] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.hit.code


@dataclass
class FamilyView:
    """The person at the centre (first) and their relatives, with what was left out."""

    centre: FamilyPerson
    relatives: list[FamilyPerson]
    capped: bool

    @property
    def people(self) -> list[FamilyPerson]:
        return [self.centre, *self.relatives]

    @property
    def cases_shown(self) -> dict[str, FamilyCase]:
        return {case.reference: case for person in self.people for case in person.cases}

    def relative(self, code: str) -> FamilyPerson | None:
        return next((person for person in self.relatives if person.code == code), None)


def _other(row: tuple[int, int, str], pk: int) -> tuple[int, str]:
    """The other person of a relationship row and its kind as read from ``pk``'s side."""
    from_id, to_id, kind = row
    return (to_id, kind) if from_id == pk else (from_id, str(INVERSE_RELATIONSHIP[kind]))


def _first_step(centre: Profile) -> dict[int, list[str]]:
    """Relatives one step away: person id -> their kinds as read from the centre's side."""
    rows = (
        Relationship.objects.filter(
            Q(from_profile=centre) | Q(to_profile=centre), kind__in=FAMILY_KINDS
        )
        .order_by("pk")
        .values_list("from_profile_id", "to_profile_id", "kind")[:RELATIONSHIP_LIMIT]
    )
    found: dict[int, list[str]] = {}
    for row in rows:
        other, kind = _other(row, centre.pk)
        found.setdefault(other, []).append(kind)
    return found


def _second_step(
    centre: Profile, first: dict[int, list[str]], through: set[int]
) -> dict[int, tuple[str, int]]:
    """Relatives two steps away, through people whose Relationships the viewer may see:
    person id -> (the page's label, the id of the relative they were reached through)."""
    roles = {pk: set(kinds) for pk, kinds in first.items() if pk in through}
    via = {pk for pk, kinds in roles.items() if {K.PARTNER, K.CHILD_OF} & kinds}
    if not via:
        return {}
    wanted = {K.PARENT_OF, K.PARTNER}
    rows = (
        Relationship.objects.filter(
            Q(from_profile_id__in=via, kind__in=list(wanted))
            | Q(to_profile_id__in=via, kind__in=[INVERSE_RELATIONSHIP[k] for k in wanted])
        )
        .order_by("pk")
        .values_list("from_profile_id", "to_profile_id", "kind")[:RELATIONSHIP_LIMIT]
    )
    found: dict[int, tuple[str, int]] = {}
    for row in rows:
        for middle in (row[0], row[1]):
            if middle not in via:
                continue
            other, kind = _other(row, middle)
            if other == centre.pk or other in first or other in found:
                continue
            for role in sorted(roles[middle]):
                label = SECOND_STEP.get((role, kind))
                if label is not None:
                    found[other] = (str(label), middle)
                    break
    return found


def _record_agencies(profile: Profile, is_full: bool, sharing: set[str]) -> list[str]:
    """The owner (its team too when the viewer sees the record) and every sharing organisation."""
    owner = profile.owning_organisation.name
    label = f"{profile.owning_team.name}, {owner}" if is_full else owner
    return [label, *sorted(sharing - {owner})]


def _case_agencies(
    ids: list[int], type_ids: set[int]
) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Who each case is shared with (live grants), and each case type's default shares in force."""
    now = timezone.now()
    grants: dict[int, set[str]] = {}
    for record_id, team, team_org, organisation in ShareGrant.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        record_kind=RecordKind.CASE,
        record_id__in=ids,
        revoked_at__isnull=True,
    ).values_list("record_id", "team__name", "team__organisation__name", "organisation__name"):
        grants.setdefault(record_id, set()).add(f"{team}, {team_org}" if team else organisation)
    today = timezone.localdate()
    defaults: dict[int, set[str]] = {}
    for default in CaseTypeShareDefault.objects.filter(case_type_id__in=type_ids).select_related(
        "agreement", "team__organisation", "organisation"
    ):
        agreement = default.agreement
        if not agreement.is_active_on(today) or not agreement.covers_kind(RecordKind.CASE):
            continue
        name = (
            f"{default.team.name}, {default.team.organisation.name}"
            if default.team is not None
            else default.organisation.name  # type: ignore[union-attr]
        )
        defaults.setdefault(default.case_type_id, set()).add(name)
    return grants, defaults


def _open_cases(viewer: policy.Viewer, people: list[FamilyPerson]) -> None:
    """Fill in each person's open cases whose members the viewer may see (a fixed few queries)."""
    by_id = {person.profile.pk: person for person in people}
    members = list(
        CaseMember.objects.filter(profile_id__in=list(by_id), case__status=CaseStatus.OPEN)
        .select_related("case__case_type", "case__owning_team", "case__owning_organisation")
        .order_by("-case__updated_at", "pk")[:CASE_LIMIT]
    )
    masks = policy.section_masks(viewer, RecordKind.CASE, list({m.case_id for m in members}))
    shown = [m for m in members if masks.get(m.case_id, 0) & BIT[Section.MEMBERS]]
    if not shown:
        return
    grants, defaults = _case_agencies(
        list({m.case_id for m in shown}), {m.case.case_type_id for m in shown}
    )
    for member in shown:
        person, case = by_id[member.profile_id], member.case
        if any(item.reference == case.reference for item in person.cases):
            continue  # in the same case in two roles
        owner = f"{case.owning_team.name}, {case.owning_organisation.name}"
        shared = (grants.get(case.pk, set()) | defaults.get(case.case_type_id, set())) - {owner}
        person.cases.append(
            FamilyCase(
                case=case,
                reference=case.reference,
                url=case.get_absolute_url(),
                case_type=case.case_type.name,
                agencies=[owner, *sorted(shared)],
            )
        )


def family_view(viewer: policy.Viewer, centre: Profile) -> FamilyView:
    """The centre's family as this viewer may see it (the caller checked the centre's
    Relationships section); a fixed number of queries however large the family."""
    first = _first_step(centre)
    first_masks = policy.section_masks(viewer, RecordKind.PROFILE, list(first))
    through = {pk for pk, mask in first_masks.items() if mask & BIT[Section.RELATIONSHIPS]}
    second = _second_step(centre, first, through)
    second_masks = policy.section_masks(viewer, RecordKind.PROFILE, list(second))
    # The centre's own sections were read by ``records.access`` (the policy remembers them).
    masks = {**first_masks, **second_masks, centre.pk: policy.section_mask(viewer, centre)}  # type: ignore[arg-type]
    candidates = Profile.objects.filter(
        pk__in=[*first, *second], merged_into__isnull=True
    ).select_related("owning_team", "owning_organisation")
    profiles = {p.pk: p for p in policy.signpost_visible(viewer, candidates)}
    sharing = agencies_sharing([centre.pk, *profiles])

    def person(profile: Profile, relation: str, degree: int, via: str = "") -> FamilyPerson:
        mask = masks.get(profile.pk, 0)
        hit = search_hit(
            profile,
            is_full=profile.pk in masks,
            shows_identity=bool(mask & BIT[Section.IDENTITY]),
            score=0.0,
        )
        return FamilyPerson(
            profile=profile,
            hit=hit,
            relation=relation,
            degree=degree,
            via=via,
            agencies=_record_agencies(profile, profile.pk in masks, sharing.get(profile.pk, set())),
        )

    order = {kind: position for position, kind in enumerate(FAMILY_KINDS)}
    relatives = []
    for pk, kinds in sorted(
        first.items(), key=lambda item: (min(order[k] for k in item[1]), item[0])
    ):
        if pk in profiles:
            labels = ", ".join(
                str(FAMILY_ROLES[kind]) for kind in sorted(kinds, key=order.__getitem__)
            )
            relatives.append(person(profiles[pk], labels, 1))
    named = {relative.profile.pk: relative for relative in relatives}
    for pk, (label, middle) in sorted(second.items(), key=lambda item: (item[1][0], item[0])):
        if pk in profiles and middle in named:
            relatives.append(person(profiles[pk], label, 2, via=named[middle].hit.name))
    capped = len(relatives) > PEOPLE_LIMIT
    view = FamilyView(
        centre=person(centre, str(_("This person")), 0),
        relatives=relatives[:PEOPLE_LIMIT],
        capped=capped,
    )
    _open_cases(viewer, view.people)
    return view


def family_case_types(*, partnership_id: int | None) -> list[CaseType]:
    """The partnership's family case types in use, by name (none outside a partnership)."""
    if partnership_id is None:
        return []
    return list(
        CaseType.objects.filter(
            partnership_id=partnership_id, is_family=True, is_active=True
        ).order_by("name")
    )

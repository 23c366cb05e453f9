"""Duplicate people: score likely duplicates, record candidate pairs, review them and merge.

Scores: the same identifier is certain (100); the same folded names and date of birth is high
(90); a surname that sounds the same with the same date of birth (70), or with the same year of
birth and a similar first name (60), is medium. What a viewer is shown about a candidate comes
through ``sharing.policy``: a hidden record is never revealed and a signpost-only one shows only
signpost fields. A merge moves everything onto the surviving profile in one transaction, keeps
the merged one (never deleted) pointing at it, copies its grants through the access maintenance
functions so the access table stays exact, and records what moved so it can be explained later.
Nothing here may delete a profile or an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jellyfish
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import User
from roundtable.records.identifiers import normalise_identifier
from roundtable.records.models import (
    Address,
    AliasKind,
    CaseMember,
    ContactPoint,
    DuplicateCandidate,
    DuplicateStatus,
    GroupMember,
    Identifier,
    IdentifierKind,
    NameIndexEntry,
    PremisesLink,
    Profile,
    ProfileAlias,
    ProfileMerge,
    Relationship,
    Vehicle,
    WarningMarker,
)
from roundtable.records.names import SIMILAR_GIVEN_NAME, fold, phonetic
from roundtable.records.selectors.profiles import agencies_sharing
from roundtable.records.selectors.search import SearchHit, search_hit
from roundtable.records.services.profiles import name_index_rebuild
from roundtable.sharing import access, policy
from roundtable.sharing.models import BreakGlass, ShareGrant
from roundtable.sharing.sections import RecordKind, Section
from roundtable.sharing.services import access_rebuild

CERTAIN, HIGH, MEDIUM = 100, 90, 60
MATCH_LIMIT = 50


@dataclass
class DuplicateMatch:
    """A profile that may be the same person, with the best score and every reason found."""

    profile_id: int
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, score: int, reason: str) -> None:
        self.score = max(self.score, score)
        if reason not in self.reasons:
            self.reasons.append(reason)


@dataclass
class DuplicateSummary:
    """A likely duplicate as the viewer may see it: a full result or a signpost, never more."""

    hit: SearchHit
    score: int
    reasons: list[str]

    @property
    def level(self) -> str:
        if self.score >= CERTAIN:
            return "Certain"
        return "High" if self.score >= HIGH else "Medium"


def _identifier_pairs(identifiers: Iterable[Any]) -> list[tuple[str, str]]:
    """(kind, stored value) pairs; values that do not parse are skipped (the form reports them)."""
    pairs = []
    for item in identifiers:
        kind, value = (item.kind, item.value) if hasattr(item, "kind") else item
        try:
            pairs.append((str(kind), normalise_identifier(str(kind), str(value))))
        except ValidationError:
            continue
    return pairs


def duplicate_matches(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    identifiers: Iterable[Any] = (),
    exclude_id: int | None = None,
) -> dict[int, DuplicateMatch]:
    """Scored matches by profile id, found through indexed columns only (no viewer applied)."""
    matches: dict[int, DuplicateMatch] = {}

    def match(profile_id: int) -> DuplicateMatch:
        return matches.setdefault(profile_id, DuplicateMatch(profile_id))

    pairs = _identifier_pairs(identifiers)
    if pairs:
        condition = Q(pk__in=[])
        for kind, value in pairs:
            condition |= Q(kind=kind, value=value)
        for profile_id, kind in Identifier.objects.filter(condition).values_list(
            "profile_id", "kind"
        )[:MATCH_LIMIT]:
            match(profile_id).add(CERTAIN, f"Same {IdentifierKind(kind).label}")
    sound, family, given = phonetic(family_name), fold(family_name), fold(given_name)
    if date_of_birth is not None and sound:
        rows = NameIndexEntry.objects.filter(
            family_phonetic=sound, birth_year=date_of_birth.year
        ).values_list("profile_id", "family_key", "given_key", "date_of_birth")
        for profile_id, family_key, given_key, birth in rows[: MATCH_LIMIT * 4]:
            similar_given = (
                bool(given)
                and jellyfish.jaro_winkler_similarity(given_key, given) >= SIMILAR_GIVEN_NAME
            )
            if birth == date_of_birth and family_key == family and given_key == given:
                match(profile_id).add(HIGH, "Same name and date of birth")
            elif birth == date_of_birth:
                match(profile_id).add(70, "Surname sounds the same, same date of birth")
            elif similar_given:
                match(profile_id).add(
                    MEDIUM, "Surname sounds the same, similar first name, same year of birth"
                )
    matches.pop(exclude_id or 0, None)
    return matches


def profile_duplicate_candidates(
    *,
    viewer: policy.Viewer,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    identifiers: Iterable[Any] = (),
) -> list[DuplicateSummary]:
    """Likely duplicates of a person about to be created, as this viewer may see them.

    ``identifiers`` holds (kind, value) pairs or objects with ``kind`` and ``value``. Hidden
    records the viewer has no access to are left out; signpost-only ones show signpost fields.
    """
    matches = duplicate_matches(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        identifiers=identifiers,
    )
    if not matches:
        return []
    base = Profile.objects.filter(pk__in=list(matches), merged_into__isnull=True)
    profiles = list(
        policy.signpost_visible(viewer, base).select_related("owning_team", "owning_organisation")
    )
    within = Profile.objects.filter(pk__in=[profile.pk for profile in profiles])
    visible_ids = set(policy.visible(viewer, within).values_list("pk", flat=True))
    identity_ids = set(
        policy.visible(viewer, within, section=Section.IDENTITY).values_list("pk", flat=True)
    )
    agencies = agencies_sharing([p.pk for p in profiles if p.pk not in visible_ids])
    summaries = []
    for profile in profiles:
        found = matches[profile.pk]
        hit = search_hit(
            profile,
            is_full=profile.pk in visible_ids,
            shows_identity=profile.pk in identity_ids,
            score=float(found.score),
        )
        if not hit.is_full:
            hit.agencies = sorted(
                {profile.owning_organisation.name} | agencies.get(profile.pk, set())
            )
        summaries.append(DuplicateSummary(hit=hit, score=found.score, reasons=found.reasons))
    summaries.sort(key=lambda summary: (-summary.score, summary.hit.name, summary.hit.code))
    return summaries


# --- candidate pairs --------------------------------------------------------------------------


def duplicate_candidates_record(*, profile: Profile) -> int:
    """Record (or refresh) the open candidate pairs for a profile; returns how many it holds.

    Runs after a create or update, in a request or a background task. Pairs already reviewed
    (not a duplicate, merged) are left as they were decided. No audit event: the pairs are
    derived from audited data, like the search index, and reviewing them is audited.
    """
    matches = duplicate_matches(
        given_name=profile.given_name,
        family_name=profile.family_name,
        date_of_birth=profile.date_of_birth,
        identifiers=profile.identifiers.all(),
        exclude_id=profile.pk,
    )
    live_ids = set(
        Profile.objects.filter(pk__in=list(matches), merged_into__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if profile.merged_into_id is not None:
        live_ids = set()
    mine = Q(first=profile) | Q(second=profile)
    existing = {
        (candidate.first_id, candidate.second_id): candidate
        for candidate in DuplicateCandidate.objects.filter(mine)
    }
    kept = 0
    for other_id in sorted(live_ids):
        found = matches[other_id]
        pair = (min(profile.pk, other_id), max(profile.pk, other_id))
        candidate = existing.pop(pair, None)
        if candidate is None:
            DuplicateCandidate.objects.create(
                first_id=pair[0], second_id=pair[1], score=found.score, reasons=found.reasons
            )
        elif candidate.status == DuplicateStatus.OPEN:
            candidate.score, candidate.reasons = found.score, found.reasons
            candidate.save(update_fields=["score", "reasons", "updated_at"])
        kept += 1
    stale = [c.pk for c in existing.values() if c.status == DuplicateStatus.OPEN]
    DuplicateCandidate.objects.filter(pk__in=stale).delete()
    return kept


@task()
def record_duplicate_candidates(profile_id: int) -> int:
    """Background form of ``duplicate_candidates_record`` (enqueue it with on_commit)."""
    profile = Profile.objects.filter(pk=profile_id).first()
    return 0 if profile is None else duplicate_candidates_record(profile=profile)


@transaction.atomic
def duplicate_dismiss(*, actor: User, candidate: DuplicateCandidate, reason: str) -> None:
    """Decide that a candidate pair are different people, with the reviewer's reason."""
    if not reason.strip():
        raise ValidationError("Say why these are different people.")
    current = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if current.status != DuplicateStatus.OPEN:
        raise ValidationError("This pair has already been reviewed.")
    current.status = DuplicateStatus.NOT_DUPLICATE
    current.reviewed_by, current.reviewed_at = actor, timezone.now()
    current.review_note = reason.strip()
    current.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"]
    )
    first, second = current.first, current.second
    for record, other in ((first, second), (second, first)):
        audit_record(
            action=Action.UPDATE,
            target=record,
            actor=actor,
            changes={"duplicate_review": [DuplicateStatus.OPEN, DuplicateStatus.NOT_DUPLICATE]},
            detail={"other_profile": str(other.code)},
            justification=current.review_note,
        )
    candidate.status = current.status


# --- merge ------------------------------------------------------------------------------------


def _merge_problem(actor: User, source: Profile, target: Profile, reason: str) -> str | None:
    if not reason.strip():
        return "Say why these records are the same person."
    if source.pk == target.pk:
        return "Choose two different records to merge."
    if source.merged_into_id is not None or target.merged_into_id is not None:
        return "One of these records has already been merged."
    if source.owning_team_id != target.owning_team_id:
        return (
            "One team must own both records to merge them. Ask the other team to transfer "
            "their record to you first."
        )
    if not actor.memberships.filter(team_id=target.owning_team_id).exists():
        return "Only the team that owns both records can merge them."
    if source.visibility != target.visibility:
        return (
            "These records have different visibility (normal, restricted or hidden). Make them "
            "the same before merging, so nobody gains or loses sight of either."
        )
    return None


def _move(queryset: Any, **changes: Any) -> list[int]:
    ids = list(queryset.values_list("pk", flat=True))
    queryset.model.objects.filter(pk__in=ids).update(**changes)
    return ids


def _move_relationships(source: Profile, target: Profile) -> tuple[list[int], list[int]]:
    """Re-point relationships; ones the target already has (or with itself) stay on the source."""
    moved: list[int] = []
    kept: list[int] = []
    existing = set(
        Relationship.objects.filter(Q(from_profile=target) | Q(to_profile=target)).values_list(
            "from_profile_id", "to_profile_id", "kind"
        )
    )
    for relationship in Relationship.objects.filter(
        Q(from_profile=source) | Q(to_profile=source)
    ).order_by("pk"):
        start = (
            target.pk if relationship.from_profile_id == source.pk else relationship.from_profile_id
        )
        end = target.pk if relationship.to_profile_id == source.pk else relationship.to_profile_id
        if start == end or (start, end, relationship.kind) in existing:
            kept.append(relationship.pk)
            continue
        Relationship.objects.filter(pk=relationship.pk).update(
            from_profile_id=start, to_profile_id=end
        )
        existing.add((start, end, relationship.kind))
        moved.append(relationship.pk)
    return moved, kept


def _move_case_memberships(source: Profile, target: Profile) -> tuple[list[int], list[int]]:
    existing = set(CaseMember.objects.filter(profile=target).values_list("case_id", "role"))
    moved: list[int] = []
    kept: list[int] = []
    for member in CaseMember.objects.filter(profile=source).order_by("pk"):
        if (member.case_id, member.role) in existing:
            kept.append(member.pk)
            continue
        existing.add((member.case_id, member.role))
        moved.append(member.pk)
    CaseMember.objects.filter(pk__in=moved).update(profile=target)
    return moved, kept


def _move_identifiers(source: Profile, target: Profile) -> tuple[list[int], list[int]]:
    """Identifiers are unique per kind and value, so an identical one can only be kept once."""
    existing = set(Identifier.objects.filter(profile=target).values_list("kind", "value"))
    moved: list[int] = []
    kept: list[int] = []
    for identifier in Identifier.objects.filter(profile=source).order_by("pk"):
        (kept if (identifier.kind, identifier.value) in existing else moved).append(identifier.pk)
    Identifier.objects.filter(pk__in=moved).update(profile=target)
    return moved, kept


def _add_source_names(source: Profile, target: Profile) -> list[int]:
    """The merged record's own name becomes an alias of the survivor, unless it already is one."""
    known = {(fold(target.given_name), fold(target.family_name))}
    known |= {
        (fold(alias.given_name or target.given_name), fold(alias.family_name or target.family_name))
        for alias in ProfileAlias.objects.filter(profile=target)
    }
    if (fold(source.given_name), fold(source.family_name)) in known:
        return []
    alias = ProfileAlias.objects.create(
        profile=target,
        kind=AliasKind.ALIAS,
        given_name=source.given_name,
        family_name=source.family_name,
    )
    return [alias.pk]


def _copy_access(source: Profile, target: Profile) -> tuple[list[int], list[int]]:
    """Copy the source's live grants and broken glass to the target, access rows included."""
    now = timezone.now()
    live = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    grants: list[int] = []
    for grant in ShareGrant.objects.filter(
        live, record_kind=RecordKind.PROFILE, record_id=source.pk, revoked_at__isnull=True
    ).order_by("pk"):
        copy = ShareGrant.objects.create(
            record_kind=RecordKind.PROFILE,
            record_id=target.pk,
            principal_kind=grant.principal_kind,
            team_id=grant.team_id,
            organisation_id=grant.organisation_id,
            sections=grant.sections,
            agreement_id=grant.agreement_id,
            reason=f"Carried over from merged record {source.code}. {grant.reason}".strip(),
            origin=grant.origin,
            granted_by_id=grant.granted_by_id,
            expires_at=grant.expires_at,
        )
        access.access_add_grant(grant=copy, sort_key=target.updated_at)
        grants.append(grant.pk)
    glasses: list[int] = []
    for glass in BreakGlass.objects.filter(
        record_kind=RecordKind.PROFILE, record_id=source.pk, expires_at__gt=now
    ).order_by("pk"):
        copy_glass = BreakGlass.objects.create(
            record_kind=RecordKind.PROFILE,
            record_id=target.pk,
            user_id=glass.user_id,
            team_id=glass.team_id,
            reason=f"Carried over from merged record {source.code}. {glass.reason}",
            expires_at=glass.expires_at,
        )
        access.access_add_break_glass(glass=copy_glass, sort_key=target.updated_at)
        glasses.append(glass.pk)
    return grants, glasses


@transaction.atomic
def profile_merge(*, actor: User, source: Profile, target: Profile, reason: str) -> ProfileMerge:
    """Merge ``source`` into ``target``: everything moves, the source stays and points at it."""
    locked = {
        profile.pk: profile
        for profile in Profile.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source_now, target_now = locked.get(source.pk), locked.get(target.pk)
    if source_now is None or target_now is None:
        raise ValidationError("One of these records no longer exists.")
    problem = _merge_problem(actor, source_now, target_now, reason)
    if problem:
        raise ValidationError(problem)
    moved: dict[str, list[int]] = {}
    from_source = {"profile": source_now}
    moved["aliases"] = _move(ProfileAlias.objects.filter(**from_source), profile=target_now)
    moved["identifiers"], moved["identifiers_kept_once"] = _move_identifiers(source_now, target_now)
    moved["addresses"] = _move(Address.objects.filter(**from_source), profile=target_now)
    moved["contact_points"] = _move(ContactPoint.objects.filter(**from_source), profile=target_now)
    moved["vehicles"] = _move(Vehicle.objects.filter(**from_source), profile=target_now)
    moved["warnings"] = _move(WarningMarker.objects.filter(**from_source), profile=target_now)
    moved["relationships"], moved["relationships_kept"] = _move_relationships(
        source_now, target_now
    )
    moved["premises_links"] = _move(PremisesLink.objects.filter(**from_source), profile=target_now)
    moved["group_memberships"] = _move(
        GroupMember.objects.filter(**from_source), profile=target_now
    )
    moved["case_memberships"], moved["case_memberships_kept"] = _move_case_memberships(
        source_now, target_now
    )
    moved["names_added_as_aliases"] = _add_source_names(source_now, target_now)
    target_now.version += 1
    target_now.save(update_fields=["version", "updated_at"])
    moved["grants"], moved["break_glass"] = _copy_access(source_now, target_now)
    access_rebuild(record=target_now)
    source_now.merged_into = target_now
    source_now.version += 1
    source_now.save(update_fields=["merged_into", "version", "updated_at"])
    NameIndexEntry.objects.filter(profile=source_now).delete()
    name_index_rebuild(profile=target_now)
    merge = ProfileMerge.objects.create(
        source=source_now,
        target=target_now,
        merged_by=actor,
        merged_at=timezone.now(),
        reason=reason.strip(),
        moved={kind: ids for kind, ids in moved.items() if ids},
    )
    first, second = sorted([source_now.pk, target_now.pk])
    DuplicateCandidate.objects.filter(first_id=first, second_id=second).update(
        status=DuplicateStatus.MERGED,
        reviewed_by=actor,
        reviewed_at=merge.merged_at,
        review_note=merge.reason,
        updated_at=merge.merged_at,
    )
    counts = {kind: len(ids) for kind, ids in merge.moved.items()}
    for record, role, other in (
        (source_now, "source", target_now),
        (target_now, "target", source_now),
    ):
        audit_record(
            action=Action.MERGE,
            target=record,
            actor=actor,
            changes={"merged_into": [None, str(target_now.code)]} if role == "source" else {},
            detail={"role": role, "other_profile": str(other.code), "moved": counts},
            justification=merge.reason,
        )
    source.merged_into, source.version = target_now, source_now.version
    target.version = target_now.version
    return merge

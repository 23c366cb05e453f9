"""National person search: candidates from the name index, then the policy classifies them.

A search narrows first through indexed columns only (the name index's folded and phonetic keys
with the date of birth, identifiers by kind and value, addresses by postcode), never by scanning
profiles, and takes at most ``CANDIDATE_LIMIT`` candidates. The policy then sorts them into full
results (the viewer has access rows: they see what their sections allow) and signposts (name,
date of birth, agencies involved, "request access"); hidden records the viewer has no rows for
never appear. This module must never return a field the policy has not allowed, and never decide
access itself: it asks ``sharing.policy``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import cast
from uuid import UUID

import jellyfish
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.urls import reverse

from roundtable.records.models import (
    Address,
    DuplicateCandidate,
    DuplicateStatus,
    Identifier,
    NameIndexEntry,
    Profile,
)
from roundtable.records.names import fold, given_name_resembles, phonetic
from roundtable.records.selectors.profiles import agencies_sharing
from roundtable.sharing import policy
from roundtable.sharing.kinds import SLUG_BY_KIND
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import BIT, RecordKind, Section

# How many candidates the index may hand to ranking; bounded so a common surname costs the same
# as a rare one.
CANDIDATE_LIMIT = 500
# The most full results and signposts a page shows (anti-fishing: ARCHITECTURE.md §4).
RESULT_CAP = 50
# How many of the best-scoring candidates are loaded and classified by the policy. Scoring works
# on the index rows alone, so a common surname (hundreds of candidates) costs the same to show
# as a rare one: only the shortlist is ever turned into Profile objects and access checks. Two
# full pages plus a margin for hidden records the policy drops.
SHORTLIST = 2 * RESULT_CAP + 20
# Keys end in letters a-z only, so every key with a prefix sorts between it and this ceiling.
_KEY_CEILING = "z" * 100


class Scope:
    """Whose records a search looks at: the acting team's, its organisation's, or anyone's."""

    TEAM = "team"
    ORGANISATION = "organisation"
    ANYWHERE = "anywhere"

    OWN = frozenset({TEAM, ORGANISATION})


@dataclass(frozen=True)
class SearchQuery:
    """Cleaned search terms: every field optional, the form decides what is enough."""

    family_name: str = ""
    given_name: str = ""
    born_from: date | None = None  # inclusive
    born_to: date | None = None  # inclusive; equal to born_from for an exact date of birth
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind, normalised value) pairs to try
    postcode: str = ""  # normalised, "SW1A 1AA"
    address: str = ""
    gender: str = ""
    scope: str = Scope.ANYWHERE

    @property
    def exact_birth_date(self) -> date | None:
        return self.born_from if self.born_from and self.born_from == self.born_to else None

    @property
    def has_birth_filter(self) -> bool:
        return self.born_from is not None


@dataclass
class SearchHit:
    """One matched person, with only what the viewer may see of them."""

    code: str
    is_full: bool
    shows_identity: bool
    score: float
    name: str = ""
    date_of_birth: date | None = None
    date_of_birth_estimated: bool = False
    gender: str = ""
    owning_team: str = ""
    owning_organisation: str = ""
    agencies: list[str] = field(default_factory=list)
    url: str = ""
    request_access_url: str = ""
    restricted: bool = False


@dataclass
class SearchResults:
    """Full results and signposts, each capped, with whether more matched than are shown."""

    full: list[SearchHit]
    signposts: list[SearchHit]
    full_capped: bool
    signposts_capped: bool
    # More people matched than were ranked: only the best SHORTLIST candidates were looked at.
    shortlisted: bool = False
    # People matched the surname and dates but not the first name typed, and were left out.
    first_name_narrowed: bool = False

    @property
    def count(self) -> int:
        return len(self.full) + len(self.signposts)


def as_record(profile: Profile) -> policy.Record:
    """A profile as the policy's Record (its record_kind is a class attribute, which mypy
    cannot match to the protocol's instance attribute)."""
    return cast(policy.Record, profile)


# --- finding candidates -----------------------------------------------------------------------


def _birth_filter(query: SearchQuery) -> Q:
    if query.born_from is None or query.born_to is None:
        return Q()
    if query.born_from == query.born_to:
        return Q(date_of_birth=query.born_from)
    return Q(date_of_birth__gte=query.born_from, date_of_birth__lte=query.born_to)


def _year_filter(query: SearchQuery) -> Q:
    if query.born_from is None or query.born_to is None:
        return Q()
    if query.born_from.year == query.born_to.year:
        # Equality, not a one-year range: SQLite can then bound the next column of a
        # (birth_year, family_key) index too, instead of reading the whole year.
        return Q(birth_year=query.born_from.year)
    return Q(birth_year__gte=query.born_from.year, birth_year__lte=query.born_to.year)


_ENTRY_FIELDS = (
    "profile_id",
    "family_key",
    "given_key",
    "is_alias",
    "date_of_birth",
    "given_phonetic",
)
Entry = tuple[int, str, str, bool, date | None, str]


def _name_entries(query: SearchQuery) -> list[Entry]:
    """Index rows for a surname: by prefix (exact first), by sound, and near misses by spelling."""
    key, sound = fold(query.family_name), phonetic(query.family_name)
    births = _birth_filter(query)
    index = NameIndexEntry.objects.values_list(*_ENTRY_FIELDS)
    # A range on family_key uses the (family_key, date_of_birth) index on both databases, and its
    # own order puts the exact surname before longer ones ("smith" before "smithers").
    by_prefix = index.filter(births, family_key__gte=key, family_key__lte=key + _KEY_CEILING)
    entries: list[Entry] = list(by_prefix.order_by("family_key")[:CANDIDATE_LIMIT])
    if sound:
        # The year narrows through the (family_phonetic, birth_year) index; an exact date then
        # filters the few rows left.
        by_sound = index.filter(_year_filter(query), births, family_phonetic=sound)
        entries += list(by_sound[:CANDIDATE_LIMIT])
    if query.has_birth_filter and len(key) >= 2:
        # Spelling slips the sound key misses ("Stephesnon"): same birth year, a surname that
        # starts like the typed one (or like it with one slip undone in its first letters), kept
        # only when at most two edits away. Each start is its own bounded range of the
        # (birth_year, family_key) index, so the rows read do not grow with the population.
        year = _year_filter(query)
        starts = Q(pk__in=[])
        for start in near_miss_starts(key):
            starts |= year & Q(family_key__gte=start, family_key__lte=start + _KEY_CEILING)
        near = index.filter(starts)
        exact = query.exact_birth_date is not None
        if exact:
            # A single day is the narrowest index of all; a range of dates (a year, say) is
            # checked below instead, or SQLite prefers the date index and reads a whole year
            # of births (84 ms at 1M people, against 2 ms through the year and surname).
            near = near.filter(births)
        entries += [
            entry
            for entry in near[:CANDIDATE_LIMIT]
            if (exact or _born_within(entry[4], query))
            and jellyfish.damerau_levenshtein_distance(entry[1], key) <= 2
        ]
    return entries


#: How many first letters of a surname the near-miss step holds fixed (docs/performance.md).
NEAR_MISS_START = 3


def near_miss_starts(key: str) -> list[str]:
    """The first letters a recorded surname may have when ``key`` was typed with one slip.

    The typed start itself, and the start with one slip in it undone: two neighbouring letters
    swapped back, or one letter too many taken out ("sttephenson", "tohrnbury"). A letter
    dropped from the start cannot be put back without guessing it; the sound key finds most of
    those ("thrnbury" sounds like "thornbury"), not all ("sephenson").
    """
    size = NEAR_MISS_START
    head = key[: size + 1]
    variants = {head}
    for position in range(len(head) - 1):  # swap two neighbours back
        chars = list(head)
        chars[position], chars[position + 1] = chars[position + 1], chars[position]
        variants.add("".join(chars))
    for position in range(min(size, len(head))):  # take one letter out
        variants.add(head[:position] + head[position + 1 :])
    shortest = min(size, len(key))  # never a shorter, wider range than the typed start
    return sorted({variant[:size] for variant in variants if len(variant) >= shortest})


def _born_within(born: date | None, query: SearchQuery) -> bool:
    if query.born_from is None or query.born_to is None:
        return True
    return born is not None and query.born_from <= born <= query.born_to


def _birth_entries(query: SearchQuery) -> list[Entry]:
    rows = NameIndexEntry.objects.filter(_birth_filter(query)).values_list(*_ENTRY_FIELDS)
    return list(rows.order_by("date_of_birth", "family_key")[:CANDIDATE_LIMIT])


def _identifier_ids(query: SearchQuery) -> set[int]:
    condition = Q(pk__in=[])
    for kind, value in query.identifiers:
        condition |= Q(kind=kind, value=value)
    rows = Identifier.objects.filter(condition).values_list("profile_id", flat=True)
    return set(rows[:CANDIDATE_LIMIT])


def _address_condition(text: str) -> Q:
    return (
        Q(line1__icontains=text)
        | Q(line2__icontains=text)
        | Q(town__icontains=text)
        | Q(postcode__icontains=text)
    )


def _owner_condition(viewer: policy.Viewer, scope: str, prefix: str = "") -> Q:
    if scope == Scope.TEAM:
        return Q(**{f"{prefix}owning_team_id": viewer.team_id})
    if scope == Scope.ORGANISATION:
        return Q(**{f"{prefix}owning_organisation_id": viewer.organisation_id})
    return Q()


def _candidates(
    viewer: policy.Viewer, query: SearchQuery
) -> tuple[set[int] | None, dict[int, list[Entry]]]:
    """Profile ids matching every driver given (None: no driver), and their index rows."""
    found: set[int] | None = None
    entries_by_profile: dict[int, list[Entry]] = {}

    def narrow(ids: Iterable[int]) -> None:
        nonlocal found
        found = set(ids) if found is None else found & set(ids)

    if query.family_name:
        entries = _name_entries(query)
    elif query.has_birth_filter:
        entries = _birth_entries(query)
    else:
        entries = []
    for entry in entries:
        entries_by_profile.setdefault(entry[0], []).append(entry)
    if query.family_name or query.has_birth_filter:
        narrow(entries_by_profile)
    if query.identifiers:
        narrow(_identifier_ids(query))
    if query.postcode:
        rows = Address.objects.filter(postcode=query.postcode).values_list("profile_id", flat=True)
        narrow(rows[:CANDIDATE_LIMIT])
    if query.address:
        addresses = Address.objects.filter(_address_condition(query.address))
        if found is not None:
            addresses = addresses.filter(profile_id__in=found)
        else:
            # Only searches of one's own records get here (the form's anti-fishing rule): the
            # owner condition narrows through the profile owner index.
            addresses = addresses.filter(_owner_condition(viewer, query.scope, "profile__"))
        narrow(addresses.values_list("profile_id", flat=True)[:CANDIDATE_LIMIT])
    return found, entries_by_profile


# --- ranking ----------------------------------------------------------------------------------


def _similarity(found: str, wanted: str) -> float:
    if not wanted:
        return 0.0
    if found == wanted:
        return 1.0
    if found.startswith(wanted):
        return 0.92
    return float(jellyfish.jaro_winkler_similarity(found, wanted))


def _score(entries: list[Entry], query: SearchQuery) -> float:
    """How well a person's best name matches: surname, then first name, then date of birth."""
    family, given = fold(query.family_name), fold(query.given_name)
    best = 0.0
    for _, family_key, given_key, is_alias, birth, _ in entries:
        score = 60 * _similarity(family_key, family) if family else 30.0
        if given:
            score += 25 * _similarity(given_key, given)
        if query.exact_birth_date is not None and birth == query.exact_birth_date:
            score += 15
        if is_alias:
            score -= 1  # a person's own name ranks just above the same name as an alias
        best = max(best, score)
    return best


# --- classifying for the viewer ---------------------------------------------------------------


def request_access_url(code: str) -> str:
    """The sharing pages' "request access" link for a profile."""
    return reverse(
        "sharing:request_access", kwargs={"kind": SLUG_BY_KIND[RecordKind.PROFILE], "code": code}
    )


_PLACEHOLDER = str(UUID(int=0))


@dataclass(frozen=True)
class HitUrls:
    """A profile's page and its "request access" link by code, each from one ``reverse``:
    reversing for every row of a 100-row shortlist cost about 2 ms."""

    profile: str
    request_access: str

    @classmethod
    def build(cls) -> HitUrls:
        return cls(
            profile=reverse("records:profile_detail", kwargs={"code": _PLACEHOLDER}),
            request_access=request_access_url(_PLACEHOLDER),
        )


#: What a hit shows of a profile and its owner, and what the policy reads: ``profile_search``
#: loads these alone (the full row holds photos, languages and timestamps it never shows).
HIT_FIELDS = (
    "code",
    "visibility",
    "owning_team_id",
    "owning_organisation_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "date_of_birth_estimated",
    "gender",
    "owning_team__name",
    "owning_organisation__name",
)


def search_hit(
    profile: Profile,
    *,
    is_full: bool,
    shows_identity: bool,
    score: float,
    urls: HitUrls | None = None,
) -> SearchHit:
    """What a search or duplicate check may show of one profile, given what the policy allowed."""
    # A signpost's name and date of birth are open to everyone who may see the signpost; a full
    # result on a hidden record shows them only with the identity section.
    shows_name = shows_identity or profile.visibility != Visibility.HIDDEN
    hit = SearchHit(
        code=str(profile.code),
        is_full=is_full,
        shows_identity=shows_identity,
        score=score,
        owning_team=profile.owning_team.name,
        owning_organisation=profile.owning_organisation.name,
        restricted=profile.visibility == Visibility.RESTRICTED,
    )
    if shows_name:
        hit.name = profile.display_name
        hit.date_of_birth = profile.date_of_birth
        hit.date_of_birth_estimated = profile.date_of_birth_estimated
    if shows_identity:
        hit.gender = profile.get_gender_display()
    urls = urls or HitUrls.build()
    if is_full:
        hit.url = urls.profile.replace(_PLACEHOLDER, hit.code)
    else:
        hit.request_access_url = urls.request_access.replace(_PLACEHOLDER, hit.code)
    return hit


def _by_first_name(
    found: set[int], entries_by_profile: dict[int, list[Entry]], query: SearchQuery
) -> tuple[set[int], set[int]]:
    """The candidates a typed first name leaves in, and those it leaves out.

    Without an exact date of birth, a surname (misspelt or not) and a year match dozens of
    people at national scale; listing them all would disclose each one's name, date of birth
    and agencies in a signpost although the searcher said whom they were after. So a person
    stays only when one of their names has a first name like the typed one
    (``names.given_name_resembles``). With an exact date of birth the
    few people found are all kept, however their first name is spelt: a missed match costs more
    there than a line too many. People found by an identifier or an address alone have no index
    rows to judge and are kept.
    """
    typed = fold(query.given_name)
    if not typed or query.exact_birth_date is not None:
        return found, set()
    sound = phonetic(query.given_name)
    kept = {
        pk
        for pk in found
        if pk not in entries_by_profile
        or any(
            given_name_resembles(entry[2], entry[5], typed, sound)
            for entry in entries_by_profile[pk]
        )
    }
    return kept, found - kept


def _any_shown(viewer: policy.Viewer, query: SearchQuery, ids: set[int]) -> bool:
    """Whether any of these people would have been shown, as a result or a signpost: the page
    may say that a first name left people out only then, or it would tell the searcher that a
    hidden record matched."""
    if not ids:
        return False
    rows = Profile.objects.filter(
        _owner_condition(viewer, query.scope), pk__in=sorted(ids), merged_into__isnull=True
    )
    return policy.signpost_visible(viewer, rows).exists()


def _shortlist(
    found: set[int], entries_by_profile: dict[int, list[Entry]], query: SearchQuery
) -> tuple[list[int], dict[int, float], bool]:
    """The best-scoring candidates (by their index rows alone), their scores, and whether any
    were left out."""
    scores = {pk: _score(entries_by_profile.get(pk, []), query) for pk in found}
    if len(found) <= SHORTLIST:
        return sorted(found), scores, False
    best = sorted(found, key=lambda pk: (-scores[pk], pk))[:SHORTLIST]
    return sorted(best), scores, True


def profile_search(*, viewer: policy.Viewer, query: SearchQuery) -> SearchResults:
    """People matching the query, as full results and signposts, for this viewer only."""
    found, entries_by_profile = _candidates(viewer, query)
    if not found:
        return SearchResults([], [], full_capped=False, signposts_capped=False)
    found, left_out = _by_first_name(found, entries_by_profile, query)
    narrowed = _any_shown(viewer, query, left_out)
    if not found:
        return SearchResults(
            [], [], full_capped=False, signposts_capped=False, first_name_narrowed=narrowed
        )
    ids, scores, shortlisted = _shortlist(found, entries_by_profile, query)
    base: QuerySet[Profile] = Profile.objects.filter(
        _owner_condition(viewer, query.scope), pk__in=ids, merged_into__isnull=True
    )
    profiles = list(
        policy.signpost_visible(viewer, base)
        .select_related("owning_team", "owning_organisation")
        .only(*HIT_FIELDS)
    )
    masks = policy.section_masks(viewer, RecordKind.PROFILE, [profile.pk for profile in profiles])
    visible_ids = set(masks)
    identity_ids = {pk for pk, mask in masks.items() if mask & BIT[Section.IDENTITY]}
    ranked: list[tuple[float, str, Profile]] = []
    for profile in profiles:
        # Gender is identity data: it filters only records whose identity the viewer may see,
        # so the filter cannot be used to learn a signposted person's gender.
        if query.gender and profile.pk in identity_ids and profile.gender != query.gender:
            continue
        ranked.append((scores[profile.pk], profile.display_name.lower(), profile))
    ranked.sort(key=lambda item: (-item[0], item[1], str(item[2].code)))
    full = [item for item in ranked if item[2].pk in visible_ids]
    signposts = [item for item in ranked if item[2].pk not in visible_ids]
    shown_signposts = signposts[:RESULT_CAP]
    agencies = agencies_sharing([item[2].pk for item in shown_signposts])
    urls = HitUrls.build()
    signpost_hits = []
    for score, _, profile in shown_signposts:
        hit = search_hit(profile, is_full=False, shows_identity=False, score=score, urls=urls)
        hit.agencies = sorted({profile.owning_organisation.name} | agencies.get(profile.pk, set()))
        signpost_hits.append(hit)
    full_hits = [
        search_hit(
            profile,
            is_full=True,
            shows_identity=profile.pk in identity_ids,
            score=score,
            urls=urls,
        )
        for score, _, profile in full[:RESULT_CAP]
    ]
    return SearchResults(
        full=full_hits,
        signposts=signpost_hits,
        full_capped=len(full) > RESULT_CAP,
        signposts_capped=len(signposts) > RESULT_CAP,
        shortlisted=shortlisted,
        first_name_narrowed=narrowed,
    )


# --- rate limit -------------------------------------------------------------------------------


def search_rate_exceeded(*, user_id: int) -> bool:
    """Count one search beyond the user's own records; True once the window's limit is passed.

    A fixed window in the default cache: ``cache.add`` then ``incr`` is atomic on Redis, so the
    count holds across servers when REDIS_URL is set (settings.SEARCH_RATE).
    """
    limit, window = settings.SEARCH_RATE
    slot = int(time.time() // window)
    key = f"records:search-rate:{user_id}:{slot}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start the window again
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return int(count) > int(limit)


def search_rate_window_minutes() -> int:
    """The rate limit's window in whole minutes (at least one), for the refusal message."""
    return max(1, int(settings.SEARCH_RATE[1]) // 60)


# --- merged records ---------------------------------------------------------------------------


def profile_merged_target(*, viewer: policy.Viewer, profile: Profile) -> Profile | None:
    """The profile this one was merged into, when the viewer may see it; else None.

    The profile page calls this to redirect a merged record's viewers to the surviving one.
    """
    if profile.merged_into_id is None:
        return None
    target = Profile.objects.filter(pk=profile.merged_into_id).first()
    if target is None or not policy.can(viewer, policy.Action.SEE_SIGNPOST, as_record(target)):
        return None
    return target


# --- duplicate review -------------------------------------------------------------------------


def duplicate_pairs_for_review(*, viewer: policy.Viewer) -> QuerySet[DuplicateCandidate]:
    """Open pairs this viewer may review: a manager of a team owning one, who sees both."""
    if not viewer.is_team_manager or viewer.team_id is None:
        return DuplicateCandidate.objects.none()
    seen = policy.visible(viewer, Profile.objects.all()).values("pk")
    return (
        DuplicateCandidate.objects.filter(
            Q(first__owning_team_id=viewer.team_id) | Q(second__owning_team_id=viewer.team_id),
            status=DuplicateStatus.OPEN,
            first__merged_into__isnull=True,
            second__merged_into__isnull=True,
            first_id__in=seen,
            second_id__in=seen,
        )
        .select_related(
            "first__owning_team",
            "first__owning_organisation",
            "second__owning_team",
            "second__owning_organisation",
        )
        .order_by("-score", "-created_at", "pk")
    )


def identity_visible_ids(*, viewer: policy.Viewer, profile_ids: Iterable[int]) -> set[int]:
    """Which of these profiles the viewer may see the identity section of (one query)."""
    within = Profile.objects.filter(pk__in=list(profile_ids))
    return set(
        policy.visible(viewer, within, section=Section.IDENTITY).values_list("pk", flat=True)
    )

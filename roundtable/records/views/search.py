"""Pages for national person search, duplicate review and merge history.

Thin: each view parses input with a form, asks the policy (through ``records.access`` or the
search selectors) and calls at most one service. Search terms travel in the POST body, never in
a URL, so they stay out of server and proxy logs; the audit log is where they are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roundtable.audit.models import Action, Outcome
from roundtable.audit.services import audit_record
from roundtable.directory.models import User
from roundtable.records.access import Reached, access_profile, audit_view
from roundtable.records.forms.search import (
    BEYOND_OWN_RECORDS,
    MergeForm,
    NotDuplicateForm,
    SearchForm,
)
from roundtable.records.models import DuplicateCandidate, Profile, ProfileMerge
from roundtable.records.selectors.search import (
    RESULT_CAP,
    Scope,
    as_record,
    duplicate_pairs_for_review,
    identity_visible_ids,
    profile_search,
    search_rate_exceeded,
    search_rate_window_minutes,
)
from roundtable.records.services.duplicates import duplicate_dismiss, profile_merge
from roundtable.sharing import policy
from roundtable.sharing.sections import Section, describe

PAIRS_PER_PAGE = 25
MOVED_LABELS = {
    "aliases": "Aliases",
    "identifiers": "Identifiers",
    "identifiers_kept_once": "Identifiers already on the kept record",
    "addresses": "Addresses",
    "contact_points": "Phone numbers and email addresses",
    "vehicles": "Vehicles",
    "warnings": "Warning markers",
    "relationships": "Relationships",
    "relationships_kept": "Relationships left on the merged record (already on the kept one)",
    "premises_links": "Links to premises",
    "group_memberships": "Group memberships",
    "case_memberships": "Case memberships",
    "case_memberships_kept": "Case memberships left on the merged record (already on the kept one)",
    "names_added_as_aliases": "Names added as aliases",
    "grants": "Shares copied",
    "break_glass": "Emergency (break-the-glass) access copied",
}


def _viewer_with_team(request: HttpRequest) -> policy.Viewer:
    viewer = policy.viewer_for(request)
    if viewer.team_id is None:
        raise PermissionDenied  # no team to act as: nothing may be searched or reviewed
    return viewer


# --- search -----------------------------------------------------------------------------------


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Search people by name, date of birth, identifier or address; every search is audited."""
    viewer = _viewer_with_team(request)
    if request.method != "POST":
        return render(request, "records/search/search.html", {"form": SearchForm()})
    form = SearchForm(request.POST)
    if not form.is_valid():
        if any(BEYOND_OWN_RECORDS in errors for errors in form.errors.values()):
            audit_record(
                action=Action.SEARCH,
                outcome=Outcome.REFUSED,
                search_terms={k: str(v) for k, v in form.cleaned_data.items() if v},
                result_count=0,
                detail={"refused": "too few details for a search beyond own records"},
            )
        return render(request, "records/search/search.html", {"form": form}, status=400)
    query = form.search_query()
    if query.scope not in Scope.OWN and search_rate_exceeded(user_id=_user(request).pk):
        audit_record(
            action=Action.SEARCH,
            outcome=Outcome.REFUSED,
            search_terms=form.search_terms(),
            result_count=0,
            detail={"refused": "rate limit"},
        )
        minutes = {"minutes": search_rate_window_minutes()}
        return render(request, "records/search/rate_limited.html", minutes, status=429)
    results = profile_search(viewer=viewer, query=query)
    audit_record(
        action=Action.SEARCH,
        search_terms=form.search_terms(),
        result_count=results.count,
        detail={
            "full": [hit.code for hit in results.full],
            "signposts": [hit.code for hit in results.signposts],
            "full_capped": results.full_capped,
            "signposts_capped": results.signposts_capped,
            "shortlisted": results.shortlisted,
            "first_name_narrowed": results.first_name_narrowed,
        },
    )
    context = {"form": form, "results": results, "searched": True, "cap": RESULT_CAP}
    return render(request, "records/search/search.html", context)


# --- duplicate review -------------------------------------------------------------------------


def _reviewer(request: HttpRequest) -> policy.Viewer:
    """Team managers review duplicates; anyone else is refused (403)."""
    viewer = _viewer_with_team(request)
    if not viewer.is_team_manager:
        raise PermissionDenied
    return viewer


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Open candidate pairs the acting team manager may review (both records visible to them)."""
    viewer = _reviewer(request)
    page = Paginator(duplicate_pairs_for_review(viewer=viewer), PAIRS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    pairs = list(page.object_list)
    named = identity_visible_ids(
        viewer=viewer,
        profile_ids=[pid for pair in pairs for pid in (pair.first_id, pair.second_id)],
    )
    rows = [
        {
            "candidate": pair,
            "first_name": pair.first.display_name if pair.first_id in named else "",
            "second_name": pair.second.display_name if pair.second_id in named else "",
        }
        for pair in pairs
    ]
    return render(request, "records/duplicates/list.html", {"page": page, "rows": rows})


def _access_pair(request: HttpRequest, first: str, second: str) -> tuple[DuplicateCandidate, Any]:
    viewer = _reviewer(request)
    try:
        candidate = (
            duplicate_pairs_for_review(viewer=viewer)
            .filter(first__code=first, second__code=second)
            .first()
        )
    except ValidationError:
        candidate = None
    if candidate is None:
        raise Http404
    return candidate, viewer


@dataclass
class Column:
    """One side of the comparison, holding only the sections the reviewer may see."""

    profile: Profile
    sections: frozenset[Section]
    aliases: list[Any]
    identifiers: list[Any]
    addresses: list[Any]
    contact_points: list[Any]
    warnings: list[Any]

    @property
    def withheld(self) -> str:
        shown = {Section.IDENTITY, Section.CONTACT, Section.WARNINGS}
        return describe(shown - self.sections)

    @property
    def section_codes(self) -> set[str]:
        return {str(section) for section in self.sections}


def _column(viewer: policy.Viewer, profile: Profile) -> Column:
    sections = policy.sections(viewer, as_record(profile))
    identity = Section.IDENTITY in sections
    contact = Section.CONTACT in sections
    column = Column(
        profile=profile,
        sections=sections,
        aliases=list(profile.aliases.all()) if identity else [],
        identifiers=list(profile.identifiers.all()) if identity else [],
        addresses=list(profile.addresses.all()) if contact else [],
        contact_points=list(profile.contact_points.all()) if contact else [],
        warnings=list(profile.warnings.filter(is_active=True))
        if Section.WARNINGS in sections
        else [],
    )
    audit_view(Reached(record=profile, viewer=viewer, sections=sections))
    return column


def _pair_page(
    request: HttpRequest,
    candidate: DuplicateCandidate,
    viewer: policy.Viewer,
    *,
    dismiss_form: NotDuplicateForm | None = None,
    merge_form: MergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    first, second = candidate.first, candidate.second
    can_merge = policy.can(viewer, policy.Action.EDIT, as_record(first)) and policy.can(
        viewer, policy.Action.EDIT, as_record(second)
    )
    context = {
        "candidate": candidate,
        "columns": [_column(viewer, first), _column(viewer, second)],
        "can_merge": can_merge,
        "dismiss_form": dismiss_form or NotDuplicateForm(),
        "merge_form": merge_form or MergeForm(choices=_survivor_choices(candidate)),
    }
    return render(request, "records/duplicates/detail.html", context, status=status)


def _survivor_choices(candidate: DuplicateCandidate) -> list[tuple[str, str]]:
    first, second = candidate.first, candidate.second
    return [
        (str(first.code), f"The first record (created {first.created_at:%d %B %Y})"),
        (str(second.code), f"The second record (created {second.created_at:%d %B %Y})"),
    ]


@login_required
def duplicate_detail(request: HttpRequest, first: str, second: str) -> HttpResponse:
    """Both records of a pair side by side, with the two decisions a reviewer can make."""
    candidate, viewer = _access_pair(request, first, second)
    return _pair_page(request, candidate, viewer)


@login_required
@require_POST
def duplicate_not_duplicate(request: HttpRequest, first: str, second: str) -> HttpResponse:
    """Record that a pair are different people."""
    candidate, viewer = _access_pair(request, first, second)
    form = NotDuplicateForm(request.POST)
    if form.is_valid():
        try:
            duplicate_dismiss(
                actor=_user(request), candidate=candidate, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("reason", error.messages[0])
        else:
            messages.success(request, "Recorded: these are different people.")
            return redirect("records:duplicate_list")
    return _pair_page(request, candidate, viewer, dismiss_form=form, status=400)


@login_required
@require_POST
def duplicate_merge(request: HttpRequest, first: str, second: str) -> HttpResponse:
    """Merge a pair into the record the reviewer chose to keep; both teams' edit rights needed."""
    candidate, viewer = _access_pair(request, first, second)
    pair = {
        str(candidate.first.code): candidate.first,
        str(candidate.second.code): candidate.second,
    }
    if not all(
        policy.can(viewer, policy.Action.EDIT, as_record(profile)) for profile in pair.values()
    ):
        raise PermissionDenied
    form = MergeForm(request.POST, choices=_survivor_choices(candidate))
    if form.is_valid():
        target = pair[form.cleaned_data["survivor"]]
        source = candidate.second if target.pk == candidate.first_id else candidate.first
        try:
            profile_merge(
                actor=_user(request),
                source=source,
                target=target,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error("reason", error.messages[0])
        else:
            messages.success(
                request, "The records were merged. The merged record is kept and points here."
            )
            return redirect("records:profile_merges", code=target.code)
    return _pair_page(request, candidate, viewer, merge_form=form, status=400)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 -- login_required guarantees a signed-in user
    return user


# --- merge history ----------------------------------------------------------------------------


@login_required
def profile_merges(request: HttpRequest, code: str) -> HttpResponse:
    """Every merge into or out of a profile: who, when, why and what moved."""
    reached = access_profile(request, code, action=policy.Action.VIEW, section=Section.IDENTITY)
    profile = reached.record
    rows = []
    for merge in (
        ProfileMerge.objects.filter(Q(target=profile) | Q(source=profile))
        .select_related("source", "target", "merged_by")
        .order_by("-merged_at", "-pk")
    ):
        moved = [
            (MOVED_LABELS.get(kind, kind), len(items))
            for kind, items in sorted(merge.moved.items())
        ]
        rows.append({"merge": merge, "moved": moved, "into_this": merge.target_id == profile.pk})
    audit_view(reached, shown=[Section.IDENTITY])
    context = {"profile": profile, "rows": rows, "detail_url": _detail_url(profile)}
    return render(request, "records/duplicates/history.html", context)


def _detail_url(profile: Profile) -> str:
    return profile.get_absolute_url()


__all__ = [
    "duplicate_detail",
    "duplicate_list",
    "duplicate_merge",
    "duplicate_not_duplicate",
    "profile_merges",
    "search",
]

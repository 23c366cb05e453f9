"""Reads of cases, case types, premises and groups, already filtered by the sharing policy.

``cases_for_viewer`` is the "my cases" list, built the fast way ADR 0004 prescribes: the top rows
per principal from the access table first, then only those cases. The other selectors return
the people and places linked to a record, each marked with whether the viewer may even see its
signpost, so a page never names a hidden person. Nothing here writes, and nothing here decides
access by itself: the top rows per principal come from ``policy.top_rows``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from roundtable.customforms import selectors as form_selectors
from roundtable.customforms.models import FormVersion
from roundtable.directory.models import Partnership, Team, User
from roundtable.records.models import (
    Case,
    CaseLink,
    CaseMember,
    CaseStatus,
    CaseType,
    CaseTypeShareDefault,
    Group,
    GroupMember,
    Premises,
    PremisesLink,
    Profile,
    StageChange,
)
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section, from_mask

R = TypeVar("R", Profile, Premises, Group)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# How many times the per-principal window may widen when one principal's rows repeat a case.
MAX_WIDENINGS = 4


@dataclass(frozen=True)
class Cursor:
    """Where a page of "my cases" ends: the last case's change time and id (keyset)."""

    sort_key: datetime
    record_id: int

    def encode(self) -> str:
        micros = (self.sort_key - EPOCH) // timedelta(microseconds=1)
        return f"{micros}.{self.record_id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor in a ``before`` parameter, or None when it is missing or malformed."""
        if not text:
            return None
        micros, _, record_id = text.partition(".")
        if not (micros.isdigit() and record_id.isdigit()) or len(micros) > 18:
            return None
        return cls(EPOCH + timedelta(microseconds=int(micros)), int(record_id))


@dataclass(frozen=True)
class CaseRow:
    """One line of "my cases": the case and the sections the viewer may see of it."""

    case: Case
    sections: frozenset[Section]

    @property
    def shows_summary(self) -> bool:
        return Section.SUMMARY in self.sections


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    next_cursor: Cursor | None


def _top_rows(
    viewer: policy.Viewer, *, window: int, before: Cursor | None, cases: QuerySet[Case] | None
) -> list[tuple[int, int, int, datetime, int]]:
    return policy.top_rows(
        viewer,
        kind=RecordKind.CASE,
        window=window,
        before=(before.sort_key, before.record_id) if before is not None else None,
        among=cases,
    )


#: The columns "my cases" draws (``records/cases/my_cases.html``); anything else read from a
#: listed case would cost a query per row, which the page's query-budget test would catch.
LIST_COLUMNS = (
    "code",
    "reference",
    "title",
    "status",
    "stage",
    "review_date",
    "case_type__name",
    "owning_team__name",
    "owning_organisation__name",
)


def cases_for_viewer(
    viewer: policy.Viewer,
    *,
    limit: int,
    before: Cursor | None = None,
    status: str | None = None,
    case_type: CaseType | None = None,
) -> CasePage:
    """The cases the viewer's team and organisation can see, most recently changed first.

    One query takes at most ``limit + 1`` live access rows per principal (a UNION ALL of one
    ``ORDER BY sort_key DESC LIMIT`` window per principal, index-only on the list index), a second
    fetches just those cases. Query count is fixed whatever the data.

    Trade-offs: filtering by status or case type is a semi-join from each window into cases
    (``record_id IN (SELECT id FROM case WHERE ...)``), so a filter that matches few of a team's
    cases makes the database walk further down that team's index; promoting status and type
    onto the access row would avoid it at the cost of rewriting rows on every status change. A
    case reached through several rows of one principal (owner and a grant) uses several window
    slots: when that leaves the page short while a window was full, the window doubles and the
    query runs again (rare; bounded). Sections are the OR of the live rows read, which is what
    the policy would answer when a case's rows share one sort key, as the services keep them.
    """
    if not viewer.principals or limit < 1:
        return CasePage(rows=[], next_cursor=None)
    cases: QuerySet[Case] | None = None
    if status or case_type is not None:
        cases = Case.objects.all()
        if status:
            cases = cases.filter(status=status)
        if case_type is not None:
            cases = cases.filter(case_type=case_type)
    window = limit + 1
    for _attempt in range(MAX_WIDENINGS + 1):
        rows = _top_rows(viewer, window=window, before=before, cases=cases)
        chosen, complete = _merge(rows, window=window, wanted=limit + 1)
        if complete:
            break
        window *= 2
    ids = [record_id for record_id, _key, _mask in chosen]
    # Only what the list draws: a quarter of the columns, and no lead practitioner.
    found = (
        Case.objects.filter(pk__in=ids)
        .select_related("case_type", "owning_team", "owning_organisation")
        .only(*LIST_COLUMNS)
    )
    by_id = {case.pk: case for case in found}
    page = [
        CaseRow(case=by_id[record_id], sections=from_mask(mask, RecordKind.CASE))
        for record_id, _key, mask in chosen
        if record_id in by_id
    ]
    next_cursor = None
    if len(chosen) > limit:
        last = chosen[limit - 1]
        next_cursor = Cursor(sort_key=last[1], record_id=last[0])
    elif not complete and chosen:
        # Still short after every widening: end the page at what is certain and go on from there.
        last = chosen[-1]
        next_cursor = Cursor(sort_key=last[1], record_id=last[0])
    return CasePage(rows=page[:limit], next_cursor=next_cursor)


def _merge(
    rows: Iterable[tuple[int, int, int, datetime, int]], *, window: int, wanted: int
) -> tuple[list[tuple[int, datetime, int]], bool]:
    """Distinct cases in list order, and whether the answer is certainly complete.

    A window that came back full may hold more rows past its last one, so only cases at or
    above the highest such cut-off are certain; below it the page is cut short.
    """
    per_principal: dict[tuple[int, int], int] = defaultdict(int)
    lowest: dict[tuple[int, int], tuple[datetime, int]] = {}
    merged: dict[int, tuple[datetime, int]] = {}
    for kind, principal_id, record_id, sort_key, mask in rows:
        principal = (kind, principal_id)
        per_principal[principal] += 1
        key = (sort_key, record_id)
        if principal not in lowest or key < lowest[principal]:
            lowest[principal] = key
        if record_id in merged:
            best, old_mask = merged[record_id]
            merged[record_id] = (max(best, sort_key), old_mask | mask)
        else:
            merged[record_id] = (sort_key, mask)
    cut = max((lowest[p] for p, count in per_principal.items() if count >= window), default=None)
    ordered = sorted(merged.items(), key=lambda item: (item[1][0], item[0]), reverse=True)
    chosen = [
        (record_id, sort_key, mask)
        for record_id, (sort_key, mask) in ordered
        if cut is None or (sort_key, record_id) >= cut
    ]
    complete = cut is None or len(chosen) >= wanted
    return chosen[:wanted], complete


def overdue_reviews_for_team(*, team: Team, today: date | None = None) -> QuerySet[Case]:
    """Open cases a team owns whose review date has passed, the longest overdue first."""
    return (
        Case.objects.filter(
            owning_team=team,
            status=CaseStatus.OPEN,
            review_date__lt=today or timezone.localdate(),
        )
        .select_related("case_type", "lead_practitioner")
        .order_by("review_date", "pk")
    )


def case_types_for_partnership(
    *, partnership_id: int | None, active_only: bool = False
) -> QuerySet[CaseType]:
    """A partnership's case types by name (none for a national organisation's users)."""
    if partnership_id is None:
        return CaseType.objects.none()
    types = CaseType.objects.filter(partnership_id=partnership_id).order_by("name")
    return types.filter(is_active=True) if active_only else types


def case_type_share_defaults(*, case_type: CaseType) -> QuerySet[CaseTypeShareDefault]:
    """A type's default shares with the agreement and recipient each names."""
    return case_type.share_defaults.select_related(
        "agreement", "team__organisation", "organisation"
    ).order_by("pk")


def team_practitioners(*, team_id: int) -> QuerySet[User]:
    """Active users in a team: who may lead its cases."""
    return User.objects.filter(memberships__team_id=team_id, is_active=True).order_by("full_name")


def partnership_of(user: User) -> Partnership | None:
    organisation = user.organisation
    return organisation.partnership if organisation is not None else None


@dataclass(frozen=True)
class Linked:
    """A linked person or place and whether the viewer may see even its signpost."""

    item: Any
    target: Any
    visible: bool


def _signposts(viewer: policy.Viewer, model: type[Any], ids: set[int]) -> set[int]:
    if not ids:
        return set()
    queryset = policy.signpost_visible(viewer, model.objects.filter(pk__in=ids))
    return set(queryset.values_list("pk", flat=True))


def _linked(
    viewer: policy.Viewer, items: list[Any], attribute: str, model: type[Any]
) -> list[Linked]:
    ids = {getattr(item, f"{attribute}_id") for item in items if getattr(item, f"{attribute}_id")}
    seen = _signposts(viewer, model, ids)
    return [
        Linked(
            item=item,
            target=getattr(item, attribute),
            visible=getattr(item, f"{attribute}_id") in seen,
        )
        for item in items
    ]


def case_members(viewer: policy.Viewer, case: Case) -> list[Linked]:
    """A case's members, each with whether the viewer may see the person's signpost."""
    members = list(
        CaseMember.objects.filter(case=case).select_related("profile").order_by("role", "pk")
    )
    return _linked(viewer, members, "profile", Profile)


def case_links(viewer: policy.Viewer, case: Case) -> tuple[list[Linked], list[Linked]]:
    """A case's linked premises and groups, each marked with whether the viewer may see it."""
    links = list(CaseLink.objects.filter(case=case).select_related("premises", "group"))
    premises = [link for link in links if link.premises_id]
    groups = [link for link in links if link.group_id]
    return _linked(viewer, premises, "premises", Premises), _linked(viewer, groups, "group", Group)


@dataclass(frozen=True)
class CaseAnswers:
    """A case's per-type answers, the form version they were written with, and the latest one."""

    values: dict[str, Any]
    version: FormVersion | None
    current: FormVersion | None

    @property
    def has_questions(self) -> bool:
        asked = self.version or self.current
        return asked is not None and bool(asked.schema.get("fields"))


def case_answers(case: Case) -> CaseAnswers:
    """The case's answers to its type's form (the caller reached the case through the policy)."""
    definition = case.case_type.form
    current = definition.current_version if definition is not None else None
    row = form_selectors.form_values_for(
        definition_id=case.case_type.form_id, record_kind=RecordKind.CASE, record_id=case.pk
    )
    if row is None:
        return CaseAnswers(values={}, version=current, current=current)
    return CaseAnswers(values=dict(row.values), version=row.form_version, current=current)


def case_stage_history(case: Case) -> QuerySet[StageChange]:
    """A case's stage changes, newest first, with who made each."""
    return StageChange.objects.filter(case=case).select_related("changed_by")


def premises_people(viewer: policy.Viewer, premises: Premises) -> list[Linked]:
    """People linked to premises, each with whether the viewer may see their signpost."""
    links = list(
        PremisesLink.objects.filter(premises=premises)
        .select_related("profile")
        .order_by("role", "pk")
    )
    return _linked(viewer, links, "profile", Profile)


def group_members(viewer: policy.Viewer, group: Group) -> list[Linked]:
    """A group's members, each with whether the viewer may see their signpost."""
    members = list(
        GroupMember.objects.filter(group=group)
        .select_related("profile")
        .order_by("from_date", "pk")
    )
    return _linked(viewer, members, "profile", Profile)


def profile_for_link(viewer: policy.Viewer, code: Any) -> Profile | None:
    """The profile with this code if the viewer may see at least its signpost, else None."""
    return _signpost_or_none(viewer, Profile, code)


def premises_for_link(viewer: policy.Viewer, code: Any) -> Premises | None:
    """Premises with this code if the viewer may see at least the signpost, else None."""
    return _signpost_or_none(viewer, Premises, code)


def group_for_link(viewer: policy.Viewer, code: Any) -> Group | None:
    """A group with this code if the viewer may see at least the signpost, else None."""
    return _signpost_or_none(viewer, Group, code)


def _signpost_or_none(viewer: policy.Viewer, model: type[R], code: Any) -> R | None:
    try:
        return policy.signpost_visible(viewer, model.objects.filter(code=code)).first()
    except (ValueError, TypeError, ValidationError):
        return None

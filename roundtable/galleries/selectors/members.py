"""The gallery page's reads: members filtered, sorted and paged, and the rows the viewer sees.

Every query starts from ``galleries.selectors.galleries.members`` (the policy's filter on the
gallery's section), so a count, a page or an export never reaches a person the viewer may not see.
A filter or sort on a field, or on the name, uses that field's (or identity's) section of each
person through the policy as well: nobody learns a value, or its order, that they may not read.

A page of the list (``member_page``) reads only what it shows: it walks the spells in order for
a viewer who sees most members, or starts from the viewer's own list for one who sees few, and
counts up to ``COUNT_CAP`` ("more than 1,000", with a link to count them all). Either way the
rows are those of the gated query (``filtered``), in its order. Nothing loads the whole gallery.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django_countries import countries

from roundtable.customforms.models import FormDefinition, FormValues, FormVersion
from roundtable.customforms.schema import (
    ADDRESS,
    CHOICE,
    COUNTRY,
    DATE,
    FILE,
    MULTI_CHOICE,
    PERSON_LINK,
    PROMOTION_KIND,
    YES_NO,
    Field,
    choice_label,
    fields_of,
)
from roundtable.galleries import access
from roundtable.galleries.models import Gallery, GalleryMembership, MembershipState
from roundtable.galleries.selectors.galleries import members
from roundtable.records.models import NameIndexEntry, Profile
from roundtable.records.names import fold
from roundtable.sharing import policy
from roundtable.sharing.sections import BIT, RecordKind, Section

PER_PAGE = 25
REVIEW_SOON_DAYS = 30
BASE_SORTS = ("added", "name", "status", "review")


@dataclass(frozen=True)
class GalleryField:
    """One of the gallery's questions, as a column: its section decides who reads it."""

    key: str
    label: str
    type: str
    section: str
    spec: Field
    column: str = ""  # the promoted column, when lists may filter and sort by it

    @property
    def kind(self) -> str:
        """text, number or date (the promoted column's kind); "" when not promoted."""
        return PROMOTION_KIND.get(self.type, "") if self.column else ""

    @property
    def choices(self) -> list[tuple[str, str]]:
        if self.type == YES_NO:
            return [("yes", "Yes"), ("no", "No")]
        if self.type == CHOICE:
            return [
                (str(item["value"]), str(item["label"])) for item in self.spec.get("choices", [])
            ]
        return []


@dataclass(frozen=True)
class GalleryForm:
    """The gallery's published questions (empty when it has none yet)."""

    version: FormVersion | None
    fields: tuple[GalleryField, ...] = ()

    @property
    def promoted(self) -> list[GalleryField]:
        return [item for item in self.fields if item.column]


def gallery_form(gallery: Gallery) -> GalleryForm:
    """The gallery's current questions and which of them have a promoted column (one query)."""
    if gallery.form_id is None:
        return GalleryForm(None)
    definition: FormDefinition | None = None
    if Gallery.form.is_cached(gallery):  # read with the gallery (``gallery_for``)
        definition = gallery.form
    if definition is None:
        definition = FormDefinition.objects.select_related("current_version").get(
            pk=gallery.form_id
        )
    version = definition.current_version
    if version is None:
        return GalleryForm(None)
    version.definition = definition
    promoted = dict(definition.promoted)
    items = tuple(
        GalleryField(
            key=spec["key"],
            label=spec["label"],
            type=spec["type"],
            section=spec["section"],
            spec=spec,
            column=promoted.get(spec["key"], "") if spec.get("promote") else "",
        )
        for spec in fields_of(version.schema)
    )
    return GalleryForm(version, items)


@dataclass
class MemberQuery:
    """What the gallery page asks for: which spells, filtered how, in which order."""

    state: str = MembershipState.CURRENT
    status: str = ""
    added_from: date | None = None
    added_to: date | None = None
    review: str = ""  # "overdue", "soon" (within REVIEW_SOON_DAYS), "none"
    name: str = ""
    equals: dict[str, str] = field(default_factory=dict)  # promoted text field key -> value
    ranges: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # number/date key -> range
    sort: str = "added"
    descending: bool = True

    def describe(self) -> dict[str, Any]:
        """The filters and sort as plain values, for the audit log."""
        described: dict[str, Any] = {"state": self.state, "sort": self.sort}
        described["direction"] = "desc" if self.descending else "asc"
        for name in ("status", "review", "name"):
            if getattr(self, name):
                described[name] = getattr(self, name)
        for name in ("added_from", "added_to"):
            if getattr(self, name) is not None:
                described[name] = getattr(self, name).isoformat()
        if self.equals:
            described["fields"] = dict(self.equals)
        if self.ranges:
            described["ranges"] = {
                item: [None if v is None else str(v) for v in bounds]
                for item, bounds in self.ranges.items()
            }
        return described


def _seen(viewer: policy.Viewer, section: str) -> Exists:
    """True for a spell whose person the viewer sees ``section`` of (a correlated EXISTS)."""
    spell = GalleryMembership.objects.filter(pk=OuterRef("pk"))
    return Exists(
        policy.visible_through(
            viewer, spell, kind=RecordKind.PROFILE, field="profile_id", section=section
        )
    )


def _answers(gallery: Gallery) -> QuerySet[FormValues]:
    return FormValues.objects.filter(
        definition_id=gallery.form_id,
        record_kind=RecordKind.PROFILE,
        record_id=OuterRef("profile_id"),
    )


def _through(
    viewer: policy.Viewer,
    gallery: Gallery,
    rows: QuerySet[GalleryMembership],
    section: str,
    *,
    gated: bool = True,
) -> QuerySet[GalleryMembership]:
    if gated and section == gallery.section:
        return rows  # ``members`` already kept only the people whose gallery section is seen
    return policy.visible_through(
        viewer, rows, kind=RecordKind.PROFILE, field="profile_id", section=section
    )


def _review(rows: QuerySet[GalleryMembership], review: str) -> QuerySet[GalleryMembership]:
    today = timezone.localdate()
    if review == "overdue":
        return rows.filter(review_on__lt=today)
    if review == "soon":
        return rows.filter(review_on__gte=today, review_on__lte=today + timedelta(REVIEW_SOON_DAYS))
    if review == "none":
        return rows.filter(review_on__isnull=True)
    return rows


def filtered(
    viewer: policy.Viewer,
    gallery: Gallery,
    form: GalleryForm,
    query: MemberQuery,
    *,
    gated: bool = True,
) -> QuerySet[GalleryMembership]:
    """The spells the query asks for, among those the viewer may see; unordered (for counts).

    ``gated=False`` leaves out the one gate on the gallery's own section (every other section a
    filter reads still goes through the policy): for ``member_page``, which checks that gate on
    the rows it reads with one access-table query per chunk, or joins the viewer's own list.
    """
    if gated:
        rows = members(viewer, gallery, state=query.state)
    else:
        rows = GalleryMembership.objects.filter(gallery=gallery, state=query.state)
    if query.status:
        rows = rows.filter(status=query.status)
    if query.added_from is not None:
        rows = rows.filter(added_on__gte=query.added_from)
    if query.added_to is not None:
        rows = rows.filter(added_on__lte=query.added_to)
    rows = _review(rows, query.review)
    if query.name:
        words = query.name.split()[:4]
        condition = Q()
        for word in words:
            condition &= (
                Q(profile__given_name__icontains=word)
                | Q(profile__family_name__icontains=word)
                | Q(profile__preferred_name__icontains=word)
            )
        rows = _through(viewer, gallery, rows.filter(condition), Section.IDENTITY, gated=gated)
    by_key = {item.key: item for item in form.promoted}
    for key, value in query.equals.items():
        item = by_key[key]
        rows = rows.filter(Exists(_answers(gallery).filter(**{item.column: value})))
        rows = _through(viewer, gallery, rows, item.section, gated=gated)
    for key, (low, high) in query.ranges.items():
        item = by_key[key]
        answers = _answers(gallery)
        if low is not None:
            answers = answers.filter(**{f"{item.column}__gte": low})
        if high is not None:
            answers = answers.filter(**{f"{item.column}__lte": high})
        rows = _through(viewer, gallery, rows.filter(Exists(answers)), item.section, gated=gated)
    return rows


def _readable(viewer: policy.Viewer, gallery: Gallery, section: str, expression: Any) -> Any:
    """``expression`` for people whose ``section`` the viewer sees, NULL for the others."""
    if section == gallery.section:
        return expression
    return Case(When(_seen(viewer, section), then=expression), default=Value(None))


def ordered(
    viewer: policy.Viewer,
    gallery: Gallery,
    form: GalleryForm,
    query: MemberQuery,
    rows: QuerySet[GalleryMembership],
) -> QuerySet[GalleryMembership]:
    """``rows`` in the query's order, unknown values last, then by spell id (a stable order)."""
    sort = query.sort
    nullable = True  # unknown values go last; a column that is never NULL keeps the plain order
    if sort == "name":
        name = Lower(Concat(F("profile__family_name"), Value(" "), F("profile__given_name")))
        key: Any = _readable(viewer, gallery, Section.IDENTITY, name)
    elif sort == "status":
        key, nullable = F("status"), False
    elif sort == "review":
        key = F("review_on")
    elif sort.startswith("f_") and sort[2:] in {item.key for item in form.promoted}:
        item = next(item for item in form.promoted if item.key == sort[2:])
        answer = Subquery(_answers(gallery).values(item.column)[:1])
        key = _readable(viewer, gallery, item.section, answer)
    else:
        key, nullable = F("added_on"), False
    rows = rows.annotate(_sort=key)
    expression = F("_sort")
    nulls = {"nulls_last": True} if nullable else {}  # NULLS LAST would not match the index
    first = expression.desc(**nulls) if query.descending else expression.asc(**nulls)
    return rows.order_by(first, "-pk" if query.descending else "pk")


@dataclass
class MemberRow:
    """One spell on the page, as far as the viewer may see its person."""

    spell: GalleryMembership
    identified: bool
    values: list[tuple[GalleryField, bool, str]]  # (field, readable, text)

    @property
    def name(self) -> str:
        return self.spell.profile.display_name if self.identified else ""


def answer_text(item: GalleryField, value: Any) -> str:
    """An answer as plain text (for the table and the export)."""
    if value is None or value == "" or value == []:
        return ""
    kind = item.type
    if kind == YES_NO:
        return "Yes" if value else "No"
    if kind == CHOICE:
        return str(choice_label(item.spec, value))
    if kind == MULTI_CHOICE:
        return "; ".join(str(choice_label(item.spec, entry)) for entry in value)
    if kind == COUNTRY:
        return str(countries.name(value) or value)
    if kind == DATE:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    if kind == ADDRESS:
        return ", ".join(str(part) for part in value.values() if part)
    if kind in (PERSON_LINK, FILE):
        # A reference, not a name: whether the viewer may know who or what it is, is decided
        # on the membership's own page (customforms.references); a list only says it is there.
        return "Recorded"
    if isinstance(value, Decimal | float):
        return f"{value:g}"
    return str(value)


def member_rows(
    viewer: policy.Viewer,
    gallery: Gallery,
    spells: Iterable[GalleryMembership],
    columns: Iterable[GalleryField],
    *,
    masks: Mapping[int, int] | None = None,
) -> list[MemberRow]:
    """The rows for these spells: one query for the section masks (unless ``masks`` holds
    them, from ``policy.section_masks``), one for the answers."""
    spells = list(spells)
    columns = list(columns)
    ids = [spell.profile_id for spell in spells]
    if masks is None:
        masks = policy.section_masks(viewer, RecordKind.PROFILE, ids)
    answers: Mapping[int, dict[str, Any]] = {}
    if columns and gallery.form_id is not None and ids:
        answers = dict(
            FormValues.objects.filter(
                definition_id=gallery.form_id, record_kind=RecordKind.PROFILE, record_id__in=ids
            ).values_list("record_id", "values")
        )
    rows = []
    for spell in spells:
        mask = masks.get(spell.profile_id, 0)
        stored = answers.get(spell.profile_id) or {}
        values = []
        for item in columns:
            readable = bool(mask & BIT[item.section])
            values.append(
                (item, readable, answer_text(item, stored.get(item.key)) if readable else "")
            )
        rows.append(MemberRow(spell, bool(mask & BIT[Section.IDENTITY]), values))
    return rows


@dataclass
class MemberPage:
    """One page of the gallery: its rows and where it sits among the others.

    ``count`` is exact when ``exact``; otherwise the viewer sees more than ``count`` members
    (``COUNT_CAP``) and the page says so, with a link that counts them all.
    """

    rows: list[MemberRow]
    count: int
    number: int
    per_page: int
    exact: bool = True
    plan: str = ""
    more: bool = False  # another member follows this page (known when the count is not exact)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        if not self.exact:  # more than counted: the page read one row past its end
            return self.more
        return self.number < self.num_pages

    @property
    def start(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def end(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)


#: How many members a page counts before saying "more than" (the exact count is one click away):
#: eight pages. Each member counted is a check of the policy, so counting to 1,000 cost a team
#: that sees a 50,000-member gallery more than the rest of the page (15-20 ms at 1M profiles).
COUNT_CAP = 200
#: The most spells the walk in the page's order reads, in stages, before the page is built from
#: the viewer's own list of people instead (as the rankings do, ADR 0010).
WALK_PROBE = 2000
#: Pages beyond this many rows from the start are read in one statement, not walked.
WALK_DEPTH = 500
#: The most spells the capped count may expect to read (by the walk's rate) before counting
#: the viewer's own list of people instead.
COUNT_PROBE = 10_000

Spell = tuple[int, int]  # (spell id, profile id)


def _walk_stages(want: int) -> list[int]:
    return sorted({min(4 * want, WALK_PROBE), min(16 * want, WALK_PROBE), WALK_PROBE})


@dataclass
class _Walked:
    found: list[Spell]  # the first spells in order whose person the viewer sees
    complete: bool  # every candidate was read
    read: int  # how many candidates were read
    seen: int  # how many of those the viewer sees (``found`` keeps only the first ``want``)


def _walk(
    viewer: policy.Viewer, walk: QuerySet[Any], want: int, bit: int, masks: dict[int, int]
) -> _Walked | None:
    """The first ``want`` spells in order whose person the viewer sees the gallery section of;
    None when, at the rate found, the probe would not find enough (the caller goes visible
    first). One access-table query per stage (``section_masks``, the policy's own rule, the
    same rows ``visible_through`` reads); ``masks`` collects what it found."""
    found: list[Spell] = []
    start = 0
    for end in _walk_stages(want):
        chunk: list[Spell] = list(walk[start:end])
        masks.update(policy.section_masks(viewer, RecordKind.PROFILE, [p for _, p in chunk]))
        found += [row for row in chunk if masks.get(row[1], 0) & bit]
        if len(chunk) < end - start:
            return _Walked(found, True, start + len(chunk), len(found))
        if len(found) >= want:
            return _Walked(found[:want], False, end, len(found))
        if want * end > WALK_PROBE * len(found):
            return None
        start = end
    return None


def member_page(
    viewer: policy.Viewer,
    gallery: Gallery,
    form: GalleryForm,
    query: MemberQuery,
    *,
    number: int = 1,
    per_page: int = PER_PAGE,
    count_all: bool = False,
) -> MemberPage:
    """One page of members the viewer may see, and how many there are (exactly up to
    ``COUNT_CAP``, or all of them when ``count_all``).

    Two plans, chosen by what the viewer turns out to see, so the cost follows the page and the
    viewer's own list, not the size of the gallery:

    - **walk**: spells in the page's order, read in stages, each stage's people checked in one
      access-table query; for a viewer who sees most members (the gallery's own team), a page
      reads a few dozen spells and the count stops at ``COUNT_CAP``.
    - **visible first**: when the walk's rate says it would read too far, the spells of the
      people on the viewer's own list (``policy.visible_ids``, by the access table's list
      index), counted exactly and sorted: for a team that sees a small share.
    """
    bit = BIT[gallery.section]
    candidates = filtered(viewer, gallery, form, query, gated=False)
    first = (max(1, number) - 1) * per_page
    shallow = first + per_page <= WALK_DEPTH
    masks: dict[int, int] = {}
    walked = None
    more = False
    if shallow:
        walk = ordered(viewer, gallery, form, query, candidates).values_list("pk", "profile_id")
        walked = _walk(viewer, walk, first + per_page + 1, bit, masks)  # one more: a next page?

    def mine() -> QuerySet[GalleryMembership]:  # the candidates on the viewer's own list
        visible = policy.visible_ids(viewer, RecordKind.PROFILE, section=gallery.section)
        return candidates.filter(profile_id__in_ids=visible)

    if walked is not None:
        plan = "walk"
        found = walked.found
        if walked.complete:  # the walk read every candidate: the exact count is known too
            count, exact = len(found), True
            first = _clamp(first, count, per_page)
        elif count_all:
            count, exact = filtered(viewer, gallery, form, query).count(), True
        else:
            counted = _count_on(viewer, walk, walked, bit)
            count, exact = counted if counted is not None else (mine().count(), True)
        ids = [pk for pk, _ in found[first : first + per_page]]
        more = len(found) > first + per_page
    elif shallow:  # the viewer sees few of the candidates: start from the people they see
        # All of them in order in one statement (no LIMIT, which can tempt PostgreSQL into
        # walking the whole gallery): the walk found them to be a small share.
        plan = "visible_first"
        everyone = list(ordered(viewer, gallery, form, query, mine()).values_list("pk", flat=True))
        count, exact = len(everyone), True
        first = _clamp(first, count, per_page)
        ids = everyone[first : first + per_page]
    else:  # a page far from the start: one statement in the page's order
        plan = "offset"
        rows = filtered(viewer, gallery, form, query)
        count, exact = _bounded_count(rows, count_all)
        if exact:
            first = _clamp(first, count, per_page)
        ordered_ids = ordered(viewer, gallery, form, query, rows).values_list("pk", flat=True)
        ids = list(ordered_ids[first : first + per_page + 1])
        more = len(ids) > per_page
        ids = ids[:per_page]
    found_spells = {
        spell.pk: spell
        for spell in GalleryMembership.objects.filter(pk__in=ids).select_related("profile")
    }
    spells = [found_spells[pk] for pk in ids if pk in found_spells]
    unknown = [spell.profile_id for spell in spells if spell.profile_id not in masks]
    if unknown:
        masks.update(policy.section_masks(viewer, RecordKind.PROFILE, unknown))
    shown = member_rows(viewer, gallery, spells, form.promoted, masks=masks)
    number = first // per_page + 1
    return MemberPage(shown, count, number, per_page, exact=exact, plan=plan, more=more)


def _clamp(first: int, count: int, per_page: int) -> int:
    """The first row of the page asked for, or of the last page when it is past the end."""
    pages = max(1, -(-count // per_page))
    return min(first, (pages - 1) * per_page)


def _count_on(
    viewer: policy.Viewer, walk: QuerySet[Any], walked: _Walked, bit: int
) -> tuple[int, bool] | None:
    """Count on from where the page's walk stopped, in the same way (spells in order, one
    access-table query per stage), up to ``COUNT_CAP + 1``: (count, exact), or None when at
    the rate found that would read more than ``COUNT_PROBE`` spells."""
    found, read = walked.seen, walked.read
    while found <= COUNT_CAP:
        wanted = COUNT_CAP + 1 - found
        step = min(max(wanted * read // max(found, 1) + wanted // 4, 100), COUNT_PROBE - read)
        if step <= 0:
            return None
        chunk: list[Spell] = list(walk[read : read + step])
        masks = policy.section_masks(viewer, RecordKind.PROFILE, [p for _, p in chunk])
        found += sum(1 for _, profile_id in chunk if masks.get(profile_id, 0) & bit)
        read += len(chunk)
        if len(chunk) < step:
            return found, True
    return COUNT_CAP, False


def _bounded_count(rows: QuerySet[GalleryMembership], count_all: bool) -> tuple[int, bool]:
    """How many rows: exactly, or ``COUNT_CAP`` and False when there are more (one query that
    stops reading at ``COUNT_CAP + 1``)."""
    if count_all:
        return rows.count(), True
    count = rows.values("pk")[: COUNT_CAP + 1].count()
    return (count, True) if count <= COUNT_CAP else (COUNT_CAP, False)


def export_rows(
    viewer: policy.Viewer, gallery: Gallery, form: GalleryForm, query: MemberQuery, limit: int
) -> list[tuple[int, int, str, str]]:
    """What an export holds, in the page's order, at most ``limit`` rows: (spell id, profile id,
    spell code, profile code) only, so even the largest export is read lightly first."""
    rows = ordered(viewer, gallery, form, query, filtered(viewer, gallery, form, query))
    return [
        (pk, profile_id, str(code), str(profile_code))
        for pk, profile_id, code, profile_code in rows.values_list(
            "pk", "profile_id", "code", "profile__code"
        )[:limit]
    ]


def spells_in_order(ids: list[int]) -> list[GalleryMembership]:
    """These spells with their people and teams, in the order of ``ids`` (an export's chunk)."""
    found = {
        spell.pk: spell
        for spell in GalleryMembership.objects.filter(pk__in=ids).select_related(
            "profile", "added_by_team"
        )
    }
    return [found[pk] for pk in ids if pk in found]


def spell_for(viewer: policy.Viewer, code: Any) -> GalleryMembership | None:
    """A spell the viewer may open: its gallery may be opened, its person's gallery section is
    seen, and a removed spell only by the managing teams. None otherwise (the caller 404s)."""
    try:
        spell = (
            GalleryMembership.objects.select_related(
                "gallery__partnership", "gallery__form", "profile", "added_by", "added_by_team"
            )
            .filter(code=code)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None
    if spell is None:
        return None
    gallery = spell.gallery
    if not access.may_open(viewer, gallery):
        return None
    if spell.state == MembershipState.REMOVED and not access.is_manager(viewer, gallery):
        return None
    if not members(viewer, gallery, state=None).filter(pk=spell.pk).exists():
        return None
    return spell


def addable_people(
    viewer: policy.Viewer, gallery: Gallery, text: str, *, limit: int = 20
) -> list[Profile]:
    """People the viewer sees the identity and gallery section of, whose family name (or an
    alias's) starts with one of the words of ``text`` and who match every word (or whose
    reference it is), and who are not current members; at most ``limit``, by name.

    Candidates come from the search index's family-name key (an indexed range per word), so
    the cost follows how many people share that start of a name, not the size of the register.
    """
    words = text.split()[:4]
    keys = {key for key in (fold(word) for word in words) if len(key) >= 2}
    reference = None
    with contextlib.suppress(ValueError):
        reference = UUID(text.strip())
    if not keys and reference is None:
        return []
    starts = Q(pk__in=[])
    for key in keys:
        starts |= Q(family_key__gte=key, family_key__lt=key + "\uffff")
    named = NameIndexEntry.objects.filter(starts).values("profile_id")
    condition = Q(pk__in=named)
    for word in words:
        condition &= (
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(aliases__family_name__icontains=word)
        )
    if reference is not None:
        condition |= Q(code=reference)
    current = GalleryMembership.objects.filter(
        gallery=gallery, state=MembershipState.CURRENT
    ).values("profile_id")
    people = (
        Profile.objects.filter(condition, merged_into__isnull=True)
        .exclude(pk__in=current)
        .distinct()
    )
    people = policy.visible(viewer, people, section=gallery.section)
    people = policy.visible(viewer, people, section=Section.IDENTITY)
    return list(people.order_by("family_name", "given_name", "pk")[:limit])

"""The case timeline: every registered source's items for one viewer, merged in time order.

``case_timeline`` knows no source by name: it asks each one registered in
``casework.timeline`` (diary and stage changes from here; tasks, documents and enforcement from
their own apps) and merges what they return. Each source filters by the policy itself, so the
timeline never shows an item its source did not return. The two sources defined here read diary
entries filed in sections the viewer sees, and stage changes only for a viewer who sees the
case's summary (where the case page shows its stage history).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roundtable.casework import timeline
from roundtable.casework.models import DiaryEntry
from roundtable.casework.selectors.diary import visible_sections
from roundtable.casework.timeline import TimelineItem
from roundtable.records.models import Case
from roundtable.records.selectors.cases import case_stage_history
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

SUMMARY_WORDS = 40

#: How the filters name each kind of item; a kind not listed gets its name, capitalised.
KIND_LABELS = {
    "diary": gettext_lazy("Diary entries"),
    "stage": gettext_lazy("Stage changes"),
    "task": gettext_lazy("Tasks"),
    "document": gettext_lazy("Documents"),
    "enforcement": gettext_lazy("Enforcement actions"),
}


def kind_label(kind: str) -> str:
    """How the timeline's filters name a kind of item."""
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind.replace("_", " ").capitalize()


def _who(name: str, team: str, organisation: str) -> str:
    return f"{name} ({team}, {organisation})"


def diary_items(viewer: policy.Viewer, case: Case) -> list[TimelineItem]:
    """The timeline source for diary entries on the case filed in sections the viewer sees."""
    sections = visible_sections(viewer, case)
    if not sections:
        return []
    entries = (
        DiaryEntry.objects.filter(case=case, section__in=sorted(sections))
        .select_related("recorded_by", "team", "organisation")
        .order_by("-occurred_at", "-id")
    )
    items = []
    for entry in entries:
        label = entry.get_entry_type_display()
        if entry.is_retracted:
            label = _("%(type)s (retracted)") % {"type": label}
        items.append(
            TimelineItem(
                occurred_at=entry.occurred_at,
                kind="diary",
                label=str(label),
                summary=Truncator(entry.body).words(SUMMARY_WORDS),
                url=reverse(
                    "casework:diary_entry",
                    kwargs={"kind": "case", "code": case.code, "entry": entry.code},
                ),
                section=entry.section,
                actor_label=_who(
                    entry.recorded_by.full_name, entry.team.name, entry.organisation.name
                ),
            )
        )
    return items


def stage_items(viewer: policy.Viewer, case: Case) -> list[TimelineItem]:
    """The timeline source for the case's opening and stage changes (its summary section)."""
    if Section.SUMMARY not in visible_sections(viewer, case):
        return []
    url = case.get_absolute_url()
    items = []
    changes = list(case_stage_history(case))
    for change in changes:
        summary = _("From %(from)s to %(to)s.") % {
            "from": change.from_stage or _("no stage"),
            "to": change.to_stage,
        }
        if change.note:
            summary = f"{summary} {change.note}"
        items.append(
            TimelineItem(
                occurred_at=change.changed_at,
                kind="stage",
                label=_("Stage changed to %(stage)s") % {"stage": change.to_stage},
                summary=summary,
                url=url,
                section=Section.SUMMARY,
                actor_label=change.changed_by.full_name,
            )
        )
    # The first stage is set when the case is opened, without a change row: show it too.
    first_stage = changes[-1].from_stage if changes else case.stage
    items.append(
        TimelineItem(
            occurred_at=case.created_at,
            kind="stage",
            label=_("Case opened"),
            summary=_("Opened at stage %(stage)s.") % {"stage": first_stage or _("none")},
            url=url,
            section=Section.SUMMARY,
        )
    )
    return items


def case_timeline(
    *,
    viewer: policy.Viewer,
    case: Case,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[TimelineItem]:
    """Everything on the case the viewer may see, newest first, from every registered source.

    ``kinds`` keeps only those sources (None: all); ``since`` is inclusive and ``until``
    exclusive. Items at the same moment keep a fixed order (kind, then label).
    """
    wanted = None if kinds is None else set(kinds)
    items: list[TimelineItem] = []
    for kind, source in timeline.sources().items():
        if wanted is not None and kind not in wanted:
            continue
        items.extend(
            item
            for item in source(viewer, case)
            if (since is None or item.occurred_at >= since)
            and (until is None or item.occurred_at < until)
        )
    items.sort(key=lambda item: (item.kind, item.label))
    items.sort(key=lambda item: item.occurred_at, reverse=True)
    return items

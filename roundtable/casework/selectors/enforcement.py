"""Reads of enforcement actions: the escalation ladder, a case's summary, attention due, timeline.

Who sees what is the case's sections, through ``sharing.policy``:

- the **summary** section shows the ladder: every action's kind, status, dates, issuing agency,
  conditions, breaches and outcome, and the next step;
- the **members** section adds whom each action targets (and then only people and premises the
  viewer may at least see the signpost of; any other is "a person whose record you cannot see").

Without members, the actions are grouped as "people" and "premises" with no names. A viewer
without the summary section sees nothing of enforcement. ``enforcement_attention_due`` is for the
background flagging task only and is never shown to a user. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from roundtable.casework import powers
from roundtable.casework.models import (
    EnforcementAction,
    EnforcementBreach,
    EnforcementSettings,
)
from roundtable.casework.powers import EnforcementKind, EnforcementStatus, Rung
from roundtable.casework.timeline import TimelineItem
from roundtable.records.models import Case, Premises, Profile
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

# A case's ladder page shows at most this many actions (a case with more is extraordinary; the
# page says so rather than growing without bound).
LADDER_LIMIT = 200


def enforcement_settings_for(partnership_id: int | None) -> EnforcementSettings:
    """A partnership's enforcement figures, or the defaults (unsaved) when it has set none."""
    if partnership_id is not None:
        found = EnforcementSettings.objects.filter(partnership_id=partnership_id).first()
        if found is not None:
            return found
    return EnforcementSettings()


def _shows(viewer: policy.Viewer, case: Case, section: str) -> bool:
    return policy.can(viewer, policy.Action.VIEW, cast(policy.Record, case), section)


def lapsed_condition(now: datetime) -> Q:
    """Actions still marked in force whose expiry has passed (the hourly sweep expires them)."""
    today = timezone.localdate(now)
    return Q(status__in=powers.IN_FORCE_STATUSES) & (
        (~Q(kind__in=powers.TIMED) & Q(expires_on__lte=today))
        | (Q(kind__in=powers.TIMED) & Q(expires_at__lte=now))
    )


def in_force_condition(now: datetime) -> Q:
    """Actions in force at ``now``: served (or breached) and not past their expiry."""
    return Q(status__in=powers.IN_FORCE_STATUSES) & ~lapsed_condition(now)


def _read_lapsed_as_expired(action: EnforcementAction, now: datetime) -> None:
    """An action past its expiry reads as expired before the sweep marks it (never saved)."""
    if action.status not in powers.IN_FORCE_STATUSES:
        return
    if action.kind in powers.TIMED:
        lapsed = action.expires_at is not None and action.expires_at <= now
    else:
        lapsed = action.expires_on is not None and action.expires_on <= timezone.localdate(now)
    if lapsed:
        action.status = EnforcementStatus.EXPIRED
        action.ended_on = action.expires_on


# --- The next step (the rule table) -----------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """What the ladder suggests next, and the powers it would use (none: keep watching)."""

    advice: str
    kinds: tuple[str, ...] = ()
    escalate: bool = False


def _counted(action: EnforcementAction) -> bool:
    return action.status not in (EnforcementStatus.PROPOSED, EnforcementStatus.WITHDRAWN)


def _breached(action: EnforcementAction) -> bool:
    return action.status == EnforcementStatus.BREACHED or getattr(action, "breach_count", 0) > 0


def _label(kind: str) -> str:
    """A power's name as it reads mid-sentence."""
    return powers.lower_first(str(EnforcementKind(kind).label))


def _step(rung: Rung) -> str:
    return powers.lower_first(rung.label)


def next_step(
    ladder: Sequence[Rung],
    actions: Iterable[EnforcementAction],
    settings: EnforcementSettings | None = None,
) -> NextStep:
    """The next step for one target, by the ladder's rule table (see docs/casework.md).

    1. Nothing served or proposed: the first rung.
    2. A proposed action above everything served: serve it.
    3. The highest step served is in force and not breached: keep it under review (a closure
       notice: apply for the closure order); the step after it is named for if it is breached.
    4. The highest step was breached: the next rung (a CPN: the fixed penalty first); at the top
       of the ladder, back to court or prosecution.
    5. The highest step ended without a breach: nothing in force; the next rung if the behaviour
       continues.
    Powers not on the ladder (a dispersal direction) do not move it.
    """
    on_ladder = [(powers.rung_of(ladder, a.kind), a) for a in actions]
    placed = [(position, a) for position, a in on_ladder if position is not None]
    served = [(position, a) for position, a in placed if _counted(a)]
    proposed = [(position, a) for position, a in placed if a.status == EnforcementStatus.PROPOSED]
    top = max((position for position, _a in served), default=-1)
    waiting = [a for position, a in sorted(proposed, key=lambda p: p[0]) if position > top]
    if waiting:
        kind = waiting[-1].kind
        return NextStep(_("Serve the proposed %(kind)s.") % {"kind": _label(kind)}, (kind,))
    if top < 0:
        first = ladder[0]
        return NextStep(_("Start with the %(step)s.") % {"step": _step(first)}, first.kinds)
    at_top = [a for position, a in served if position == top]
    after = ladder[top + 1] if top + 1 < len(ladder) else None
    breached = [a for a in at_top if _breached(a)]
    in_force = [a for a in at_top if a.status in powers.IN_FORCE_STATUSES]
    if breached:
        return _after_breach(breached[-1], after, settings)
    if in_force:
        current = in_force[-1]
        if current.kind == EnforcementKind.CLOSURE_NOTICE:
            return NextStep(
                _(
                    "Apply to the magistrates' court for a closure order: the application must "
                    "be heard within 48 hours of the closure notice."
                ),
                (EnforcementKind.CLOSURE_ORDER,),
            )
        if after is None:
            return NextStep(
                _("Keep the %(kind)s under review until it ends.") % {"kind": _label(current.kind)}
            )
        return NextStep(
            _("Keep the %(kind)s under review. If it is breached, the next step is the %(step)s.")
            % {"kind": _label(current.kind), "step": _step(after)},
            after.kinds,
        )
    if after is None:
        return NextStep(_("The last step of the ladder has ended. Review the case."))
    return NextStep(
        _("Nothing is in force. If the behaviour continues, the next step is the %(step)s.")
        % {"step": _step(after)},
        after.kinds,
        escalate=True,
    )


def _after_breach(
    breached: EnforcementAction, after: Rung | None, settings: EnforcementSettings | None
) -> NextStep:
    kind = _label(breached.kind)
    if after is None:
        return NextStep(str(powers.BREACH_AT_THE_TOP[breached.kind]))
    if breached.kind == EnforcementKind.CPN:
        full = breached.fixed_penalty_amount or (settings and settings.fixed_penalty_amount)
        early = breached.fixed_penalty_early_amount or (
            settings and settings.fixed_penalty_early_amount
        )
        days = breached.fixed_penalty_early_days or (settings and settings.fixed_penalty_early_days)
        return NextStep(
            _(
                "Issue a fixed penalty notice (£%(full)s, or £%(early)s if paid within %(days)s "
                "days) or prosecute the breach. If it continues, the next step is the %(step)s."
            )
            % {"full": full, "early": early, "days": days, "step": _step(after)},
            after.kinds,
            escalate=True,
        )
    return NextStep(
        _("The %(kind)s was breached: the next step is the %(step)s.")
        % {"kind": kind, "step": _step(after)},
        after.kinds,
        escalate=True,
    )


# --- The ladder ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One rung as it stands for a target: not taken, proposed, in force or done."""

    rung: Rung
    state: str  # "not_taken", "proposed", "in_force", "done"
    action: EnforcementAction | None = None


@dataclass(frozen=True)
class Upcoming:
    """A date ahead: an expiry, a review or a CPW's deadline."""

    on: date
    what: str
    action: EnforcementAction


@dataclass
class TargetLadder:
    """The ladder of one person or premises (or, without the members section, of all people)."""

    label: str
    url: str
    target_kind: str  # "person" or "premises"
    named: bool
    actions: list[EnforcementAction] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    upcoming: list[Upcoming] = field(default_factory=list)
    next: NextStep | None = None

    @property
    def in_force(self) -> list[EnforcementAction]:
        return [a for a in self.actions if a.status in powers.IN_FORCE_STATUSES]


@dataclass(frozen=True)
class Ladder:
    """A case's enforcement as the viewer may see it."""

    targets: list[TargetLadder]
    shows_targets: bool
    truncated: bool

    @property
    def actions(self) -> list[EnforcementAction]:
        return [a for target in self.targets for a in target.actions]


STATE_ORDER = {"not_taken": 0, "proposed": 1, "done": 2, "in_force": 3}


def _state(action: EnforcementAction) -> str:
    if action.status in powers.IN_FORCE_STATUSES:
        return "in_force"
    if action.status == EnforcementStatus.PROPOSED:
        return "proposed"
    if action.status == EnforcementStatus.WITHDRAWN:
        return "not_taken"
    return "done"


def _steps(ladder: Sequence[Rung], actions: list[EnforcementAction]) -> list[Step]:
    steps = []
    for rung in ladder:
        best: Step = Step(rung=rung, state="not_taken")
        for action in actions:
            if action.kind in rung.kinds:
                state = _state(action)
                if STATE_ORDER[state] >= STATE_ORDER[best.state]:
                    best = Step(rung=rung, state=state, action=action)
        steps.append(best)
    return steps


def _upcoming(actions: list[EnforcementAction], today: date) -> list[Upcoming]:
    dates = []
    for action in actions:
        if action.status not in powers.IN_FORCE_STATUSES:
            continue
        if action.expires_on is not None and action.expires_on >= today:
            dates.append(Upcoming(action.expires_on, _("Expires"), action))
        if action.review_on is not None and action.review_on >= today:
            dates.append(Upcoming(action.review_on, _("Review"), action))
        if action.deadline is not None and action.deadline >= today:
            dates.append(Upcoming(action.deadline, _("Deadline for the change"), action))
    return sorted(dates, key=lambda upcoming: (upcoming.on, upcoming.action.pk))


def actions_for_case(case: Case) -> QuerySet[EnforcementAction]:
    """A case's actions with what their rows show; callers must have asked the policy first."""
    return (
        EnforcementAction.objects.filter(case=case)
        .select_related(
            "target_profile",
            "target_premises",
            "issuing_organisation",
            "issuing_team",
            "officer",
        )
        .annotate(breach_count=Count("breaches"))
        .order_by("served_on", "created_at", "pk")
    )


def _signposts(viewer: policy.Viewer, model: type[Any], ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(
        policy.signpost_visible(viewer, model.objects.filter(pk__in=ids)).values_list(
            "pk", flat=True
        )
    )


def _target_ladder(
    label: str,
    url: str,
    target_kind: str,
    named: bool,
    actions: list[EnforcementAction],
    settings: EnforcementSettings,
    today: date,
) -> TargetLadder:
    rungs = powers.PERSON_LADDER if target_kind == "person" else powers.PREMISES_LADDER
    return TargetLadder(
        label=label,
        url=url,
        target_kind=target_kind,
        named=named,
        actions=actions,
        steps=_steps(rungs, actions),
        upcoming=_upcoming(actions, today),
        next=next_step(rungs, actions, settings),
    )


def enforcement_ladder(
    viewer: policy.Viewer, case: Case, *, today: date | None = None
) -> Ladder | None:
    """The case's ladder per target, or None when the viewer may not see the case's summary."""
    if not _shows(viewer, case, Section.SUMMARY):
        return None
    today = today or timezone.localdate()
    settings = enforcement_settings_for(case.case_type.partnership_id)
    rows = list(actions_for_case(case)[: LADDER_LIMIT + 1])
    truncated = len(rows) > LADDER_LIMIT
    rows = rows[:LADDER_LIMIT]
    now = timezone.now()
    for row in rows:
        _read_lapsed_as_expired(row, now)
    shows_targets = _shows(viewer, case, Section.MEMBERS)
    if not shows_targets:
        grouped = [
            _target_ladder(label, "", kind, False, group, settings, today)
            for kind, label, group in (
                ("person", _("People in this case"), [a for a in rows if a.target_profile_id]),
                (
                    "premises",
                    _("Premises linked to this case"),
                    [a for a in rows if a.target_premises_id],
                ),
            )
            if group
        ]
        return Ladder(targets=grouped, shows_targets=False, truncated=truncated)
    seen_people = _signposts(
        viewer, Profile, {a.target_profile_id for a in rows if a.target_profile_id}
    )
    seen_places = _signposts(
        viewer, Premises, {a.target_premises_id for a in rows if a.target_premises_id}
    )
    groups: dict[tuple[str, int], list[EnforcementAction]] = {}
    for action in rows:
        key = (
            ("person", action.target_profile_id)
            if action.target_profile_id is not None
            else ("premises", cast(int, action.target_premises_id))
        )
        groups.setdefault(key, []).append(action)
    targets: list[TargetLadder] = []
    for (kind, target_id), group in groups.items():
        target = group[0].target_profile if kind == "person" else group[0].target_premises
        visible = target_id in (seen_people if kind == "person" else seen_places)
        if visible and isinstance(target, Profile):
            label, url = target.display_name, target.get_absolute_url()
        elif visible and isinstance(target, Premises):
            label, url = target.name, target.get_absolute_url()
        else:
            label = (
                _("A person whose record you cannot see")
                if kind == "person"
                else _("Premises you cannot see")
            )
            url = ""
        targets.append(_target_ladder(label, url, kind, True, group, settings, today))
    # People before premises, each by name; those the viewer cannot see last.
    targets.sort(key=lambda t: (t.target_kind != "person", not t.url, t.label))
    return Ladder(targets=targets, shows_targets=True, truncated=truncated)


@dataclass(frozen=True)
class ActionView:
    """One action as the viewer may see it, with its breaches and target."""

    action: EnforcementAction
    breaches: list[EnforcementBreach]
    target_label: str
    target_url: str
    shows_target: bool


def enforcement_action_view(viewer: policy.Viewer, case: Case, code: Any) -> ActionView | None:
    """One action of the case for the viewer, or None (missing, or no summary section)."""
    if not _shows(viewer, case, Section.SUMMARY):
        return None
    try:
        action = actions_for_case(case).filter(code=code).first()
    except (ValueError, TypeError):
        return None
    if action is None:
        return None
    action.case = case
    _read_lapsed_as_expired(action, timezone.now())
    breaches = list(action.breaches.select_related("recorded_by").order_by("occurred_on", "pk"))
    shows_target = _shows(viewer, case, Section.MEMBERS)
    label, url = "", ""
    if shows_target:
        target: Any = action.target_profile or action.target_premises
        model = Profile if action.target_profile_id else Premises
        if _signposts(viewer, model, {target.pk}):
            label = target.display_name if isinstance(target, Profile) else target.name
            url = target.get_absolute_url()
        else:
            label = (
                _("A person whose record you cannot see")
                if action.target_profile_id
                else _("Premises you cannot see")
            )
    return ActionView(action, breaches, label, url, shows_target)


@dataclass(frozen=True)
class CaseEnforcementSummary:
    """The line the case page shows: how many actions are in force and the next date."""

    in_force: int
    proposed: int
    total: int
    next_expiry: date | None
    url: str


def case_enforcement_summary(viewer: policy.Viewer, case: Case) -> CaseEnforcementSummary | None:
    """Counts for the case page, or None when the viewer may not see the case's summary."""
    if not _shows(viewer, case, Section.SUMMARY):
        return None
    now = timezone.now()
    live = in_force_condition(now)
    figures = EnforcementAction.objects.filter(case=case).aggregate(
        total=Count("pk"),
        in_force=Count("pk", filter=live),
        proposed=Count("pk", filter=Q(status=EnforcementStatus.PROPOSED)),
        next_expiry=Min("expires_on", filter=live),
    )
    return CaseEnforcementSummary(
        in_force=figures["in_force"],
        proposed=figures["proposed"],
        total=figures["total"],
        next_expiry=figures["next_expiry"],
        url=reverse("casework:enforcement_ladder", kwargs={"code": case.code}),
    )


# --- Attention due (background only) ----------------------------------------------------------


@dataclass(frozen=True)
class AttentionDue:
    """An expiry or review inside its partnership's lead time that has not raised a task yet."""

    action: EnforcementAction
    reason: str  # "expiry" or "review"
    due_on: date

    @property
    def title(self) -> str:
        """For the task: the power, the case reference and the date; never a name."""
        what = _("expires") if self.reason == "expiry" else _("is due for review")
        return _("%(kind)s on %(case)s %(what)s on %(day)s") % {
            "kind": self.action.get_kind_display(),
            "case": self.action.case.reference,
            "what": what,
            "day": date_format(self.due_on, "j F Y"),
        }

    @property
    def description(self) -> str:
        if self.reason == "expiry":
            return _(
                "Decide whether to let it lapse, vary it or take the next step on the "
                "enforcement ladder."
            )
        return _("Review the action with the person or agency it concerns and record the outcome.")

    @property
    def assignee(self) -> Any:
        """The officer who issued it, when they are in the owning team; else the team."""
        officer = self.action.officer
        if officer is None or not officer.is_active:
            return None
        owning_team = self.action.case.owning_team_id
        return officer if officer.memberships.filter(team_id=owning_team).exists() else None


def enforcement_attention_due(*, on: date) -> list[AttentionDue]:
    """Expiries and reviews of actions in force falling within their partnership's lead time
    (``EnforcementSettings.attention_lead_days``, 14 days by default) and not yet flagged.

    Dates already past are included (a scheduler that was down must not lose one). A dispersal
    direction's expiry (48 hours at most) raises no task. For the flagging task, never a page.
    """
    horizon = on + timedelta(days=powers.MAX_ATTENTION_LEAD_DAYS)
    leads = dict(EnforcementSettings.objects.values_list("partnership_id", "attention_lead_days"))
    base = EnforcementAction.objects.filter(status__in=powers.IN_FORCE_STATUSES).select_related(
        "case__case_type", "case__owning_team", "officer"
    )
    expiring = base.filter(expiry_flagged_on__isnull=True, expires_on__lte=horizon).exclude(
        kind=EnforcementKind.DISPERSAL
    )
    reviews = base.filter(review_flagged_on__isnull=True, review_on__lte=horizon)
    due: list[AttentionDue] = []
    for reason, rows, name in (
        ("expiry", expiring, "expires_on"),
        ("review", reviews, "review_on"),
    ):
        for action in rows.order_by(name, "pk"):
            day: date = getattr(action, name)
            lead = leads.get(
                action.case.case_type.partnership_id, powers.DEFAULT_ATTENTION_LEAD_DAYS
            )
            if day <= on + timedelta(days=lead):
                due.append(AttentionDue(action=action, reason=reason, due_on=day))
    return sorted(due, key=lambda item: (item.due_on, item.action.pk, item.reason))


# --- The case timeline's enforcement source ---------------------------------------------------


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def enforcement_timeline(viewer: policy.Viewer, case: Case) -> list[TimelineItem]:
    """What happened to the case's enforcement actions, for the case timeline (summary section).

    Proposed, served, each breach, and the end (expired, discharged, withdrawn). Targets are
    named only for a viewer with the members section who may see the person's signpost.
    """
    ladder = enforcement_ladder(viewer, case)
    if ladder is None:
        return []
    items: list[TimelineItem] = []
    breaches: dict[int, list[EnforcementBreach]] = {}
    for breach in EnforcementBreach.objects.filter(action__case=case).order_by("occurred_on", "pk"):
        breaches.setdefault(breach.action_id, []).append(breach)
    for target in ladder.targets:
        about = _(" about %(target)s") % {"target": target.label} if target.named else ""
        for action in target.actions:
            url = reverse(
                "casework:enforcement_detail",
                kwargs={"code": case.code, "action_code": action.code},
            )
            kind = action.get_kind_display()
            issuer = _("Issued by %(agency)s") % {"agency": action.issuing_organisation.name}

            def item(when: datetime, label: str, summary: str, url: str = url) -> TimelineItem:
                return TimelineItem(
                    occurred_at=when,
                    kind="enforcement",
                    label=label,
                    summary=summary,
                    url=url,
                    section=str(Section.SUMMARY),
                )

            if action.proposed_at is not None:
                items.append(
                    item(
                        action.proposed_at, _("%(kind)s proposed") % {"kind": kind}, issuer + about
                    )
                )
            if action.served_on is not None:
                # A date has no time: on the day it was proposed, it was served after that.
                served = action.served_at or max(
                    _at(action.served_on), action.proposed_at or _at(action.served_on)
                )
                until = (
                    _("; expires %(day)s") % {"day": date_format(action.expires_on, "j F Y")}
                    if action.expires_on
                    else ""
                )
                items.append(
                    item(served, _("%(kind)s served") % {"kind": kind}, issuer + about + until)
                )
            items.extend(
                item(
                    _at(breach.occurred_on),
                    _("%(kind)s breached") % {"kind": kind},
                    breach.get_response_display(),
                )
                for breach in breaches.get(action.pk, [])
            )
            if action.ended_on is not None:
                items.append(
                    item(
                        _at(action.ended_on),
                        _("%(kind)s %(status)s")
                        % {"kind": kind, "status": action.get_status_display().lower()},
                        action.outcome[:200],
                    )
                )
    return sorted(items, key=lambda entry: entry.occurred_at)

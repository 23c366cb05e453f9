"""Alerts: the one entry point producers call, the fan-out to recipients, watches and rules.

``alert_event`` is called by other apps' services inside their own transaction; it writes one
``AlertEvent`` and queues the fan-out after commit, so a rolled-back change alerts nobody. The
fan-out (``alert_fan_out``, run by a background task) turns an event into one ``Notification``
per recipient: the producer's named recipients, the users the partnership's alert rules name,
and the record's watchers, less the actor. Only people who can see the event's section of the
record, by ``sharing.policy``, get a row at all, so a hidden record tells no outsider anything.
Delivery (``tasking.services.notifications``) checks the policy again.

``alert_event_direct`` is the one exception to "an event happens to a record": a notice to named
people about a *subject* with access rules of its own (a task with no record, an ASB case review;
``tasking.notice_subjects``). No rule or watch applies to it, and the subject's own rules, not
the policy, decide who may hear of it, at fan-out and again at delivery. This module must never
decide access itself, never read the access table, and never put free text in a notification.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from roundtable.audit import context as audit_context
from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.directory import permissions
from roundtable.directory.models import Membership, OrganisationKind, Partnership, Role, Team, User
from roundtable.galleries.models import Gallery, GalleryMembership, MembershipState
from roundtable.records.models import Case, CaseStatus, CaseType
from roundtable.sharing import kinds, policy
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind
from roundtable.tasking import catalogue, notice_subjects
from roundtable.tasking.models import (
    AlertEvent,
    AlertRule,
    Notification,
    Reason,
    RuleScope,
    RuleTarget,
    Watch,
)

logger = logging.getLogger(__name__)

#: The slug of the seeded Foreign Nationals gallery (``galleries.seeds``), whose rules are seeded.
FOREIGN_NATIONALS_SLUG = "foreign-nationals"
STALE_RULE = "Someone else changed this alert rule while you were working on it."


class StaleRule(Exception):  # noqa: N818  (a state the caller handles, not a failure)
    """The rule changed since the form was read; ``current`` holds it as it is now."""

    def __init__(self, current: AlertRule) -> None:
        super().__init__(STALE_RULE)
        self.current = current


# --- The entry point --------------------------------------------------------------------------


@transaction.atomic
def alert_event(
    *,
    event: str,
    record: Any,
    actor: User | None,
    team: Team | None,
    section: str,
    detail: Mapping[str, str] | None = None,
    case_type: CaseType | None = None,
    gallery: Gallery | None = None,
    recipients: Iterable[User] = (),
    subject: tuple[str, int] | None = None,
) -> AlertEvent:
    """Record that ``event`` happened to ``section`` of a record; fan it out after commit.

    ``event`` is a code from ``tasking.catalogue``; ``detail`` holds only the keys it declares,
    each a short code. ``recipients`` are users the producer names itself (a task's assignee).
    ``subject`` (kind, id) names what the notice opens instead of the record (a case's task);
    who hears of it is still decided by the record's section. ``gallery`` names the gallery an
    event is about (a member added or removed), whose rules then apply even to a former member.
    """
    cleaned = catalogue.clean_detail(event, detail)
    subject_kind, subject_id = _checked_subject(subject)
    kind = int(record.record_kind)
    if section not in SECTIONS_BY_KIND[kind]:
        raise ValueError(f"A {RecordKind(kind).label} has no section {section!r}")
    if case_type is None and kind == RecordKind.CASE:
        case_type_id = record.case_type_id
    else:
        case_type_id = case_type.pk if case_type is not None else None
    row = AlertEvent.objects.create(
        occurred_at=timezone.now(),
        event=event,
        record_kind=kind,
        record_id=record.pk,
        section=section,
        detail=cleaned,
        case_type_id=case_type_id,
        gallery=gallery,
        actor=actor,
        team=team if team is not None else audit_context.current().team,
        direct_recipients=sorted({int(user.pk) for user in recipients}),
        subject_kind=subject_kind,
        subject_id=subject_id,
    )
    _queue_fan_out(row)
    return row


@transaction.atomic
def alert_event_direct(
    *,
    event: str,
    subject: tuple[str, int],
    recipients: Iterable[int],
    actor: User | None,
    team: Team | None,
    detail: Mapping[str, str] | None = None,
) -> AlertEvent | None:
    """Tell named people about a subject that is not a record; fan it out after commit.

    For a task with no record (or whose record the recipient cannot see) and an ASB case
    review: ``subject`` is a (kind, id) registered in ``tasking.notice_subjects``, whose own
    rules decide, at fan-out and at delivery, which of ``recipients`` (user ids) hear of it. No
    alert rule or watch applies. Returns None when nobody but the actor was named.
    """
    cleaned = catalogue.clean_detail(event, detail)
    subject_kind, subject_id = _checked_subject(subject)
    named = {int(user_id) for user_id in recipients}
    if actor is not None:
        named.discard(int(actor.pk))
    if not named:
        return None
    row = AlertEvent.objects.create(
        occurred_at=timezone.now(),
        event=event,
        section="",
        detail=cleaned,
        actor=actor,
        team=team if team is not None else audit_context.current().team,
        direct_recipients=sorted(named),
        subject_kind=subject_kind,
        subject_id=subject_id,
    )
    _queue_fan_out(row)
    return row


def _checked_subject(subject: tuple[str, int] | None) -> tuple[str, int | None]:
    if subject is None:
        return "", None
    kind, subject_id = subject
    notice_subjects.subject_for(kind)  # an unregistered kind is a programming error
    return kind, int(subject_id)


def _queue_fan_out(row: AlertEvent) -> None:
    # robust: a queue that fails to take it must not turn a saved change into an error page;
    # the sweep fans out any event left behind.
    transaction.on_commit(lambda: _enqueue_fan_out(row.pk), robust=True)


def _enqueue_fan_out(event_id: int) -> None:
    from roundtable.tasking.tasks import fan_out_alert_event  # the task module imports services

    fan_out_alert_event.enqueue(event_id)


# --- Fan-out ----------------------------------------------------------------------------------


def _partnership_id(event: AlertEvent, record: Any) -> int | None:
    """Whose "any record" rules apply: the case type's or gallery's partnership, else the owning
    organisation's (case-type and gallery rules belong to their own partnership by construction)."""
    if event.case_type_id is not None:
        return int(event.case_type.partnership_id)  # type: ignore[union-attr]
    if event.gallery_id is not None:
        return int(event.gallery.partnership_id)  # type: ignore[union-attr]
    partnership_id = record.owning_organisation.partnership_id
    return int(partnership_id) if partnership_id is not None else None


def _case_type_ids(event: AlertEvent, record: Any) -> set[int]:
    """The case types a rule's scope may match: the event's, or a person's open cases' types."""
    ids = {int(event.case_type_id)} if event.case_type_id is not None else set()
    if int(record.record_kind) == RecordKind.PROFILE:
        ids.update(
            Case.objects.filter(members__profile_id=record.pk, status=CaseStatus.OPEN)
            .values_list("case_type_id", flat=True)
            .distinct()
        )
    return ids


def _gallery_ids(event: AlertEvent, record: Any) -> set[int]:
    """The galleries a rule's scope may match: the event's own gallery (a member added or
    removed), and, for a person, the active galleries they are a current member of."""
    ids = {int(event.gallery_id)} if event.gallery_id is not None else set()
    if int(record.record_kind) == RecordKind.PROFILE:
        ids.update(
            GalleryMembership.objects.filter(
                profile_id=record.pk, state=MembershipState.CURRENT, gallery__is_active=True
            ).values_list("gallery_id", flat=True)
        )
    return ids


def matching_rules(event: AlertEvent, record: Any) -> list[AlertRule]:
    """The active rules that this event meets: the record's partnership's rules for any record,
    the rules of the case's type (for a person, of their open cases' types), and the rules of
    the event's gallery and of the galleries the person is a current member of.

    A case-type rule always belongs to its type's partnership, so it applies to a person in an
    open case of that type even when the person's record is owned by an agency of another
    partnership or a national one (a Home Office team owning a foreign national's record).
    """
    partnership_id = _partnership_id(event, record)
    scope = Q(scope=RuleScope.CASE_TYPE, case_type_id__in=_case_type_ids(event, record))
    galleries = _gallery_ids(event, record)
    if galleries:
        scope |= Q(scope=RuleScope.GALLERY, gallery_id__in=galleries)
    if partnership_id is not None:
        scope |= Q(scope=RuleScope.ANY, partnership_id=partnership_id)
    rules = AlertRule.objects.filter(scope, event=event.event, is_active=True).order_by("pk")
    return [
        rule
        for rule in rules
        if not rule.condition_key or event.detail.get(rule.condition_key) == rule.condition_value
    ]


def _rule_members(rule: AlertRule, event: AlertEvent, record: Any) -> list[int]:
    members = Membership.objects.filter(team__is_active=True)
    if rule.target == RuleTarget.TEAM:
        members = members.filter(team_id=rule.team_id or 0)  # set: tasking_rule_team_target
    elif rule.target == RuleTarget.OWNING_TEAM_MANAGERS:
        members = members.filter(team_id=record.owning_team_id, role=Role.TEAM_MANAGER)
    else:
        members = members.filter(team__in=policy.teams_that_can_see(record, event.section))
    return list(members.values_list("user_id", flat=True).distinct())


def _candidates(event: AlertEvent, record: Any) -> dict[int, tuple[str, int | None]]:
    """Everyone the event may concern, with why (named first, then rules, then watches)."""
    found: dict[int, tuple[str, int | None]] = {}
    for user_id in event.direct_recipients:
        found.setdefault(int(user_id), (Reason.DIRECT, None))
    for rule in matching_rules(event, record):
        for user_id in _rule_members(rule, event, record):
            found.setdefault(int(user_id), (Reason.RULE, rule.pk))
    kind, record_id = event.record_key
    watchers = Watch.objects.filter(record_kind=kind, record_id=record_id)
    for user_id in watchers.values_list("user_id", flat=True):
        found.setdefault(int(user_id), (Reason.WATCH, None))
    if event.actor_id is not None:
        found.pop(int(event.actor_id), None)
    return found


@transaction.atomic
def alert_fan_out(*, event_id: int) -> int:
    """Create one notification per recipient of an event, once; returns how many it created.

    Idempotent: an event is fanned out in one transaction that also stamps it, and a
    (event, recipient) pair is unique, so a re-run (the sweep, a repeated task) adds nothing.
    """
    event = (
        AlertEvent.objects.select_for_update(of=("self",))
        .select_related("case_type", "gallery")
        .filter(pk=event_id, fanned_out_at__isnull=True)
        .first()
    )
    if event is None:
        return 0
    if event.has_record:
        candidates, allowed = _record_recipients(event)
    else:
        candidates, allowed = _subject_recipients(event)
    created = 0
    if allowed:
        rows = [
            Notification(
                event=event,
                recipient_id=user_id,
                reason=candidates[user_id][0],
                rule_id=candidates[user_id][1],
            )
            for user_id in sorted(allowed)
        ]
        existing = Notification.objects.filter(event=event).count()
        # ignore_conflicts returns every row it was given, inserted or not: count afterwards.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created = Notification.objects.filter(event=event).count() - existing
    event.fanned_out_at = timezone.now()
    event.save(update_fields=["fanned_out_at"])
    return created


Candidates = dict[int, tuple[str, int | None]]


def _record_recipients(event: AlertEvent) -> tuple[Candidates, set[int]]:
    """Everyone the event may concern, and those of them the policy lets hear of it."""
    record = kinds.records_by_id([event.record_key]).get(event.record_key)
    if record is None:
        return {}, set()
    candidates = _candidates(event, record)
    # The policy decides who may hear of it at all: only people in a team that can see the
    # event's section. Anyone else gets no row, so nothing can ever show them it happened.
    seeing = policy.teams_that_can_see(cast(policy.Record, record), event.section)
    allowed = (
        User.objects.filter(pk__in=candidates, is_active=True, memberships__team__in=seeing)
        .values_list("pk", flat=True)
        .distinct()
    )
    return candidates, set(allowed)


def _subject_recipients(event: AlertEvent) -> tuple[Candidates, set[int]]:
    """A direct notice: its named people, and those of them the subject's rules let see it."""
    candidates: Candidates = {
        int(user_id): (Reason.DIRECT, None) for user_id in event.direct_recipients
    }
    if event.actor_id is not None:
        candidates.pop(int(event.actor_id), None)
    if not candidates or not notice_subjects.is_known(event.subject_kind):
        return candidates, set()
    subject = notice_subjects.subject_for(event.subject_kind)
    return candidates, subject.readers(int(event.subject_id or 0), set(candidates))


# --- Watches ----------------------------------------------------------------------------------


@transaction.atomic
def watch_add(*, user: User, viewer: policy.Viewer, record: Any) -> Watch:
    """Watch a record the user can see (any section); watching twice is the same as once."""
    if viewer.user_id != user.pk or not policy.can(
        viewer, policy.Action.VIEW, cast(policy.Record, record)
    ):
        raise PermissionDenied
    watch, created = Watch.objects.get_or_create(
        user=user, record_kind=int(record.record_kind), record_id=record.pk
    )
    if created:
        audit_record(
            action=Action.CREATE,
            target=watch,
            detail={"watched": kinds.label_for(record)},
        )
    return watch


@transaction.atomic
def watch_remove(*, user: User, watch: Watch) -> None:
    """Stop watching a record (allowed even when the user can no longer see it)."""
    if watch.user_id != user.pk:
        raise PermissionDenied
    audit_record(
        action=Action.DELETE,
        target=watch,
        detail={"record_kind": int(watch.record_kind), "record_id": int(watch.record_id)},
    )
    watch.delete()


# --- Alert rules ------------------------------------------------------------------------------

RULE_FIELDS = (
    "name",
    "event",
    "scope",
    "case_type",
    "gallery",
    "condition_key",
    "condition_value",
    "target",
    "team",
    "is_active",
)


def _require_partnership_admin(actor: User, partnership_id: int) -> None:
    organisation = actor.organisation
    if not (
        permissions.is_partnership_admin(actor)
        and organisation is not None
        and organisation.partnership_id == partnership_id
    ):
        raise PermissionDenied


def rule_teams(partnership_id: int) -> Any:
    """Teams a rule may name: active teams of the partnership's and of national organisations."""
    return (
        Team.objects.filter(is_active=True, organisation__is_active=True)
        .filter(
            Q(organisation__partnership_id=partnership_id)
            | Q(organisation__partnership__isnull=True)
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def rule_galleries(partnership_id: int) -> Any:
    """Galleries a rule may name: the partnership's active galleries."""
    return Gallery.objects.filter(partnership_id=partnership_id, is_active=True).order_by("name")


def _condition_problems(rule: AlertRule) -> dict[str, list[str]]:
    spec = catalogue.EVENTS.get(rule.event)
    if spec is None or not spec.for_rules:
        return {"event": ["Choose an event."]}
    if not rule.condition_key and not rule.condition_value:
        return {}
    key = spec.detail.get(rule.condition_key)
    if key is None:
        return {"condition_key": ["Choose a detail this event has, or no condition."]}
    if not rule.condition_value or not catalogue.DETAIL_VALUE.match(rule.condition_value):
        return {
            "condition_value": [
                "Enter the value as a code: lower-case letters, digits and underscores."
            ]
        }
    if key.closed and rule.condition_value not in key.values:
        return {"condition_value": [f"Choose one of: {', '.join(sorted(key.values))}."]}
    return {}


def _rule_validate(rule: AlertRule) -> None:
    errors = _condition_problems(rule)
    if rule.scope == RuleScope.CASE_TYPE:
        if rule.case_type is None:
            errors["case_type"] = ["Choose the case type this rule is about."]
        elif rule.case_type.partnership_id != rule.partnership_id:
            errors["case_type"] = ["Choose a case type of your partnership."]
    else:
        rule.case_type = None
    if rule.scope == RuleScope.GALLERY:
        if rule.gallery is None:
            errors["gallery"] = ["Choose the gallery this rule is about."]
        elif not rule_galleries(rule.partnership_id).filter(pk=rule.gallery.pk).exists():
            errors["gallery"] = ["Choose an open gallery of your partnership."]
    else:
        rule.gallery = None
    if rule.target == RuleTarget.TEAM:
        if (
            rule.team is None
            or not rule_teams(rule.partnership_id).filter(pk=rule.team.pk).exists()
        ):
            errors["team"] = ["Choose a team of your partnership, or a national team."]
    else:
        rule.team = None
    name_taken = (
        AlertRule.objects.filter(partnership_id=rule.partnership_id, name__iexact=rule.name.strip())
        .exclude(pk=rule.pk)
        .exists()
    )
    if name_taken:
        errors["name"] = ["Another alert rule in this partnership already has this name."]
    if errors:
        raise ValidationError(errors)
    rule.name = rule.name.strip()
    rule.full_clean(
        exclude=["partnership", "case_type", "gallery", "team", "created_by"],
        validate_unique=False,
    )


def _rule_audit(rule: AlertRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "event": rule.event,
        "scope": rule.scope,
        "case_type": rule.case_type.name if rule.case_type else None,
        "gallery": rule.gallery.name if rule.gallery else None,
        "condition": f"{rule.condition_key}={rule.condition_value}" if rule.condition_key else "",
        "target": rule.target,
        "team": rule.team.name if rule.team else None,
        "is_active": rule.is_active,
    }


@transaction.atomic
def alert_rule_create(
    *,
    actor: User,
    partnership: Partnership,
    name: str,
    event: str,
    target: str,
    scope: str = RuleScope.ANY,
    case_type: CaseType | None = None,
    gallery: Gallery | None = None,
    condition_key: str = "",
    condition_value: str = "",
    team: Team | None = None,
) -> AlertRule:
    """Add an alert rule to the actor's own partnership (partnership admins only)."""
    _require_partnership_admin(actor, partnership.pk)
    rule = AlertRule(
        partnership=partnership,
        name=name,
        event=event,
        scope=scope,
        case_type=case_type,
        gallery=gallery,
        condition_key=condition_key.strip(),
        condition_value=condition_value.strip(),
        target=target,
        team=team,
        created_by=actor,
    )
    _rule_validate(rule)
    rule.save()
    audit_record(
        action=Action.CREATE,
        target=rule,
        changes={key: [None, value] for key, value in _rule_audit(rule).items()},
    )
    return rule


@transaction.atomic
def alert_rule_update(
    *, actor: User, rule: AlertRule, expected_version: int, **fields: Any
) -> AlertRule:
    """Change or switch off a rule; refused (StaleRule) when someone else saved first."""
    _require_partnership_admin(actor, rule.partnership_id)
    current = (
        AlertRule.objects.select_for_update(of=("self",))
        .select_related("case_type", "gallery", "team")
        .get(pk=rule.pk)
    )
    if current.version != expected_version:
        raise StaleRule(current)
    before = _rule_audit(current)
    for name, value in fields.items():
        if name not in RULE_FIELDS:
            raise ValueError(f"alert_rule_update cannot change {name!r}")
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    _rule_validate(current)
    current.version += 1
    current.save()
    audit_record(action=Action.UPDATE, target=current, changes=diff(before, _rule_audit(current)))
    return current


# --- Seeds ------------------------------------------------------------------------------------


def _seed_specs(partnership: Partnership) -> list[dict[str, Any]]:
    types = {
        case_type.reference_prefix: case_type
        for case_type in CaseType.objects.filter(partnership=partnership, is_active=True)
    }
    teams = list(rule_teams(partnership.pk))
    specs: list[dict[str, Any]] = []
    home_office = [team for team in teams if team.organisation.kind == OrganisationKind.HOME_OFFICE]
    gallery = Gallery.objects.filter(
        partnership=partnership, slug=FOREIGN_NATIONALS_SLUG, is_active=True
    ).first()
    foreign = types.get("FNO")
    custody_scope: dict[str, Any] | None = None
    if gallery is not None:
        # Custody updates on the gallery's members: the rules live on the gallery, not on a case
        # type, so a person in the gallery needs no open case for the alert to apply.
        custody_scope = {"scope": RuleScope.GALLERY, "gallery": gallery}
        managing = set(gallery.managing_teams.values_list("pk", flat=True))
        home_office = [team for team in home_office if team.pk in managing] or home_office
        specs.extend(
            {
                "name": f"Added to {gallery.name}: {team.name}",
                "event": "gallery.member_added",
                "scope": RuleScope.GALLERY,
                "gallery": gallery,
                "target": RuleTarget.TEAM,
                "team": team,
            }
            for team in home_office
        )
    elif foreign is not None:
        custody_scope = {"scope": RuleScope.CASE_TYPE, "case_type": foreign}
    if custody_scope is not None:
        custody = {
            "event": "diary.created",
            **custody_scope,
            "condition_key": "entry_type",
            "condition_value": "custody_update",
        }
        for team in home_office:
            name = f"Custody update on a foreign national: {team.name}"
            specs.append({**custody, "name": name, "target": RuleTarget.TEAM, "team": team})
        specs.append(
            {
                **custody,
                "name": "Custody update on a foreign national: every team that sees the diary",
                "target": RuleTarget.TEAMS_THAT_CAN_SEE,
            }
        )
    mash = types.get("MASH")
    if mash is not None:
        specs.extend(
            {
                "name": f"New MASH referral: {team.name}",
                "event": "case.created",
                "scope": RuleScope.CASE_TYPE,
                "case_type": mash,
                "target": RuleTarget.TEAM,
                "team": team,
            }
            for team in teams
            if "MASH" in team.name.upper() and team.organisation.partnership_id == partnership.pk
        )
    specs.append(
        {
            "name": "Case rated red: managers of the owning team",
            "event": "case.risk_changed",
            "scope": RuleScope.ANY,
            "condition_key": "rag",
            "condition_value": "red",
            "target": RuleTarget.OWNING_TEAM_MANAGERS,
        }
    )
    return specs


def _seed_move_to_gallery(rule: AlertRule, spec: Mapping[str, Any]) -> None:
    """Move a seeded case-type rule nobody has changed onto its gallery (audited, once)."""
    if not (
        spec.get("scope") == RuleScope.GALLERY
        and rule.scope == RuleScope.CASE_TYPE
        and rule.version == 0
        and rule.created_by_id is None
    ):
        return
    before = _rule_audit(rule)
    rule.scope, rule.gallery, rule.case_type = RuleScope.GALLERY, spec["gallery"], None
    _rule_validate(rule)
    rule.version += 1
    rule.save()
    audit_record(action=Action.UPDATE, target=rule, changes=diff(before, _rule_audit(rule)))


@transaction.atomic
def alert_rules_seed(*, partnership: Partnership) -> list[AlertRule]:
    """Add the standard alert rules a partnership lacks (by name); returns the ones added.

    With a Foreign Nationals gallery: adding someone to it tells the gallery's Home Office teams,
    and a custody update on one of its members tells them and every team that can see the diary
    (without the gallery, the custody rules are on the foreign national offender case type; a
    seeded case-type rule nobody changed is moved onto the gallery once it exists). A new MASH
    case tells the MASH teams; a case rated red tells the owning team's managers. Rules an
    administrator changed or switched off are left alone.
    """
    existing = {
        rule.name.lower(): rule
        for rule in AlertRule.objects.filter(partnership=partnership).select_related(
            "case_type", "gallery", "team"
        )
    }
    added = []
    for spec in _seed_specs(partnership):
        if spec["name"].lower() in existing:
            _seed_move_to_gallery(existing[spec["name"].lower()], spec)
            continue
        rule = AlertRule(partnership=partnership, **spec)
        _rule_validate(rule)
        rule.save()
        audit_record(action=Action.CREATE, target=rule, changes={"seeded": [None, rule.name]})
        added.append(rule)
    return added

"""Delivery of notifications and their emails, exactly once, each checked at delivery time.

A notification goes pending -> sending -> sent (or suppressed). A worker *claims* rows before
working on them: an atomic conditional UPDATE (``state = pending``, or ``sending`` with a claim
older than ``CLAIM_TIMEOUT``) stamps a fresh token, and only the rows carrying that token are the
worker's; on PostgreSQL the candidates are first picked with ``SELECT ... FOR UPDATE SKIP
LOCKED`` so concurrent workers take different rows instead of queueing. The work on a claimed row
ends with one transaction that re-checks the token, so a worker whose claim went stale (and was
taken over) writes nothing. A worker that dies leaves its rows in ``sending``; the sweep takes
them again once the claim is stale. Emails go through the same machine in ``OutboundEmail``,
written in the transaction that delivers the notification (or makes the day's digest) under a
unique key, so each is decided once; see ``docs/tasking.md`` for the one window left open (a mail
server that accepted a message just before the worker died).

At delivery the recipient's viewer is rebuilt for each of their teams and ``sharing.policy.can``
asked whether any team may see the event's section; if none may, the notification is suppressed:
no email, never shown. A direct notice about a subject with no record (a task, an ASB case
review) asks the subject's own rules instead (``tasking.notice_subjects``). Emails carry the
event's kind, the record's (or subject's) reference and a link, never a name, a date of birth,
an address or free text. This module must never decide access itself.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Membership, Team, User
from roundtable.sharing import kinds, policy
from roundtable.tasking import catalogue, notice_subjects
from roundtable.tasking.models import (
    AlertEvent,
    DeliveryState,
    EmailMode,
    Notification,
    NotificationPreference,
    OutboundEmail,
)
from roundtable.tasking.selectors import notifications as selectors

logger = logging.getLogger(__name__)

#: A claim older than this is taken to belong to a worker that died, and is taken again.
CLAIM_TIMEOUT = timedelta(minutes=5)
#: Rows claimed at a time, so a claim is worked through well within CLAIM_TIMEOUT.
BATCH = 50
#: Batches one sweep works through at most, so a sweep always ends.
SWEEP_BATCHES = 20
#: An event left unfanned this long was lost by the queue (or its worker died): the sweep acts.
FAN_OUT_GRACE = timedelta(minutes=1)
#: Attempts at an email before it is given up (the sweep retries once a minute).
EMAIL_ATTEMPTS = 5
#: Notifications listed in one digest at most (the rest are counted and linked as a whole).
DIGEST_LISTED = 50


# --- Claims -----------------------------------------------------------------------------------


def _claimable(now: datetime) -> Q:
    return Q(state=DeliveryState.PENDING) | Q(
        state=DeliveryState.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def claim(
    candidates: models.QuerySet[Any], *, now: datetime, limit: int = BATCH
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to ``limit`` due rows of ``candidates``; returns the token and the rows won."""
    token = uuid.uuid4()
    model = candidates.model
    with transaction.atomic():
        # SKIP LOCKED on PostgreSQL (ignored on SQLite, whose IMMEDIATE transactions already
        # take the write lock at BEGIN): concurrent claimers pass over each other's rows.
        ids = list(
            candidates.filter(_claimable(now))
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return token, []
        # The conditional UPDATE is what makes a claim safe on any database: a row another
        # worker claimed in between no longer matches and is not ours.
        model.objects.filter(_claimable(now), pk__in=ids).update(
            state=DeliveryState.SENDING, claim_token=token, claimed_at=now
        )
    won = model.objects.filter(claim_token=token, state=DeliveryState.SENDING)
    return token, list(won.order_by("pk").values_list("pk", flat=True))


def _finish(model: type[models.Model], pk: int, token: uuid.UUID, **values: Any) -> bool:
    """End a claimed row's work (in the caller's transaction); False when the claim was lost."""
    return bool(
        model._default_manager.filter(pk=pk, claim_token=token, state=DeliveryState.SENDING).update(
            **values
        )
    )


# --- Delivery ---------------------------------------------------------------------------------


def absolute(path: str) -> str:
    """A link to a page of this site, for an email."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def preference_of(user_id: int) -> str:
    """The user's email choice (immediate unless they chose otherwise)."""
    chosen = (
        NotificationPreference.objects.filter(user_id=user_id)
        .values_list("email_mode", flat=True)
        .first()
    )
    return str(chosen or EmailMode.IMMEDIATE)


def team_that_sees(user: User, record: Any, section: str) -> Team | None:
    """The first of the user's active teams (by name) that may see the section, per the policy."""
    if not user.is_active:
        return None
    memberships = (
        Membership.objects.filter(user=user, team__is_active=True)
        .select_related("team__organisation")
        .order_by("team__name")
    )
    for membership in memberships:
        viewer = policy.viewer_for_user(user, membership.team, membership.role)
        if policy.can(viewer, policy.Action.VIEW, cast(policy.Record, record), section):
            return membership.team
    return None


def notification_title(event: AlertEvent, record: Any, subject_reference: str = "") -> str:
    """The in-app headline: the event (with its coded detail), the subject's reference (a
    task's) and the record's reference; never a name or a title."""
    headline = catalogue.describe(event.event, event.detail)
    if subject_reference:
        headline = f"{headline}: {subject_reference}"
    if record is not None:
        headline = f"{headline} on {kinds.label_for(record)}"
    return headline[:200]


def subject_reference(event: AlertEvent) -> str:
    """The reference of what the event is about besides its record (a task's), or ""."""
    if not event.subject_kind or not notice_subjects.is_known(event.subject_kind):
        return ""
    subject_id = int(event.subject_id or 0)
    found = notice_subjects.subject_for(event.subject_kind).references({subject_id})
    return found.get(subject_id, "")


def email_reference(event: AlertEvent, record: Any) -> str:
    """What an email names: the record's reference, or else the subject's."""
    return kinds.label_for(record) if record is not None else subject_reference(event)


def _message_id(code: uuid.UUID) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "roundtable.invalid"
    return f"<{code}@{domain}>"


def _email_for(notification: Notification, reference: str) -> OutboundEmail:
    event = notification.event
    context = {
        "event": catalogue.label_of(event.event),
        "reference": reference,
        "link": absolute(reverse("tasking:notification_open", kwargs={"code": notification.code})),
        "preferences": absolute(reverse("tasking:notification_preferences")),
    }
    code = uuid.uuid4()
    return OutboundEmail(
        code=code,
        key=f"notification:{notification.pk}",
        recipient_id=notification.recipient_id,
        notification=notification,
        subject=render_to_string("tasking/email/notification_subject.txt", context).strip(),
        body=render_to_string("tasking/email/notification_message.txt", context),
        message_id=_message_id(code),
    )


@dataclass
class _Records:
    """Records loaded once per batch: many notifications share one event and its record."""

    loaded: dict[tuple[int, int], Any] = field(default_factory=dict)

    def get(self, event: AlertEvent) -> Any:
        if not event.has_record:
            return None
        key = event.record_key
        if key not in self.loaded:
            self.loaded[key] = kinds.records_by_id([key]).get(key)
        return self.loaded[key]


@dataclass(frozen=True)
class _Allowed:
    """May the recipient still hear of it, and through which of their teams (records only)."""

    allowed: bool
    via: Team | None = None


def _still_allowed(notification: Notification, record: Any) -> _Allowed:
    """Ask the policy (a record's section) or the subject's own rules (a direct notice)."""
    event = notification.event
    if event.has_record:
        if record is None:
            return _Allowed(False)
        via = team_that_sees(notification.recipient, record, event.section)
        return _Allowed(via is not None, via)
    if not notification.recipient.is_active or not notice_subjects.is_known(event.subject_kind):
        return _Allowed(False)
    subject = notice_subjects.subject_for(event.subject_kind)
    recipient = int(notification.recipient_id)
    return _Allowed(recipient in subject.readers(int(event.subject_id or 0), {recipient}))


def _deliver_claimed(pk: int, token: uuid.UUID, records: _Records, now: datetime) -> int | None:
    """Deliver one claimed notification; returns the id of an email to send, if any."""
    notification = Notification.objects.select_related("event", "recipient").get(pk=pk)
    event = notification.event
    record = records.get(event)
    checked = _still_allowed(notification, record)
    with transaction.atomic():
        if not checked.allowed:
            _finish(Notification, pk, token, state=DeliveryState.SUPPRESSED, delivered_at=now)
            return None
        mode = preference_of(notification.recipient_id)
        if not _finish(
            Notification,
            pk,
            token,
            state=DeliveryState.SENT,
            delivered_at=now,
            via_team=checked.via,
            title=notification_title(event, record, subject_reference(event)),
            email_mode=mode,
        ):
            return None  # our claim went stale and another worker has it: leave it to them
        if mode != EmailMode.IMMEDIATE:
            return None
        email = _email_for(notification, email_reference(event, record))
        email.save()
        return int(email.pk)


def notifications_deliver(*, event_id: int | None = None, now: datetime | None = None) -> int:
    """Deliver the due notifications (of one event, or all); returns how many were worked."""
    worked = 0
    emails: list[int] = []
    records = _Records()
    candidates = Notification.objects.all()
    if event_id is not None:
        candidates = candidates.filter(event_id=event_id)
    for _round in range(SWEEP_BATCHES):
        moment = now or timezone.now()
        token, claimed = claim(candidates, now=moment)
        if not claimed:
            break
        for pk in claimed:
            email_id = _deliver_claimed(pk, token, records, moment)
            if email_id is not None:
                emails.append(email_id)
        worked += len(claimed)
    if emails:
        outbound_emails_send(email_ids=emails, now=now)
    return worked


# --- Email ------------------------------------------------------------------------------------


def _still_wanted(email: OutboundEmail) -> bool:
    """An immediate email goes only while its recipient may still see what it is about."""
    if not email.recipient.is_active:
        return False
    if email.notification is None:
        return True
    viewers = selectors.viewers_of(email.recipient)
    return bool(selectors.notifications_visible(viewers, [email.notification]))


def _send_claimed(pk: int, token: uuid.UUID, now: datetime) -> bool:
    email = OutboundEmail.objects.select_related("recipient", "notification__event").get(pk=pk)
    if not _still_wanted(email):
        with transaction.atomic():
            _finish(OutboundEmail, pk, token, state=DeliveryState.SUPPRESSED)
        return False
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.recipient.email],
        headers={"Message-ID": email.message_id},
    )
    try:
        message.send()
    except Exception as error:
        gave_up = email.attempts + 1 >= EMAIL_ATTEMPTS
        with transaction.atomic():
            _finish(
                OutboundEmail,
                pk,
                token,
                state=DeliveryState.FAILED if gave_up else DeliveryState.PENDING,
                attempts=F("attempts") + 1,
            )
        logger.warning("email %s not sent (%s)", email.code, type(error).__name__)
        return False
    # The window: a worker that dies here, after the server took the message and before this
    # commit, leaves the row claimed; the sweep sends it again, once, with the same Message-ID.
    with transaction.atomic():
        _finish(
            OutboundEmail,
            pk,
            token,
            state=DeliveryState.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
        )
    return True


def outbound_emails_send(
    *, email_ids: Iterable[int] | None = None, now: datetime | None = None
) -> int:
    """Send the due emails (the ones named, or all); returns how many went."""
    candidates = OutboundEmail.objects.all()
    if email_ids is not None:
        candidates = candidates.filter(pk__in=list(email_ids))
    sent = 0
    tried: list[int] = []
    for _round in range(SWEEP_BATCHES):
        moment = now or timezone.now()
        # One attempt per email per call: a refused one waits for the next sweep.
        token, claimed = claim(candidates.exclude(pk__in=tried), now=moment)
        if not claimed:
            break
        tried.extend(claimed)
        sent += sum(1 for pk in claimed if _send_claimed(pk, token, moment))
    return sent


# --- The sweep and the digest -----------------------------------------------------------------


def notifications_sweep(*, now: datetime | None = None) -> int:
    """Make good whatever a lost queue message or a dead worker left: fan out, deliver, send."""
    from roundtable.tasking.services.alerts import alert_fan_out  # alerts imports this module

    moment = now or timezone.now()
    stuck = AlertEvent.objects.filter(
        fanned_out_at__isnull=True, occurred_at__lt=moment - FAN_OUT_GRACE
    ).order_by("pk")
    worked = 0
    for event_id in stuck.values_list("pk", flat=True)[: BATCH * SWEEP_BATCHES]:
        worked += alert_fan_out(event_id=event_id)
    worked += notifications_deliver(now=now)
    worked += outbound_emails_send(now=now)
    return worked


def _digest_context(user: User, items: list[selectors.NotificationItem]) -> dict[str, Any]:
    listed = [
        {
            "event": catalogue.label_of(item.notification.event.event),
            "reference": item.reference,
            "link": absolute(
                reverse("tasking:notification_open", kwargs={"code": item.notification.code})
            ),
        }
        for item in items[:DIGEST_LISTED]
    ]
    return {
        "count": len(items),
        "listed": listed,
        "more": max(0, len(items) - DIGEST_LISTED),
        "centre": absolute(reverse("tasking:notification_list")),
        "preferences": absolute(reverse("tasking:notification_preferences")),
    }


def _digest_for(user_id: int, day: str, now: datetime) -> int | None:
    """Make one user's digest for ``day`` (at most one ever); returns the email's id."""
    key = f"digest:{user_id}:{day}"
    try:
        with transaction.atomic():
            if OutboundEmail.objects.filter(key=key).exists():
                return None
            user = User.objects.get(pk=user_id)
            waiting = list(
                Notification.objects.filter(
                    recipient_id=user_id,
                    state=DeliveryState.SENT,
                    email_mode=EmailMode.DAILY,
                    digest__isnull=True,
                    delivered_at__lte=now,
                )
                .select_related("event")
                .order_by("pk")
            )
            items = selectors.notifications_visible(selectors.viewers_of(user), waiting)
            shown = {item.notification.pk for item in items}
            hidden = [row.pk for row in waiting if row.pk not in shown]
            # What the user may no longer see is never emailed: take it out of the digest queue.
            Notification.objects.filter(pk__in=hidden).update(email_mode=EmailMode.NONE)
            if not items or not user.is_active:
                Notification.objects.filter(pk__in=shown).update(email_mode=EmailMode.NONE)
                return None
            context = _digest_context(user, items)
            code = uuid.uuid4()
            email = OutboundEmail.objects.create(
                code=code,
                key=key,
                recipient=user,
                subject=render_to_string("tasking/email/digest_subject.txt", context).strip(),
                body=render_to_string("tasking/email/digest_message.txt", context),
                message_id=_message_id(code),
            )
            Notification.objects.filter(pk__in=shown).update(digest=email)
            return int(email.pk)
    except IntegrityError:
        return None  # another worker made today's digest first


def notification_digests_send(*, now: datetime | None = None) -> int:
    """Send each daily-digest user one email a day, after the digest hour; returns how many."""
    moment = now or timezone.now()
    local = timezone.localtime(moment)
    if local.hour < settings.NOTIFICATION_DIGEST_HOUR:
        return 0
    day = local.date().isoformat()
    users = (
        Notification.objects.filter(
            state=DeliveryState.SENT, email_mode=EmailMode.DAILY, digest__isnull=True
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    made = [
        email_id
        for user_id in sorted(set(users))
        if (email_id := _digest_for(user_id, day, moment)) is not None
    ]
    if made:
        outbound_emails_send(email_ids=made, now=now)
    return len(made)


# --- The reader's own actions -----------------------------------------------------------------
# Reading is the user's own inbox state, not a change to anyone's record: it is not audited
# (an event per click would bury the log). Preferences are.


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> None:
    """Mark one of the user's notifications read (again is harmless)."""
    if notification.recipient_id != user.pk:
        raise ValidationError("This is not your notification.")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every delivered notification of the user read; returns how many changed."""
    return Notification.objects.filter(
        recipient=user, state=DeliveryState.SENT, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user: User, email_mode: str) -> NotificationPreference:
    """Choose immediate emails, a daily digest or no email (applies to notices from now on)."""
    if email_mode not in EmailMode.values:
        raise ValidationError({"email_mode": ["Choose how you want to be emailed."]})
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    before = preference.email_mode if not _created else None
    preference.email_mode = email_mode
    preference.full_clean()
    preference.save()
    if before != email_mode:
        audit_record(
            action=Action.UPDATE,
            target=preference,
            changes={"email_mode": [before, email_mode]},
        )
    return preference

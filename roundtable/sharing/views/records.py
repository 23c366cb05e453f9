"""A record's sharing page and the actions taken from it: share, revoke, change visibility,
ask for access, break the glass, offer a transfer.

Every view reaches the record through ``kinds.reach`` with the policy action it needs, so a
missing or hidden record is 404 and a visible one the viewer may not act on is 403, exactly as
on the record pages. Views here must never read sharing rows of a record the viewer did not reach.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from roundtable.sharing import kinds, selectors, services
from roundtable.sharing.forms import (
    AccessRequestForm,
    BreakGlassForm,
    ReasonForm,
    RecipientForm,
    ShareForm,
    TransferOfferForm,
    VisibilityForm,
    apply_errors,
)
from roundtable.sharing.models import AccessSource
from roundtable.sharing.policy import Action, can
from roundtable.sharing.sections import describe, from_mask
from roundtable.sharing.services.glass import break_glass_open
from roundtable.sharing.services.requests import access_request_create
from roundtable.sharing.services.transfers import transfer_offer
from roundtable.sharing.views.common import acting_team, record_url, sharing_url, signed_in


def _base(reached: Any, kind: str) -> dict[str, Any]:
    record = reached.record
    return {
        "record": record,
        "kind": kind,
        "reference": kinds.label_for(record),
        "record_url": record_url(record),
        "sharing_url": sharing_url(record),
    }


@login_required
def record_sharing(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The owning team's view of who a record is shared with, and what can change."""
    reached = kinds.reach(request, kind, code, action=Action.SHARE)
    record = reached.record
    grants = selectors.grants_for_record(record)
    context = _base(reached, kind) | {
        "grants": [
            (
                grant,
                describe(from_mask(grant.sections)),
                grant.origin == AccessSource.ACCESS_REQUEST,
            )
            for grant in grants
        ],
        "glass": selectors.glass_for_record(record),
        "transfer": selectors.pending_transfer(record),
        "can_manage": can(reached.viewer, Action.MANAGE_ACCESS, record),
    }
    return render(request, "sharing/record_sharing.html", context)


def _recipient(value: str, recipients: selectors.Recipients) -> tuple[Any, Any] | None:
    """(team, None) or (None, organisation) for a "team:<code>" / "organisation:<code>" value."""
    prefix, _sep, code = value.partition(":")
    if prefix == "team":
        team = next((team for team in recipients.teams if str(team.code) == code), None)
        return (team, None) if team else None
    if prefix == "organisation":
        org = next((org for org in recipients.organisations if str(org.code) == code), None)
        return (None, org) if org else None
    return None


@login_required
def share(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Share sections of a record: first who with, then what, under which agreement, and why."""
    reached = kinds.reach(request, kind, code, action=Action.SHARE)
    record = reached.record
    recipients = selectors.share_recipients(record)
    context = _base(reached, kind)
    picker = RecipientForm(
        request.GET if "to" in request.GET else None,
        teams=recipients.teams,
        organisations=recipients.organisations,
    )
    chosen = (
        _recipient(picker.cleaned_data["to"], recipients)
        if picker.is_bound and picker.is_valid()
        else None
    )
    if chosen is None:
        context |= {"form": picker, "has_recipients": bool(recipients.teams)}
        return render(request, "sharing/share_recipient.html", context)
    team, organisation = chosen
    recipient_org = team.organisation if team else organisation
    agreements = selectors.agreements_covering(record, recipient_org.pk)
    form = ShareForm(
        request.POST if request.method == "POST" else None,
        kind=int(record.record_kind),
        agreements=agreements,
    )
    if form.is_bound and form.is_valid():
        try:
            services.grant_create(
                actor=signed_in(request),
                record=record,
                agreement=form.cleaned_data["agreement"],
                sections=form.cleaned_data["sections"],
                team=team,
                organisation=organisation,
                expires_at=form.expires_at(),
                reason=form.cleaned_data["reason"].strip(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Shared with {team.name if team else organisation.name}")
            return redirect(sharing_url(record))
    context |= {
        "form": form,
        "recipient": team or organisation,
        "recipient_label": (
            f"{team.name}, {team.organisation.name}" if team else f"everyone in {organisation.name}"
        ),
        "agreements": agreements,
        "to": picker.cleaned_data["to"],
    }
    return render(request, "sharing/share_form.html", context)


@login_required
def revoke(request: HttpRequest, kind: str, code: str, grant: str) -> HttpResponse:
    """End one share of a record now, with a reason."""
    reached = kinds.reach(request, kind, code, action=Action.SHARE)
    record = reached.record
    row = selectors.grant_for_record(record, grant)
    form = ReasonForm(request.POST or None, label="Reason for ending the share")
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_revoke(
                actor=signed_in(request),
                grant=row,
                record=record,
                reason=form.cleaned_data["reason"].strip(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The share has ended")
            return redirect(sharing_url(record))
    if row.team is not None:
        recipient = row.team.name
    else:
        recipient = f"everyone in {row.organisation.name if row.organisation else ''}"
    context = _base(reached, kind) | {
        "form": form,
        "title": "End this share",
        "intro": f"{recipient} will stop seeing {describe(from_mask(row.sections))} at once.",
        "submit": "End the share",
        "warning_button": True,
    }
    return render(request, "sharing/form_page.html", context)


@login_required
def visibility(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Make a record normal, restricted (signpost only) or hidden, with a reason."""
    reached = kinds.reach(request, kind, code, action=Action.SHARE)
    record = reached.record
    form = VisibilityForm(
        request.POST or None,
        initial={"visibility": record.visibility, "version": record.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_set_visibility(
                actor=signed_in(request),
                record=record,
                visibility=form.cleaned_data["visibility"],
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"].strip(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Who can find this record has changed")
            return redirect(sharing_url(record))
    context = _base(reached, kind) | {
        "form": form,
        "title": "Change who can find this record",
        "intro": (
            "Restricted records show only a signpost to anyone without an explicit share. "
            "Hidden records cannot be found at all outside their shares."
        ),
        "submit": "Save",
    }
    return render(request, "sharing/form_page.html", context)


@login_required
def request_access(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Ask the owning team for sections of a record the viewer sees only in part."""
    reached = kinds.reach(request, kind, code, action=Action.REQUEST_ACCESS)
    record = reached.record
    form = AccessRequestForm(request.POST or None, kind=int(record.record_kind))
    if request.method == "POST" and form.is_valid():
        try:
            access_request_create(
                actor=signed_in(request),
                team=acting_team(request),
                record=record,
                sections=form.cleaned_data["sections"],
                reason=form.cleaned_data["reason"].strip(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your request has been sent to the owning team's managers")
            return redirect("sharing:my_requests")
    context = _base(reached, kind) | {
        "form": form,
        "title": "Ask for access",
        "intro": (
            f"{record.owning_team.name}, {record.owning_organisation.name} owns this record. "
            "Its managers decide whether to share it with your team."
        ),
        "submit": "Send request",
        "back_url": record_url(record),
    }
    return render(request, "sharing/form_page.html", context)


@login_required
def break_glass(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Open a record at once in an emergency, with a reason; the owners are alerted."""
    reached = kinds.reach(request, kind, code, action=Action.BREAK_GLASS)
    record = reached.record
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            glass = break_glass_open(
                actor=signed_in(request),
                team=acting_team(request),
                record=record,
                reason=form.cleaned_data["reason"].strip(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            until = date_format(timezone.localtime(glass.expires_at), "j F Y H:i")
            messages.success(request, f"Emergency access is open until {until}")
            return redirect(record_url(record))
    context = _base(reached, kind) | {
        "form": form,
        "title": "Break the glass",
        "intro": (
            "Use this only when someone could come to harm if you waited for the owning team to "
            f"answer a request. {record.owning_team.name} will be told who opened the record, "
            "when and why."
        ),
        "warning": "Emergency access is audited and reviewed.",
        "submit": "Open the record now",
        "warning_button": True,
        "back_url": record_url(record),
    }
    return render(request, "sharing/form_page.html", context)


@login_required
def offer_transfer(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Offer ownership of a record to another team (the owning team's managers)."""
    reached = kinds.reach(request, kind, code, action=Action.MANAGE_ACCESS)
    record = reached.record
    form = TransferOfferForm(request.POST or None, exclude_team_id=record.owning_team_id)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfer_offer(
                actor=signed_in(request),
                record=record,
                to_team=form.cleaned_data["to_team"],
                reason=form.cleaned_data["reason"].strip(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Offered to {transfer.to_team.name}")
            return redirect(reverse("sharing:transfer_detail", kwargs={"code": transfer.code}))
    context = _base(reached, kind) | {
        "form": form,
        "title": "Transfer ownership",
        "intro": (
            "The receiving team's managers accept or reject the offer. Until then your team "
            "keeps the record, and you can revoke the offer."
        ),
        "submit": "Offer the record",
    }
    return render(request, "sharing/form_page.html", context)

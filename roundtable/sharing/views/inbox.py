"""What waits for a team: access requests to answer, transfers to accept or reject, and the
asker's own "My access requests" page.

Inbox pages are for the acting team's managers (others get 403); a request or transfer not
addressed to the acting team is 404. Before answering, the policy is asked again about the
record itself (MANAGE_ACCESS), so a record that changed owner cannot be answered for.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.sharing import kinds, selectors
from roundtable.sharing.forms import GrantRequestForm, ReasonForm, TransferAcceptForm, apply_errors
from roundtable.sharing.models import RequestStatus, TransferStatus
from roundtable.sharing.policy import Action, can, viewer_for
from roundtable.sharing.sections import describe, from_mask
from roundtable.sharing.services.requests import access_request_grant, access_request_refuse
from roundtable.sharing.services.transfers import (
    consent_choices,
    transfer_accept,
    transfer_reject,
    transfer_revoke,
)
from roundtable.sharing.views.common import (
    acting_team_id,
    record_url,
    require_acting_manager,
    signed_in,
)


@login_required
def request_inbox(request: HttpRequest) -> HttpResponse:
    """Access requests waiting for the acting team's answer."""
    team_id = require_acting_manager(request)
    items = selectors.request_inbox(team_id)
    rows = [(item, describe(from_mask(item.row.sections))) for item in items]
    return render(request, "sharing/request_inbox.html", {"rows": rows})


def _record_of(row: Any) -> Any:
    found = kinds.records_by_id([(row.record_kind, row.record_id)])
    record = found.get((int(row.record_kind), row.record_id))
    if record is None:
        raise Http404
    return record


@login_required
def request_answer(request: HttpRequest, code: str) -> HttpResponse:
    """Read one request and grant it (under an agreement) or refuse it, with a reason."""
    team_id = require_acting_manager(request)
    access_request = selectors.request_for_manager(team_id, code)
    record = _record_of(access_request)
    pending = access_request.status == RequestStatus.PENDING
    if pending and not can(viewer_for(request), Action.MANAGE_ACCESS, record):
        raise PermissionDenied
    agreements = selectors.agreements_covering(
        record, access_request.requester_team.organisation_id
    )
    decision = request.POST.get("decision") if request.method == "POST" else None
    grant_form = GrantRequestForm(
        request.POST if decision == "grant" else None,
        kind=int(record.record_kind),
        asked=access_request.sections,
        agreements=agreements,
        initial={"sections": [str(s) for s in from_mask(access_request.sections)]},
        prefix="grant",
    )
    refuse_form = ReasonForm(
        request.POST if decision == "refuse" else None,
        label="Reason for refusing",
        prefix="refuse",
    )
    if pending and decision == "grant" and grant_form.is_valid():
        try:
            access_request_grant(
                actor=signed_in(request),
                request=access_request,
                record=record,
                agreement=grant_form.cleaned_data["agreement"],
                sections=grant_form.cleaned_data["sections"],
                reason=grant_form.cleaned_data["reason"].strip(),
                expires_at=grant_form.expires_at(),
            )
        except ValidationError as error:
            apply_errors(grant_form, error)
        else:
            messages.success(request, "Access granted. The asker has been told.")
            return redirect("sharing:request_inbox")
    if pending and decision == "refuse" and refuse_form.is_valid():
        try:
            access_request_refuse(
                actor=signed_in(request),
                request=access_request,
                record=record,
                reason=refuse_form.cleaned_data["reason"].strip(),
            )
        except ValidationError as error:
            apply_errors(refuse_form, error)
        else:
            messages.success(request, "Request refused. The asker has been told.")
            return redirect("sharing:request_inbox")
    context = {
        "access_request": access_request,
        "record": record,
        "reference": kinds.label_for(record),
        "record_url": record_url(record),
        "asked": describe(from_mask(access_request.sections)),
        "pending": pending,
        "agreements": agreements,
        "grant_form": grant_form,
        "refuse_form": refuse_form,
    }
    return render(request, "sharing/request_answer.html", context)


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """The user's own access requests and the answers they got."""
    items = selectors.my_requests(request.user)
    rows = [(item, describe(from_mask(item.row.sections))) for item in items]
    return render(request, "sharing/my_requests.html", {"rows": rows})


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Transfers offered to the acting team, and the ones it offered, still waiting."""
    team_id = require_acting_manager(request)
    incoming, outgoing = selectors.transfers_for_team(team_id)
    return render(
        request, "sharing/transfer_list.html", {"incoming": incoming, "outgoing": outgoing}
    )


def _transfer_context(request: HttpRequest, code: str) -> dict[str, Any]:
    team_id = acting_team_id(request)
    transfer = selectors.transfer_for_team(team_id, code)
    require_acting_manager(request)
    record = _record_of(transfer)
    return {
        "transfer": transfer,
        "record": record,
        "reference": kinds.label_for(record),
        "record_url": record_url(record),
        "receiving": transfer.to_team_id == team_id,
        "offering": transfer.from_team_id == team_id,
        "pending": transfer.status == TransferStatus.OFFERED,
    }


def _accept_form(request: HttpRequest, record: Any) -> TransferAcceptForm:
    return TransferAcceptForm(
        request.POST if request.method == "POST" else None,
        consent_choices=consent_choices(record),
        prefix="accept",
    )


@login_required
def transfer_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One transfer: its terms and, while it waits, the forms to answer or revoke it."""
    context = _transfer_context(request, code)
    context |= {
        "accept_form": _accept_form(request, context["record"]),
        "reject_form": ReasonForm(label="Reason for rejecting", prefix="reject"),
        "revoke_form": ReasonForm(label="Reason for revoking the offer", prefix="revoke"),
    }
    return render(request, "sharing/transfer_detail.html", context)


def _answered(request: HttpRequest, context: dict[str, Any], **forms: Any) -> HttpResponse:
    context |= {
        "accept_form": forms.get("accept_form")
        or TransferAcceptForm(consent_choices=consent_choices(context["record"]), prefix="accept"),
        "reject_form": forms.get("reject_form")
        or ReasonForm(label="Reason for rejecting", prefix="reject"),
        "revoke_form": forms.get("revoke_form")
        or ReasonForm(label="Reason for revoking the offer", prefix="revoke"),
    }
    return render(request, "sharing/transfer_detail.html", context)


@login_required
@require_POST
def transfer_accept_view(request: HttpRequest, code: str) -> HttpResponse:
    """The receiving team's manager takes ownership, re-confirming consent."""
    context = _transfer_context(request, code)
    if not context["receiving"]:
        raise PermissionDenied
    form = _accept_form(request, context["record"])
    if context["pending"] and form.is_valid():
        try:
            transfer_accept(
                actor=signed_in(request),
                transfer=context["transfer"],
                record=context["record"],
                consent_confirmed=form.cleaned_data["consent_confirmed"],
                consent_status=form.cleaned_data.get("consent_status", ""),
                reason=(form.cleaned_data.get("reason") or "").strip(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Your team now owns {context['reference']}")
            return redirect(reverse("sharing:transfer_list"))
    return _answered(request, context, accept_form=form)


@login_required
@require_POST
def transfer_reject_view(request: HttpRequest, code: str) -> HttpResponse:
    """The receiving team's manager turns the offer down."""
    context = _transfer_context(request, code)
    if not context["receiving"]:
        raise PermissionDenied
    form = ReasonForm(request.POST, label="Reason for rejecting", prefix="reject")
    if context["pending"] and form.is_valid():
        try:
            transfer_reject(
                actor=signed_in(request),
                transfer=context["transfer"],
                record=context["record"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Transfer rejected")
            return redirect(reverse("sharing:transfer_list"))
    return _answered(request, context, reject_form=form)


@login_required
@require_POST
def transfer_revoke_view(request: HttpRequest, code: str) -> HttpResponse:
    """The offering team's manager withdraws the offer while it waits."""
    context = _transfer_context(request, code)
    if not context["offering"]:
        raise PermissionDenied
    form = ReasonForm(request.POST, label="Reason for revoking the offer", prefix="revoke")
    if context["pending"] and form.is_valid():
        try:
            transfer_revoke(
                actor=signed_in(request),
                transfer=context["transfer"],
                record=context["record"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Offer revoked")
            return redirect(reverse("sharing:transfer_list"))
    return _answered(request, context, revoke_form=form)

"""Agreement pages: list, read, create, change and end information sharing agreements.

Partnership admins manage their own partnership's agreements; cross-partnership agreements are
for system administrators (see ``services.agreements``). Anyone else gets 403; an agreement
outside the reader's scope is 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from roundtable.directory import permissions
from roundtable.directory.models import Organisation, Partnership
from roundtable.sharing import selectors
from roundtable.sharing.forms import AgreementForm, EndAgreementForm, PartyFormSet, apply_errors
from roundtable.sharing.models import SharingAgreement
from roundtable.sharing.sections import RecordKind, describe, from_mask
from roundtable.sharing.services.agreements import (
    PartyTerms,
    agreement_create,
    agreement_end,
    agreement_parties,
    agreement_update,
    can_manage_agreements,
)
from roundtable.sharing.views.common import signed_in

EXTRA_PARTY_ROWS = 2


def _require_reader(request: HttpRequest) -> None:
    user = request.user
    if not (permissions.is_partnership_admin(user) or permissions.is_system_admin(user)):
        raise PermissionDenied


def _organisations(partnership_id: int | None) -> Any:
    organisations = Organisation.objects.select_related("partnership").order_by("name")
    if partnership_id is not None:
        organisations = organisations.filter(
            Q(partnership_id=partnership_id) | Q(partnership__isnull=True)
        )
    return organisations


def _own_partnership(request: HttpRequest) -> Partnership | None:
    organisation = getattr(request.user, "organisation", None)
    return organisation.partnership if organisation is not None else None


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    """The agreements the admin may read, with whether each is in force."""
    _require_reader(request)
    agreements = list(selectors.agreements_for_admin(request.user)[:500])
    own = _own_partnership(request)
    return render(
        request,
        "sharing/agreement_list.html",
        {
            "agreements": agreements,
            "can_create": permissions.is_system_admin(request.user)
            or (own is not None and can_manage_agreements(request.user, own.pk)),
        },
    )


@login_required
def agreement_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One agreement in full: terms, parties and what each may receive."""
    _require_reader(request)
    agreement = selectors.agreement_for_admin(request.user, code)
    parties = [
        (party, describe(from_mask(party.max_sections))) for party in agreement_parties(agreement)
    ]
    kinds_covered = [
        str(RecordKind(kind).label) for kind in agreement.record_kinds if kind in RecordKind.values
    ]
    return render(
        request,
        "sharing/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": parties,
            "kinds_covered": kinds_covered,
            "can_manage": selectors.may_manage(request.user, agreement),
        },
    )


def _party_initial(parties: list[PartyTerms]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "organisation": party.organisation.pk,
            "max_sections": [str(s) for s in from_mask(party.max_sections)],
        }
        for party in parties
    ]
    return rows + [{} for _ in range(EXTRA_PARTY_ROWS)]


def _terms(formset: Any) -> list[PartyTerms]:
    return [PartyTerms(organisation, mask) for organisation, mask in formset.parties()]


def _render_form(
    request: HttpRequest, form: Any, formset: Any, *, title: str, agreement: Any = None
) -> HttpResponse:
    return render(
        request,
        "sharing/agreement_form.html",
        {"form": form, "formset": formset, "title": title, "agreement": agreement},
    )


@login_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    """Record a new agreement (partnership admins for theirs; system admins for any)."""
    _require_reader(request)
    system_admin = permissions.is_system_admin(request.user)
    own = _own_partnership(request)
    if not system_admin and (own is None or not can_manage_agreements(request.user, own.pk)):
        raise PermissionDenied
    partnerships = list(Partnership.objects.order_by("name")) if system_admin else None
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, partnerships=partnerships)
    # A system administrator may pick any partnership, so any organisation may be offered.
    organisations = _organisations(None if system_admin else own.pk if own else None)
    formset = PartyFormSet(
        data, organisations=organisations, prefix="parties", initial=_party_initial([])
    )
    if data is not None and form.is_valid() and formset.is_valid():
        partnership = form.cleaned_data.get("partnership") if system_admin else own
        try:
            agreement = agreement_create(
                actor=signed_in(request),
                partnership=partnership,
                parties=_terms(formset),
                **form.values(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Agreement {agreement.reference} recorded")
            return redirect("sharing:agreement_detail", code=agreement.code)
    return _render_form(request, form, formset, title="New information sharing agreement")


def _managed(request: HttpRequest, code: str) -> SharingAgreement:
    _require_reader(request)
    agreement = selectors.agreement_for_admin(request.user, code)
    if not selectors.may_manage(request.user, agreement):
        raise PermissionDenied
    return agreement


@login_required
def agreement_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change an agreement's terms or parties; shares it no longer carries lapse."""
    agreement = _managed(request, code)
    parties = agreement_parties(agreement)
    data = request.POST if request.method == "POST" else None
    initial = {
        "title": agreement.title,
        "reference": agreement.reference,
        "purposes": agreement.purposes,
        "lawful_basis": agreement.lawful_basis,
        "record_kinds": [str(kind) for kind in agreement.record_kinds],
        "starts_on": agreement.starts_on.strftime("%d/%m/%Y"),
        "ends_on": agreement.ends_on.strftime("%d/%m/%Y") if agreement.ends_on else "",
        "dpia_reference": agreement.dpia_reference,
        "version": agreement.version,
    }
    form = AgreementForm(data, initial=initial, editing=True)
    formset = PartyFormSet(
        data,
        organisations=_organisations(agreement.partnership_id),
        prefix="parties",
        initial=_party_initial(parties),
    )
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            agreement_update(
                actor=signed_in(request),
                agreement=agreement,
                expected_version=form.cleaned_data["version"],
                parties=_terms(formset),
                reason=(form.cleaned_data.get("reason") or "").strip(),
                **form.values(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Agreement {agreement.reference} updated")
            return redirect("sharing:agreement_detail", code=agreement.code)
    return _render_form(
        request, form, formset, title=f"Change agreement {agreement.reference}", agreement=agreement
    )


@login_required
def agreement_end_view(request: HttpRequest, code: str) -> HttpResponse:
    """End an agreement today; every share made under it lapses at once."""
    agreement = _managed(request, code)
    form = EndAgreementForm(request.POST or None, initial={"version": agreement.version})
    if request.method == "POST" and form.is_valid():
        try:
            lapsed = agreement_end(
                actor=signed_in(request),
                agreement=agreement,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"].strip(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Agreement {agreement.reference} has ended; {lapsed} shares lapsed"
            )
            return redirect("sharing:agreement_detail", code=agreement.code)
    return render(
        request,
        "sharing/form_page.html",
        {
            "form": form,
            "title": f"End agreement {agreement.reference}",
            "caption": agreement.title,
            "intro": (
                "Nothing can be shared under this agreement from today, and every share made "
                "under it ends now. Default shares it gives case types stop too."
            ),
            "submit": "End the agreement",
            "warning_button": True,
            "back_url": reverse("sharing:agreement_detail", kwargs={"code": agreement.code}),
        },
    )

"""The custody-update page: prison staff record a structured custody update on a gallery member.

Thin: ``galleries.custody`` decides who may reach it (anyone else gets a 404, as if the member
did not exist), ``galleries.services.custody`` writes the diary entry and the custody answers.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from roundtable.customforms.schema import field_map
from roundtable.galleries import custody
from roundtable.galleries.guidance import guidance_for
from roundtable.galleries.models import GalleryMembership, MembershipState
from roundtable.galleries.seeds import (
    CUSTODY_DATE,
    CUSTODY_ESTABLISHMENT,
    CUSTODY_RELEASE,
    CUSTODY_STATUS,
)
from roundtable.galleries.services.custody import CustodyUpdate, custody_update_record
from roundtable.galleries.services.memberships import (
    StaleMembership,
    gallery_form_version,
    member_answers,
)
from roundtable.records.forms.cases import add_service_errors
from roundtable.records.forms.profiles import GovukDateField, ProfileFormMixin
from roundtable.records.views.pages import CONFLICT_MESSAGE, acting_team
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

OUT_OF_DATE = "The form is out of date. Go back and try again"


class CustodyUpdateForm(ProfileFormMixin, forms.Form):
    """A custody update: status, establishment, dates and a note."""

    status = forms.ChoiceField(
        label="Custody status",
        choices=list(custody.STATUS_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the custody status"},
    )
    establishment = forms.CharField(
        label="Establishment",
        max_length=120,
        help_text="The prison or other establishment, for example HMP Fenhollow.",
        error_messages={"required": "Enter the establishment"},
    )
    on = GovukDateField(
        label="Date of the custody status",
        past_only=True,
        help_text="For example, 27 3 2026.",
        error_messages={"required": "Enter the date of the custody status"},
    )
    expected_release = GovukDateField(
        label="Expected release date (optional)",
        required=False,
        help_text="Leave blank on release, or when it is not known.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Behaviour in custody, adjudications, or anything partners need to know.",
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )

    def update(self) -> CustodyUpdate:
        data = self.cleaned_data
        return CustodyUpdate(
            status=data["status"],
            establishment=data["establishment"],
            on=data["on"],
            expected_release=data.get("expected_release"),
            note=data.get("note") or "",
        )


def _spell_for(viewer: policy.Viewer, code: UUID) -> GalleryMembership:
    """The current spell if the viewer may record custody updates on it; else 404."""
    spell = (
        GalleryMembership.objects.select_related("gallery", "profile")
        .filter(code=code, state=MembershipState.CURRENT)
        .first()
    )
    if spell is None or not custody.may_record_custody(viewer, spell.gallery, spell.profile):
        raise Http404
    return spell


def _shown(key: str, value: Any) -> str:
    if key == CUSTODY_STATUS:
        return custody.status_label(value)
    if key in (CUSTODY_DATE, CUSTODY_RELEASE):
        return f"{date.fromisoformat(str(value)):%-d %B %Y}"
    return str(value)


def _context(viewer: policy.Viewer, spell: GalleryMembership) -> dict[str, Any]:
    """What the page shows besides the form: only answers in sections the viewer sees."""
    version = gallery_form_version(spell.gallery)
    if version is None or not custody.custody_fields_of(version):
        raise Http404
    shown = policy.sections(viewer, cast(policy.Record, spell.profile))
    fields = field_map(version.schema)
    answers = {
        key: value
        for key, value in member_answers(spell.gallery, spell.profile_id).items()
        if key in fields and fields[key]["section"] in shown
    }
    current = [
        (str(fields[key]["label"]), _shown(key, answers[key]))
        for key in (CUSTODY_STATUS, CUSTODY_ESTABLISHMENT, CUSTODY_DATE, CUSTODY_RELEASE)
        if key in answers
    ]
    return {
        "spell": spell,
        "gallery": spell.gallery,
        "person": spell.profile,
        "shows_identity": Section.IDENTITY in shown,
        "current": current,
        "guidance": guidance_for(spell.gallery.slug, answers),
        "back": spell.profile.get_absolute_url(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def custody_update(request: HttpRequest, code: UUID) -> HttpResponse:
    """Record a custody update on a gallery member (prison staff, or the gallery's managers)."""
    viewer = policy.viewer_for(request)
    team = acting_team(request)
    spell = _spell_for(viewer, code)
    context = _context(viewer, spell)
    status = 200
    if request.method == "POST":
        form = CustodyUpdateForm(request.POST)
        if form.is_valid():
            try:
                custody_update_record(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    spell=spell,
                    update=form.update(),
                    expected_version=form.cleaned_data["version"],
                )
            except StaleMembership as stale:
                data = request.POST.copy()
                data["version"] = str(stale.current.version)
                form = CustodyUpdateForm(data)
                form.is_valid()
                form.add_error(None, CONFLICT_MESSAGE)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Custody update recorded."))
                return redirect(reverse("galleries:custody_update", kwargs={"code": spell.code}))
        if status == 200 and form.errors:
            status = 400
    else:
        form = CustodyUpdateForm(initial={"version": spell.version})
    context["form"] = form
    return render(request, "galleries/custody_update.html", context, status=status)

"""Membership pages: add a person to a gallery, a spell's page, and its changes.

A spell the viewer may not open (gallery closed to them, person not seen, or removed and they
do not manage the gallery) is 404. Changes are for the managing teams only (403 for other
teams who may open the gallery); the services check everything again and audit. A stale change
shows the spell as it is now and saves nothing (409).
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from roundtable.customforms.forms import AnswersForm
from roundtable.customforms.rendering import render_values
from roundtable.customforms.selectors import form_values_for
from roundtable.galleries import access
from roundtable.galleries.custody import custody_fields_of, may_record_custody
from roundtable.galleries.forms import (
    AddMemberForm,
    MembershipEditForm,
    MembershipRemoveForm,
    PersonSearchForm,
    VersionOnlyForm,
)
from roundtable.galleries.guidance import guidance_for
from roundtable.galleries.models import Gallery, GalleryMembership
from roundtable.galleries.selectors import members as member_selectors
from roundtable.galleries.services import disclosures
from roundtable.galleries.services import memberships as services
from roundtable.galleries.views.galleries import reach_gallery, stated_purpose
from roundtable.records.access import access_profile
from roundtable.records.forms.cases import add_service_errors
from roundtable.records.views.pages import acting_team
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section


def _reach_spell(request: HttpRequest, code: UUID) -> tuple[policy.Viewer, GalleryMembership]:
    acting_team(request)
    viewer = policy.viewer_for(request)
    spell = member_selectors.spell_for(viewer, code)
    if spell is None:
        raise Http404
    return viewer, spell


def _managed_spell(request: HttpRequest, code: UUID) -> tuple[policy.Viewer, GalleryMembership]:
    viewer, spell = _reach_spell(request, code)
    if not access.is_manager(viewer, spell.gallery):
        raise PermissionDenied
    if not spell.is_current:
        raise PermissionDenied
    return viewer, spell


def _writable(viewer: policy.Viewer, spell: GalleryMembership) -> list[str]:
    return [str(s) for s in policy.sections(viewer, cast(policy.Record, spell.profile))]


def _person_name(viewer: policy.Viewer, spell: GalleryMembership) -> str:
    record = cast(policy.Record, spell.profile)
    if Section.IDENTITY in policy.sections(viewer, record):
        return str(spell.profile.display_name)
    return _("A person (identity withheld)")


def _page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    caption: str,
    submit: str,
    back: str,
    answers: AnswersForm | None = None,
    conflict: list[tuple[str, str]] | None = None,
    intro: str = "",
) -> HttpResponse:
    failed = bool(form.errors) or (answers is not None and answers.has_errors)
    status = 409 if conflict is not None else (400 if failed else 200)
    context = {
        "form": form,
        "answers": answers if answers is not None and answers.has_questions else None,
        "title": title,
        "caption": caption,
        "submit": submit,
        "back": back,
        "conflict_values": conflict,
        "intro": intro,
    }
    return render(request, "galleries/form_page.html", context, status=status)


def _spell_values(spell: GalleryMembership) -> list[tuple[str, str]]:
    day = "%d/%m/%Y"
    return [
        (_("Status"), spell.status or "-"),
        (_("Review date"), spell.review_on.strftime(day) if spell.review_on else "-"),
        (_("Member"), spell.get_state_display()),
    ]


# --- Add ----------------------------------------------------------------------------------------


def _manager_gallery(request: HttpRequest, code: UUID) -> tuple[policy.Viewer, Gallery]:
    viewer, gallery = reach_gallery(request, code)
    if not access.is_manager(viewer, gallery):
        raise PermissionDenied
    return viewer, gallery


@login_required
@require_http_methods(["GET"])
def member_search(request: HttpRequest, code: UUID) -> HttpResponse:
    """Find someone the team may see, to add them to the gallery."""
    _viewer, gallery = _manager_gallery(request, code)
    viewer = policy.viewer_for(request)
    form = PersonSearchForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"]
        found = member_selectors.addable_people(viewer, gallery, text)
        disclosures.person_search_audit(gallery=gallery, text=text, found=found)
    status = 400 if form.errors else 200
    context = {"gallery": gallery, "form": form, "found": found}
    return render(request, "galleries/member_search.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, code: UUID, person: UUID) -> HttpResponse:
    """Add this person to the gallery: date, reason, status, review date and its answers."""
    viewer, gallery = _manager_gallery(request, code)
    reached = access_profile(
        request, str(person), action=policy.Action.VIEW, section=gallery.section
    )
    profile = reached.record
    version = services.gallery_form_version(gallery)
    writable = [str(s) for s in reached.sections]
    posted = request.method == "POST"
    form = AddMemberForm(
        request.POST if posted else None,
        gallery=gallery,
        initial={"added_on": timezone.localdate()},
    )
    answers = AnswersForm(
        version, viewer=viewer, data=request.POST if posted else None, writable_sections=writable
    )
    if posted and form.is_valid():
        try:
            spell = services.membership_add(
                actor=request.user,  # type: ignore[arg-type]
                team=acting_team(request),
                gallery=gallery,
                profile=profile,
                added_on=form.cleaned_data["added_on"],
                reason=form.cleaned_data["reason"],
                status=form.cleaned_data.get("status") or "",
                review_on=form.cleaned_data.get("review_on"),
                answers=answers.payload,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                rest = answers.add_service_errors(error.message_dict)
                if rest:
                    add_service_errors(form, ValidationError(rest))
            else:
                add_service_errors(form, error)
        else:
            messages.success(request, _("Added to %(gallery)s.") % {"gallery": gallery.name})
            return redirect(spell.get_absolute_url())
    elif posted:
        answers.is_valid()  # show the answers' errors with the form's
    name = profile.display_name if reached.shows(Section.IDENTITY) else _("this person")
    return _page(
        request,
        form,
        title=_("Add %(name)s to %(gallery)s") % {"name": name, "gallery": gallery.name},
        caption=gallery.name,
        submit=_("Add to gallery"),
        back=gallery.get_absolute_url(),
        answers=answers,
        intro=gallery.eligibility,
    )


# --- A spell's page -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def membership_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A spell: dates, reasons, status, who added them, and the gallery's answers (masked)."""
    viewer, spell = _reach_spell(request, code)
    gallery = spell.gallery
    purpose = stated_purpose(request, viewer, gallery)
    if purpose is None:
        url = reverse("galleries:gallery_purpose", kwargs={"code": gallery.code})
        return redirect(f"{url}?next={gallery.get_absolute_url()}")
    record = cast(policy.Record, spell.profile)
    sections = {str(s) for s in policy.sections(viewer, record)}
    row = form_values_for(
        definition_id=gallery.form_id, record_kind=RecordKind.PROFILE, record_id=spell.profile_id
    )
    version = services.gallery_form_version(gallery)
    answers = None
    if row is not None or version is not None:
        answers = render_values(
            row.form_version if row is not None else version,
            row.values if row is not None else {},
            viewer,
            record=spell.profile,
            current=version,
            empty=_("Nothing has been recorded yet."),
        )
    shown = {gallery.section} | (sections & {str(Section.IDENTITY)})
    if row is not None:
        shown |= {
            field["section"]
            for field in row.form_version.schema.get("fields", [])
            if field["section"] in sections and field["key"] in row.values
        }
    disclosures.membership_view_audit(spell=spell, sections=shown, justification=purpose)
    is_manager = access.is_manager(viewer, gallery)
    # Country guidance only from answers the viewer may read (their field's section).
    readable = {}
    if row is not None:
        readable = {
            field["key"]: row.values[field["key"]]
            for field in row.form_version.schema.get("fields", [])
            if field["section"] in sections and field["key"] in row.values
        }
    custody_version = version if spell.is_current else None
    context: dict[str, Any] = {
        "guidance": guidance_for(gallery.slug, readable),
        "may_record_custody": bool(custody_fields_of(custody_version))
        and may_record_custody(viewer, gallery, spell.profile),
        "spell": spell,
        "gallery": gallery,
        "name": _person_name(viewer, spell),
        "identified": str(Section.IDENTITY) in sections,
        "answers": answers,
        "may_change": is_manager and spell.is_current,
        "has_fields": version is not None and bool(version.schema.get("fields")),
    }
    return render(request, "galleries/membership.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change a current member's status or review date."""
    _viewer, spell = _managed_spell(request, code)
    posted = request.method == "POST"
    initial = {"version": spell.version, "status": spell.status, "review_on": spell.review_on}
    form: Form = MembershipEditForm(
        request.POST if posted else None, gallery=spell.gallery, initial=initial
    )
    conflict = None
    if posted and form.is_valid():
        try:
            services.membership_update(
                actor=request.user,  # type: ignore[arg-type]
                team=acting_team(request),
                spell=spell,
                status=form.cleaned_data.get("status") or "",
                review_on=form.cleaned_data.get("review_on"),
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleMembership as stale:
            conflict = _spell_values(stale.current)
            form = _conflict_form(
                MembershipEditForm, request.POST, stale.current, gallery=spell.gallery
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Membership updated."))
            return redirect(spell.get_absolute_url())
    return _page(
        request,
        form,
        title=_("Change status or review date"),
        caption=spell.gallery.name,
        submit=_("Save changes"),
        back=spell.get_absolute_url(),
        conflict=conflict,
    )


def _conflict_form(form_class: type[Form], data: Any, current: Any, **kwargs: Any) -> Form:
    data = data.copy()
    data["version"] = str(current.version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, services.STALE_MESSAGE + " " + _("Nothing has been saved."))
    return form


@login_required
@require_http_methods(["GET", "POST"])
def membership_answers(request: HttpRequest, code: UUID) -> HttpResponse:
    """Record a current member's answers to the gallery's fields (the sections the team sees)."""
    viewer, spell = _managed_spell(request, code)
    version = services.gallery_form_version(spell.gallery)
    if version is None or not version.schema.get("fields"):
        raise Http404
    posted = request.method == "POST"
    writable = _writable(viewer, spell)
    stored = services.member_answers(spell.gallery, spell.profile_id)
    form: Form = VersionOnlyForm(
        request.POST if posted else None, initial={"version": spell.version}
    )
    answers = AnswersForm(
        version,
        viewer=viewer,
        data=request.POST if posted else None,
        initial=stored,
        writable_sections=writable,
    )
    conflict = None
    if posted and form.is_valid():
        try:
            services.membership_answers_save(
                actor=request.user,  # type: ignore[arg-type]
                team=acting_team(request),
                spell=spell,
                payload=answers.payload,
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleMembership as stale:
            conflict = [
                (_("Answers"), _("Changed by someone else: check them on the member's page."))
            ]
            form = _conflict_form(VersionOnlyForm, request.POST, stale.current)
        except ValidationError as error:
            rest = (
                answers.add_service_errors(error.message_dict)
                if hasattr(error, "error_dict")
                else {}
            )
            if rest or not hasattr(error, "error_dict"):
                add_service_errors(form, ValidationError(rest) if rest else error)
        else:
            messages.success(request, _("Answers saved."))
            return redirect(spell.get_absolute_url())
    return _page(
        request,
        form,
        title=_("Change %(gallery)s details") % {"gallery": spell.gallery.name},
        caption=_person_name(viewer, spell),
        submit=_("Save answers"),
        back=spell.get_absolute_url(),
        answers=answers,
        conflict=conflict,
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_remove(request: HttpRequest, code: UUID) -> HttpResponse:
    """Remove a member with a date and a reason; the spell is kept for the gallery's retention."""
    _viewer, spell = _managed_spell(request, code)
    posted = request.method == "POST"
    form: Form = MembershipRemoveForm(
        request.POST if posted else None,
        initial={"version": spell.version, "removed_on": timezone.localdate()},
    )
    conflict = None
    if posted and form.is_valid():
        try:
            services.membership_remove(
                actor=request.user,  # type: ignore[arg-type]
                team=acting_team(request),
                spell=spell,
                removed_on=form.cleaned_data["removed_on"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleMembership as stale:
            conflict = _spell_values(stale.current)
            form = _conflict_form(MembershipRemoveForm, request.POST, stale.current)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Removed from the gallery."))
            return redirect(spell.gallery.get_absolute_url())
    return _page(
        request,
        form,
        title=_("Remove from %(gallery)s") % {"gallery": spell.gallery.name},
        caption=_person_name(_viewer, spell),
        submit=_("Remove from gallery"),
        back=spell.get_absolute_url(),
        conflict=conflict,
        intro=_(
            "Their details in this gallery are kept for %(months)s months after the date "
            "removed, then erased."
        )
        % {"months": spell.gallery.retention_months},
    )

"""People's pages: create (duplicates shown first), the record page, its signpost, and edits.

Thin: each view asks ``records.access`` (hidden or missing: 404; visible but not allowed: 403),
calls at most one service and renders. The record page shows only the sections the policy
allows and names, for each withheld section, who holds it and how to ask; every view is
audited with the sections actually shown. Edits belong to the owning team and carry the
version they read: a stale save shows both versions and overwrites nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Team, User
from roundtable.lib.uploads import explain_refusal, upload_refused
from roundtable.records.access import Reached, access_profile, audit_view
from roundtable.records.forms import profiles as forms
from roundtable.records.models import (
    Address,
    ContactPoint,
    Identifier,
    Profile,
    ProfileAlias,
    Relationship,
    Vehicle,
    WarningMarker,
)
from roundtable.records.photos import content_type_for
from roundtable.records.selectors.profiles import agencies_involved, item_on_profile, profile_page
from roundtable.records.selectors.search import profile_merged_target
from roundtable.records.services import profiles as services
from roundtable.records.views import pages
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section

EDIT = policy.Action.EDIT
CONFLICT_MESSAGE = (
    "Someone else changed this record while you were working on it. Nothing has been saved. "
    "Check the details as they are now, then make your change again"
)
SECTION_TEMPLATES = {
    Section.IDENTITY: "records/profiles/sections/_identity.html",
    Section.CONTACT: "records/profiles/sections/_contact.html",
    Section.SENSITIVE: "records/profiles/sections/_sensitive.html",
    Section.WARNINGS: "records/profiles/sections/_warnings.html",
    Section.RELATIONSHIPS: "records/profiles/sections/_relationships.html",
    Section.DIARY: "casework/diary/_profile_section.html",
    Section.DOCUMENTS: "casework/documents/_profile_section.html",
    Section.OFFENDING: "risk/_profile_section.html",
}
PLACEHOLDER_TEMPLATE = "records/profiles/sections/_later.html"


# --- small helpers ----------------------------------------------------------------------------


def _actor(request: HttpRequest) -> tuple[User, Team]:
    """The signed-in user and the team they act as; without a team nobody may write records."""
    team = getattr(request, "acting_team", None)
    if team is None:
        raise PermissionDenied
    return request.user, team  # type: ignore[return-value]


def _apply(form: Form, error: ValidationError) -> None:
    """Put a service's refusal next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _is_stale(error: ValidationError) -> bool:
    return not hasattr(error, "error_dict") and getattr(error, "code", None) == "stale"


def request_access_url(profile: Profile) -> str:
    """The sharing pages' "request access" link for this person."""
    return pages.request_access_url(RecordKind.PROFILE, profile.code)


def _form_page(
    request: HttpRequest,
    reached: Reached[Profile],
    form: Form,
    *,
    title: str,
    submit: str,
    status: int = 200,
    conflict: list[tuple[str, Any, Any]] | None = None,
    multipart: bool = False,
) -> HttpResponse:
    context = {
        "profile": reached.record,
        "form": form,
        "title": title,
        "submit": submit,
        "conflict": conflict,
        "multipart": multipart,
        "back": reached.record.get_absolute_url(),
    }
    return render(request, "records/profiles/form_page.html", context, status=status)


def _conflict_rows(
    form: Form, current: Profile, names: tuple[str, ...]
) -> list[tuple[str, Any, Any]]:
    """(label, saved now, what you entered) for each field: the two versions side by side."""
    rows = []
    for name in names:
        field = form.fields[name]
        saved = getattr(current, f"get_{name}_display", lambda n=name: getattr(current, n))()
        yours = (
            form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else form.data.get(name)
        )
        rows.append((str(field.label), saved, yours))
    return rows


# --- create -----------------------------------------------------------------------------------


def _likely_duplicates(request: HttpRequest, form: forms.ProfileCreateForm) -> list[Any]:
    """People who may be this one, as the viewer may see them; the check is audited as a search."""
    from roundtable.records.services.duplicates import profile_duplicate_candidates

    data = form.cleaned_data
    identifiers = (
        [(data["identifier_kind"], data["identifier_value"])] if data.get("identifier_kind") else []
    )
    candidates = profile_duplicate_candidates(
        viewer=policy.viewer_for(request),
        given_name=data["given_name"],
        family_name=data["family_name"],
        date_of_birth=data["date_of_birth"],
        identifiers=identifiers,
    )
    audit_record(
        action=Action.SEARCH,
        search_terms={
            "purpose": "duplicate check before creating a person",
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "date_of_birth": data["date_of_birth"].isoformat() if data["date_of_birth"] else None,
            "identifiers": [f"{kind}:{value}" for kind, value in identifiers],
        },
        result_count=len(candidates),
    )
    return list(candidates)


@login_required
@require_http_methods(["GET", "POST"])
def profile_create(request: HttpRequest) -> HttpResponse:
    """Record a new person for the acting team, after showing who they might already be."""
    actor, team = _actor(request)
    form = forms.ProfileCreateForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "candidates": []}
    if request.method != "POST":
        return render(request, "records/profiles/create.html", context)
    if not form.is_valid():
        return render(request, "records/profiles/create.html", context, status=400)
    if not form.cleaned_data["confirmed_new"]:
        candidates = _likely_duplicates(request, form)
        if candidates:
            context["candidates"] = candidates
            return render(request, "records/profiles/create.html", context)
    try:
        profile = _create(actor, team, form)
    except ValidationError as error:
        _apply(form, error)
        return render(request, "records/profiles/create.html", context, status=400)
    return redirect(profile.get_absolute_url())


def _create(actor: User, team: Team, form: forms.ProfileCreateForm) -> Profile:
    from django.db import transaction

    with transaction.atomic():
        profile = services.profile_create(actor=actor, team=team, **form.profile_fields())
        kind = form.cleaned_data.get("identifier_kind")
        if kind:
            services.identifier_add(
                actor=actor, profile=profile, kind=kind, value=form.cleaned_data["identifier_value"]
            )
    return profile


# --- the record page --------------------------------------------------------------------------


@login_required
@require_GET
def profile_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A person's record: the sections the viewer may see, or the signpost when they see none."""
    reached = access_profile(request, code)
    profile = reached.record
    survivor = profile_merged_target(viewer=reached.viewer, profile=profile)
    if survivor is not None:
        messages.info(request, "This record was merged into another: you are now on that one.")
        return redirect(survivor.get_absolute_url())
    if reached.signpost_only:
        audit_view(reached, shown=[])
        context = {
            "profile": profile,
            "agencies": agencies_involved(profile),
            "request_access_url": request_access_url(profile),
        }
        return render(request, "records/profiles/signpost.html", context)
    page = profile_page(reached)
    shown = [
        (section, SECTION_TEMPLATES.get(section, PLACEHOLDER_TEMPLATE))
        for section in Section
        if section in page.sections
    ]
    audit_view(reached)
    context = {
        "profile": profile,
        "page": page,
        "shown": shown,
        "can_edit": reached.is_owner,
        "request_access_url": request_access_url(profile),
        # A signpost names anyone not hidden; a hidden record names them only with identity.
        "shows_name": Section.IDENTITY in page.sections or profile.visibility != "hidden",
    }
    return render(request, "records/profiles/detail.html", context)


@login_required
@require_GET
def profile_photo(request: HttpRequest, code: str, size: str) -> HttpResponseBase:
    """The person's photo, only to those who may see the identity section; never a public URL."""
    if size not in ("full", "thumbnail"):
        raise Http404
    reached = access_profile(request, code, action=policy.Action.VIEW, section=Section.IDENTITY)
    stored = reached.record.photo_thumbnail if size == "thumbnail" else reached.record.photo
    if not stored:
        raise Http404
    if size != "thumbnail":
        audit_view(reached, shown=[Section.IDENTITY])
    response = FileResponse(stored.open("rb"), content_type=content_type_for(stored.name))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


# --- whole-section edits ----------------------------------------------------------------------


@dataclass(frozen=True)
class SectionEdit:
    """One edit page for fields of the profile itself."""

    form: type[Form]
    fields: tuple[str, ...]
    title: str
    save: Callable[..., Profile]


def _save_identity(*, actor: User, profile: Profile, version: int, data: dict[str, Any]) -> Profile:
    return services.profile_update(actor=actor, profile=profile, expected_version=version, **data)


def _save_sensitive(
    *, actor: User, profile: Profile, version: int, data: dict[str, Any]
) -> Profile:
    return services.sensitive_update(actor=actor, profile=profile, expected_version=version, **data)


def _save_consent(*, actor: User, profile: Profile, version: int, data: dict[str, Any]) -> Profile:
    return services.consent_record(
        actor=actor, profile=profile, expected_version=version, status=data["consent_status"]
    )


SECTION_EDITS = {
    "identity": SectionEdit(
        forms.ProfileIdentityForm,
        forms.ProfileIdentityForm.FIELDS,
        "Change identity details",
        _save_identity,
    ),
    "sensitive": SectionEdit(
        forms.SensitiveForm, forms.SensitiveForm.FIELDS, "Change sensitive details", _save_sensitive
    ),
    "consent": SectionEdit(forms.ConsentForm, ("consent_status",), "Record consent", _save_consent),
}


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, code: str, part: str = "identity") -> HttpResponse:
    """Change the person's own fields (identity, sensitive data or consent): owning team only."""
    edit = SECTION_EDITS.get(part)
    if edit is None:
        raise Http404
    reached = access_profile(request, code, action=EDIT)
    profile = reached.record
    actor, _team = _actor(request)
    initial = {name: getattr(profile, name) for name in edit.fields}
    if "nationality" in initial:
        initial["nationality"] = profile.nationality.code or ""
    initial["version"] = profile.version
    form = edit.form(request.POST or None, initial=initial)
    if request.method != "POST":
        return _form_page(request, reached, form, title=edit.title, submit="Save")
    if not form.is_valid():
        return _form_page(request, reached, form, title=edit.title, submit="Save", status=400)
    data = {name: form.cleaned_data[name] for name in edit.fields}
    try:
        edit.save(actor=actor, profile=profile, version=form.cleaned_data["version"], data=data)
    except ValidationError as error:
        if not _is_stale(error):
            _apply(form, error)
            return _form_page(request, reached, form, title=edit.title, submit="Save", status=400)
        current = Profile.objects.get(pk=profile.pk)
        conflict = _conflict_rows(form, current, edit.fields)
        resubmitted = request.POST.copy()
        resubmitted["version"] = str(current.version)
        fresh = edit.form(resubmitted)
        fresh.is_valid()
        fresh.add_error(None, CONFLICT_MESSAGE)
        return _form_page(
            request, reached, fresh, title=edit.title, submit="Save", status=409, conflict=conflict
        )
    return redirect(profile.get_absolute_url() + f"#section-{_anchor(part)}")


def _anchor(part: str) -> str:
    return "sensitive" if part == "sensitive" else "identity"


@login_required
@require_http_methods(["GET", "POST"])
def profile_photo_upload(request: HttpRequest, code: str) -> HttpResponse:
    """Upload the person's photo: checked by Pillow whatever its name says, size-limited."""
    reached = access_profile(request, code, action=EDIT)
    actor, _team = _actor(request)
    form = forms.PhotoForm(
        request.POST or None, request.FILES or None, initial={"version": reached.record.version}
    )

    def page(status: int = 200) -> HttpResponse:
        return _form_page(
            request,
            reached,
            form,
            title="Upload a photo",
            submit="Upload",
            multipart=True,
            status=status,
        )

    if request.method != "POST":
        return page()
    limit = services_photo_limit()
    if upload_refused(request, "photo"):  # dropped while it streamed in: far too big
        explain_refusal(
            form, "photo", f"The photo must be smaller than {limit / (1024 * 1024):g} MB"
        )
        return page(400)
    if not form.is_valid():
        return page(400)
    upload = form.cleaned_data["photo"]
    if upload.size > limit:
        form.add_error("photo", f"The photo must be smaller than {limit / (1024 * 1024):g} MB")
        return page(400)
    try:
        services.photo_set(
            actor=actor,
            profile=reached.record,
            data=upload.read(),
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        if _is_stale(error):
            form.add_error(None, CONFLICT_MESSAGE)
            return page(409)
        form.add_error("photo", error.messages)
        return page(400)
    return redirect(reached.record.get_absolute_url() + "#section-identity")


def services_photo_limit() -> int:
    from django.conf import settings

    return int(settings.ROUNDTABLE_PHOTO_MAX_BYTES)


# --- details that are lists: aliases, identifiers, addresses, ... ------------------------------


@dataclass(frozen=True)
class ItemKind:
    """One kind of detail a profile holds many of: its form, its add and end services."""

    model: type[Any]
    section: Section
    form: type[Form]
    add_title: str
    add: Callable[..., Any]
    end: Callable[..., Any]


def _add_alias(actor: User, team: Team, profile: Profile, data: dict[str, Any], **kw: Any) -> Any:
    return services.alias_add(actor=actor, profile=profile, **data, **kw)


def _add_identifier(
    actor: User, team: Team, profile: Profile, data: dict[str, Any], **kw: Any
) -> Any:
    return services.identifier_add(actor=actor, profile=profile, **data, **kw)


def _add_address(actor: User, team: Team, profile: Profile, data: dict[str, Any], **kw: Any) -> Any:
    return services.address_add(actor=actor, profile=profile, **data, **kw)


def _add_contact(actor: User, team: Team, profile: Profile, data: dict[str, Any], **kw: Any) -> Any:
    return services.contact_add(actor=actor, profile=profile, **data, **kw)


def _add_vehicle(actor: User, team: Team, profile: Profile, data: dict[str, Any], **kw: Any) -> Any:
    return services.vehicle_add(actor=actor, profile=profile, **data, **kw)


def _add_warning(actor: User, team: Team, profile: Profile, data: dict[str, Any], **kw: Any) -> Any:
    return services.warning_add(actor=actor, team=team, profile=profile, **data, **kw)


def _add_relationship(
    actor: User,
    team: Team,
    profile: Profile,
    data: dict[str, Any],
    *,
    viewer: policy.Viewer,
    **kw: Any,
) -> Any:
    return services.relationship_add(
        actor=actor,
        viewer=viewer,
        profile=profile,
        other_code=data["other"],
        kind=data["kind"],
        notes=data["notes"],
        **kw,
    )


def _end_relationship(*, actor: User, item: Relationship, profile: Profile, **kw: Any) -> None:
    services.relationship_end(actor=actor, relationship=item, profile=profile, **kw)


ITEMS: dict[str, ItemKind] = {
    "alias": ItemKind(
        ProfileAlias,
        Section.IDENTITY,
        forms.AliasForm,
        "Add another name",
        _add_alias,
        lambda *, actor, item, profile, **kw: services.alias_end(actor=actor, alias=item, **kw),
    ),
    "identifier": ItemKind(
        Identifier,
        Section.IDENTITY,
        forms.IdentifierForm,
        "Add an identifier",
        _add_identifier,
        lambda *, actor, item, profile, **kw: services.identifier_remove(
            actor=actor, identifier=item, **kw
        ),
    ),
    "address": ItemKind(
        Address,
        Section.CONTACT,
        forms.AddressForm,
        "Add an address",
        _add_address,
        lambda *, actor, item, profile, **kw: services.address_end(actor=actor, address=item, **kw),
    ),
    "contact": ItemKind(
        ContactPoint,
        Section.CONTACT,
        forms.ContactForm,
        "Add a phone number or email address",
        _add_contact,
        lambda *, actor, item, profile, **kw: services.contact_remove(
            actor=actor, contact=item, **kw
        ),
    ),
    "vehicle": ItemKind(
        Vehicle,
        Section.CONTACT,
        forms.VehicleForm,
        "Add a vehicle",
        _add_vehicle,
        lambda *, actor, item, profile, **kw: services.vehicle_remove(
            actor=actor, vehicle=item, **kw
        ),
    ),
    "warning": ItemKind(
        WarningMarker,
        Section.WARNINGS,
        forms.WarningForm,
        "Add a warning marker",
        _add_warning,
        lambda *, actor, item, profile, **kw: services.warning_end(actor=actor, warning=item, **kw),
    ),
    "relationship": ItemKind(
        Relationship,
        Section.RELATIONSHIPS,
        forms.RelationshipForm,
        "Add a relationship",
        _add_relationship,
        _end_relationship,
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def profile_item_add(request: HttpRequest, code: str, item: str) -> HttpResponse:
    """Add one alias, identifier, address, contact, vehicle, warning or relationship."""
    kind = ITEMS.get(item)
    if kind is None:
        raise Http404
    reached = access_profile(request, code, action=EDIT)
    actor, team = _actor(request)
    profile = reached.record
    form = kind.form(request.POST or None, initial={"version": profile.version})
    if request.method != "POST":
        return _form_page(request, reached, form, title=kind.add_title, submit="Save")
    if not form.is_valid():
        return _form_page(request, reached, form, title=kind.add_title, submit="Save", status=400)
    data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    extra: dict[str, Any] = {"expected_version": form.cleaned_data["version"]}
    if item == "relationship":
        extra["viewer"] = reached.viewer
    try:
        kind.add(actor, team, profile, data, **extra)
    except ValidationError as error:
        status = 409 if _is_stale(error) else 400
        _apply(form, ValidationError(CONFLICT_MESSAGE) if status == 409 else error)
        return _form_page(
            request, reached, form, title=kind.add_title, submit="Save", status=status
        )
    return redirect(profile.get_absolute_url() + f"#section-{kind.section}")


@login_required
@require_POST
def profile_item_end(request: HttpRequest, code: str, item: str, pk: int) -> HttpResponse:
    """End or remove one detail (the button next to it on the record page)."""
    kind = ITEMS.get(item)
    if kind is None:
        raise Http404
    reached = access_profile(request, code, action=EDIT)
    actor, _team = _actor(request)
    profile = reached.record
    row = item_on_profile(kind.model, profile, pk)
    if row is None:
        raise Http404
    if hasattr(row, "profile_id"):
        row.profile = profile  # keep the page's instance in step with the new version
    form = forms.VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(CONFLICT_MESSAGE, code="stale")
        kind.end(
            actor=actor, item=row, profile=profile, expected_version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        status = 409 if _is_stale(error) else 400
        message = CONFLICT_MESSAGE if status == 409 else " ".join(error.messages)
        context = {"profile": profile, "message": message, "back": profile.get_absolute_url()}
        return render(request, "records/profiles/not_saved.html", context, status=status)
    return redirect(profile.get_absolute_url() + f"#section-{kind.section}")


@login_required
@require_http_methods(["GET", "POST"])
def profile_warning_review(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Review a warning marker: set its next review date and update its details."""
    reached = access_profile(request, code, action=EDIT)
    actor, _team = _actor(request)
    warning = item_on_profile(WarningMarker, reached.record, pk)
    if warning is None or not warning.is_active:
        raise Http404
    warning.profile = reached.record
    initial = {
        "version": reached.record.version,
        "notes": warning.notes,
        "review_date": warning.review_date,
    }
    form = forms.WarningReviewForm(request.POST or None, initial=initial)
    title = f"Review warning: {warning.get_kind_display()}"
    if request.method != "POST":
        return _form_page(request, reached, form, title=title, submit="Save")
    if not form.is_valid():
        return _form_page(request, reached, form, title=title, submit="Save", status=400)
    try:
        services.warning_review(
            actor=actor,
            warning=warning,
            review_date=form.cleaned_data["review_date"],
            notes=form.cleaned_data["notes"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        status = 409 if _is_stale(error) else 400
        _apply(form, ValidationError(CONFLICT_MESSAGE) if status == 409 else error)
        return _form_page(request, reached, form, title=title, submit="Save", status=status)
    return redirect(reached.record.get_absolute_url() + "#section-warnings")

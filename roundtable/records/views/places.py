"""Premises and group pages: create, view (only the viewer's sections), edit and link people.

Thin: each view asks ``records.access`` (missing or hidden: 404; a change by anyone but the
owning team: 403), calls at most one service and renders. Every view is audited with the
sections shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from roundtable.records.access import Reached, access_group, access_premises, audit_view
from roundtable.records.forms.cases import (
    GroupEditForm,
    GroupForm,
    GroupMemberForm,
    PremisesEditForm,
    PremisesForm,
    PremisesLinkForm,
    RemoveForm,
)
from roundtable.records.models import Group, GroupMember, Premises, PremisesLink
from roundtable.records.selectors import cases as selectors
from roundtable.records.services import places as services
from roundtable.records.services.cases import PROFILE_NOT_FOUND
from roundtable.records.views.pages import acting_team, attempt, conflict_form, form_page, withheld
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

BUILT_SECTIONS = (Section.SUMMARY, Section.MEMBERS, Section.DOCUMENTS)
PREMISES_FIELDS = (
    "name",
    "kind",
    "line1",
    "line2",
    "town",
    "postcode",
    "licence_number",
    "licence_details",
    "licence_expires_on",
)
GROUP_FIELDS = ("name", "kind", "description")


def _create(
    request: HttpRequest,
    form_class: type[Form],
    create: Callable[..., Any],
    *,
    title: str,
    done: str,
) -> HttpResponse:
    team = acting_team(request)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[Any] = []
        ok, _ = attempt(
            form,
            lambda: created.append(create(actor=_actor(request), team=team, **form.cleaned_data)),
        )
        if ok:
            messages.success(request, done)
            return redirect(created[0])
    return form_page(
        request, form, title=title, caption=team.name, submit="Save", back=reverse("home")
    )


def _edit(
    request: HttpRequest,
    reached: Reached[Any],
    form_class: type[Form],
    update: Callable[..., Any],
    names: tuple[str, ...],
    *,
    title: str,
) -> HttpResponse:
    record = reached.record
    conflict_values = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            ok, current = attempt(
                form,
                lambda: update(
                    actor=_actor(request), record=record, expected_version=version, **data
                ),
            )
            if ok:
                messages.success(request, "Changes saved.")
                return redirect(record)
            if current is not None:
                conflict_values = [
                    (
                        str(type(current)._meta.get_field(n).verbose_name).capitalize(),
                        _shown(current, n),
                    )
                    for n in names
                ]
                form = conflict_form(form_class, request.POST, current)
    else:
        initial = {name: getattr(record, name) for name in names}
        form = form_class(initial={**initial, "version": record.version})
    return form_page(
        request,
        form,
        title=title,
        caption=str(record),
        submit="Save changes",
        back=record.get_absolute_url(),
        conflict_values=conflict_values,
    )


def _actor(request: HttpRequest) -> Any:
    """The signed-in user (login_required has already turned anonymous visitors away)."""
    return request.user


def _shown(record: Any, name: str) -> str:
    display = getattr(record, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(record, name)
    return str(value) if value not in (None, "") else "None"


def _detail(
    request: HttpRequest,
    reached: Reached[Any],
    template: str,
    people: Callable[[policy.Viewer, Any], Any],
) -> HttpResponse:
    context: dict[str, Any] = {"reached": reached, "record": reached.record}
    context.update(withheld(reached, BUILT_SECTIONS))
    if reached.shows(Section.MEMBERS):
        context["people"] = people(reached.viewer, reached.record)
    audit_view(reached, shown=[str(s) for s in BUILT_SECTIONS if reached.shows(s)])
    return render(request, template, context)


def _remove(
    request: HttpRequest, record: Any, remove: Callable[[str], object], *, title: str
) -> HttpResponse:
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _ = attempt(form, lambda: remove(form.cleaned_data["reason"]))
        if ok:
            messages.success(request, "Person removed.")
            return redirect(record)
    return form_page(
        request,
        form,
        title=title,
        caption=str(record),
        submit="Remove",
        back=record.get_absolute_url(),
        warning="The person's own record is not changed.",
    )


def _add_person(
    request: HttpRequest,
    reached: Reached[Any],
    form_class: type[Form],
    add: Callable[..., object],
    *,
    title: str,
) -> HttpResponse:
    record = reached.record
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        profile = selectors.profile_for_link(reached.viewer, data.pop("profile"))
        if profile is None:
            form.add_error("profile", PROFILE_NOT_FOUND)
        else:
            ok, _ = attempt(
                form,
                lambda: add(
                    actor=_actor(request),
                    viewer=reached.viewer,
                    record=record,
                    profile=profile,
                    **data,
                ),
            )
            if ok:
                messages.success(request, "Person linked.")
                return redirect(record)
    return form_page(
        request,
        form,
        title=title,
        caption=str(record),
        submit="Add",
        back=record.get_absolute_url(),
    )


# --- Premises ---------------------------------------------------------------------------------


@login_required
def premises_create(request: HttpRequest) -> HttpResponse:
    """Record premises owned by the acting team."""
    return _create(
        request,
        PremisesForm,
        services.premises_create,
        title="Add premises",
        done="Premises added.",
    )


@login_required
def premises_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """Premises, showing only the sections the viewer may see."""
    reached = access_premises(request, str(code))
    return _detail(request, reached, "records/premises/detail.html", selectors.premises_people)


@login_required
def premises_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team changes the premises' details."""
    reached = access_premises(request, str(code), action=policy.Action.EDIT)
    return _edit(
        request,
        reached,
        PremisesEditForm,
        lambda record, **kw: services.premises_update(premises=record, **kw),
        PREMISES_FIELDS,
        title="Change premises details",
    )


@login_required
def premises_link_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team links a person to the premises."""
    reached = access_premises(request, str(code), action=policy.Action.EDIT)
    return _add_person(
        request,
        reached,
        PremisesLinkForm,
        lambda record, **kw: services.premises_link_add(premises=record, **kw),
        title="Link a person to the premises",
    )


@login_required
def premises_link_remove(request: HttpRequest, code: UUID, link_id: int) -> HttpResponse:
    """The owning team unlinks a person from the premises, giving a reason."""
    reached = access_premises(request, str(code), action=policy.Action.EDIT)
    premises: Premises = reached.record
    link = get_object_or_404(
        PremisesLink.objects.select_related("profile", "premises"), pk=link_id, premises=premises
    )
    return _remove(
        request,
        premises,
        lambda reason: services.premises_link_remove(
            actor=_actor(request), link=link, reason=reason
        ),
        title="Unlink this person from the premises",
    )


# --- Groups -----------------------------------------------------------------------------------


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    """Record a group owned by the acting team."""
    return _create(
        request, GroupForm, services.group_create, title="Add a group", done="Group added."
    )


@login_required
def group_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A group, showing only the sections the viewer may see."""
    reached = access_group(request, str(code))
    return _detail(request, reached, "records/groups/detail.html", selectors.group_members)


@login_required
def group_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team changes the group's details."""
    reached = access_group(request, str(code), action=policy.Action.EDIT)
    return _edit(
        request,
        reached,
        GroupEditForm,
        lambda record, **kw: services.group_update(group=record, **kw),
        GROUP_FIELDS,
        title="Change group details",
    )


@login_required
def group_member_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team adds a person to the group."""
    reached = access_group(request, str(code), action=policy.Action.EDIT)
    return _add_person(
        request,
        reached,
        GroupMemberForm,
        lambda record, **kw: services.group_member_add(group=record, **kw),
        title="Add a person to the group",
    )


@login_required
def group_member_remove(request: HttpRequest, code: UUID, member_id: int) -> HttpResponse:
    """The owning team takes a person out of the group, giving a reason."""
    reached = access_group(request, str(code), action=policy.Action.EDIT)
    group: Group = reached.record
    member = get_object_or_404(
        GroupMember.objects.select_related("profile", "group"), pk=member_id, group=group
    )
    return _remove(
        request,
        group,
        lambda reason: services.group_member_remove(
            actor=_actor(request), member=member, reason=reason
        ),
        title="Remove this person from the group",
    )

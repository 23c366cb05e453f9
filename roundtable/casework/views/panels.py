"""Panel meeting pages: set up a meeting, the meeting page, and the forms that change it.

Thin: each view reaches the meeting through ``access_meeting`` (the meeting case's access: 404
when missing, hidden or not shared at all; 403 for a change by anyone but the owning team or the
chair), calls at most one service and renders. The meeting page shows each agenda record only as
far as the policy lets this viewer see it (``meeting_page``) and records what it showed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
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

from roundtable.casework.forms.panels import (
    ActionForm,
    AgendaItemForm,
    AttendanceForm,
    AttendeeForm,
    CloseForm,
    DecisionForm,
    HeldForm,
    MeetingCreateForm,
    MeetingEditForm,
    MinutesForm,
    RemoveForm,
)
from roundtable.casework.models import MeetingStatus, PanelAgendaItem, PanelMinutes
from roundtable.casework.selectors import panels as selectors
from roundtable.casework.services import panels as services
from roundtable.directory.models import Team, User
from roundtable.records import purpose as purpose_rules
from roundtable.records.forms.cases import add_service_errors
from roundtable.records.models import Case
from roundtable.records.services.cases import StaleRecord
from roundtable.records.views.pages import CONFLICT_MESSAGE, acting_team
from roundtable.sharing.kinds import SLUG_BY_KIND
from roundtable.sharing.sections import RecordKind

F = TypeVar("F", bound=Form)


def _user(request: HttpRequest) -> Any:
    return request.user


def _attempt(form: Form, write: Callable[[], object]) -> tuple[bool, Any]:
    """Run a service: (True, result); (False, current row) when stale; else (False, None) with
    the refusal on the form."""
    try:
        return True, write()
    except StaleRecord as stale:
        return False, stale.current
    except ValidationError as error:
        add_service_errors(form, error)
        return False, None


def _form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    caption: str,
    submit: str,
    back: str,
    intro: str = "",
    warning: str = "",
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    """A GOV.UK question page for one form: 400 with errors, 409 when it shows a conflict."""
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "submit": submit,
        "back": back,
        "intro": intro,
        "warning": warning,
        "conflict": conflict,
    }
    status = 409 if conflict is not None else (400 if form.errors else 200)
    return render(request, "casework/panels/form_page.html", context, status=status)


def _meeting_url(case: Case) -> str:
    return reverse("casework:meeting_detail", kwargs={"code": case.code})


def _caption(reached: selectors.MeetingReached, item: PanelAgendaItem | None = None) -> str:
    reference = reached.case.reference
    if item is None:
        return reference
    return _("%(reference)s, item %(number)d") % {
        "reference": reference,
        "number": item.number,  # type: ignore[attr-defined]
    }


# --- Setting up a meeting ---------------------------------------------------------------------


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    """Set up a panel meeting, owned by the acting team: kind, when, where and who chairs."""
    team = acting_team(request)
    form = MeetingCreateForm(
        request.POST or None,
        chairs=selectors.team_members(team_id=team.pk),
        initial={"chair": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, meeting = _attempt(
            form,
            lambda: services.panel_meeting_create(
                actor=_user(request),
                team=team,
                kind=data["kind"],
                title=data["title"],
                scheduled_start=form.scheduled_start(),
                location=data["location"],
                online=data["online"],
                chair=data["chair"],
            ),
        )
        if done:
            messages.success(
                request, _("Meeting %(reference)s set up.") % {"reference": meeting.case.reference}
            )
            return redirect("casework:meeting_detail", code=meeting.case.code)
    return _form_page(
        request,
        form,
        title=_("Set up a panel meeting"),
        caption=team.name,
        submit=_("Set up meeting"),
        back=reverse("records:my_cases"),
        intro=_(
            "The meeting is a case owned by your team. Partners see it as far as it is shared "
            "with them; inviting someone does not share anything with them."
        ),
    )


# --- The meeting page -------------------------------------------------------------------------


@login_required
def meeting_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """The meeting: attendees, agenda (each item as far as this viewer may see it), minutes,
    decisions and actions; for editors, who cannot yet see which item."""
    reached = selectors.access_meeting(request, str(code))
    case = reached.case
    purpose = ""
    if purpose_rules.needs_purpose(reached.reached):
        purpose = purpose_rules.remembered_purpose(request, reached.reached)
        if not purpose:
            form = purpose_rules.PurposeForm(request.POST if request.method == "POST" else None)
            if form.is_valid():
                purpose_rules.remember_purpose(
                    request, reached.reached, form.cleaned_data["purpose"]
                )
                return redirect("casework:meeting_detail", code=case.code)
            status = 400 if form.errors else 200
            return render(
                request,
                "records/purpose.html",
                {"reached": reached.reached, "record": case, "form": form},
                status=status,
            )
    page = selectors.meeting_page(reached)
    services.panel_meeting_viewed(reached=reached, page=page, justification=purpose)
    context = {
        "reached": reached,
        "case": case,
        "meeting": reached.meeting,
        "page": page,
        "sharing_url": reverse(
            "sharing:record_sharing", kwargs={"kind": SLUG_BY_KIND[RecordKind.CASE], "code": code}
        ),
    }
    return render(request, "casework/panels/detail.html", context)


# --- Changing the meeting ---------------------------------------------------------------------


def _meeting_values(meeting: Any) -> list[tuple[str, str]]:
    return [
        (_("Starts"), meeting.scheduled_start.strftime("%d/%m/%Y %H:%M")),
        (_("Where"), meeting.location or _("Online only")),
        (_("Online"), _("Yes") if meeting.online else _("No")),
        (_("Chair"), meeting.chair.full_name),
        (_("Status"), meeting.get_status_display()),
    ]


def _conflict_form(form_class: type[F], data: Any, version: int, **kwargs: Any) -> F:
    data = data.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, CONFLICT_MESSAGE)
    return form


@login_required
def meeting_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change when and where the meeting is held, or its chair."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    meeting = reached.meeting
    chairs = selectors.team_members(team_id=meeting.case.owning_team_id)
    conflict = None
    if request.method == "POST":
        form = MeetingEditForm(request.POST, chairs=chairs)
        if form.is_valid():
            data = form.cleaned_data
            done, current = _attempt(
                form,
                lambda: services.panel_meeting_update(
                    actor=_user(request),
                    meeting=meeting,
                    expected_version=data["version"],
                    scheduled_start=form.scheduled_start(),
                    location=data["location"],
                    online=data["online"],
                    chair=data["chair"],
                ),
            )
            if done:
                messages.success(request, _("Meeting details saved."))
                return redirect(_meeting_url(meeting.case))
            if current is not None:
                conflict = {"rows": _meeting_values(current)}
                form = _conflict_form(MeetingEditForm, request.POST, current.version, chairs=chairs)
    else:
        local = timezone.localtime(meeting.scheduled_start)
        form = MeetingEditForm(
            initial={
                "date": local.date(),
                "start_time": local.strftime("%H:%M"),
                "location": meeting.location,
                "online": meeting.online,
                "chair": meeting.chair_id,
                "version": meeting.version,
            },
            chairs=chairs,
        )
    return _form_page(
        request,
        form,
        title=_("Change the meeting details"),
        caption=_caption(reached),
        submit=_("Save changes"),
        back=_meeting_url(meeting.case),
        conflict=conflict,
    )


@login_required
def meeting_held(request: HttpRequest, code: UUID) -> HttpResponse:
    """Record that the meeting took place."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    meeting = reached.meeting
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Http404
    form = HeldForm(request.POST or None, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        done, current = _attempt(
            form,
            lambda: services.panel_meeting_mark_held(
                actor=_user(request), meeting=meeting, expected_version=form.cleaned_data["version"]
            ),
        )
        if done:
            messages.success(request, _("Meeting marked as held."))
            return redirect(_meeting_url(meeting.case))
        if current is not None:
            form = _conflict_form(HeldForm, request.POST, current.version)
    return _form_page(
        request,
        form,
        title=_("Mark the meeting as held"),
        caption=_caption(reached),
        submit=_("Mark as held"),
        back=_meeting_url(meeting.case),
        intro=_("You can then record who attended."),
    )


@login_required
def meeting_close(request: HttpRequest, code: UUID) -> HttpResponse:
    """Close the meeting and its case; nothing more can be added afterwards."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    meeting = reached.meeting
    if meeting.status == MeetingStatus.CLOSED:
        raise Http404
    form = CloseForm(request.POST or None, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        done, current = _attempt(
            form,
            lambda: services.panel_meeting_close(
                actor=_user(request),
                meeting=meeting,
                expected_version=form.cleaned_data["version"],
                outcome=form.cleaned_data["outcome"],
            ),
        )
        if done:
            messages.success(request, _("Meeting closed."))
            return redirect(_meeting_url(meeting.case))
        if current is not None:
            form = _conflict_form(CloseForm, request.POST, current.version)
    return _form_page(
        request,
        form,
        title=_("Close the meeting"),
        caption=_caption(reached),
        submit=_("Close meeting"),
        back=_meeting_url(meeting.case),
        warning=_("The minutes, decisions and actions cannot be changed once it is closed."),
    )


# --- Attendees --------------------------------------------------------------------------------


@login_required
def attendee_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """Invite someone from any agency; it gives them no access to the agenda's records."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    meeting = reached.meeting
    user: User | None = None
    teams: list[Team] = []
    if request.method == "POST" and request.POST.get("email"):
        user, teams = selectors.invitee_by_email(request.POST["email"])
    form = AttendeeForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        team = form.chosen_team()
        if user is None:
            form.add_error("email", _("No one with that email address uses Roundtable."))
        elif team is None:
            form.add_error("team", _("Choose which of their teams they attend for"))
        else:
            done, _attendee = _attempt(
                form,
                lambda: services.panel_attendee_add(
                    actor=_user(request),
                    meeting=meeting,
                    user=user,
                    team=team,
                    role=form.cleaned_data["role"],
                ),
            )
            if done:
                messages.success(request, _("Attendee added."))
                return redirect(_meeting_url(meeting.case))
    return _form_page(
        request,
        form,
        title=_("Add an attendee"),
        caption=_caption(reached),
        submit=_("Add attendee"),
        back=_meeting_url(meeting.case),
        intro=_(
            "Adding someone does not let them see the meeting or the cases on its agenda. "
            "The meeting page tells you who cannot see what, so it can be shared first."
        ),
    )


@login_required
def attendee_remove(request: HttpRequest, code: UUID, attendee_id: int) -> HttpResponse:
    """Take someone off the attendees."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    attendee = selectors.attendee_of(reached.meeting, attendee_id)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = _attempt(
            form, lambda: services.panel_attendee_remove(actor=_user(request), attendee=attendee)
        )
        if done:
            messages.success(request, _("Attendee removed."))
            return redirect(_meeting_url(reached.case))
    return _form_page(
        request,
        form,
        title=_("Remove %(name)s from the attendees?") % {"name": attendee.user.full_name},
        caption=_caption(reached),
        submit=_("Remove attendee"),
        back=_meeting_url(reached.case),
    )


@login_required
def attendance(request: HttpRequest, code: UUID) -> HttpResponse:
    """Record who came to the meeting."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    meeting = reached.meeting
    if meeting.status != MeetingStatus.HELD:
        raise Http404
    attendees = selectors.meeting_attendees(meeting)
    initial = {"attended": [str(a.pk) for a in attendees if a.attended]}
    form = AttendanceForm(request.POST or None, attendees=attendees, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, _result = _attempt(
            form,
            lambda: services.panel_attendance_record(
                actor=_user(request), meeting=meeting, attended=form.attended_ids()
            ),
        )
        if done:
            messages.success(request, _("Attendance recorded."))
            return redirect(_meeting_url(meeting.case))
    return _form_page(
        request,
        form,
        title=_("Record who attended"),
        caption=_caption(reached),
        submit=_("Save attendance"),
        back=_meeting_url(meeting.case),
    )


# --- The agenda -------------------------------------------------------------------------------


@login_required
def agenda_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """Put a case or a person on the agenda; it is shown to each attendee only as far as the
    policy allows."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    meeting = reached.meeting
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = selectors.agenda_record_for(reached.viewer, form.cleaned_data["reference"])
        if record is None:
            form.add_error("reference", services.record_not_found())
        else:
            done, _item = _attempt(
                form,
                lambda: services.panel_agenda_item_add(
                    actor=_user(request), viewer=reached.viewer, meeting=meeting, record=record
                ),
            )
            if done:
                messages.success(request, _("Added to the agenda."))
                return redirect(_meeting_url(meeting.case))
    return _form_page(
        request,
        form,
        title=_("Add to the agenda"),
        caption=_caption(reached),
        submit=_("Add to agenda"),
        back=_meeting_url(meeting.case),
        intro=_(
            "Attendees see each item only as far as it is shared with them. Ask the team that "
            "holds a record to share it before the meeting."
        ),
    )


@login_required
def agenda_remove(request: HttpRequest, code: UUID, item_id: int) -> HttpResponse:
    """Take an item off the agenda while nothing has been written about it."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    item = selectors.agenda_item_of(reached.meeting, item_id)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = _attempt(
            form, lambda: services.panel_agenda_item_remove(actor=_user(request), item=item)
        )
        if done:
            messages.success(request, _("Removed from the agenda."))
            return redirect(_meeting_url(reached.case))
    return _form_page(
        request,
        form,
        title=_("Remove item %(number)d from the agenda?") % {"number": item.number},  # type: ignore[attr-defined]
        caption=_caption(reached),
        submit=_("Remove item"),
        back=_meeting_url(reached.case),
    )


# --- Minutes, decisions, actions --------------------------------------------------------------


def _item_for_notes(
    reached: selectors.MeetingReached, item_id: int | None
) -> PanelAgendaItem | None:
    """The item written about (None: the meeting), refused (403) to a viewer who cannot read
    the diary the notes belong to."""
    item = selectors.agenda_item_of(reached.meeting, item_id) if item_id is not None else None
    record = item.record if item is not None else reached.case
    if not selectors.notes_visible(reached.viewer, record):
        raise PermissionDenied
    return item


def _minutes_conflict(current: PanelMinutes) -> dict[str, Any]:
    return {
        "text": current.text,
        "edited_by": current.edited_by.full_name,
        "updated_at": current.updated_at,
    }


@login_required
def minutes_edit(request: HttpRequest, code: UUID, item_id: int | None = None) -> HttpResponse:
    """Write or change the minutes of the meeting or of one item; a stale save shows both."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    item = _item_for_notes(reached, item_id)
    existing = selectors.minutes_of(reached.meeting, item)
    conflict = None
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            done, current = _attempt(
                form,
                lambda: services.panel_minutes_save(
                    actor=_user(request),
                    viewer=reached.viewer,
                    meeting=reached.meeting,
                    item=item,
                    text=form.cleaned_data["text"],
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if done:
                messages.success(request, _("Minutes saved."))
                return redirect(_meeting_url(reached.case))
            if current is not None:
                conflict = _minutes_conflict(current)
                form = _conflict_form(MinutesForm, request.POST, current.version)
    else:
        form = MinutesForm(
            initial={
                "text": existing.text if existing else "",
                "version": existing.version if existing else 0,
            }
        )
    title = _("Minutes of the meeting") if item is None else _("Minutes of this item")
    return _form_page(
        request,
        form,
        title=title,
        caption=_caption(reached, item),
        submit=_("Save minutes"),
        back=_meeting_url(reached.case),
        conflict=conflict,
    )


@login_required
def decision_add(request: HttpRequest, code: UUID, item_id: int | None = None) -> HttpResponse:
    """Record a decision of the panel about the meeting or one item."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    item = _item_for_notes(reached, item_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _decision = _attempt(
            form,
            lambda: services.panel_decision_add(
                actor=_user(request),
                viewer=reached.viewer,
                meeting=reached.meeting,
                item=item,
                text=form.cleaned_data["text"],
            ),
        )
        if done:
            messages.success(request, _("Decision recorded."))
            return redirect(_meeting_url(reached.case))
    return _form_page(
        request,
        form,
        title=_("Record a decision"),
        caption=_caption(reached, item),
        submit=_("Record decision"),
        back=_meeting_url(reached.case),
    )


@login_required
def action_add(request: HttpRequest, code: UUID, item_id: int | None = None) -> HttpResponse:
    """Record an action for a team of an attending agency, or one of its people."""
    reached = selectors.access_meeting(request, str(code), edit=True)
    item = _item_for_notes(reached, item_id)
    form = ActionForm(request.POST or None, owners=selectors.action_owner_choices(reached.meeting))
    if request.method == "POST" and form.is_valid():
        owner = form.chosen_owner()
        done, _action = _attempt(
            form,
            lambda: services.panel_action_add(
                actor=_user(request),
                viewer=reached.viewer,
                meeting=reached.meeting,
                item=item,
                description=form.cleaned_data["description"],
                owner_team=owner.team,
                owner_user=owner.user,
                due_on=form.cleaned_data["due_on"],
            ),
        )
        if done:
            messages.success(request, _("Action recorded."))
            return redirect(_meeting_url(reached.case))
    return _form_page(
        request,
        form,
        title=_("Record an action"),
        caption=_caption(reached, item),
        submit=_("Record action"),
        back=_meeting_url(reached.case),
        intro=_("The action becomes a task for the team or person who owns it."),
    )

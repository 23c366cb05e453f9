"""Directory views: one's own account, team switching and organisation administration.

Thin: each view calls one access function (wrong organisation or missing: 404; not an admin at
all: 403), at most one service, and renders. The rules live in ``permissions`` and ``services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_POST

from roundtable.directory import handover, permissions, selectors
from roundtable.directory.forms import (
    CapabilitiesForm,
    DeactivateForm,
    InvitationPasswordForm,
    InviteForm,
    MembershipAddForm,
    RoleForm,
    SwitchTeamForm,
    TeamEditForm,
    TeamForm,
    UserDetailsForm,
    UserSearchForm,
    VersionForm,
)
from roundtable.directory.models import Capability, Membership, Organisation, Team, User
from roundtable.directory.services import accounts, acting, sessions

USERS_PER_PAGE = 25
MEMBERS_PER_PAGE = 50
ORGANISATIONS_PER_PAGE = 50
CONFLICT_MESSAGE = (
    "Someone else changed this while you were editing it. Check the current details below, "
    "then make your change again"
)


# --- one's own account ----------------------------------------------------------------------


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account: teams, capabilities, security settings."""
    return render(request, "directory/my_account.html", {"teams": request.teams})  # type: ignore[attr-defined]


@login_required
def switch_team(request: HttpRequest) -> HttpResponse:
    """Choose which of one's teams to act as; the choice is audited."""
    form = SwitchTeamForm(request.POST or None, teams=request.teams)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        acting.acting_team_switch(request=request, team=form.cleaned_data["team"])
        return redirect("home")
    return render(request, "directory/switch_team.html", {"form": form})


# --- access ---------------------------------------------------------------------------------


def _admin(request: HttpRequest) -> User:
    """The signed-in organisation or system admin; anyone else is refused (403)."""
    user = request.user
    if not (permissions.is_system_admin(user) or permissions.is_organisation_admin(user)):
        raise PermissionDenied
    return cast(User, user)


def access_organisation(request: HttpRequest, code: UUID) -> Organisation:
    """An organisation the signed-in admin administers; another organisation reads as missing."""
    actor = _admin(request)
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None or not permissions.can_administer_organisation(actor, organisation):
        raise Http404
    return organisation


def access_user(request: HttpRequest, code: UUID) -> User:
    """A user the signed-in admin administers; one of another organisation reads as missing."""
    actor = _admin(request)
    other = User.objects.select_related("organisation").filter(code=code).first()
    if other is None or not permissions.can_administer_user(actor, other):
        raise Http404
    return other


def access_team(request: HttpRequest, code: UUID) -> Team:
    """A team the signed-in admin administers; one of another organisation reads as missing."""
    actor = _admin(request)
    team = Team.objects.select_related("organisation").filter(code=code).first()
    if team is None or not permissions.can_administer_organisation(actor, team.organisation):
        raise Http404
    return team


def _membership(user: User, team_code: UUID) -> Membership:
    membership = (
        Membership.objects.select_related("team").filter(user=user, team__code=team_code).first()
    )
    if membership is None:
        raise Http404
    return membership


# --- shared form handling -------------------------------------------------------------------


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _attempt(form: Form, write: Callable[[], object]) -> User | Team | bool:
    """Run a service: True when done, the current row on a version conflict, else False."""
    try:
        write()
    except accounts.StaleVersion as conflict:
        return conflict.current
    except ValidationError as error:
        _add_errors(form, error)
        return False
    return True


def _conflict_form(
    request: HttpRequest, form_class: type[Form], current: User | Team, **kwargs: Any
) -> Form:
    """The submitted form again, now at the current version, with the conflict explained."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, CONFLICT_MESSAGE)
    return form


def _current_values(current: User | Team) -> list[tuple[str, str]]:
    if isinstance(current, Team):
        return [
            ("Team name", current.name),
            ("Description", current.description or "None"),
            ("Team email address", current.email or "None"),
            ("Status", "Active" if current.is_active else "Deactivated"),
        ]
    teams = ", ".join(
        f"{m.team.name} ({m.get_role_display()})" for m in selectors.user_memberships(user=current)
    )
    grants = current.capability_grants.order_by("capability")
    return [
        ("Full name", current.full_name),
        ("Job title", current.job_title or "None"),
        ("Status", "Active" if current.is_active else "Deactivated"),
        ("Teams", teams or "None"),
        ("Capabilities", ", ".join(g.get_capability_display() for g in grants) or "None"),
    ]


def _form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    caption: str,
    submit: str,
    back: str,
    conflict: User | Team | None = None,
    warning: str = "",
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "submit": submit,
        "back": back,
        "warning": warning,
        "conflict_values": _current_values(conflict) if conflict is not None else None,
    }
    status = 409 if conflict is not None else 200
    return render(request, "directory/form_page.html", context, status=status)


def _user_form_view(
    request: HttpRequest,
    other: User,
    form_class: type[Form],
    write: Callable[[Form], object],
    *,
    title: str,
    submit: str,
    done: str,
    initial: dict[str, Any] | None = None,
    warning: str = "",
    **form_kwargs: Any,
) -> HttpResponse:
    """GET shows the form at the user's current version; POST runs ``write`` and reports."""
    back = other.get_absolute_url()
    conflict: User | Team | None = None
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            outcome = _attempt(form, lambda: write(form))
            if outcome is True:
                messages.success(request, done)
                return redirect(back)
            if isinstance(outcome, User | Team):
                conflict = outcome
                form = _conflict_form(request, form_class, outcome, **form_kwargs)
    else:
        form = form_class(initial={"version": other.version, **(initial or {})}, **form_kwargs)
    return _form_page(
        request,
        form,
        title=title,
        caption=other.full_name,
        submit=submit,
        back=back,
        conflict=conflict,
        warning=warning,
    )


# --- organisations --------------------------------------------------------------------------


def _organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.select_related("partnership").order_by("name")
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "directory/organisation_list.html", {"page": page})


def _organisation_users(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    search = UserSearchForm(request.GET or None)
    term = search.cleaned_data["q"] if search.is_valid() else ""
    users = selectors.organisation_users(organisation=organisation, search=term)
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "page": page,
        "search": search,
        "term": term,
        "query": urlencode({"q": term}) if term else "",
    }
    return render(request, "directory/organisation_users.html", context)


@login_required
def organisation_admin(request: HttpRequest) -> HttpResponse:
    """Landing page: a SPOC sees their organisation's users; a system admin picks one."""
    actor = _admin(request)
    if permissions.is_system_admin(actor):
        return _organisation_list(request)
    # is_organisation_admin() holds only for users with an organisation.
    return _organisation_users(request, cast(Organisation, actor.organisation))


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Every organisation, for system admins to choose which one to manage."""
    if not permissions.is_system_admin(request.user):
        raise PermissionDenied
    return _organisation_list(request)


@login_required
def organisation_users(request: HttpRequest, code: UUID) -> HttpResponse:
    """An organisation's users, searchable by name or email."""
    return _organisation_users(request, access_organisation(request, code))


@login_required
def team_list(request: HttpRequest, code: UUID) -> HttpResponse:
    """An organisation's teams with their number of active members."""
    organisation = access_organisation(request, code)
    teams = selectors.organisation_teams(organisation=organisation)
    return render(
        request, "directory/team_list.html", {"organisation": organisation, "teams": teams}
    )


# --- users ----------------------------------------------------------------------------------


@login_required
def user_invite(request: HttpRequest, code: UUID) -> HttpResponse:
    """Invite someone into the organisation: they get an email to set their password."""
    organisation = access_organisation(request, code)
    actor = _admin(request)
    teams = Team.objects.filter(organisation=organisation, is_active=True).order_by("name")
    form = InviteForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invited: list[User] = []
        outcome = _attempt(
            form,
            lambda: invited.append(
                accounts.user_invite(
                    actor=actor,
                    organisation=organisation,
                    email=data["email"],
                    full_name=data["full_name"],
                    job_title=data["job_title"],
                    team=data["team"],
                    role=data["role"],
                )
            ),
        )
        if outcome is True:
            messages.success(request, f"Invitation sent to {invited[0].email}")
            return redirect(invited[0].get_absolute_url())
    back = _organisation_users_url(organisation)
    return _form_page(
        request,
        form,
        title="Invite a user",
        caption=organisation.name,
        submit="Send invitation",
        back=back,
    )


def _organisation_users_url(organisation: Organisation) -> str:
    return reverse("directory:organisation_users", kwargs={"code": organisation.code})


@login_required
def user_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """One member of staff: details, teams and roles, capabilities and what can be done."""
    other = access_user(request, code)
    actor = _admin(request)
    context = {
        "other": other,
        "memberships": selectors.user_memberships(user=other),
        "capabilities": other.capability_grants.order_by("capability"),
        "invitation_pending": not other.has_usable_password() and other.is_active,
        "can_add_team": Team.objects.filter(organisation=other.organisation_id, is_active=True)
        .exclude(memberships__user=other)
        .exists(),
        "is_self": other.pk == actor.pk,
        "version_form": VersionForm(initial={"version": other.version}),
        "open_work": handover.open_work(other),
    }
    return render(request, "directory/user_detail.html", context)


@login_required
def user_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change a user's name and job title."""
    other = access_user(request, code)
    actor = _admin(request)
    return _user_form_view(
        request,
        other,
        UserDetailsForm,
        lambda form: accounts.user_update(
            actor=actor,
            user=other,
            expected_version=form.cleaned_data["version"],
            full_name=form.cleaned_data["full_name"],
            job_title=form.cleaned_data["job_title"],
        ),
        title="Change details",
        submit="Save details",
        done="Details saved",
        initial={"full_name": other.full_name, "job_title": other.job_title},
    )


@login_required
def user_deactivate(request: HttpRequest, code: UUID) -> HttpResponse:
    """Deactivate an account: the person is signed out everywhere at once."""
    other = access_user(request, code)
    actor = _admin(request)
    return _user_form_view(
        request,
        other,
        DeactivateForm,
        lambda form: accounts.user_deactivate(
            actor=actor,
            user=other,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        ),
        title="Deactivate account",
        submit="Deactivate account",
        done="Account deactivated. They have been signed out",
        warning=(
            "They will be signed out at once and will not be able to sign in until the account "
            "is reactivated."
            + "".join(
                f" They still hold {work.summary}: hand it over from their page."
                for work in handover.open_work(other)
            )
        ),
    )


@login_required
def user_reactivate(request: HttpRequest, code: UUID) -> HttpResponse:
    """Reactivate a deactivated account."""
    other = access_user(request, code)
    actor = _admin(request)
    return _user_form_view(
        request,
        other,
        VersionForm,
        lambda form: accounts.user_reactivate(
            actor=actor, user=other, expected_version=form.cleaned_data["version"]
        ),
        title="Reactivate account",
        submit="Reactivate account",
        done="Account reactivated",
    )


@login_required
@require_POST
def user_invitation_resend(request: HttpRequest, code: UUID) -> HttpResponse:
    """Send a fresh set-password link to someone who has not used their invitation."""
    other = access_user(request, code)
    try:
        accounts.user_invitation_resend(actor=_admin(request), user=other)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation sent again to {other.email}")
    return redirect(other.get_absolute_url())


@login_required
@require_POST
def user_unlock(request: HttpRequest, code: UUID) -> HttpResponse:
    """Clear a sign-in lockout for the user."""
    other = access_user(request, code)
    sessions.user_unlock(actor=_admin(request), user=other)
    messages.success(request, "Sign-in lockout cleared")
    return redirect(other.get_absolute_url())


# --- memberships, roles and capabilities -----------------------------------------------------


@login_required
def membership_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """Add a user to another of their organisation's teams."""
    other = access_user(request, code)
    actor = _admin(request)
    teams = (
        Team.objects.filter(organisation=other.organisation_id, is_active=True)
        .exclude(memberships__user=other)
        .order_by("name")
    )
    return _user_form_view(
        request,
        other,
        MembershipAddForm,
        lambda form: accounts.membership_add(
            actor=actor,
            user=other,
            expected_version=form.cleaned_data["version"],
            team=form.cleaned_data["team"],
            role=form.cleaned_data["role"],
        ),
        title="Add to a team",
        submit="Add to team",
        done="Added to team",
        teams=teams,
    )


@login_required
def membership_role(request: HttpRequest, code: UUID, team_code: UUID) -> HttpResponse:
    """Change a user's role in one of their teams."""
    other = access_user(request, code)
    actor = _admin(request)
    membership = _membership(other, team_code)
    return _user_form_view(
        request,
        other,
        RoleForm,
        lambda form: accounts.membership_change_role(
            actor=actor,
            user=other,
            expected_version=form.cleaned_data["version"],
            team=membership.team,
            role=form.cleaned_data["role"],
        ),
        title=f"Change role in {membership.team.name}",
        submit="Save role",
        done="Role changed",
        initial={"role": membership.role},
    )


@login_required
def membership_remove(request: HttpRequest, code: UUID, team_code: UUID) -> HttpResponse:
    """Take a user out of one of their teams."""
    other = access_user(request, code)
    actor = _admin(request)
    membership = _membership(other, team_code)
    return _user_form_view(
        request,
        other,
        VersionForm,
        lambda form: accounts.membership_remove(
            actor=actor,
            user=other,
            expected_version=form.cleaned_data["version"],
            team=membership.team,
        ),
        title=f"Remove from {membership.team.name}",
        submit="Remove from team",
        done=f"Removed from {membership.team.name}",
    )


@login_required
def user_capabilities(request: HttpRequest, code: UUID) -> HttpResponse:
    """Grant or revoke the capabilities the signed-in admin manages."""
    other = access_user(request, code)
    actor = _admin(request)
    allowed: list[Capability] = accounts.grantable_capabilities(actor)
    held = list(
        other.capability_grants.filter(capability__in=allowed).values_list("capability", flat=True)
    )
    return _user_form_view(
        request,
        other,
        CapabilitiesForm,
        lambda form: accounts.capabilities_set(
            actor=actor,
            user=other,
            expected_version=form.cleaned_data["version"],
            capabilities=set(form.cleaned_data["capabilities"]),
        ),
        title="Change capabilities",
        submit="Save capabilities",
        done="Capabilities saved",
        initial={"capabilities": held},
        allowed=allowed,
    )


# --- teams ----------------------------------------------------------------------------------


@login_required
def team_create(request: HttpRequest, code: UUID) -> HttpResponse:
    """Add a team to the organisation."""
    organisation = access_organisation(request, code)
    actor = _admin(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[Team] = []
        data = form.cleaned_data
        outcome = _attempt(
            form,
            lambda: created.append(
                accounts.team_create(
                    actor=actor,
                    organisation=organisation,
                    name=data["name"],
                    description=data["description"],
                    email=data["email"],
                )
            ),
        )
        if outcome is True:
            messages.success(request, f"Team {created[0].name} created")
            return redirect(created[0].get_absolute_url())
    back = reverse("directory:team_list", kwargs={"code": organisation.code})
    return _form_page(
        request, form, title="Add a team", caption=organisation.name, submit="Add team", back=back
    )


@login_required
def team_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A team and its members with their roles."""
    team = access_team(request, code)
    page = Paginator(selectors.team_members(team=team), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "team": team,
        "page": page,
        "version_form": VersionForm(initial={"version": team.version}),
    }
    return render(request, "directory/team_detail.html", context)


def _team_form_view(
    request: HttpRequest,
    team: Team,
    form_class: type[Form],
    write: Callable[[Form], object],
    *,
    title: str,
    submit: str,
    done: str,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    back = team.get_absolute_url()
    conflict: User | Team | None = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            outcome = _attempt(form, lambda: write(form))
            if outcome is True:
                messages.success(request, done)
                return redirect(back)
            if isinstance(outcome, User | Team):
                conflict = outcome
                form = _conflict_form(request, form_class, outcome)
    else:
        form = form_class(initial={"version": team.version, **(initial or {})})
    return _form_page(
        request, form, title=title, caption=team.name, submit=submit, back=back, conflict=conflict
    )


@login_required
def team_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Rename a team or change its description and shared inbox."""
    team = access_team(request, code)
    actor = _admin(request)
    return _team_form_view(
        request,
        team,
        TeamEditForm,
        lambda form: accounts.team_update(
            actor=actor,
            team=team,
            expected_version=form.cleaned_data["version"],
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            email=form.cleaned_data["email"],
        ),
        title="Change team details",
        submit="Save team",
        done="Team details saved",
        initial={"name": team.name, "description": team.description, "email": team.email},
    )


@login_required
def team_deactivate(request: HttpRequest, code: UUID) -> HttpResponse:
    """Close a team that has no active members."""
    team = access_team(request, code)
    actor = _admin(request)
    return _team_form_view(
        request,
        team,
        VersionForm,
        lambda form: accounts.team_deactivate(
            actor=actor, team=team, expected_version=form.cleaned_data["version"]
        ),
        title="Deactivate team",
        submit="Deactivate team",
        done="Team deactivated",
    )


# --- invitations (signed out) ----------------------------------------------------------------


def _invited_user(uidb64: str, token: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not accounts.invitation_tokens.check_token(user, token):
        return None
    return user


def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """An invited person sets their first password from the link in their email."""
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "directory/invitation_invalid.html")
    form = InvitationPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(
            request, "Your password is set. Sign in with it to set up your second factor"
        )
        return redirect("account_login")
    return render(request, "directory/invitation_accept.html", {"form": form, "invitee": user})

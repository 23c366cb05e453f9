"""Alert pages: watch and unwatch a record, the records one watches, and alert rule administration.

Thin. Watching goes through ``sharing.kinds.reach`` (the record pages' own access rules: missing or
hidden is 404, signpost only is 403); unwatching finds only the user's own watch. Rule pages are
for partnership admins of their own partnership (anyone else: 403; another partnership's rule:
404). The rules live in ``tasking.services.alerts``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from roundtable.directory import permissions
from roundtable.records.forms.cases import add_service_errors
from roundtable.records.views.pages import conflict_form, form_page
from roundtable.sharing import kinds, policy
from roundtable.tasking import catalogue
from roundtable.tasking.forms.alerts import AlertRuleEditForm, AlertRuleForm
from roundtable.tasking.models import AlertRule, RuleTarget
from roundtable.tasking.selectors import alerts as rule_selectors
from roundtable.tasking.selectors import notifications as selectors
from roundtable.tasking.services import alerts as services

WATCHES_PER_PAGE = 25


def _user(request: HttpRequest) -> Any:
    return request.user


def _before(request: HttpRequest) -> int | None:
    raw = request.GET.get("before", "")
    return int(raw) if raw.isdigit() else None


# --- Watches ----------------------------------------------------------------------------------


@login_required
@require_POST
def watch_add(request: HttpRequest, kind: str, code: UUID) -> HttpResponse:
    """Watch a record the user can see (any section)."""
    reached = kinds.reach(request, kind, str(code), action=policy.Action.VIEW)
    services.watch_add(user=_user(request), viewer=reached.viewer, record=reached.record)
    messages.success(request, _("You are watching this record. You will be told when it changes."))
    return redirect(reached.record.get_absolute_url())


@login_required
@require_POST
def watch_remove(request: HttpRequest, kind: str, code: UUID) -> HttpResponse:
    """Stop watching a record; only one's own watch is found (anything else: 404)."""
    watch = selectors.watch_by_record_code(_user(request), kind, code)
    if watch is None:
        raise Http404
    services.watch_remove(user=_user(request), watch=watch)
    messages.success(request, _("You are no longer watching this record."))
    if request.POST.get("return") == "watches":
        return redirect("tasking:watch_list")
    return redirect(selectors.record_url_by_code(kind, code))


@login_required
@require_GET
def watch_list(request: HttpRequest) -> HttpResponse:
    """The records the user watches and may still see, newest watch first."""
    viewers = selectors.viewers_of(_user(request), getattr(request, "teams", []))
    page = selectors.watch_page(
        user=_user(request), viewers=viewers, before=_before(request), limit=WATCHES_PER_PAGE
    )
    return render(request, "tasking/alerts/watch_list.html", {"page": page})


# --- Alert rules ------------------------------------------------------------------------------


def _partnership_id(request: HttpRequest) -> int:
    """The admin's own partnership, or 403 for anyone who is not a partnership admin."""
    user = _user(request)
    organisation = user.organisation
    if (
        not permissions.is_partnership_admin(user)
        or organisation is None
        or organisation.partnership_id is None
    ):
        raise PermissionDenied
    return int(organisation.partnership_id)


def _form_kwargs(partnership_id: int) -> dict[str, Any]:
    from roundtable.records.selectors.cases import case_types_for_partnership

    return {
        "case_types": case_types_for_partnership(partnership_id=partnership_id),
        "teams": services.rule_teams(partnership_id),
        "galleries": services.rule_galleries(partnership_id),
    }


def _rule_records(rule: AlertRule) -> str:
    """Which records a rule is about: its case type, its gallery, or its scope in words."""
    if rule.case_type is not None:
        return str(rule.case_type.name)
    if rule.gallery is not None:
        return str(rule.gallery.name)
    return str(rule.get_scope_display())


def _rule_values(rule: AlertRule) -> list[tuple[str, str]]:
    condition = f"{rule.condition_key} = {rule.condition_value}" if rule.condition_key else "None"
    return [
        (_("Name"), rule.name),
        (_("When"), catalogue.label_of(rule.event)),
        (_("Records"), _rule_records(rule)),
        (_("Condition"), condition),
        (_("Tell"), rule.team.name if rule.team else str(rule.get_target_display())),
        (_("In use"), _("Yes") if rule.is_active else _("No")),
    ]


def _attempt(form: Form, write: Callable[[], object]) -> tuple[bool, AlertRule | None]:
    try:
        write()
    except services.StaleRule as stale:
        return False, stale.current
    except ValidationError as error:
        add_service_errors(form, error)
        return False, None
    return True, None


@login_required
@require_GET
def alert_rule_list(request: HttpRequest) -> HttpResponse:
    """The partnership's alert rules."""
    rules = [
        (rule, catalogue.label_of(rule.event))
        for rule in rule_selectors.alert_rules_for_partnership(
            partnership_id=_partnership_id(request)
        )
    ]
    return render(
        request, "tasking/alerts/rule_list.html", {"rules": rules, "TEAM": RuleTarget.TEAM}
    )


@login_required
def alert_rule_create(request: HttpRequest) -> HttpResponse:
    """Add an alert rule to the partnership."""
    partnership_id = _partnership_id(request)
    kwargs = _form_kwargs(partnership_id)
    if request.method == "POST":
        form = AlertRuleForm(request.POST, **kwargs)
        if form.is_valid():
            done, _current = _attempt(
                form,
                lambda: services.alert_rule_create(
                    actor=_user(request),
                    partnership=_user(request).organisation.partnership,
                    **form.rule_values(),
                ),
            )
            if done:
                messages.success(request, _("Alert rule added."))
                return redirect("tasking:alert_rule_list")
    else:
        form = AlertRuleForm(initial={"scope": "any", "target": "team"}, **kwargs)
    return form_page(
        request,
        form,
        title=_("Add an alert rule"),
        caption=_("Alert rules"),
        submit=_("Save alert rule"),
        back=reverse("tasking:alert_rule_list"),
        intro=_(
            "Only people who can see what an event is about are told of it; everyone else hears "
            "nothing."
        ),
    )


@login_required
def alert_rule_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change or switch off a rule; a stale save shows both versions and overwrites nothing."""
    partnership_id = _partnership_id(request)
    rule = rule_selectors.alert_rule_of_partnership(partnership_id=partnership_id, code=code)
    if rule is None:
        raise Http404
    kwargs = _form_kwargs(partnership_id)
    conflict_values = None
    form: Form
    if request.method == "POST":
        form = AlertRuleEditForm(request.POST, **kwargs)
        if form.is_valid():
            done, current = _attempt(
                form,
                lambda: services.alert_rule_update(
                    actor=_user(request),
                    rule=rule,
                    expected_version=form.cleaned_data["version"],
                    is_active=form.cleaned_data["is_active"],
                    **form.rule_values(),  # type: ignore[attr-defined]
                ),
            )
            if done:
                messages.success(request, _("Alert rule saved."))
                return redirect("tasking:alert_rule_list")
            if current is not None:
                conflict_values = _rule_values(current)
                form = conflict_form(AlertRuleEditForm, request.POST, current, **kwargs)
    else:
        form = AlertRuleEditForm(initial=AlertRuleEditForm.initial_for(rule), **kwargs)
    return form_page(
        request,
        form,
        title=_("Change alert rule"),
        caption=rule.name,
        submit=_("Save changes"),
        back=reverse("tasking:alert_rule_list"),
        conflict_values=conflict_values,
    )

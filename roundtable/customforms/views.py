"""Form administration for partnership admins: list forms, edit a draft, preview, publish, versions.

Only a partnership admin reaches these pages (anyone else: 403), and only their own
partnership's forms (another partnership's: 404, as for a missing one). Views are thin: they
parse the page's form, call one service and render; the schema rules live in
``customforms.schema`` and the writes, with their audit events, in ``customforms.services``.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roundtable.customforms import selectors, services
from roundtable.customforms.forms import DraftSchemaForm, PublishForm, QuestionForm
from roundtable.customforms.models import FormDefinition, FormVersion
from roundtable.customforms.rendering import render_form
from roundtable.customforms.schema import TYPE_LABELS, SchemaInvalid, fields_of, schema_clean
from roundtable.directory import permissions
from roundtable.sharing import policy

# Owner kinds the pages can name and link back to (by URL name, so this app imports no owner).
OWNER_KINDS: dict[str, tuple[str, str]] = {
    "case_type": ("Case type", "records:case_type_detail"),
    "gallery": ("Gallery", "galleries:definition_detail"),
}


def _partnership_id(request: HttpRequest) -> int:
    """The admin's own partnership, or 403 for anyone who is not a partnership admin."""
    user: Any = request.user
    organisation = user.organisation
    if not permissions.is_partnership_admin(user) or organisation is None:
        raise PermissionDenied
    if organisation.partnership_id is None:
        raise PermissionDenied
    return int(organisation.partnership_id)


def _definition(request: HttpRequest, code: UUID) -> FormDefinition:
    return get_object_or_404(
        FormDefinition.objects.select_related("current_version"),
        code=code,
        partnership_id=_partnership_id(request),
    )


def _owner(definition: FormDefinition) -> tuple[str, str | None]:
    kind, _sep, code = definition.owner.partition(":")
    label, url_name = OWNER_KINDS.get(kind, (kind.replace("_", " ").capitalize(), ""))
    try:
        url = reverse(url_name, kwargs={"code": code}) if url_name else None
    except NoReverseMatch:
        url = None
    return label, url


def _draft_version(definition: FormDefinition) -> FormVersion | None:
    """The draft as an unsaved version, for previews (None when it does not check out)."""
    try:
        schema = schema_clean(definition.draft_schema, record_kind=definition.record_kind)
    except SchemaInvalid:
        return None
    return FormVersion(definition=definition, number=0, schema=schema)


def _draft_changed(definition: FormDefinition) -> bool:
    current = definition.current_version
    return current is None or current.schema != definition.draft_schema


@login_required
def definition_list(request: HttpRequest) -> HttpResponse:
    """The partnership's forms, each with its owner and published version."""
    definitions = list(
        selectors.definitions_for_partnership(partnership_id=_partnership_id(request))
    )
    rows = [(definition, *_owner(definition)) for definition in definitions]
    return render(request, "customforms/list.html", {"rows": rows})


def _detail_context(request: HttpRequest, definition: FormDefinition) -> dict[str, Any]:
    owner_label, owner_url = _owner(definition)
    draft = _draft_version(definition)
    return {
        "definition": definition,
        "owner_label": owner_label,
        "owner_url": owner_url,
        "versions": list(selectors.definition_versions(definition)[:100]),
        "draft_fields": fields_of(definition.draft_schema),
        "draft_scoring": definition.draft_schema.get("scoring"),
        "draft_changed": _draft_changed(definition),
        "preview": render_form(draft, {}, {}, policy.viewer_for(request)) if draft else "",
        "type_labels": TYPE_LABELS,
        "next_number": (definition.current_version.number if definition.current_version else 0) + 1,
        "publish_form": PublishForm(initial={"version": definition.version}),
    }


@login_required
def definition_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A form: its draft (with a preview), what publishing would make, and its versions."""
    definition = _definition(request, code)
    return render(request, "customforms/detail.html", _detail_context(request, definition))


def _stale(request: HttpRequest, definition: FormDefinition) -> HttpResponse:
    context = _detail_context(request, definition)
    context["problems"] = [
        _(
            "Someone else changed this form while you were working on it. Nothing has been "
            "saved. Check the form as it is now, then make your change again."
        )
    ]
    return render(request, "customforms/detail.html", context, status=409)


@login_required
@require_POST
def version_publish(request: HttpRequest, code: UUID) -> HttpResponse:
    """Publish the draft as the next version; answers already given keep their own version."""
    definition = _definition(request, code)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _stale(request, definition)
    try:
        version = services.form_version_publish(
            actor=request.user,  # type: ignore[arg-type]
            definition=definition,
            expected_version=form.cleaned_data["version"],
        )
    except services.StaleDefinition as stale:
        return _stale(request, stale.current)
    except ValidationError as error:
        context = _detail_context(request, definition)
        context["problems"] = error.messages
        return render(request, "customforms/detail.html", context, status=400)
    messages.success(
        request, _("Version %(number)s published. New answers use it.") % {"number": version.number}
    )
    return redirect(definition)


@login_required
def draft_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Edit the draft as JSON: "Preview" checks it and shows it, "Save draft" stores it."""
    definition = _definition(request, code)
    preview = ""
    conflict = False
    if request.method == "POST":
        form = DraftSchemaForm(request.POST)
        if form.is_valid():
            schema = form.cleaned_data["schema"]
            if "preview" in request.POST:
                try:
                    clean = schema_clean(schema, record_kind=definition.record_kind)
                except SchemaInvalid as invalid:
                    for problem in invalid.problems:
                        form.add_error("schema", problem)
                else:
                    version = FormVersion(definition=definition, number=0, schema=clean)
                    preview = render_form(version, {}, {}, policy.viewer_for(request))
            else:
                try:
                    services.form_draft_update(
                        actor=request.user,  # type: ignore[arg-type]
                        definition=definition,
                        schema=schema,
                        expected_version=form.cleaned_data["version"],
                    )
                except services.StaleDefinition as stale:
                    definition, conflict = stale.current, True
                    form.add_error(None, _("Someone else changed this form's draft first."))
                except ValidationError as error:
                    for problem in error.message_dict.get("schema", error.messages):
                        form.add_error("schema", problem)
                else:
                    messages.success(request, _("Draft saved. Publish it to start using it."))
                    return redirect(definition)
    else:
        form = DraftSchemaForm(
            initial={
                "schema": json.dumps(definition.draft_schema, indent=2, ensure_ascii=False),
                "version": definition.version,
            }
        )
    status = 409 if conflict else (400 if form.errors else 200)
    context = {
        "definition": definition,
        "form": form,
        "preview": preview,
        "current_draft": json.dumps(definition.draft_schema, indent=2) if conflict else "",
    }
    return render(request, "customforms/draft.html", context, status=status)


@login_required
def question_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """Add one question to the end of the draft through a structured form."""
    definition = _definition(request, code)
    form = QuestionForm(
        request.POST or None, definition=definition, initial={"version": definition.version}
    )
    if request.method == "POST" and form.is_valid():
        schema = dict(definition.draft_schema)
        schema["fields"] = [*fields_of(schema), form.field_spec()]
        try:
            services.form_draft_update(
                actor=request.user,  # type: ignore[arg-type]
                definition=definition,
                schema=schema,
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleDefinition:
            form.add_error(None, _("Someone else changed this form's draft first. Try again."))
        except ValidationError as error:
            for problem in error.message_dict.get("schema", error.messages):
                form.add_error(None, problem)
        else:
            messages.success(request, _("Question added to the draft."))
            return redirect(definition)
    status = 400 if form.errors else 200
    return render(
        request,
        "customforms/question.html",
        {"definition": definition, "form": form},
        status=status,
    )


@login_required
@require_POST
def question_remove(request: HttpRequest, code: UUID, key: str) -> HttpResponse:
    """Take one question out of the draft (published versions keep it)."""
    definition = _definition(request, code)
    form = PublishForm(request.POST)
    schema = dict(definition.draft_schema)
    remaining = [field for field in fields_of(schema) if field["key"] != key]
    if not form.is_valid() or len(remaining) == len(fields_of(schema)):
        raise Http404
    schema["fields"] = remaining
    try:
        services.form_draft_update(
            actor=request.user,  # type: ignore[arg-type]
            definition=definition,
            schema=schema,
            expected_version=form.cleaned_data["version"],
        )
    except services.StaleDefinition as stale:
        return _stale(request, stale.current)
    except ValidationError as error:
        context = _detail_context(request, definition)
        context["problems"] = error.message_dict.get("schema", error.messages)
        return render(request, "customforms/detail.html", context, status=400)
    messages.success(request, _("Question removed from the draft."))
    return redirect(definition)


@login_required
def version_detail(request: HttpRequest, code: UUID, number: int) -> HttpResponse:
    """One published version: its questions, scoring and a preview, exactly as answered."""
    definition = _definition(request, code)
    version = get_object_or_404(
        FormVersion.objects.select_related("created_by"), definition=definition, number=number
    )
    context = {
        "definition": definition,
        "version": version,
        "fields": fields_of(version.schema),
        "scoring": version.schema.get("scoring"),
        "type_labels": TYPE_LABELS,
        "preview": render_form(version, {}, {}, policy.viewer_for(request)),
        "schema_json": json.dumps(version.schema, indent=2, ensure_ascii=False),
    }
    return render(request, "customforms/version.html", context)

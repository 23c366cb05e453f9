"""Importing offences from a CSV file, acting as the current team: upload, then the result.

One step: the whole file is checked and recorded, or nothing is and the page lists every problem
by row (up to ``MAX_PROBLEMS_SHOWN``, with the count). A user with no acting team is refused
(403). The rules live in ``risk.imports`` and ``risk.services.imports``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from roundtable.records.views.pages import acting_team
from roundtable.risk.forms import CsvFileInput
from roundtable.risk.imports import (
    COLUMNS,
    MAX_BYTES,
    MAX_PROBLEMS_SHOWN,
    MAX_ROWS,
    REQUIRED,
    OffenceImportError,
)
from roundtable.risk.services.imports import offences_import


class OffenceImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Upload a CSV file of offences"),
        widget=CsvFileInput(),
        error_messages={"required": gettext_lazy("Choose a CSV file of offences to import")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def offence_import(request: HttpRequest) -> HttpResponse:
    """Upload a file of offences; all are recorded as the acting team, or none."""
    team = acting_team(request)
    problems: list[str] = []
    if request.method == "POST":
        form = OffenceImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = upload.read(MAX_BYTES + 1)  # one byte over is enough to refuse it
                result = offences_import(actor=request.user, team=team, data=data)  # type: ignore[arg-type]
            except OffenceImportError as refused:
                problems = refused.problems
                form.add_error(
                    "file",
                    _("The file was not imported: %(count)s problem(s), listed below")
                    % {"count": f"{len(problems):,}"},
                )
            else:
                messages.success(
                    request,
                    _(
                        "%(offences)s offences imported for %(people)s people in %(categories)s "
                        "categories. Their harm scores are updated."
                    )
                    % {
                        "offences": f"{result.offences:,}",
                        "people": f"{result.people:,}",
                        "categories": f"{result.categories:,}",
                    },
                )
                return redirect("risk:offence_import")
    else:
        form = OffenceImportForm()
    context = {
        "form": form,
        "team": team,
        "problems": problems[:MAX_PROBLEMS_SHOWN],
        "more_problems": max(len(problems) - MAX_PROBLEMS_SHOWN, 0),
        "required": REQUIRED,
        "optional": [name for name in COLUMNS if name not in REQUIRED],
        "max_rows": MAX_ROWS,
    }
    return render(
        request, "risk/imports/offences.html", context, status=400 if form.errors else 200
    )

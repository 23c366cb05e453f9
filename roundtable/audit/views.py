"""Auditor views: search the log and export what was found (the export is itself audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roundtable.directory import permissions


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not permissions.is_auditor(request.user):
        raise PermissionDenied
    return render(request, "audit/event_list.html", {})

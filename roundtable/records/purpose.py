"""The "audited" access level: a reader outside the owning team states why before seeing a record.

Case types (and later galleries) set their access level; at "audited", every read by someone other
than the owning team needs a purpose, which the view's audit event carries as its justification.
A stated purpose is remembered in the session for one record for PURPOSE_MINUTES (less than the
idle timeout), so a practitioner moving between a case's pages is not asked again at each click;
every view is still audited with it.
Nothing here grants access: the policy has already decided which sections may be seen.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.http import HttpRequest

from roundtable.sharing.models import AccessLevel

PURPOSE_MINUTES = 20
SESSION_KEY = "roundtable_record_purposes"


class PurposeForm(forms.Form):
    """Why the reader needs this record now."""

    purpose = forms.CharField(
        label="Why do you need to look at this record?",
        help_text="For example: preparing for a home visit. This is kept in the audit log.",
        min_length=10,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "off"}),
        error_messages={
            "required": "Enter why you need to look at this record",
            "min_length": "Give a little more detail (at least 10 characters)",
        },
    )


def needs_purpose(reached: Any) -> bool:
    """Whether this reader must state a purpose before seeing this record's sections."""
    return bool(
        reached.sections
        and not reached.is_owner
        and reached.record.access_level == AccessLevel.AUDITED
    )


def remembered_purpose(request: HttpRequest, reached: Any) -> str:
    """The purpose stated for this record in this session, if still fresh."""
    stored: dict[str, list[Any]] = request.session.get(SESSION_KEY, {})
    entry = stored.get(str(reached.record.code))
    if entry and time.time() - float(entry[1]) < PURPOSE_MINUTES * 60:
        return str(entry[0])
    return ""


def remember_purpose(request: HttpRequest, reached: Any, purpose: str) -> None:
    """Keep a stated purpose for this record for the next PURPOSE_MINUTES."""
    stored: dict[str, list[Any]] = dict(request.session.get(SESSION_KEY, {}))
    now = time.time()
    stored = {
        code: entry
        for code, entry in stored.items()
        if now - float(entry[1]) < PURPOSE_MINUTES * 60
    }
    stored[str(reached.record.code)] = [purpose, now]
    request.session[SESSION_KEY] = stored

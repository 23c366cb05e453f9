"""The records a form answer may point at (a person, a document), found only through the policy.

A person-link answer stores a profile's code and a file answer a document's code. Both the
writer (may I link this?) and every reader (what may I be told about it?) ask here, and here
asks ``sharing.policy``: a person the viewer cannot even see a signpost of, or a document on a
record whose documents section is not shared with them, is treated exactly like one that does
not exist. Models are looked up lazily so that ``records`` and ``casework`` can build on the
engine without an import cycle. Nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast
from uuid import UUID

from django.apps import apps

from roundtable.sharing import policy
from roundtable.sharing.sections import Section

UUID_IN_TEXT = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def code_in(text: str) -> str | None:
    """The record code in a reference or a pasted page address, normalised (None: none)."""
    match = UUID_IN_TEXT.search(text)
    return str(UUID(match.group(0))) if match else None


def _codes(codes: Iterable[str]) -> list[str]:
    return sorted({code for code in codes if code})


def profiles_signposted(viewer: policy.Viewer, codes: Iterable[str]) -> dict[str, Any]:
    """Code -> profile, for the profiles among ``codes`` whose signpost the viewer may see."""
    wanted = _codes(codes)
    if not wanted:
        return {}
    profile_model = apps.get_model("records", "Profile")
    found = policy.signpost_visible(viewer, profile_model.objects.filter(code__in=wanted))
    return {str(profile.code): profile for profile in found}


def documents_readable(viewer: policy.Viewer, codes: Iterable[str]) -> dict[str, Any]:
    """Code -> document, for those among ``codes`` on a record whose documents the viewer sees."""
    wanted = _codes(codes)
    if not wanted:
        return {}
    document_model = apps.get_model("casework", "Document")
    documents = document_model.objects.filter(code__in=wanted).select_related(
        "profile", "premises", "group", "case__case_type"
    )
    readable: dict[str, Any] = {}
    for document in documents:
        record = cast(policy.Record, document.record)
        if policy.can(viewer, policy.Action.VIEW, record, section=Section.DOCUMENTS):
            readable[str(document.code)] = document
    return readable

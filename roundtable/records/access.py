"""Access helpers for record pages and endpoints: find a record the viewer may reach, or refuse.

``access_<entity>(request, code)`` returns the record and the sections the viewer may see, raising
Http404 when the record does not exist or is hidden from the viewer (the same answer for both, so a
hidden record cannot be discovered) and PermissionDenied when it is visible but the action is not
allowed. ``audit_view`` records every view with the sections shown. Views never fetch records any
other way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.records.models import Case, Group, Premises, Profile, SharedRecord
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

R = TypeVar("R", bound=SharedRecord)


@dataclass(frozen=True)
class Reached(Generic[R]):
    """A record the viewer reached, and what they may see of it."""

    record: R
    viewer: policy.Viewer
    sections: frozenset[Section]

    @property
    def signpost_only(self) -> bool:
        return not self.sections

    @property
    def is_owner(self) -> bool:
        return policy.is_owner(self.viewer, cast(policy.Record, self.record))

    def shows(self, section: str) -> bool:
        return section in self.sections


def _reach(
    request: HttpRequest, model: type[R], code: str, *, action: str, section: str | None
) -> Reached[R]:
    viewer = policy.viewer_for(request)
    queryset = model.objects.select_related("owning_team__organisation", "owning_organisation")  # type: ignore[attr-defined]
    if model is Case:
        queryset = queryset.select_related("case_type__form__current_version", "lead_practitioner")
    try:
        record = queryset.get(code=code)
    except (model.DoesNotExist, ValueError):
        raise Http404 from None
    if not policy.can(viewer, policy.Action.SEE_SIGNPOST, record):
        raise Http404
    if not policy.can(viewer, action, record, section):
        raise PermissionDenied
    return Reached(record=record, viewer=viewer, sections=policy.sections(viewer, record))


def access_profile(
    request: HttpRequest,
    code: str,
    *,
    action: str = policy.Action.SEE_SIGNPOST,
    section: str | None = None,
) -> Reached[Profile]:
    """A profile for this request, or 404 (missing or hidden) / 403 (action not allowed)."""
    return _reach(request, Profile, code, action=action, section=section)


def access_case(
    request: HttpRequest,
    code: str,
    *,
    action: str = policy.Action.SEE_SIGNPOST,
    section: str | None = None,
) -> Reached[Case]:
    """A case for this request, or 404 / 403 as for profiles."""
    return _reach(request, Case, code, action=action, section=section)


def access_premises(
    request: HttpRequest,
    code: str,
    *,
    action: str = policy.Action.SEE_SIGNPOST,
    section: str | None = None,
) -> Reached[Premises]:
    """Premises for this request, or 404 / 403."""
    return _reach(request, Premises, code, action=action, section=section)


def access_group(
    request: HttpRequest,
    code: str,
    *,
    action: str = policy.Action.SEE_SIGNPOST,
    section: str | None = None,
) -> Reached[Group]:
    """A group for this request, or 404 / 403."""
    return _reach(request, Group, code, action=action, section=section)


def access_record(
    request: HttpRequest,
    model: type[R],
    code: str,
    *,
    action: str = policy.Action.SEE_SIGNPOST,
    section: str | None = None,
) -> Reached[R]:
    """Any kind of record, for pages that address records generically (sharing); 404 / 403."""
    return _reach(request, model, code, action=action, section=section)


def audit_view(
    reached: Reached[R], *, shown: Iterable[str] | None = None, justification: str = ""
) -> None:
    """Record that the viewer saw this record, and exactly which sections were shown."""
    sections = list(shown) if shown is not None else [str(section) for section in reached.sections]
    audit_record(
        action=Action.VIEW,
        target=reached.record,
        sections=sections,
        detail={"signpost_only": not sections},
        justification=justification,
    )

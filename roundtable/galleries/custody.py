"""Custody updates by prison staff: which galleries take them, and who may record one.

The convention (docs/galleries.md, "Custody updates"): a gallery takes custody updates when its
published form has a one-choice field ``custody_status`` whose choices include every custody
status (remanded, sentenced, released, transferred, recalled). Its custody fields are that one
and, when the form has them, ``custody_establishment`` (text), ``custody_updated_on`` and
``custody_release_expected_on`` (dates); ``galleries.seeds.custody_fields`` makes all four.

Who may record one for a current member: a team that may open the gallery (its managing or
named teams) and that either manages it or belongs to a prison, and that the policy shows both
the person's diary (where the update is written) and the gallery's section (the page says the
person is a member). Anyone else is refused as if the page did not exist.
"""

from __future__ import annotations

from typing import Any, cast

from roundtable.customforms.models import FormVersion
from roundtable.customforms.schema import CHOICE, Field, field_map
from roundtable.directory.models import OrganisationKind, Team
from roundtable.galleries import access
from roundtable.galleries.models import Gallery
from roundtable.galleries.seeds import CUSTODY_KEYS, CUSTODY_STATUS, CUSTODY_STATUSES
from roundtable.records.models import Profile
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

STATUS_LABELS: dict[str, str] = dict(CUSTODY_STATUSES)


def custody_fields_of(version: FormVersion | None) -> dict[str, Field]:
    """The version's custody fields by key, or empty when it does not take custody updates."""
    if version is None:
        return {}
    fields = field_map(version.schema)
    status = fields.get(CUSTODY_STATUS)
    if status is None or status["type"] != CHOICE:
        return {}
    values = {choice["value"] for choice in status.get("choices", [])}
    if not set(STATUS_LABELS) <= values:
        return {}
    return {key: fields[key] for key in CUSTODY_KEYS if key in fields}


def is_custody_team(viewer: policy.Viewer, gallery: Gallery) -> bool:
    """Is the viewer's team one that records custody updates in this gallery?"""
    if viewer.team_id is None or not gallery.is_active or not access.may_open(viewer, gallery):
        return False
    if access.is_manager(viewer, gallery):
        return True
    team = Team.objects.select_related("organisation").filter(pk=viewer.team_id).first()
    return team is not None and team.organisation.kind == OrganisationKind.PRISON


def may_record_custody(viewer: policy.Viewer, gallery: Gallery, profile: Profile) -> bool:
    """May the viewer record a custody update on this person in this gallery?"""
    if not is_custody_team(viewer, gallery):
        return False
    record = cast(policy.Record, profile)
    shown = policy.sections(viewer, record)
    return Section.DIARY in shown and gallery.section in shown


def status_label(value: Any) -> str:
    return STATUS_LABELS.get(str(value), str(value))

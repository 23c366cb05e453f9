"""Writes for the family view: auditing what it showed, and opening a family case from it.

``family_view_audited`` records one view of the person at the centre (their Relationships) and
one of every relative and case the page named, in one INSERT, so "who viewed this record" finds
the family view on each of them. ``family_case_open`` opens a case of a family case type through
the case services (so the type's defaults, reference, alerts and audit apply as for any case),
with the person at the centre as its subject and the chosen relatives as family members, all in
one transaction: a refusal writes nothing. The relatives must still be on the centre's family
view as the actor sees it now; anyone else is refused in words that name nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_event_build, audit_record_many
from roundtable.directory.models import Team, User
from roundtable.records.models import Case, CaseType, MemberRole, Profile
from roundtable.records.selectors.families import FamilyView, family_view
from roundtable.records.services import cases as case_services
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

PAGE = "family_view"
NOT_FAMILY_TYPE = "Choose a family case type of your partnership."
NOT_IN_FAMILY = (
    "One of the people you chose can no longer be added from this family view. Nothing has been "
    "saved. Go back to the family view and choose again"
)
CENTRE_REFUSED = "You cannot see this person's family. Nothing has been saved."


@transaction.atomic
def family_view_audited(*, view: FamilyView, justification: str = "") -> None:
    """Audit a family view as shown: the centre, each relative named and each case listed."""
    centre = view.centre.profile
    common = {"page": PAGE, "family_of": str(centre.code)}
    events = [
        audit_event_build(
            action=Action.VIEW,
            target=centre,
            sections=[Section.RELATIONSHIPS],
            detail={**common, "relatives": len(view.relatives), "capped": view.capped},
            justification=justification,
        )
    ]
    for relative in view.relatives:
        shown = [Section.IDENTITY] if relative.hit.shows_identity else []
        events.append(
            audit_event_build(
                action=Action.VIEW,
                target=relative.profile,
                sections=shown,
                detail={**common, "signpost_only": not relative.hit.is_full},
                justification=justification,
            )
        )
    events.extend(
        audit_event_build(
            action=Action.VIEW,
            target=shown.case,
            sections=[Section.MEMBERS],
            detail=common,
            justification=justification,
        )
        for shown in view.cases_shown.values()
    )
    audit_record_many(events)


def family_members_check(
    *, viewer: policy.Viewer, centre: Profile, codes: Iterable[str]
) -> list[Profile]:
    """The chosen relatives, if each is still on the centre's family view for this viewer."""
    if not policy.can(
        viewer, policy.Action.VIEW, cast(policy.Record, centre), Section.RELATIONSHIPS
    ):
        raise ValidationError(CENTRE_REFUSED)
    view = family_view(viewer, centre)
    chosen = []
    for code in dict.fromkeys(str(code) for code in codes):
        relative = view.relative(code)
        if relative is None:
            raise ValidationError({"members": [NOT_IN_FAMILY]}, code="stale")
        chosen.append(relative.profile)
    return chosen


@transaction.atomic
def family_case_open(
    *,
    actor: User,
    team: Team,
    case_type: CaseType,
    centre: Profile,
    member_codes: Iterable[str],
    title: str,
    **fields: Any,
) -> Case:
    """Open a family case: the centre as its subject, the chosen relatives as family members."""
    if not case_type.is_family or case_type.partnership_id != team.organisation.partnership_id:
        raise ValidationError({"case_type": [NOT_FAMILY_TYPE]})
    viewer = policy.viewer_for_user(actor, team)
    relatives = family_members_check(viewer=viewer, centre=centre, codes=member_codes)
    case = case_services.case_create(
        actor=actor, team=team, case_type=case_type, title=title, **fields
    )
    case_services.case_member_add(
        actor=actor, viewer=viewer, case=case, profile=centre, role=MemberRole.SUBJECT
    )
    for relative in relatives:
        case_services.case_member_add(
            actor=actor, viewer=viewer, case=case, profile=relative, role=MemberRole.FAMILY_MEMBER
        )
    return case

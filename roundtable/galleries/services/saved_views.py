"""Writes to saved views: save the gallery page's filters and sort under a name, and delete one.

A view belongs to the user who saved it and, when shared, is listed for their acting team too.
Only its owner deletes it. It stores a query string, never results: it is checked again each time
it is used (``galleries.forms.known_query``). Each function checks, writes and audits.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Team, User
from roundtable.galleries import access
from roundtable.galleries.models import Gallery, SavedView
from roundtable.sharing import policy

NAME_TAKEN = "You already have a saved view with this name in this gallery."


@transaction.atomic
def saved_view_create(
    *, actor: User, team: Team, gallery: Gallery, name: str, query: str, shared: bool
) -> SavedView:
    """Save the filters and sort (``query``) as ``name``; shared with the acting team if asked."""
    viewer = policy.viewer_for_user(actor, team)
    if viewer.team_id is None or not access.may_open(viewer, gallery):
        raise ValidationError("You cannot open this gallery.")
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError({"name": ["Enter a name for the view."]})
    if len(clean) > 80:
        raise ValidationError({"name": ["The name must be 80 characters or fewer."]})
    if len(query) > 1000:
        raise ValidationError({"query": ["These filters are too long to save."]})
    view = SavedView(
        gallery=gallery, owner=actor, team=team if shared else None, name=clean, query=query
    )
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        raise ValidationError({"name": [NAME_TAKEN]}) from None
    audit_record(
        action=Action.CREATE,
        target=view,
        changes={"name": [None, clean], "query": [None, query], "shared": [None, shared]},
        detail={"gallery": str(gallery.code)},
    )
    return view


@transaction.atomic
def saved_view_delete(*, actor: User, view: SavedView) -> None:
    """Delete one of the actor's own saved views."""
    if view.owner_id != actor.pk:
        raise ValidationError("Only the person who saved a view can delete it.")
    audit_record(
        action=Action.DELETE,
        target=view,
        changes={"name": [view.name, None], "query": [view.query, None]},
        detail={"gallery": str(view.gallery.code)},
    )
    view.delete()

"""A gallery as a ranking scope: its top 20 by harm, and its offending pattern (risk pages).

The scope is the gallery's current members (an index lookup per candidate) whose gallery section
the viewer sees: the ranking checks that section with the offending section, on the access rows it
reads for each candidate anyway (``RankingScope.sections``), rather than through a policy subquery
per row. A gallery the viewer may not open is 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from roundtable.galleries.models import GalleryMembership, MembershipState
from roundtable.galleries.selectors.galleries import gallery_for
from roundtable.risk.models.rankings import ScopeKind
from roundtable.risk.selectors.rankings import RankingScope, cohort_scope
from roundtable.sharing import policy


def gallery_scope(request: HttpRequest, key: str) -> RankingScope:
    """The ranking scope of the gallery with this code, as the requesting viewer may see it."""
    viewer = policy.viewer_for(request)
    try:
        gallery = gallery_for(viewer, key)
    except (ValueError, TypeError, ValidationError):
        gallery = None
    if gallery is None:
        raise Http404
    return cohort_scope(
        kind=ScopeKind.GALLERY,
        key=str(gallery.code),
        partnership=gallery.partnership,
        label=gallery.name,
        profile_ids=GalleryMembership.objects.filter(
            gallery=gallery, state=MembershipState.CURRENT
        ).values("profile_id"),
        sections=(gallery.section,),
    )

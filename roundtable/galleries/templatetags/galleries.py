"""``{% person_galleries profile %}``: the Galleries card on a person's page.

Lists the person's spells in galleries the reader's team may open and whose section the reader
sees of them, and, for a managing team, an "Add to" link for each gallery it manages that the
person is not a current member of. Two indexed queries (the person's spells, the galleries the
team may open); the reader's sections of the person are already known to the page. It decides
nothing about access itself: ``selectors.galleries.person_galleries`` does, with the policy.
"""

from __future__ import annotations

from typing import Any

from django import template

from roundtable.galleries.selectors.galleries import person_galleries as card
from roundtable.sharing import policy

register = template.Library()


@register.inclusion_tag("galleries/_person_galleries.html", takes_context=True)
def person_galleries(context: template.Context, profile: Any) -> dict[str, Any]:
    """The card, or nothing when the reader has no gallery to show or add the person to."""
    request = context["request"]
    if getattr(request, "acting_team", None) is None:
        return {"spells": [], "addable": []}
    spells, addable = card(policy.viewer_for(request), profile)
    return {"spells": spells, "addable": addable, "profile": profile}

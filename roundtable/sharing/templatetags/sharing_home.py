"""The home page's sharing block: what waits for a team manager (requests, transfers, broken
glass on the team's records). Reads only rows addressed to the acting team; never records' data.
"""

from __future__ import annotations

from typing import Any

from django import template

from roundtable.sharing import selectors

register = template.Library()


@register.inclusion_tag("sharing/_home_block.html", takes_context=True)
def sharing_home_block(context: dict[str, Any]) -> dict[str, Any]:
    """For the acting team's managers: counts to answer and emergency access now open."""
    request = context.get("request")
    team = getattr(request, "acting_team", None)
    if team is None:
        return {"show": False, "has_team": False}
    if getattr(request, "acting_role", None) != "team_manager":
        return {"show": False, "has_team": True}
    incoming, _outgoing = selectors.transfers_for_team(team.pk)
    return {
        "show": True,
        "has_team": True,
        "pending_requests": selectors.pending_request_count(team.pk),
        "incoming_transfers": len(incoming),
        "glass": selectors.active_glass_for_team(team.pk),
    }

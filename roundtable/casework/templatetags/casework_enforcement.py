"""The case page's enforcement line: include with ``{% case_enforcement reached %}``.

It shows counts and the next expiry only when the policy lets the viewer see the case's summary
section (the selector asks), and links to the ladder. It reads nothing else.
"""

from __future__ import annotations

from typing import Any

from django import template

from roundtable.casework.selectors.enforcement import case_enforcement_summary
from roundtable.sharing import policy

register = template.Library()


@register.inclusion_tag("casework/enforcement/_case_summary.html")
def case_enforcement(reached: Any) -> dict[str, Any]:
    """The enforcement summary for the case a page reached, or nothing for a viewer without it."""
    case = reached.record
    return {
        "summary": case_enforcement_summary(reached.viewer, case),
        "case": case,
        "can_edit": policy.can(reached.viewer, policy.Action.EDIT, case),
    }

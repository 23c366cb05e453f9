"""``{% watch_button record %}``: the watch / stop watching button on a record page.

Record pages include it only where the reader sees at least one section; it costs one indexed
query (is this reader watching this record?) and decides nothing about access.
"""

from __future__ import annotations

from typing import Any

from django import template

from roundtable.sharing import kinds
from roundtable.tasking.selectors.notifications import watch_of

register = template.Library()


@register.inclusion_tag("tasking/alerts/_watch_button.html", takes_context=True)
def watch_button(context: template.Context, record: Any) -> dict[str, Any]:
    """The button, in the state the reader's watch is in."""
    user = context["request"].user
    return {
        "record": record,
        "slug": kinds.slug_for(record),
        "watching": user.is_authenticated and watch_of(user, record) is not None,
        "csrf_token": context.get("csrf_token"),
    }

"""Small helpers for table rows written in Python rather than by the template engine.

A list page's one long loop (search results, gallery members, "my cases") costs more drawn by
the template engine, which looks up every variable through several fallbacks, than everything
else on the page. Those rows are written with f-strings over these helpers; every value passes
through ``cell`` or is escaped by the caller.
"""

from __future__ import annotations

from datetime import date
from html import escape

from django.utils.dates import MONTHS_3


def cell(value: object) -> str:
    """``conditional_escape`` without its lazy-string checks: HTML already marked safe stays
    as it is, anything else is escaped as Django's ``escape`` does it."""
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else escape(str(value), quote=True)


def short_day(value: date | None) -> str:
    """As the template filter ``date:"j M Y"`` writes it ("5 Nov 2026"), without building a
    formatter per cell; empty for no date."""
    if not value:
        return ""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"

"""Template tags for the forms engine's templates: the country list of a country question."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django_countries import countries

register = template.Library()


@register.simple_tag
def country_options(selected: str) -> SafeString:
    """Every country as an ``<option>``, the chosen one selected (names in the active language)."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '<option value="{}"{}>{}</option>',
                    code,
                    " selected" if code == selected else "",
                    name,
                ),
            )
            for code, name in countries
        ),
    )

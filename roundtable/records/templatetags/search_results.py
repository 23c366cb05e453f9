"""``{% search_result_rows %}`` and ``{% signpost_rows %}``: the search results' table rows.

A typo-tolerant search of a national register can return fifty people where a local one returns
one, so the rows are the page's one loop that grows with the population. They are built in
Python, as the gallery table's are: through the template engine each row cost about 0.2 ms, most
of a 50-row search page's time. What a row shows was decided by the selector (``SearchHit``);
this only writes it, and every value is escaped by ``format_html``.
"""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from roundtable.records.selectors.search import SearchHit

register = template.Library()

_ROW = '<tr class="govuk-table__row" data-code="{}">{}</tr>'
_CELL = '<td class="govuk-table__cell">{}</td>'
_ASK = '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">{}</span></a>'


def _born(hit: SearchHit) -> str:
    """As the template filter ``date:"j F Y"`` writes it, with "(estimated)" when it is."""
    born: date | None = hit.date_of_birth
    if born is None:
        return ""
    text = f"{born.day} {MONTHS[born.month]} {born.year}"
    return text + gettext(" (estimated)") if hit.date_of_birth_estimated else text


def _row(hit: SearchHit, cells: tuple[object, ...]) -> SafeString:
    return format_html(_ROW, hit.code, format_html_join("", _CELL, ((cell,) for cell in cells)))


@register.simple_tag
def search_result_rows(hits: list[SearchHit]) -> SafeString:
    """Rows of records the viewer can see: name (a link), date of birth, gender, owner."""
    withheld = gettext("Withheld")
    rows = []
    for hit in hits:
        name = hit.name or gettext("Person (name withheld)")
        linked = format_html('<a class="govuk-link" href="{}">{}</a>', hit.url, name)
        born = _born(hit) or (gettext("Not known") if hit.name else withheld)
        gender = hit.gender if hit.shows_identity else withheld
        owner = f"{hit.owning_team}, {hit.owning_organisation}"
        rows.append(_row(hit, (linked if hit.url else name, born, gender, owner)))
    return mark_safe("\n".join(rows))  # noqa: S308 -- each row is built by format_html


@register.simple_tag
def signpost_rows(hits: list[SearchHit]) -> SafeString:
    """Rows of other agencies' records: name, date of birth, agencies involved, how to ask."""
    restricted = format_html(
        ' <strong class="govuk-tag govuk-tag--grey">{}</strong>', gettext("Restricted")
    )
    rows = []
    for hit in hits:
        name = format_html("{}{}", hit.name, restricted if hit.restricted else "")
        if hit.request_access_url:
            ask: str = format_html(
                _ASK,
                hit.request_access_url,
                gettext("Request access"),
                gettext(" to %(name)s's record") % {"name": hit.name},
            )
        else:
            ask = gettext("Ask %(team)s, %(organisation)s") % {
                "team": hit.owning_team,
                "organisation": hit.owning_organisation,
            }
        born = _born(hit) or gettext("Not known")
        rows.append(_row(hit, (name, born, ", ".join(hit.agencies), ask)))
    return mark_safe("\n".join(rows))  # noqa: S308 -- each row is built by format_html

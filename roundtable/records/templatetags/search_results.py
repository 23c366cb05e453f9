"""``{% search_result_rows %}`` and ``{% signpost_rows %}``: the search results' table rows.

A typo-tolerant search of a national register can list fifty people where a local one lists
one, so the rows are the page's one loop that grows with the population. They are written here
with f-strings over ``roundtable.lib.html.cell``, the standard library's ``html.escape`` (Django's
``escape`` and ``format_html`` check every argument for lazy strings, about 57 µs a row), and the
translated words are looked up once per table, not once per row. What a row shows was decided by the
selector (``SearchHit``); this only writes it, and every value is escaped.
"""

from __future__ import annotations

from django import template
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from roundtable.lib.html import cell as _e
from roundtable.records.selectors.search import SearchHit

register = template.Library()


def _born(hit: SearchHit, estimated: str) -> str:
    """As the template filter ``date:"j F Y"`` writes it, with "(estimated)" when it is."""
    born = hit.date_of_birth
    if born is None:
        return ""
    text = f"{born.day} {MONTHS[born.month]} {born.year}"
    return text + estimated if hit.date_of_birth_estimated else text


def _row(hit: SearchHit, cells: list[str]) -> str:
    """A row of cells already escaped."""
    body = "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in cells)
    return f'<tr class="govuk-table__row" data-code="{_e(hit.code)}">{body}</tr>'


@register.simple_tag
def search_result_rows(hits: list[SearchHit]) -> SafeString:
    """Rows of records the viewer can see: name (a link), date of birth, gender, owner."""
    withheld, not_known = gettext("Withheld"), gettext("Not known")
    nameless, estimated = gettext("Person (name withheld)"), gettext(" (estimated)")
    rows = []
    for hit in hits:
        name = _e(hit.name or nameless)
        if hit.url:
            name = f'<a class="govuk-link" href="{_e(hit.url)}">{name}</a>'
        born = _born(hit, estimated) or (not_known if hit.name else withheld)
        gender = hit.gender if hit.shows_identity else withheld
        owner = f"{hit.owning_team}, {hit.owning_organisation}"
        rows.append(_row(hit, [name, _e(born), _e(gender), _e(owner)]))
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value above is escaped


@register.simple_tag
def signpost_rows(hits: list[SearchHit]) -> SafeString:
    """Rows of other agencies' records: name, date of birth, agencies involved, how to ask."""
    restricted = f' <strong class="govuk-tag govuk-tag--grey">{_e(gettext("Restricted"))}</strong>'
    request, not_known = _e(gettext("Request access")), gettext("Not known")
    estimated = gettext(" (estimated)")
    to_record, ask = gettext(" to %(name)s's record"), gettext("Ask %(team)s, %(organisation)s")
    rows = []
    for hit in hits:
        name = _e(hit.name) + (restricted if hit.restricted else "")
        if hit.request_access_url:
            hidden = _e(to_record % {"name": hit.name})
            how = (
                f'<a class="govuk-link" href="{_e(hit.request_access_url)}">{request}'
                f'<span class="govuk-visually-hidden">{hidden}</span></a>'
            )
        else:
            how = _e(ask % {"team": hit.owning_team, "organisation": hit.owning_organisation})
        born = _born(hit, estimated) or not_known
        rows.append(_row(hit, [name, _e(born), _e(", ".join(hit.agencies)), how]))
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value above is escaped

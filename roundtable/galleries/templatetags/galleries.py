"""``{% person_galleries profile %}``: the Galleries card on a person's page; and
``{% member_table_rows %}``, the gallery table's rows.

Lists the person's spells in galleries the reader's team may open and whose section the reader
sees of them, and, for a managing team, an "Add to" link for each gallery it manages that the
person is not a current member of. Two indexed queries (the person's spells, the galleries the
team may open); the reader's sections of the person are already known to the page. It decides
nothing about access itself: ``selectors.galleries.person_galleries`` does, with the policy.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from roundtable.galleries.selectors.galleries import person_galleries as card
from roundtable.galleries.selectors.members import MemberRow
from roundtable.lib.html import cell as _c
from roundtable.lib.html import short_day as _day
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


_PLACEHOLDER = UUID(int=0)


@register.simple_tag
def member_table_rows(rows: list[MemberRow], removed: bool, today: date) -> SafeString:
    """The gallery table's body rows, built in Python: the page's one long loop, where the
    template engine's per-variable lookups cost more than the queries (a 25-row page drew in
    about 7 ms as a template). Written with f-strings over ``html.escape``, as the search rows
    are (``format_html`` checks every argument for lazy strings); every value is escaped."""
    link = reverse("galleries:membership_detail", kwargs={"code": _PLACEHOLDER})
    placeholder = str(_PLACEHOLDER)
    withheld_name = _c(gettext("Identity withheld"))
    withheld = _c(gettext("Withheld"))
    overdue = f' <strong class="govuk-tag govuk-tag--red">{_c(gettext("Overdue"))}</strong>'
    out = []
    for counter, row in enumerate(rows, 1):
        spell = row.spell
        if row.identified:
            name = _c(row.name)
        else:
            name = f'{withheld_name}<span class="govuk-visually-hidden"> ({counter})</span>'
        status = (
            f'<strong class="govuk-tag govuk-tag--grey">{_c(spell.status)}</strong>'
            if spell.status
            else ""
        )
        if removed:
            last = _c(_day(spell.removed_on))
        elif spell.review_on:
            late = overdue if spell.review_on < today else ""
            last = _c(_day(spell.review_on)) + late
        else:
            last = ""
        values = "".join(
            '<td class="govuk-table__cell">'
            + (
                _c(text)
                if readable
                else f'<span class="govuk-hint" data-withheld="{_c(column.key)}">{withheld}</span>'
            )
            + "</td>"
            for column, readable, text in row.values
        )
        href = _c(link.replace(placeholder, str(spell.code)))
        out.append(
            f'<tr class="govuk-table__row" data-member="{_c(spell.profile.code)}">'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{href}">{name}</a></td>'
            f'<td class="govuk-table__cell">{status}</td>'
            f'<td class="govuk-table__cell">{_c(_day(spell.added_on))}</td>'
            f'<td class="govuk-table__cell">{last}</td>'
            f"{values}</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 -- every value above is escaped

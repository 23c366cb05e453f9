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
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from roundtable.galleries.selectors.galleries import person_galleries as card
from roundtable.galleries.selectors.members import MemberRow
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
    about 7 ms as a template). Every value is escaped by ``format_html``."""
    link = reverse("galleries:membership_detail", kwargs={"code": _PLACEHOLDER})
    placeholder = str(_PLACEHOLDER)
    withheld_name = gettext("Identity withheld")
    withheld = gettext("Withheld")
    hint = '<span class="govuk-hint" data-withheld="{}">{}</span>'
    overdue = format_html(
        ' <strong class="govuk-tag govuk-tag--red">{}</strong>', gettext("Overdue")
    )
    cell = '<td class="govuk-table__cell">{}</td>'
    out = []
    for counter, row in enumerate(rows, 1):
        spell = row.spell
        if row.identified:
            name = conditional_escape(row.name)
        else:
            name = format_html(
                '{}<span class="govuk-visually-hidden"> ({})</span>', withheld_name, counter
            )
        status = (
            format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', spell.status)
            if spell.status
            else ""
        )
        if removed:
            last = _day(spell.removed_on)
        elif spell.review_on:
            last = format_html(
                "{}{}", _day(spell.review_on), overdue if spell.review_on < today else ""
            )
        else:
            last = ""
        values = format_html_join(
            "",
            cell,
            (
                (text if readable else format_html(hint, column.key, withheld),)
                for column, readable, text in row.values
            ),
        )
        out.append(
            format_html(
                '<tr class="govuk-table__row" data-member="{}">'
                '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
                + cell * 3
                + "{}</tr>",
                spell.profile.code,
                link.replace(placeholder, str(spell.code)),
                name,
                status,
                _day(spell.added_on),
                last,
                values,
            )
        )
    return mark_safe("\n".join(out))  # noqa: S308 -- every part above is format_html's output


def _day(value: date | None) -> str:
    """As the template filter ``date:"j M Y"`` writes it, without building a formatter per
    cell (a third of the rows' cost)."""
    if not value:
        return ""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"

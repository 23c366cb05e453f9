"""``{% case_list_rows %}``: the rows of "my cases".

The list is on every practitioner's path, and its 25 rows drawn by the template engine cost
about as much as the rest of the request (each row looked up a dozen variables through the
engine's fallbacks, reversed its own URL and built a date formatter). They are written here
with f-strings instead, as the search results and gallery members are (``roundtable.lib.html``);
what a row may show was decided by the selector (``CaseRow``), and every value is escaped.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from roundtable.lib.html import cell, short_day
from roundtable.records.models import CaseStatus
from roundtable.records.selectors.cases import CaseRow

register = template.Library()

_PLACEHOLDER = str(UUID(int=0))


@register.simple_tag
def case_list_rows(rows: list[CaseRow], today: date) -> SafeString:
    """Reference (a link, tagged when closed), title, type, stage, review date (tagged when
    overdue) and owner; the title, stage and review only when the summary is shared."""
    if not rows:
        empty = cell(gettext("There are no cases to show."))
        return mark_safe(  # noqa: S308 -- escaped above
            f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="6">{empty}'
            "</td></tr>"
        )
    link = reverse("records:case_detail", kwargs={"code": _PLACEHOLDER})
    closed = f' <strong class="govuk-tag govuk-tag--grey">{cell(gettext("Closed"))}</strong>'
    overdue = f' <strong class="govuk-tag govuk-tag--red">{cell(gettext("Overdue"))}</strong>'
    not_shared = f'<span class="govuk-hint">{cell(gettext("Not shared with you"))}</span>'
    out = []
    for row in rows:
        case = row.case
        reference = cell(case.reference)
        href = cell(link.replace(_PLACEHOLDER, str(case.code)))
        tag = closed if case.status == CaseStatus.CLOSED else ""
        if row.shows_summary:
            title, stage = cell(case.title), cell(case.stage)
            review = cell(short_day(case.review_date))
            late = (
                case.status == CaseStatus.OPEN
                and case.review_date is not None
                and case.review_date < today
            )
            if late:
                review += overdue
        else:
            title, stage, review = not_shared, "", ""
        owner = cell(f"{case.owning_team.name}, {case.owning_organisation.name}")
        out.append(
            f'<tr class="govuk-table__row" data-case="{reference}">'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{href}">{reference}</a>'
            f"{tag}</td>"
            f'<td class="govuk-table__cell">{title}</td>'
            f'<td class="govuk-table__cell">{cell(case.case_type.name)}</td>'
            f'<td class="govuk-table__cell">{stage}</td>'
            f'<td class="govuk-table__cell">{review}</td>'
            f'<td class="govuk-table__cell">{owner}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 -- every value above is escaped

"""The rows of "my cases", drawn in Python: every branch the template had, and escaping."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.urls import reverse

from roundtable.directory.models import Organisation, Team
from roundtable.records.models import Case, CaseStatus, CaseType
from roundtable.records.selectors.cases import CaseRow
from roundtable.records.templatetags.case_rows import case_list_rows
from roundtable.sharing.sections import Section

TODAY = date(2026, 11, 20)
CODE = UUID("00000000-0000-0000-0000-00000000abcd")


def _row(*, summary: bool = True, **fields: object) -> CaseRow:
    values: dict[str, object] = {
        "code": CODE,
        "reference": "ASB-2026-000123",
        "title": "Noise at Test Street",
        "status": CaseStatus.OPEN,
        "stage": "Warning letter",
        "review_date": date(2026, 12, 1),
        "case_type": CaseType(name="Anti-social behaviour"),
        "owning_team": Team(name="ASB Team"),
        "owning_organisation": Organisation(name="Testshire Police"),
    }
    values.update(fields)
    sections = frozenset({Section.SUMMARY, Section.MEMBERS} if summary else {Section.MEMBERS})
    return CaseRow(case=Case(**values), sections=sections)


def _cells(html: str) -> list[str]:
    return [part.split("</td>")[0] for part in html.split('<td class="govuk-table__cell">')[1:]]


def test_a_shared_summary_shows_title_stage_and_review_with_a_link_to_the_case():
    html = case_list_rows([_row()], TODAY)

    assert html.startswith('<tr class="govuk-table__row" data-case="ASB-2026-000123">')
    href = reverse("records:case_detail", kwargs={"code": CODE})
    assert _cells(html) == [
        f'<a class="govuk-link" href="{href}">ASB-2026-000123</a>',
        "Noise at Test Street",
        "Anti-social behaviour",
        "Warning letter",
        "1 Dec 2026",
        "ASB Team, Testshire Police",
    ]


def test_an_open_case_past_its_review_is_tagged_overdue_and_a_closed_one_closed_not_overdue():
    late = _row(review_date=date(2026, 11, 19))
    closed = _row(status=CaseStatus.CLOSED, review_date=date(2026, 11, 19))
    due_today = _row(review_date=TODAY)

    first, second, third = case_list_rows([late, closed, due_today], TODAY).split("\n")

    assert _cells(first)[4] == (
        '19 Nov 2026 <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    )
    assert _cells(second)[0].endswith(
        '</a> <strong class="govuk-tag govuk-tag--grey">Closed</strong>'
    )
    assert _cells(second)[4] == "19 Nov 2026"
    assert _cells(third)[4] == "20 Nov 2026"
    assert "Closed" not in first


def test_without_the_summary_the_title_stage_and_review_are_withheld():
    cells = _cells(case_list_rows([_row(summary=False, review_date=date(2020, 1, 1))], TODAY))

    assert cells[1:5] == [
        '<span class="govuk-hint">Not shared with you</span>',
        "Anti-social behaviour",
        "",
        "",
    ]
    assert "Noise at Test Street" not in "".join(cells)


def test_no_review_date_leaves_the_cell_empty():
    assert _cells(case_list_rows([_row(review_date=None)], TODAY))[4] == ""


def test_an_empty_list_says_so_in_one_row():
    assert case_list_rows([], TODAY) == (
        '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="6">'
        "There are no cases to show.</td></tr>"
    )


def test_markup_in_any_value_is_shown_as_text():
    html = case_list_rows(
        [
            _row(
                title="<script>alert(1)</script>",
                stage='"stage"',
                case_type=CaseType(name="A & B"),
                owning_team=Team(name="<b>Team</b>"),
            )
        ],
        TODAY,
    )

    assert "<script>" not in html and "<b>" not in html
    cells = _cells(html)
    assert cells[1] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert cells[2] == "A &amp; B"
    assert cells[3] == "&quot;stage&quot;"
    assert cells[5].startswith("&lt;b&gt;Team&lt;/b&gt;")

"""The search results' rows, drawn in Python: every branch the template had, and escaping."""

from __future__ import annotations

from datetime import date

from roundtable.records.selectors.search import SearchHit
from roundtable.records.templatetags.search_results import search_result_rows, signpost_rows


def _hit(**overrides: object) -> SearchHit:
    values: dict[str, object] = {
        "code": "P-1",
        "is_full": True,
        "shows_identity": True,
        "score": 1.0,
        "owning_team": "ASB Team",
        "owning_organisation": "Testshire Police",
    }
    values.update(overrides)
    return SearchHit(**values)  # type: ignore[arg-type]


def _cells(html: str) -> list[str]:
    return [part.split("</td>")[0] for part in html.split('<td class="govuk-table__cell">')[1:]]


def test_a_full_result_links_the_name_and_writes_the_date_as_the_page_does():
    hit = _hit(
        name="Morgan FENWICK",
        date_of_birth=date(1990, 3, 5),
        date_of_birth_estimated=True,
        gender="Female",
        url="/people/P-1/",
    )

    html = search_result_rows([hit])

    assert html.startswith('<tr class="govuk-table__row" data-code="P-1">')
    assert _cells(html) == [
        '<a class="govuk-link" href="/people/P-1/">Morgan FENWICK</a>',
        "5 March 1990 (estimated)",
        "Female",
        "ASB Team, Testshire Police",
    ]


def test_a_full_result_without_identity_withholds_gender_and_a_withheld_name_its_date():
    named = _hit(name="Morgan FENWICK", shows_identity=False, url="/people/P-1/", gender="Male")
    nameless = _hit(code="P-2", name="", shows_identity=False, url="")

    first, second = search_result_rows([named, nameless]).split("\n")

    assert _cells(first)[1:3] == ["Not known", "Withheld"]
    assert _cells(second)[:3] == ["Person (name withheld)", "Withheld", "Withheld"]
    assert 'data-code="P-2"' in second


def test_a_signpost_names_the_agencies_and_offers_access_or_says_whom_to_ask():
    asking = _hit(
        is_full=False,
        name="Riley OAKSHOTT",
        date_of_birth=date(2001, 12, 31),
        agencies=["Testshire District Council", "Testshire Police"],
        request_access_url="/sharing/request/profile/P-1/",
        restricted=True,
    )
    told = _hit(code="P-3", is_full=False, name="Riley OAKSHOTT")

    first, second = signpost_rows([asking, told]).split("\n")

    assert _cells(first) == [
        'Riley OAKSHOTT <strong class="govuk-tag govuk-tag--grey">Restricted</strong>',
        "31 December 2001",
        "Testshire District Council, Testshire Police",
        '<a class="govuk-link" href="/sharing/request/profile/P-1/">Request access'
        '<span class="govuk-visually-hidden"> to Riley OAKSHOTT&#x27;s record</span></a>',
    ]
    assert _cells(second)[1:] == ["Not known", "", "Ask ASB Team, Testshire Police"]


def test_every_value_is_escaped():
    evil = "<script>alert(1)</script>"
    full = _hit(name=evil, url='/x/"onmouseover="alert(1)', owning_team=evil, gender=evil)
    signpost = _hit(is_full=False, name=evil, agencies=[evil], owning_team=evil)

    html = search_result_rows([full]) + signpost_rows([signpost])

    assert "<script>" not in html
    assert '"onmouseover' not in html
    assert html.count("&lt;script&gt;") == 6

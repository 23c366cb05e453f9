"""Forms for national person search and for reviewing duplicate pairs.

The search form parses the terms and enforces the anti-fishing minimum (ARCHITECTURE.md §4): a
search beyond one's own records needs a surname with a date of birth (exact, year, or a range of
at most five years) or an identifier; one's own records can be searched with less. It never
touches the database: the selector does the searching and the policy the deciding.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from roundtable.directory.forms import GovukFormMixin
from roundtable.records.identifiers import FORMATS, normalise_identifier
from roundtable.records.models import Gender, IdentifierKind
from roundtable.records.names import fold
from roundtable.records.selectors.search import Scope, SearchQuery
from roundtable.records.validation import normalise_postcode

MAX_RANGE_YEARS = 5
BEYOND_OWN_RECORDS = (
    "To search beyond your own records, enter a surname and a date of birth (or year of birth), "
    "or an identifier such as an NHS number"
)
NOTHING_TO_SEARCH = (
    "Enter a surname, a date of birth, an identifier, a postcode or part of an address"
)


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


class SearchForm(GovukFormMixin, forms.Form):
    """The person search form: terms, filters and whose records to look at."""

    family_name = forms.CharField(label="Surname", max_length=100, required=False)
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    dob_day = forms.CharField(label="Day", max_length=2, required=False)
    dob_month = forms.CharField(label="Month", max_length=2, required=False)
    dob_year = forms.CharField(label="Year", max_length=4, required=False)
    born_from_year = forms.CharField(label="From year", max_length=4, required=False)
    born_to_year = forms.CharField(label="To year", max_length=4, required=False)
    identifier_kind = forms.ChoiceField(
        label="Kind of identifier",
        choices=[("", "Any kind"), *IdentifierKind.choices],
        required=False,
    )
    identifier = forms.CharField(
        label="Identifier",
        max_length=40,
        required=False,
        help_text="For example an NHS number, PNC ID or National Insurance number",
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        error_messages={"max_length": "Enter a real postcode, like SW1A 1AA"},
    )
    address = forms.CharField(
        label="Address contains",
        max_length=120,
        required=False,
        help_text="Part of a street, building or town. Searches your own records only.",
    )
    gender = forms.ChoiceField(
        label="Gender",
        choices=[("", "Any"), *Gender.choices],
        required=False,
        help_text="Applies to records whose identity details you can see",
    )
    scope = forms.ChoiceField(
        label="Whose records",
        choices=[
            (Scope.ANYWHERE, "Anyone's (national search)"),
            (Scope.ORGANISATION, "My organisation's"),
            (Scope.TEAM, "My team's"),
        ],
        initial=Scope.ANYWHERE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whose records to search"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("dob_day", "dob_month", "dob_year", "born_from_year", "born_to_year"):
            attrs = self.fields[name].widget.attrs
            attrs["inputmode"] = "numeric"
            width = "4" if "year" in name else "2"
            attrs["class"] = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
        self.fields["postcode"].widget.attrs["class"] += " govuk-input--width-10"
        self.fields["postcode"].widget.attrs["autocomplete"] = "off"
        self.born_from: date | None = None
        self.born_to: date | None = None
        self.identifier_pairs: tuple[tuple[str, str], ...] = ()

    def clean_family_name(self) -> str:
        value = str(self.cleaned_data["family_name"]).strip()
        if value and not fold(value):
            raise ValidationError("Enter a surname using letters")
        return value

    def clean_given_name(self) -> str:
        value = str(self.cleaned_data["given_name"]).strip()
        if value and not fold(value):
            raise ValidationError("Enter a first name using letters")
        return value

    def clean_postcode(self) -> str:
        value = str(self.cleaned_data["postcode"]).strip()
        return normalise_postcode(value) if value else ""

    def clean_address(self) -> str:
        value = " ".join(str(self.cleaned_data["address"]).split())
        if value and len(value) < 3:
            raise ValidationError("Enter at least 3 characters of the address")
        return value

    # --- the date of birth: exact, a year, or a range of years ---------------------------------

    def _year(self, text: str, field: str, what: str) -> int | None:
        year = _number(text)
        this_year = timezone.localdate().year
        if year is None or not 1900 <= year <= this_year:
            self.add_error(field, f"{what} must be a year between 1900 and {this_year}")
            return None
        return year

    def _clean_birth(self) -> None:
        data = self.cleaned_data
        day_text, month_text, year_text = (
            str(data.get(name, "")).strip() for name in ("dob_day", "dob_month", "dob_year")
        )
        from_text = str(data.get("born_from_year", "")).strip()
        to_text = str(data.get("born_to_year", "")).strip()
        has_date = bool(day_text or month_text or year_text)
        if has_date and (from_text or to_text):
            self.add_error("dob_day", "Enter a date of birth or a range of years, not both")
            return
        if has_date:
            self._clean_exact_or_year(day_text, month_text, year_text)
        elif from_text or to_text:
            self._clean_range(from_text, to_text)

    def _clean_exact_or_year(self, day_text: str, month_text: str, year_text: str) -> None:
        if not year_text:
            self.add_error("dob_day", "Date of birth must include a year")
            return
        if bool(day_text) != bool(month_text):
            self.add_error("dob_day", "Enter a full date of birth, or the year of birth alone")
            return
        year = self._year(year_text, "dob_day", "Year of birth")
        if year is None:
            return
        if not day_text:
            self.born_from, self.born_to = date(year, 1, 1), date(year, 12, 31)
            return
        day, month = _number(day_text), _number(month_text)
        try:
            born = date(year, month or 0, day or 0)
        except ValueError:
            self.add_error("dob_day", "Date of birth must be a real date")
            return
        if born > timezone.localdate():
            self.add_error("dob_day", "Date of birth must be in the past")
            return
        self.born_from = self.born_to = born

    def _clean_range(self, from_text: str, to_text: str) -> None:
        if not (from_text and to_text):
            self.add_error("born_from_year", "Enter both years of the range")
            return
        first = self._year(from_text, "born_from_year", "The first year")
        last = self._year(to_text, "born_from_year", "The last year")
        if first is None or last is None:
            return
        if last < first:
            self.add_error("born_from_year", "The last year must be the same as or after the first")
            return
        self.born_from, self.born_to = date(first, 1, 1), date(last, 12, 31)

    # --- identifiers ---------------------------------------------------------------------------

    def _clean_identifier(self) -> None:
        raw = str(self.cleaned_data.get("identifier", "")).strip()
        if not raw:
            return
        kind = str(self.cleaned_data.get("identifier_kind") or "")
        if kind:
            try:
                self.identifier_pairs = ((kind, normalise_identifier(kind, raw)),)
            except ValidationError as error:
                self.add_error("identifier", error.messages[0])
            return
        pairs = []
        for each_kind, identifier_format in FORMATS.items():
            try:
                pairs.append((str(each_kind), identifier_format.normalise(raw)))
            except ValidationError:
                continue
        if not pairs:
            self.add_error(
                "identifier",
                "Enter an identifier in a format we know, like an NHS number (943 476 5919) or a "
                "PNC ID (79/123456T), or choose its kind",
            )
        self.identifier_pairs = tuple(pairs)

    # --- what is enough to search --------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_birth()
        self._clean_identifier()
        if self.errors:
            return cleaned
        surname = bool(cleaned.get("family_name"))
        birth = self.born_from is not None
        identifier = bool(self.identifier_pairs)
        if cleaned.get("scope") == Scope.ANYWHERE:
            self._check_beyond_own_records(surname=surname, birth=birth, identifier=identifier)
        elif not (
            surname or birth or identifier or cleaned.get("postcode") or cleaned.get("address")
        ):
            self.add_error("family_name", NOTHING_TO_SEARCH)
        return cleaned

    def _check_beyond_own_records(self, *, surname: bool, birth: bool, identifier: bool) -> None:
        if identifier:
            return
        if not surname:
            self.add_error("family_name", BEYOND_OWN_RECORDS)
        elif not birth:
            self.add_error("dob_day", BEYOND_OWN_RECORDS)
        elif (
            self.born_from
            and self.born_to
            and self.born_to.year - self.born_from.year > (MAX_RANGE_YEARS)
        ):
            self.add_error(
                "born_from_year",
                f"Search a range of at most {MAX_RANGE_YEARS} years when looking beyond your "
                "own records",
            )

    def search_query(self) -> SearchQuery:
        """The cleaned terms as the selector takes them."""
        data = self.cleaned_data
        return SearchQuery(
            family_name=data["family_name"],
            given_name=data["given_name"],
            born_from=self.born_from,
            born_to=self.born_to,
            identifiers=self.identifier_pairs,
            postcode=data["postcode"],
            address=data["address"],
            gender=data["gender"],
            scope=data["scope"],
        )

    def search_terms(self) -> dict[str, str]:
        """The terms as typed (cleaned), for the audit log: only those given."""
        names = (
            "family_name",
            "given_name",
            "identifier_kind",
            "identifier",
            "postcode",
            "address",
            "gender",
            "scope",
        )
        terms = {name: str(self.cleaned_data[name]) for name in names if self.cleaned_data[name]}
        if self.born_from and self.born_to:
            terms["born_from"] = self.born_from.isoformat()
            terms["born_to"] = self.born_to.isoformat()
        return terms


# --- duplicate review -------------------------------------------------------------------------


class NotDuplicateForm(GovukFormMixin, forms.Form):
    """Decide a candidate pair are different people."""

    reason = forms.CharField(
        label="Why are these different people?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why these are different people"},
    )


class MergeForm(GovukFormMixin, forms.Form):
    """Merge a candidate pair: which record survives, and why."""

    survivor = forms.ChoiceField(
        label="Which record should be kept?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the record to keep",
            "invalid_choice": "Select one of the two records",
        },
    )
    reason = forms.CharField(
        label="Why are these the same person?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why these records are the same person"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        survivor = self.fields["survivor"]
        assert isinstance(survivor, forms.ChoiceField)  # noqa: S101 -- declared just above
        survivor.choices = choices

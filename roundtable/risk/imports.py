"""Reading an offence import file: a CSV with a header row, one offence per row.

``read_rows`` only reads the file (size, encoding, CSV shape, header, row cap); ``resolve``
turns each row into an ``OffenceEntry`` for ``offences_record_many``, looking up people through
the policy (only people whose offending section the importing team sees, by their public code or,
when the team also sees who they are, their PNC ID), categories in the team's partnership's
classification by code, and source agencies by short name. Every problem is named by its row (the
spreadsheet's row: the header is row 1) and column; a person the team cannot see gets exactly the
words a person who does not exist gets. Nothing here writes; the service does. The format is
documented in docs/risk.md, "Importing offences from a file".
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from roundtable.directory.models import Organisation, Team, User
from roundtable.records.identifiers import normalise_identifier
from roundtable.records.models import Identifier, IdentifierKind, Profile
from roundtable.risk.models import Disposal, OffenceCategory, OffenceRole
from roundtable.risk.services.offences import OffenceDetails, OffenceEntry
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section, from_mask

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
MAX_PROBLEMS_SHOWN = 100

REQUIRED = ("person", "category", "date", "role", "disposal", "source_organisation")
OPTIONAL = ("time", "postcode", "source_reference", "proactive", "outcome_notes")
COLUMNS = REQUIRED + OPTIONAL

NO_PERSON = "no person with that code or PNC ID whose offending your team can see"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


class OffenceImportError(Exception):
    """The file cannot be imported: every problem found, each naming its row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Row:
    """One offence as the file gives it: its row number and its cells by column name."""

    number: int
    cells: dict[str, str]


def read_rows(data: bytes) -> list[Row]:
    """The file's offences, unresolved; OffenceImportError when it cannot be read as an import."""
    if len(data) > MAX_BYTES:
        raise OffenceImportError(["The file must be 2 MB or smaller: split it into smaller files."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OffenceImportError(
            ["The file must be a CSV file saved as UTF-8 (in Excel: CSV UTF-8)."]
        ) from None
    if "\x00" in text:
        raise OffenceImportError(
            ["The file is not a CSV file: save it as CSV UTF-8 and try again."]
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[Row] = []
    try:
        header = _header(next(reader, []))
        for number, record in enumerate(reader, 2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) == MAX_ROWS:
                raise OffenceImportError(
                    [f"The file has more than {MAX_ROWS:,} offences: split it into smaller files."]
                )
            if len(record) > len(header):
                raise OffenceImportError(
                    [f"Row {number}: it has more cells than the header row has columns."]
                )
            cells = {name: value.strip() for name, value in zip(header, record, strict=False)}
            rows.append(Row(number, cells))
    except csv.Error as error:
        raise OffenceImportError(
            [f"Row {reader.line_num}: the file is not valid CSV ({error})."]
        ) from None
    if not rows:
        raise OffenceImportError(["The file has no offences under its header row."])
    return rows


def _header(record: list[str]) -> list[str]:
    names = [cell.strip().lower().replace(" ", "_") for cell in record]
    if not any(names):
        raise OffenceImportError(
            [
                "Row 1: the file must start with a header row naming the columns: "
                f"{', '.join(COLUMNS)}."
            ]
        )
    unknown = sorted({name for name in names if name not in COLUMNS})
    twice = sorted({name for name in names if names.count(name) > 1})
    problems = [
        *(
            f"Row 1: the column {name or '(empty)'} is not one the import knows."
            for name in unknown
        ),
        *(f"Row 1: the column {name} is there more than once." for name in twice),
        *(f"Row 1: the column {name} is missing." for name in REQUIRED if name not in names),
    ]
    if problems:
        raise OffenceImportError(problems)
    return names


# --- resolving rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """The rows as the service takes them, and what the import covers."""

    entries: list[OffenceEntry]
    numbers: list[int]
    people: int
    categories: int


def _person_key(raw: str) -> tuple[str, str] | None:
    """('code', uuid) or ('pnc', stored form); None when it is neither."""
    try:
        return ("code", str(uuid.UUID(raw)))
    except ValueError:
        pass
    try:
        return ("pnc", normalise_identifier(IdentifierKind.PNC, raw))
    except ValidationError:
        return None


def _people(
    viewer: policy.Viewer, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Profile]:
    """The people the keys name whose offending the viewer sees (and, by PNC, whose identity)."""
    wanted = set(keys)
    codes = [value for kind, value in wanted if kind == "code"]
    pncs = [value for kind, value in wanted if kind == "pnc"]
    found: dict[tuple[str, str], int] = {}
    for code, pk in Profile.objects.filter(code__in=codes, merged_into__isnull=True).values_list(
        "code", "pk"
    ):
        found[("code", str(code))] = pk
    for value, pk in Identifier.objects.filter(
        kind=IdentifierKind.PNC, value__in=pncs, profile__merged_into__isnull=True
    ).values_list("value", "profile_id"):
        found[("pnc", value)] = pk
    masks = policy.section_masks(viewer, RecordKind.PROFILE, sorted(set(found.values())))
    allowed: dict[tuple[str, str], int] = {}
    for key, pk in found.items():
        shown = from_mask(masks.get(pk, 0), RecordKind.PROFILE)
        if Section.OFFENDING in shown and (key[0] == "code" or Section.IDENTITY in shown):
            allowed[key] = pk
    profiles = Profile.objects.select_related("owning_organisation").in_bulk(
        sorted(set(allowed.values()))
    )
    return {key: profiles[pk] for key, pk in allowed.items()}


def _choice(raw: str, choices: Iterable[tuple[str, Any]]) -> str | None:
    """A choice by its value or its label, in any case."""
    wanted = raw.strip().lower()
    for value, label in choices:
        if wanted in (value.lower(), str(label).lower(), value.lower().replace("_", " ")):
            return value
    return None


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _date(raw: str) -> date | None:
    """2026-03-27 or 27/03/2026; None when it is not a real date."""
    if match := _ISO_DATE.fullmatch(raw):
        year, month, day = (int(part) for part in match.groups())
    elif match := _UK_DATE.fullmatch(raw):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _time(raw: str) -> time | None:
    """14:30 or 14:30:00 (24-hour clock); None when it is not a real time."""
    if not (match := _TIME.fullmatch(raw)):
        return None
    try:
        return time(int(match[1]), int(match[2]), int(match[3] or 0))
    except ValueError:
        return None


def resolve(rows: list[Row], *, actor: User, team: Team) -> Resolved:
    """Each row as an ``OffenceEntry`` recorded by the actor acting as the team; OffenceImportError
    naming every row and column in error (the service checks everything again)."""
    viewer = policy.viewer_for_user(actor, team)
    partnership_id = team.organisation.partnership_id
    keys = {row.number: _person_key(row.cells.get("person", "")) for row in rows}
    people = _people(viewer, [key for key in keys.values() if key is not None])
    # A national organisation's team has no classification, so no category code is known to it.
    local = Q(partnership_id=partnership_id) if partnership_id is not None else Q(pk__in=[])
    categories = {
        category.code.upper(): category for category in OffenceCategory.objects.filter(local)
    }
    organisations: dict[str, Organisation] = {}
    for agency in Organisation.objects.filter(local | Q(partnership__isnull=True), is_active=True):
        for name in (agency.short_name, agency.name):
            if name:
                organisations.setdefault(name.lower(), agency)
    problems: list[str] = []
    entries: list[OffenceEntry] = []
    numbers: list[int] = []
    for row in rows:
        cells = row.cells
        said: list[str] = []

        def problem(text: str, said: list[str] = said, number: int = row.number) -> None:
            said.append(f"Row {number}: {text}")

        key = keys[row.number]
        profile = people.get(key) if key is not None else None
        if not cells.get("person"):
            problem("the person is missing (their Roundtable code or PNC ID).")
        elif key is None:
            problem("the person is neither a Roundtable person code nor a PNC ID.")
        elif profile is None:
            problem(f"{NO_PERSON}.")
        code = cells.get("category", "")
        category = categories.get(code.upper())
        if not code:
            problem("the category code is missing.")
        elif category is None:
            problem(f"category code {code} is not in your partnership's offence classification.")
        elif not category.is_active:
            problem(f"category code {code} is no longer in use in your partnership.")
        day = _date(cells.get("date", ""))
        if day is None:
            problem("the date must be a real date written as 2026-03-27 or 27/03/2026.")
        moment = _time(cells["time"]) if cells.get("time") else None
        if cells.get("time") and moment is None:
            problem("the time must use the 24-hour clock, for example 14:30, or be left empty.")
        role = _choice(cells.get("role", ""), OffenceRole.choices)
        if role is None:
            problem("the role must be one of offender, suspect, victim or witness.")
        disposal = _choice(cells.get("disposal", ""), Disposal.choices)
        if disposal is None:
            problem(
                f"the disposal must be one of {', '.join(str(value) for value in Disposal.values)}."
            )
        source = cells.get("source_organisation", "")
        organisation = organisations.get(source.lower())
        if organisation is None:
            problem(
                f"the source organisation {source or '(empty)'} is not an agency of your "
                "partnership (use its short name)."
            )
        proactive = cells.get("proactive", "").lower()
        if proactive not in YES | NO:
            problem("proactive must be yes or no, or be left empty.")
        if said:
            problems += said
            continue
        entries.append(
            OffenceEntry(
                actor=actor,
                team=team,
                profile=cast(Profile, profile),
                details=OffenceDetails(
                    category=cast(OffenceCategory, category),
                    role=cast(str, role),
                    occurred_at=timezone.make_aware(
                        datetime.combine(cast(date, day), moment or time(0, 0))
                    ),
                    time_known=moment is not None,
                    disposal=cast(str, disposal),
                    source_organisation=cast(Organisation, organisation),
                    outcome_notes=cells.get("outcome_notes", ""),
                    postcode=cells.get("postcode", ""),
                    source_reference=cells.get("source_reference", ""),
                    proactive=proactive in YES,
                ),
            )
        )
        numbers.append(row.number)
    if problems:
        raise OffenceImportError(problems)
    return Resolved(
        entries=entries,
        numbers=numbers,
        people=len({entry.profile.pk for entry in entries}),
        categories=len({entry.details.category.pk for entry in entries}),
    )

"""A gallery's members as a CSV or XLSX file: marked, headed, masked and safe to open.

The rows are exactly the filtered members the viewer may see (``selectors.members``), in the
page's order; each cell is filled only when the viewer sees that section of that person, and a
column appears only when the viewer sees its section of at least one person exported. The file
opens with the OFFICIAL-SENSITIVE marking and says which gallery, who exported it and when. A
cell that a spreadsheet would run as a formula is prefixed with an apostrophe. Memory stays
bounded: people are read, masked and written a chunk at a time (CSV streams; XLSX is written
row by row to a temporary file). Nothing here decides access or writes the audit event.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.utils import timezone

from roundtable.galleries.models import Gallery, GalleryMembership
from roundtable.galleries.selectors.members import (
    GalleryField,
    GalleryForm,
    member_rows,
    spells_in_order,
)
from roundtable.sharing import policy
from roundtable.sharing.sections import BIT, RecordKind, Section

MARKING = "OFFICIAL-SENSITIVE"
CHUNK = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 50_000


def safe_cell(value: Any) -> str:
    """The cell's text, with an apostrophe before anything a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass
class ExportPlan:
    """What one export holds: its rows (ids in order), their masks, and the columns shown."""

    gallery: Gallery
    form: GalleryForm
    spell_ids: list[int]
    masks: dict[int, int]
    removed: bool
    identity: bool
    fields: list[GalleryField]
    exported_by: str
    exported_at: datetime
    filters: str

    @property
    def sections(self) -> list[str]:
        shown = {self.gallery.section, *(item.section for item in self.fields)}
        if self.identity:
            shown.add(str(Section.IDENTITY))
        return sorted(shown)

    def heading(self) -> list[list[str]]:
        return [
            [MARKING],
            [f"Gallery: {self.gallery.name}"],
            [f"Exported by: {self.exported_by}"],
            [f"Exported at: {timezone.localtime(self.exported_at).strftime('%d/%m/%Y %H:%M')}"],
            [f"Filters: {self.filters or 'none'}"],
            [f"Rows: {len(self.spell_ids)}"],
            [],
            self.columns(),
        ]

    def columns(self) -> list[str]:
        names = ["Person reference"]
        if self.identity:
            names += ["Name", "Date of birth"]
        names += ["Status", "Date added", "Reason added", "Review date"]
        if self.removed:
            names += ["Date removed", "Reason removed"]
        return names + [safe_cell(item.label) for item in self.fields]  # labels are typed in


def export_plan(
    viewer: policy.Viewer,
    gallery: Gallery,
    form: GalleryForm,
    rows: Sequence[tuple[int, int, str, str]],
    *,
    removed: bool,
    exported_by: str,
    filters: str,
) -> ExportPlan:
    """Work out the export's columns: the masks of its people, a chunk of ids per query."""
    masks: dict[int, int] = {}
    profile_ids = [row[1] for row in rows]
    for start in range(0, len(profile_ids), CHUNK):
        masks.update(
            policy.section_masks(viewer, RecordKind.PROFILE, profile_ids[start : start + CHUNK])
        )
    seen = 0
    for mask in masks.values():
        seen |= mask
    return ExportPlan(
        gallery=gallery,
        form=form,
        spell_ids=[row[0] for row in rows],
        masks=masks,
        removed=removed,
        identity=bool(seen & BIT[Section.IDENTITY]),
        fields=[item for item in form.fields if seen & BIT[item.section]],
        exported_by=exported_by,
        exported_at=timezone.now(),
        filters=filters,
    )


def _row(
    plan: ExportPlan, spell: GalleryMembership, values: list[tuple[Any, bool, str]]
) -> list[str]:
    mask = plan.masks.get(spell.profile_id, 0)
    cells = [str(spell.profile.code)]
    if plan.identity:
        if mask & BIT[Section.IDENTITY]:
            cells += [spell.profile.display_name, _day(spell.profile.date_of_birth)]
        else:
            cells += ["(withheld)", ""]
    cells += [spell.status, _day(spell.added_on), spell.reason_added, _day(spell.review_on)]
    if plan.removed:
        cells += [_day(spell.removed_on), spell.reason_removed]
    cells += [text if readable else "(withheld)" for _item, readable, text in values]
    return [safe_cell(cell) for cell in cells]


def export_lines(viewer: policy.Viewer, plan: ExportPlan) -> Iterator[list[str]]:
    """Every line of the file: the heading, then the people a chunk at a time."""
    yield from plan.heading()
    for start in range(0, len(plan.spell_ids), CHUNK):
        spells = spells_in_order(plan.spell_ids[start : start + CHUNK])
        for row in member_rows(viewer, plan.gallery, spells, plan.fields):
            yield _row(plan, row.spell, row.values)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(viewer: policy.Viewer, plan: ExportPlan) -> Iterator[str]:
    """The CSV text, line by line (with a byte-order mark so spreadsheets read it as UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for line in export_lines(viewer, plan):
        yield writer.writerow(line)


def xlsx_file(viewer: policy.Viewer, plan: ExportPlan) -> IO[bytes]:
    """The XLSX workbook in a temporary file (spooled to disk past 8 MB), rewound."""
    # Imported here: only exports need it. It ships no type information.
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="Members")
    for line in export_lines(viewer, plan):
        sheet.append(line)
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (returned)
    book.save(handle)
    handle.seek(0)
    return handle

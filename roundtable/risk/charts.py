"""The geometry of the pattern charts, drawn server-side as SVG by the templates in
``risk/templates/risk/charts/``. Pure functions: figures in, shapes out.

Each chart is an accessible image (``role="img"`` with a title and a description), shows its
numbers as text (never by colour alone), and sits beside a table of the same figures, which is
the authoritative reading. Shapes carry only presentation attributes and classes: the strict
Content-Security-Policy forbids inline ``style``, and the colours live in the project stylesheet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_CHARS = 30
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HEAT_LEVELS = 4


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per row of the table (offence mix, places)."""

    width: int
    height: int
    label_x: int
    bar_x: int
    bar_height: int
    bars: list[Bar]


def bar_chart(items: Sequence[tuple[str, int]]) -> BarChart:
    """One bar per (label, count), longest for the largest count."""
    row, bar_height, label_x, bar_x, bar_room = 28, 18, 224, 232, 360
    top = max((value for _, value in items), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(items):
        y = 6 + index * row
        width = round(bar_room * value / top)
        bars.append(
            Bar(
                label=label,
                short_label=_short(label),
                value=value,
                y=y,
                width=width,
                text_y=y + 14,
                value_x=bar_x + width + 6,
            )
        )
    return BarChart(
        width=WIDTH,
        height=12 + row * max(len(items), 1),
        label_x=label_x,
        bar_x=bar_x,
        bar_height=bar_height,
        bars=bars,
    )


@dataclass(frozen=True)
class Column:
    month: date
    value: int
    x: int
    y: int
    width: int
    height: int
    label: str  # "Jan 2026" for every few months, "" otherwise
    label_x: int
    value_y: int


@dataclass(frozen=True)
class Gridline:
    y: int
    value: int


@dataclass(frozen=True)
class ColumnChart:
    """One column per month (trend by month)."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: int
    label_y: int
    columns: list[Column]
    gridlines: list[Gridline]
    show_values: bool


def column_chart(months: Sequence[tuple[date, int]]) -> ColumnChart:
    """Columns over time; every month has one, including months with no offences."""
    left, right, top_y, baseline = 44, WIDTH - 8, 16, 196
    count = max(len(months), 1)
    slot = (right - left) / count
    top = max((value for _, value in months), default=0)
    scale = max(top, 1)
    every = max(1, math.ceil(count / 8))
    columns = []
    for index, (month, value) in enumerate(months):
        height = round((baseline - top_y) * value / scale)
        x = round(left + index * slot + slot * 0.15)
        columns.append(
            Column(
                month=month,
                value=value,
                x=x,
                y=baseline - height,
                width=max(2, round(slot * 0.7)),
                height=height,
                label=month.strftime("%b %Y") if index % every == 0 else "",
                label_x=round(left + index * slot + slot / 2),
                value_y=baseline - height - 4,
            )
        )
    gridlines = [Gridline(y=baseline, value=0)]
    if top:
        gridlines += [
            Gridline(y=round(baseline - (baseline - top_y) * (value / scale)), value=value)
            for value in sorted({math.ceil(top / 2), top})
        ]
    return ColumnChart(
        width=WIDTH,
        height=baseline + 28,
        plot_left=left,
        plot_right=right,
        baseline=baseline,
        label_y=baseline + 18,
        columns=columns,
        gridlines=gridlines,
        show_values=count <= 24,
    )


@dataclass(frozen=True)
class Cell:
    weekday: int
    hour: int
    value: int
    x: int
    y: int
    level: int  # 0 (none) to HEAT_LEVELS (the most)
    text_x: int
    text_y: int


@dataclass(frozen=True)
class HourLabel:
    text: str
    x: int


@dataclass(frozen=True)
class DayRow:
    name: str
    y: int
    cells: list[Cell]


@dataclass(frozen=True)
class HeatMap:
    """Seven rows (Monday first) of 24 hour cells; each cell's count written in it."""

    width: int
    height: int
    cell: int
    label_y: int
    days: list[DayRow]
    hours: list[HourLabel]

    def cells_svg(self) -> SafeString:
        """The day rows' labels and cells as SVG, built here rather than in a template loop.

        168 cells with a title, a rectangle and a count each were most of the pattern page's
        rendering time through the template engine; the markup is the same. Every value is a
        number or one of ``DAYS``, and is escaped all the same.
        """
        parts: list[str] = []
        for day in self.days:
            name = escape(day.name)
            parts.append(
                f'<text x="34" y="{day.y}" text-anchor="end" class="rt-chart__label">{name}</text>'
            )
            for cell in day.cells:
                count = ""
                if cell.value:
                    dark = " rt-heat__count--on-dark" if cell.level >= 3 else ""
                    count = (
                        f'<text x="{cell.text_x}" y="{cell.text_y}" text-anchor="middle" '
                        f'class="rt-heat__count{dark}">{cell.value}</text>'
                    )
                parts.append(
                    f'<g data-value="{cell.value}"><title>{name} {cell.hour:02d}:00: '
                    f'{cell.value}</title><rect x="{cell.x}" y="{cell.y}" width="{self.cell}" '
                    f'height="{self.cell}" class="rt-heat rt-heat--{cell.level}"></rect>{count}</g>'
                )
        return mark_safe("".join(parts))  # noqa: S308  (built from escaped names and integers)


def heat_table_body(grid: Sequence[Sequence[int]]) -> SafeString:
    """The rows of the table beside the heat map (same figures), built without a template loop."""
    rows: list[str] = []
    for name, counts in zip(DAYS, grid, strict=True):
        cells = "".join(
            f'<td class="govuk-table__cell govuk-table__cell--numeric" data-value="{int(count)}">'
            f"{int(count)}</td>"
            for count in counts
        )
        rows.append(
            f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
            f"{escape(name)}</th>{cells}</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308  (built from escaped names and integers)


def heat_map(grid: Sequence[Sequence[int]]) -> HeatMap:
    """Cells shaded in HEAT_LEVELS steps of the busiest hour, each with its count as text."""
    cell, left, top_y = 24, 40, 22
    busiest = max((value for row in grid for value in row), default=0)
    days = []
    for weekday, row in enumerate(grid):
        y = top_y + weekday * cell
        cells = [
            Cell(
                weekday=weekday,
                hour=hour,
                value=value,
                x=left + hour * cell,
                y=y,
                level=math.ceil(HEAT_LEVELS * value / busiest) if value and busiest else 0,
                text_x=left + hour * cell + cell // 2,
                text_y=y + cell // 2 + 4,
            )
            for hour, value in enumerate(row)
        ]
        days.append(DayRow(name=DAYS[weekday], y=y + cell // 2 + 4, cells=cells))
    hours = [
        HourLabel(text=f"{hour:02d}", x=left + hour * cell + cell // 2) for hour in range(0, 24, 3)
    ]
    return HeatMap(
        width=left + 24 * cell + 4,
        height=top_y + 7 * cell + 4,
        cell=cell,
        label_y=top_y - 6,
        days=days,
        hours=hours,
    )

"""The benchmark's machine calibration and how the report shows it (no timing is asserted)."""

from __future__ import annotations

from typing import Any

from roundtable.benchmarks.machine import calibrate
from roundtable.benchmarks.report import _runs


def _result(size: int, calibration: list[float] | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "db": "sqlite",
        "size": size,
        "machine": {"database": "SQLite 3.40.1"},
        "dataset": {"seconds": {"total": 5.3}, "rows_written": 196925},
        "measured_at": "2026-11-21T22:41:00+00:00",
        "load_before": [0.5, 0.7, 1.0],
    }
    if calibration is not None:
        result["calibration_ms"] = calibration
    return result


def test_calibration_is_a_time_in_milliseconds():
    figure = calibrate(rounds=3)
    assert isinstance(figure, float)
    assert figure > 0


def test_the_runs_table_shows_each_runs_calibration_and_a_dash_for_older_results():
    table = _runs([_result(10_000, [21.26, 20.99]), _result(1_000_000, None)])

    header, _rule, small, large = table.strip().splitlines()
    assert header.endswith("| Calibration (ms, before/after) |")
    assert small.endswith("| 0.5/0.7/1.0 | 21.26/20.99 |")
    assert large.endswith("| 0.5/0.7/1.0 | - |")

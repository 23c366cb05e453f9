"""The benchmark's table on the terminal and its figures in docs/performance.md.

Only the part of docs/performance.md between the ``bench:results`` markers is generated; the
method and the discussion around it are written by hand. Figures are printed as measured, never
rounded in the flattering direction; a missing run is shown as missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roundtable.benchmarks.scenarios import HARM_SCENARIOS, SCENARIOS, Scenario

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
SMALL, LARGE = 10_000, 1_000_000
RATIO_LIMIT = 1.5


def _index(results: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(result["db"], int(result["size"])): result for result in results}


def _figure(result: dict[str, Any] | None, key: str, name: str) -> float | None:
    if result is None:
        return None
    scenario = result["scenarios"].get(key)
    return None if scenario is None else float(scenario[name])


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _rows(
    results: list[dict[str, Any]], scenarios: tuple[Scenario, ...] = SCENARIOS
) -> list[list[str]]:
    index = _index(results)
    rows = []
    for db in ("sqlite", "postgresql"):
        small, large = index.get((db, SMALL)), index.get((db, LARGE))
        if small is None and large is None:
            continue
        for scenario in scenarios:
            p95_small = _figure(small, scenario.key, "p95_ms")
            p95_large = _figure(large, scenario.key, "p95_ms")
            med_small = _figure(small, scenario.key, "median_ms")
            med_large = _figure(large, scenario.key, "median_ms")
            ratio = p95_large / p95_small if p95_small and p95_large is not None else None
            at_scale = p95_large if p95_large is not None else p95_small
            target_met = (
                "-" if at_scale is None else ("yes" if at_scale <= scenario.target_ms else "**no**")
            )
            ratio_met = "-" if ratio is None else ("yes" if ratio <= RATIO_LIMIT else "**no**")
            rows.append(
                [
                    scenario.label,
                    "SQLite" if db == "sqlite" else "PostgreSQL",
                    _fmt(med_small),
                    _fmt(p95_small),
                    _fmt(med_large),
                    _fmt(p95_large),
                    f"<= {scenario.target_ms:.0f}",
                    target_met,
                    "-" if ratio is None else f"{ratio:.2f}",
                    ratio_met,
                ]
            )
    return rows


HEADER = [
    "Scenario",
    "Database",
    "10k median",
    "10k p95",
    "1M median",
    "1M p95",
    "Target p95 (ms)",
    "p95 met",
    "p95 ratio 1M/10k",
    "<= 1.5x",
]


# Issue 5 sets no scaling rule: the ratio to the 10k baseline is shown, not judged.
HARM_HEADER = [*HEADER[:-1], "Measured"]


def _harm_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    index = _index(results)
    for row in _rows(results, HARM_SCENARIOS):
        db = "sqlite" if row[1] == "SQLite" else "postgresql"
        key = next(s.key for s in HARM_SCENARIOS if s.label == row[0])
        found = index.get((db, LARGE)) or index.get((db, SMALL)) or {"scenarios": {}}
        measured = (found["scenarios"].get(key) or {}).get("measured", "-")
        rows.append([*row[:-1], str(measured)])
    return rows


def print_table(results: list[dict[str, Any]]) -> None:
    for header, rows in ((HEADER, _rows(results)), (HARM_HEADER, _harm_rows(results))):
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)
        ]
        for row in [header, *rows]:
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)))
        print()


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _runs(results: list[dict[str, Any]]) -> str:
    header = [
        "Database",
        "Profiles",
        "Built in (s)",
        "Rows written",
        "Measured",
        "Load (1/5/15 min)",
        "Calibration (ms, before/after)",
    ]
    rows = []
    for result in sorted(results, key=lambda r: (r["db"], int(r["size"]))):
        dataset = result["dataset"]
        load = result.get("load_before") or []
        rows.append(
            [
                result["machine"]["database"],
                f"{int(result['size']):,}",
                str(dataset["seconds"]["total"]),
                f"{int(dataset['rows_written']):,}",
                str(result.get("measured_at", dataset.get("generated_at", ""))),
                "/".join(str(value) for value in load),
                "/".join(str(value) for value in result.get("calibration_ms") or []) or "-",
            ]
        )
    return _markdown_table(header, rows)


def _counts(results: list[dict[str, Any]]) -> str:
    large = [r for r in results if int(r["size"]) == LARGE] or results
    if not large:
        return ""
    counts = large[0]["dataset"]["counts"]
    return ", ".join(f"{name.replace('_', ' ')} {value:,}" for name, value in counts.items())


def _shares(results: list[dict[str, Any]]) -> str:
    parts = []
    for result in sorted(results, key=lambda r: (r["db"], int(r["size"]))):
        figures = result["scenarios"]
        top_all, top_share = figures.get("gallery_top20_all"), figures.get("gallery_top20_share")
        if not top_all or not top_share:
            continue
        parts.append(
            f"{result['db']} {int(result['size']):,}: gallery of "
            f"{int(top_all['gallery_members']):,} members; the managing team sees "
            f"{100 * top_all['share_seen']:.1f}%, the other teams "
            f"{100 * top_share['share_seen']:.1f}% on average."
        )
    return "Gallery seen: " + " ".join(parts) if parts else ""


def _details(results: list[dict[str, Any]]) -> str:
    header = ["Scenario", "Database", "Profiles", "Queries", "SQL ms", "Selector alone p95"]
    rows = []
    for result in sorted(results, key=lambda r: (r["db"], int(r["size"]))):
        for scenario in SCENARIOS + HARM_SCENARIOS:
            figures = result["scenarios"].get(scenario.key)
            if figures is None:
                continue
            selector = figures.get("selector")
            rows.append(
                [
                    scenario.label,
                    result["db"],
                    f"{int(result['size']):,}",
                    str(figures.get("queries", "-")),
                    str(figures.get("sql_ms", "-")),
                    "-" if not selector else f"{selector['p95_ms']:.1f}",
                ]
            )
    return _markdown_table(header, rows)


def _plans(results: list[dict[str, Any]]) -> str:
    parts = []
    for result in sorted(results, key=lambda r: (r["db"], -int(r["size"]))):
        if int(result["size"]) != max(int(r["size"]) for r in results if r["db"] == result["db"]):
            continue
        parts.append(f"#### {result['machine']['database']}, {int(result['size']):,} profiles\n")
        for scenario in SCENARIOS + HARM_SCENARIOS:
            figures = result["scenarios"].get(scenario.key) or {}
            for plan in (figures.get("plans") or [])[:2]:
                parts.append(f"{scenario.label}: a query taking {plan['ms']} ms")
                parts.append("```")
                parts.append(plan["sql"][:300] + ("…" if len(plan["sql"]) > 300 else ""))
                parts.extend("  " + line for line in plan["plan"][:8])
                parts.append("```")
    return "\n".join(parts)


def generated_section(results: list[dict[str, Any]]) -> str:
    machine = results[0]["machine"] if results else {}
    lines = [
        START,
        "",
        "_Generated by `make bench` from var/bench/results-*.json; edit the text around it, "
        "not this part._",
        "",
        f"Machine: {machine.get('cores', '?')} cores ({machine.get('cpu', '?')}), "
        f"{machine.get('memory_gb', '?')} GB memory, Python {machine.get('python', '?')}.",
        "",
        "### Server time per request (ms)",
        "",
        _markdown_table(HEADER, _rows(results)),
        "",
        "### Issue 5: gallery rankings and list, offending pattern, rescoring (ms)",
        "",
        "Each scenario for the gallery's managing team (sees every member) and for other teams "
        "of the partnership (see a small share). *Measured*: `page` through the test client, "
        "`service` `offence_create` with its rescoring, rolled back.",
        "",
        _markdown_table(HARM_HEADER, _harm_rows(results)),
        "",
        _shares(results),
        "",
        "### Runs",
        "",
        _runs(results),
        "",
        f"Rows in the largest dataset: {_counts(results)}.",
        "",
        "### Queries per request, time in SQL, and the selector alone",
        "",
        _details(results),
        "",
        "### Query plans of the slowest queries (largest dataset)",
        "",
        _plans(results),
        "",
        END,
    ]
    return "\n".join(lines)


def write_report(results: list[dict[str, Any]], path: Path) -> None:
    text = path.read_text() if path.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip() + f"\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    path.write_text(before + generated_section(results) + after)

"""``python -m roundtable.benchmarks`` (``make bench``): build the datasets, time the pages, report.

The parent process picks the databases and sizes, runs one worker process per pair (each worker
sets up Django against its own benchmark database: a file under var/bench/ or a PostgreSQL
database named ``roundtable_bench_<size>_s<seed>``), prints a table and rewrites the figures in
docs/performance.md. Datasets are kept and reused for the same size, seed and generator version;
``--fresh`` rebuilds them. It refuses any database not named for the benchmark, and prints
counts and timings only, never personal data (all of it is invented anyway).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_SIZES = (10_000, 1_000_000)
PG_HOST, PG_PORT = "127.0.0.1", 5432


def postgres_answers() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


def dataset_name(db: str, size: int, seed: int) -> str:
    return f"roundtable_bench_{size}_s{seed}" if db == "postgresql" else f"bench-{size}-s{seed}"


def database_url(db: str, size: int, seed: int) -> str:
    name = dataset_name(db, size, seed)
    if db == "postgresql":
        user = os.environ.get("BENCH_PG_USER", "postgres")
        return f"postgres://{user}@{PG_HOST}:{PG_PORT}/{name}"
    return f"sqlite:///{BENCH_DIR / (name + '.sqlite3')}"


def meta_path(db: str, size: int, seed: int) -> Path:
    return BENCH_DIR / f"{db}-{dataset_name(db, size, seed)}.json"


def results_path(db: str, size: int) -> Path:
    return BENCH_DIR / f"results-{db}-{size}.json"


# --- the worker: one database, one size ---------------------------------------------------------


def _drop_dataset(db: str, size: int, seed: int) -> None:
    meta_path(db, size, seed).unlink(missing_ok=True)
    if db == "sqlite":
        base = BENCH_DIR / (dataset_name(db, size, seed) + ".sqlite3")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(base) + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = dataset_name(db, size, seed)
    if not name.startswith("roundtable_bench_"):  # never anything but a benchmark database
        raise SystemExit(f"Refusing to drop {name}: not a benchmark database")
    user = os.environ.get("BENCH_PG_USER", "postgres")
    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=user, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _dataset_ready(db: str, size: int, seed: int, version: int) -> dict[str, Any] | None:
    path = meta_path(db, size, seed)
    if not path.exists():
        return None
    meta: dict[str, Any] = json.loads(path.read_text())
    if meta.get("generator_version") != version:
        return None
    if db == "sqlite" and not (BENCH_DIR / (dataset_name(db, size, seed) + ".sqlite3")).exists():
        return None
    return meta


def worker(args: argparse.Namespace) -> int:
    """Build the dataset when needed, then measure; writes var/bench/results-<db>-<size>.json."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from roundtable.benchmarks.dataset import GENERATOR_VERSION, build_dataset
    from roundtable.benchmarks.machine import calibrate, describe_machine, load_average
    from roundtable.benchmarks.measure import run_scenarios

    db, size, seed = args.db, args.size, args.seed
    meta = None if args.fresh else _dataset_ready(db, size, seed, GENERATOR_VERSION)
    if meta is None:
        connection.close()
        _drop_dataset(db, size, seed)
        print(f"[{db} {size:,}] building the dataset (seed {seed})", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        meta = build_dataset(profiles=size, seed=seed)
        meta["built_load"] = load_average()
        meta_path(db, size, seed).write_text(json.dumps(meta, indent=1))
        print(f"[{db} {size:,}] built in {meta['seconds']['total']}s", flush=True)
    else:
        call_command("migrate", verbosity=0, interactive=False)
        print(f"[{db} {size:,}] reusing the dataset built {meta['generated_at']}", flush=True)
    if args.build_only:
        return 0
    before = load_average()
    speed_before = calibrate()
    print(f"[{db} {size:,}] measuring", flush=True)
    scenarios = run_scenarios(seed=seed, requests=args.requests, warmup=args.warmup)
    speed_after = calibrate()
    result = {
        "db": db,
        "size": size,
        "seed": seed,
        "dataset": meta,
        "machine": describe_machine(),
        "measured_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "load_before": before,
        "load_after": load_average(),
        "calibration_ms": [speed_before, speed_after],
        "requests": args.requests,
        "warmup": args.warmup,
        "scenarios": scenarios,
    }
    results_path(db, size).write_text(json.dumps(result, indent=1, default=str))
    return 0


# --- the parent ---------------------------------------------------------------------------------


def _sizes(text: str | None) -> list[int]:
    if not text:
        return list(DEFAULT_SIZES)
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


ALIASES = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "pg": "postgresql",
}


def _databases(text: str | None) -> list[str]:
    if text and text != "all":
        return [ALIASES[part.strip().lower()] for part in text.split(",") if part.strip()]
    return ["sqlite", "postgresql"] if postgres_answers() else ["sqlite"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m roundtable.benchmarks", description=__doc__)
    parser.add_argument("--size", help="Comma-separated numbers of profiles (10000,1000000)")
    parser.add_argument("--db", help="sqlite, postgresql or both (default: both if PG answers)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="Rebuild the datasets")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--no-report", action="store_true", help="Do not rewrite the report")
    parser.add_argument("--build-only", action="store_true", help="Build datasets, measure nothing")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker-db", dest="db", help=argparse.SUPPRESS)
    parser.add_argument("--worker-size", dest="worker_size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.worker:
        args.size = args.worker_size
        return worker(args)

    from roundtable.benchmarks.report import print_table, write_report

    failed = False
    for db in _databases(args.db):
        for size in _sizes(args.size):
            env = dict(os.environ)
            env.update(
                ROUNDTABLE_ENV="development",
                DEBUG="false",
                DATABASE_URL=database_url(db, size, args.seed),
                DJANGO_SETTINGS_MODULE="roundtable.settings",
            )
            command = [
                sys.executable, "-m", "roundtable.benchmarks", "--worker",
                "--worker-db", db, "--worker-size", str(size), "--seed", str(args.seed),
                "--requests", str(args.requests), "--warmup", str(args.warmup),
            ]  # fmt: skip
            if args.fresh:
                command.append("--fresh")
            if args.build_only:
                command.append("--build-only")
            status = subprocess.run(command, env=env, cwd=ROOT, check=False).returncode  # noqa: S603
            if status != 0:
                print(f"[{db} {size:,}] failed with status {status}", file=sys.stderr)
                failed = True
    if args.build_only:
        return 1 if failed else 0
    results = [json.loads(path.read_text()) for path in sorted(BENCH_DIR.glob("results-*.json"))]
    print_table(results)
    if not args.no_report:
        write_report(results, ROOT / "docs" / "performance.md")
        print("Wrote docs/performance.md")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

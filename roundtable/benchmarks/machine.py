"""What the benchmark ran on: cores, processor, memory, Python and database versions, load.

Read from /proc and the database; prints nothing and never reads anything personal.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from django.db import connection


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (other work on the machine skews timings)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return []


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def describe_machine() -> dict[str, Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("show server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "python": platform.python_version(),
        "database": version,
    }


def calibrate(rounds: int = 15) -> float:
    """Milliseconds (median of ``rounds``) for a fixed piece of pure-Python work: JSON, hashing,
    string formatting and dictionaries, the kinds of work a page does. The same code on the same
    machine should take the same time; when a run's figure differs from another run's, the
    machine (a noisy neighbour on a shared host) changed, not the code under test. The
    benchmark takes it before and after measuring."""
    payload = {f"key{n}": [n, str(n) * 3, {"nested": n / 7}] for n in range(400)}
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for n in range(20):
            text = json.dumps(payload, sort_keys=True)
            hashlib.sha256(text.encode()).hexdigest()
            parsed = json.loads(text)
            "".join(f"<td>{key}:{value[1]}</td>" for key, value in parsed.items())
            sorted(parsed, key=lambda key: (len(key), key, n))
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)

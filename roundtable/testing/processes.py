"""Running the project in a fresh Python process, for tests of what happens at start-up.

Settings are read once per process, so a test of how an environment variable is read starts a
new one. The parent's Roundtable, database and secret variables are left out, so the child sees
only what the test gives it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_LEFT_OUT = ("ROUNDTABLE", "DATABASE_", "SECRET_KEY")


def run_python(args: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python <args>`` from the project's root with only ``environment`` of our own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(_LEFT_OUT)}
    env.update(environment)
    return subprocess.run(  # noqa: S603 (our own interpreter, arguments fixed by the test)
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

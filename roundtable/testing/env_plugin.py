"""A pytest plugin loaded with ``-p`` before Django's settings are imported.

It selects the ``test`` environment so a plain ``pytest`` run needs no exported variables; an
explicit ROUNDTABLE_ENV (for example when CI points DATABASE_URL at PostgreSQL) still wins.
"""

from __future__ import annotations

import os

os.environ.setdefault("ROUNDTABLE_ENV", "test")

"""``field__in_ids``: membership in a subquery of ids, written for each database's planner.

``profile_id__in_ids=policy.visible_ids(...)`` means what ``profile_id__in`` means. On SQLite
it is the same ``IN (subquery)``. On PostgreSQL it is ``= ANY(ARRAY(subquery))``: the planner
then sorts and de-duplicates the ids and probes the index in id order, instead of hashing them
to drop duplicates and probing in the order the subquery produced. For a team's list of 6,222
access rows probing a gallery's 50,000 members, 14.7 → 11.6 ms median (docs/performance.md).
A list of values (not a subquery) is an ordinary ``IN`` on both.

Used where it was measured, a statement without ``LIMIT``. With ``ORDER BY`` and ``LIMIT`` the
planner may prefer to walk the ordering index and search the array for every row it reads, so
the rankings keep ``__in``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class InIds(In[Any]):
    lookup_name = "in_ids"

    def get_rhs_op(self, connection: Any, rhs: str) -> str:
        if connection.vendor == "postgresql" and not self.rhs_is_direct_value():
            return f"= ANY(ARRAY{rhs})"
        return str(super().get_rhs_op(connection, rhs))


def register() -> None:
    """Make ``__in_ids`` available on every field (called once, by the sharing app); foreign
    keys look their lookups up from ``ForeignObject`` down, not from ``Field``."""
    Field.register_lookup(InIds)
    ForeignObject.register_lookup(InIds)

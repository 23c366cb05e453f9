"""A cheap Argon2 for the test environment only.

Argon2's real cost (about 100 ms a hash on purpose) multiplied by every user every test creates made
the suite spend most of its time hashing. This keeps the same algorithm and encoding, so the code
paths under test are the production ones, with the smallest work factors Argon2 allows. Settings
select it only when ROUNDTABLE_ENV is "test"; it must never be used anywhere else.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastTestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with minimal time and memory cost, for tests."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1

"""Building one benchmark dataset: the directory, then the records, in one timed transaction.

``build_dataset`` expects an empty, migrated database (a file under var/bench/ or a
``roundtable_bench_*`` PostgreSQL database) and fills it for a size and seed. It must never be
pointed at a database holding real data: it refuses one that already has people in it.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from roundtable.benchmarks.bulk import Writer
from roundtable.benchmarks.generator import RecordGenerator, utc_now_to_second
from roundtable.benchmarks.harm import write_harm
from roundtable.benchmarks.plan import Amounts
from roundtable.benchmarks.world import DirectorySize, build_world, utc_midnight
from roundtable.galleries.models import GalleryMembership
from roundtable.records.models import (
    Address,
    Case,
    CaseLink,
    CaseMember,
    Group,
    GroupMember,
    Identifier,
    NameIndexEntry,
    Premises,
    PremisesLink,
    Profile,
    ProfileAlias,
    WarningMarker,
)
from roundtable.risk.models import HarmScore, Offence
from roundtable.sharing.models import AccessEntry, ShareGrant

# The tables the records load fills: their plain indexes are built once, after the load.
BULK_TABLES = (
    Profile,
    NameIndexEntry,
    ProfileAlias,
    Identifier,
    Address,
    WarningMarker,
    Premises,
    PremisesLink,
    Group,
    GroupMember,
    Case,
    CaseMember,
    CaseLink,
    ShareGrant,
    AccessEntry,
    Offence,
    HarmScore,
    GalleryMembership,
)
# Bumped when the generator changes what it writes, so old datasets are rebuilt.
# 2: offences (5 per person), harm scores, and a gallery of 5% of people (issue 5).
GENERATOR_VERSION = 2


def _fast_sqlite() -> None:
    """Bulk-load settings for a throwaway SQLite file (no journal: a failed build is deleted)."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1048576")
        cursor.execute("PRAGMA temp_store=MEMORY")


def _normal_sqlite() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")


def build_dataset(
    *, profiles: int, seed: int, now: datetime | None = None, users: int = 10_000
) -> dict[str, Any]:
    """Fill an empty database with the benchmark data for a size; returns counts and timings."""
    if Profile.objects.exists():
        raise RuntimeError("The benchmark builds its data only into an empty database.")
    moment = now or utc_now_to_second()
    amounts = Amounts.for_profiles(profiles)
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        _fast_sqlite()
    started, started_cpu = time.perf_counter(), time.process_time()
    writer = Writer()
    with transaction.atomic():
        world = build_world(
            writer, seed=seed, size=DirectorySize(users=users), now=utc_midnight(moment)
        )
        directory_seconds = time.perf_counter() - started
        with writer.indexes_deferred(BULK_TABLES):
            generator = RecordGenerator(
                writer=writer, world=world, amounts=amounts, seed=seed, now=moment
            )
            generated = generator.run()
            records_done = time.perf_counter()
            harm = write_harm(generator, seed=seed)
            harm_done = time.perf_counter()
    written = time.perf_counter()
    writer.analyse()
    if sqlite:
        _normal_sqlite()
    finished = time.perf_counter()
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "profiles": profiles,
        "amounts": asdict(amounts),
        "counts": dict(generated.counts),
        "rows_written": writer.rows_written,
        "generated_at": moment.isoformat(),
        "seconds": {
            "directory": round(directory_seconds, 1),
            "records": round(records_done - started - directory_seconds, 1),
            "offences_scores_gallery": round(harm_done - records_done, 1),
            "indexes": round(written - harm_done, 1),
            "analyse": round(finished - written, 1),
            "total": round(finished - started, 1),
            # This process's CPU time: on a shared machine, wall time includes waiting for a core.
            "cpu": round(time.process_time() - started_cpu, 1),
        },
        "teams": len(world.teams),
        "users": sum(len(team.user_ids) for team in world.teams),
        "partnerships": len(world.local_agreements),
        "gallery": {"id": harm.gallery_id, "team": harm.managing_team_id, "members": harm.members},
    }

"""Fast bulk inserts for generated data: executemany on SQLite, COPY on PostgreSQL.

Used only by the benchmark and demo generators, which must write millions of invented rows in
minutes. Rows are given as tuples in the order of the field names passed; every other concrete
field of the model takes its default, so a field another app adds later does not break the
generators. Values arrive already shaped for the database (see ``Writer.stamp`` for times);
nothing here validates or audits: callers must produce exactly what the services would write
(the generator tests prove it). Never use this for real data.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

from django.db import connection, models

BATCH = 20_000
_EPOCH_DAY = date(1970, 1, 1)
_CLOCK = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _default_for(field: models.Field[Any, Any], stamp: Any) -> Any:
    """A field's default as a database value (constant per column), or raise when it has none."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return stamp(datetime.now(UTC))
    value = field.get_default()  # "" for text fields without a default, None for others
    if value is None and not field.null:
        raise ValueError(f"{field.model.__name__}.{field.name} needs a value in bulk inserts")
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


class Writer:
    """Inserts rows into the default database as fast as its engine allows."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.rows_written = 0
        self._suffix = "" if self.vendor == "sqlite" else "+00:00"
        self._days: dict[int, str] = {}

    def stamp(self, moment: datetime) -> str:
        """An aware datetime as the text both engines store for a DateTimeField (UTC)."""
        utc = moment.astimezone(UTC).replace(tzinfo=None)
        text = utc.isoformat(sep=" ", timespec="microseconds")
        return text if self.vendor == "sqlite" else text + "+00:00"

    def at(self, epoch: int) -> str:
        """Whole seconds since 1970 (UTC) as a stored DateTimeField value; fast for millions."""
        day, second = divmod(epoch, 86400)
        return f"{self.day(day)} {_CLOCK[second]}{self._suffix}"

    def day(self, day: int) -> str:
        """Days since 1970 as a stored DateField value ('2026-11-21')."""
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = (_EPOCH_DAY + timedelta(days=day)).isoformat()
        return text

    def next_id(self, model: type[models.Model]) -> int:
        """The first free primary key of a table (ids are given explicitly so rows can link)."""
        value = model._default_manager.aggregate(top=models.Max("pk"))["top"]
        return int(value or 0) + 1

    def insert(
        self, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """Insert rows (tuples in ``fields`` order, attnames); other columns take defaults."""
        meta = model._meta
        by_name = {field.attname: field for field in meta.concrete_fields}
        given = [by_name[name] for name in fields]
        missing = [
            field
            for field in meta.concrete_fields
            if field.attname not in fields and not field.primary_key
        ]
        extra = tuple(_default_for(field, self.stamp) for field in missing)
        columns = [field.column for field in given + missing]
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        table = connection.ops.quote_name(meta.db_table)
        count = 0
        with connection.cursor() as cursor:
            for chunk in _chunks(rows, BATCH):
                full = [tuple(row) + extra for row in chunk] if extra else chunk
                if self.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                        for row in full:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    insert = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608 -- names from the model, quoted
                    cursor.executemany(insert, full)
                count += len(chunk)
        self.rows_written += count
        return count

    def reset_sequences(self, models_: Iterable[type[models.Model]]) -> None:
        """After explicit ids on PostgreSQL, move each identity sequence past the last id."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in models_:
                table = model._meta.db_table
                column = model._meta.pk.column if model._meta.pk else "id"
                quoted_column = connection.ops.quote_name(column)
                top = f"SELECT MAX({quoted_column}) FROM {connection.ops.quote_name(table)}"  # noqa: S608 -- names from the model, quoted
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), "
                    f"COALESCE(({top}), 0) + 1, false)",
                    [table, column],
                )

    @contextmanager
    def indexes_deferred(self, models_: Iterable[type[models.Model]]) -> Iterator[None]:
        """Drop the plain indexes of some tables for a bulk load and build them again after.

        Building an index once over loaded rows is several times cheaper than updating it for
        every row. Primary keys and unique constraints stay, so every row is still checked.
        Only for the benchmark's own empty database.
        """
        saved: list[tuple[str, str]] = []
        with connection.cursor() as cursor:
            for model in models_:
                table = model._meta.db_table
                if self.vendor == "sqlite":
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                        "AND tbl_name = %s AND sql IS NOT NULL",
                        [table],
                    )
                else:
                    cursor.execute(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                        "AND indexname NOT IN (SELECT conname FROM pg_constraint "
                        "WHERE conrelid = %s::regclass)",
                        [table, table],
                    )
                saved += [(str(name), str(sql)) for name, sql in cursor.fetchall()]
            for name, _ in saved:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # Foreign keys are checked at commit; PostgreSQL builds no index on a table with
                # checks pending, so run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _, sql in saved:
                cursor.execute(sql)

    def analyse(self) -> None:
        """Refresh the planner's statistics, as autovacuum or a nightly ANALYZE would; on
        PostgreSQL also VACUUM, as autovacuum does after bulk inserts, so index-only scans
        need not visit the table (its visibility map is set)."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute("VACUUM (ANALYZE)")
            else:
                cursor.execute("ANALYZE")


def uid(bits: int) -> str:
    """A version-4 UUID from 128 random bits, as 32 hex digits (both engines accept it)."""
    bits = (bits & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
    return f"{bits:032x}"

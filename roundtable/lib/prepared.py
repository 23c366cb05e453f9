"""An ORM query compiled to SQL once per process, then run with each call's values.

Django builds and compiles a queryset on every call: for a small query with a few subqueries that
is several milliseconds of CPU, more than the database takes to answer it. A query asked on every
page, always of the same shape, can instead be built once with stand-in values, compiled once
per database, and run with the real values bound where the stand-ins were. The rules stay in the
selectors that build the querysets; only the compiling is saved.

Stand-ins must be values that cannot occur as constants in the query (large negative ids, a
date in 1901), each distinct, and within the range of the field they stand in for: Django
compiles an out-of-range value (a negative number for a positive small integer) as "no rows" and
``_compile`` then raises ``EmptyResultSet``. Every parameter equal to a stand-in is replaced,
every other parameter is kept as compiled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, cast
from uuid import UUID

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # not in django-stubs
    ModelIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler


def _adapt(connection: BaseDatabaseWrapper, value: Any) -> Any:
    """A value as the compiler passes it to the driver (dates and UUIDs become text on SQLite)."""
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, UUID) and not connection.features.has_native_uuid_field:
        return value.hex
    return value


def _slot_key(value: Any) -> str:
    """What a stand-in and a compiled parameter are matched by. On PostgreSQL the compiler wraps
    the value of a small or big integer field in psycopg's ``Int2``/``Int8`` (subclasses of
    ``int`` whose ``repr`` names the wrapper), so integers match by value; anything else by
    ``repr``, which keeps ``1``, ``True`` and ``"1"`` apart."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"int:{int(value)}"
    return repr(value)


def _bind(slot: Any, value: Any) -> Any:
    """A call's value in the place of a stand-in, in the same wrapper as the compiled one."""
    if isinstance(slot, int) and type(slot) not in (int, bool) and isinstance(value, int):
        return type(slot)(value)  # psycopg's Int2 / Int8: the statement's parameter type
    return value


class PreparedQuery:
    """``build(**stand_ins)`` compiled once per database alias; ``rows(**values)`` runs it, and
    ``objects(**values)`` gives model instances, as the ORM would have."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **stand_ins: Any) -> None:
        if len({_slot_key(value) for value in stand_ins.values()}) != len(stand_ins):
            raise ValueError("Every stand-in must be a distinct value")
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[str, tuple[str, list[tuple[str | None, Any]]]] = {}
        self._compilers: dict[str, SQLCompiler] = {}
        self._of_models = False
        self._lock = threading.Lock()

    def _compile(self, using: str) -> tuple[str, list[tuple[str | None, Any]]]:
        connection = connections[using]
        queryset = self._build(**self._stand_ins)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = {
            _slot_key(_adapt(connection, value)): name for name, value in self._stand_ins.items()
        }
        template = [(slots.get(_slot_key(param)), param) for param in params]
        self._compilers[using] = compiler
        self._of_models = queryset._iterable_class is ModelIterable
        return sql, template

    def sql(self, using: str = "default") -> tuple[str, list[tuple[str | None, Any]]]:
        """The compiled SQL and, per parameter, the stand-in it holds (or None and a constant)."""
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using) or self._compile(using)
                self._compiled[using] = compiled
        return compiled

    def _run(self, using: str, values: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        if set(values) != set(self._stand_ins):
            raise ValueError(f"Give exactly these values: {sorted(self._stand_ins)}")
        connection = connections[using]
        sql, template = self.sql(using)
        params = [
            _bind(constant, _adapt(connection, values[name])) if name is not None else constant
            for name, constant in template
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            return names, cursor.fetchall()

    def rows(self, using: str = "default", **values: Any) -> list[dict[str, Any]]:
        """Run the query with these values in the stand-ins' places; rows as dicts by column.

        Values come as the driver gives them (no field's conversion): a UUID may be text."""
        names, rows = self._run(using, values)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def objects(self, using: str = "default", **values: Any) -> list[Any]:
        """Run the query and build its model's instances as the ORM's own iterator does: each
        column through its field's conversion, ``Model.from_db``, the ``select_related``
        objects and the annotations. Not for ``values()`` querysets (use ``rows``)."""
        _names, fetched = self._run(using, values)
        compiler = self._compilers[using]
        klass_info = compiler.klass_info
        if not klass_info or not self._of_models:
            raise ValueError("objects() needs a queryset of model instances, not values()")
        select = compiler.select
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        annotations = compiler.annotation_col_map or {}
        made = []
        for row in compiler.results_iter(results=[cast(list[Sequence[Any]], fetched)]):
            instance = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations.items():
                setattr(instance, name, row[position])
            made.append(instance)
        return made

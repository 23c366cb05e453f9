"""An ORM query compiled to SQL once per process, then run with each call's values.

Django builds and compiles a queryset on every call: for a small query with a few subqueries that
is several milliseconds of CPU, more than the database takes to answer it. A query asked on every
page, always of the same shape, can instead be built once with stand-in values, compiled once
per database, and run with the real values bound where the stand-ins were. The rules stay in the
selectors that build the querysets; only the compiling is saved.

Stand-ins must be values that cannot occur as constants in the query (large negative ids, a
date in 1901), each distinct; every parameter equal to a stand-in is replaced, every other
parameter is kept as compiled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler


def _adapt(connection: BaseDatabaseWrapper, value: Any) -> Any:
    """A value as the compiler passes it to the driver (dates become text on SQLite)."""
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


class PreparedQuery:
    """``build(**stand_ins)`` compiled once per database alias; ``rows(**values)`` runs it, and
    ``objects(**values)`` gives model instances (for a queryset of one model's own fields)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **stand_ins: Any) -> None:
        if len({repr(value) for value in stand_ins.values()}) != len(stand_ins):
            raise ValueError("Every stand-in must be a distinct value")
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[str, tuple[str, list[tuple[str | None, Any]]]] = {}
        self._compilers: dict[str, SQLCompiler] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str) -> tuple[str, list[tuple[str | None, Any]]]:
        connection = connections[using]
        queryset = self._build(**self._stand_ins)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = {repr(_adapt(connection, value)): name for name, value in self._stand_ins.items()}
        template = [(slots.get(repr(param)), param) for param in params]
        self._compilers[using] = compiler
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
            _adapt(connection, values[name]) if name is not None else constant
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

    def objects(self, using: str = "default", **values: Any) -> list[Model]:
        """Run the query and build its model's instances as the ORM would: each column through
        its field's conversion, then ``Model.from_db``. Only for a queryset of one model's own
        columns (no ``select_related``, no annotations, no ``values``)."""
        _names, fetched = self._run(using, values)
        rows: Iterable[Sequence[Any]] = fetched
        compiler = self._compilers[using]
        klass_info = compiler.klass_info
        if not klass_info or klass_info.get("related_klass_infos") or compiler.annotation_col_map:
            raise ValueError("objects() needs a plain queryset of one model")
        select = compiler.select
        fields = [expression for expression, _sql, _alias in select]
        converters = compiler.get_converters(fields)
        if converters:
            rows = compiler.apply_converters(rows, converters)
        model = klass_info["model"]
        attnames = [expression.target.attname for expression in fields]
        return [model.from_db(using, attnames, row) for row in rows]

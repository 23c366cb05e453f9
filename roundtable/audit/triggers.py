"""Database triggers that make the audit tables append-only, on SQLite and PostgreSQL.

The triggers refuse UPDATE and DELETE on ``audit_auditevent`` and ``audit_auditseal`` (and
TRUNCATE on PostgreSQL) whoever asks: the app, the Django admin, a shell or a console. The
migration ``0002_append_only_triggers`` installs them from the statements here.

``suspended()`` lifts them for one transaction, and exists for two jobs only: emptying a test or
development database (Django's ``flush``) and the tampering tests. It must never run in demo or
production; it refuses to. It must never be called by application code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_auditseal")
SUSPENDABLE_ENVIRONMENTS = ("test", "development")
MESSAGE = "the audit log is append-only: rows of {table} cannot be updated or deleted"
_PG_FUNCTION = "audit_refuse_change"


class AppendOnlyGuardError(RuntimeError):
    """Raised when something asks to suspend the triggers where that is not allowed."""


def _sqlite_triggers(table: str) -> dict[str, str]:
    message = MESSAGE.format(table=table)
    return {
        f"{table}_no_{verb.lower()}": (
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
        for verb in ("UPDATE", "DELETE")
    }


def _pg_triggers(table: str) -> dict[str, str]:
    execute = f"EXECUTE FUNCTION {_PG_FUNCTION}()"
    return {
        f"{table}_append_only": (
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW {execute}"
        ),
        f"{table}_no_truncate": (
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT {execute}"
        ),
    }


# No "%" anywhere: these run through DB-API cursors, where "%" would be read as a placeholder.
# restrict_violation (SQLSTATE 23001) makes Django raise IntegrityError, as SQLite's RAISE(ABORT)
# does, so callers see one exception class on both databases.
_PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'the audit log is append-only: ' || TG_OP || ' on ' || TG_TABLE_NAME
            || ' refused',
        ERRCODE = 'restrict_violation';
END
$body$
"""


def _check_vendor(vendor: str) -> None:
    if vendor not in ("sqlite", "postgresql"):
        raise AppendOnlyGuardError(f"No append-only triggers are defined for {vendor}.")


def create_statements(vendor: str) -> list[str]:
    """SQL that installs every append-only trigger on this database vendor."""
    _check_vendor(vendor)
    if vendor == "sqlite":
        return [sql for table in APPEND_ONLY_TABLES for sql in _sqlite_triggers(table).values()]
    statements = [_PG_FUNCTION_SQL]
    for table in APPEND_ONLY_TABLES:
        statements.extend(_pg_triggers(table).values())
    return statements


def drop_statements(vendor: str) -> list[str]:
    """SQL that removes every append-only trigger (the migration's reverse)."""
    _check_vendor(vendor)
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {name}"
            for table in APPEND_ONLY_TABLES
            for name in _sqlite_triggers(table)
        ]
    statements = [
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for table in APPEND_ONLY_TABLES
        for name in _pg_triggers(table)
    ]
    statements.append(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")
    return statements


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers (used by the migration)."""
    with connection.cursor() as cursor:
        for sql in create_statements(connection.vendor):
            cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (the migration's reverse)."""
    with connection.cursor() as cursor:
        for sql in drop_statements(connection.vendor):
            cursor.execute(sql)


def _existing_tables(connection: BaseDatabaseWrapper) -> list[str]:
    present = set(connection.introspection.table_names())
    return [table for table in APPEND_ONLY_TABLES if table in present]


def _set_pg_triggers(connection: BaseDatabaseWrapper, tables: list[str], *, enabled: bool) -> None:
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        # Only triggers that exist: a database part-way through its migrations may lack them.
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = ANY(%s) AND NOT t.tgisinternal",
            [tables],
        )
        known = {(table, name) for table in tables for name in _pg_triggers(table)}
        for table, name in cursor.fetchall():
            if (table, name) in known:
                cursor.execute(f"ALTER TABLE {table} {verb} TRIGGER {name}")


def _set_sqlite_triggers(
    connection: BaseDatabaseWrapper, tables: list[str], *, enabled: bool
) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            for name, create_sql in _sqlite_triggers(table).items():
                cursor.execute(create_sql if enabled else f"DROP TRIGGER IF EXISTS {name}")


@contextmanager
def suspended(using: str = "default") -> Iterator[None]:
    """Lift the append-only triggers inside one transaction (test and development only).

    Both databases roll DDL back with the transaction, so the triggers come back even when the
    block fails; on PostgreSQL other sessions never see them lifted (they wait on the table lock).
    """
    if settings.ENVIRONMENT not in SUSPENDABLE_ENVIRONMENTS:
        raise AppendOnlyGuardError(
            "The audit log's append-only triggers can be lifted only in the test and development "
            f"environments; this is {settings.ENVIRONMENT}."
        )
    connection = connections[using]
    _check_vendor(connection.vendor)
    setter = _set_pg_triggers if connection.vendor == "postgresql" else _set_sqlite_triggers
    with transaction.atomic(using=using):
        tables = _existing_tables(connection)
        setter(connection, tables, enabled=False)
        yield
        setter(connection, tables, enabled=True)

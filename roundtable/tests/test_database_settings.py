"""PostgreSQL connections bind values apart from the SQL and keep repeated statements prepared
in the server (ADR 0013), unless the operator turns it off for a pooler that cannot hold them."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import connection

from roundtable.directory.models import Team
from roundtable.testing.processes import run_python

SCRIPT = (
    "import json, django; django.setup(); from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'options': db.get('OPTIONS', {})}))"
)


def _settings(tmp_path: Path, **environment: str) -> dict[str, object]:
    result = run_python(
        ["-c", SCRIPT],
        {
            "ROUNDTABLE_ENV": "test",
            "ROUNDTABLE_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "roundtable.settings",
            **environment,
        },
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, object] = json.loads(result.stdout)
    return found


PG_URL = "postgres://roundtable@db.invalid:5432/roundtable"


def test_postgresql_prepares_repeated_statements_by_default(tmp_path):
    found = _settings(tmp_path, DATABASE_URL=PG_URL)
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["options"] == {"server_side_binding": True, "prepare_threshold": 2}


def test_options_in_the_url_are_kept_beside_them(tmp_path):
    found = _settings(tmp_path, DATABASE_URL=f"{PG_URL}?sslmode=require&connect_timeout=5")
    assert found["options"] == {
        "sslmode": "require",
        "connect_timeout": 5,
        "server_side_binding": True,
        "prepare_threshold": 2,
    }
    off = _settings(
        tmp_path,
        DATABASE_URL=f"{PG_URL}?sslmode=require",
        DATABASE_PREPARED_STATEMENTS="off",
    )
    assert off["options"] == {"sslmode": "require"}


def test_an_operator_behind_a_transaction_pooler_can_turn_it_off(tmp_path):
    found = _settings(tmp_path, DATABASE_URL=PG_URL, DATABASE_PREPARED_STATEMENTS="off")
    assert found["options"] == {}


def test_sqlite_keeps_its_own_options(tmp_path):
    found = _settings(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    options = found["options"]
    assert isinstance(options, dict)
    assert "server_side_binding" not in options
    assert options["transaction_mode"] == "IMMEDIATE"


def test_the_suite_s_own_connection_prepares_a_statement_it_repeats_when_configured(db):
    """On PostgreSQL the server holds a statement once the connection has run it more than
    twice (none when the operator turned it off); SQLite's driver keeps its own statement cache
    and has nothing to configure."""
    for _ in range(4):
        list(Team.objects.filter(pk=-1))
    if connection.vendor == "sqlite":
        assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "directory_team" %WHERE "directory_team"."id" = $1 %'],
        )
        (prepared,) = cursor.fetchone()
    if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        assert (prepared, connection.connection.prepare_threshold) == (1, 2)
    else:
        assert (prepared, connection.connection.prepare_threshold) == (0, None)

"""Install the triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the audit tables.

The statements live in ``roundtable.audit.triggers`` so that ``triggers.suspended()`` lifts and
restores exactly what this migration installs; both branch on the database vendor.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from roundtable.audit import triggers


def install_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    triggers.install(schema_editor.connection)


def remove_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial_audit_log"),
    ]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers, elidable=False),
    ]

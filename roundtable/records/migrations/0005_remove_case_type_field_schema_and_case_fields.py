"""The old per-type field columns, now held by the forms engine (see 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_move_case_type_fields_to_forms"),
    ]

    operations = [
        migrations.RemoveField(model_name="case", name="fields"),
        migrations.RemoveField(model_name="casetype", name="field_schema"),
    ]

"""A document's diary entry becomes a foreign key on the same column, keeping its values."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_add_panel_meetings"),
    ]

    operations = [
        # Name the column explicitly first, so the rename below changes no table.
        migrations.AlterField(
            model_name="document",
            name="diary_entry_id",
            field=models.BigIntegerField(
                blank=True, db_column="diary_entry_id", db_index=True, null=True
            ),
        ),
        migrations.RenameField(
            model_name="document", old_name="diary_entry_id", new_name="diary_entry"
        ),
        migrations.AlterField(
            model_name="document",
            name="diary_entry",
            field=models.ForeignKey(
                blank=True,
                db_column="diary_entry_id",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="casework.diaryentry",
            ),
        ),
    ]

"""Each case type gets a configurable form (customforms) for its own fields."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customforms", "0001_add_form_definitions_versions_and_values"),
        ("records", "0002_add_name_index_year_family"),
    ]

    operations = [
        migrations.AddField(
            model_name="casetype",
            name="form",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case_type",
                to="customforms.formdefinition",
            ),
        ),
    ]

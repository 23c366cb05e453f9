"""Move case types' own fields onto the forms engine, and each case's values with them.

Every case type gets a ``customforms.FormDefinition`` (owner ``case_type:<code>``). A type that
had fields gets version 1, converted from ``CaseType.field_schema`` (choices become
``{"value", "label"}`` with the old text as both, so stored answers still match), and each case's
``Case.fields`` becomes a ``FormValues`` row written with version 1. Keys the old schema no longer
had are not carried over (the old service never let them be stored). The conversion is frozen
here, not imported, so later changes to the engine cannot change what this migration does.
Reversible: the reverse copies version answers back (fields of the old five types only).
"""

from django.db import migrations

CASE = 4
OLD_TYPES = ("text", "number", "date", "yes_no", "choice")
BATCH = 1000


def _field(old):
    field = {
        "key": old["key"],
        "type": old["type"],
        "label": str(old["label"]).strip(),
        "hint": "",
        "required": old.get("required") is True,
        "section": "summary",
        "promote": False,
        "validation": {},
    }
    if old["type"] == "choice":
        field["choices"] = [
            {"value": str(choice).strip(), "label": str(choice).strip()}
            for choice in old.get("choices") or []
        ]
    return field


def convert(field_schema):
    """The old list of fields as a normalised engine schema."""
    return {"fields": [_field(old) for old in field_schema or [] if isinstance(old, dict)]}


def forward(apps, schema_editor):
    case_type_model = apps.get_model("records", "CaseType")
    case_model = apps.get_model("records", "Case")
    definition_model = apps.get_model("customforms", "FormDefinition")
    version_model = apps.get_model("customforms", "FormVersion")
    values_model = apps.get_model("customforms", "FormValues")
    for case_type in case_type_model.objects.filter(form__isnull=True).order_by("pk"):
        schema = convert(case_type.field_schema)
        definition = definition_model.objects.create(
            partnership_id=case_type.partnership_id,
            owner=f"case_type:{case_type.code}",
            name=case_type.name[:120],
            record_kind=CASE,
            draft_schema=schema,
            promoted={},
        )
        case_type.form = definition
        case_type.save(update_fields=["form"])
        if not schema["fields"]:
            continue
        version = version_model.objects.create(definition=definition, number=1, schema=schema)
        definition.current_version = version
        definition.save(update_fields=["current_version"])
        keys = {field["key"] for field in schema["fields"]}
        rows = []
        cases = case_model.objects.filter(case_type=case_type).values_list("pk", "fields")
        for case_id, values in cases.iterator(chunk_size=BATCH):
            kept = {key: value for key, value in (values or {}).items() if key in keys}
            if kept:
                rows.append(
                    values_model(
                        definition=definition,
                        form_version=version,
                        record_kind=CASE,
                        record_id=case_id,
                        values=kept,
                    )
                )
            if len(rows) >= BATCH:
                values_model.objects.bulk_create(rows)
                rows = []
        values_model.objects.bulk_create(rows)


def _old_field(field):
    old = {"key": field["key"], "label": field["label"], "type": field["type"]}
    if field.get("required"):
        old["required"] = True
    if field["type"] == "choice":
        old["choices"] = [choice["value"] for choice in field["choices"]]
    return old


def backward(apps, schema_editor):
    case_type_model = apps.get_model("records", "CaseType")
    case_model = apps.get_model("records", "Case")
    definition_model = apps.get_model("customforms", "FormDefinition")
    version_model = apps.get_model("customforms", "FormVersion")
    values_model = apps.get_model("customforms", "FormValues")
    for case_type in case_type_model.objects.filter(form__isnull=False).select_related(
        "form__current_version"
    ):
        definition = case_type.form
        version = definition.current_version
        fields = [f for f in (version.schema["fields"] if version else []) if f["type"] in OLD_TYPES]
        case_type.field_schema = [_old_field(field) for field in fields]
        case_type.form = None
        case_type.save(update_fields=["field_schema", "form"])
        keys = {field["key"] for field in fields}
        for row in values_model.objects.filter(definition=definition).iterator(chunk_size=BATCH):
            kept = {key: value for key, value in row.values.items() if key in keys}
            case_model.objects.filter(pk=row.record_id).update(fields=kept)
        values_model.objects.filter(definition=definition).delete()
        definition.current_version = None
        definition.save(update_fields=["current_version"])
        version_model.objects.filter(definition=definition).delete()
        definition.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customforms", "0001_add_form_definitions_versions_and_values"),
        ("records", "0003_add_case_type_form"),
    ]

    operations = [migrations.RunPython(forward, backward)]

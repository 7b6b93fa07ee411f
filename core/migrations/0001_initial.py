"""`RateCounter` moves from the former `config` app to `core`, keeping its table's rows.

The model's state is created here without touching the database (`SeparateDatabaseAndState`);
then the table is adopted: a database that ran the old `config.0001_initial` has
`config_ratecounter`, which is renamed (every row stays); a new database gets the table created.
Migrating `core` back to zero renames it back, so the step is reversible.
"""

from django.db import migrations, models

OLD_TABLE = "config_ratecounter"


def adopt_or_create_table(apps, schema_editor):
    model = apps.get_model("core", "RateCounter")
    existing = schema_editor.connection.introspection.table_names()
    if OLD_TABLE in existing:
        schema_editor.alter_db_table(model, OLD_TABLE, model._meta.db_table)
    elif model._meta.db_table not in existing:
        schema_editor.create_model(model)


def give_table_back(apps, schema_editor):
    model = apps.get_model("core", "RateCounter")
    schema_editor.alter_db_table(model, model._meta.db_table, OLD_TABLE)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RateCounter",
                    fields=[
                        (
                            "key",
                            models.CharField(max_length=200, primary_key=True, serialize=False),
                        ),
                        ("count", models.PositiveIntegerField(default=0)),
                        ("expires_at", models.DateTimeField(db_index=True)),
                    ],
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(adopt_or_create_table, give_table_back),
    ]

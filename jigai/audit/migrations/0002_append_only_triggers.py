"""The database refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the audit table.

The SQL lives in :mod:`jigai.audit.triggers` so that tests and later migrations that rebuild the
table on SQLite can install the same triggers again.
"""

from django.db import migrations


def install(apps, schema_editor):
    from jigai.audit import triggers

    triggers.install(schema_editor.connection)


def drop(apps, schema_editor):
    from jigai.audit import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial_audit"),
    ]

    operations = [
        migrations.RunPython(install, drop, elidable=False),
    ]

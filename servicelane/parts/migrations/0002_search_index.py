"""The full-text index over the parts' names: FTS5 with triggers on SQLite, a GIN
index over to_tsvector('simple', search_text) on PostgreSQL (parts/fts.py)."""

from django.db import migrations

from servicelane.parts import fts


def forwards(apps, schema_editor):
    fts.install(schema_editor)


def backwards(apps, schema_editor):
    fts.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("parts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

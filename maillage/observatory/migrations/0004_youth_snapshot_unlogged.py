"""PostgreSQL: the youth snapshot is derived data, rebuilt by every full refresh — no WAL for it (after a
crash PostgreSQL empties an unlogged table; the next refresh then recomputes every young person's months)."""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_youthsnapshot SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_youthsnapshot SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("observatory", "0003_youth_snapshot")]

    operations = [migrations.RunPython(unlogged, logged)]

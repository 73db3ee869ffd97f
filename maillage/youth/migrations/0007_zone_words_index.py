"""The name search within zones (caseload.in_zones_by_words): a PostgreSQL GIN index of the search key's
words prefixed by the zone, for the active files. PostgreSQL only, hence outside the model state (as the
full-text index of migration 0003); SQLite searches with LIKE on the same stored key."""

from django.db import migrations

INDEX = "youth_active_zone_words_idx"
#: caseload.zone_words_sql() at the time of writing (tests/youth/lists/test_search.py checks they agree).
EXPRESSION = (
    "to_tsvector('simple'::regconfig, regexp_replace((\"search_key\")::text, '(^| )', "
    "'\\1z' || (\"zone_id\")::text || 'w', 'g'))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON youth_youth USING gin ({EXPRESSION}) WHERE status = 'active'"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("youth", "0006_suspensions_and_consent_withdrawal")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

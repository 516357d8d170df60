from django.db import migrations

from progression.ledger_sql import APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER, DROP_APPEND_ONLY


def install(apps, schema_editor):
    # PostgreSQL only: the development SQLite database has no such guard.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_FUNCTION, params=None)
        schema_editor.execute(APPEND_ONLY_TRIGGER, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [("progression", "0002_hours_log_reversals")]

    operations = [migrations.RunPython(install, uninstall)]

# Issue 9: one trigger function for every append-only table, and TRUNCATE refused on
# the hours log (`manage.py flush` emptied it: row triggers never see a TRUNCATE).
# Ops: schema/012_progression_history.sql.

from django.db import migrations

from progression import ledger_sql
from progression.append_only_sql import (
    APPEND_ONLY_FUNCTION,
    DROP_APPEND_ONLY_FUNCTION,
    HOURS_LOG_HINT,
    append_only_triggers,
    drop_append_only_triggers,
)

# The ledger's own function (migration 0003), replaced by the shared one.
DROP_LEDGER_FUNCTION = "DROP FUNCTION IF EXISTS learner_hours_log_append_only()"


def install(apps, schema_editor):
    # PostgreSQL only: the development SQLite database has no such guard.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(APPEND_ONLY_FUNCTION, params=None)
    # CREATE OR REPLACE moves the existing row trigger onto the shared function.
    for statement in append_only_triggers("learner_hours_log", HOURS_LOG_HINT):
        schema_editor.execute(statement, params=None)
    schema_editor.execute(DROP_LEDGER_FUNCTION, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in drop_append_only_triggers("learner_hours_log"):
        schema_editor.execute(statement, params=None)
    schema_editor.execute(ledger_sql.APPEND_ONLY_FUNCTION, params=None)
    schema_editor.execute(ledger_sql.APPEND_ONLY_TRIGGER, params=None)
    schema_editor.execute(DROP_APPEND_ONLY_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("progression", "0004_progression_admin")]

    operations = [migrations.RunPython(install, uninstall)]

# Issue 10: HoursLog.tracking is named `progression`, like the same column of the
# status history. State only: the column stays `tracking_id` (the WordPress plugin's
# name, which ops' tables and queries use), so no SQL runs and no index is renamed.
# Ops: schema/016_hours_log_progression.sql records this migration.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("progression", "0006_progression_status_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(
                    model_name="hourslog", old_name="tracking", new_name="progression"
                ),
                migrations.AlterField(
                    model_name="hourslog",
                    name="progression",
                    field=models.ForeignKey(
                        db_column="tracking_id",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="hours_log",
                        to="progression.progression",
                        verbose_name="progression",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

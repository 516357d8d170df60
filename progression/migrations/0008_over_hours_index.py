# The excessive-hours report's index (issue 10). Ops: schema/024_report_indexes.sql.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("progression", "0007_hours_log_progression"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="progression",
            index=models.Index(
                condition=models.Q(("status", "in_progress")),
                fields=["programme", "hours_trained"],
                include=("id", "learner"),
                name="learner_lp_tracking_over_hours",
            ),
        ),
    ]

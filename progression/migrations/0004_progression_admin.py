# The office admin (issue 5): a progression's portfolio file, and the hours log's
# (log_date, id) index that serves the admin's default order and date-range filter.
# Ops: schema/010_progression_admin.sql.

import progression.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('progression', '0003_hours_log_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='progression',
            name='portfolio',
            field=models.FileField(blank=True, db_default='', max_length=255, upload_to=progression.models.portfolio_upload_to),
        ),
        migrations.AddIndex(
            model_name='hourslog',
            index=models.Index(fields=['log_date', 'id'], name='learner_hours_log_date_id'),
        ),
    ]

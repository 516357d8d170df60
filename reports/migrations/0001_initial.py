# The excessive-hours resolution model, moved here from the classes app (issue 10).
# State only: the table excessive_hours_resolutions already exists (migration
# classes 0006 created it, with its constraints, index and trigger; classes 0007
# re-pointed the trigger at the shared append-only function), and keeps its name.
# Classes 0009 removed the model from the classes app's state first.

import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('classes', '0009_excessive_hours_resolution_to_reports'),
        ('progression', '0007_hours_log_progression'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExcessiveHoursResolution',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('contacted_facilitator', 'Contacted the facilitator'), ('qa_visit', 'QA visit arranged'), ('other', 'Other')], max_length=30)),
                        ('notes', models.TextField(blank=True, db_default='', default='')),
                        ('hours_trained', models.DecimalField(decimal_places=2, max_digits=10)),
                        ('resolved_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                        ('progression', models.ForeignKey(db_column='tracking_id', db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='excessive_hours_resolutions', to='progression.progression')),
                        ('resolved_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'excessive_hours_resolutions',
                        'ordering': ['-resolved_at', '-id'],
                        'permissions': [('view_reports', 'Can view the staff reports')],
                        'indexes': [models.Index(fields=['progression', 'resolved_at'], name='excessive_hours_res_progr_at')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['contacted_facilitator', 'qa_visit', 'other'])), name='excessive_hours_resolutions_kind_valid'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'other'), _negated=True), models.Q(('notes', ''), _negated=True), _connector='OR'), name='excessive_hours_resolutions_notes_for_other')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

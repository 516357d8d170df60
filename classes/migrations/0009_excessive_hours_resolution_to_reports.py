# The excessive-hours resolution model moves to the reports app (issue 10). State
# only: the table excessive_hours_resolutions, its constraints, index and trigger stay
# exactly as migrations 0006 and 0007 made them; reports 0001 takes the model over
# (it depends on this migration, so classes never depends on the app above it).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('classes', '0008_planned_sessions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ExcessiveHoursResolution')],
            database_operations=[],
        ),
    ]

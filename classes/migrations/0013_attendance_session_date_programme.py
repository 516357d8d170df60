"""Attendance rows carry their session's date and their class's LP (issue 11).

The columns are added empty, filled from each row's session and class, then made
NOT NULL; the learner's own index gives way to the latest-page index, which leads
with the learner. schema/022_attendance_latest_page.sql does the same for ops.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

BACKFILL = """
UPDATE class_attendance_learners a
SET session_date = s.session_date, class_type_subject_id = c.class_type_subject_id
FROM class_attendance_sessions s
JOIN classes c ON c.id = s.class_id
WHERE s.id = a.session_id AND (a.session_date IS NULL OR a.class_type_subject_id IS NULL)
"""


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The foreign keys are checked at once: deferred checks still pending would
        # make the ALTER TABLEs below fail in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(BACKFILL)
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    attendance = apps.get_model("classes", "LearnerAttendance")
    session = apps.get_model("classes", "AttendanceSession")
    of_row = session.objects.filter(pk=OuterRef("session_id"))
    attendance.objects.update(
        session_date=Subquery(of_row.values("session_date")[:1]),
        programme_id=Subquery(of_row.values("klass__programme_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("classes", "0012_signed_registers"),
        ("learners", "0002_name_order_index"),
        ("progression", "0007_hours_log_progression"),
    ]

    operations = [
        migrations.AddField(
            model_name="learnerattendance",
            name="session_date",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="learnerattendance",
            name="programme",
            field=models.ForeignKey(
                db_column="class_type_subject_id",
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="progression.learningprogramme",
                verbose_name="learning programme",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="learnerattendance",
            name="session_date",
            field=models.DateField(),
        ),
        migrations.AlterField(
            model_name="learnerattendance",
            name="programme",
            field=models.ForeignKey(
                db_column="class_type_subject_id",
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="progression.learningprogramme",
                verbose_name="learning programme",
            ),
        ),
        migrations.AlterField(
            model_name="learnerattendance",
            name="learner",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attendance",
                to="learners.learner",
            ),
        ),
        migrations.AddIndex(
            model_name="learnerattendance",
            index=models.Index(
                fields=["learner", "programme", "-session_date", "-id"],
                include=("page_number",),
                name="class_attendance_latest_page",
            ),
        ),
    ]

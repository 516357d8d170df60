"""Absence reasons (issue 12, point 6): a reason from a fixed list and a remark on each
attendance row, with the database's checks of the service's rules, and the reason and
remark before and after in the session history. schema/023_absence_reasons.sql does
the same for ops.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("classes", "0013_attendance_session_date_programme"),
        ("learners", "0003_name_order_ignores_case"),
        ("progression", "0007_hours_log_progression"),
    ]

    operations = [
        migrations.AddField(
            model_name="learnerattendance",
            name="absence_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("sick", "Sick"),
                    ("excused", "Excused"),
                    ("late", "Late arrival"),
                    ("left_early", "Left early"),
                    ("unexcused", "Unexcused"),
                    ("other", "Other"),
                ],
                db_default="",
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="learnerattendance",
            name="absence_remark",
            field=models.CharField(blank=True, db_default="", default="", max_length=200),
        ),
        migrations.AddField(
            model_name="sessionhistorychange",
            name="reason_after",
            field=models.CharField(
                blank=True,
                choices=[
                    ("sick", "Sick"),
                    ("excused", "Excused"),
                    ("late", "Late arrival"),
                    ("left_early", "Left early"),
                    ("unexcused", "Unexcused"),
                    ("other", "Other"),
                ],
                db_default="",
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="sessionhistorychange",
            name="reason_before",
            field=models.CharField(
                blank=True,
                choices=[
                    ("sick", "Sick"),
                    ("excused", "Excused"),
                    ("late", "Late arrival"),
                    ("left_early", "Left early"),
                    ("unexcused", "Unexcused"),
                    ("other", "Other"),
                ],
                db_default="",
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="sessionhistorychange",
            name="remark_after",
            field=models.CharField(blank=True, db_default="", default="", max_length=200),
        ),
        migrations.AddField(
            model_name="sessionhistorychange",
            name="remark_before",
            field=models.CharField(blank=True, db_default="", default="", max_length=200),
        ),
        migrations.AddConstraint(
            model_name="learnerattendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "absence_reason__in",
                        ["", "sick", "excused", "late", "left_early", "unexcused", "other"],
                    )
                ),
                name="class_attendance_learners_absence_reason_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="learnerattendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("absence_reason", "other"), _negated=True),
                    models.Q(("absence_remark", ""), _negated=True),
                    _connector="OR",
                ),
                name="class_attendance_learners_other_needs_remark",
            ),
        ),
        migrations.AddConstraint(
            model_name="learnerattendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("absence_remark", ""),
                    models.Q(("absence_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="class_attendance_learners_remark_needs_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="learnerattendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("absence_reason", ""),
                    ("hours_present__lt", models.F("hours_trained")),
                    _connector="OR",
                ),
                name="class_attendance_learners_reason_when_missed",
            ),
        ),
        migrations.AddConstraint(
            model_name="learnerattendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("absence_reason__in", ("late", "left_early")), _negated=True),
                    ("hours_present__gt", 0),
                    _connector="OR",
                ),
                name="class_attendance_learners_part_present_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionhistorychange",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "reason_before__in",
                        ["", "sick", "excused", "late", "left_early", "unexcused", "other"],
                    ),
                    (
                        "reason_after__in",
                        ["", "sick", "excused", "late", "left_early", "unexcused", "other"],
                    ),
                ),
                name="class_attendance_session_history_learners_reason_valid",
            ),
        ),
    ]

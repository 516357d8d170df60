"""The latest page of each learner on each LP, kept by the database (issue 11).

Derived data: the triggers in classes/latest_page_sql.py write every row, from the
attendance rows, on PostgreSQL and SQLite alike; nothing in the app writes it.
`manage.py check_hours` compares it with its definition.
"""

from django.db import models


class LatestPage(models.Model):
    """The page of the learner's last attendance row with a page on the LP (last by
    session date, then by row id); NULLs when the key's rows no longer have one."""

    pk = models.CompositePrimaryKey("learner", "programme")
    # No foreign-key constraints: a cache the triggers keep, whose rows follow the
    # attendance rows (themselves held to learners and LPs); constraints would only
    # add a deferred check to every capture's COMMIT.
    learner = models.ForeignKey(
        "learners.Learner",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    programme = models.ForeignKey(
        "progression.LearningProgramme",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        db_column="class_type_subject_id",
        related_name="+",
    )
    page_number = models.IntegerField(null=True)
    session_date = models.DateField(null=True)
    attendance_id = models.BigIntegerField(null=True)

    class Meta:
        db_table = "class_attendance_latest_pages"
        verbose_name = "latest page"

    def __str__(self) -> str:
        return f"learner {self.learner_id} on LP {self.programme_id}: page {self.page_number}"

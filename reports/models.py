"""The reports' one table: what an office admin did about a learner's excessive hours.

The table was created by migration classes 0006 (when the reports lived inside classes)
and keeps its name, constraints, index and trigger; the model moved to this app by
state only (classes 0009, reports 0001: no SQL), its content type with it (reports 0002).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

VIEW_REPORTS = "reports.view_reports"
RECORD_RESOLUTION = "reports.add_excessivehoursresolution"


class ExcessiveHoursResolution(models.Model):
    """An admin's answer to an excessive-hours flag; hides the flag for a while.

    Append-only (a trigger refuses UPDATE and DELETE): the rows are the history of
    what the office did about a learner trained beyond their programme's hours.
    """

    class Kind(models.TextChoices):
        CONTACTED_FACILITATOR = "contacted_facilitator", "Contacted the facilitator"
        QA_VISIT = "qa_visit", "QA visit arranged"
        OTHER = "other", "Other"

    # The composite index below serves lookups by progression; no separate one.
    progression = models.ForeignKey(
        "progression.Progression",
        on_delete=models.PROTECT,
        db_column="tracking_id",
        db_index=False,
        related_name="excessive_hours_resolutions",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    notes = models.TextField(blank=True, default="", db_default="")
    # The hours trained when the flag was resolved: the history then reads "resolved
    # at 130 h", and a reader can see how far the learner went on afterwards.
    hours_trained = models.DecimalField(max_digits=10, decimal_places=2)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "excessive_hours_resolutions"
        ordering = ["-resolved_at", "-id"]
        permissions = [
            # The staff report pages (all of them). Kept on the reports' own model so
            # that the migration creating the table also brings the permission.
            ("view_reports", "Can view the staff reports"),
        ]
        indexes = [
            models.Index(
                fields=["progression", "resolved_at"],
                name="excessive_hours_res_progr_at",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["contacted_facilitator", "qa_visit", "other"]),
                name="excessive_hours_resolutions_kind_valid",
            ),
            # "Other" says nothing by itself; the notes must say what was done.
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(notes=""),
                name="excessive_hours_resolutions_notes_for_other",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.progression_id}: {self.get_kind_display()} ({self.resolved_at:%Y-%m-%d})"

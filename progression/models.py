import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

ZERO = Decimal("0")
# A single ledger row never moves more than this many hours (a bulk manual entry of
# earlier training is the largest legitimate one); anything bigger is a typing error.
MAX_HOURS_PER_LOG_ROW = Decimal("1000")
# One attendance session cannot be longer than a day.
MAX_HOURS_PER_SESSION = Decimal("24")


def portfolio_upload_to(instance: "Progression", filename: str) -> str:
    """Where a portfolio is stored: per learner, under a random name (the uploaded
    name is the learner's or a scanner's, and may say anything)."""
    extension = PurePath(filename).suffix.lower()
    return f"portfolios/learner-{instance.learner_id}/{uuid.uuid4().hex}{extension}"


class ClassType(models.Model):
    """A programme type in the catalogue (e.g. a business-English or skills programme)."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    # Capped types are watched by the excessive-hours report: their learners should not
    # be trained far beyond the programme's allocated hours.
    hours_capped = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "class_types"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(code="") & ~Q(name=""), name="class_types_code_name_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class LearningProgramme(models.Model):
    """A learning programme (LP): one subject of a class type, with its hours and workbook."""

    class_type = models.ForeignKey(ClassType, on_delete=models.PROTECT, related_name="subjects")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    subject_duration = models.DecimalField(
        "allocated hours", max_digits=7, decimal_places=1, help_text="Hours allocated to the LP."
    )
    total_pages = models.PositiveIntegerField(help_text="Pages in the LP's workbook.")
    # The funders' enrolment file names the qualification by its SAQA id (issue 16).
    saqa_qualification_id = models.CharField(
        "SAQA qualification ID",
        max_length=10,
        blank=True,
        default="",
        db_default="",
        help_text="As registered with SAQA; needed for the SETMIS enrolment file.",
    )
    # Below this attendance (hours present ÷ hours trained, progression.progress) a
    # learner is at risk (the at-risk alert, issue 15). Empty: no minimum.
    minimum_attendance_percent = models.DecimalField(
        "minimum attendance %",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Learners below this attendance are flagged at risk. Leave empty for none.",
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "class_type_subjects"
        verbose_name = "learning programme"
        ordering = ["class_type__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["class_type", "code"], name="class_type_subjects_type_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(subject_duration__gt=0) & Q(subject_duration__lte=10000),
                name="class_type_subjects_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(total_pages__gte=1) & Q(total_pages__lte=10000),
                name="class_type_subjects_total_pages_range",
            ),
            models.CheckConstraint(
                condition=Q(minimum_attendance_percent__isnull=True)
                | (Q(minimum_attendance_percent__gt=0) & Q(minimum_attendance_percent__lte=100)),
                name="class_type_subjects_minimum_attendance_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Progression(models.Model):
    """One learner's attempt at one LP, with running totals kept equal to its hours log."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        ON_HOLD = "on_hold", "On hold"
        COMPLETED = "completed", "Completed"

    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.PROTECT, related_name="progressions"
    )
    programme = models.ForeignKey(
        LearningProgramme,
        on_delete=models.PROTECT,
        db_column="class_type_subject_id",
        related_name="progressions",
        verbose_name="learning programme",
    )
    klass = models.ForeignKey(
        "classes.Class",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="class_id",
        related_name="progressions",
        verbose_name="class",
    )
    # Totals are only ever changed by ProgressionService, in the same transaction as
    # the hours-log rows they sum (DESIGN rule 10).
    hours_trained = models.DecimalField(
        max_digits=10, decimal_places=2, default=ZERO, db_default=ZERO
    )
    hours_present = models.DecimalField(
        max_digits=10, decimal_places=2, default=ZERO, db_default=ZERO
    )
    # Derived by the database, so it can never disagree with the other two.
    hours_absent = models.GeneratedField(
        expression=F("hours_trained") - F("hours_present"),
        output_field=models.DecimalField(max_digits=10, decimal_places=2),
        db_persist=True,
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.IN_PROGRESS,
        db_default=Status.IN_PROGRESS,
    )
    start_date = models.DateField()
    completion_date = models.DateField(null=True, blank=True)
    marked_complete_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The learner's portfolio of evidence, handed in on completion (optional). Stored
    # through Django's storage API (STORAGES["default"]); the column holds its name.
    portfolio = models.FileField(
        upload_to=portfolio_upload_to, max_length=255, blank=True, db_default=""
    )
    notes = models.TextField(blank=True, default="", db_default="")
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "learner_lp_tracking"
        ordering = ["-start_date", "-id"]
        indexes = [
            # In-progress progressions by LP and hours trained: those beyond an LP's
            # allocated hours (the excessive-hours report) are a range of it, read
            # without the table, instead of every progression in progress.
            models.Index(
                fields=["programme", "hours_trained"],
                include=["id", "learner"],
                condition=Q(status="in_progress"),
                name="learner_lp_tracking_over_hours",
            ),
        ]
        constraints = [
            # A learner works on at most one programme at a time (DESIGN §2).
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(status="in_progress"),
                name="learner_lp_tracking_one_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["in_progress", "on_hold", "completed"]),
                name="learner_lp_tracking_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(hours_present__gte=0) & Q(hours_present__lte=F("hours_trained")),
                name="learner_lp_tracking_hours_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completion_date__isnull=False)
                | (~Q(status="completed") & Q(completion_date__isnull=True)),
                name="learner_lp_tracking_completion_date_iff_completed",
            ),
            models.CheckConstraint(
                condition=Q(completion_date__gte=F("start_date")),
                name="learner_lp_tracking_completion_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} – {self.programme.code} ({self.get_status_display()})"


class ProgressionStatusChange(models.Model):
    """One change of a progression's status and the day it took effect: the record
    that decides which progression a session's hours belong to (DESIGN rule 8, "in
    progress on the session date"). Append-only: written by the status services in
    the same transaction as the change; the first row of a progression is its start
    (no old status)."""

    id = models.BigAutoField(primary_key=True)
    # No index of its own: the (progression, effective_date, id) index serves it.
    progression = models.ForeignKey(
        Progression,
        on_delete=models.PROTECT,
        db_column="tracking_id",
        db_index=False,
        related_name="status_history",
    )
    old_status = models.CharField(
        max_length=20, choices=Progression.Status.choices, blank=True, default="", db_default=""
    )
    new_status = models.CharField(max_length=20, choices=Progression.Status.choices)
    # The site's local day the new status took effect, as the office entered it (not
    # necessarily the day it was recorded: changed_at).
    effective_date = models.DateField()
    changed_at = models.DateTimeField(db_default=Now())
    # Empty for changes no person made (enrolment without a user, the backfill).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(blank=True, default="", db_default="")

    class Meta:
        db_table = "learner_lp_tracking_status_history"
        verbose_name = "progression status change"
        ordering = ["effective_date", "id"]
        indexes = [
            # "The status of this progression on day D": the latest change before D,
            # and whether one on D started it.
            models.Index(
                fields=["progression", "effective_date", "id"], name="lp_status_history_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_status__in=["in_progress", "on_hold", "completed"])
                & Q(old_status__in=["", "in_progress", "on_hold", "completed"]),
                name="lp_status_history_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(old_status=F("new_status")), name="lp_status_history_is_a_change"
            ),
        ]

    def __str__(self) -> str:
        old = self.old_status or "started"
        return f"{self.progression_id}: {old} → {self.new_status} on {self.effective_date}"


class HoursLog(models.Model):
    """The append-only ledger: every hour credited to a progression is one row here.

    A correction is a new row that reverses an old one (negative hours), never an
    UPDATE or DELETE.
    """

    class Source(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        ATTENDANCE = "attendance", "Attendance"
        MANUAL = "manual", "Manual"

    id = models.BigAutoField(primary_key=True)
    # No single-column indexes on learner and class: the (learner, log_date) and
    # (class, log_date) indexes below serve those lookups, and every index costs on
    # a table that grows by the million.
    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    programme = models.ForeignKey(
        LearningProgramme,
        on_delete=models.PROTECT,
        db_column="class_type_subject_id",
        related_name="+",
        verbose_name="learning programme",
    )
    klass = models.ForeignKey(
        "classes.Class",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="class_id",
        db_index=False,
        related_name="+",
        verbose_name="class",
    )
    # The column keeps the old system's name (progressions are `learner_lp_tracking`
    # rows); the field is named for what it points at, as on the status history.
    progression = models.ForeignKey(
        Progression,
        on_delete=models.PROTECT,
        db_column="tracking_id",
        related_name="hours_log",
        verbose_name="progression",
    )
    # The day the hours were trained: the session date for attendance rows.
    log_date = models.DateField()
    hours_trained = models.DecimalField(max_digits=10, decimal_places=2)
    hours_present = models.DecimalField(max_digits=10, decimal_places=2)
    source = models.CharField(max_length=20, choices=Source.choices)
    session = models.ForeignKey(
        "classes.AttendanceSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A reversal row cancels exactly one earlier row; the UNIQUE index on this column
    # means no row can be reversed twice.
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name="reverses entry",
    )
    notes = models.TextField(blank=True, default="", db_default="")
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "learner_hours_log"
        verbose_name = "hours log entry"
        verbose_name_plural = "hours log"
        ordering = ["-log_date", "-id"]
        indexes = [
            # The admin's list order (newest session date first) and its date-range
            # filter: read backwards, this index returns a page of a million-row ledger
            # without sorting it.
            models.Index(fields=["log_date", "id"], name="learner_hours_log_date_id"),
            # The admin's "one class, one month" view and the class reports.
            models.Index(fields=["klass", "log_date"], name="learner_hours_log_class_date"),
            models.Index(fields=["learner", "log_date"], name="learner_hours_log_learner_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["schedule", "attendance", "manual"]),
                name="learner_hours_log_source_valid",
            ),
            # A row credits (both >= 0) or reverses (both <= 0); present never exceeds
            # trained in size, and neither is absurdly large.
            models.CheckConstraint(
                condition=(
                    Q(hours_trained__gte=0, hours_present__gte=0)
                    & Q(hours_present__lte=F("hours_trained"))
                )
                | (
                    Q(hours_trained__lte=0, hours_present__lte=0)
                    & Q(hours_present__gte=F("hours_trained"))
                ),
                name="learner_hours_log_hours_consistent",
            ),
            # Only a reversal row moves hours down; it never moves them up.
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, hours_trained__gte=0)
                | Q(reverses__isnull=False, hours_trained__lte=0),
                name="learner_hours_log_negative_iff_reversal",
            ),
            models.CheckConstraint(
                condition=Q(hours_trained__gte=-MAX_HOURS_PER_LOG_ROW)
                & Q(hours_trained__lte=MAX_HOURS_PER_LOG_ROW),
                name="learner_hours_log_hours_bounded",
            ),
            models.CheckConstraint(
                condition=~Q(source="attendance")
                | (
                    Q(hours_trained__gte=-MAX_HOURS_PER_SESSION)
                    & Q(hours_trained__lte=MAX_HOURS_PER_SESSION)
                ),
                name="learner_hours_log_attendance_hours_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.log_date} {self.learner_id}: {self.hours_present}/{self.hours_trained} h"

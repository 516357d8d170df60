from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Mod, Now
from django.db.models.lookups import Exact

from progression.models import MAX_HOURS_PER_SESSION


def half_hour_steps(field: str) -> Q:
    """A condition that the hours in `field` are a whole number of half hours."""
    return Q(Exact(Mod(F(field) * 2, 1), 0))


class Class(models.Model):
    """One group of learners following one LP for one client."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        STOPPED = "stopped", "Stopped"

    code = models.CharField(max_length=50, unique=True)
    client = models.ForeignKey("learners.Client", on_delete=models.PROTECT, related_name="classes")
    programme = models.ForeignKey(
        "progression.LearningProgramme",
        on_delete=models.PROTECT,
        db_column="class_type_subject_id",
        related_name="classes",
        verbose_name="learning programme",
    )
    site = models.CharField("training site", max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitated_classes",
        verbose_name="primary facilitator",
    )
    # Annotated: the stubs cannot type a many-to-many to the (swappable) user model.
    backup_facilitators: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="BackupFacilitator",
        related_name="backup_classes",
        blank=True,
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_default=Status.DRAFT
    )
    # Set exactly when the class is stopped; sessions up to and including it still count.
    stop_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "classes"
        verbose_name_plural = "classes"
        ordering = ["code"]
        permissions = [
            # Office admins: every class's attendance pages and actions, not only
            # the classes they facilitate.
            ("capture_any_class", "Can view and record attendance of any class"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "stopped"]),
                name="classes_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="stopped", stop_date__isnull=False)
                | (~Q(status="stopped") & Q(stop_date__isnull=True)),
                name="classes_stop_date_iff_stopped",
                violation_error_message="A stopped class needs a stop date; others have none.",
            ),
            models.CheckConstraint(
                condition=~Q(code="") & ~Q(site=""), name="classes_code_site_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class BackupFacilitator(models.Model):
    klass = models.ForeignKey(
        Class, on_delete=models.CASCADE, db_column="class_id", verbose_name="class"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        db_table = "class_backup_facilitators"
        constraints = [
            models.UniqueConstraint(
                fields=["klass", "user"], name="class_backup_facilitators_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.klass} – {self.user}"


class ClassStatusHistory(models.Model):
    """Every status change of a class: who, when, from what to what, and why."""

    klass = models.ForeignKey(
        Class,
        on_delete=models.CASCADE,
        db_column="class_id",
        related_name="status_history",
        verbose_name="class",
    )
    old_status = models.CharField(max_length=20, choices=Class.Status.choices, blank=True)
    new_status = models.CharField(max_length=20, choices=Class.Status.choices)
    stop_date = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True, default="", db_default="")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "class_status_history"
        verbose_name_plural = "class status history"
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_status__in=["draft", "active", "stopped"])
                & Q(old_status__in=["", "draft", "active", "stopped"]),
                name="class_status_history_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.klass}: {self.old_status or '–'} → {self.new_status}"


class Enrolment(models.Model):
    """A learner's place in a class from a start date to an optional end date."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", "Enrolled"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.PROTECT, related_name="enrolments"
    )
    klass = models.ForeignKey(
        Class,
        on_delete=models.PROTECT,
        db_column="class_id",
        related_name="enrolments",
        verbose_name="class",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ENROLLED, db_default=Status.ENROLLED
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "class_enrolments"
        ordering = ["klass", "learner"]
        constraints = [
            # One enrolment per learner and class; a learner who rejoins has their
            # end date cleared rather than a second, overlapping row.
            models.UniqueConstraint(fields=["learner", "klass"], name="class_enrolments_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="class_enrolments_end_not_before_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["enrolled", "completed", "withdrawn"]),
                name="class_enrolments_status_valid",
            ),
            # A learner who left has a leaving date; one still enrolled may not have one yet.
            models.CheckConstraint(
                condition=Q(status="enrolled") | Q(end_date__isnull=False),
                name="class_enrolments_end_date_when_left",
                violation_error_message="A learner who completed or withdrew needs an end date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} in {self.klass}"


class EnrolmentHistory(models.Model):
    """Every change of an enrolment: enrolled, rejoined, ended; who, when and why.

    The enrolment row holds the current state; this table is how an auditor sees that
    a learner was ever enrolled, when they left and who said so. Append-only.
    """

    class Action(models.TextChoices):
        ENROLLED = "enrolled", "Enrolled"
        REJOINED = "rejoined", "Rejoined"
        ENDED = "ended", "Ended"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="history")
    action = models.CharField(max_length=20, choices=Action.choices)
    # The enrolment as this change left it.
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Enrolment.Status.choices)
    reason = models.TextField(blank=True, default="", db_default="")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "class_enrolment_history"
        verbose_name_plural = "enrolment history"
        ordering = ["enrolment", "changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["enrolled", "rejoined", "ended"]),
                name="class_enrolment_history_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["enrolled", "completed", "withdrawn"]),
                name="class_enrolment_history_status_valid",
            ),
            # Ending an enrolment is a decision an auditor must be able to read.
            models.CheckConstraint(
                condition=~Q(action="ended") | ~Q(reason=""),
                name="class_enrolment_history_reason_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.get_action_display()} ({self.changed_at:%Y-%m-%d})"


class Schedule(models.Model):
    """How a class's session dates are derived (expanded by classes.schedule)."""

    class Pattern(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        BIWEEKLY = "biweekly", "Every other week"
        MONTHLY = "monthly", "Monthly"

    klass = models.OneToOneField(
        Class,
        on_delete=models.CASCADE,
        db_column="class_id",
        related_name="schedule",
        verbose_name="class",
    )
    pattern = models.CharField(max_length=20, choices=Pattern.choices, default=Pattern.WEEKLY)
    start_date = models.DateField()
    # Either a fixed end date, or total hours from which the end is computed.
    end_date = models.DateField(null=True, blank=True)
    total_hours = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    # Monthly pattern only: the day of the month (clamped to short months).
    day_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "class_schedules"
        constraints = [
            models.CheckConstraint(
                condition=Q(pattern__in=["weekly", "biweekly", "monthly"]),
                name="class_schedules_pattern_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="class_schedules_end_not_before_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=False) | Q(total_hours__isnull=False),
                name="class_schedules_end_or_total_hours",
                violation_error_message="Give an end date or the total hours to compute it from.",
            ),
            models.CheckConstraint(
                condition=Q(total_hours__gt=0), name="class_schedules_total_hours_positive"
            ),
            models.CheckConstraint(
                # IS NOT NULL spelled out: a CHECK that evaluates to NULL passes.
                condition=Q(pattern="monthly", day_of_month__isnull=False)
                & Q(day_of_month__gte=1, day_of_month__lte=31)
                | (~Q(pattern="monthly") & Q(day_of_month__isnull=True)),
                name="class_schedules_day_of_month_iff_monthly",
                violation_error_message="Monthly schedules need a day of the month (1–31).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.klass} ({self.get_pattern_display()} from {self.start_date})"


class ScheduleSlot(models.Model):
    """A time slot on one weekday; a day's hours are the sum of its slots."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        db_table = "class_schedule_slots"
        ordering = ["weekday", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "weekday", "start_time"], name="class_schedule_slots_unique"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6),
                name="class_schedule_slots_weekday_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="class_schedule_slots_end_after_start",
                violation_error_message="A slot must end after it starts.",
            ),
            # Hours are counted in half-hour steps, so slots start and end on them.
            models.CheckConstraint(
                condition=Q(start_time__minute__in=[0, 30], start_time__second=0)
                & Q(end_time__minute__in=[0, 30], end_time__second=0),
                name="class_schedule_slots_half_hours",
                violation_error_message="Slots start and end on the hour or half hour.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class ScheduleException(models.Model):
    """A planned date on which the class does not meet, with the reason."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="exceptions")
    exception_date = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        db_table = "class_schedule_exceptions"
        ordering = ["exception_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "exception_date"], name="class_schedule_exceptions_unique"
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="class_schedule_exceptions_reason_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exception_date}: {self.reason}"


class SchedulePause(models.Model):
    """The class stops on pause_start and restarts on resume_date (not a session day)."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="pauses")
    pause_start = models.DateField()
    resume_date = models.DateField()
    reason = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        db_table = "class_schedule_pauses"
        ordering = ["pause_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resume_date__gt=F("pause_start")),
                name="class_schedule_pauses_resume_after_start",
                violation_error_message="The class must resume after the pause starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"paused {self.pause_start} → {self.resume_date}"


class HolidayOverride(models.Model):
    """A public holiday on which this class does meet after all."""

    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="holiday_overrides"
    )
    holiday_date = models.DateField()
    reason = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        db_table = "class_schedule_holiday_overrides"
        ordering = ["holiday_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "holiday_date"], name="class_schedule_holiday_overrides_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"meets on {self.holiday_date}"


class PlannedSessionRow(models.Model):
    """One date of a class's stored plan: what the schedule engine (classes.schedule)
    produces for the class, kept as rows so that pages and reports read it with SQL.

    Derived data: written only by classes.services.schedule.rebuild_plan (whenever
    something that shapes the plan changes, and by `manage.py rebuild_plans`), never
    edited; `manage.py check_plans` compares it with the engine. Sessions that were
    recorded are rows of class_attendance_sessions; `recorded` mirrors them (kept by
    a trigger on that table, see classes/plan_sql.py) so the capture backlog is an
    index range scan instead of an anti-join over every past session.
    """

    # No separate index on class_id: the UNIQUE (class_id, session_date) index leads
    # with it.
    klass = models.ForeignKey(
        Class,
        on_delete=models.CASCADE,
        db_column="class_id",
        db_index=False,
        related_name="planned_sessions",
        verbose_name="class",
    )
    session_date = models.DateField()
    # The day's slots as "09:00-12:00, 13:30-15:00" (classes.plan.slots_text).
    slots = models.CharField(max_length=200)
    scheduled_hours = models.DecimalField(max_digits=5, decimal_places=1)
    # Why no session can be held that day (exception, pause, public holiday); empty
    # when it is not blocked.
    blocked_reason = models.TextField(blank=True, default="", db_default="")
    # A session row with a status other than pending exists for this date.
    recorded = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = "class_planned_sessions"
        ordering = ["klass", "session_date"]
        indexes = [
            # The capture backlog: planned, not blocked, not recorded, before today;
            # with the class, its summary per class is read from the index alone.
            models.Index(
                fields=["session_date"],
                include=["klass"],
                name="class_planned_sessions_open",
                condition=Q(blocked_reason="", recorded=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["klass", "session_date"], name="class_planned_sessions_class_date_unique"
            ),
            models.CheckConstraint(
                condition=Q(scheduled_hours__gt=0) & half_hour_steps("scheduled_hours"),
                name="class_planned_sessions_hours_valid",
            ),
            models.CheckConstraint(
                condition=~Q(slots=""), name="class_planned_sessions_slots_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.klass_id} {self.session_date}"


class AttendanceSession(models.Model):
    """One scheduled date of one class, and whether it was recorded."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CAPTURED = "captured", "Captured"
        CLIENT_CANCELLED = "client_cancelled", "Client cancelled"
        AGENT_ABSENT = "agent_absent", "Facilitator absent"

    # The foreign key's own index is the separate index on class_id alone that
    # class-only lookups use (the UNIQUE index below leads with class_id too, but ops
    # asked for both, as the legacy schema had them).
    klass = models.ForeignKey(
        Class,
        on_delete=models.PROTECT,
        db_column="class_id",
        related_name="sessions",
        verbose_name="class",
    )
    session_date = models.DateField()
    status = models.CharField(
        max_length=30, choices=Status.choices, default=Status.PENDING, db_default=Status.PENDING
    )
    scheduled_hours = models.DecimalField(max_digits=5, decimal_places=1)
    notes = models.TextField(blank=True, default="", db_default="")
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    captured_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change after capture (correction, void): a correction form
    # carries the version it was based on, so two corrections made from the same
    # old values cannot both apply.
    version = models.PositiveIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "class_attendance_sessions"
        ordering = ["klass", "session_date"]
        permissions = [
            ("void_session", "Can void a recorded session (reverses its hours)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["klass", "session_date"], name="class_attendance_sessions_class_date_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "captured", "client_cancelled", "agent_absent"]),
                name="class_attendance_sessions_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(scheduled_hours__gt=0) & Q(scheduled_hours__lte=MAX_HOURS_PER_SESSION),
                name="class_attendance_sessions_hours_range",
            ),
            models.CheckConstraint(
                condition=half_hour_steps("scheduled_hours"),
                name="class_attendance_sessions_half_hours",
            ),
            # Who recorded it and when are known exactly when it has been recorded.
            models.CheckConstraint(
                condition=Q(status="pending", captured_by__isnull=True, captured_at__isnull=True)
                | (~Q(status="pending") & Q(captured_by__isnull=False, captured_at__isnull=False)),
                name="class_attendance_sessions_captured_iff_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.klass} {self.session_date} ({self.get_status_display()})"


class AbsenceReason(models.TextChoices):
    """Why a learner missed (part of) a session (issue 12, point 6): a fixed list, for
    the funders' stipend rules and make-up decisions. "Other" needs a remark."""

    SICK = "sick", "Sick"
    EXCUSED = "excused", "Excused"
    LATE = "late", "Late arrival"
    LEFT_EARLY = "left_early", "Left early"
    UNEXCUSED = "unexcused", "Unexcused"
    OTHER = "other", "Other"


# The reasons that say the learner was there for part of the session: they need some
# hours present (and, as every reason, fewer than the session's).
PART_PRESENT_REASONS = (AbsenceReason.LATE, AbsenceReason.LEFT_EARLY)
# A remark is short: a note for the office, not a medical record.
ABSENCE_REMARK_MAX_LENGTH = 200
# The database's list: "" (no reason) and the codes above.
ABSENCE_REASON_CODES = ["", *AbsenceReason.values]


def absence_words(reason: str, remark: str) -> str:
    """An absence reason in words, with its remark: "Sick – clinic letter"; "" for none.
    The one wording of the session page, its history, the register and the reports."""
    if not reason:
        return ""
    label = AbsenceReason(reason).label if reason in AbsenceReason.values else reason
    return f"{label} – {remark}" if remark else str(label)


class LearnerAttendance(models.Model):
    """What the facilitator recorded for one learner in one captured session."""

    session = models.ForeignKey(
        AttendanceSession, on_delete=models.PROTECT, related_name="attendance"
    )
    # No index of its own: the latest-page index below leads with the learner.
    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.PROTECT, db_index=False, related_name="attendance"
    )
    # Copies of the session's date and of its class's LP (issue 11), written with the
    # row and never changed (neither changes once a session is recorded): "the
    # learner's latest page on the LP before a day" is then one range of the index
    # below, instead of a walk through every session of the learner's history.
    # manage.py check_hours compares them with the session's.
    session_date = models.DateField()
    programme = models.ForeignKey(
        "progression.LearningProgramme",
        on_delete=models.PROTECT,
        db_column="class_type_subject_id",
        db_index=False,
        related_name="+",
        verbose_name="learning programme",
    )
    # The session's scheduled hours at capture time: credited to every roster learner.
    hours_trained = models.DecimalField(max_digits=5, decimal_places=1)
    hours_present = models.DecimalField(max_digits=5, decimal_places=1)
    page_number = models.PositiveIntegerField("last completed page", null=True, blank=True)
    # Why the learner missed (part of) the session, optional; "" is no reason given.
    absence_reason = models.CharField(
        max_length=20,
        choices=AbsenceReason.choices,
        blank=True,
        default="",
        db_default="",
    )
    # Free text about a learner (personal data): kept out of logs and e-mails.
    absence_remark = models.CharField(
        max_length=ABSENCE_REMARK_MAX_LENGTH, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "class_attendance_learners"
        verbose_name = "learner attendance"
        verbose_name_plural = "learner attendance"
        ordering = ["session", "learner"]
        indexes = [
            # The learner's latest page on an LP (before a day): the capture roster's
            # previous page, every page-progress column and report.
            models.Index(
                fields=["learner", "programme", "-session_date", "-id"],
                include=["page_number"],
                name="class_attendance_latest_page",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "learner"],
                name="class_attendance_learners_session_learner_unique",
            ),
            models.CheckConstraint(
                condition=Q(hours_trained__gt=0) & Q(hours_trained__lte=MAX_HOURS_PER_SESSION),
                name="class_attendance_learners_trained_range",
            ),
            models.CheckConstraint(
                condition=Q(hours_present__gte=0) & Q(hours_present__lte=F("hours_trained")),
                name="class_attendance_learners_present_range",
            ),
            models.CheckConstraint(
                condition=half_hour_steps("hours_trained") & half_hour_steps("hours_present"),
                name="class_attendance_learners_half_hours",
            ),
            models.CheckConstraint(
                condition=Q(page_number__gte=1), name="class_attendance_learners_page_positive"
            ),
            # No "page when present" rule: a learner who attended may not have
            # completed page 1 yet (issue 12, point 2; NULL is "no page completed
            # yet"). The service asks for a page when the learner had one before.
            # Absence reasons (issue 12, point 6): the service's rules, held here too.
            models.CheckConstraint(
                condition=Q(absence_reason__in=ABSENCE_REASON_CODES),
                name="class_attendance_learners_absence_reason_valid",
            ),
            models.CheckConstraint(
                condition=~Q(absence_reason=AbsenceReason.OTHER) | ~Q(absence_remark=""),
                name="class_attendance_learners_other_needs_remark",
            ),
            models.CheckConstraint(
                condition=Q(absence_remark="") | ~Q(absence_reason=""),
                name="class_attendance_learners_remark_needs_reason",
            ),
            # Nobody present for the whole session missed any of it.
            models.CheckConstraint(
                condition=Q(absence_reason="") | Q(hours_present__lt=F("hours_trained")),
                name="class_attendance_learners_reason_when_missed",
            ),
            # Late or left early: there for part of it.
            models.CheckConstraint(
                condition=~Q(absence_reason__in=PART_PRESENT_REASONS) | Q(hours_present__gt=0),
                name="class_attendance_learners_part_present_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} at {self.session}: {self.hours_present} h"

    @property
    def absence(self) -> str:
        return absence_words(self.absence_reason, self.absence_remark)


class SessionHistory(models.Model):
    """One change to a session: captured, marked not held, corrected or voided."""

    class Action(models.TextChoices):
        CAPTURED = "captured", "Captured"
        NOT_HELD = "not_held", "Marked not held"
        CORRECTED = "corrected", "Corrected"
        VOIDED = "voided", "Voided"

    session = models.ForeignKey(AttendanceSession, on_delete=models.PROTECT, related_name="history")
    action = models.CharField(max_length=20, choices=Action.choices)
    status_before = models.CharField(max_length=30, choices=AttendanceSession.Status.choices)
    status_after = models.CharField(max_length=30, choices=AttendanceSession.Status.choices)
    reason = models.TextField(blank=True, default="", db_default="")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "class_attendance_session_history"
        verbose_name = "session history entry"
        verbose_name_plural = "session history"
        ordering = ["session", "changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["captured", "not_held", "corrected", "voided"]),
                name="class_attendance_session_history_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status_before__in=["pending", "captured", "client_cancelled", "agent_absent"],
                    status_after__in=["pending", "captured", "client_cancelled", "agent_absent"],
                ),
                name="class_attendance_session_history_status_valid",
            ),
            # Changing what was recorded needs a reason an auditor can read.
            models.CheckConstraint(
                condition=Q(action__in=["captured", "not_held"]) | ~Q(reason=""),
                name="class_attendance_session_history_reason_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.get_action_display()} by {self.changed_by}"


class SessionHistoryChange(models.Model):
    """One learner's values before and after a history entry (None: no row)."""

    entry = models.ForeignKey(
        SessionHistory, on_delete=models.PROTECT, db_column="history_id", related_name="changes"
    )
    learner = models.ForeignKey("learners.Learner", on_delete=models.PROTECT, related_name="+")
    hours_before = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    hours_after = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    page_before = models.PositiveIntegerField(null=True, blank=True)
    page_after = models.PositiveIntegerField(null=True, blank=True)
    # The absence reason and remark before and after ("" : none, or no row).
    reason_before = models.CharField(
        max_length=20, choices=AbsenceReason.choices, blank=True, default="", db_default=""
    )
    reason_after = models.CharField(
        max_length=20, choices=AbsenceReason.choices, blank=True, default="", db_default=""
    )
    remark_before = models.CharField(
        max_length=ABSENCE_REMARK_MAX_LENGTH, blank=True, default="", db_default=""
    )
    remark_after = models.CharField(
        max_length=ABSENCE_REMARK_MAX_LENGTH, blank=True, default="", db_default=""
    )

    class Meta:
        db_table = "class_attendance_session_history_learners"
        ordering = ["entry", "learner"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "learner"], name="class_attendance_session_history_learner_unique"
            ),
            models.CheckConstraint(
                condition=Q(reason_before__in=ABSENCE_REASON_CODES)
                & Q(reason_after__in=ABSENCE_REASON_CODES),
                name="class_attendance_session_history_learners_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner}: {self.hours_before} → {self.hours_after} h"

    @property
    def absence_before(self) -> str:
        return absence_words(self.reason_before, self.remark_before)

    @property
    def absence_after(self) -> str:
        return absence_words(self.reason_after, self.remark_after)

    @property
    def absence_changed(self) -> bool:
        return (self.reason_before, self.remark_before) != (self.reason_after, self.remark_after)


# The signed registers' table lives beside the paper register (classes/registers/),
# and the closed months (issue 14) beside the rule that reads them
# (classes/closed_months.py); importing them here is how Django finds their models.
from classes.closed_months import MonthClose  # noqa: E402, F401
from classes.latest_page_table import LatestPage  # noqa: E402, F401
from classes.registers.models import SignedRegister  # noqa: E402, F401

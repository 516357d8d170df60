"""Every rule of the class, schedule and attendance tables that PostgreSQL holds."""

import datetime
from decimal import Decimal

import pytest

from classes.models import (
    AttendanceSession,
    BackupFacilitator,
    Class,
    ClassStatusHistory,
    Enrolment,
    HolidayOverride,
    LearnerAttendance,
    Schedule,
    ScheduleException,
    SchedulePause,
    ScheduleSlot,
)
from tests.conftest import NOW
from tests.constraints import assert_violates
from tests.factories import (
    AttendanceSessionFactory,
    EnrolmentFactory,
    LearnerFactory,
    ScheduleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("constraint", "changes"),
    [
        ("classes_status_valid", {"status": "paused"}),
        ("classes_stop_date_iff_stopped", {"status": "stopped"}),
        ("classes_stop_date_iff_stopped", {"stop_date": MONDAY}),
        ("classes_code_site_not_blank", {"site": ""}),
    ],
)
def test_class_checks(klass, constraint, changes):
    assert_violates(constraint, lambda: Class.objects.filter(pk=klass.pk).update(**changes))


def test_a_stopped_class_has_its_stop_date(klass):
    Class.objects.filter(pk=klass.pk).update(status="stopped", stop_date=MONDAY)
    klass.refresh_from_db()
    assert klass.stop_date == MONDAY


def test_backup_facilitator_is_listed_once(klass):
    backup = UserFactory()
    BackupFacilitator.objects.create(klass=klass, user=backup)
    assert_violates(
        "class_backup_facilitators_unique",
        lambda: BackupFacilitator.objects.create(klass=klass, user=backup),
    )


def test_status_history_holds_only_known_statuses(klass):
    assert_violates(
        "class_status_history_status_valid",
        lambda: ClassStatusHistory.objects.create(klass=klass, new_status="gone"),
    )


def test_a_learner_is_enrolled_once_per_class(klass):
    enrolment = EnrolmentFactory(klass=klass)
    assert_violates(
        "class_enrolments_unique",
        lambda: Enrolment.objects.create(learner=enrolment.learner, klass=klass, start_date=MONDAY),
    )


@pytest.mark.parametrize(
    ("constraint", "changes"),
    [
        ("class_enrolments_end_not_before_start", {"end_date": datetime.date(2025, 12, 31)}),
        ("class_enrolments_status_valid", {"status": "expelled", "end_date": MONDAY}),
        ("class_enrolments_end_date_when_left", {"status": "withdrawn"}),
    ],
)
def test_enrolment_checks(klass, constraint, changes):
    enrolment = EnrolmentFactory(klass=klass, start_date=datetime.date(2026, 1, 5))
    assert_violates(constraint, lambda: Enrolment.objects.filter(pk=enrolment.pk).update(**changes))


@pytest.mark.parametrize(
    ("constraint", "changes"),
    [
        ("class_schedules_pattern_valid", {"pattern": "daily"}),
        ("class_schedules_end_not_before_start", {"end_date": datetime.date(2025, 1, 1)}),
        ("class_schedules_end_or_total_hours", {"end_date": None, "total_hours": None}),
        ("class_schedules_total_hours_positive", {"total_hours": Decimal("0")}),
        ("class_schedules_day_of_month_iff_monthly", {"pattern": "monthly"}),
        ("class_schedules_day_of_month_iff_monthly", {"day_of_month": 5}),
        (
            "class_schedules_day_of_month_iff_monthly",
            {"pattern": "monthly", "day_of_month": 32},
        ),
    ],
)
def test_schedule_checks(klass, constraint, changes):
    schedule = ScheduleFactory(klass=klass)
    assert_violates(constraint, lambda: Schedule.objects.filter(pk=schedule.pk).update(**changes))


def test_a_class_has_one_schedule(klass):
    ScheduleFactory(klass=klass)
    assert_violates("class_schedules_class_id_key", lambda: ScheduleFactory(klass=klass))


@pytest.mark.parametrize(
    ("constraint", "weekday", "start", "end"),
    [
        ("class_schedule_slots_weekday_valid", 7, datetime.time(9), datetime.time(10)),
        ("class_schedule_slots_end_after_start", 1, datetime.time(10), datetime.time(9)),
        ("class_schedule_slots_end_after_start", 1, datetime.time(10), datetime.time(10)),
        ("class_schedule_slots_half_hours", 1, datetime.time(9, 15), datetime.time(10)),
        ("class_schedule_slots_half_hours", 1, datetime.time(9), datetime.time(10, 0, 30)),
        ("class_schedule_slots_unique", 0, datetime.time(9), datetime.time(11)),
    ],
)
def test_slot_checks(klass, constraint, weekday, start, end):
    schedule = ScheduleFactory(klass=klass)  # has Monday 09:00–12:00
    assert_violates(
        constraint,
        lambda: ScheduleSlot.objects.create(
            schedule=schedule, weekday=weekday, start_time=start, end_time=end
        ),
    )


def test_a_day_may_have_several_slots(klass):
    schedule = ScheduleFactory(
        klass=klass,
        slots=[(0, datetime.time(8), datetime.time(12)), (0, datetime.time(13), datetime.time(15))],
    )
    assert schedule.slots.count() == 2


def test_exception_dates_pauses_and_overrides(klass):
    schedule = ScheduleFactory(klass=klass)
    ScheduleException.objects.create(schedule=schedule, exception_date=MONDAY, reason="Stocktake")
    HolidayOverride.objects.create(schedule=schedule, holiday_date=datetime.date(2026, 4, 27))
    assert_violates(
        "class_schedule_exceptions_unique",
        lambda: ScheduleException.objects.create(
            schedule=schedule, exception_date=MONDAY, reason="Again"
        ),
    )
    assert_violates(
        "class_schedule_exceptions_reason_required",
        lambda: ScheduleException.objects.create(
            schedule=schedule, exception_date=datetime.date(2026, 3, 9), reason=""
        ),
    )
    assert_violates(
        "class_schedule_pauses_resume_after_start",
        lambda: SchedulePause.objects.create(
            schedule=schedule, pause_start=MONDAY, resume_date=MONDAY
        ),
    )
    assert_violates(
        "class_schedule_holiday_overrides_unique",
        lambda: HolidayOverride.objects.create(
            schedule=schedule, holiday_date=datetime.date(2026, 4, 27)
        ),
    )


def test_one_session_per_class_and_date(klass):
    AttendanceSessionFactory(klass=klass, session_date=MONDAY)
    assert_violates(
        "class_attendance_sessions_class_date_unique",
        lambda: AttendanceSessionFactory(klass=klass, session_date=MONDAY),
    )


@pytest.mark.parametrize(
    ("constraint", "changes"),
    [
        (
            "class_attendance_sessions_status_valid",
            {"status": "postponed", "captured_by": "the facilitator", "captured_at": "now"},
        ),
        ("class_attendance_sessions_hours_range", {"scheduled_hours": Decimal("0")}),
        ("class_attendance_sessions_hours_range", {"scheduled_hours": Decimal("24.5")}),
        ("class_attendance_sessions_half_hours", {"scheduled_hours": Decimal("2.3")}),
        # Recorded without saying who recorded it and when:
        ("class_attendance_sessions_captured_iff_recorded", {"status": "captured"}),
    ],
)
def test_session_checks(klass, constraint, changes):
    session = AttendanceSessionFactory(klass=klass)
    if "captured_by" in changes:
        changes |= {"captured_by": klass.facilitator, "captured_at": NOW}
    assert_violates(
        constraint, lambda: AttendanceSession.objects.filter(pk=session.pk).update(**changes)
    )


def test_the_session_status_defaults_to_pending_in_the_database(klass):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO class_attendance_sessions (class_id, session_date, scheduled_hours,"
            " updated_at) VALUES (%s, %s, 3, now()) RETURNING status, notes",
            [klass.pk, MONDAY],
        )
        assert cursor.fetchone() == ("pending", "")


def attendance(session, learner, **overrides):
    values = {"hours_trained": Decimal("3"), "hours_present": Decimal("3"), "page_number": 12}
    # As every writer does: the session's date and its class's LP copied onto the row.
    values |= {"session_date": session.session_date, "programme_id": session.klass.programme_id}
    return LearnerAttendance.objects.create(session=session, learner=learner, **values | overrides)


@pytest.mark.parametrize(
    ("constraint", "overrides"),
    [
        ("class_attendance_learners_trained_range", {"hours_trained": 0, "hours_present": 0}),
        ("class_attendance_learners_present_range", {"hours_present": Decimal("3.5")}),
        ("class_attendance_learners_present_range", {"hours_present": Decimal("-0.5")}),
        ("class_attendance_learners_half_hours", {"hours_present": Decimal("1.2")}),
        ("class_attendance_learners_page_positive", {"page_number": 0}),
    ],
)
def test_learner_attendance_checks(klass, constraint, overrides):
    session = AttendanceSessionFactory(klass=klass)
    assert_violates(constraint, lambda: attendance(session, LearnerFactory(), **overrides))


def test_one_attendance_row_per_learner_and_session(klass):
    session = AttendanceSessionFactory(klass=klass)
    learner = LearnerFactory()
    attendance(session, learner)
    assert_violates(
        "class_attendance_learners_session_learner_unique", lambda: attendance(session, learner)
    )


def test_an_absent_learner_needs_no_page(klass):
    session = AttendanceSessionFactory(klass=klass)
    row = attendance(session, LearnerFactory(), hours_present=Decimal("0"), page_number=None)
    assert row.pk


def test_a_present_learner_may_have_no_page_completed_yet(klass):
    # Issue 12, point 2: NULL is "no page completed yet" (classes 0010 dropped the
    # CHECK that a present learner has a page).
    session = AttendanceSessionFactory(klass=klass)
    row = attendance(session, LearnerFactory(), hours_present=Decimal("3"), page_number=None)
    assert row.pk

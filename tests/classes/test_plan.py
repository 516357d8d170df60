"""The stored plan (class_planned_sessions): written by the schedule service whenever
what shapes it changes, equal to the schedule engine's output, its `recorded` flag
kept by the database, checked by `manage.py check_plans`, rebuilt by `rebuild_plans`."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes.models import (
    AttendanceSession,
    Class,
    HolidayOverride,
    PlannedSessionRow,
    ScheduleException,
    SchedulePause,
    ScheduleSlot,
)
from classes.plan import parse_slots, plan_rows, slots_text
from classes.plan_check import check_plans
from classes.schedule import Slot, expand
from classes.selectors import schedule_spec
from classes.services import change_class_status, mark_session_not_held, void_session
from classes.services.schedule import rebuild_plan
from tests.classes.conftest import MONDAY, WEDNESDAY, capture_monday
from tests.factories import ClassFactory, ScheduleFactory

pytestmark = pytest.mark.usefixtures("now")

D = datetime.date


def stored(klass):
    return list(
        PlannedSessionRow.objects.filter(klass=klass)
        .order_by("session_date")
        .values_list("session_date", "slots", "scheduled_hours", "blocked_reason", "recorded")
    )


def engine(klass):
    return [
        (row.session_date, row.slots, row.scheduled_hours, row.blocked_reason)
        for row in plan_rows(expand(schedule_spec(klass)))
    ]


def assert_plan_is_the_engines(klass):
    assert [row[:4] for row in stored(klass)] == engine(klass)
    assert check_plans() == []


def test_slots_are_written_as_text_and_read_back():
    slots = (
        Slot(0, datetime.time(8), datetime.time(10)),
        Slot(0, datetime.time(10, 30), datetime.time(12, 30)),
    )
    assert slots_text(slots) == "08:00-10:00, 10:30-12:30"
    assert parse_slots("08:00-10:00, 10:30-12:30", 0) == slots


def test_a_new_schedule_stores_every_session_the_engine_produces(scheduled_class):
    rows = stored(scheduled_class)
    # Mondays and Wednesdays from 5 January to 18 December 2026, public holidays blocked.
    assert rows[0] == (D(2026, 1, 5), "09:00-12:00", Decimal("3.0"), "", False)
    assert (D(2026, 4, 27), "09:00-12:00", Decimal("3.0"), "Freedom Day", False) in rows
    assert len(rows) == 100
    assert_plan_is_the_engines(scheduled_class)


@pytest.mark.parametrize(
    ("change", "day", "reason"),
    [
        (
            lambda s: ScheduleException.objects.create(
                schedule=s, exception_date=D(2026, 2, 9), reason="Plant shutdown"
            ),
            D(2026, 2, 9),
            "Plant shutdown",
        ),
        (
            lambda s: SchedulePause.objects.create(
                schedule=s, pause_start=D(2026, 2, 16), resume_date=D(2026, 2, 23), reason="Audit"
            ),
            D(2026, 2, 18),
            "Class paused: Audit",
        ),
        (
            lambda s: HolidayOverride.objects.create(schedule=s, holiday_date=D(2026, 4, 27)),
            D(2026, 4, 27),
            "",
        ),
    ],
)
def test_exceptions_pauses_and_overrides_are_stored_with_the_rebuild(
    scheduled_class, change, day, reason
):
    change(scheduled_class.schedule)
    rebuild_plan(klass=scheduled_class)

    (row,) = [r for r in stored(scheduled_class) if r[0] == day]
    assert row[3] == reason
    assert_plan_is_the_engines(scheduled_class)


def test_a_stopped_class_plans_nothing_after_its_stop_date_and_reactivating_restores_it(
    scheduled_class, admin_user
):
    change_class_status(
        klass=scheduled_class,
        status=Class.Status.STOPPED,
        stop_date=MONDAY,
        changed_by=admin_user,
    )
    assert stored(scheduled_class)[-1][0] == MONDAY
    assert_plan_is_the_engines(scheduled_class)

    change_class_status(klass=scheduled_class, status=Class.Status.ACTIVE, changed_by=admin_user)
    assert stored(scheduled_class)[-1][0] == D(2026, 12, 16)
    assert_plan_is_the_engines(scheduled_class)


def test_recorded_follows_capture_marking_and_voiding(scheduled_class, own_facilitator, admin_user):
    def recorded():
        return {row[0] for row in stored(scheduled_class) if row[4]}

    session = capture_monday(scheduled_class, own_facilitator)
    mark_session_not_held(
        klass=scheduled_class,
        session_date=WEDNESDAY,
        recorded_by=own_facilitator,
        status=AttendanceSession.Status.CLIENT_CANCELLED,
    )
    assert recorded() == {MONDAY, WEDNESDAY}
    assert check_plans() == []

    void_session(
        klass=scheduled_class,
        session_date=MONDAY,
        voided_by=admin_user,
        reason="Wrong class",
        expected_version=session.version,
    )
    assert recorded() == {WEDNESDAY}
    # A rebuild reads the recorded dates from the session rows.
    rebuild_plan(klass=scheduled_class)
    assert recorded() == {WEDNESDAY}
    assert check_plans() == []


def test_a_pending_session_row_is_not_recorded(scheduled_class):
    AttendanceSession.objects.create(klass=scheduled_class, session_date=MONDAY, scheduled_hours=3)
    assert not any(row[4] for row in stored(scheduled_class))
    assert check_plans() == []


def test_rebuilding_takes_the_same_queries_however_long_the_schedule(
    own_facilitator, django_assert_num_queries
):
    short = ScheduleFactory(
        klass=ClassFactory(facilitator=own_facilitator), end_date=D(2026, 1, 31)
    ).klass
    long = ScheduleFactory(
        klass=ClassFactory(facilitator=own_facilitator), end_date=D(2027, 12, 31)
    ).klass
    with CaptureQueriesContext(connection) as few:
        rebuild_plan(klass=short)
    with django_assert_num_queries(len(few)):
        rebuild_plan(klass=long)
    assert len(stored(long)) > 10 * len(stored(short))


def run(command):
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_check_plans_names_a_schedule_changed_without_a_rebuild_and_rebuild_plans_repairs_it(
    scheduled_class,
):
    assert "Every stored plan equals its schedule." in run("check_plans")
    # Changed behind the service's back (as a hand-made SQL fix would).
    ScheduleSlot.objects.create(
        schedule=scheduled_class.schedule,
        weekday=4,
        start_time=datetime.time(9),
        end_time=datetime.time(11),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE class_planned_sessions SET recorded = true WHERE session_date = %s", [MONDAY]
        )

    with pytest.raises(CommandError, match=r"planned session\(s\) differ") as failed:
        run("check_plans")
    found = check_plans()
    assert {m.session_date for m in found if m.stored is None} >= {D(2026, 1, 9), D(2026, 3, 6)}
    (flag,) = [m for m in found if m.session_date == MONDAY]
    assert flag.describe().endswith("stored as recorded, is not recorded")
    assert "rebuild_plans" in str(failed.value)

    assert "Rebuilt the plans of 1 classes" in run("rebuild_plans")
    assert "Every stored plan equals its schedule." in run("check_plans")


def test_a_class_without_a_schedule_has_no_plan(klass):
    rebuild_plan(klass=klass)
    assert stored(klass) == []
    assert check_plans() == []


# ---- The admin: every save that shapes the plan rebuilds it (plumbing).


def test_adding_an_exception_in_the_admin_rebuilds_the_plan(client, admin_user, scheduled_class):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:classes_scheduleexception_add"),
        {
            "schedule": scheduled_class.schedule.pk,
            "exception_date": "2026-02-09",
            "reason": "Plant shutdown",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (row,) = [r for r in stored(scheduled_class) if r[0] == D(2026, 2, 9)]
    assert row[3] == "Plant shutdown"
    assert check_plans() == []

    exception = ScheduleException.objects.get()
    response = client.post(
        reverse("admin:classes_scheduleexception_delete", args=[exception.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    (row,) = [r for r in stored(scheduled_class) if r[0] == D(2026, 2, 9)]
    assert row[3] == ""
    assert check_plans() == []


def test_changing_the_schedule_and_its_slots_in_the_admin_rebuilds_the_plan(
    client, admin_user, scheduled_class
):
    schedule = scheduled_class.schedule
    slots = list(schedule.slots.order_by("weekday"))
    client.force_login(admin_user)
    prefixes = {"slots": slots, "exceptions": [], "pauses": [], "holiday_overrides": []}
    data = {
        "klass": scheduled_class.pk,
        "pattern": "weekly",
        "start_date": "2026-01-05",
        "end_date": "2026-06-30",
    }
    for prefix, rows in prefixes.items():
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    for n, slot in enumerate(slots):
        data |= {
            f"slots-{n}-id": slot.pk,
            f"slots-{n}-schedule": schedule.pk,
            f"slots-{n}-weekday": slot.weekday,
            f"slots-{n}-start_time": "09:00",
            # Wednesdays become longer.
            f"slots-{n}-end_time": "12:00" if slot.weekday == 0 else "13:00",
        }
    response = client.post(reverse("admin:classes_schedule_change", args=[schedule.pk]), data)

    assert response.status_code == 302
    rows = stored(scheduled_class)
    assert rows[-1][0] == D(2026, 6, 29)
    assert (WEDNESDAY, "09:00-13:00", Decimal("4.0"), "", False) in rows
    assert check_plans() == []


# ---- Pages of many classes read the stored plan.


def test_my_classes_summarises_each_class_from_the_stored_plan_as_its_page_does(
    client, own_facilitator, scheduled_class, django_assert_num_queries
):
    capture_monday(scheduled_class, own_facilitator)
    client.force_login(own_facilitator)

    ((klass, summary),) = client.get(reverse("classes:my_classes")).context["rows"]

    class_page = client.get(reverse("classes:attendance", args=[klass.pk]))
    assert summary == class_page.context["summary"]
    assert summary.captured == 1
    # One query for the page's plans, however many classes are on it.
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("classes:my_classes"))
    for _ in range(4):
        ScheduleFactory(klass=ClassFactory(facilitator=own_facilitator))
    with django_assert_num_queries(len(one)):
        assert len(client.get(reverse("classes:my_classes")).context["rows"]) == 5

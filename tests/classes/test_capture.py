"""The capture and not-held services: DESIGN rules 1–8, every rejection writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from classes.models import (
    AttendanceSession,
    Class,
    LearnerAttendance,
    ScheduleException,
    SchedulePause,
)
from classes.services import (
    CaptureRejected,
    LearnerEntry,
    NotAllowed,
    SessionAlreadyRecorded,
    SessionNotAvailable,
    capture_session,
    mark_session_not_held,
)
from classes.services import capture as texts
from classes.services.schedule import rebuild_plan
from learners.models import Learner
from progression.models import HoursLog, Progression
from progression.services import start_new_programme
from tests.classes.conftest import MONDAY, WEDNESDAY, roster_ids
from tests.factories import EnrolmentFactory, LearningProgrammeFactory, UserFactory

# Both paths: the hand-written statements and the ORM path (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("ledger_checked", "both_paths")

D = datetime.date


def entries(klass, hours=("3", "1.5", "0"), pages=("12", "10", "")):
    return [
        LearnerEntry(learner_id=pk, hours_present=h, page_number=p)
        for pk, h, p in zip(roster_ids(klass), hours, pages, strict=True)
    ]


def capture(klass, user, day=MONDAY, rows=None, **options):
    return capture_session(
        klass=klass,
        session_date=day,
        recorded_by=user,
        entries=rows if rows is not None else entries(klass),
        **options,
    )


def snapshot():
    return (
        list(AttendanceSession.objects.values_list("pk", "status", "captured_by_id")),
        LearnerAttendance.objects.count(),
        HoursLog.objects.count(),
        list(Progression.objects.order_by("pk").values_list("hours_trained", "hours_present")),
    )


def assert_refused(error_class, call):
    before = snapshot()
    with pytest.raises(error_class) as caught:
        call()
    assert snapshot() == before
    return caught.value


def test_a_capture_records_the_session_attendance_and_hours(scheduled_class, own_facilitator):
    totals_before = dict(Progression.objects.values_list("learner_id", "hours_present"))

    session = capture(scheduled_class, own_facilitator)

    session.refresh_from_db()
    assert session.status == AttendanceSession.Status.CAPTURED
    assert session.captured_by == own_facilitator
    assert session.captured_at == timezone.now()
    assert session.scheduled_hours == Decimal("3")
    ids = roster_ids(scheduled_class)
    rows = {r.learner_id: r for r in LearnerAttendance.objects.filter(session=session)}
    assert {pk: (r.hours_trained, r.hours_present, r.page_number) for pk, r in rows.items()} == {
        ids[0]: (Decimal("3"), Decimal("3"), 12),
        ids[1]: (Decimal("3"), Decimal("1.5"), 10),
        ids[2]: (Decimal("3"), Decimal("0"), None),
    }
    log = HoursLog.objects.filter(session=session)
    assert log.count() == 3
    for row in log:
        assert row.source == "attendance"
        assert row.created_by == own_facilitator
        assert row.log_date == MONDAY
        assert row.klass == scheduled_class
        assert row.hours_trained == Decimal("3")
    for learner_id, present in zip(ids, ["3", "1.5", "0"], strict=True):
        progression = Progression.objects.get(learner_id=learner_id)
        assert progression.hours_trained == Decimal("3")
        assert progression.hours_present == totals_before[learner_id] + Decimal(present)


def test_a_session_is_captured_once(scheduled_class, own_facilitator, other_facilitator):
    capture(scheduled_class, own_facilitator)
    refused = assert_refused(
        SessionAlreadyRecorded, lambda: capture(scheduled_class, own_facilitator)
    )
    assert refused.message.startswith("This session was already captured by Thandi Mokoena at ")


def test_today_is_the_day_in_johannesburg(scheduled_class, own_facilitator, time_machine):
    # 22:30 UTC on Tuesday 3 March is already 00:30 on Wednesday in Johannesburg.
    time_machine.move_to(datetime.datetime(2026, 3, 3, 22, 30, tzinfo=datetime.UTC), tick=False)
    assert capture(scheduled_class, own_facilitator, day=WEDNESDAY).status == "captured"


def test_a_future_session_is_refused(scheduled_class, own_facilitator, time_machine):
    # 21:30 UTC on Tuesday is 23:30 in Johannesburg: Wednesday has not begun there.
    time_machine.move_to(datetime.datetime(2026, 3, 3, 21, 30, tzinfo=datetime.UTC), tick=False)
    refused = assert_refused(
        SessionNotAvailable, lambda: capture(scheduled_class, own_facilitator, day=WEDNESDAY)
    )
    assert refused.message == texts.FUTURE_DATE.format(date="4 March 2026")


def test_an_unscheduled_date_is_refused(scheduled_class, own_facilitator):
    tuesday = D(2026, 3, 3)
    refused = assert_refused(
        SessionNotAvailable, lambda: capture(scheduled_class, own_facilitator, day=tuesday)
    )
    assert refused.message == texts.NOT_SCHEDULED.format(klass=scheduled_class, date="3 March 2026")


def test_a_date_before_the_schedule_starts_is_refused(scheduled_class, own_facilitator):
    assert_refused(
        SessionNotAvailable,
        lambda: capture(scheduled_class, own_facilitator, day=D(2025, 12, 29)),
    )


@pytest.mark.parametrize(
    ("blocked_day", "reason"),
    [
        (D(2026, 4, 6), "Family Day"),  # Easter Monday's South African name
        (D(2026, 4, 27), "Freedom Day"),
        (D(2026, 2, 9), "Plant shutdown"),  # an exception date
        (D(2026, 2, 16), "Class paused: Client audit"),  # inside a pause
    ],
)
def test_a_blocked_date_is_refused_with_its_reason(
    scheduled_class, own_facilitator, time_machine, blocked_day, reason
):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
    schedule = scheduled_class.schedule
    ScheduleException.objects.create(
        schedule=schedule, exception_date=D(2026, 2, 9), reason="Plant shutdown"
    )
    SchedulePause.objects.create(
        schedule=schedule,
        pause_start=D(2026, 2, 16),
        resume_date=D(2026, 2, 23),
        reason="Client audit",
    )
    # As the admin's save does: the stored plan, which a capture reads, follows.
    rebuild_plan(klass=scheduled_class)
    refused = assert_refused(
        SessionNotAvailable, lambda: capture(scheduled_class, own_facilitator, day=blocked_day)
    )
    assert refused.message == texts.BLOCKED.format(
        date=f"{blocked_day.day} {blocked_day:%B %Y}", reason=reason
    )


def test_a_good_friday_session_is_refused(klass, own_facilitator, time_machine):
    from tests.factories import ScheduleFactory

    time_machine.move_to(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
    ScheduleFactory(klass=klass, slots=[(4, datetime.time(9), datetime.time(12))])
    EnrolmentFactory(klass=klass)
    refused = assert_refused(
        SessionNotAvailable,
        lambda: capture_session(
            klass=klass,
            session_date=D(2026, 4, 3),
            recorded_by=own_facilitator,
            entries=[LearnerEntry(roster_ids(klass)[0], "3", "5")],
        ),
    )
    assert "Good Friday" in refused.message


def test_an_overridden_public_holiday_can_be_captured(
    scheduled_class, own_facilitator, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
    scheduled_class.schedule.holiday_overrides.create(holiday_date=D(2026, 4, 27))
    rebuild_plan(klass=scheduled_class)
    assert capture(scheduled_class, own_facilitator, day=D(2026, 4, 27)).status == "captured"


def test_a_draft_class_cannot_be_recorded(scheduled_class, own_facilitator):
    Class.objects.filter(pk=scheduled_class.pk).update(status=Class.Status.DRAFT)
    scheduled_class.refresh_from_db()
    refused = assert_refused(SessionNotAvailable, lambda: capture(scheduled_class, own_facilitator))
    assert refused.message == texts.CLASS_NOT_ACTIVE.format(klass=scheduled_class)


def test_a_stopped_class_can_be_recorded_up_to_and_including_its_stop_date(
    scheduled_class, own_facilitator
):
    Class.objects.filter(pk=scheduled_class.pk).update(status="stopped", stop_date=MONDAY)
    scheduled_class.refresh_from_db()

    refused = assert_refused(
        SessionNotAvailable, lambda: capture(scheduled_class, own_facilitator, day=WEDNESDAY)
    )
    assert refused.message == texts.CLASS_STOPPED.format(
        klass=scheduled_class, stop_date="2 March 2026"
    )
    assert capture(scheduled_class, own_facilitator, day=MONDAY).status == "captured"


def test_another_facilitator_is_not_allowed(scheduled_class, other_facilitator):
    assert_refused(NotAllowed, lambda: capture(scheduled_class, other_facilitator))


def test_a_backup_facilitator_and_an_admin_may_capture(
    scheduled_class, other_facilitator, admin_user
):
    scheduled_class.backup_facilitators.add(other_facilitator)
    assert capture(scheduled_class, other_facilitator).captured_by == other_facilitator
    assert capture(scheduled_class, admin_user, day=WEDNESDAY).captured_by == admin_user


def test_the_roster_is_who_was_enrolled_on_the_date(scheduled_class, own_facilitator):
    late = EnrolmentFactory(klass=scheduled_class, start_date=WEDNESDAY, learner__surname="Zulu")
    leaver = scheduled_class.enrolments.get(learner__surname="Pretorius")
    scheduled_class.enrolments.filter(pk=leaver.pk).update(status="withdrawn", end_date=MONDAY)
    ids = roster_ids(scheduled_class)  # Dlamini, Nkosi, Pretorius, Zulu

    # Monday: the leaver's last day, the late joiner not yet there.
    monday_rows = [LearnerEntry(pk, "3", "5") for pk in ids[:3]]
    refused = assert_refused(
        CaptureRejected,
        lambda: capture(
            scheduled_class,
            own_facilitator,
            rows=[*monday_rows, LearnerEntry(late.learner_id, "3", "5")],
        ),
    )
    assert refused.problems[0].message == texts.NOT_ON_ROSTER.format(learner=late.learner)
    capture(scheduled_class, own_facilitator, rows=monday_rows)

    # Wednesday: the late joiner is there, the leaver is not.
    wednesday_rows = [LearnerEntry(pk, "3", "6") for pk in (ids[0], ids[1], late.learner_id)]
    capture(scheduled_class, own_facilitator, day=WEDNESDAY, rows=wednesday_rows)
    on_wednesday = set(
        LearnerAttendance.objects.filter(session__session_date=WEDNESDAY).values_list(
            "learner_id", flat=True
        )
    )
    assert on_wednesday == {ids[0], ids[1], late.learner_id}


def test_a_tampered_learner_id_rejects_the_whole_capture(scheduled_class, own_facilitator):
    stranger = EnrolmentFactory().learner  # enrolled in another class
    rows = [*entries(scheduled_class), LearnerEntry(stranger.pk, "3", "4")]
    refused = assert_refused(
        CaptureRejected, lambda: capture(scheduled_class, own_facilitator, rows=rows)
    )
    assert [p.message for p in refused.problems] == [texts.NOT_ON_ROSTER.format(learner=stranger)]


def test_a_missing_or_duplicated_learner_row_is_refused(scheduled_class, own_facilitator):
    first, second, third = entries(scheduled_class)
    refused = assert_refused(
        CaptureRejected,
        lambda: capture(scheduled_class, own_facilitator, rows=[first, second, second]),
    )
    messages = [p.message for p in refused.problems]
    learner_two = scheduled_class.enrolments.get(learner_id=second.learner_id).learner
    learner_three = scheduled_class.enrolments.get(learner_id=third.learner_id).learner
    assert texts.LISTED_TWICE.format(learner=learner_two) in messages
    assert texts.HOURS_MISSING.format(learner=learner_three) in messages


@pytest.mark.parametrize(
    ("hours", "page", "field", "template"),
    [
        ("3.5", "5", "hours_present", texts.HOURS_INVALID),  # more than scheduled
        ("-0.5", "5", "hours_present", texts.HOURS_INVALID),
        ("1.25", "5", "hours_present", texts.HOURS_INVALID),  # not a half-hour step
        ("NaN", "5", "hours_present", texts.HOURS_INVALID),
        ("Infinity", "5", "hours_present", texts.HOURS_INVALID),
        ("1e400", "5", "hours_present", texts.HOURS_INVALID),
        ("two", "5", "hours_present", texts.HOURS_INVALID),
        ("", "5", "hours_present", texts.HOURS_UNSET),  # nobody decided: not "absent"
        ("  ", "5", "hours_present", texts.HOURS_UNSET),
        ("2", "201", "page_number", texts.PAGE_INVALID),  # the LP has 200 pages
        ("2", "0", "page_number", texts.PAGE_INVALID),
        ("2", "-3", "page_number", texts.PAGE_INVALID),
        ("2", "4.5", "page_number", texts.PAGE_INVALID),
        ("2", "9" * 30, "page_number", texts.PAGE_INVALID),
    ],
)
def test_an_invalid_row_names_the_learner_and_field_and_writes_nothing(
    scheduled_class, own_facilitator, hours, page, field, template
):
    rows = entries(scheduled_class)
    rows[1] = LearnerEntry(rows[1].learner_id, hours, page)
    refused = assert_refused(
        CaptureRejected, lambda: capture(scheduled_class, own_facilitator, rows=rows)
    )
    learner = scheduled_class.enrolments.get(learner_id=rows[1].learner_id).learner
    (problem,) = refused.problems
    assert (problem.learner_id, problem.field) == (learner.pk, field)
    assert problem.message == template.format(
        learner=learner, max=3 if "Hours" in template else 200
    )


def test_a_comma_decimal_is_accepted(scheduled_class, own_facilitator):
    capture(
        scheduled_class, own_facilitator, rows=entries(scheduled_class, hours=("2,5", "3", "0"))
    )
    assert LearnerAttendance.objects.filter(hours_present=Decimal("2.5")).count() == 1


def test_an_all_zero_capture_needs_the_everyone_absent_confirmation(
    scheduled_class, own_facilitator
):
    rows = entries(scheduled_class, hours=("0", "0", "0"), pages=("", "", ""))
    refused = assert_refused(
        CaptureRejected, lambda: capture(scheduled_class, own_facilitator, rows=rows)
    )
    assert refused.problems == []
    assert [p.message for p in refused.confirmations] == [texts.EVERYONE_ABSENT]

    capture(scheduled_class, own_facilitator, rows=rows, everyone_absent=True)

    log = HoursLog.objects.filter(session__session_date=MONDAY)
    assert {(r.hours_trained, r.hours_present) for r in log} == {(Decimal("3"), Decimal("0"))}


def test_a_page_lower_than_before_is_a_warning_to_confirm(scheduled_class, own_facilitator):
    capture(scheduled_class, own_facilitator)  # pages 12, 10
    lower = entries(scheduled_class, hours=("3", "3", "3"), pages=("11", "10", "1"))
    refused = assert_refused(
        CaptureRejected,
        lambda: capture(scheduled_class, own_facilitator, day=WEDNESDAY, rows=lower),
    )
    first = scheduled_class.enrolments.get(learner_id=lower[0].learner_id).learner
    assert refused.problems == []
    assert [p.message for p in refused.confirmations] == [
        texts.PAGE_LOWER.format(learner=first, page=11, previous=12),
        texts.CONFIRM_LOWER_PAGES,
    ]

    capture(scheduled_class, own_facilitator, day=WEDNESDAY, rows=lower, lower_pages_confirmed=True)
    assert AttendanceSession.objects.get(session_date=WEDNESDAY).status == "captured"


def test_a_learner_without_a_progression_on_the_lp_is_recorded_but_not_credited(
    scheduled_class, own_facilitator, admin_user
):
    ids = roster_ids(scheduled_class)
    # The office started another programme for the first learner the day before
    # Monday, which put the class's one on hold.
    start_new_programme(
        learner=Learner.objects.get(pk=ids[0]),
        programme=LearningProgrammeFactory(),
        start_date=datetime.date(2026, 3, 1),
        started_by=admin_user,
    )

    session = capture(scheduled_class, own_facilitator)

    assert LearnerAttendance.objects.filter(session=session).count() == 3
    assert set(HoursLog.objects.filter(session=session).values_list("learner_id", flat=True)) == {
        ids[1],
        ids[2],
    }


def test_no_roster_means_nothing_to_capture(klass, own_facilitator, now):
    from tests.factories import ScheduleFactory

    ScheduleFactory(klass=klass)
    refused = assert_refused(SessionNotAvailable, lambda: capture(klass, own_facilitator, rows=[]))
    assert refused.message == texts.NO_ROSTER.format(klass=klass, date="2 March 2026")


@pytest.mark.parametrize("status", ["client_cancelled", "agent_absent"])
def test_a_session_that_did_not_happen_credits_no_hours(scheduled_class, own_facilitator, status):
    session = mark_session_not_held(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        status=status,
        notes="  Strike at the plant  ",
    )

    session.refresh_from_db()
    assert (session.status, session.notes, session.captured_by) == (
        status,
        "Strike at the plant",
        own_facilitator,
    )
    assert not HoursLog.objects.exists()
    assert not LearnerAttendance.objects.exists()
    refused = assert_refused(
        SessionAlreadyRecorded, lambda: capture(scheduled_class, own_facilitator)
    )
    assert "already marked as not held by Thandi Mokoena" in refused.message


def test_not_held_needs_a_known_reason_and_the_same_rules(scheduled_class, own_facilitator):
    assert_refused(
        CaptureRejected,
        lambda: mark_session_not_held(
            klass=scheduled_class,
            session_date=MONDAY,
            recorded_by=own_facilitator,
            status="captured",
        ),
    )
    assert_refused(
        SessionNotAvailable,
        lambda: mark_session_not_held(
            klass=scheduled_class,
            session_date=D(2026, 3, 9),  # next Monday: the future
            recorded_by=own_facilitator,
            status="client_cancelled",
        ),
    )
    assert_refused(
        NotAllowed,
        lambda: mark_session_not_held(
            klass=scheduled_class,
            session_date=MONDAY,
            recorded_by=UserFactory(),
            status="client_cancelled",
        ),
    )


def test_a_ledger_rule_broken_at_write_time_is_a_refusal_not_a_500():
    from classes.services.capture import ledger_refusals
    from progression.services import NoInProgressProgression

    with pytest.raises(CaptureRejected) as caught, ledger_refusals():
        raise NoInProgressProgression("Sipho has no learning programme in progress.", learner_id=7)
    assert [(p.message, p.learner_id) for p in caught.value.problems] == [
        ("Sipho has no learning programme in progress.", 7)
    ]


def test_unset_rows_are_refused_naming_each_learner_and_write_nothing(
    scheduled_class, own_facilitator
):
    """Issue 12, point 1: one row filled in, the others empty (Enter pressed early)."""
    rows = entries(scheduled_class, hours=("3", "", ""), pages=("12", "", ""))
    refused = assert_refused(
        CaptureRejected, lambda: capture(scheduled_class, own_facilitator, rows=rows)
    )
    unset = [e.learner_id for e in rows[1:]]
    names = {e.learner_id: e.learner for e in scheduled_class.enrolments.select_related("learner")}
    assert [(p.learner_id, p.message) for p in refused.problems] == [
        (pk, texts.HOURS_UNSET.format(learner=names[pk])) for pk in unset
    ]
    assert not LearnerAttendance.objects.exists()
    assert not HoursLog.objects.exists()


def test_marking_the_rest_absent_records_the_empty_rows_as_absent(scheduled_class, own_facilitator):
    rows = entries(scheduled_class, hours=("3", "", ""), pages=("12", "", ""))

    capture(scheduled_class, own_facilitator, rows=rows, rest_absent=True)

    recorded = dict(LearnerAttendance.objects.values_list("learner_id", "hours_present"))
    assert recorded == {rows[0].learner_id: 3, rows[1].learner_id: 0, rows[2].learner_id: 0}


def test_no_page_completed_yet_is_valid_until_the_learner_has_a_page(
    scheduled_class, own_facilitator
):
    """Issue 12, point 2: present without a page is "no page completed yet" for a
    learner who never had one; once they have, the page is asked for."""
    first = entries(scheduled_class, hours=("3", "3", "3"), pages=("4", "", ""))
    capture(scheduled_class, own_facilitator, rows=first)
    assert sorted(LearnerAttendance.objects.values_list("page_number", flat=True), key=str) == [
        4,
        None,
        None,
    ]

    again = entries(scheduled_class, hours=("3", "3", "3"), pages=("", "", "2"))
    refused = assert_refused(
        CaptureRejected,
        lambda: capture(scheduled_class, own_facilitator, day=WEDNESDAY, rows=again),
    )
    learner = scheduled_class.enrolments.get(learner_id=again[0].learner_id).learner
    (problem,) = refused.problems
    assert (problem.learner_id, problem.field) == (learner.pk, "page_number")
    assert problem.message == texts.PAGE_REQUIRED.format(learner=learner, previous=4)

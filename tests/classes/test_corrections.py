"""Correcting and voiding sessions: reversal rows, history, edit window (DESIGN rule 9)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from classes.models import AttendanceSession, LearnerAttendance, SessionHistory
from classes.roles import OFFICE_ADMINS
from classes.services import (
    CaptureRejected,
    LearnerEntry,
    NotAllowed,
    SessionChangedMeanwhile,
    SessionNotAvailable,
    capture_session,
    correct_session,
    mark_session_not_held,
    void_session,
)
from classes.services import corrections as texts
from progression.models import HoursLog, Progression
from tests.classes.conftest import MONDAY, NOW, capture_monday, roster_ids
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("ledger_checked")


def rows(klass, hours, pages):
    return [
        LearnerEntry(pk, h, p) for pk, h, p in zip(roster_ids(klass), hours, pages, strict=True)
    ]


@pytest.fixture
def captured(scheduled_class, own_facilitator):
    """Monday captured: 3, 1.5 and 0 hours present; pages 12, 10, none."""
    return capture_monday(scheduled_class, own_facilitator, ("3", "1.5", "0"), ("12", "10", ""))


def correct(klass, user, hours, pages, reason="Typed in the wrong row", version=None, **extra):
    session = AttendanceSession.objects.get(klass=klass, session_date=MONDAY)
    return correct_session(
        klass=klass,
        session_date=MONDAY,
        corrected_by=user,
        entries=rows(klass, hours, pages),
        reason=reason,
        expected_version=session.version if version is None else version,
        **extra,
    )


def totals(klass):
    return [Progression.objects.get(learner_id=pk).hours_present for pk in roster_ids(klass)]


def snapshot():
    return (
        list(AttendanceSession.objects.values_list("pk", "status", "version")),
        list(LearnerAttendance.objects.order_by("pk").values_list("hours_present", "page_number")),
        HoursLog.objects.count(),
        SessionHistory.objects.count(),
        list(Progression.objects.order_by("pk").values_list("hours_trained", "hours_present")),
    )


def test_correcting_twice_leaves_the_last_values_and_the_whole_trail(
    scheduled_class, own_facilitator, captured
):
    first, second, third = roster_ids(scheduled_class)

    correct(scheduled_class, own_facilitator, ("2", "1.5", "0"), ("12", "10", ""), "Left early")
    correct(scheduled_class, own_facilitator, ("2.5", "1.5", "3"), ("12", "10", "4"), "Came back")

    assert totals(scheduled_class) == [Decimal("2.5"), Decimal("1.5"), Decimal("3")]
    assert [p.hours_trained for p in Progression.objects.order_by("learner__surname")] == [3] * 3
    # The first learner: original, reversal, new; reversal, new.
    log = HoursLog.objects.filter(learner_id=first).order_by("pk")
    assert [(r.hours_trained, r.hours_present) for r in log] == [
        (3, 3), (-3, -3), (3, 2), (-3, -2), (3, Decimal("2.5")),
    ]  # fmt: skip
    assert [r.notes for r in log[1:]] == ["Left early", "Left early", "Came back", "Came back"]
    assert log[1].reverses_id == log[0].pk
    assert log[3].reverses_id == log[2].pk
    assert all(r.created_by == own_facilitator and r.session_id == captured.pk for r in log)
    # The second learner's values never changed: no new rows for them.
    assert HoursLog.objects.filter(learner_id=second).count() == 1
    # The history shows the capture and both corrections, before → after per learner.
    history = list(SessionHistory.objects.filter(session=captured).order_by("pk"))
    assert [h.action for h in history] == ["captured", "corrected", "corrected"]
    assert [h.reason for h in history] == ["", "Left early", "Came back"]
    last = {c.learner_id: c for c in history[2].changes.all()}
    assert set(last) == {first, third}
    assert (last[first].hours_before, last[first].hours_after) == (Decimal("2"), Decimal("2.5"))
    assert (last[third].page_before, last[third].page_after) == (None, 4)
    attendance = LearnerAttendance.objects.get(session=captured, learner_id=third)
    assert (attendance.hours_present, attendance.page_number) == (Decimal("3"), 4)


def test_a_page_only_correction_writes_no_hours(scheduled_class, own_facilitator, captured):
    before = HoursLog.objects.count()
    correct(scheduled_class, own_facilitator, ("3", "1.5", "0"), ("13", "10", ""))
    assert HoursLog.objects.count() == before
    assert LearnerAttendance.objects.filter(page_number=13).count() == 1


@pytest.mark.parametrize(
    ("reason", "hours", "message"),
    [
        ("  ", ("2", "1.5", "0"), texts.REASON_REQUIRED),
        ("Why not", ("3", "1.5", "0"), texts.NOTHING_CHANGED),
    ],
)
def test_a_correction_needs_a_reason_and_a_change(
    scheduled_class, own_facilitator, captured, reason, hours, message
):
    before = snapshot()
    with pytest.raises(CaptureRejected) as caught:
        correct(scheduled_class, own_facilitator, hours, ("12", "10", ""), reason)
    assert [p.message for p in caught.value.problems] == [message]
    assert snapshot() == before


def test_invalid_values_in_a_correction_are_refused(scheduled_class, own_facilitator, captured):
    before = snapshot()
    with pytest.raises(CaptureRejected) as caught:
        correct(scheduled_class, own_facilitator, ("4", "1.5", "0"), ("12", "10", ""))
    assert caught.value.problems[0].field == "hours_present"
    assert snapshot() == before


def test_a_correction_from_stale_values_is_refused(scheduled_class, own_facilitator, captured):
    version = AttendanceSession.objects.get().version
    correct(scheduled_class, own_facilitator, ("2", "1.5", "0"), ("12", "10", ""), version=version)
    before = snapshot()
    with pytest.raises(SessionChangedMeanwhile) as caught:
        correct(
            scheduled_class, own_facilitator, ("1", "1.5", "0"), ("12", "10", ""), version=version
        )
    assert caught.value.message.startswith("This session was changed by Thandi Mokoena at ")
    assert snapshot() == before


def test_the_edit_window_binds_facilitators_not_office_admins(
    scheduled_class, own_facilitator, captured, time_machine, settings
):
    settings.ATTENDANCE_EDIT_WINDOW_DAYS = 7
    time_machine.move_to(NOW + datetime.timedelta(days=7, minutes=1), tick=False)
    before = snapshot()
    with pytest.raises(NotAllowed) as caught:
        correct(scheduled_class, own_facilitator, ("2", "1.5", "0"), ("12", "10", ""))
    assert caught.value.args[0] == texts.EDIT_WINDOW_PASSED.format(days=7, captured="4 March 2026")
    assert snapshot() == before

    office = UserFactory(is_staff=True)
    office.groups.add(Group.objects.get(name=OFFICE_ADMINS))
    correct(scheduled_class, office, ("2", "1.5", "0"), ("12", "10", ""))
    assert totals(scheduled_class)[0] == Decimal("2")


def test_only_captured_sessions_can_be_corrected(scheduled_class, own_facilitator):
    mark_session_not_held(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        status="agent_absent",
    )
    with pytest.raises(SessionNotAvailable):
        correct(scheduled_class, own_facilitator, ("2", "1.5", "0"), ("12", "10", ""))


def test_another_facilitator_cannot_correct(scheduled_class, other_facilitator, captured):
    with pytest.raises(NotAllowed):
        correct(scheduled_class, other_facilitator, ("2", "1.5", "0"), ("12", "10", ""))


def void(klass, user, reason="Captured for the wrong class"):
    return void_session(klass=klass, session_date=MONDAY, voided_by=user, reason=reason)


def test_voiding_reverses_every_hour_and_the_session_can_be_captured_again(
    scheduled_class, own_facilitator, admin_user, captured
):
    correct(scheduled_class, own_facilitator, ("2", "1.5", "0"), ("12", "10", ""))

    session = void(scheduled_class, admin_user)

    assert (session.status, session.captured_by, session.captured_at) == ("pending", None, None)
    assert totals(scheduled_class) == [0, 0, 0]
    assert [p.hours_trained for p in Progression.objects.all()] == [0, 0, 0]
    assert not LearnerAttendance.objects.exists()
    voided = SessionHistory.objects.filter(action="voided").get()
    assert (voided.status_before, voided.status_after, voided.reason) == (
        "captured",
        "pending",
        "Captured for the wrong class",
    )
    assert sorted(c.hours_before for c in voided.changes.all()) == [0, Decimal("1.5"), 2]

    capture_session(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        entries=rows(scheduled_class, ("1", "1", "1"), ("5", "5", "5")),
    )
    assert totals(scheduled_class) == [1, 1, 1]


def test_voiding_a_not_held_session_returns_it_to_pending(
    scheduled_class, own_facilitator, admin_user
):
    mark_session_not_held(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        status="client_cancelled",
        notes="Strike",
    )
    session = void(scheduled_class, admin_user)
    assert (session.status, session.notes) == ("pending", "")
    assert SessionHistory.objects.filter(action="voided", status_before="client_cancelled").exists()


def test_only_office_admins_void_with_a_reason(
    scheduled_class, own_facilitator, admin_user, captured
):
    before = snapshot()
    with pytest.raises(NotAllowed) as caught:
        void(scheduled_class, own_facilitator)
    assert caught.value.args[0] == texts.VOID_NOT_ALLOWED
    with pytest.raises(CaptureRejected):
        void(scheduled_class, admin_user, reason="")
    assert snapshot() == before
    void(scheduled_class, admin_user)
    with pytest.raises(SessionNotAvailable):
        void(scheduled_class, admin_user)  # already pending

"""Absence reasons (issue 12, point 6): optional, from a fixed list, with a remark;
checked by the capture and correction services and by the database; kept in the
session history like hours and pages."""

from decimal import Decimal

import pytest
from django.db import connection

from classes.models import (
    AbsenceReason,
    AttendanceSession,
    LearnerAttendance,
    SessionHistory,
    SessionHistoryChange,
)
from classes.services import CaptureRejected, LearnerEntry, capture_session
from classes.services import absence as texts
from classes.services.corrections import correct_session, void_session
from learners.models import Learner
from progression.models import HoursLog
from tests.classes.conftest import MONDAY, capture_monday, roster_ids
from tests.constraints import assert_violates

# The capture's own tests run on both paths: the hand-written statement and the ORM
# path (tests/conftest.py, `both_paths`).
pytestmark = pytest.mark.usefixtures("ledger_checked")


def names(klass) -> list[Learner]:
    return [Learner.objects.get(pk=pk) for pk in roster_ids(klass)]


def rows(klass, hours, absences):
    return [
        LearnerEntry(pk, h, "5", absence_reason=reason, absence_remark=remark)
        for pk, h, (reason, remark) in zip(roster_ids(klass), hours, absences, strict=True)
    ]


def capture(klass, user, hours, absences):
    return capture_session(
        klass=klass, session_date=MONDAY, recorded_by=user, entries=rows(klass, hours, absences)
    )


def recorded(session):
    return list(
        LearnerAttendance.objects.filter(session=session)
        .order_by("learner__surname")
        .values_list("absence_reason", "absence_remark")
    )


@pytest.mark.usefixtures("both_paths")
def test_a_capture_records_each_learners_reason_and_remark_and_their_history(
    scheduled_class, own_facilitator
):
    session = capture(
        scheduled_class,
        own_facilitator,
        ("3", "2", "0"),
        [("", ""), ("late", "taxi strike"), ("sick", "")],
    )

    assert recorded(session) == [("", ""), ("late", "taxi strike"), ("sick", "")]
    changes = SessionHistoryChange.objects.filter(entry__session=session).order_by(
        "learner__surname"
    )
    assert [(c.reason_before, c.reason_after, c.remark_after) for c in changes] == [
        ("", "", ""),
        ("", "late", "taxi strike"),
        ("", "sick", ""),
    ]


@pytest.mark.usefixtures("both_paths")
def test_other_with_a_remark_is_recorded_and_the_remark_is_trimmed(
    scheduled_class, own_facilitator
):
    session = capture(
        scheduled_class,
        own_facilitator,
        ("3", "0", "1.5"),
        [("", ""), ("other", "  court date \x00"), ("excused", "clinic")],
    )

    assert recorded(session) == [("", ""), ("other", "court date"), ("excused", "clinic")]


def refusal(klass, user, hours, absences):
    """The capture refused as a whole; nothing was written."""
    with pytest.raises(CaptureRejected) as caught:
        capture(klass, user, hours, absences)
    assert not AttendanceSession.objects.filter(klass=klass).exists()
    assert not LearnerAttendance.objects.exists()
    assert not HoursLog.objects.filter(klass=klass).exists()
    return caught.value.problems


@pytest.mark.usefixtures("both_paths")
@pytest.mark.parametrize(
    ("hours", "absence", "message", "field"),
    [
        ("0", ("flu", ""), texts.REASON_UNKNOWN, "absence_reason"),
        ("0", ("SICK", ""), texts.REASON_UNKNOWN, "absence_reason"),
        ("0", ("x" * 5000, ""), texts.REASON_UNKNOWN, "absence_reason"),
        ("3", ("sick", ""), texts.REASON_WHEN_PRESENT, "absence_reason"),
        ("3", ("excused", "doctor"), texts.REASON_WHEN_PRESENT, "absence_reason"),
        ("0", ("late", ""), texts.REASON_NEEDS_SOME_HOURS, "absence_reason"),
        ("0", ("left_early", ""), texts.REASON_NEEDS_SOME_HOURS, "absence_reason"),
        ("0", ("other", ""), texts.REMARK_REQUIRED, "absence_remark"),
        ("0", ("other", "   "), texts.REMARK_REQUIRED, "absence_remark"),
        ("0", ("", "went home"), texts.REMARK_WITHOUT_REASON, "absence_remark"),
        ("0", ("sick", "y" * 201), texts.REMARK_TOO_LONG, "absence_remark"),
    ],
)
def test_a_wrong_reason_is_refused_naming_the_learner_and_the_field(
    scheduled_class, own_facilitator, hours, absence, message, field
):
    learner = names(scheduled_class)[1]

    problems = refusal(
        scheduled_class, own_facilitator, ("3", hours, "0"), [("", ""), absence, ("", "")]
    )

    assert len(problems) == 1
    problem = problems[0]
    assert (problem.learner_id, problem.field) == (learner.pk, field)
    assert problem.message.startswith(message.split("{learner}")[0] + str(learner))
    # A tampered value is never repeated back.
    assert "x" * 50 not in problem.message
    assert "y" * 50 not in problem.message


def test_the_messages_say_what_to_do():
    name = "Dlamini, Zanele"
    assert texts.REASON_WHEN_PRESENT.format(learner=name, hours="3") == (
        "Absence reason for Dlamini, Zanele: they were present for the whole session "
        "(3 hours), so there is nothing to give a reason for. Clear the reason, or "
        "correct their hours."
    )
    assert texts.REMARK_TOO_LONG.format(learner=name, length=201, max=200) == (
        "Absence remark for Dlamini, Zanele is 201 characters long; keep it to 200 characters."
    )
    label = AbsenceReason.LATE.label
    assert "“Late arrival”" in texts.REASON_NEEDS_SOME_HOURS.format(learner=name, reason=label)


def test_a_reason_is_allowed_with_rest_absent(scheduled_class, own_facilitator):
    """An empty hours field made 0 by "mark the rest absent" may carry a reason."""
    ids = roster_ids(scheduled_class)
    session = capture_session(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        entries=[
            LearnerEntry(ids[0], "3", "5"),
            LearnerEntry(ids[1], "", "5", absence_reason="sick"),
            LearnerEntry(ids[2], "", "5"),
        ],
        rest_absent=True,
    )
    assert recorded(session) == [("", ""), ("sick", ""), ("", "")]


# ---- The database holds the same rules (raw SQL, past the service).


def set_row(session, learner_id, **columns):
    assignments = ", ".join(f"{column} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE class_attendance_learners SET {assignments}"
            " WHERE session_id = %s AND learner_id = %s",
            [*columns.values(), session.pk, learner_id],
        )


@pytest.mark.parametrize(
    ("learner", "columns", "constraint"),
    [
        (2, {"absence_reason": "flu"}, "class_attendance_learners_absence_reason_valid"),
        (2, {"absence_reason": "other"}, "class_attendance_learners_other_needs_remark"),
        (2, {"absence_remark": "went home"}, "class_attendance_learners_remark_needs_reason"),
        (0, {"absence_reason": "sick"}, "class_attendance_learners_reason_when_missed"),
        (2, {"absence_reason": "late"}, "class_attendance_learners_part_present_reason"),
        (2, {"absence_reason": "left_early"}, "class_attendance_learners_part_present_reason"),
    ],
)
def test_the_database_refuses_what_the_service_refuses(
    scheduled_class, own_facilitator, learner, columns, constraint
):
    # Learner 0 was present throughout, 1 for part of it, 2 absent.
    session = capture_monday(scheduled_class, own_facilitator, hours=("3", "1.5", "0"))
    learner_id = roster_ids(scheduled_class)[learner]

    assert_violates(constraint, lambda: set_row(session, learner_id, **columns))


def test_the_database_accepts_the_rows_the_service_writes(scheduled_class, own_facilitator):
    session = capture_monday(scheduled_class, own_facilitator, hours=("3", "1.5", "0"))
    ids = roster_ids(scheduled_class)

    set_row(session, ids[1], absence_reason="left_early", absence_remark="bus")
    set_row(session, ids[2], absence_reason="other", absence_remark="court date")

    assert recorded(session)[1:] == [("left_early", "bus"), ("other", "court date")]


def test_the_history_refuses_an_unknown_reason(scheduled_class, own_facilitator):
    session = capture_monday(scheduled_class, own_facilitator)
    entry = SessionHistory.objects.get(session=session)

    def insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO class_attendance_session_history_learners"
                " (history_id, learner_id, reason_before, reason_after)"
                " VALUES (%s, %s, '', 'flu')",
                [entry.pk, scheduled_class.enrolments.first().learner_id],
            )

    assert_violates("class_attendance_session_history_learners_reason_valid", insert)


# ---- Corrections and voids.


def correct(klass, user, session, hours, absences, reason="Wrong reason"):
    return correct_session(
        klass=klass,
        session_date=MONDAY,
        corrected_by=user,
        entries=rows(klass, hours, absences),
        reason=reason,
        expected_version=session.version,
    )


def test_a_correction_changes_a_reason_with_a_new_history_entry(scheduled_class, own_facilitator):
    session = capture(
        scheduled_class, own_facilitator, ("3", "2", "0"), [("", ""), ("late", ""), ("sick", "")]
    )
    ledger_before = HoursLog.objects.count()

    corrected = correct(
        scheduled_class,
        own_facilitator,
        session,
        ("3", "2", "0"),
        [("", ""), ("left_early", "clinic"), ("sick", "")],
    )

    assert recorded(corrected) == [("", ""), ("left_early", "clinic"), ("sick", "")]
    # Only the reason changed: the hours log is untouched.
    assert HoursLog.objects.count() == ledger_before
    entries = list(SessionHistory.objects.filter(session=session).order_by("changed_at", "id"))
    assert [e.action for e in entries] == ["captured", "corrected"]
    # The capture's entry still says what was captured; the correction's names only
    # the learner whose values changed.
    captured = entries[0].changes.get(learner_id=roster_ids(scheduled_class)[1])
    assert (captured.reason_after, captured.remark_after) == ("late", "")
    (change,) = entries[1].changes.all()
    assert (change.reason_before, change.reason_after) == ("late", "left_early")
    assert (change.remark_before, change.remark_after) == ("", "clinic")
    assert change.hours_before == change.hours_after == Decimal("2.0")
    assert change.absence_before == "Late arrival"
    assert change.absence_after == "Left early – clinic"


def test_a_correction_can_clear_a_reason(scheduled_class, own_facilitator):
    session = capture(
        scheduled_class, own_facilitator, ("3", "2", "0"), [("", ""), ("late", ""), ("sick", "")]
    )

    corrected = correct(
        scheduled_class,
        own_facilitator,
        session,
        ("3", "3", "0"),
        [("", ""), ("", ""), ("sick", "")],
        reason="Was there all along",
    )

    assert recorded(corrected)[1] == ("", "")
    change = SessionHistory.objects.get(session=session, action="corrected").changes.get()
    assert (change.hours_after, change.reason_before, change.reason_after) == (
        Decimal("3.0"),
        "late",
        "",
    )


def test_a_correction_that_keeps_a_reason_for_full_hours_is_refused(
    scheduled_class, own_facilitator
):
    session = capture(
        scheduled_class, own_facilitator, ("3", "2", "0"), [("", ""), ("late", ""), ("sick", "")]
    )

    with pytest.raises(CaptureRejected) as caught:
        correct(
            scheduled_class,
            own_facilitator,
            session,
            ("3", "3", "0"),
            [("", ""), ("late", ""), ("sick", "")],
        )

    (problem,) = caught.value.problems
    assert problem.field == "absence_reason"
    assert problem.message.startswith("Absence reason for ")
    assert recorded(session)[1] == ("late", "")
    assert SessionHistory.objects.filter(session=session).count() == 1


def test_a_void_keeps_the_reasons_in_the_history(scheduled_class, admin_user, own_facilitator):
    session = capture(
        scheduled_class, own_facilitator, ("3", "2", "0"), [("", ""), ("late", ""), ("sick", "")]
    )

    void_session(
        klass=scheduled_class, session_date=MONDAY, voided_by=admin_user, reason="Wrong day"
    )

    entry = SessionHistory.objects.get(session=session, action="voided")
    assert sorted(entry.changes.values_list("reason_before", flat=True)) == ["", "late", "sick"]

"""Crediting attendance recorded while the learner had no programme in progress
(DESIGN rule 8): once, through ProgressionService, only when the programme exists."""

import datetime
from decimal import Decimal

import pytest

from classes.models import AttendanceSession, LearnerAttendance
from classes.selectors import not_credited
from classes.services import NotAllowed, credit_uncredited, void_session
from classes.services import crediting as texts
from progression.models import HoursLog, Progression
from progression.services import put_on_hold, resume
from tests.classes.conftest import MONDAY, WEDNESDAY, capture_monday, roster_ids
from tests.threads import fire_at_once

pytestmark = pytest.mark.usefixtures("ledger_checked")

SUNDAY = datetime.date(2026, 3, 1)


@pytest.fixture
def held(scheduled_class, admin_user):
    """The first roster learner's programme, on hold from the day before Monday: not in
    progress on Monday, so Monday's hours cannot go to it."""
    progression = Progression.objects.get(learner_id=roster_ids(scheduled_class)[0])
    put_on_hold(progression=progression, effective_date=SUNDAY, changed_by=admin_user)
    return progression


@pytest.fixture
def uncredited(scheduled_class, own_facilitator, held):
    """Monday captured (3, 2 and 1 hours present); the first learner's row is not credited."""
    capture_monday(scheduled_class, own_facilitator, ("3", "2", "1"), ("5", "5", "5"))
    return LearnerAttendance.objects.get(learner_id=held.learner_id)


def test_the_not_credited_list_holds_the_row_without_ledger_rows(uncredited):
    assert list(not_credited(LearnerAttendance.objects.all())) == [uncredited]


def test_credit_now_logs_the_hours_once_the_programme_was_in_progress_that_day(
    uncredited, held, admin_user
):
    # The office finds the hold was a day early: resumed from Monday, Monday counts.
    resume(progression=held, effective_date=MONDAY, changed_by=admin_user)

    (outcome,) = credit_uncredited(attendance_ids=[uncredited.pk], credited_by=admin_user)

    assert outcome.credited
    assert outcome.message == texts.CREDITED.format(
        present="3", trained="3", learner=uncredited.learner, klass=held.klass, date="2 March 2026"
    )
    row = HoursLog.objects.get(learner=uncredited.learner)
    assert (row.hours_trained, row.hours_present) == (Decimal("3"), Decimal("3"))
    assert (row.source, row.session, row.log_date) == ("attendance", uncredited.session, MONDAY)
    assert row.created_by == admin_user
    assert row.progression_id == held.pk
    assert row.notes.startswith("Credited after capture")
    assert not not_credited(LearnerAttendance.objects.all()).exists()


def test_crediting_twice_credits_once(uncredited, held, admin_user):
    resume(progression=held, effective_date=MONDAY, changed_by=admin_user)
    credit_uncredited(attendance_ids=[uncredited.pk], credited_by=admin_user)

    (again,) = credit_uncredited(attendance_ids=[uncredited.pk], credited_by=admin_user)

    assert not again.credited
    assert again.message == texts.ALREADY_CREDITED.format(
        learner=uncredited.learner, klass=held.klass, date="2 March 2026"
    )
    assert HoursLog.objects.filter(learner=uncredited.learner).count() == 1


def test_a_learner_without_a_programme_that_day_is_named_and_not_credited(
    uncredited, held, admin_user
):
    # In progress again from Wednesday: Monday still had no programme in progress.
    resume(progression=held, effective_date=WEDNESDAY, changed_by=admin_user)

    (outcome,) = credit_uncredited(attendance_ids=[uncredited.pk], credited_by=admin_user)

    assert not outcome.credited
    assert outcome.message == texts.NO_PROGRAMME_YET.format(
        learner=uncredited.learner,
        programme=held.programme,
        klass=held.klass,
        date="2 March 2026",
    )
    assert not HoursLog.objects.filter(learner=uncredited.learner).exists()


def test_credited_and_uncreditable_rows_are_reported_row_by_row(
    uncredited, held, scheduled_class, admin_user
):
    others = LearnerAttendance.objects.exclude(pk=uncredited.pk).order_by("pk")

    outcomes = credit_uncredited(
        attendance_ids=[uncredited.pk, *[a.pk for a in others], 999999],
        credited_by=admin_user,
    )

    assert [o.attendance_id for o in outcomes] == sorted(
        [uncredited.pk, *[a.pk for a in others], 999999]
    )
    assert [o.credited for o in outcomes] == [False] * 4
    assert outcomes[-1].message == texts.ROW_GONE.format(row_id=999999)
    assert HoursLog.objects.count() == 2


def test_a_voided_session_has_nothing_left_to_credit(uncredited, held, scheduled_class, admin_user):
    resume(progression=held, effective_date=MONDAY, changed_by=admin_user)
    void_session(
        klass=scheduled_class, session_date=MONDAY, voided_by=admin_user, reason="Wrong day"
    )

    (outcome,) = credit_uncredited(attendance_ids=[uncredited.pk], credited_by=admin_user)

    assert outcome.message == texts.ROW_GONE.format(row_id=uncredited.pk)
    assert AttendanceSession.objects.get().status == "pending"


def test_after_a_void_and_a_new_capture_the_reversed_rows_do_not_count_as_credit(
    scheduled_class, own_facilitator, admin_user, now
):
    capture_monday(scheduled_class, own_facilitator)
    first = Progression.objects.get(learner_id=roster_ids(scheduled_class)[0])
    void_session(
        klass=scheduled_class, session_date=MONDAY, voided_by=admin_user, reason="Wrong day"
    )
    put_on_hold(progression=first, effective_date=SUNDAY, changed_by=admin_user)
    capture_monday(scheduled_class, own_facilitator)

    (row,) = not_credited(LearnerAttendance.objects.all())

    assert row.learner_id == first.learner_id


def test_only_office_admins_credit(uncredited, own_facilitator):
    with pytest.raises(NotAllowed) as refused:
        credit_uncredited(attendance_ids=[uncredited.pk], credited_by=own_facilitator)

    assert refused.value.message == texts.CREDIT_NOT_ALLOWED


@pytest.mark.django_db(transaction=True)
def test_two_admins_crediting_at_once_credit_once(uncredited, held, admin_user):
    resume(progression=held, effective_date=MONDAY, changed_by=admin_user)

    results = fire_at_once(
        [
            lambda: credit_uncredited(attendance_ids=[uncredited.pk], credited_by=admin_user)
            for _ in range(12)
        ]
    )

    assert sum(outcome.credited for (outcome,) in results) == 1, results
    assert HoursLog.objects.filter(learner=uncredited.learner).count() == 1
    held.refresh_from_db()
    assert held.hours_trained == Decimal("3")

"""Hours of a session go to the progression on the class's LP that was in progress on
the session date, however late the session is captured (DESIGN rule 8, issue 9
finding 7): the capture roster, the capture and "credit now" agree."""

import datetime
from decimal import Decimal

import pytest

from classes.models import LearnerAttendance
from classes.selectors import roster
from classes.services import credit_uncredited, enrol_learner
from classes.services import crediting as texts
from progression.models import HoursLog, Progression
from progression.services import mark_complete, start_new_programme
from tests.classes.conftest import MONDAY, WEDNESDAY, capture_monday, roster_ids
from tests.conftest import assert_ledger_consistent
from tests.factories import ClassFactory, ScheduleFactory

# Both paths: the hand-written statements and the ORM path (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("ledger_checked", "both_paths")

TUESDAY = datetime.date(2026, 3, 3)


def creditable(klass, day):
    return {r.learner.pk: r.creditable for r in roster(klass, day)}


def test_a_learner_moved_to_another_class_is_credited_on_the_old_programme(
    scheduled_class, own_facilitator
):
    """Monday's session of class A (LP X) was held; on Tuesday the learner moved to
    class B (LP Y), which put X on hold; A's Monday is captured on Wednesday."""
    moved = roster_ids(scheduled_class)[0]
    x = Progression.objects.get(learner_id=moved, programme=scheduled_class.programme)
    class_b = ClassFactory(facilitator=own_facilitator)
    ScheduleFactory(klass=class_b)
    enrol_learner(learner=x.learner, klass=class_b, start_date=TUESDAY)
    x.refresh_from_db()
    assert x.status == "on_hold"

    assert creditable(scheduled_class, MONDAY)[moved] is True
    session = capture_monday(scheduled_class, own_facilitator, ("3", "2", "1"), ("5", "5", "5"))

    row = HoursLog.objects.get(session=session, learner_id=moved)
    assert (row.progression_id, row.programme_id, row.log_date) == (x.pk, x.programme_id, MONDAY)
    assert (row.hours_trained, row.hours_present) == (Decimal("3"), Decimal("3"))
    x.refresh_from_db()
    assert (x.status, x.hours_trained, x.hours_present) == ("on_hold", 3, 3)
    assert_ledger_consistent()


def test_a_session_before_the_progression_started_is_not_credited_to_it(
    scheduled_class, own_facilitator, admin_user
):
    """The learner finished X in February and starts it again on Wednesday: Monday's
    session belongs to neither attempt; Wednesday's to the second."""
    learner_id = roster_ids(scheduled_class)[0]
    first = Progression.objects.get(learner_id=learner_id)
    mark_complete(
        progression=first, completion_date=datetime.date(2026, 2, 23), completed_by=admin_user
    )
    second = start_new_programme(
        learner=first.learner,
        programme=first.programme,
        start_date=WEDNESDAY,
        started_by=admin_user,
    ).progression

    assert creditable(scheduled_class, MONDAY)[learner_id] is False
    session = capture_monday(scheduled_class, own_facilitator)
    attendance = LearnerAttendance.objects.get(session=session, learner_id=learner_id)
    assert not HoursLog.objects.filter(session=session, learner_id=learner_id).exists()

    # "Credit now" agrees with the page: nothing was in progress on Monday.
    (outcome,) = credit_uncredited(attendance_ids=[attendance.pk], credited_by=admin_user)
    assert not outcome.credited
    assert outcome.message == texts.NO_PROGRAMME_YET.format(
        learner=first.learner,
        programme=first.programme,
        klass=scheduled_class,
        date="2 March 2026",
    )
    assert creditable(scheduled_class, WEDNESDAY)[learner_id] is True
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.hours_trained, second.hours_trained) == (0, 0)

import datetime

import pytest

from classes.models import Class, ClassStatusHistory, Enrolment
from classes.services.enrolment import (
    ALREADY_IN_STATUS,
    STOP_DATE_ONLY_WHEN_STOPPING,
    STOP_DATE_REQUIRED,
    ClassError,
    change_class_status,
    enrol_learner,
)
from progression.models import Progression
from tests.factories import ClassFactory, LearnerFactory

pytestmark = pytest.mark.usefixtures("ledger_checked")

JAN_5 = datetime.date(2026, 1, 5)


def test_enrolling_starts_a_progression_on_the_class_programme(klass):
    learner = LearnerFactory()

    enrolment, progression = enrol_learner(learner=learner, klass=klass, start_date=JAN_5)

    assert (enrolment.start_date, enrolment.status) == (JAN_5, Enrolment.Status.ENROLLED)
    assert progression.programme == klass.programme
    assert progression.klass == klass
    assert progression.status == Progression.Status.IN_PROGRESS
    assert progression.start_date == JAN_5


def test_enrolling_in_a_class_on_another_programme_puts_the_current_one_on_hold(klass):
    learner = LearnerFactory()
    _, first = enrol_learner(learner=learner, klass=klass, start_date=JAN_5)
    other_class = ClassFactory()

    _, second = enrol_learner(learner=learner, klass=other_class, start_date=JAN_5)

    first.refresh_from_db()
    assert first.status == Progression.Status.ON_HOLD
    assert f"in class {other_class}" in first.notes
    assert second.status == Progression.Status.IN_PROGRESS
    assert Progression.objects.filter(learner=learner, status="in_progress").get() == second


def test_a_learner_who_left_and_rejoins_keeps_one_enrolment(klass):
    learner = LearnerFactory()
    enrolment, _ = enrol_learner(learner=learner, klass=klass, start_date=JAN_5)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.WITHDRAWN, end_date=datetime.date(2026, 2, 1)
    )

    again, _ = enrol_learner(learner=learner, klass=klass, start_date=datetime.date(2026, 3, 1))

    assert again.pk == enrolment.pk
    assert (again.status, again.end_date) == (Enrolment.Status.ENROLLED, None)
    assert Progression.objects.filter(learner=learner).count() == 1


def test_status_changes_are_recorded_in_the_history(klass, admin_user):
    stop = datetime.date(2026, 6, 30)

    change_class_status(
        klass=klass,
        status=Class.Status.STOPPED,
        stop_date=stop,
        changed_by=admin_user,
        reason="Client paused training",
    )

    klass.refresh_from_db()
    assert (klass.status, klass.stop_date) == (Class.Status.STOPPED, stop)
    entry = ClassStatusHistory.objects.get(klass=klass)
    assert (entry.old_status, entry.new_status, entry.stop_date) == ("active", "stopped", stop)
    assert (entry.changed_by, entry.reason) == (admin_user, "Client paused training")

    change_class_status(klass=klass, status=Class.Status.ACTIVE, changed_by=admin_user)

    klass.refresh_from_db()
    assert (klass.status, klass.stop_date) == (Class.Status.ACTIVE, None)
    assert klass.status_history.count() == 2


@pytest.mark.parametrize(
    ("status", "stop_date", "message"),
    [
        ("stopped", None, STOP_DATE_REQUIRED),
        ("active", JAN_5, STOP_DATE_ONLY_WHEN_STOPPING),
        ("active", None, ALREADY_IN_STATUS.format(klass="CLS", status="active")),
    ],
)
def test_invalid_status_changes_are_refused(admin_user, status, stop_date, message):
    klass = ClassFactory(code="CLS")
    with pytest.raises(ClassError) as caught:
        change_class_status(klass=klass, status=status, stop_date=stop_date, changed_by=admin_user)
    assert caught.value.message == message
    assert not ClassStatusHistory.objects.exists()

"""Every status change of a progression is recorded, with the day it took effect, in
the same transaction as the change (issue 9, finding 7): the record that decides
which progression a session's hours go to."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.utils.formats import date_format

from classes.services import enrol_learner
from progression.models import Progression, ProgressionStatusChange
from progression.services import (
    DATE_BEFORE_LAST_CHANGE,
    StatusChangeRefused,
    mark_complete,
    put_on_hold,
    resume,
    start_new_programme,
)
from progression.status_history_sql import BACKFILL_STATUS_HISTORY
from tests.conftest import MONDAY, WEDNESDAY
from tests.factories import (
    ClassFactory,
    EnrolmentFactory,
    LearnerFactory,
    LearningProgrammeFactory,
)

pytestmark = pytest.mark.usefixtures("ledger_checked", "now")

START = datetime.date(2026, 1, 5)
MARCH_1 = datetime.date(2026, 3, 1)
TUESDAY = datetime.date(2026, 3, 3)


@pytest.fixture
def progression(klass):
    return Progression.objects.get(learner=EnrolmentFactory(klass=klass).learner)


def history(progression):
    return list(
        ProgressionStatusChange.objects.filter(progression=progression)
        .order_by("effective_date", "id")
        .values_list("old_status", "new_status", "effective_date", "changed_by_id")
    )


def test_enrolling_starts_the_history(progression):
    assert history(progression) == [("", "in_progress", START, None)]


def test_hold_resume_and_complete_are_recorded_with_who_and_the_effective_date(
    progression, admin_user
):
    put_on_hold(
        progression=progression, effective_date=MARCH_1, changed_by=admin_user, reason="Leave"
    )
    resume(progression=progression, effective_date=MONDAY, changed_by=admin_user)
    mark_complete(progression=progression, completion_date=WEDNESDAY, completed_by=admin_user)

    assert history(progression) == [
        ("", "in_progress", START, None),
        ("in_progress", "on_hold", MARCH_1, admin_user.pk),
        ("on_hold", "in_progress", MONDAY, admin_user.pk),
        ("in_progress", "completed", WEDNESDAY, admin_user.pk),
    ]
    assert ProgressionStatusChange.objects.get(new_status="on_hold").reason == "Leave"


def test_starting_another_programme_records_both_changes(progression, admin_user):
    programme = LearningProgrammeFactory()

    started = start_new_programme(
        learner=progression.learner, programme=programme, start_date=MARCH_1, started_by=admin_user
    )

    assert history(progression) == [
        ("", "in_progress", START, None),
        ("in_progress", "on_hold", MARCH_1, admin_user.pk),
    ]
    assert history(started.progression) == [("", "in_progress", MARCH_1, admin_user.pk)]


def test_enrolling_in_a_class_on_another_programme_records_the_hold(progression):
    other = ClassFactory()

    _, second = enrol_learner(learner=progression.learner, klass=other, start_date=TUESDAY)

    assert history(progression)[-1] == ("in_progress", "on_hold", TUESDAY, None)
    assert history(second) == [("", "in_progress", TUESDAY, None)]


def test_a_backdated_enrolment_never_holds_a_progression_before_its_last_change(
    progression, admin_user
):
    put_on_hold(progression=progression, effective_date=MARCH_1, changed_by=admin_user)
    resume(progression=progression, effective_date=MONDAY, changed_by=admin_user)

    # Enrolled elsewhere from before the resume: the history stays in date order.
    enrol_learner(learner=progression.learner, klass=ClassFactory(), start_date=MARCH_1)

    assert history(progression)[-1] == ("in_progress", "on_hold", MONDAY, None)


def test_a_change_dated_before_the_last_one_is_refused(progression, admin_user):
    put_on_hold(progression=progression, effective_date=MONDAY, changed_by=admin_user)

    with pytest.raises(StatusChangeRefused) as error:
        resume(progression=progression, effective_date=MARCH_1, changed_by=admin_user)

    assert error.value.message == DATE_BEFORE_LAST_CHANGE.format(
        date=date_format(MARCH_1),
        learner=progression.learner,
        programme=progression.programme,
        last=date_format(MONDAY),
    )
    assert len(history(progression)) == 2
    progression.refresh_from_db()
    assert progression.status == "on_hold"


def test_a_refused_change_records_nothing(progression, admin_user):
    put_on_hold(progression=progression, effective_date=MARCH_1, changed_by=admin_user)

    with pytest.raises(StatusChangeRefused):
        put_on_hold(progression=progression, effective_date=MONDAY, changed_by=admin_user)

    assert len(history(progression)) == 2


def backfill():
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL_STATUS_HISTORY, [settings.TIME_ZONE])


def test_the_backfill_gives_existing_progressions_their_history(admin_user):
    # Progressions from before the history existed (written without the services).
    learner, other = LearnerFactory(), LearnerFactory()
    first, second, third = LearningProgrammeFactory.create_batch(3)
    held = Progression.objects.create(
        learner=learner, programme=first, start_date=START, status="on_hold"
    )
    current = Progression.objects.create(learner=learner, programme=second, start_date=MARCH_1)
    done = Progression.objects.create(
        learner=other,
        programme=third,
        start_date=START,
        status="completed",
        completion_date=MONDAY,
        marked_complete_by=admin_user,
    )
    held_alone = Progression.objects.create(
        learner=other, programme=first, start_date=START, status="on_hold"
    )

    backfill()
    backfill()  # and again: nothing more

    assert history(held) == [
        ("", "in_progress", START, None),
        # Starting the next programme is what put it on hold.
        ("in_progress", "on_hold", MARCH_1, None),
    ]
    assert history(current) == [("", "in_progress", MARCH_1, None)]
    assert history(done) == [
        ("", "in_progress", START, None),
        ("in_progress", "completed", MONDAY, admin_user.pk),
    ]
    # No later progression: the local date of its last change (the pinned "now").
    assert history(held_alone) == [
        ("", "in_progress", START, None),
        ("in_progress", "on_hold", WEDNESDAY, None),
    ]

"""Which progression was in progress on a day (progression.selectors): the one rule
behind crediting a session's hours, the capture roster's "creditable" flag and the
admins' "credit now" (DESIGN rule 8, issue 9 finding 7)."""

import datetime

import pytest
from django.db import connection

from progression.models import Progression
from progression.selectors import in_progress_on as progression_in_progress_on
from progression.selectors import in_progress_on_sql, progressions_in_progress_on
from progression.services import mark_complete, put_on_hold, resume, start_new_programme
from tests.conftest import MONDAY, WEDNESDAY
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.usefixtures("now")

START = datetime.date(2026, 1, 5)
FEB_27 = datetime.date(2026, 2, 27)
MARCH_1 = datetime.date(2026, 3, 1)
TUESDAY = datetime.date(2026, 3, 3)


@pytest.fixture
def progression(klass):
    return Progression.objects.get(learner=EnrolmentFactory(klass=klass).learner)


IN_PROGRESS_ON_SQL = f"""
SELECT p.id FROM learner_lp_tracking p
WHERE p.learner_id = %(learner_id)s AND p.class_type_subject_id = %(programme_id)s
  AND {in_progress_on_sql("p")}
ORDER BY p.id
"""


def in_progress_on(progression, day):
    found = progressions_in_progress_on(
        learner_ids=[progression.learner_id], programme_id=progression.programme_id, day=day
    )
    # The rule's SQL spelling (the ledger's one statement, the capture roster) agrees.
    orm = Progression.objects.filter(
        progression_in_progress_on(day),
        learner_id=progression.learner_id,
        programme_id=progression.programme_id,
    ).order_by("pk")
    with connection.cursor() as cursor:
        cursor.execute(
            IN_PROGRESS_ON_SQL,
            {
                "learner_id": progression.learner_id,
                "programme_id": progression.programme_id,
                "day": day,
            },
        )
        assert [pk for (pk,) in cursor.fetchall()] == [p.pk for p in orm]
    return found.get(progression.learner_id)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (START - datetime.timedelta(days=1), False),  # before it started
        (START, True),
        (FEB_27, True),
        (MARCH_1, True),  # put on hold during that day: in progress part of it
        (MONDAY, False),
        (TUESDAY, True),  # resumed that day
        (WEDNESDAY, True),
    ],
)
def test_in_progress_at_any_moment_of_the_day(progression, admin_user, day, expected):
    put_on_hold(progression=progression, effective_date=MARCH_1, changed_by=admin_user)
    resume(progression=progression, effective_date=TUESDAY, changed_by=admin_user)

    assert (in_progress_on(progression, day) == progression) is expected


def test_on_hold_or_completed_now_still_counts_for_the_days_it_was_in_progress(
    progression, admin_user
):
    mark_complete(progression=progression, completion_date=MARCH_1, completed_by=admin_user)

    assert in_progress_on(progression, FEB_27) == progression
    assert in_progress_on(progression, MONDAY) is None


def test_of_two_in_progress_on_the_day_the_latest_started_wins(progression, admin_user):
    # Completed on Monday, and started again (a second attempt) the same day.
    mark_complete(progression=progression, completion_date=MONDAY, completed_by=admin_user)
    again = start_new_programme(
        learner=progression.learner,
        programme=progression.programme,
        start_date=MONDAY,
        started_by=admin_user,
    ).progression

    assert in_progress_on(progression, MONDAY) == again
    assert in_progress_on(progression, MARCH_1) == progression


def test_only_the_asked_programme_counts(progression, admin_user):
    found = progressions_in_progress_on(
        learner_ids=[progression.learner_id],
        programme_id=progression.programme_id + 999,
        day=MONDAY,
    )

    assert found == {}

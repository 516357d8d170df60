"""Issue 9, finding 12: the factories hold no calendar date that the real clock can
overtake, and what they build is valid whatever day the suite runs on."""

import datetime
import inspect

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import NOW, SAST
from tests.factories import EnrolmentFactory, ScheduleFactory

FACTORIES = [
    cls
    for _, cls in inspect.getmembers(factories, inspect.isclass)
    if issubclass(cls, factories.factory.Factory) and cls.__module__ == factories.__name__
]


def test_every_fixed_date_in_a_factory_is_on_or_before_the_reference_day():
    # A fixed date later than that is one the real clock reaches in the middle of the
    # project's life, on which tests built on the default start to fail (ScheduleFactory
    # ended on 18 December 2026 while test_reports started a schedule tomorrow).
    assert FACTORIES
    late = {
        f"{cls.__name__}.{name}": value
        for cls in FACTORIES
        for name, value in cls._meta.declarations.items()
        if isinstance(value, datetime.date)
        and (value.date() if isinstance(value, datetime.datetime) else value) > NOW.date()
    }
    assert late == {}


@pytest.mark.parametrize(
    "clock",
    [
        NOW,
        datetime.datetime(2026, 12, 18, 9, 0, tzinfo=SAST),  # the old fixed end date
        datetime.datetime(2026, 12, 31, 23, 30, tzinfo=SAST),  # tomorrow is next year
        datetime.datetime(2027, 2, 1, 10, 0, tzinfo=SAST),  # a Monday the 1st
        datetime.datetime(2031, 6, 30, 12, 0, tzinfo=SAST),
    ],
    ids=lambda clock: f"{clock:%Y-%m-%d-%H%M}",
)
def test_a_schedule_from_tomorrow_with_default_end_is_valid_on_any_day(db, time_machine, clock):
    time_machine.move_to(clock, tick=False)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    schedule = ScheduleFactory(start_date=tomorrow)
    enrolment = EnrolmentFactory(klass=schedule.klass, start_date=tomorrow)

    schedule.refresh_from_db()
    assert schedule.end_date > schedule.start_date == tomorrow
    assert enrolment.start_date == tomorrow


def test_the_default_schedule_is_the_one_the_dated_tests_expect(db):
    # The unit tests pinned to NOW count sessions from Monday 5 January to Friday
    # 18 December 2026 on Mondays and Wednesdays.
    schedule = ScheduleFactory()
    assert (schedule.start_date, schedule.end_date) == (
        datetime.date(2026, 1, 5),
        datetime.date(2026, 12, 18),
    )
    assert schedule.end_date.weekday() == 4

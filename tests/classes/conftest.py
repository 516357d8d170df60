import datetime
import zoneinfo

import pytest

from tests.factories import EnrolmentFactory, ScheduleFactory

SAST = zoneinfo.ZoneInfo("Africa/Johannesburg")
# The class meets Mondays and Wednesdays 09:00–12:00 (3 hours) from Monday 5 January
# 2026; "now" in these tests is Wednesday 4 March 2026, 14:00 in Johannesburg.
NOW = datetime.datetime(2026, 3, 4, 14, 0, tzinfo=SAST)
MONDAY = datetime.date(2026, 3, 2)
WEDNESDAY = datetime.date(2026, 3, 4)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def scheduled_class(klass, now):
    """The own facilitator's active class, with a schedule and three learners."""
    ScheduleFactory(klass=klass)
    for surname in ("Dlamini", "Nkosi", "Pretorius"):
        EnrolmentFactory(klass=klass, learner__surname=surname)
    return klass


def roster_ids(klass):
    return list(klass.enrolments.order_by("learner__surname").values_list("learner_id", flat=True))

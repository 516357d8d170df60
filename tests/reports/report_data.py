"""Building blocks of the report tests: classes with hand-countable hours.

The clock is the suite's: Wednesday 4 March 2026, 14:00 in Johannesburg (the `now`
fixture). Schedules meet Monday and Wednesday 09:00–12:00 (3 hours) unless told.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group

from classes.roles import OFFICE_ADMINS
from classes.services import LearnerEntry, capture_session
from tests.factories import (
    ClassFactory,
    EnrolmentFactory,
    LearningProgrammeFactory,
    ScheduleFactory,
    UserFactory,
)

D = Decimal
FEB_16, FEB_18 = datetime.date(2026, 2, 16), datetime.date(2026, 2, 18)
FEB_23, FEB_25 = datetime.date(2026, 2, 23), datetime.date(2026, 2, 25)
MAR_2, MAR_4 = datetime.date(2026, 3, 2), datetime.date(2026, 3, 4)
MAR_9, MAR_11 = datetime.date(2026, 3, 9), datetime.date(2026, 3, 11)


def office_admin(username="office.reports"):
    """An office admin by group (not a superuser): what the permission grants."""
    user = UserFactory(username=username, is_staff=True, first_name="Ayanda", last_name="Office")
    user.groups.add(Group.objects.get(name=OFFICE_ADMINS))
    return user


def report_class(
    facilitator,
    *,
    surnames=("Dlamini", "Nkosi"),
    allocated="24",
    capped=False,
    start=FEB_16,
    end=datetime.date(2026, 3, 25),
    **class_fields,
):
    """An active class on its own LP (200 pages), with a schedule and learners."""
    programme = LearningProgrammeFactory(
        subject_duration=D(allocated), total_pages=200, class_type__hours_capped=capped
    )
    klass = ClassFactory(facilitator=facilitator, programme=programme, **class_fields)
    ScheduleFactory(klass=klass, start_date=start, end_date=end)
    for surname in surnames:
        EnrolmentFactory(klass=klass, learner__surname=surname, start_date=start)
    return klass


def learner_ids(klass):
    return list(klass.enrolments.order_by("learner__surname").values_list("learner_id", flat=True))


def capture(klass, day, user, rows):
    """Capture `day` with (hours present, page) per learner, in surname order."""
    return capture_session(
        klass=klass,
        session_date=day,
        recorded_by=user,
        entries=[
            LearnerEntry(pk, str(hours), str(page) if page else "")
            for pk, (hours, page) in zip(learner_ids(klass), rows, strict=True)
        ],
        everyone_absent=all(D(str(hours)) == 0 for hours, _ in rows),
    )

"""A client's February 2026 with every kind of session, paid and billed by the hour.

The own facilitator's class (Mondays and Wednesdays 09:00-12:00, three learners) is
recorded at the suite's NOW (Wednesday 4 March 2026, 14:00):

- Mon 2 Feb captured, 3 / 1.5 / 0 hours present: paid its 3 hours;
- Wed 4 Feb captured, everyone absent: the travel allowance, 1 hour;
- Mon 9 Feb facilitator absent: nothing;
- Wed 11 Feb client cancelled, recorded long after its start: late, its 3 hours.

Rates: R 250 an hour for the facilitator, R 40 per learner hour for the client.
"""

import datetime

import pytest

from classes.services import LearnerEntry, capture_session, mark_session_not_held
from tests.classes.conftest import roster_ids
from tests.factories import ClientRateFactory, FacilitatorRateFactory

FEBRUARY = datetime.date(2026, 2, 1)
MARCH = datetime.date(2026, 3, 1)
FEB_2, FEB_4, FEB_9, FEB_11 = (datetime.date(2026, 2, day) for day in (2, 4, 9, 11))


def capture(klass, day, user, hours, **extra):
    entries = [LearnerEntry(pk, h, "") for pk, h in zip(roster_ids(klass), hours, strict=True)]
    return capture_session(
        klass=klass, session_date=day, recorded_by=user, entries=entries, **extra
    )


@pytest.fixture
def february(scheduled_class, own_facilitator, office_admin):
    klass = scheduled_class
    FacilitatorRateFactory(klass=klass, created_by=office_admin)
    ClientRateFactory(client=klass.client, created_by=office_admin)
    capture(klass, FEB_2, own_facilitator, ("3", "1.5", "0"))
    capture(klass, FEB_4, own_facilitator, ("0", "0", "0"), everyone_absent=True)
    for day, status in ((FEB_9, "agent_absent"), (FEB_11, "client_cancelled")):
        mark_session_not_held(
            klass=klass, session_date=day, recorded_by=own_facilitator, status=status
        )
    return klass

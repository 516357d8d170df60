"""How many statements a capture sends (issue 11): the same handful at any class size,
through the service and through the capture view's POST. bench/ asserts the same at
5, 30 and 100 learners on its data set; here the counts themselves are pinned, so a
change that adds a round trip to every capture is seen in review."""

import pytest
from django.urls import reverse

from classes.models import AttendanceSession, LearnerAttendance
from classes.selectors import CAPTURE_ANY_CLASS
from classes.services import LearnerEntry, capture_session
from progression.models import HoursLog
from submissions.keys import FIELD_NAME, issue_key
from tests.classes.conftest import MONDAY, roster_ids
from tests.factories import EnrolmentFactory, ScheduleFactory

SIZES = [5, 30, 100]
# The service, for the primary facilitator: BEGIN, the planned session (the stored
# plan), the roster, the session's rows (one statement), the ledger rows and totals
# (one), COMMIT. (Django counts BEGIN and COMMIT; in the test's own transaction they
# are a SAVEPOINT and its RELEASE.)
SERVICE_STATEMENTS = 6
# The POST: the login session, the user, the user's two permission queries, the
# class, then the service's statements with the submission key first.
VIEW_STATEMENTS = 12


@pytest.fixture
def sized_class(klass, now):
    def make(size):
        ScheduleFactory(klass=klass)
        EnrolmentFactory.create_batch(size, klass=klass)
        return klass

    return make


def entries(klass):
    return [LearnerEntry(pk, "3", "5") for pk in roster_ids(klass)]


@pytest.mark.parametrize("size", SIZES)
def test_a_service_capture_sends_a_fixed_number_of_statements(
    size, sized_class, own_facilitator, django_assert_num_queries
):
    klass = sized_class(size)
    lines = entries(klass)
    with django_assert_num_queries(SERVICE_STATEMENTS):
        capture_session(
            klass=klass, session_date=MONDAY, recorded_by=own_facilitator, entries=lines
        )

    assert LearnerAttendance.objects.filter(session__klass=klass).count() == size
    assert HoursLog.objects.filter(klass=klass).count() == size


@pytest.mark.parametrize("size", SIZES)
def test_a_capture_post_sends_a_fixed_number_of_statements(
    size, sized_class, client, own_facilitator, django_assert_num_queries
):
    klass = sized_class(size)
    client.force_login(own_facilitator)
    url = reverse("classes:capture", args=[klass.pk, MONDAY])
    form = {FIELD_NAME: issue_key(user=own_facilitator, purpose=url)}
    for pk in roster_ids(klass):
        form |= {f"hours_{pk}": "3", f"page_{pk}": "5"}
    # As in production, the user's permissions are not cached between requests.
    assert not own_facilitator.has_perm(CAPTURE_ANY_CLASS)

    with django_assert_num_queries(VIEW_STATEMENTS):
        response = client.post(url, form)

    assert response.status_code == 302
    assert AttendanceSession.objects.get(klass=klass, session_date=MONDAY).status == "captured"

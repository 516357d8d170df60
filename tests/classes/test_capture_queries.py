"""How many statements a capture sends (issue 11): the same handful at any class size,
through the service and through the capture view's POST. bench/ asserts the same at
5, 30 and 100 learners on its data set; here the counts themselves are pinned, so a
change that adds a round trip to every capture is seen in review."""

import pytest
from django.urls import reverse

from classes.models import AttendanceSession, LearnerAttendance
from classes.services import LearnerEntry, capture_session
from progression.models import HoursLog
from submissions.keys import FIELD_NAME, issue_key
from tests.classes.conftest import MONDAY, roster_ids
from tests.factories import EnrolmentFactory, ScheduleFactory

SIZES = [5, 30, 100]
# The service, for the primary facilitator: BEGIN; the planned session (the stored
# plan) and the roster, in one statement (with the form's key first, when there is
# one); the session's rows; the ledger rows and totals; COMMIT. Django counts BEGIN
# and COMMIT; in the test's own transaction they are a SAVEPOINT and its RELEASE.
SERVICE_STATEMENTS = 5
# The POST: the login session, the user, the class (its facilitators need no
# permission query), then the service's statements.
VIEW_STATEMENTS = 8


@pytest.fixture
def sized_class(klass, now):
    def make(size):
        ScheduleFactory(klass=klass)
        EnrolmentFactory.create_batch(size, klass=klass)
        return klass

    return make


def entries(klass):
    return [LearnerEntry(pk, "3", "5") for pk in roster_ids(klass)]


# Every other learner late, with a remark (issue 12, point 6): the reasons travel in
# the same statement as the hours and pages.
def absence(n: int) -> tuple[str, str, str]:
    return ("2", "late", "bus") if n % 2 else ("3", "", "")


@pytest.mark.parametrize("size", [5, 100])
def test_absence_reasons_add_no_statement(
    size, sized_class, own_facilitator, django_assert_num_queries
):
    klass = sized_class(size)
    lines = [
        LearnerEntry(pk, hours, "5", absence_reason=reason, absence_remark=remark)
        for n, pk in enumerate(roster_ids(klass))
        for hours, reason, remark in [absence(n)]
    ]
    with django_assert_num_queries(SERVICE_STATEMENTS):
        capture_session(
            klass=klass, session_date=MONDAY, recorded_by=own_facilitator, entries=lines
        )

    late = LearnerAttendance.objects.filter(session__klass=klass, absence_reason="late")
    assert late.count() == size // 2


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


def post(client, user, klass, django_assert_num_queries, statements, reasons=False):
    client.force_login(user)
    url = reverse("classes:capture", args=[klass.pk, MONDAY])
    form = {FIELD_NAME: issue_key(user=user, purpose=url)}
    for n, pk in enumerate(roster_ids(klass)):
        hours, reason, remark = absence(n) if reasons else ("3", "", "")
        form |= {f"hours_{pk}": hours, f"page_{pk}": "5"}
        form |= {f"absence_{pk}": reason, f"remark_{pk}": remark}

    with django_assert_num_queries(statements):
        response = client.post(url, form)

    assert response.status_code == 302
    assert AttendanceSession.objects.get(klass=klass, session_date=MONDAY).status == "captured"


@pytest.mark.parametrize("size", SIZES)
def test_a_capture_post_sends_a_fixed_number_of_statements(
    size, sized_class, client, own_facilitator, django_assert_num_queries
):
    post(client, own_facilitator, sized_class(size), django_assert_num_queries, VIEW_STATEMENTS)


def test_a_capture_post_with_absence_reasons_sends_the_same_statements(
    sized_class, client, own_facilitator, django_assert_num_queries
):
    klass = sized_class(30)
    post(client, own_facilitator, klass, django_assert_num_queries, VIEW_STATEMENTS, reasons=True)
    assert LearnerAttendance.objects.filter(absence_reason="late").count() == 15


def test_a_backup_facilitator_needs_no_permission_query(
    sized_class, client, other_facilitator, django_assert_num_queries
):
    klass = sized_class(30)
    klass.backup_facilitators.add(other_facilitator)
    post(client, other_facilitator, klass, django_assert_num_queries, VIEW_STATEMENTS)


def test_an_office_admin_is_asked_for_the_permission(
    sized_class, client, office_admin, django_assert_num_queries
):
    # The user's permissions and their groups' permissions, once per request.
    post(client, office_admin, sized_class(30), django_assert_num_queries, VIEW_STATEMENTS + 2)

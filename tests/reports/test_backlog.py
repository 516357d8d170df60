"""Capture backlog: sessions past their date still pending, by facilitator and class."""

import datetime
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes.models import AttendanceSession, Class, ScheduleException
from classes.services import change_class_status, mark_session_not_held, void_session
from classes.services.schedule import rebuild_plan
from reports.backlog import CSV_HEADER
from reports.common import ROWS_PER_PAGE
from tests.factories import ClassFactory, ScheduleFactory, UserFactory
from tests.reports.report_data import (
    FEB_16,
    FEB_18,
    FEB_23,
    FEB_25,
    MAR_2,
    capture,
    report_class,
)
from tests.reports.report_pages import csv_table, page_values

pytestmark = pytest.mark.usefixtures("now", "ledger_checked")

URL = reverse("reports:backlog")
CSV_URL = reverse("reports:backlog_csv")


@pytest.fixture
def late_class(own_facilitator):
    """Meets Mon/Wed from Monday 23 February: 23 Feb, 25 Feb and 2 Mar are past;
    4 March is today (not overdue yet)."""
    return report_class(own_facilitator, start=FEB_23, code="LATE-1")


def backlog_rows(client):
    return page_values(client.get(URL)).rows


def test_past_pending_sessions_are_listed_oldest_first_with_days_overdue(
    client, admin_user, late_class
):
    client.force_login(admin_user)
    response = client.get(URL)

    assert response.status_code == 200
    client_name = late_class.client.name
    assert page_values(response).rows == [
        ["Thandi Mokoena", "LATE-1", client_name, "2026-02-23", "3", "9"],
        ["Thandi Mokoena", "LATE-1", client_name, "2026-02-25", "3", "7"],
        ["Thandi Mokoena", "LATE-1", client_name, "2026-03-02", "3", "2"],
    ]


def test_a_session_drops_out_once_captured_or_marked_not_held(
    client, admin_user, own_facilitator, late_class
):
    client.force_login(admin_user)
    assert [row[3] for row in backlog_rows(client)] == ["2026-02-23", "2026-02-25", "2026-03-02"]

    capture(late_class, MAR_2, own_facilitator, [(3, 10), (2, 8)])
    assert [row[3] for row in backlog_rows(client)] == ["2026-02-23", "2026-02-25"]

    mark_session_not_held(
        klass=late_class,
        session_date=FEB_23,
        recorded_by=own_facilitator,
        status=AttendanceSession.Status.CLIENT_CANCELLED,
    )
    assert [row[3] for row in backlog_rows(client)] == ["2026-02-25"]


def test_a_voided_session_is_pending_again_and_back_in_the_backlog(
    client, admin_user, own_facilitator, late_class
):
    session = capture(late_class, FEB_25, own_facilitator, [(3, 10), (2, 8)])
    client.force_login(admin_user)
    assert [row[3] for row in backlog_rows(client)] == ["2026-02-23", "2026-03-02"]

    void_session(
        klass=late_class,
        session_date=FEB_25,
        voided_by=admin_user,
        reason="Wrong class",
        expected_version=session.version,
    )

    assert [row[3] for row in backlog_rows(client)] == ["2026-02-23", "2026-02-25", "2026-03-02"]


def test_blocked_sessions_draft_classes_and_days_after_a_stop_are_not_chased(
    client, admin_user, own_facilitator, late_class
):
    ScheduleException.objects.create(
        schedule=late_class.schedule, exception_date=FEB_25, reason="Site closed"
    )
    rebuild_plan(klass=late_class)  # as the admin's save does (the report reads the plan)
    report_class(own_facilitator, start=FEB_23, code="DRAFT-1", status=Class.Status.DRAFT)
    stopped = report_class(own_facilitator, start=FEB_16, code="STOP-1")
    change_class_status(
        klass=stopped, status=Class.Status.STOPPED, changed_by=admin_user, stop_date=FEB_18
    )
    client.force_login(admin_user)

    rows = backlog_rows(client)

    assert [(row[1], row[3]) for row in rows] == [
        ("STOP-1", "2026-02-16"),
        ("STOP-1", "2026-02-18"),
        ("LATE-1", "2026-02-23"),
        ("LATE-1", "2026-03-02"),
    ]


def test_grouped_by_facilitator_the_furthest_behind_first(
    client, admin_user, own_facilitator, other_facilitator, late_class
):
    earlier = report_class(other_facilitator, start=FEB_16, code="EARLY-1")
    capture(earlier, FEB_18, other_facilitator, [(3, 4), (3, 4)])
    client.force_login(admin_user)

    values = page_values(client.get(URL))

    assert [(row[0], row[1], row[3], row[5]) for row in values.rows] == [
        ("Pieter Botha", "EARLY-1", "2026-02-16", "16"),
        ("Pieter Botha", "EARLY-1", "2026-02-23", "9"),
        ("Pieter Botha", "EARLY-1", "2026-02-25", "7"),
        ("Pieter Botha", "EARLY-1", "2026-03-02", "2"),
        ("Thandi Mokoena", "LATE-1", "2026-02-23", "9"),
        ("Thandi Mokoena", "LATE-1", "2026-02-25", "7"),
        ("Thandi Mokoena", "LATE-1", "2026-03-02", "2"),
    ]
    filtered = page_values(client.get(URL, {"facilitator": own_facilitator.pk}))
    assert {row[0] for row in filtered.rows} == {"Thandi Mokoena"}


def test_the_csv_is_the_page(client, admin_user, own_facilitator, other_facilitator, late_class):
    report_class(other_facilitator, start=FEB_16, code="EARLY-1")
    client.force_login(admin_user)

    for query in ({}, {"facilitator": own_facilitator.pk}):
        page = page_values(client.get(URL, query))
        table = csv_table(client.get(CSV_URL, query))
        assert table[0] == CSV_HEADER
        assert table[1:] == page.rows
        assert len(table) > 1


def test_an_empty_backlog_says_so(client, admin_user, own_facilitator):
    client.force_login(admin_user)
    response = client.get(URL)
    assert "Nothing to chase" in response.content.decode()
    assert csv_table(client.get(CSV_URL)) == [CSV_HEADER]


def overdue_classes(count):
    facilitator = UserFactory()
    for n in range(count):
        klass = ClassFactory(facilitator=facilitator if n % 2 else UserFactory())
        ScheduleFactory(klass=klass, start_date=FEB_23)
        # A recorded session as well, so that session rows are loaded too.
        AttendanceSession.objects.create(klass=klass, session_date=FEB_25, scheduled_hours=3)


def test_the_query_count_does_not_grow_with_the_backlog(
    client, admin_user, django_assert_num_queries
):
    client.force_login(admin_user)
    overdue_classes(5)
    with CaptureQueriesContext(connection) as five:
        assert len(backlog_rows(client)) == 5 * 3
    with CaptureQueriesContext(connection) as five_csv:
        assert len(csv_table(client.get(CSV_URL))) == 5 * 3 + 1

    overdue_classes(35)
    with django_assert_num_queries(len(five)):
        # A page of them (issue 10: the page paginates; the CSV has them all).
        assert len(backlog_rows(client)) == ROWS_PER_PAGE < 40 * 3
    with django_assert_num_queries(len(five_csv)):
        assert len(csv_table(client.get(CSV_URL))) == 40 * 3 + 1


def test_today_and_later_are_not_overdue(client, admin_user, own_facilitator):
    report_class(own_facilitator, start=datetime.date(2026, 3, 4), code="TODAY-1")
    client.force_login(admin_user)
    assert backlog_rows(client) == []


def test_the_pages_together_are_the_csv_and_the_totals_count_every_page(client, admin_user):
    overdue_classes(20)  # 60 overdue sessions, more than a page
    client.force_login(admin_user)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    table = csv_table(client.get(CSV_URL, {"page": 2}))

    rows = page_values(first).rows + page_values(second).rows
    assert [len(page_values(first).rows), len(page_values(second).rows)] == [ROWS_PER_PAGE, 10]
    assert table[1:] == rows
    facts = first.content.decode()
    for label, count in (("Sessions", 60), ("Classes", 20), ("Facilitators", 11)):
        assert re.search(rf"<dt>{label}</dt><dd[^>]*>{count}</dd>", facts), label
    # Each facilitator's heading counts their whole backlog, also where it runs on
    # from one page to the next.
    per_facilitator = Counter(row[0] for row in table[1:])
    for page in (first, second):
        shown = re.findall(
            r'<span data-col>([^<]+)</span> <span class="badge warning">(\d+) to capture',
            page.content.decode(),
        )
        assert shown
        assert {name: int(count) for name, count in shown} == {
            name: per_facilitator[name] for name, _ in shown
        }
    assert per_facilitator.most_common(1)[0][1] == 30

"""The class monthly report: heading facts and per learner month and total hours."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes.models import Enrolment, ScheduleSlot
from learners.models import Learner
from reports.class_monthly import CSV_HEADER, CSV_TITLE, days_and_times
from tests.factories import EnrolmentFactory, LearnerFactory
from tests.reports.report_data import FEB_16, capture, report_class
from tests.reports.report_pages import csv_table, page_values
from tests.reports.test_progress import run_sessions

pytestmark = pytest.mark.usefixtures("now", "ledger_checked")

URL = reverse("reports:class_monthly")
CSV_URL = reverse("reports:class_monthly_csv")


@pytest.fixture
def monthly_class(own_facilitator):
    """Sessions on 16, 18, 23, 25 February and 2 March (FIVE_SESSIONS)."""
    klass = report_class(own_facilitator, code="MON-1", surnames=())
    EnrolmentFactory(
        klass=klass,
        start_date=FEB_16,
        learner=LearnerFactory(
            surname="Dlamini",
            first_names="Zanele Thandeka",
            race=Learner.Race.AFRICAN,
            gender=Learner.Gender.FEMALE,
        ),
    )
    EnrolmentFactory(
        klass=klass,
        start_date=FEB_16,
        learner=LearnerFactory(
            surname="Nkosi", first_names="sipho", race=Learner.Race.COLOURED, gender="male"
        ),
    )
    run_sessions(klass, own_facilitator)
    return klass


def test_the_heading_says_which_class_month_and_schedule(client, admin_user, monthly_class):
    klass = monthly_class
    ScheduleSlot.objects.create(
        schedule=klass.schedule,
        weekday=4,
        start_time=datetime.time(13, 30),
        end_time=datetime.time(15),
    )
    ScheduleSlot.objects.create(
        schedule=klass.schedule,
        weekday=4,
        start_time=datetime.time(8),
        end_time=datetime.time(10),
    )
    client.force_login(admin_user)

    values = page_values(client.get(URL, {"class": klass.pk, "month": "2026-03"}))

    lp = klass.programme
    assert values.header == [
        "MON-1",
        klass.client.name,
        "Head office, Johannesburg",
        lp.class_type.name,
        f"{lp.code} – {lp.name}",
        "2026-03",
        "Monday, Wednesday 09:00–12:00; Friday 08:00–10:00 and 13:30–15:00",
        "Thandi Mokoena",
    ]


def test_month_and_total_hours_per_learner(client, admin_user, monthly_class):
    client.force_login(admin_user)
    lp = monthly_class.programme.code

    march = page_values(client.get(URL, {"class": monthly_class.pk, "month": "2026-03"}))
    february = page_values(client.get(URL, {"class": monthly_class.pk, "month": "2026-02"}))

    # surname, initials, LP, start, race, gender, month trained/present,
    # total trained/present, hours %, page %, absence reasons (none recorded)
    assert march.rows == [
        ["Dlamini", "ZT", lp, "2026-02-16", "African", "Female",
         "3", "2.5", "15", "13.5", "62.5", "22.5", ""],
        ["Nkosi", "S", lp, "2026-02-16", "Coloured", "Male",
         "3", "0", "15", "7.5", "62.5", "10.0", ""],
    ]  # fmt: skip
    assert [row[6:8] for row in february.rows] == [["12", "11"], ["12", "7.5"]]


def test_the_roster_is_the_learners_enrolled_in_the_month(
    client, admin_user, own_facilitator, monthly_class
):
    left = EnrolmentFactory(klass=monthly_class, start_date=FEB_16, learner__surname="Left")
    Enrolment.objects.filter(pk=left.pk).update(
        end_date=datetime.date(2026, 2, 27), status=Enrolment.Status.WITHDRAWN
    )
    EnrolmentFactory(
        klass=monthly_class, start_date=datetime.date(2026, 4, 1), learner__surname="Late"
    )
    # An enrolment from before enrolling started progressions (no progression at all).
    Enrolment.objects.create(
        klass=monthly_class, learner=LearnerFactory(surname="Legacy"), start_date=FEB_16
    )
    client.force_login(admin_user)

    def surnames(month):
        query = {"class": monthly_class.pk, "month": month}
        return [row[0] for row in page_values(client.get(URL, query)).rows]

    assert surnames("2026-02") == ["Dlamini", "Left", "Legacy", "Nkosi"]
    assert surnames("2026-03") == ["Dlamini", "Legacy", "Nkosi"]
    assert surnames("2026-04") == ["Dlamini", "Late", "Legacy", "Nkosi"]
    legacy = page_values(client.get(URL, {"class": monthly_class.pk, "month": "2026-03"})).rows[1]
    assert legacy[2:4] + legacy[6:] == ["", "", "0", "0", "", "", "", "", ""]


def test_the_csv_reads_like_the_page(client, admin_user, monthly_class):
    client.force_login(admin_user)
    query = {"class": monthly_class.pk, "month": "2026-03"}

    table = csv_table(client.get(CSV_URL, query))
    page = page_values(client.get(URL, query))

    assert table[0] == [CSV_TITLE]
    heading = table[1:9]
    assert [label for label, _ in heading] == [
        "Class", "Client", "Site", "Class type", "LP", "Month", "Class days and times",
        "Facilitator",
    ]  # fmt: skip
    assert [value for _, value in heading] == page.header
    assert table[9] == []
    assert table[10] == CSV_HEADER
    assert table[11:] == page.rows


def test_without_a_class_the_page_asks_for_one(client, admin_user):
    client.force_login(admin_user)

    page = client.get(URL).content.decode()
    assert '<input type="search" name="q"' in page
    assert "There is no class with that id" in client.get(URL, {"class": 999999}).content.decode()
    assert client.get(CSV_URL).status_code == 404
    assert client.get(CSV_URL, {"class": 999999}).status_code == 404


def test_days_and_times_in_words():
    def slot(day, start, end):
        return ScheduleSlot(
            weekday=day, start_time=datetime.time(start), end_time=datetime.time(end)
        )

    assert days_and_times([slot(d, 8, 10) for d in range(5)]) == "Monday to Friday 08:00–10:00"
    assert days_and_times([slot(5, 8, 12), slot(0, 8, 10), slot(1, 8, 10)]) == (
        "Monday, Tuesday 08:00–10:00; Saturday 08:00–12:00"
    )
    assert days_and_times([]) == ""


def test_a_bad_month_means_this_month(client, admin_user, monthly_class):
    client.force_login(admin_user)
    values = page_values(client.get(URL, {"class": monthly_class.pk, "month": "2026-13"}))
    assert values.header[5] == "2026-03"


def class_of(count, facilitator):
    klass = report_class(facilitator, surnames=[f"Learner{n:02d}" for n in range(count)])
    capture(klass, FEB_16, facilitator, [(3, 4)] * count)
    return klass


def test_the_query_count_does_not_grow_with_the_learners(
    client, admin_user, own_facilitator, django_assert_num_queries
):
    small, large = class_of(5, own_facilitator), class_of(40, own_facilitator)
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as five:
        assert len(page_values(client.get(URL, {"class": small.pk})).rows) == 5
    with CaptureQueriesContext(connection) as five_csv:
        assert len(csv_table(client.get(CSV_URL, {"class": small.pk}))) == 11 + 5

    with django_assert_num_queries(len(five)):
        assert len(page_values(client.get(URL, {"class": large.pk})).rows) == 40
    with django_assert_num_queries(len(five_csv)):
        assert len(csv_table(client.get(CSV_URL, {"class": large.pk}))) == 11 + 40

"""Learner progress: hours, the three percentages, projected completion and at risk."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes.models import Enrolment
from classes.schedule import PlannedSession, Slot
from progression.models import Progression
from reports.common import ROWS_PER_PAGE
from reports.learner_progress import CSV_HEADER
from reports.projection import project
from reports.trend import weekly_attendance
from tests.factories import ClassFactory, EnrolmentFactory, ScheduleFactory
from tests.reports.report_data import (
    FEB_16,
    FEB_18,
    FEB_23,
    FEB_25,
    MAR_2,
    MAR_9,
    D,
    capture,
    report_class,
)
from tests.reports.report_pages import csv_table, page_values

pytestmark = pytest.mark.usefixtures("now", "ledger_checked")

URL = reverse("reports:progress")
CSV_URL = reverse("reports:progress_csv")
# Dlamini and Nkosi, per session: (hours present, last page) of 3 hours trained.
FIVE_SESSIONS = {
    FEB_16: [(3, 10), (3, 8)],
    FEB_18: [(3, 20), (1.5, 12)],
    FEB_23: [(2, 28), (0, None)],
    FEB_25: [(3, 36), (3, 20)],
    MAR_2: [(2.5, 45), (0, None)],
}


def run_sessions(klass, user, sessions=FIVE_SESSIONS):
    for day, rows in sessions.items():
        capture(klass, day, user, rows)


@pytest.fixture
def progress_class(own_facilitator):
    """24 allocated hours; five sessions captured (15 h trained each). The schedule
    runs to 25 March: 4 March (today, not captured), 9, 11, 16, 18, 23 and 25 remain."""
    klass = report_class(own_facilitator, code="PROG-1")
    run_sessions(klass, own_facilitator)
    return klass


def rows_by_surname(values):
    return {row[0]: row for row in values.rows}


def test_numbers_match_the_hand_computed_ones(client, admin_user, progress_class):
    client.force_login(admin_user)
    client_name = progress_class.client.name
    lp = progress_class.programme.code

    rows = page_values(client.get(URL)).rows

    # trained, present, absent, allocated, progress, attendance, page %, page, of,
    # projected completion (the 3 sessions 4, 9 and 11 March add the missing 9 h).
    assert rows == [
        ["Dlamini", rows[0][1], "PROG-1", client_name, lp, "In progress",
         "15", "13.5", "1.5", "24", "62.5", "90.0", "22.5", "45", "200", "2026-03-11", ""],
        ["Nkosi", rows[1][1], "PROG-1", client_name, lp, "In progress",
         "15", "7.5", "7.5", "24", "62.5", "50.0", "10.0", "20", "200", "2026-03-11", ""],
    ]  # fmt: skip


def test_at_risk_when_the_remaining_sessions_cannot_reach_the_hours(
    client, admin_user, own_facilitator
):
    # Ends on 9 March: 4 and 9 March remain, 6 h, but 9 h are missing.
    short = report_class(own_facilitator, code="SHORT-1", end=MAR_9)
    run_sessions(short, own_facilitator)
    # 12 allocated hours: already trained beyond them.
    reached = report_class(own_facilitator, code="DONE-1", allocated="12", surnames=("Zulu",))
    run_sessions(reached, own_facilitator, {d: rows[:1] for d, rows in FIVE_SESSIONS.items()})
    client.force_login(admin_user)

    response = client.get(URL)
    rows = rows_by_surname(page_values(response))

    assert rows["Dlamini"][-2:] == ["", "At risk"]
    assert rows["Nkosi"][-2:] == ["", "At risk"]
    assert rows["Zulu"][-2:] == ["Reached", ""]
    assert rows["Zulu"][10] == "100.0"  # 15 of 12 hours, shown capped
    assert response.content.decode().count('class="at-risk"') == 2


def test_a_learner_leaving_the_class_is_projected_up_to_their_leaving_date(
    client, admin_user, progress_class
):
    Enrolment.objects.filter(klass=progress_class, learner__surname="Nkosi").update(
        end_date=MAR_9, status=Enrolment.Status.WITHDRAWN
    )
    client.force_login(admin_user)

    rows = rows_by_surname(page_values(client.get(URL)))

    assert rows["Dlamini"][-2:] == ["2026-03-11", ""]
    assert rows["Nkosi"][-2:] == ["", "At risk"]


def test_no_schedule_means_nothing_more_is_planned(client, admin_user, own_facilitator):
    EnrolmentFactory(klass=ClassFactory(facilitator=own_facilitator), learner__surname="Bare")
    client.force_login(admin_user)
    (row,) = page_values(client.get(URL)).rows
    assert row[6:] == ["0", "0", "0", "120", "0.0", "", "", "", "200", "", "At risk"]


def test_projection_counts_hours_trained_session_by_session():
    slot = Slot(0, datetime.time(9), datetime.time(12))
    sessions = [PlannedSession(datetime.date(2026, 3, d), (slot,)) for d in (9, 16, 23)]

    assert project(hours_trained=D("20"), allocated=D("24"), remaining=sessions).completion == (
        datetime.date(2026, 3, 16)
    )
    assert project(hours_trained=D("21"), allocated=D("24"), remaining=sessions).completion == (
        datetime.date(2026, 3, 9)
    )
    risky = project(hours_trained=D("10"), allocated=D("24"), remaining=sessions)
    assert (risky.completion, risky.at_risk, risky.remaining_hours) == (None, True, D("9"))
    done = project(hours_trained=D("24"), allocated=D("24"), remaining=sessions)
    assert (done.reached, done.at_risk) == (True, False)


def test_the_weekly_trend_comes_from_the_hours_log(client, admin_user, progress_class):
    dlamini = Progression.objects.get(learner__surname="Dlamini")

    weeks = weekly_attendance([dlamini.pk], today=datetime.date(2026, 3, 4), using="default")

    series = [(w.week.isoformat(), w.percent) for w in weeks[dlamini.pk]]
    assert series[-3:] == [
        ("2026-02-16", D("100.0")),
        ("2026-02-23", D("83.3")),
        ("2026-03-02", D("83.3")),
    ]
    assert [p for _, p in series[:-3]] == [None] * 5
    client.force_login(admin_user)
    page = client.get(URL).content.decode()
    assert "week of 16 Feb: 100.0%" in page
    assert "week of 9 Feb: no session" in page


def test_filters_by_class_client_and_status(client, admin_user, own_facilitator, progress_class):
    other = report_class(own_facilitator, code="OTHER-1", surnames=("Zulu",))
    # Nkosi starts another LP: their progression on PROG-1's LP goes on hold.
    EnrolmentFactory(klass=other, learner=Enrolment.objects.get(learner__surname="Nkosi").learner)
    client.force_login(admin_user)

    def surnames(**query):
        return [(row[0], row[2], row[5]) for row in page_values(client.get(URL, query)).rows]

    assert surnames(**{"class": other.pk}) == [
        ("Nkosi", "OTHER-1", "In progress"),
        ("Zulu", "OTHER-1", "In progress"),
    ]
    assert surnames(client=progress_class.client_id) == [
        ("Dlamini", "PROG-1", "In progress"),
        ("Nkosi", "PROG-1", "On hold"),
    ]
    assert surnames(status="on_hold") == [("Nkosi", "PROG-1", "On hold")]
    assert len(surnames(status="nonsense", client="x")) == 4  # ignored, not an error


def test_the_csv_is_the_page_with_the_same_filters(
    client, admin_user, own_facilitator, progress_class
):
    report_class(own_facilitator, code="OTHER-1", surnames=("Zulu",), end=MAR_9)
    client.force_login(admin_user)

    for query in ({}, {"class": progress_class.pk}, {"status": "in_progress"}):
        table = csv_table(client.get(CSV_URL, query))
        assert table[0] == CSV_HEADER
        assert table[1:] == page_values(client.get(URL, query)).rows


def test_the_csv_has_every_page(client, admin_user, own_facilitator):
    surnames = [f"Learner{n:03d}" for n in range(ROWS_PER_PAGE + 3)]
    report_class(own_facilitator, surnames=surnames)
    client.force_login(admin_user)

    first = page_values(client.get(URL))
    second = page_values(client.get(URL, {"page": 2}))
    table = csv_table(client.get(CSV_URL, {"page": 2}))

    assert [len(first.rows), len(second.rows)] == [ROWS_PER_PAGE, 3]
    assert table[1:] == first.rows + second.rows
    assert [row[0] for row in table[1:]] == surnames


def learners_in_classes(count, facilitator):
    for _ in range(count):
        klass = ClassFactory(facilitator=facilitator)
        ScheduleFactory(klass=klass, start_date=FEB_16)
        EnrolmentFactory(klass=klass, start_date=FEB_16)
        capture(klass, FEB_18, facilitator, [(2, 5)])


def test_the_query_count_does_not_grow_with_the_rows(
    client, admin_user, own_facilitator, django_assert_num_queries
):
    client.force_login(admin_user)
    learners_in_classes(5, own_facilitator)
    with CaptureQueriesContext(connection) as five:
        assert len(page_values(client.get(URL)).rows) == 5
    with CaptureQueriesContext(connection) as five_csv:
        assert len(csv_table(client.get(CSV_URL))) == 6

    learners_in_classes(35, own_facilitator)
    with django_assert_num_queries(len(five)):
        assert len(page_values(client.get(URL)).rows) == 40
    with django_assert_num_queries(len(five_csv)):
        assert len(csv_table(client.get(CSV_URL))) == 41


def test_the_csv_projects_as_the_page_does_in_every_case(client, admin_user, own_facilitator):
    """The CSV's projection (each class's remaining sessions read once for the whole
    download) is the page's: reached, a date, at risk, a leaver, no schedule, on hold."""
    progress = report_class(own_facilitator, code="PROG-1")
    run_sessions(progress, own_facilitator)
    short = report_class(own_facilitator, code="SHORT-1", end=MAR_9, surnames=("Adams",))
    run_sessions(short, own_facilitator, {d: rows[:1] for d, rows in FIVE_SESSIONS.items()})
    done = report_class(own_facilitator, code="DONE-1", allocated="12", surnames=("Zulu",))
    run_sessions(done, own_facilitator, {d: rows[:1] for d, rows in FIVE_SESSIONS.items()})
    Enrolment.objects.filter(klass=progress, learner__surname="Nkosi").update(
        end_date=MAR_9, status=Enrolment.Status.WITHDRAWN
    )
    EnrolmentFactory(klass=ClassFactory(facilitator=own_facilitator), learner__surname="Bare")
    # A learner moving on to another LP: their progression on HOLD-1's goes on hold.
    hold = report_class(own_facilitator, code="HOLD-1", surnames=("Mokoena",))
    EnrolmentFactory(
        klass=report_class(own_facilitator, code="NEXT-1", surnames=()),
        learner=Enrolment.objects.get(klass=hold).learner,
    )
    client.force_login(admin_user)

    page = page_values(client.get(URL)).rows
    table = csv_table(client.get(CSV_URL))

    assert table[1:] == page
    projected = {(row[0], row[2][:4]): tuple(row[-2:]) for row in page}
    assert projected[("Dlamini", "PROG")] == ("2026-03-11", "")
    assert projected[("Nkosi", "PROG")] == ("", "At risk")  # left on 9 March
    assert projected[("Adams", "SHOR")] == ("", "At risk")
    assert projected[("Zulu", "DONE")] == ("Reached", "")
    assert projected[("Bare", "CLS-")] == ("", "At risk")  # no schedule
    assert projected[("Mokoena", "HOLD")] == ("", "")  # on hold: nothing projected

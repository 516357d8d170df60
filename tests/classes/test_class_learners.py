"""The facilitator's view of a class's learners (issue 12, point 5)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes.class_learners import class_learners
from classes.models import Enrolment
from tests.conftest import WEDNESDAY
from tests.reports.report_data import (
    FEB_16,
    FEB_18,
    FEB_23,
    FEB_25,
    MAR_2,
    MAR_9,
    capture,
    report_class,
)
from tests.reports.report_pages import page_values

pytestmark = pytest.mark.usefixtures("now", "ledger_checked")

# Dlamini and Nkosi, per session: (hours present, last page) of 3 hours trained.
SESSIONS = {
    FEB_16: [(3, 10), (3, 8)],
    FEB_18: [(3, 20), (1.5, 12)],
    FEB_23: [(2, 28), (0, None)],
    FEB_25: [(3, 36), (3, 20)],
    MAR_2: [(2.5, 45), (0, None)],
}


def url(klass):
    return reverse("classes:learners", args=[klass.pk])


@pytest.fixture
def short_class(own_facilitator):
    """24 allocated hours, 15 trained; the schedule ends on 9 March (4 and 9 March
    remain: 6 h of the 9 missing), so both learners are at risk."""
    klass = report_class(own_facilitator, code="SHORT-1", end=MAR_9)
    for day, rows in SESSIONS.items():
        capture(klass, day, own_facilitator, rows)
    return klass


@pytest.fixture
def on_track_class(own_facilitator):
    klass = report_class(own_facilitator, code="TRACK-1", surnames=("van der Merwe", "Zulu"))
    for day, rows in SESSIONS.items():
        capture(klass, day, own_facilitator, rows)
    return klass


def test_the_facilitator_sees_hours_attendance_pages_and_who_is_at_risk(
    client, own_facilitator, short_class
):
    client.force_login(own_facilitator)

    html = client.get(url(short_class)).content.decode()

    # 13.5 of 15 h present (90 %), page 45; 7.5 of 15 (50 %), page 20.
    for expected in ("13.5 present", "90%", ">45<", "7.5 present", "50%", ">20<"):
        assert expected in html
    assert html.count("At risk</span>") == 2
    assert html.count('class="at-risk"') == 2


def test_on_track_learners_are_not_at_risk_and_names_sort_case_blind(
    client, own_facilitator, on_track_class
):
    client.force_login(own_facilitator)

    html = client.get(url(on_track_class)).content.decode()

    assert "At risk</span>" not in html
    assert html.index("van der Merwe") < html.index("Zulu")


def test_at_risk_agrees_with_the_learner_progress_report(
    client, admin_user, own_facilitator, short_class, on_track_class
):
    Enrolment.objects.filter(klass=on_track_class, learner__surname="Zulu").update(
        end_date=MAR_9, status=Enrolment.Status.WITHDRAWN
    )
    client.force_login(admin_user)
    report = {
        (row[2], row[0]): row[-1] == "At risk"
        for row in page_values(client.get(reverse("reports:progress"))).rows
    }

    mine = {
        (klass.code, row.learner.surname): row.at_risk
        for klass in (short_class, on_track_class)
        for row in class_learners(klass=klass, today=WEDNESDAY)
    }

    assert mine == report
    assert mine[("TRACK-1", "Zulu")]  # left on 9 March: at risk in both


def test_another_facilitator_gets_404(client, other_facilitator, short_class):
    client.force_login(other_facilitator)
    assert client.get(url(short_class)).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_class(client, own_facilitator):
    client.force_login(own_facilitator)

    def queries(surnames):
        klass = report_class(own_facilitator, surnames=surnames)
        for day in SESSIONS:
            capture(klass, day, own_facilitator, [(3, 10)] * len(surnames))
        client.get(url(klass))  # the session is read once per request after this
        with CaptureQueriesContext(connection) as context:
            assert client.get(url(klass)).status_code == 200
        return len(context)

    assert queries(("Adams",)) == queries(("Botha", "Cele", "Dube", "Ebrahim", "Fourie", "Gumede"))

"""A phone's queued capture delivered over two app servers (issue 13): every attempt
carries the form's one-time key, whichever server it reaches and however many arrive at
once; one capture comes out, and every answer says it was saved.

The phone's retries are what a weak connection makes of one submit: the same body,
sent again when an answer is lost, to whichever server the load balancer picks.
"""

import datetime
import http.client
import json
import urllib.parse

import pytest
from django.urls import reverse

from attendance_project.offline import DELIVERY_HEADER
from classes.models import AttendanceSession, LearnerAttendance
from classes.schedule import expand
from classes.selectors import schedule_spec
from progression.models import HoursLog
from submissions.models import FormSubmission
from tests.conftest import assert_ledger_consistent
from tests.test_two_app_servers import (  # noqa: F401  (the fixtures)
    SINCE_DAYS,
    SUBMISSION_KEY,
    Browser,
    app_servers,
    csrf,
    live_class,
    production_password_hashing,
)
from tests.threads import fire_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ATTEMPTS_PER_SERVER = 4


def deliver(port, path, body, cookies):
    """One delivery attempt, as static/js/outbox.js sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                "Content-Type": "application/x-www-form-urlencoded",
                DELIVERY_HEADER: "1",
            },
        )
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_one_queued_capture_delivered_to_both_servers_at_once_counts_once(
    app_servers,  # noqa: F811
    live_class,  # noqa: F811
):
    # A session before yesterday, for the servers' real clock (see test_two_app_servers).
    yesterday = live_class.schedule.start_date + datetime.timedelta(days=SINCE_DAYS - 1)
    day = [
        p.date
        for p in expand(schedule_spec(live_class))
        if p.date < yesterday and p.blocked_reason is None
    ][-1]
    ports = [server.port for server in app_servers]
    phone = Browser(live_class.facilitator)
    phone.log_in(ports[0])
    path = reverse("classes:capture", args=[live_class.pk, day])
    form_page = phone.request(ports[1], "GET", path)
    assert form_page.status == 200
    learner_ids = live_class.enrolments.values_list("learner_id", flat=True)
    body = urllib.parse.urlencode(
        {
            **csrf(form_page),
            "submission_key": SUBMISSION_KEY.search(form_page.text).group(1),
            **{f"hours_{learner_id}": "2" for learner_id in learner_ids},
            **{f"page_{learner_id}": "" for learner_id in learner_ids},
        }
    )

    answers = fire_at_once(
        [
            lambda port=port: deliver(port, path, body, phone.cookies)
            for port in ports
            for _ in range(ATTEMPTS_PER_SERVER)
        ]
    )

    detail = reverse("classes:session_detail", args=[live_class.pk, day])
    assert [(status, json.loads(text)) for status, text in answers] == [
        (200, {"outcome": "saved", "location": detail})
    ] * (2 * ATTEMPTS_PER_SERVER)
    session = AttendanceSession.objects.get(klass=live_class, session_date=day)
    assert session.status == AttendanceSession.Status.CAPTURED
    assert LearnerAttendance.objects.filter(session=session).count() == 3
    assert HoursLog.objects.filter(session=session).count() == 3
    assert FormSubmission.objects.count() == 1
    assert_ledger_consistent()
